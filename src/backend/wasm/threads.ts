/**
 * Worker threads for the wasm backend's GEMM and convolutions: instances of kernels-mt.wasm in
 * worker threads (Node's worker_threads, a browser's Web Workers) sharing one
 * WebAssembly.Memory with the calling thread's instance.
 *
 * The caller stays synchronous. For a parallel call it writes the job (a kernel, its arguments
 * and its chunks) into a control block in the shared memory, bumps a generation counter and
 * wakes the workers with Atomics.notify, claims chunks itself like any worker, and waits
 * (Atomics.wait) until every chunk is finished: a worker that wakes late takes fewer chunks,
 * or none. A worker that finishes a job polls for the next one for a millisecond before it
 * sleeps again (WORKER_SPIN_MS). Workers start on the first call that would use them (or when
 * the wasm backend becomes the active one, see load.ts), and join the calls that come after
 * they are ready: the caller never waits for a worker to start (a browser starts a nested
 * worker only when its parent yields to its event loop). They never keep a Node process alive
 * (unref).
 *
 * Every chunk computes whole output elements exactly as the one-thread kernel does (kernels.c),
 * so the results do not depend on the thread count or on how many workers are ready.
 */
import { isNode, nodeBuiltin } from '../../platform/node-builtin.js';
import { BLAS_PART_FUNCTIONS, blasConvParts, type RawSgemm } from './blas-parts.js';

/** The module's kernels a worker runs, by code (the index here; the worker's table lists the same names). */
export const PART_FUNCTIONS = ['sgemm_part', 'conv2d_part', 'conv2d_input_grad_part', 'conv2d_weight_grad_part'] as const;
/** The name of a kernel a worker runs: the module's, or (pools with BLAS) one of blas-parts.ts, whose codes follow. */
export type PartFunction = (typeof PART_FUNCTIONS)[number] | (typeof BLAS_PART_FUNCTIONS)[number];
const ALL_PART_FUNCTIONS: readonly PartFunction[] = [...PART_FUNCTIONS, ...BLAS_PART_FUNCTIONS];

/** A CBLAS each thread of a pool opens for blas-parts.ts (Node only): koffi's resolved path and the library's. */
export interface PoolBlas {
  koffiPath: string;
  libraryPath: string;
  /** The calling thread's own binding of cblas_sgemm. */
  sgemm: RawSgemm;
  /** Images per partial sum of the weight gradient (blas-parts.ts). */
  chunkImages: number;
}

/** koffi's declaration of cblas_sgemm in the workers, as blas/index.ts binds it. */
const SGEMM_SIGNATURE = 'void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, ' +
  'const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc)';

/** The most threads (the caller included) one module runs on. */
export const MAX_WASM_THREADS = 8;
/** Bytes of each worker's stack (the build's -z stack-size). */
export const STACK_BYTES = 262144;
/** Pages of the shared memory at the start (the build's --initial-memory, see scripts/build-wasm.mjs). */
export const MT_INITIAL_PAGES = 128;
/** The shared memory's maximum: 4 GiB, as the module declares. */
export const MT_MAXIMUM_PAGES = 65536;

/** Int32 words of the control block: the generation, the next chunk (tagged with the generation), chunks finished, an error flag, chunks the workers ran, then ready flags by worker. */
const CTL_GEN = 0;
const CTL_NEXT = 1;
const CTL_FINISHED = 2;
const CTL_ERROR = 3;
const CTL_DONE = 4;
const CTL_READY = 16;
const CTL_BYTES = 1024;
/**
 * The job, in float64 words after the control block: [argument count, function code, the
 * positions of lo, hi, the workspace and the columns scratch in the arguments (-1: none), the
 * columns' bytes per thread, the chunk count], then the arguments, then (lo, hi) per chunk.
 */
const JOB_HEADER = 8;
const JOB_ARGS = 32;
/** The most chunks one call is cut into. */
export const MAX_CHUNKS = 256;
const JOB_BYTES = (JOB_HEADER + JOB_ARGS + 2 * MAX_CHUNKS) * 8;
/**
 * How long (ms) a worker keeps polling for the next job after finishing one before it sleeps
 * in Atomics.wait. A step's products come tens of microseconds apart, and a sleeping worker
 * woke too late for small ones: the MLP step on two wasm threads took 5-15% longer without it
 * (A/B on the 2-core VM, 2026-12-02). OpenMP runtimes spin likewise before blocking.
 */
const WORKER_SPIN_MS = 1;

/**
 * The worker's program: plain JavaScript, started from a string (Node: `eval: true`; browsers:
 * a Blob URL), so that neither a bundler nor a TypeScript loader needs to find a file for it.
 * Each thread (the caller too) claims chunks of the job until none is left; a claim is a
 * compare-exchange on a word tagged with the job's generation, so a worker that wakes late
 * never claims a chunk of a later job with an earlier job's arguments.
 */
