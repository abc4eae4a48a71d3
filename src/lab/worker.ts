/**
 * Worker-thread entry: receives trial configurations, runs them, posts progress and results.
 * Loaded as worker.ts under tsx and as worker.js from dist/.
 */
import { parentPort } from 'node:worker_threads';
import { initBackend, type BackendName } from '../backend/load.js';
import { executeTrial } from './execute.js';
import type { TrialConfig } from './trial.js';

if (!parentPort) throw new Error('lab/worker: must run as a worker thread');
const port = parentPort;

let backendReady = false;

port.on('message', async (msg: { type: 'run'; config: TrialConfig; id: string; backend?: string } | { type: 'stop' }) => {
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
  });
  port.postMessage({ type: 'result', id: msg.id, record });
});
