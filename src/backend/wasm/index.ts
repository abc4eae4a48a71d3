/**
 * The `wasm` backend: float32 SIMD kernels compiled from kernels.c to WebAssembly (see
 * scripts/build-wasm.mjs). float64 and the kernels not written here fall back to `js`.
 *
 * Tensors live in ordinary garbage-collected typed arrays, so a kernel copies its operands into
 * a scratch arena in the module's memory, runs, and copies the result back (a copy is a
 * memcpy). Measured here (bench/RESULTS.md), that wins for:
 * - GEMM: O(size) copies against O(m n k) work;
 * - Adam and the elementwise maps (relu, step, add, mul, comparisons, ...): they stream
 *   through the arena in cache-sized chunks, so the copies hit the cache, and SIMD without
 *   branches beats the JIT's scalar loops several times over (relu and comparisons on random
 *   signs mispredict a branch half the time in js);
 * - max pooling (2x2 windows four at a time).
 * exp/log/tanh (no SIMD instruction; Math.* is good), reductions, im2col/col2im and gathers
 * stay in js, where a copy would cost as much as the loop. Every SIMD kernel gives the js
 * kernel's float32 results bit for bit (IEEE arithmetic, the same NaN and signed-zero rules).
 *
 * Where threads can run (threads.ts), the module is kernels-mt.wasm on a shared memory instead,
 * and GEMM and the convolutions from MT_WORK multiply-adds split across worker threads, with
 * the same bits as one thread.
 */
import type { Storage } from '../storage.js';
import type { BinaryOp, ConvBatch, ConvGeometry, GemmArgs, Kernels, ReduceOp, UnaryOp } from '../kernels.js';
import type { OptimizerKernels } from '../optimizer-kernels.js';
import { coalesceTo4 } from '../js/broadcast.js';
import { BINARY_CODES, UNARY_CODES } from './codes.js';
import { jsKernels } from '../js/index.js';
import { fusedOptimizerKernels, type FusedOptimizerExports } from './optimizers.js';
import { MAX_CHUNKS, MAX_WASM_THREADS, MT_INITIAL_PAGES, MT_MAXIMUM_PAGES, ThreadPool, wasmThreadsProblem, type PoolBlas } from './threads.js';
import { WEIGHT_GRAD_CHUNK } from './blas-parts.js';
import { convArgs, fillBiasPlanes } from './conv-args.js';

/**
 * The parts of the WebAssembly API used here, typed locally: the project's TypeScript lib
 * (ES2022, no DOM) does not declare the global.
 */
export type WasmModule = object;
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => { buffer: ArrayBufferLike; grow(pages: number): number };
  Instance: new (module: WasmModule, imports: object) => { exports: object };
  compile(bytes: ArrayBuffer): Promise<WasmModule>;
  validate(bytes: Uint8Array): boolean;
}
/** The global WebAssembly object, or undefined where the engine has none. */
export const wasmApi: WasmApi | undefined = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

interface Exports extends FusedOptimizerExports {
  memory: { buffer: ArrayBufferLike; grow(pages: number): number };
  __heap_base: { value: number };
  gemm_workspace(): number;
  sgemm_part(transA: number, transB: number, m: number, n: number, k: number, alpha: number, a: number, lda: number,
    b: number, ldb: number, beta: number, c: number, ldc: number, r0: number, r1: number, c0: number, c1: number, ws: number): void;
  conv2d_part(x: number, w: number, bias: number, y: number, cols: number, ws: number, lo: number, hi: number, ...geometry: number[]): void;
  conv2d_input_grad_part(gy: number, w: number, gx: number, cols: number, ws: number, lo: number, hi: number, ...geometry: number[]): void;
  conv2d_weight_grad_part(x: number, gy: number, gw: number, cols: number, ws: number, lo: number, hi: number, ...geometry: number[]): void;
  sgemm(transA: number, transB: number, m: number, n: number, k: number, alpha: number, a: number, lda: number,
    b: number, ldb: number, beta: number, c: number, ldc: number): void;
  unary(op: number, x: number, out: number, n: number): void;
  /** The axes: [d0..d3] of the output, then a's and b's strides along them (0 = broadcast). */
  binary(op: number, a: number, b: number, out: number, ...axes: number[]): void;
  conv2d(x: number, w: number, bias: number, y: number, cols: number, ...geometry: number[]): void;
  conv2d_input_grad(gy: number, w: number, gx: number, cols: number, ...geometry: number[]): void;
  conv2d_weight_grad(x: number, gy: number, gw: number, cols: number, ...geometry: number[]): void;
  reduce_sum(x: number, out: number, outer: number, n: number, inner: number): void;
  im2col_batch(x: number, cols: number, i0: number, nb: number, ...geometry: number[]): void;
  col2im_batch(cols: number, gx: number, i0: number, nb: number, ...geometry: number[]): void;
  to_channel_major(y: number, cm: number, i0: number, nb: number, o: number, plane: number): void;
  from_channel_major(cm: number, y: number, bias: number, i0: number, nb: number, o: number, plane: number): void;
  scatter_add(g: number, index: number, out: number, n: number): void;
  cumsum(x: number, out: number, outer: number, n: number, inner: number): void;
  sort_order(x: number, order: number, outer: number, n: number, inner: number, descending: number, vals: number, tmp: number): void;
  adaptive_max_pool(x: number, planes: number, height: number, width: number, outH: number, outW: number, out: number, at: number): void;
  max_pool(x: number, planes: number, height: number, width: number, kh: number, kw: number, sh: number, sw: number,
    dh: number, dw: number, outH: number, outW: number, out: number, at: number): void;
}

/** Below this many elements the js loop beats the call and the copies. */
const MIN_ELEMENTWISE = 256;
/** Sums over fewer elements than this stay in js. */
const MIN_REDUCE = 4096;
/** Elementwise maps stream through the arena in chunks of this many elements (cache-resident). */
const CHUNK = 32768;

/** The URL of the compiled kernels, next to this module (src/ or dist/). */
export const WASM_URL = new URL('./kernels.wasm', import.meta.url);
/** The URL of the multi-threaded build of the same kernels (shared memory, see threads.ts). */
export const WASM_MT_URL = new URL('./kernels-mt.wasm', import.meta.url);

/**
 * Multiply-adds from which a GEMM or a convolution is split across threads (a 128x128x64
 * product, about 40 us on one thread). Measured on the 2-core machine while it was loaded by
 * other processes: a split costs the caller 10-25 us of CPU beyond the work (the wake-up, the
 * wait, the other operand packed again), so below this it cannot pay.
 */
const MT_WORK = 1 << 20;

/** Elements per array per optimizer chunk: Adam's 4 arrays x 16K floats = 256 KiB, resident in L2. */
const OPTIMIZER_CHUNK = 16384;