const WORKER_SOURCE = `
'use strict';
const NAMES = ${JSON.stringify(PART_FUNCTIONS)};
// esbuild's keepNames (tsx) wraps the functions below in __name(...); here it is the identity.
var __name = (f) => f;
function start(d) {
  const instance = new WebAssembly.Instance(d.module, { env: { memory: d.memory } });
  const ex = instance.exports;
  ex.__stack_pointer.value = d.stackTop;
  const fns = NAMES.map((n) => ex[n]);
  if (d.blas) {
    // A worker whose BLAS does not load throws here: it exits, and the pool runs without it.
    const sgemm = require(d.blas.koffiPath).load(d.blas.libraryPath).func(${JSON.stringify(SGEMM_SIGNATURE)});
    fns.push(...blasConvParts(ex, sgemm, d.memory, d.blas.chunkImages));
  }
  // The control block lies below every later growth: views of the first buffer reach it.
  const i32 = new Int32Array(d.memory.buffer);
  const f64 = new Float64Array(d.memory.buffer);
  const G = d.ctl >> 2;
  let gen = Atomics.load(i32, G + ${CTL_GEN});
  Atomics.store(i32, G + ${CTL_READY} + d.id, 1);
  for (;;) {
    // Poll for WORKER_SPIN_MS before sleeping (see there); the clock is read every 256 polls.
    const until = performance.now() + ${WORKER_SPIN_MS};
    for (let k = 0; Atomics.load(i32, G + ${CTL_GEN}) === gen; k++) if ((k & 255) === 255 && performance.now() > until) break;
    Atomics.wait(i32, G + ${CTL_GEN}, gen);
    gen = Atomics.load(i32, G + ${CTL_GEN});
    const ran = claimLoop(i32, f64, G, d.job >> 3, gen, d.id + 1, d.ws, fns);
    if (ran) Atomics.add(i32, G + ${CTL_DONE}, ran);
    Atomics.notify(i32, G + ${CTL_FINISHED});
  }
}
// The caller's own copy of the loop, as source (a minifier may have renamed the function).
const claimLoop = (${claimLoop.toString()});
const blasConvParts = (${blasConvParts.toString()});
if (typeof process === 'object' && process.versions && process.versions.node) {
  start(process.getBuiltinModule('node:worker_threads').workerData);
} else {
  self.onmessage = (e) => start(e.data);
}
`;

/**
 * The claim loop, shared by the workers (as source) and the caller: runs chunks of job `gen`
 * as thread `tid` with workspace `ws` until none is left. Returns the chunks it ran.
 */
function claimLoop(i32: Int32Array, f64: Float64Array, G: number, J: number, gen: number, tid: number, ws: number, fns: ((...a: number[]) => void)[]): number {
  const tag = (gen & 0x7fff) << 16;
  const count = f64[J + 7];
  let ran = 0;
  for (;;) {
    const v = Atomics.load(i32, G + 1);
    if ((v & ~0xffff) !== tag || (v & 0xffff) >= count) break;
    if (Atomics.compareExchange(i32, G + 1, v, v + 1) !== v) continue;
    const i = v & 0xffff;
    try {
      const n = f64[J], args: number[] = [];
      for (let k = 0; k < n; k++) args.push(f64[J + 8 + k]);
      args[f64[J + 2]] = f64[J + 40 + 2 * i];
      args[f64[J + 3]] = f64[J + 41 + 2 * i];
      args[f64[J + 4]] = ws;
      if (f64[J + 5] >= 0) args[f64[J + 5]] += tid * f64[J + 6];
      fns[f64[J + 1]](...args);
    } catch {
      Atomics.store(i32, G + 3, 1);
    }
    ran++;
    Atomics.add(i32, G + 2, 1);
  }
  return ran;
}

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

/**
 * A parallel call: `fn` with `args`, cut into `chunks` (lo, hi) that go to the arguments at
 * `loAt` and `hiAt`; each thread puts its packing workspace at `wsAt` and, when `colsAt` is
 * not -1, adds its index times `colsStride` bytes to the columns scratch address there.
 */
export interface Job {
  fn: PartFunction;
  args: number[];
  loAt: number;
  hiAt: number;
  wsAt: number;
  colsAt: number;
  colsStride: number;
  chunks: [number, number][];
}

/**
 * The worker threads of one shared-memory module: a control block, the job, a stack per worker
 * and a packing workspace per thread, laid out from `base` up to {@link ThreadPool.end}.
 */
export class ThreadPool {
  /** Byte address of each thread's packing workspace, [0] the caller's. */
  readonly workspaces: number[] = [];
  /** The first byte address above the pool's regions (where the scratch arena may start). */
  readonly end: number;
  private readonly ctl: number;
  private readonly job: number;
  private readonly stackTops: number[] = [];
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly fns: ((...a: number[]) => void)[];
  private started = false;
  private failed = false;
  private gen = 0;
  /** How many threads (the caller included) a call may use now; at most `capacity`. */
  limit: number;
  /** False: the caller leaves every chunk to the workers (tests check the workers' results with it). */
  callerClaims = true;

