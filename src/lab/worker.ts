/**
 * Worker-thread entry: receives trial configurations, runs them, posts progress and results.
 * Loaded as worker.ts under tsx and as worker.js from dist/.
 */
import { parentPort } from 'node:worker_threads';
import { initBackend, type BackendName } from '../backend/load.js';
import { executeTrial } from './execute.js';
import { PRUNE_STOP, PRUNE_WAIT } from './runner.js';
import type { TrialConfig } from './trial.js';

if (!parentPort) throw new Error('lab/worker: must run as a worker thread');
const port = parentPort;

let backendReady = false;

/** A trial's pruning channel: the epochs after which it waits for a decision, and the flag the decision comes on. */
interface PruneChannel {
  asks: number[];
  flag: SharedArrayBuffer;
}

/** How long a waiting trial waits for its decision before it goes on (the parent died or hung). */
const DECISION_TIMEOUT_MS = 10 * 60 * 1000;

port.on('message', async (msg: { type: 'run'; config: TrialConfig; id: string; backend?: string; prune?: PruneChannel } | { type: 'stop' }) => {
  if (msg.type === 'stop') {
    port.close();
    return;
  }
  if (!backendReady) {
    // Each thread has its own engine state: pick the same backend as the main thread.
    initBackend({ backend: (msg.backend ?? 'auto') as BackendName | 'auto', quiet: true });
    backendReady = true;
  }
  let last = 0;
  const record = await executeTrial(msg.config, {
    onProgress(fraction, status) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      port.postMessage({ type: 'progress', id: msg.id, fraction, status });
    },
    onEpoch: msg.prune ? reporter(msg.id, msg.prune) : undefined,
  });
  port.postMessage({ type: 'result', id: msg.id, record });
});

/** The onEpoch hook of a trial with a pruning channel: posts each report; waits for the decision where asked. */
function reporter(id: string, prune: PruneChannel): (epoch: number, values: Record<string, number>) => boolean {
  const flag = new Int32Array(prune.flag);
  return (epoch, values) => {
    const ask = prune.asks.includes(epoch);
    if (ask) Atomics.store(flag, 0, PRUNE_WAIT);
    port.postMessage({ type: 'report', id, epoch, values, ask });
    if (!ask) return false;
    Atomics.wait(flag, 0, PRUNE_WAIT, DECISION_TIMEOUT_MS);
    return Atomics.load(flag, 0) === PRUNE_STOP;
  };
}