/** The scratch arena in the module's memory: a bump region above `start` (default __heap_base), reset per call. */
class Arena {
  readonly base: number;
  f32: Float32Array;
  constructor(readonly ex: Exports, start = ex.__heap_base.value) {
    this.base = (start + 63) & ~63;
    this.f32 = new Float32Array(ex.memory.buffer);
    this.i32 = new Int32Array(ex.memory.buffer);
  }
  i32: Int32Array;
  /**
   * Makes sure `floats` float32 slots fit above the base; returns the base's float index, or -1
   * when the memory cannot grow that far (the caller then falls back to js).
   */
  reserve(floats: number): number {
    const need = this.base + floats * 4 + 64 * 4;
    const have = this.ex.memory.buffer.byteLength;
    if (need > have) {
      try {
        this.ex.memory.grow(Math.ceil((need - have) / 65536));
      } catch {
        return -1;
      }
    }
    if (this.f32.buffer !== this.ex.memory.buffer) {
      this.f32 = new Float32Array(this.ex.memory.buffer);
      this.i32 = new Int32Array(this.ex.memory.buffer);
    }
    return this.base >> 2;
  }
}

/** Products {@link primeGemm} runs, and their size. */
const PRIME_PRODUCTS = 20;
const PRIME_SIZE = 64;

/**
 * Runs a few small products (when the wasm backend becomes the active one) so that V8 has the
 * GEMM's code optimized before the first real product: sgemm's, and sgemm_part's, which the
 * split products run (`workspace`: the caller's packing workspace in a threaded module; null:
 * it has no pool). V8 runs a wasm function first as its baseline compiler's code (Liftoff) and
 * recompiles it with TurboFan in the background once it has run enough: the first three
 * 512 x 512 products of a process took 35-70 ms instead of 6-8, and the first 20 averaged
 * 1.5-1.9x the later ones. Twenty 64 x 64 x 64 products (3-5 ms) spend that budget up front
 * (the first 20 then average 1.1-1.2x). The operands are whatever the arena holds; nothing is kept.
 */
function primeGemm(ex: Exports, arena: Arena, workspace: number | null): void {
  const n = PRIME_SIZE;
  const at = arena.reserve(3 * n * n);
  if (at < 0) return;
  const [a, b, c] = [0, 1, 2].map((i) => (at + i * n * n) * 4);
  for (let i = 0; i < PRIME_PRODUCTS; i++) {
    ex.sgemm(0, 0, n, n, n, 1, a, n, b, n, 0, c, n);
    if (workspace !== null) ex.sgemm_part(0, 0, n, n, n, 1, a, n, b, n, 0, c, n, 0, n, 0, n, workspace);
  }
}

/** The span of a row-major operand: (rows - 1) * ld + cols elements from its offset. */
function span(rows: number, cols: number, ld: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
}

/**
 * Output planes from which the BLAS backend's convolutions run image by image (one GEMM per
 * image on the tensors' own arrays) rather than over chunks of images side by side.
 */
const DIRECT_PLANE = 256;

/**
 * Multiply-adds of a whole convolution from which the blas backend runs whole images on each
 * thread (blas-parts.ts). Below it, copying every operand through the shared memory and waking
 * the workers cost more than they gave (A/B, 2026-12-02): with no threshold the benchmark's
 * small CNN (its conv 1->16 on 28x28, 7M multiply-adds) stepped 7-12% slower, and from 2^23
 * (the MNIST example's conv 1->32, 12M, joining) that step went from 64-67 to 68-88 ms, while
 * its conv 32->64 (680M) gains a third per pass. Products of 2^23 and more per image only
 * occur above it from 4 images up.
 */
const IMAGE_PARALLEL_WORK = 2 ** 25;

/** Columns of one chunk of images in the batched convolutions: at most this many floats (512 KiB, so they stay in L2). */
const BATCH_COLS_BUDGET = 128 * 1024;

/** The multi-threaded module and how many threads it may use (the caller included). */
export interface WasmThreadsOptions {
  /** kernels-mt.wasm, compiled. */
  module: WasmModule;
  /** The most threads a call uses (1 to MAX_WASM_THREADS); 1 runs the one-thread module. */
  threads: number;
  /** False: the calling thread leaves every chunk of a split call to the workers (for tests). Default true. */
  callerClaims?: boolean;
  /**
   * A CBLAS every thread opens (the blas backend's instance): convolutions then run whole images
   * on each thread, each with a one-thread GEMM of that library (blas-parts.ts).
   */
  blas?: PoolBlas;
}

/** Splits [0, n) into `parts` near-equal ranges whose inner boundaries are multiples of `align`. */
export function splitRange(n: number, parts: number, align = 1): [number, number][] {
  const units = Math.ceil(n / align);
  const count = Math.max(1, Math.min(parts, units));
  const out: [number, number][] = [];
  for (let t = 0; t < count; t++) {
    const lo = Math.min(n, Math.floor((units * t) / count) * align);
    const hi = t === count - 1 ? n : Math.min(n, Math.floor((units * (t + 1)) / count) * align);
    if (hi > lo) out.push([lo, hi]);
  }
  return out;
}

export interface WasmKernels {
  kernels: Partial<Kernels> & { name: string };
  /** How many threads the GEMM and convolutions run on at most (1 without the threaded module). */
  threads: number;
  /** Sets the threads a call may use, 1 to {@link WasmKernels.threads} (more is capped). */
  setThreads(n: number): void;
  /**
   * The threads a large call would use now (the caller included): the workers start on the
   * first large call or on this, and join as they become ready.
   */
  readyThreads(): number;
  /** How many parts of split calls the worker threads have run (0 without threads). */
  workerParts(): number;
  /**
   * Runs {@link primeGemm} on this instance: for the active wasm backend, whose products are
   * this module's sgemm and sgemm_part (a process on the blas backend never runs them, so it
   * skips the 3-5 ms).
   */
  primeGemm(): void;
  /** The fused optimizer steps (float32, streamed through the module's memory). */
  optimizerKernels: Omit<OptimizerKernels, 'name'>;
  /**
   * Whole-batch convolutions whose GEMMs run on `gemm` (given views of this module's memory
   * with offsets): im2col, col2im and the layout moves run here, so the columns never leave the
   * module. The blas backend passes its BLAS GEMM.
   */
  convWithGemm(gemm: (g: GemmArgs) => void, hooks?: ConvGemmHooks): Pick<Kernels, 'conv2d' | 'conv2dInputGrad' | 'conv2dWeightGrad'>;
}

/** What the blas backend adds to {@link WasmKernels.convWithGemm}. */
export interface ConvGemmHooks {
  /** The library's GEMM on one thread: the image-by-image loop's, so its bits are those of the image-parallel path. */
  gemm: (g: GemmArgs) => void;
  /** Leaves the library on one thread for blas-parts.ts's raw calls. */
  set(): void;
  /**
   * Where convolutions of IMAGE_PARALLEL_WORK multiply-adds and more go: the threaded
   * instance's whole-image path (this instance keeps the rest: its memory is not shared, and
   * copies into shared memory are half as fast). Called on the first such convolution, so a
   * program without one never creates that instance; null: they stay here.
   */
  large?: () => Pick<Kernels, 'conv2d' | 'conv2dInputGrad' | 'conv2dWeightGrad'> | null;
  /**
   * With it, `large` takes every convolution of at least this many multiply-adds, whatever its
   * plane (the native whole-image path, which copies nothing and so needs no batching of small
   * planes); without it, those of IMAGE_PARALLEL_WORK and more with planes of DIRECT_PLANE outputs.
   */
  largeWork?: number;
}

/**
 * The threaded module's instance on a fresh shared memory, with its pool of (not yet started)
 * workers; null where threads cannot run here.
 */
