/**
 * One training run in a Web Worker: it loads the wasm kernels, then advances the run in slices
 * of about 40 ms while playing (posting new curve points, the confusion matrix and the sample
 * predictions after each slice), or by a given number of steps on 'step'.
 */
import { backendInfo, initBackendAsync } from '../../../../src/index.js';
import { dataFromWire, type FromWorker, type ToWorker } from './protocol.js';
import { LiveRun } from './run.js';

const post = (m: FromWorker): void => (self as unknown as { postMessage(m: FromWorker): void }).postMessage(m);
let run: LiveRun | null = null;
let playing = false;
let evalEvery = 50;
let samples: number[] = [];
let sent = 0;
let sentBatch = 0;
let seconds = 0;

function report(): void {
  if (!run) return;
  const predicted = run.predict();
  post({
    type: 'progress',
    step: run.step,
    epoch: run.epoch,
    stepsPerEpoch: run.stepsPerEpoch,
    curve: run.curve.slice(sent),
    batchLoss: run.batchLoss.slice(sentBatch),
    confusion: run.confusion(predicted),
    samplePredictions: samples.map((i) => predicted[i]),
    finished: run.finished,
    seconds,
    backend: backendInfo().name,
  });
  sent = run.curve.length;
  sentBatch = run.batchLoss.length;
}

function advance(steps: number, budgetMs: number): void {
  if (!run) return;
  const t0 = performance.now();
  while (run.finished === null && performance.now() - t0 < budgetMs && steps > 0) steps -= run.advance(1, evalEvery);
  seconds += (performance.now() - t0) / 1000;
}

function loop(): void {
  if (!playing || !run) return;
  try {
    advance(Infinity, 40);
    report();
  } catch (e) {
    playing = false;
    post({ type: 'error', message: (e as Error).message });
    return;
  }
  if (run.finished !== null) playing = false;
  else setTimeout(loop, 0);
}

// Messages are handled one after another: a 'play' sent while 'start' still loads the kernels
// must wait for the run it plays.
let queue: Promise<void> = Promise.resolve();
self.onmessage = (ev: MessageEvent<ToWorker>) => {
  queue = queue.then(() => handle(ev.data));
};

async function handle(m: ToWorker): Promise<void> {
  try {
    if (m.type === 'start') {
      await initBackendAsync();
      evalEvery = m.evalEvery;
      samples = m.samples;
      run = new LiveRun(m.spec, dataFromWire(m.data));
      report();
    } else if (m.type === 'play') {
      if (!playing) {
        playing = true;
        loop();
      }
    } else if (m.type === 'pause') {
      playing = false;
    } else if (m.type === 'step') {
      advance(m.steps, Infinity);
      run?.evaluate();
      report();
    }
  } catch (e) {
    post({ type: 'error', message: (e as Error).message });
  }
}
