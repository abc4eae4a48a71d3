/** The messages between the page and the compute worker (plain JSON both ways). */
import type { JsonObject } from '../../../src/lab/util.js';
import type { TraceOptions } from '../../../src/lab/trace-run.js';

/** `descent trace` on a lab problem, exactly as the CLI runs it. */
export interface TraceRequest extends TraceOptions {
  kind: 'trace';
}

/** The same trajectory on a user's f(x, y) (its gradient by autodiff). */
export interface ExpressionRequest {
  kind: 'expression';
  expression: string;
  optimizer: string;
  options?: JsonObject;
  steps: number;
  start: [number, number];
}

/** One online-counterexample run with the optimizer's state recorded at every step. */
export interface OnlineRequest {
  kind: 'online';
  optimizer: string;
  options: JsonObject;
  C: number;
  delta: number;
  steps: number;
  seed: number;
  /** Independent copies (one coordinate each, its own draws), as the lab's `copies`. */
  copies: number;
}

/** What the worker computes on: its backend, and whether wasm threads can run there. */
export interface BackendRequest {
  kind: 'backend';
}

export type ComputeRequest = TraceRequest | ExpressionRequest | OnlineRequest | BackendRequest;

/** The worker's backend (`backendInfo()`), whether it is cross-origin isolated, and why wasm threads cannot run ('' when they can). */
export interface BackendReply {
  name: string;
  detail: string;
  crossOriginIsolated: boolean;
  threadsProblem: string;
}

/** A trajectory: the options it ran with (the problem's default lr filled in), iterates and f at each. */
export interface TraceReply {
  options: JsonObject;
  iterates: number[][];
  values: number[];
}

/** θ_t, v_t and (AMSGrad) v̂_t after each step, index 0 the start: of the first copy, and θ's mean over the copies. */
export interface OnlineReply {
  options: JsonObject;
  theta: number[];
  thetaMean: number[];
  v: number[];
  vhat: number[] | null;
  /** The gradient seen at each step (index 0 unused: 0). */
  grad: number[];
}

export type WorkerMessage = { id: number; request: ComputeRequest };
export type WorkerReply = { id: number; ok: true; result: TraceReply | OnlineReply | BackendReply } | { id: number; ok: false; error: string };