function createThreaded(api: WasmApi, threaded: WasmThreadsOptions): { ex: Exports; pool: ThreadPool } | null {
  const capacity = Math.min(Math.floor(threaded.threads), MAX_WASM_THREADS);
  if (!(capacity > 1) || wasmThreadsProblem()) return null;
  try {
    const memory = new api.Memory({ initial: MT_INITIAL_PAGES, maximum: MT_MAXIMUM_PAGES, shared: true });
    const instance = new api.Instance(threaded.module, { env: { memory } });
    // The memory is imported, not exported: the arena reaches it through this object.
    const ex = { ...(instance.exports as object), memory } as unknown as Exports;
    const pool = new ThreadPool(memory, threaded.module, ex.__heap_base.value, capacity, ex.gemm_workspace() * 4, ex as unknown as Record<string, unknown>, threaded.blas ?? null);
    // The pool's stacks and workspaces must fit before the arena starts above them.
    pool.callerClaims = threaded.callerClaims ?? true;
    const need = pool.end - memory.buffer.byteLength;
    if (need > 0) memory.grow(Math.ceil(need / 65536));
    return { ex, pool };
  } catch {
    return null;
  }
}

/**
 * Builds the wasm kernels from a compiled module; with `threaded` (and where this environment
 * allows it, see threads.ts), from the threaded module instead, whose GEMM and convolutions
 * split across worker threads and give the same bits.
 */
