/**
 * Progress display for the runner: a cli-progress bar on a terminal (the fraction of all
 * pending work, counting trials in flight by how far along they are), plain lines otherwise.
 */
import cliProgress from 'cli-progress';
import type { RunnerEvent } from './runner.js';
import { fmt, fmtDuration } from './util.js';

export interface ProgressReporter {
  onEvent(e: RunnerEvent): void;
  stop(): void;
}

export interface ProgressOptions {
  quiet?: boolean;
  /** Where lines go (default: stderr). A custom writer gets plain lines, never a bar. */
  write?: (s: string) => void;
}

export function createProgress({ quiet = false, write }: ProgressOptions = {}): ProgressReporter {
  if (quiet) return { onEvent: () => {}, stop: () => {} };
  const stream = process.stderr;
  const tty = !write && Boolean(stream.isTTY) && !process.env.CI;
  const out = write ?? ((s: string) => void stream.write(s));
  const inFlight = new Map<string, { fraction: number; label: string; status?: string }>();
  let pending = 0;
  let done = 0;
  let bar: cliProgress.SingleBar | null = null;
  const PRECISION = 1000;

  const label = (c: { task: string; method: { label: string }; seed: number }): string => `${c.task} ${c.method.label} seed ${c.seed}`;
  const current = (): string => {
    const parts = [...inFlight.values()].map((t) => `${t.label}${t.status ? ` (${t.status})` : ''}`);
    const s = parts.join(' | ');
    return s.length > 70 ? `${s.slice(0, 67)}...` : s;
  };
  const update = (): void => {
    if (!bar) return;
    let v = done;
    for (const t of inFlight.values()) v += t.fraction;
    bar.update(Math.round(v * PRECISION), { trials: `${done}/${pending}`, current: current() });
  };

  return {
    onEvent(e) {
      switch (e.type) {
        case 'start':
          pending = e.pending;
          if (e.skipped > 0) out(`${e.skipped} of ${e.total} trials already done in this run directory: skipped\n`);
          if (e.pending === 0) return;
          out(`running ${e.pending} trial${e.pending === 1 ? '' : 's'} on ${e.workers === 0 ? 'the main thread' : `${e.workers} worker thread${e.workers === 1 ? '' : 's'}`}\n`);
          if (tty) {
            bar = new cliProgress.SingleBar(
              {
                format: '{bar} {percentage}% | {trials} trials | {duration_formatted} elapsed, ETA {eta_formatted} | {current}',
                hideCursor: true,
                clearOnComplete: false,
                etaBuffer: 50,
                stream,
              },
              cliProgress.Presets.shades_classic,
            );
            bar.start(pending * PRECISION, 0, { trials: `0/${pending}`, current: '' });
          }
          break;
        case 'trial-start':
          inFlight.set(e.id, { fraction: 0, label: label(e.config) });
          update();
          break;
        case 'progress': {
          const t = inFlight.get(e.id);
          if (t) {
            t.fraction = Math.min(1, Math.max(0, e.fraction));
            t.status = e.status;
          }
          update();
          break;
        }
        case 'trial-done': {
          inFlight.delete(e.record.id);
          done = e.done;
          if (bar) update();
          else {
            const r = e.record;
            const fin = Object.entries(r.final)
              .slice(0, 3)
              .map(([k, v]) => `${k}=${fmt(v)}`)
              .join(' ');
            const pruned = (r.extra?.pruned as { epoch?: number } | undefined)?.epoch;
            out(`[${done}/${pending}] ${label(r.config)}: ${r.status === 'done' ? fin : `FAILED: ${r.error}`}${pruned !== undefined ? `, stopped after epoch ${pruned} (pruned)` : ''} (${fmtDuration(r.seconds)})\n`);
          }
          break;
        }
      }
    },
    stop() {
      if (bar) {
        bar.stop();
        bar = null;
      }
    },
  };
}
