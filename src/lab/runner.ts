/**
 * The runner: executes trials in parallel worker threads (worker_threads), appending each
 * finished trial to the run's store as soon as it arrives. Trials already done in the store
 * are skipped, so re-running the same experiment into the same directory resumes it.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { backendInfo } from '../backend/registry.js';
import { pinBlasThreads } from '../backend/blas/index.js';
import { pinWasmThreads } from '../backend/wasm/threads.js';
import { executeTrial } from './execute.js';
import type { RunStore } from './store.js';
import { trialId, type TrialConfig, type TrialRecord } from './trial.js';

export type RunnerEvent =
  | { type: 'start'; total: number; pending: number; skipped: number; workers: number }
  | { type: 'trial-start'; id: string; config: TrialConfig }
  | { type: 'progress'; id: string; config: TrialConfig; fraction: number; status?: string }
  | { type: 'trial-done'; record: TrialRecord; done: number; pending: number };

export interface RunTrialsOptions {
  store: RunStore;
  trials: readonly TrialConfig[];
  /** Worker threads; 0 runs in this thread. Default: the number of cores (at most the pending trials). */
  workers?: number;
  /** Re-run trials the store already has. */
  fresh?: boolean;
  onEvent?: (e: RunnerEvent) => void;
}

export interface RunTrialsResult {
  /** The records of every trial asked for (finished before or now), in the order given. */
  records: TrialRecord[];
  ran: number;
  skipped: number;
  failed: number;
}

/** The worker script next to this module: worker.ts under tsx, worker.js in dist/. */
export function workerUrl(): URL {
  const self = import.meta.url;
  return new URL(self.endsWith('.ts') ? './worker.ts' : './worker.js', self);
}

/**
 * Starts a worker thread on the worker script. From dist/ that is plain JavaScript. Under tsx
 * (worker.ts), Node 20 does not run the parent's `--import` loader in worker threads, so a small
 * bootstrap registers tsx's loader in the new thread and then imports worker.ts.
 */
export function startWorker(env: NodeJS.ProcessEnv = process.env): Worker {
  const url = workerUrl();
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { env });
  const api = import.meta.resolve('tsx/esm/api');
  const code =
    `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })` +
    `.catch((e) => { console.error(e); process.exit(1); });`;
  return new Worker(code, { eval: true, env });
}

/**
 * The environment of the pool's workers: each gets one BLAS thread (DESCENT_BLAS_THREADS=1,
 * unless the user set it). With several workers they already fill the cores, and OpenBLAS's
 * thread count is process-wide, so a worker switching it between products would change how
 * another worker's concurrent product is split, and with it the rounding. A single worker gets
 * one thread too, and trials in the main thread run on one ({@link runTrials}): how a product
 * is split changes its last bits, and the same seed must give the same numbers whatever the
 * worker count.
 */
export function workerEnv(workers: number, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (workers < 1) return env;
  // One wasm thread as well: the workers already fill the cores (wasm results do not depend on the count).
  const out = !env.DESCENT_BLAS_THREADS ? { ...env, DESCENT_BLAS_THREADS: '1' } : env;
  return !env.DESCENT_WASM_THREADS ? { ...out, DESCENT_WASM_THREADS: '1' } : out;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export async function runTrials(opts: RunTrialsOptions): Promise<RunTrialsResult> {
  const { store } = opts;
  const emit = opts.onEvent ?? (() => {});
  const withIds = opts.trials.map((config) => ({ id: trialId(config), config }));
  // The same configuration listed twice runs once.
  const unique = [...new Map(withIds.map((t) => [t.id, t])).values()];
  const done = opts.fresh ? new Set<string>() : store.doneIds();
  const pending = unique.filter((t) => !done.has(t.id));
  const skipped = unique.length - pending.length;
  const nWorkers = Math.min(opts.workers ?? defaultWorkers(), pending.length);
  emit({ type: 'start', total: unique.length, pending: pending.length, skipped, workers: nWorkers });
  let finished = 0;
  let failed = 0;
  const onRecord = (record: TrialRecord): void => {
    store.append(record);
    finished++;
    if (record.status !== 'done') failed++;
    emit({ type: 'trial-done', record, done: finished, pending: pending.length });
  };

  if (nWorkers <= 0) {
    // One BLAS thread, as in the workers (see workerEnv), unless the user fixed the count.
    if (!process.env.DESCENT_BLAS_THREADS) pinBlasThreads(1);
    if (!process.env.DESCENT_WASM_THREADS) pinWasmThreads(1);
    try {
      for (const t of pending) {
        emit({ type: 'trial-start', id: t.id, config: t.config });
        const record = await executeTrial(t.config, {
          onProgress: (fraction, status) => emit({ type: 'progress', id: t.id, config: t.config, fraction, status }),
        });
        onRecord(record);
      }
    } finally {
      pinBlasThreads(null);
      pinWasmThreads(null);
    }
  } else {
    await new Promise<void>((resolvePool, rejectPool) => {
      const queue = [...pending];
      const byId = new Map(pending.map((t) => [t.id, t.config]));
      let live = 0;
      let failedPool = false;
      const workers: Worker[] = [];
      const next = (w: Worker): void => {
        const t = queue.shift();
        if (!t) {
          void w.terminate();
          return;
        }
        emit({ type: 'trial-start', id: t.id, config: t.config });
        w.postMessage({ type: 'run', id: t.id, config: t.config, backend: backendInfo().name });
      };
      const env = workerEnv(nWorkers);
      for (let i = 0; i < nWorkers; i++) {
        const w = startWorker(env);
        workers.push(w);
        live++;
        w.on('message', (msg: { type: string; id: string; fraction?: number; status?: string; record?: TrialRecord }) => {
          if (msg.type === 'progress') {
            emit({ type: 'progress', id: msg.id, config: byId.get(msg.id)!, fraction: msg.fraction ?? 0, status: msg.status });
          } else if (msg.type === 'result' && msg.record) {
            try {
              onRecord(msg.record);
            } catch (err) {
              failedPool = true;
              workers.forEach((x) => void x.terminate());
              rejectPool(err);
              return;
            }
            next(w);
          }
        });
        w.on('error', (err) => {
          if (failedPool) return;
          failedPool = true;
          workers.forEach((x) => void x.terminate());
          rejectPool(new Error(`a worker thread failed: ${err.message}`));
        });
        w.on('exit', () => {
          live--;
          if (live === 0 && !failedPool) resolvePool();
        });
        next(w);
      }
    });
  }
  store.load();
  const all = new Map(store.trials().map((r) => [r.id, r]));
  const records = unique.map((t) => all.get(t.id)).filter((r): r is TrialRecord => r !== undefined);
  return { records, ran: finished, skipped, failed };
}
