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
  | { type: 'trial-done'; record: TrialRecord; done: number; pending: number }
  /** A running trial's per-epoch report (with a pruner); `stop`: the pruner stopped it there. */
  | { type: 'report'; id: string; config: TrialConfig; epoch: number; values: Record<string, number>; stop: boolean };

/**
 * Stops running trials from their per-epoch reports (`descent tune`'s asha search; Optuna's
 * pruners, Ray Tune's trial schedulers). A trial of a task with per-epoch reports
 * (TaskDef.epochReports) reports after each epoch; after the epochs {@link TrialPruner.asks}
 * names it waits for {@link TrialPruner.decide}, and stops there when that says so. In worker
 * threads the wait is an Atomics.wait on a flag shared with this thread, which answers as soon
 * as the report arrives; with `workers: 0` it is a plain call.
 */
export interface TrialPruner {
  /** The epochs (ascending) after which the trial waits for a decision; [] for none. */
  asks(id: string, config: TrialConfig): readonly number[];
  /** Whether to stop the trial after `epoch`, given that epoch's figures (called in the order the reports arrive). */
  decide(id: string, config: TrialConfig, epoch: number, values: Record<string, number>): boolean;
}

export interface RunTrialsOptions {
  store: RunStore;
  trials: readonly TrialConfig[];
  /** Worker threads; 0 runs in this thread. Default: the number of cores (at most the pending trials). */
  workers?: number;
  /** Re-run trials the store already has. */
  fresh?: boolean;
  onEvent?: (e: RunnerEvent) => void;
  /** Stops running trials from their per-epoch reports (see {@link TrialPruner}). */
  pruner?: TrialPruner;
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

/**
 * The ids of the store's trials a run skips: the finished ones (none with `fresh`). A trial a
 * pruner stopped early (`extra.pruned`) counts only for a run with a pruner: asked for without
 * one (the same configuration in a grid or successive-halving study), it runs again in full.
 */
export function finishedIds(store: RunStore, o: { fresh?: boolean; pruner?: TrialPruner }): Set<string> {
  if (o.fresh) return new Set();
  const done = store.doneIds();
  if (!o.pruner) for (const r of store.trials()) if (r.status === 'done' && r.extra && 'pruned' in r.extra) done.delete(r.id);
  return done;
}

/** A message from a trial thread (../worker.ts and the queue's trial threads). */
export interface WorkerMessage {
  type: 'progress' | 'report' | 'result';
  id: string;
  fraction?: number;
  status?: string;
  record?: TrialRecord;
  /** A report's epoch and figures; `ask`: the trial waits for a decision on its flag. */
  epoch?: number;
  values?: Record<string, number>;
  ask?: boolean;
}

/** A trial thread's pruning flag while the trial waits for its decision. */
export const PRUNE_WAIT = 0;
/** The flag's value when the trial goes on. */
export const PRUNE_CONTINUE = 1;
/** The flag's value when the trial stops after this epoch. */
export const PRUNE_STOP = 2;

/** Wakes a trial thread waiting on `flag` with a pruner's decision. */
export function answerReport(flag: SharedArrayBuffer, stop: boolean): void {
  const a = new Int32Array(flag);
  Atomics.store(a, 0, stop ? PRUNE_STOP : PRUNE_CONTINUE);
  Atomics.notify(a, 0);
}

/**
 * Runs the trials the store does not have yet (all of them with `fresh`), in worker threads
 * or, with `workers: 0`, in this thread; appends each record to the store as it finishes and
 * returns every asked trial's record. With a `pruner`, trials stop early as it decides.
 */
export async function runTrials(opts: RunTrialsOptions): Promise<RunTrialsResult> {
  const { store } = opts;
  const emit = opts.onEvent ?? (() => {});
  const pruner = opts.pruner;
  const withIds = opts.trials.map((config) => ({ id: trialId(config), config }));
  // The same configuration listed twice runs once.
  const unique = [...new Map(withIds.map((t) => [t.id, t])).values()];
  const done = finishedIds(store, opts);
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
        const asks = pruner?.asks(t.id, t.config) ?? [];
        const record = await executeTrial(t.config, {
          onProgress: (fraction, status) => emit({ type: 'progress', id: t.id, config: t.config, fraction, status }),
          onEpoch: pruner
            ? (epoch, values) => {
                const stop = asks.includes(epoch) && pruner.decide(t.id, t.config, epoch, values);
                emit({ type: 'report', id: t.id, config: t.config, epoch, values, stop });
                return stop;
              }
            : undefined,
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
      // Per worker, the flag a waiting trial reads its pruner's decision from (see answerReport).
      const flags = new Map<Worker, SharedArrayBuffer>();
      const next = (w: Worker): void => {
        const t = queue.shift();
        if (!t) {
          void w.terminate();
          return;
        }
        emit({ type: 'trial-start', id: t.id, config: t.config });
        const prune = pruner ? { asks: [...pruner.asks(t.id, t.config)], flag: flags.get(w)! } : undefined;
        w.postMessage({ type: 'run', id: t.id, config: t.config, backend: backendInfo().name, prune });
      };
      const env = workerEnv(nWorkers);
      for (let i = 0; i < nWorkers; i++) {
        const w = startWorker(env);
        workers.push(w);
        flags.set(w, new SharedArrayBuffer(4));
        live++;
        w.on('message', (msg: WorkerMessage) => {
          if (msg.type === 'report' && pruner) {
            const config = byId.get(msg.id)!;
            const stop = msg.ask === true && pruner.decide(msg.id, config, msg.epoch!, msg.values!);
            if (msg.ask) answerReport(flags.get(w)!, stop);
            emit({ type: 'report', id: msg.id, config, epoch: msg.epoch!, values: msg.values!, stop });
          } else if (msg.type === 'progress') {
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