export function createWasmKernels(module: WasmModule, threaded?: WasmThreadsOptions): WasmKernels {
  if (!wasmApi) throw new Error('this JavaScript engine has no WebAssembly');
  const mt = threaded ? createThreaded(wasmApi, threaded) : null;
  const ex = mt ? mt.ex : (new wasmApi.Instance(module, {}).exports as unknown as Exports);
  const pool = mt?.pool ?? null;
  const arena = new Arena(ex, pool ? pool.end : undefined);
  /** Threads ready for a call of `work` multiply-adds (1 below MT_WORK). */
  const threadsFor = (work: number): number => (pool && work >= MT_WORK ? pool.available() : 1);

  function gemm(g: GemmArgs): void {
    const { a, b, c } = g;
    if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) return jsKernels.gemm(g);
    const { m, n, k, transA, transB, lda, ldb, ldc } = g;
    if (m === 0 || n === 0) return;
    const aLen = transA ? span(k, m, lda) : span(m, k, lda);
    const bLen = transB ? span(n, k, ldb) : span(k, n, ldb);
    const cLen = span(m, n, ldc);
    // Offsets rounded up to 16 floats keep every operand 64-byte aligned in the arena.
    const aPad = (aLen + 15) & ~15;
    const bPad = (bLen + 15) & ~15;
    const base = arena.reserve(aPad + bPad + cLen);
    if (base < 0) return jsKernels.gemm(g);
    const f = arena.f32;
    const aAt = base;
    const bAt = aAt + aPad;
    const cAt = bAt + bPad;
    if (aLen) f.set(a.subarray(g.aOffset, g.aOffset + aLen), aAt);
    if (bLen) f.set(b.subarray(g.bOffset, g.bOffset + bLen), bAt);
    // C comes in when beta needs it, or when its rows have gaps that the copy back must keep.
    const cIn = g.beta !== 0 || ldc !== n;
    if (cIn) f.set(c.subarray(g.cOffset, g.cOffset + cLen), cAt);
    const threads = threadsFor(m * n * k);
    if (threads > 1) {
      // Split the larger of m and n: each chunk packs all of the other operand, the smaller
      // one, so chunks are few: one per thread, two for large products (so that a thread
      // that starts late, on a loaded machine, takes fewer), of at least 32 rows or columns.
      const byRows = m >= n;
      const along = byRows ? m : n;
      const perThread = m * n * k >= MT_WORK * 16 ? 2 : 1;
      const chunks = splitRange(along, Math.min(threads * perThread, Math.floor(along / 32), MAX_CHUNKS), byRows ? 4 : 8);
      pool!.run({
        fn: 'sgemm_part',
        args: [transA ? 1 : 0, transB ? 1 : 0, m, n, k, g.alpha, aAt * 4, lda, bAt * 4, ldb, g.beta, cAt * 4, ldc, 0, m, 0, n, 0],
        loAt: byRows ? 13 : 15, hiAt: byRows ? 14 : 16, wsAt: 17, colsAt: -1, colsStride: 0, chunks,
      });
    } else {
      ex.sgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, g.alpha, aAt * 4, lda, bAt * 4, ldb, g.beta, cAt * 4, ldc);
    }
    c.set(arena.f32.subarray(cAt, cAt + cLen), g.cOffset);
  }

  /**
   * Streams equal-length arrays through the arena in chunks of OPTIMIZER_CHUNK: copies each
   * chunk in, calls `run` with the chunk's byte addresses (0 for a null array) and length, and
   * copies back the arrays marked in `written`. False when the arena cannot hold a chunk.
   */
  function streamed(arrays: (Float32Array | Float64Array | null)[], written: boolean[], run: (at: number[], len: number) => void): boolean {
    const n = arrays[0]!.length;
    const chunk = Math.min(n, OPTIMIZER_CHUNK);
    // Each slot takes a whole number of 16-float blocks (a float64 array two floats per element),
    // so every slot stays 64-byte aligned.
    const width = (a: Float32Array | Float64Array) => (a instanceof Float64Array ? 2 : 1);
    const slotFloats = (a: Float32Array | Float64Array) => (chunk * width(a) + 15) & ~15;
    const base = arena.reserve(arrays.reduce((s, a) => s + (a ? slotFloats(a) : 0), 0));
    if (base < 0) return false;
    const slots: number[] = [];
    let next = base;
    for (const a of arrays) {
      slots.push(a ? next : -1);
      if (a) next += slotFloats(a);
    }
    const at = slots.map((s) => (s < 0 ? 0 : s * 4));
    const f = arena.f32;
    const d = new Float64Array(f.buffer);
    const view = (a: Float32Array | Float64Array) => (a instanceof Float64Array ? d : f);
    const start = (a: Float32Array | Float64Array, k: number) => slots[k] / width(a);
    for (let i = 0; i < n; i += chunk) {
      const len = Math.min(chunk, n - i);
      arrays.forEach((a, k) => a && view(a).set(a.subarray(i, i + len), start(a, k)));
      run(at, len);
      arrays.forEach((a, k) => a && written[k] && a.set(view(a).subarray(start(a, k), start(a, k) + len), i));
    }
    return true;
  }

  function unary(op: UnaryOp, x: Storage, out: Storage): void {
    const code = UNARY_CODES[op];
    const n = x.length;
    if (code === undefined || n < MIN_ELEMENTWISE || !(x instanceof Float32Array) || !(out instanceof Float32Array)) return jsKernels.unary(op, x, out);
    const chunk = Math.min(n, CHUNK);
    const base = arena.reserve(2 * chunk);
    if (base < 0) return jsKernels.unary(op, x, out);
    const f = arena.f32;
    const xAt = base, oAt = base + chunk;
    for (let i = 0; i < n; i += chunk) {
      const len = Math.min(chunk, n - i);
      f.set(x.subarray(i, i + len), xAt);
      ex.unary(code, xAt * 4, oAt * 4, len);
      out.set(f.subarray(oAt, oAt + len), i);
    }
  }

  /** Same-shape (or scalar b when bScalar) binary map, chunked through the arena. */
  function streamBinary(code: number, a: Float32Array, b: Float32Array, bScalar: boolean, out: Float32Array): boolean {
    const n = out.length;
    const chunk = Math.min(n, CHUNK);
    const base = arena.reserve(3 * chunk + 16);
    if (base < 0) return false;
    const f = arena.f32;
    const aAt = base, bAt = base + chunk, oAt = base + 2 * chunk + 16;
    if (bScalar) f[bAt] = b[0];
    for (let i = 0; i < n; i += chunk) {
      const len = Math.min(chunk, n - i);
      f.set(a.subarray(i, i + len), aAt);
      if (!bScalar) f.set(b.subarray(i, i + len), bAt);
      ex.binary(code, aAt * 4, bAt * 4, oAt * 4, 1, 1, 1, len, 0, 0, 0, 1, 0, 0, 0, bScalar ? 0 : 1);
      out.set(f.subarray(oAt, oAt + len), i);
    }
    return true;
  }

  const scalarBox = new Float32Array(1);
  function binaryScalar(op: BinaryOp, x: Storage, s: number, out: Storage): void {
    const code = BINARY_CODES[op];
    // float32 arithmetic with s equals the js kernel's only when s is a float32 value itself.
    if (code === undefined || x.length < MIN_ELEMENTWISE || Math.fround(s) !== s || !(x instanceof Float32Array) || !(out instanceof Float32Array)) {
      return jsKernels.binaryScalar(op, x, s, out);
    }
    scalarBox[0] = s;
    if (!streamBinary(code, x, scalarBox, true, out)) jsKernels.binaryScalar(op, x, s, out);
  }

  function binary(op: BinaryOp, a: Storage, aStrides: readonly number[], b: Storage, bStrides: readonly number[], out: Storage, outShape: readonly number[]): void {
    const code = BINARY_CODES[op];
    const n = out.length;
    if (code === undefined || n < MIN_ELEMENTWISE || !(a instanceof Float32Array) || !(b instanceof Float32Array) || !(out instanceof Float32Array)) {
      return jsKernels.binary(op, a, aStrides, b, bStrides, out, outShape);
    }
    if (a.length === n && b.length === n) {
      if (!streamBinary(code, a, b, false, out)) jsKernels.binary(op, a, aStrides, b, bStrides, out, outShape);
      return;
    }
    const axes = coalesceTo4(outShape, aStrides, bStrides);
    if (!axes) return jsKernels.binary(op, a, aStrides, b, bStrides, out, outShape);
    const aPad = (a.length + 15) & ~15;
    const bPad = (b.length + 15) & ~15;
    const base = arena.reserve(aPad + bPad + n);
    if (base < 0) return jsKernels.binary(op, a, aStrides, b, bStrides, out, outShape);
    const f = arena.f32;
    const aAt = base, bAt = base + aPad, oAt = bAt + bPad;
    f.set(a, aAt);
    f.set(b, bAt);
    ex.binary(code, aAt * 4, bAt * 4, oAt * 4, ...axes);
    out.set(f.subarray(oAt, oAt + n));
  }

  function reduce(op: ReduceOp, x: Storage, outer: number, n: number, inner: number, out: Storage): void {
    if (op !== 'sum' || outer * n * inner < MIN_REDUCE || !(x instanceof Float32Array) || !(out instanceof Float32Array)) return jsKernels.reduce(op, x, outer, n, inner, out);
    // Whole slices [n, inner] per chunk of outer, about CHUNK elements at a time.
    const slice = n * inner;
    const per = Math.max(1, Math.floor(CHUNK / Math.max(1, slice)));
    const chunkIn = per * slice;
    const base = arena.reserve(pad16(chunkIn) + per * inner);
    if (base < 0) return jsKernels.reduce(op, x, outer, n, inner, out);
    const f = arena.f32;
    const oAt = base + pad16(chunkIn);
    for (let o = 0; o < outer; o += per) {
      const rows = Math.min(per, outer - o);
      f.set(x.subarray(o * slice, (o + rows) * slice), base);
      ex.reduce_sum(base * 4, oAt * 4, rows, n, inner);
      out.set(f.subarray(oAt, oAt + rows * inner), o * inner);
    }
  }

  function maxPool2d(x: Storage, planes: number, g: ConvGeometry, out: Storage, argmax: Int32Array): void {
    const n = out.length;
    if (g.padH !== 0 || g.padW !== 0 || !(x instanceof Float32Array) || !(out instanceof Float32Array) || n < 64) return jsKernels.maxPool2d(x, planes, g, out, argmax);
    const xLen = planes * g.height * g.width;
    const xPad = (xLen + 15) & ~15;
    const oPad = (n + 15) & ~15;
    const base = arena.reserve(xPad + 2 * oPad);
    if (base < 0) return jsKernels.maxPool2d(x, planes, g, out, argmax);
    const f = arena.f32;
    const xAt = base, oAt = base + xPad, wAt = oAt + oPad;
    f.set(x.subarray(0, xLen), xAt);
    ex.max_pool(xAt * 4, planes, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.outH, g.outW, oAt * 4, wAt * 4);
    out.set(f.subarray(oAt, oAt + n));
    // Winners are flat indices into x (the kernel counts from its copy's start).
    argmax.set(arena.i32.subarray(wAt, wAt + n));
  }

  /** Max-pool's backward and the other scatters: a JIT-compiled loop here costs 5 ns an element. */
  function scatterAdd(g: Storage, index: Int32Array, out: Storage): void {
    const n = index.length;
    if (!(g instanceof Float32Array) || !(out instanceof Float32Array) || n < MIN_REDUCE) return jsKernels.scatterAdd(g, index, out);
    const oPad = pad16(out.length);
    const base = arena.reserve(oPad + 2 * pad16(n));
    if (base < 0) return jsKernels.scatterAdd(g, index, out);
    const gAt = base + oPad, iAt = gAt + pad16(n);
    arena.f32.set(out, base);
    arena.f32.set(g.subarray(0, n), gAt);
    arena.i32.set(index, iAt);
    ex.scatter_add(gAt * 4, iAt * 4, base * 4, n);
    out.set(arena.f32.subarray(base, base + out.length));
  }

  /** cumsum of float32 lines, whole [n, inner] slices at a time (the js loop costs about 3 ns an element). */
  function cumsum(x: Storage, outer: number, n: number, inner: number, out: Storage): void {
    const slice = n * inner;
    if (!(x instanceof Float32Array) || !(out instanceof Float32Array) || outer * slice < MIN_REDUCE) return jsKernels.cumsum(x, outer, n, inner, out);
    const per = Math.max(1, Math.floor(CHUNK / Math.max(1, slice)));
    const base = arena.reserve(2 * pad16(per * slice));
    if (base < 0) return jsKernels.cumsum(x, outer, n, inner, out);
    const f = arena.f32;
    const oAt = base + pad16(per * slice);
    for (let o = 0; o < outer; o += per) {
      const rows = Math.min(per, outer - o);
      f.set(x.subarray(o * slice, (o + rows) * slice), base);
      ex.cumsum(base * 4, oAt * 4, rows, n, inner);
      out.set(f.subarray(oAt, oAt + rows * slice), o * slice);
    }
  }

  /** The sort order of float32 lines: a merge sort in wasm (js's Int32Array.sort with a comparator costs far more). */
  function sortOrder(x: Storage, outer: number, n: number, inner: number, descending: boolean, order: Int32Array): void {
    const len = outer * n * inner;
    if (!(x instanceof Float32Array) || len < MIN_REDUCE) return jsKernels.sortOrder(x, outer, n, inner, descending, order);
    const base = arena.reserve(2 * pad16(len) + 2 * pad16(n));
    if (base < 0) return jsKernels.sortOrder(x, outer, n, inner, descending, order);
    const oAt = base + pad16(len), vAt = oAt + pad16(len), tAt = vAt + pad16(n);
    arena.f32.set(x.subarray(0, len), base);
    ex.sort_order(base * 4, oAt * 4, outer, n, inner, descending ? 1 : 0, vAt * 4, tAt * 4);
    order.set(arena.i32.subarray(oAt, oAt + len));
  }

  function adaptiveMaxPool2d(x: Storage, planes: number, height: number, width: number, outH: number, outW: number, out: Storage, argmax: Int32Array): void {
    const n = out.length;
    const xLen = planes * height * width;
    if (!(x instanceof Float32Array) || !(out instanceof Float32Array) || xLen < MIN_REDUCE) return jsKernels.adaptiveMaxPool2d(x, planes, height, width, outH, outW, out, argmax);
    const base = arena.reserve(pad16(xLen) + 2 * pad16(n));
    if (base < 0) return jsKernels.adaptiveMaxPool2d(x, planes, height, width, outH, outW, out, argmax);
    const oAt = base + pad16(xLen), wAt = oAt + pad16(n);
    arena.f32.set(x.subarray(0, xLen), base);
    ex.adaptive_max_pool(base * 4, planes, height, width, outH, outW, oAt * 4, wAt * 4);
    out.set(arena.f32.subarray(oAt, oAt + n));
    argmax.set(arena.i32.subarray(wAt, wAt + n));
  }

  // ---- whole-batch convolutions: image by image inside the module (kernels.c) ----

  const pad16 = (n: number): number => (n + 15) & ~15;
  /** A convolution's multiply-adds. */
  function convWork(b: ConvBatch): number {
    const g = b.geometry;
    return b.n * b.outChannels * g.channels * g.kernelH * g.kernelW * g.outH * g.outW;
  }
  function sizes(b: ConvBatch): { xLen: number; yLen: number; wLen: number; colsLen: number } {
    const g = b.geometry;
    const ckk = g.channels * g.kernelH * g.kernelW;
    const plane = g.outH * g.outW;
    return { xLen: b.n * b.groups * g.channels * g.height * g.width, yLen: b.n * b.outChannels * plane, wLen: b.outChannels * ckk, colsLen: ckk * plane };
  }

  function conv2d(this: Kernels, x: Storage, w: Storage, bias: Storage | null, b: ConvBatch, y: Storage): unknown {
    if (!(x instanceof Float32Array && w instanceof Float32Array && y instanceof Float32Array && (bias === null || bias instanceof Float32Array))) {
      return jsKernels.conv2d.call(this, x, w, bias, b, y);
    }
    const { xLen, yLen, wLen, colsLen } = sizes(b);
    const threads = threadsFor(convWork(b));
    const xAt = arena.reserve(pad16(xLen) + pad16(wLen) + pad16(b.outChannels) + pad16(yLen) + threads * pad16(colsLen));
    if (xAt < 0) return jsKernels.conv2d.call(this, x, w, bias, b, y);
    const wAt = xAt + pad16(xLen), bAt = wAt + pad16(wLen), yAt = bAt + pad16(b.outChannels), cAt = yAt + pad16(yLen);
    const f = arena.f32;
    f.set(x.subarray(0, xLen), xAt);
    f.set(w.subarray(0, wLen), wAt);
    if (bias) f.set(bias.subarray(0, b.outChannels), bAt);
    if (threads > 1) {
      pool!.run({
        fn: 'conv2d_part', args: [xAt * 4, wAt * 4, bias ? bAt * 4 : 0, yAt * 4, cAt * 4, 0, 0, 0, ...convArgs(b)],
        loAt: 6, hiAt: 7, wsAt: 5, colsAt: 4, colsStride: pad16(colsLen) * 4, chunks: splitRange(b.n, Math.min(threads * 4, MAX_CHUNKS)),
      });
    } else {
      ex.conv2d(xAt * 4, wAt * 4, bias ? bAt * 4 : 0, yAt * 4, cAt * 4, ...convArgs(b));
    }
    y.set(arena.f32.subarray(yAt, yAt + yLen));
    return null;
  }

  function conv2dInputGrad(this: Kernels, gy: Storage, w: Storage, b: ConvBatch, gx: Storage): void {
    if (!(gy instanceof Float32Array && w instanceof Float32Array && gx instanceof Float32Array)) return jsKernels.conv2dInputGrad.call(this, gy, w, b, gx);
    const { xLen, yLen, wLen, colsLen } = sizes(b);
    const threads = threadsFor(convWork(b));
    const gyAt = arena.reserve(pad16(yLen) + pad16(wLen) + pad16(xLen) + threads * pad16(colsLen));
    if (gyAt < 0) return jsKernels.conv2dInputGrad.call(this, gy, w, b, gx);
    const wAt = gyAt + pad16(yLen), gxAt = wAt + pad16(wLen), cAt = gxAt + pad16(xLen);
    const f = arena.f32;
    f.set(gy.subarray(0, yLen), gyAt);
    f.set(w.subarray(0, wLen), wAt);
    if (threads > 1) {
      pool!.run({
        fn: 'conv2d_input_grad_part', args: [gyAt * 4, wAt * 4, gxAt * 4, cAt * 4, 0, 0, 0, ...convArgs(b)],
        loAt: 5, hiAt: 6, wsAt: 4, colsAt: 3, colsStride: pad16(colsLen) * 4, chunks: splitRange(b.n, Math.min(threads * 4, MAX_CHUNKS)),
      });
    } else {
      ex.conv2d_input_grad(gyAt * 4, wAt * 4, gxAt * 4, cAt * 4, ...convArgs(b));
    }
    gx.set(arena.f32.subarray(gxAt, gxAt + xLen));
  }

  function conv2dWeightGrad(this: Kernels, x: Storage, gy: Storage, b: ConvBatch, gw: Storage, saved?: unknown): void {
    if (!(x instanceof Float32Array && gy instanceof Float32Array && gw instanceof Float32Array)) return jsKernels.conv2dWeightGrad.call(this, x, gy, b, gw, saved);
    const { xLen, yLen, wLen, colsLen } = sizes(b);
    const ckk = b.geometry.channels * b.geometry.kernelH * b.geometry.kernelW;
    // By columns of gw (rows of the unfolded images): each thread unfolds only its own rows.
    const threads = ckk >= 2 ? threadsFor(convWork(b)) : 1;
    const xAt = arena.reserve(pad16(xLen) + pad16(yLen) + pad16(wLen) + threads * pad16(colsLen));
    if (xAt < 0) return jsKernels.conv2dWeightGrad.call(this, x, gy, b, gw, saved);
    const gyAt = xAt + pad16(xLen), gwAt = gyAt + pad16(yLen), cAt = gwAt + pad16(wLen);
    const f = arena.f32;
    f.set(x.subarray(0, xLen), xAt);
    f.set(gy.subarray(0, yLen), gyAt);
    if (threads > 1) {
      // One chunk per thread (a chunk of columns as wide as the GEMM's panels, 8).
      pool!.run({
        fn: 'conv2d_weight_grad_part', args: [xAt * 4, gyAt * 4, gwAt * 4, cAt * 4, 0, 0, 0, ...convArgs(b)],
        loAt: 5, hiAt: 6, wsAt: 4, colsAt: 3, colsStride: pad16(colsLen) * 4, chunks: splitRange(ckk, threads, ckk >= 16 ? 8 : 1),
      });
    } else {
      ex.conv2d_weight_grad(xAt * 4, gyAt * 4, gwAt * 4, cAt * 4, ...convArgs(b));
    }
    gw.set(arena.f32.subarray(gwAt, gwAt + wLen));
  }

  function convWithGemm(outerGemm: (g: GemmArgs) => void, hooks?: ConvGemmHooks): Pick<Kernels, 'conv2d' | 'conv2dInputGrad' | 'conv2dWeightGrad'> {
    /** Sizes and the chunking of a batch. */
    function plan(b: ConvBatch) {
      const g = b.geometry;
      const ckk = g.channels * g.kernelH * g.kernelW;
      const plane = g.outH * g.outW;
      const chunk = Math.max(1, Math.min(b.n, Math.floor(BATCH_COLS_BUDGET / Math.max(1, b.groups * ckk * plane))));
      return { ...sizes(b), ckk, plane, og: b.outChannels / b.groups, chunk, colsMax: pad16(b.groups * ckk * plane * chunk), cmMax: pad16(b.outChannels * plane * chunk) };
    }
    const mm = (transA: boolean, transB: boolean, m: number, n: number, k: number, aAt: number, lda: number, bAt: number, ldb: number, beta: number, cAt: number, ldc: number): void => {
      const f = arena.f32;
      outerGemm({ transA, transB, m, n, k, alpha: 1, a: f, aOffset: aAt, lda, b: f, bOffset: bAt, ldb, beta, c: f, cOffset: cAt, ldc });
    };

    function conv2dBatched(this: Kernels, x: Storage, w: Storage, bias: Storage | null, b: ConvBatch, y: Storage): unknown {
      if (!(x instanceof Float32Array && w instanceof Float32Array && y instanceof Float32Array && (bias === null || bias instanceof Float32Array))) {
        return jsKernels.conv2d.call(this, x, w, bias, b, y);
      }
      const P = plan(b);
      const xAt = arena.reserve(pad16(P.xLen) + pad16(P.wLen) + pad16(b.outChannels) + P.colsMax + P.cmMax + pad16(P.yLen));
      if (xAt < 0) return jsKernels.conv2d.call(this, x, w, bias, b, y);
      const wAt = xAt + pad16(P.xLen), biasAt = wAt + pad16(P.wLen), colsAt = biasAt + pad16(b.outChannels), cmAt = colsAt + P.colsMax, yAt = cmAt + P.cmMax;
      const f = arena.f32;
      f.set(x.subarray(0, P.xLen), xAt);
      f.set(w.subarray(0, P.wLen), wAt);
      if (bias) f.set(bias.subarray(0, b.outChannels), biasAt);
      const geo = convArgs(b);
      for (let i0 = 0; i0 < b.n; i0 += P.chunk) {
        const nb = Math.min(P.chunk, b.n - i0);
        const ld = nb * P.plane;
        ex.im2col_batch(xAt * 4, colsAt * 4, i0, nb, ...geo);
        for (let gi = 0; gi < b.groups; gi++) {
          mm(false, false, P.og, ld, P.ckk, wAt + gi * P.og * P.ckk, P.ckk, colsAt + gi * P.ckk * ld, ld, 0, cmAt + gi * P.og * ld, ld);
        }
        ex.from_channel_major(cmAt * 4, yAt * 4, bias ? biasAt * 4 : 0, i0, nb, b.outChannels, P.plane);
      }
      y.set(arena.f32.subarray(yAt, yAt + P.yLen));
      return null;
    }

    function conv2dInputGradBatched(this: Kernels, gy: Storage, w: Storage, b: ConvBatch, gx: Storage): void {
      if (!(gy instanceof Float32Array && w instanceof Float32Array && gx instanceof Float32Array)) return jsKernels.conv2dInputGrad.call(this, gy, w, b, gx);
      const P = plan(b);
      const gyAt = arena.reserve(pad16(P.yLen) + pad16(P.wLen) + P.cmMax + P.colsMax + pad16(P.xLen));
      if (gyAt < 0) return jsKernels.conv2dInputGrad.call(this, gy, w, b, gx);
      const wAt = gyAt + pad16(P.yLen), cmAt = wAt + pad16(P.wLen), colsAt = cmAt + P.cmMax, gxAt = colsAt + P.colsMax;
      const f = arena.f32;
      f.set(gy.subarray(0, P.yLen), gyAt);
      f.set(w.subarray(0, P.wLen), wAt);
      f.fill(0, gxAt, gxAt + P.xLen);
      const geo = convArgs(b);
      for (let i0 = 0; i0 < b.n; i0 += P.chunk) {
        const nb = Math.min(P.chunk, b.n - i0);
        const ld = nb * P.plane;
        ex.to_channel_major(gyAt * 4, cmAt * 4, i0, nb, b.outChannels, P.plane);
        for (let gi = 0; gi < b.groups; gi++) {
          mm(true, false, P.ckk, ld, P.og, wAt + gi * P.og * P.ckk, P.ckk, cmAt + gi * P.og * ld, ld, 0, colsAt + gi * P.ckk * ld, ld);
        }
        ex.col2im_batch(colsAt * 4, gxAt * 4, i0, nb, ...geo);
      }
      gx.set(arena.f32.subarray(gxAt, gxAt + P.xLen));
    }

    function conv2dWeightGradBatched(this: Kernels, x: Storage, gy: Storage, b: ConvBatch, gw: Storage, saved?: unknown): void {
      if (!(x instanceof Float32Array && gy instanceof Float32Array && gw instanceof Float32Array)) return jsKernels.conv2dWeightGrad.call(this, x, gy, b, gw, saved);
      const P = plan(b);
      const xAt = arena.reserve(pad16(P.xLen) + pad16(P.yLen) + P.cmMax + P.colsMax + pad16(P.wLen));
      if (xAt < 0) return jsKernels.conv2dWeightGrad.call(this, x, gy, b, gw, saved);
      const gyAt = xAt + pad16(P.xLen), cmAt = gyAt + pad16(P.yLen), colsAt = cmAt + P.cmMax, gwAt = colsAt + P.colsMax;
      const f = arena.f32;
      f.set(x.subarray(0, P.xLen), xAt);
      f.set(gy.subarray(0, P.yLen), gyAt);
      const geo = convArgs(b);
      for (let i0 = 0; i0 < b.n; i0 += P.chunk) {
        const nb = Math.min(P.chunk, b.n - i0);
        const ld = nb * P.plane;
        ex.im2col_batch(xAt * 4, colsAt * 4, i0, nb, ...geo);
        ex.to_channel_major(gyAt * 4, cmAt * 4, i0, nb, b.outChannels, P.plane);
        for (let gi = 0; gi < b.groups; gi++) {
          mm(false, true, P.og, P.ckk, ld, cmAt + gi * P.og * ld, ld, colsAt + gi * P.ckk * ld, ld, i0 === 0 ? 0 : 1, gwAt + gi * P.og * P.ckk, P.ckk);
        }
      }
      gw.set(arena.f32.subarray(gwAt, gwAt + P.wLen));
    }

    // ---- image by image, the GEMMs on the tensors' own arrays ----
    // (With hooks, each on one library thread, as the image-parallel path below runs them.)
    const imageGemm = hooks?.gemm ?? outerGemm;
    // A plane of at least DIRECT_PLANE outputs makes each image's GEMM large enough on its own;
    // then only x (or gx) passes through the arena, the GEMMs read w and gy and write y and gw
    // where they are, and no channel-major transposes are needed. Images unfold into two
    // columns buffers in turn: unfolding into the buffer the library's other threads have
    // just read waits on those cores' copies of its cache lines (the unfold then took 1.5-5x
    // as long on the 2-core machine).

    function conv2dDirect(this: Kernels, x: Float32Array, w: Float32Array, bias: Float32Array | null, b: ConvBatch, y: Float32Array): unknown {
      const P = plan(b);
      const colsLen = pad16(b.groups * P.ckk * P.plane);
      const xAt = arena.reserve(pad16(P.xLen) + 2 * colsLen);
      if (xAt < 0) return jsKernels.conv2d.call(this, x, w, bias, b, y);
      arena.f32.set(x.subarray(0, P.xLen), xAt);
      if (bias) fillBiasPlanes(y, 0, bias, b);
      const geo = convArgs(b);
      const f = arena.f32;
      for (let i = 0; i < b.n; i++) {
        const colsAt = xAt + pad16(P.xLen) + (i & 1) * colsLen;
        ex.im2col_batch(xAt * 4, colsAt * 4, i, 1, ...geo);
        for (let gi = 0; gi < b.groups; gi++) {
          imageGemm({ transA: false, transB: false, m: P.og, n: P.plane, k: P.ckk, alpha: 1, a: w, aOffset: gi * P.og * P.ckk, lda: P.ckk,
            b: f, bOffset: colsAt + gi * P.ckk * P.plane, ldb: P.plane, beta: bias ? 1 : 0, c: y, cOffset: (i * b.outChannels + gi * P.og) * P.plane, ldc: P.plane });
        }
      }
      return null;
    }

    function conv2dInputGradDirect(this: Kernels, gy: Float32Array, w: Float32Array, b: ConvBatch, gx: Float32Array): void {
      const P = plan(b);
      const colsLen = pad16(b.groups * P.ckk * P.plane);
      const gxAt = arena.reserve(pad16(P.xLen) + colsLen);
      if (gxAt < 0) return jsKernels.conv2dInputGrad.call(this, gy, w, b, gx);
      const colsAt = gxAt + pad16(P.xLen);
      const f = arena.f32;
      f.fill(0, gxAt, gxAt + P.xLen);
      const geo = convArgs(b);
      for (let i = 0; i < b.n; i++) {
        for (let gi = 0; gi < b.groups; gi++) {
          imageGemm({ transA: true, transB: false, m: P.ckk, n: P.plane, k: P.og, alpha: 1, a: w, aOffset: gi * P.og * P.ckk, lda: P.ckk,
            b: gy, bOffset: (i * b.outChannels + gi * P.og) * P.plane, ldb: P.plane, beta: 0, c: f, cOffset: colsAt + gi * P.ckk * P.plane, ldc: P.plane });
        }
        ex.col2im_batch(colsAt * 4, gxAt * 4, i, 1, ...geo);
      }
      gx.set(f.subarray(gxAt, gxAt + P.xLen));
    }

    // The weight gradient sums over images in fixed chunks of WEIGHT_GRAD_CHUNK: each chunk's
    // partial sum in image order, then the partials in chunk order. The image-parallel path
    // below runs the chunks on several threads, so both give the same bits on any thread count.
    function conv2dWeightGradDirect(this: Kernels, x: Float32Array, gy: Float32Array, b: ConvBatch, gw: Float32Array, saved?: unknown): void {
      const P = plan(b);
      const colsLen = pad16(b.groups * P.ckk * P.plane);
      const parts = Math.ceil(b.n / WEIGHT_GRAD_CHUNK);
      const xAt = arena.reserve(pad16(P.xLen) + 2 * colsLen + parts * P.wLen);
      if (xAt < 0) return jsKernels.conv2dWeightGrad.call(this, x, gy, b, gw, saved);
      const partsAt = xAt + pad16(P.xLen) + 2 * colsLen;
      const f = arena.f32;
      f.set(x.subarray(0, P.xLen), xAt);
      const geo = convArgs(b);
      for (let i = 0; i < b.n; i++) {
        const colsAt = xAt + pad16(P.xLen) + (i & 1) * colsLen;
        const part = partsAt + Math.floor(i / WEIGHT_GRAD_CHUNK) * P.wLen;
        ex.im2col_batch(xAt * 4, colsAt * 4, i, 1, ...geo);
        for (let gi = 0; gi < b.groups; gi++) {
          imageGemm({ transA: false, transB: true, m: P.og, n: P.ckk, k: P.plane, alpha: 1, a: gy, aOffset: (i * b.outChannels + gi * P.og) * P.plane, lda: P.plane,
            b: f, bOffset: colsAt + gi * P.ckk * P.plane, ldb: P.plane, beta: i % WEIGHT_GRAD_CHUNK === 0 ? 0 : 1, c: f, cOffset: part + gi * P.og * P.ckk, ldc: P.ckk });
        }
      }
      sumPartials(partsAt, parts, P.wLen, gw);
    }

    /** gw = partial 0 + partial 1 + ... (float32, in order), the partials `len` floats apart from `at`. */
    function sumPartials(at: number, parts: number, len: number, gw: Float32Array): void {
      const f = arena.f32;
      gw.set(f.subarray(at, at + len));
      for (let c = 1; c < parts; c++) {
        const from = at + c * len;
        for (let j = 0; j < len; j++) gw[j] += f[from + j];
      }
    }

    // ---- whole images on each thread (the blas backend's pool; blas-parts.ts) ----
    // Every operand passes through the shared memory (the workers cannot see the tensors'
    // arrays); each image's GEMMs run on one library thread, as many images at once as threads
    // are ready. A library's one-thread and multi-thread GEMMs can round differently (OpenBLAS's
    // do on these shapes), so with such a pool every such convolution goes this way, on
    // however many threads are ready (the caller alone before the workers start, or when the
    // lab pins one thread), and without one the loop above also runs one-thread GEMMs: the
    // bits depend neither on the thread count nor on when a worker became ready.

    const direct = (b: ConvBatch): boolean => b.geometry.outH * b.geometry.outW >= DIRECT_PLANE;
    /** A direct convolution large enough for whole images on each thread (IMAGE_PARALLEL_WORK). */
    const largeWork = hooks?.largeWork;
    const large = (b: ConvBatch): boolean => (largeWork === undefined ? direct(b) && convWork(b) >= IMAGE_PARALLEL_WORK : convWork(b) >= largeWork);
    const imagePool = (b: ConvBatch): boolean => pool?.blas != null && hooks !== undefined && large(b);

    function runImages(fn: 'conv2d_blas_part' | 'conv2d_input_grad_blas_part' | 'conv2d_weight_grad_blas_part', units: number,
      colsAt: number, colsLen: number, operands: [number, number, number, number], b: ConvBatch): void {
      hooks!.set();
      pool!.available(); // starts the workers on the first call
      pool!.run({
        fn, args: [0, 0, 0, colsAt * 4, ...operands, ...convArgs(b)], loAt: 0, hiAt: 1, wsAt: 2, colsAt: 3, colsStride: colsLen * 4,
        chunks: splitRange(units, Math.min(units, MAX_CHUNKS)),
      });
    }

    /** Regions of `lens` floats in the arena, then a columns buffer per thread; null when the arena cannot hold them. */
    function imageRegions(b: ConvBatch, lens: number[]): { at: number[]; colsAt: number; colsLen: number } | null {
      const P = plan(b);
      const colsLen = pad16(b.groups * P.ckk * P.plane);
      let next = arena.reserve(lens.reduce((sum, n) => sum + pad16(n), 0) + pool!.capacity * colsLen);
      if (next < 0) return null;
      const at: number[] = [];
      for (const n of lens) {
        at.push(next);
        next += pad16(n);
      }
      return { at, colsAt: next, colsLen };
    }

    function conv2dImages(x: Float32Array, w: Float32Array, bias: Float32Array | null, b: ConvBatch, y: Float32Array): boolean {
      const P = plan(b);
      const r = imageRegions(b, [P.xLen, P.wLen, P.yLen]);
      if (!r) return false;
      const [xAt, wAt, yAt] = r.at;
      const f = arena.f32;
      f.set(x.subarray(0, P.xLen), xAt);
      f.set(w.subarray(0, P.wLen), wAt);
      if (bias) fillBiasPlanes(f, yAt, bias, b);
      runImages('conv2d_blas_part', b.n, r.colsAt, r.colsLen, [xAt * 4, wAt * 4, yAt * 4, bias ? 1 : 0], b);
      y.set(arena.f32.subarray(yAt, yAt + P.yLen));
      return true;
    }

    function conv2dInputGradImages(gy: Float32Array, w: Float32Array, b: ConvBatch, gx: Float32Array): boolean {
      const P = plan(b);
      const r = imageRegions(b, [P.xLen, P.wLen, P.yLen]);
      if (!r) return false;
      const [gxAt, wAt, gyAt] = r.at;
      const f = arena.f32;
      f.fill(0, gxAt, gxAt + P.xLen);
      f.set(w.subarray(0, P.wLen), wAt);
      f.set(gy.subarray(0, P.yLen), gyAt);
      runImages('conv2d_input_grad_blas_part', b.n, r.colsAt, r.colsLen, [gxAt * 4, wAt * 4, gyAt * 4, 0], b);
      gx.set(arena.f32.subarray(gxAt, gxAt + P.xLen));
      return true;
    }

    function conv2dWeightGradImages(x: Float32Array, gy: Float32Array, b: ConvBatch, gw: Float32Array): boolean {
      const P = plan(b);
      const parts = Math.ceil(b.n / WEIGHT_GRAD_CHUNK);
      const r = imageRegions(b, [P.xLen, P.yLen, parts * P.wLen]);
      if (!r) return false;
      const [xAt, gyAt, partsAt] = r.at;
      const f = arena.f32;
      f.set(x.subarray(0, P.xLen), xAt);
      f.set(gy.subarray(0, P.yLen), gyAt);
      runImages('conv2d_weight_grad_blas_part', parts, r.colsAt, r.colsLen, [xAt * 4, partsAt * 4, gyAt * 4, 0], b);
      sumPartials(partsAt, parts, P.wLen, gw);
      return true;
    }

    const elsewhere = hooks?.large;
    if (elsewhere) {
      // The large direct convolutions go to the threaded instance (see ConvGemmHooks.large).
      const own = convWithGemm(outerGemm, { gemm: hooks.gemm, set: hooks.set });
      let threaded: ReturnType<typeof elsewhere> | undefined; // undefined: not asked for yet
      const to = (b: ConvBatch) => {
        if (!large(b)) return own;
        if (threaded === undefined) threaded = elsewhere();
        return threaded ?? own;
      };
      return {
        conv2d(this: Kernels, x, w, bias, b, y) {
          return to(b).conv2d.call(this, x, w, bias, b, y);
        },
        conv2dInputGrad(this: Kernels, gy, w, b, gx) {
          return to(b).conv2dInputGrad.call(this, gy, w, b, gx);
        },
        conv2dWeightGrad(this: Kernels, x, gy, b, gw, saved) {
          return to(b).conv2dWeightGrad.call(this, x, gy, b, gw, saved);
        },
      };
    }
    return {
      conv2d(this: Kernels, x: Storage, w: Storage, bias: Storage | null, b: ConvBatch, y: Storage): unknown {
        if (direct(b) && x instanceof Float32Array && w instanceof Float32Array && y instanceof Float32Array && (bias === null || bias instanceof Float32Array)) {
          if (imagePool(b) && conv2dImages(x, w, bias, b, y)) return null;
          return conv2dDirect.call(this, x, w, bias, b, y);
        }
        return conv2dBatched.call(this, x, w, bias, b, y);
      },
      conv2dInputGrad(this: Kernels, gy: Storage, w: Storage, b: ConvBatch, gx: Storage): void {
        if (direct(b) && gy instanceof Float32Array && w instanceof Float32Array && gx instanceof Float32Array) {
          if (imagePool(b) && conv2dInputGradImages(gy, w, b, gx)) return;
          return conv2dInputGradDirect.call(this, gy, w, b, gx);
        }
        return conv2dInputGradBatched.call(this, gy, w, b, gx);
      },
      conv2dWeightGrad(this: Kernels, x: Storage, gy: Storage, b: ConvBatch, gw: Storage, saved?: unknown): void {
        if (direct(b) && x instanceof Float32Array && gy instanceof Float32Array && gw instanceof Float32Array) {
          if (imagePool(b) && conv2dWeightGradImages(x, gy, b, gw)) return;
          return conv2dWeightGradDirect.call(this, x, gy, b, gw, saved);
        }
        return conv2dWeightGradBatched.call(this, x, gy, b, gw, saved);
      },
    };
  }

  return {
    threads: pool ? pool.capacity : 1,
    setThreads(n: number) {
      if (pool) pool.limit = Math.max(1, Math.min(Math.floor(n) || 1, pool.capacity));
    },
    readyThreads: () => (pool ? pool.available() : 1),
    workerParts: () => (pool ? pool.workerParts : 0),
    primeGemm: () => primeGemm(ex, arena, pool ? pool.workspaces[0] : null),
    kernels: { name: 'wasm', gemm, unary, binaryScalar, binary, reduce, maxPool2d, scatterAdd, cumsum, sortOrder, adaptiveMaxPool2d, conv2d, conv2dInputGrad, conv2dWeightGrad },
    optimizerKernels: fusedOptimizerKernels(ex, streamed),
    convWithGemm,
  };
}

/** Whether this JavaScript engine runs WebAssembly with SIMD (the kernels need it). */
export function wasmSimdSupported(): boolean {
  if (!wasmApi) return false;
  // (module (func (result v128) (v128.const i32x4 0 0 0 0)))
  const probe = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);
  try {
    return wasmApi.validate(probe);
  } catch {
    return false;
  }
}
