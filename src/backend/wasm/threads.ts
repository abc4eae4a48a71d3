/**
 * Worker threads for the wasm backend's GEMM and convolutions: instances of kernels-mt.wasm in
 * worker threads (Node's worker_threads, a browser's Web Workers) sharing one
 * WebAssembly.Memory with the calling thread's instance.
 *
 * The caller stays synchronous. For a parallel call it writes each worker's part (a function
 * code and its arguments) into that worker's slot of a control block in the shared memory,
 * bumps a generation counter and wakes the workers with Atomics.notify, runs its own part, and
 * waits (Atomics.wait) until the count of parts still running reaches zero. Workers start
 * lazily, on the first call that would use them, and join the calls that come after they are
 * ready: the caller never waits for a worker to start (a browser starts a nested worker only
 * when its parent yields to its event loop). They never keep a Node process alive (unref).
 *
 * Every part computes whole output elements exactly as the one-thread kernel does (kernels.c),
 * so the results do not depend on the thread count or on how many workers are ready.
 */
import { isNode, nodeBuiltin } from '../../platform/node-builtin.js';

/** The kernels a worker runs, by code (the index here; the worker's table lists the same names). */
export const PART_FUNCTIONS = ['sgemm_part', 'conv2d_part', 'conv2d_input_grad_part', 'conv2d_weight_grad_part'] as const;
export type PartFunction = (typeof PART_FUNCTIONS)[number];

/** The most threads (the caller included) one module runs on. */
export const MAX_WASM_THREADS = 8;
/** Bytes of each worker's stack (the build's -z stack-size). */
export const STACK_BYTES = 262144;
/** Pages of the shared memory at the start (the build's --initial-memory, see scripts/build-wasm.mjs). */
export const MT_INITIAL_PAGES = 128;
/** The shared memory's maximum: 4 GiB, as the module declares. */
export const MT_MAXIMUM_PAGES = 65536;

/** Float64 slots per worker: [generation, function code, arguments...]. */
const SLOT_F64 = 32;
/** Int32 words of the control block: generation, parts running, an error flag, parts the workers ran, then ready flags by worker. */
const CTL_GEN = 0;
const CTL_PENDING = 1;
const CTL_ERROR = 2;
const CTL_DONE = 3;
const CTL_READY = 16;
const CTL_BYTES = 1024;

/**
 * The worker's program: plain JavaScript, started from a string (Node: `eval: true`; browsers:
 * a Blob URL), so that neither a bundler nor a TypeScript loader needs to find a file for it.
 */
const WORKER_SOURCE = `
'use strict';
const NAMES = ${JSON.stringify(PART_FUNCTIONS)};
function start(d) {
  const instance = new WebAssembly.Instance(d.module, { env: { memory: d.memory } });
  const ex = instance.exports;
  ex.__stack_pointer.value = d.stackTop;
  const fns = NAMES.map((n) => ex[n]);
  // The control block lies below every later growth: views of the first buffer reach it.
  const i32 = new Int32Array(d.memory.buffer);
  const f64 = new Float64Array(d.memory.buffer);
  const G = d.ctl >> 2, s = d.slot >> 3;
  let gen = Atomics.load(i32, G + ${CTL_GEN});
  Atomics.store(i32, G + ${CTL_READY} + d.id, 1);
  for (;;) {
    Atomics.wait(i32, G + ${CTL_GEN}, gen);
    gen = Atomics.load(i32, G + ${CTL_GEN});
    if (f64[s] !== gen) continue;
    try {
      const fn = fns[f64[s + 1]], n = f64[s + 2], a = [];
      for (let k = 0; k < n; k++) a.push(f64[s + 3 + k]);
      fn(...a);
    } catch (e) {
      Atomics.store(i32, G + ${CTL_ERROR}, 1);
    }
    Atomics.add(i32, G + ${CTL_DONE}, 1);
    if (Atomics.sub(i32, G + ${CTL_PENDING}, 1) === 1) Atomics.notify(i32, G + ${CTL_PENDING});
  }
}
if (typeof process === 'object' && process.versions && process.versions.node) {
  start(process.getBuiltinModule('node:worker_threads').workerData);
} else {
  self.onmessage = (e) => start(e.data);
}
`;

