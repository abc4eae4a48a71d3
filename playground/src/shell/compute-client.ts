/** The page's side of the compute worker: one worker, requests answered as promises. */
import type { BackendReply, BackendRequest, ComputeRequest, OnlineReply, OnlineRequest, TraceReply, WorkerReply } from './compute-protocol.js';

let worker: Worker | null = null;
let nextId = 0;
const pending = new Map<number, { ok(v: unknown): void; fail(e: Error): void }>();

function getWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<WorkerReply>) => {
    const p = pending.get(e.data.id);
    if (!p) return;
    pending.delete(e.data.id);
    if (e.data.ok) p.ok(e.data.result);
    else p.fail(new Error(e.data.error));
  };
  worker.onerror = (e) => {
    for (const p of pending.values()) p.fail(new Error(`compute worker failed: ${e.message}`));
    pending.clear();
  };
  return worker;
}

/** Runs a request in the worker. */
export function compute(request: OnlineRequest): Promise<OnlineReply>;
export function compute(request: BackendRequest): Promise<BackendReply>;
export function compute(request: Exclude<ComputeRequest, OnlineRequest | BackendRequest>): Promise<TraceReply>;
export function compute(request: ComputeRequest): Promise<TraceReply | OnlineReply | BackendReply> {
  const id = ++nextId;
  return new Promise((ok, fail) => {
    pending.set(id, { ok: ok as (v: unknown) => void, fail });
    getWorker().postMessage({ id, request });
  });
}