  /**
   * `capacity`: the threads the regions are laid out for (the caller included); `wsBytes`: one
   * packing workspace's bytes; `exports`: the caller's instance's exports.
   */
  constructor(
    readonly memory: { buffer: ArrayBufferLike },
    readonly module: object,
    base: number,
    readonly capacity: number,
    wsBytes: number,
    exports: Record<string, unknown>,
    /** A CBLAS for blas-parts.ts's jobs (the blas backend's pool); null: the module's kernels only. */
    readonly blas: PoolBlas | null = null,
  ) {
    const align = (n: number): number => (n + 63) & ~63;
    this.ctl = align(base);
    this.job = this.ctl + CTL_BYTES;
    let at = this.job + JOB_BYTES;
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
    this.fns = PART_FUNCTIONS.map((n) => exports[n] as (...a: number[]) => void);
    if (blas) this.fns.push(...blasConvParts(exports, blas.sgemm, memory, blas.chunkImages));
    this.limit = capacity;
  }

  /** Threads ready for a call now (the caller included), starting the workers on first need. */
  available(): number {
    const limit = Math.min(pinned ?? this.limit, this.capacity);
    if (limit <= 1 || this.failed) return 1;
    if (!this.started) this.start();
    let n = 1;
    for (let w = 0; w < this.capacity - 1 && n < limit; w++) if (Atomics.load(this.i32, (this.ctl >> 2) + CTL_READY + w) === 1) n++;
    return n;
  }

  private start(): void {
    this.started = true;
    // What a worker needs to open the library itself (the caller's binding cannot be sent).
    const blas = this.blas && { koffiPath: this.blas.koffiPath, libraryPath: this.blas.libraryPath, chunkImages: this.blas.chunkImages };
    for (let w = 0; w < this.capacity - 1; w++) {
      const data = { module: this.module, memory: this.memory, ctl: this.ctl, job: this.job, ws: this.workspaces[w + 1], stackTop: this.stackTops[w], id: w, blas };
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

  /** How many chunks the workers have run so far (for tests: whether calls were split). */
  get workerParts(): number {
    return Atomics.load(this.i32, (this.ctl >> 2) + CTL_DONE);
  }

  /** A worker that failed or exited takes no more chunks (the others and the caller finish a job without it). */
  private lose(w: number): void {
    Atomics.store(this.i32, (this.ctl >> 2) + CTL_READY + w, 0);
  }

  /**
   * Runs a job's chunks on the calling thread and whichever workers wake in time (a chunk no
   * worker claimed runs here); returns when all are done. Throws when a chunk trapped.
   */
  run(job: Job): void {
    const G = this.ctl >> 2, J = this.job >> 3, f64 = this.f64, i32 = this.i32;
    const count = job.chunks.length;
    if (count > MAX_CHUNKS) throw new Error(`a job of ${job.fn} has ${count} chunks; at most ${MAX_CHUNKS}`);
    if (job.args.length > JOB_ARGS) throw new Error(`a job of ${job.fn} has ${job.args.length} arguments; at most ${JOB_ARGS}`);
    const code = ALL_PART_FUNCTIONS.indexOf(job.fn);
    if (code >= this.fns.length) throw new Error(`${job.fn} needs a pool with BLAS`);
    // Tags are 15 bits: the generation wraps there (a worker compares whole words, never a stale tag).
    this.gen = (this.gen + 1) & 0x7fff;
    const gen = this.gen;
    // Retag first, so that no late worker of the last job claims while the job is rewritten.
    Atomics.store(i32, G + CTL_NEXT, (gen << 16) | 0xffff);
    f64[J] = job.args.length;
    f64[J + 1] = code;
    f64[J + 2] = job.loAt;
    f64[J + 3] = job.hiAt;
    f64[J + 4] = job.wsAt;
    f64[J + 5] = job.colsAt;
    f64[J + 6] = job.colsStride;
    f64[J + 7] = count;
    for (let k = 0; k < job.args.length; k++) f64[J + 8 + k] = job.args[k];
    for (let i = 0; i < count; i++) {
      f64[J + 40 + 2 * i] = job.chunks[i][0];
      f64[J + 41 + 2 * i] = job.chunks[i][1];
    }
    Atomics.store(i32, G + CTL_FINISHED, 0);
    Atomics.store(i32, G + CTL_ERROR, 0);
    Atomics.store(i32, G + CTL_NEXT, gen << 16);
    Atomics.store(i32, G + CTL_GEN, gen);
    Atomics.notify(i32, G + CTL_GEN);
    if (this.callerClaims) claimLoop(i32, f64, G, J, gen, 0, this.workspaces[0], this.fns);
    // The workers' last chunks: a short spin first (a chunk usually ends within microseconds of the caller's own).
    for (let spin = 0; spin < 20000 && Atomics.load(i32, G + CTL_FINISHED) < count; spin++);
    for (let v = Atomics.load(i32, G + CTL_FINISHED); v < count; v = Atomics.load(i32, G + CTL_FINISHED)) Atomics.wait(i32, G + CTL_FINISHED, v, 1000);
    if (Atomics.load(i32, G + CTL_ERROR) !== 0) throw new Error('descent: a wasm kernel failed in a worker thread');
  }
}