interface NodeWorker {
  unref(): void;
  on(event: 'error' | 'exit', listener: (e: unknown) => void): void;
}
interface NodeWorkerThreads {
  Worker: new (code: string, options: object) => NodeWorker;
  isMainThread: boolean;
}
interface BrowserWorker {
  postMessage(data: unknown): void;
  onerror: ((e: unknown) => void) | null;
}

/** The thread count a fresh module starts with: DESCENT_WASM_THREADS, else the cores (at most MAX_WASM_THREADS). */
export function defaultWasmThreads(): number {
  const env = isNode ? (globalThis as { process?: NodeJS.Process }).process?.env.DESCENT_WASM_THREADS : undefined;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 1) return Math.min(n, MAX_WASM_THREADS);
    console.warn(`descent: DESCENT_WASM_THREADS=${env} is not a whole number >= 1; using the cores`);
  }
  let cores = 1;
  if (isNode) cores = nodeBuiltin<{ availableParallelism(): number }>('node:os')?.availableParallelism() ?? 1;
  else cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(cores, MAX_WASM_THREADS));
}

/**
 * Why this environment cannot run wasm threads ('' when it can): SharedArrayBuffer needs
 * cross-origin isolation in browsers, and a browser's main thread may not Atomics.wait.
 */
export function wasmThreadsProblem(): string {
  const g = globalThis as { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean; WorkerGlobalScope?: unknown; Worker?: unknown; Blob?: unknown; URL?: { createObjectURL?: unknown } };
  if (typeof g.SharedArrayBuffer !== 'function' || typeof Atomics === 'undefined') return 'this engine has no SharedArrayBuffer';
  if (isNode) return nodeBuiltin('node:worker_threads') ? '' : 'node:worker_threads is not available';
  if (g.crossOriginIsolated !== true) return 'the page is not cross-origin isolated (COOP/COEP headers), so SharedArrayBuffer is off';
  if (typeof g.WorkerGlobalScope === 'undefined') return "a browser's main thread may not block in Atomics.wait (run the compute in a Web Worker)";
  if (typeof g.Worker !== 'function' || typeof g.Blob !== 'function' || typeof g.URL?.createObjectURL !== 'function') return 'this worker cannot start nested Web Workers';
  return '';
}

/** A thread count every call uses (at most a pool's capacity) instead of each pool's limit; null: none. */
let pinned: number | null = null;

/**
 * Runs every wasm GEMM and convolution on at most `n` threads (null: back to each module's own
 * count). The lab pins one while it runs trials in the main thread, as it does for BLAS. The
 * results do not depend on it (see above); the pin keeps the lab's trials off each other's cores.
 */
export function pinWasmThreads(n: number | null): void {
  pinned = n === null ? null : Math.max(1, Math.floor(n));
}

/** One part of a parallel call: a kernel of PART_FUNCTIONS and its arguments (numbers). */
export interface Part {
  fn: PartFunction;
  args: number[];
}

/**
 * The worker threads of one shared-memory module. `ctl` is the byte address of the control
 * block and slots (see {@link ThreadPool.reservedBytes}), laid out from `base`.
 */
export class ThreadPool {
  /** Byte address of each worker's packing workspace, [0] the caller's. */
  readonly workspaces: number[] = [];
  /** The first byte address above the pool's regions (where the scratch arena may start). */
  readonly end: number;
  private readonly ctl: number;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private started = false;
  private failed = false;
  private gen = 0;
  /** How many threads (the caller included) a call may use now; at most `capacity`. */
  limit: number;

  /**
   * `capacity`: the threads the regions are laid out for (the caller included); `wsBytes`: one
   * packing workspace's bytes; `call`: runs a part on the calling thread.
   */
  constructor(
    readonly memory: { buffer: ArrayBufferLike },
    readonly module: object,
    base: number,
    readonly capacity: number,
    wsBytes: number,
    private readonly call: (part: Part) => void,
  ) {
    const align = (n: number): number => (n + 63) & ~63;
    this.ctl = align(base);
    let at = this.ctl + CTL_BYTES + capacity * SLOT_F64 * 8;
    this.stackTops = [];
    for (let w = 1; w < capacity; w++) {
      at = align(at) + STACK_BYTES;
      this.stackTops.push(at);
    }
    for (let t = 0; t < capacity; t++) {
      at = align(at);
      this.workspaces.push(at);
      at += wsBytes;
    }
    this.end = align(at);
    this.i32 = new Int32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.limit = capacity;
  }
  private readonly stackTops: number[];

