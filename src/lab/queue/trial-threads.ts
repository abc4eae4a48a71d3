/**
 * A fixed set of trial threads for `descent worker`: the same worker threads as the local pool
 * (../worker.ts, started by the runner's startWorker, one BLAS thread each), handed one trial at
 * a time. Training off the main thread is what keeps BullMQ's lock renewals on time: a trial that
 * runs longer than the lock duration keeps its lock, so it is never taken for stalled and run twice.
 */
import type { Worker } from 'node:worker_threads';
import { answerReport, startWorker, workerEnv, type WorkerMessage } from '../runner.js';
import type { TrialConfig, TrialRecord } from '../trial.js';

interface Slot {
  thread: Worker;
  busy: boolean;
  /** The flag a trial waiting for a pruning decision reads (see the runner's TrialPruner). */
  flag: SharedArrayBuffer;
}

/** A trial's pruning: the epochs it waits after, and what decides (true: stop); every report is passed on. */
export interface ThreadPruning {
  asks: number[];
  decide: (epoch: number, values: Record<string, number>) => Promise<boolean>;
  onReport?: (epoch: number, values: Record<string, number>, ask: boolean) => void;
}

interface Waiter {
  resolve: (slot: Slot) => void;
}

/** `size` threads that run trials; a trial waits for a free one. */
export class TrialThreads {
  private readonly slots: Slot[] = [];
  private readonly waiting: Waiter[] = [];
  private readonly env: NodeJS.ProcessEnv;

  constructor(readonly size: number) {
    this.env = workerEnv(size);
  }

  /** Runs one trial on a free thread; progress as the thread reports it (at most every 100 ms). */
  async run(id: string, config: TrialConfig, backend: string, onProgress: (fraction: number, status?: string) => void, pruning?: ThreadPruning): Promise<TrialRecord> {
    const slot = await this.acquire();
    try {
      return await new Promise<TrialRecord>((resolve, reject) => {
        const onMessage = (msg: WorkerMessage): void => {
          if (msg.id !== id) return;
          if (msg.type === 'report' && pruning) {
            pruning.onReport?.(msg.epoch!, msg.values!, msg.ask === true);
            // A decision that cannot be had lets the trial go on.
            if (msg.ask) void pruning.decide(msg.epoch!, msg.values!).then((stop) => answerReport(slot.flag, stop), () => answerReport(slot.flag, false));
          } else if (msg.type === 'progress') onProgress(msg.fraction ?? 0, msg.status);
          else if (msg.type === 'result' && msg.record) {
            cleanup();
            resolve(msg.record);
          }
        };
        const onError = (err: Error): void => {
          cleanup();
          reject(new Error(`the trial thread failed: ${err.message}`));
        };
        const onExit = (code: number): void => {
          cleanup();
          reject(new Error(`the trial thread exited (code ${code}) before the trial finished`));
        };
        const cleanup = (): void => {
          slot.thread.off('message', onMessage);
          slot.thread.off('error', onError);
          slot.thread.off('exit', onExit);
        };
        slot.thread.on('message', onMessage);
        slot.thread.on('error', onError);
        slot.thread.on('exit', onExit);
        slot.thread.postMessage({ type: 'run', id, config, backend, prune: pruning ? { asks: pruning.asks, flag: slot.flag } : undefined });
      });
    } catch (err) {
      // A failed thread is replaced on the next acquire.
      this.slots.splice(this.slots.indexOf(slot), 1);
      void slot.thread.terminate();
      throw err;
    } finally {
      this.release(slot);
    }
  }

  /** Stops every thread. */
  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.thread.terminate()));
    this.slots.length = 0;
  }

  private acquire(): Promise<Slot> {
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    if (this.slots.length < this.size) {
      const slot = { thread: startWorker(this.env), busy: true, flag: new SharedArrayBuffer(4) };
      this.slots.push(slot);
      return Promise.resolve(slot);
    }
    return new Promise((resolve) => this.waiting.push({ resolve }));
  }

  private release(slot: Slot): void {
    slot.busy = false;
    const next = this.waiting.shift();
    if (!next) return;
    if (this.slots.includes(slot)) {
      slot.busy = true;
      next.resolve(slot);
    } else {
      void this.acquire().then(next.resolve);
    }
  }
}
