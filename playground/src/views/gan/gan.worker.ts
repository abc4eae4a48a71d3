/**
 * The GAN view's worker: loads the wasm kernels, builds a {@link GanSession} (the lab's
 * gan-mixture trial), and while playing runs iterations in slices of about 60 ms, posting a
 * snapshot (heatmap, samples, arrows, modes, the record so far) after each, until the run's
 * last iteration; 'step' runs a given number of iterations and posts one.
 */
import { backendInfo, initBackendAsync } from '../../../../src/index.js';
import { GanSession, type GanSnapshot, type GanSpec } from './session.js';

/** UI → worker. */
export type ToGanWorker = { type: 'start'; spec: GanSpec } | { type: 'play' } | { type: 'pause' } | { type: 'step'; iterations: number };
/** Worker → UI. */
export type FromGanWorker = { type: 'snapshot'; snapshot: GanSnapshot; backend: string; playing: boolean; seconds: number } | { type: 'error'; message: string };

const post = (m: FromGanWorker): void => (self as unknown as { postMessage(m: FromGanWorker): void }).postMessage(m);
let session: GanSession | null = null;
let playing = false;
/** Seconds spent training (the record's `seconds`). */
let seconds = 0;

function advance(n: number): void {
  const t0 = performance.now();
  try {
    session?.advance(n);
  } finally {
    seconds += (performance.now() - t0) / 1000;
  }
}

function report(): void {
  if (session) post({ type: 'snapshot', snapshot: session.snapshot(), backend: backendInfo().name, playing, seconds });
}

function loop(): void {
  if (!playing || !session) return;
  try {
    const t0 = performance.now();
    while (performance.now() - t0 < 60 && !session.done) advance(1);
    if (session.done) playing = false;
    report();
    setTimeout(loop, 0);
  } catch (e) {
    playing = false;
    post({ type: 'error', message: (e as Error).message });
  }
}

// Messages are handled one after another: a 'play' sent while 'start' still loads the kernels
// must wait for the run it plays.
let queue: Promise<void> = Promise.resolve();
self.onmessage = (ev: MessageEvent<ToGanWorker>) => {
  queue = queue.then(() => handle(ev.data));
};

async function handle(m: ToGanWorker): Promise<void> {
  try {
    if (m.type === 'start') {
      await initBackendAsync();
      session = new GanSession(m.spec);
      seconds = 0;
      report();
    } else if (m.type === 'play') {
      if (!playing) {
        playing = true;
        loop();
      }
    } else if (m.type === 'pause') {
      playing = false;
    } else if (m.type === 'step') {
      advance(m.iterations);
      report();
    }
  } catch (e) {
    playing = false;
    post({ type: 'error', message: (e as Error).message });
  }
}