  /** Threads ready for a call now (the caller included), starting the workers on first need. */
  available(): number {
    const limit = Math.min(pinned ?? this.limit, this.capacity);
    if (limit <= 1) return 1;
    if (!this.started) this.start();
    let n = 1;
    for (let w = 0; w < this.capacity - 1 && n < limit; w++) if (Atomics.load(this.i32, (this.ctl >> 2) + CTL_READY + w) === 1) n++;
    return n;
  }

  private start(): void {
    this.started = true;
    for (let w = 0; w < this.capacity - 1; w++) {
      const data = { module: this.module, memory: this.memory, ctl: this.ctl, slot: this.slotAt(w), stackTop: this.stackTops[w], id: w };
      try {
        if (isNode) {
          const wt = nodeBuiltin<NodeWorkerThreads>('node:worker_threads')!;
          const worker = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: data, execArgv: [], stdout: false, stderr: false });
          worker.unref();
          worker.on('error', () => this.lose(w));
          worker.on('exit', () => this.lose(w));
        } else {
          const g = globalThis as unknown as { Worker: new (url: string) => BrowserWorker; Blob: new (parts: string[], o: object) => object; URL: { createObjectURL(b: object): string } };
          const worker = new g.Worker(g.URL.createObjectURL(new g.Blob([WORKER_SOURCE], { type: 'text/javascript' })));
          worker.onerror = () => this.lose(w);
          worker.postMessage(data);
        }
      } catch {
        this.failed = true;
        return;
      }
    }
  }

  /** How many parts the workers have run so far (for tests: whether calls were split). */
  get workerParts(): number {
    return Atomics.load(this.i32, (this.ctl >> 2) + CTL_DONE);
  }

  /** A worker that failed or exited takes no more parts. */
  private lose(w: number): void {
    Atomics.store(this.i32, (this.ctl >> 2) + CTL_READY + w, 0);
  }

  private slotAt(w: number): number {
    return this.ctl + CTL_BYTES + w * SLOT_F64 * 8;
  }

  /**
   * Runs `parts` (at most {@link available}) at once: parts[0] on the calling thread, the
   * others on ready workers; returns when all are done. Throws when a worker's part trapped.
   */
  run(parts: Part[]): void {
    if (parts.length === 1 || this.failed) {
      for (const p of parts) this.call(p);
      return;
    }
    const G = this.ctl >> 2;
    const workers: number[] = [];
    for (let w = 0; w < this.capacity - 1 && workers.length < parts.length - 1; w++) {
      if (Atomics.load(this.i32, G + CTL_READY + w) === 1) workers.push(w);
    }
    const gen = ++this.gen;
    const f64 = this.f64;
    Atomics.store(this.i32, G + CTL_PENDING, workers.length);
    Atomics.store(this.i32, G + CTL_ERROR, 0);
    workers.forEach((w, k) => {
      const p = parts[k + 1];
      const s = this.slotAt(w) >> 3;
      if (p.args.length > SLOT_F64 - 3) throw new Error(`a part of ${p.fn} has ${p.args.length} arguments; a slot holds ${SLOT_F64 - 3}`);
      f64[s] = gen;
      f64[s + 1] = PART_FUNCTIONS.indexOf(p.fn);
      f64[s + 2] = p.args.length;
      for (let i = 0; i < p.args.length; i++) f64[s + 3 + i] = p.args[i];
    });
    Atomics.store(this.i32, G + CTL_GEN, gen);
    Atomics.notify(this.i32, G + CTL_GEN);
    this.call(parts[0]);
    // Parts that found no ready worker (one was lost since available()) run here.
    for (let k = workers.length + 1; k < parts.length; k++) this.call(parts[k]);
    // A short spin first: a part usually ends within microseconds of the caller's own.
    for (let spin = 0; spin < 20000 && Atomics.load(this.i32, G + CTL_PENDING) !== 0; spin++);
    for (let v = Atomics.load(this.i32, G + CTL_PENDING); v !== 0; v = Atomics.load(this.i32, G + CTL_PENDING)) {
      Atomics.wait(this.i32, G + CTL_PENDING, v, 1000);
    }
    if (Atomics.load(this.i32, G + CTL_ERROR) !== 0) throw new Error('descent: a wasm worker thread failed in its part of a kernel');
  }
}
