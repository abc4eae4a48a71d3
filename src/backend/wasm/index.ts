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
 */
import type { Storage } from '../../tensor/dtype.js';
import type { AdamHyper, BinaryOp, ConvGeometry, GemmArgs, Kernels, UnaryOp } from '../kernels.js';
import { coalesce } from '../js/broadcast.js';
import { jsKernels } from '../js/index.js';

/**
 * The parts of the WebAssembly API used here, typed locally: the project's TypeScript lib
 * (ES2022, no DOM) does not declare the global.
 */
export type WasmModule = object;
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: object };
  compile(bytes: ArrayBuffer): Promise<WasmModule>;
  validate(bytes: Uint8Array): boolean;
}
/** The global WebAssembly object, or undefined where the engine has none. */
export const wasmApi: WasmApi | undefined = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

interface Exports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  __heap_base: { value: number };
  sgemm(transA: number, transB: number, m: number, n: number, k: number, alpha: number, a: number, lda: number,
    b: number, ldb: number, beta: number, c: number, ldc: number): void;
  adam(p: number, g: number, m: number, v: number, n: number, beta1: number, beta2: number, eps: number,
    stepSize: number, invSqrtBc2: number, decay: number): void;
  unary(op: number, x: number, out: number, n: number): void;
  binary(op: number, a: number, b: number, out: number, d0: number, d1: number, d2: number, d3: number,
    a0: number, a1: number, a2: number, a3: number, b0: number, b1: number, b2: number, b3: number): void;
  max_pool(x: number, planes: number, height: number, width: number, kh: number, kw: number, sh: number, sw: number,
    dh: number, dw: number, outH: number, outW: number, out: number, at: number): void;
}

/** Unary ops with a SIMD kernel (codes as in kernels.c); the others (exp, log, tanh...) stay in js. */
const UNARY_CODES: Partial<Record<UnaryOp, number>> = {
  neg: 0, abs: 1, sqrt: 2, square: 3, relu: 4, step: 5, reciprocal: 6, floor: 7, ceil: 8, round: 9, isnan: 10, sign: 11,
};
/** Binary ops with a SIMD kernel (codes as in kernels.c); pow stays in js. */
const BINARY_CODES: Partial<Record<BinaryOp, number>> = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, eq: 6, ne: 7, lt: 8, le: 9, gt: 10, ge: 11,
};
/** Below this many elements the js loop beats the call and the copies. */
const MIN_ELEMENTWISE = 256;
/** Elementwise maps stream through the arena in chunks of this many elements (cache-resident). */
const CHUNK = 32768;

/** The URL of the compiled kernels, next to this module (src/ or dist/). */
export const WASM_URL = new URL('./kernels.wasm', import.meta.url);

/** Elements per array per Adam chunk: 4 arrays x 16K floats = 256 KiB, resident in L2. */
const ADAM_CHUNK = 16384;

/** The scratch arena in the module's memory: a bump region above __heap_base, reset per call. */
class Arena {
  readonly base: number;
  f32: Float32Array;
  constructor(readonly ex: Exports) {
    this.base = (ex.__heap_base.value + 63) & ~63;
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

/** The span of a row-major operand: (rows - 1) * ld + cols elements from its offset. */
function span(rows: number, cols: number, ld: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
}

/** Builds the wasm kernels from a compiled module. */
export function createWasmKernels(module: WasmModule): Partial<Kernels> & { name: string } {
  if (!wasmApi) throw new Error('this JavaScript engine has no WebAssembly');
  const instance = new wasmApi.Instance(module, {});
  const ex = instance.exports as unknown as Exports;
  const arena = new Arena(ex);

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
    ex.sgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, g.alpha, aAt * 4, lda, bAt * 4, ldb, g.beta, cAt * 4, ldc);
    c.set(arena.f32.subarray(cAt, cAt + cLen), g.cOffset);
  }

  function adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, h: AdamHyper): void {
    const n = p.length;
    const chunk = Math.min(n, ADAM_CHUNK);
    const base = arena.reserve(4 * chunk);
    if (base < 0) return jsKernels.adam(p, g, m, v, h);
    const f = arena.f32;
    const pAt = base, gAt = base + chunk, mAt = base + 2 * chunk, vAt = base + 3 * chunk;
    const stepSize = h.lr / h.biasCorrection1;
    const invSqrtBc2 = 1 / Math.sqrt(h.biasCorrection2);
    const decay = 1 - h.lr * h.weightDecay;
    for (let i = 0; i < n; i += chunk) {
      const len = Math.min(chunk, n - i);
      const end = i + len;
      f.set(p.subarray(i, end), pAt);
      f.set(g.subarray(i, end), gAt);
      f.set(m.subarray(i, end), mAt);
      f.set(v.subarray(i, end), vAt);
      ex.adam(pAt * 4, gAt * 4, mAt * 4, vAt * 4, len, h.beta1, h.beta2, h.eps, stepSize, invSqrtBc2, decay);
      p.set(f.subarray(pAt, pAt + len), i);
      m.set(f.subarray(mAt, mAt + len), i);
      v.set(f.subarray(vAt, vAt + len), i);
    }
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
    const { shape, sa, sb } = coalesce(outShape, aStrides, bStrides);
    if (shape.length > 4) return jsKernels.binary(op, a, aStrides, b, bStrides, out, outShape);
    while (shape.length < 4) {
      shape.unshift(1);
      sa.unshift(0);
      sb.unshift(0);
    }
    const aPad = (a.length + 15) & ~15;
    const bPad = (b.length + 15) & ~15;
    const base = arena.reserve(aPad + bPad + n);
    if (base < 0) return jsKernels.binary(op, a, aStrides, b, bStrides, out, outShape);
    const f = arena.f32;
    const aAt = base, bAt = base + aPad, oAt = bAt + bPad;
    f.set(a, aAt);
    f.set(b, bAt);
    ex.binary(code, aAt * 4, bAt * 4, oAt * 4, shape[0], shape[1], shape[2], shape[3], sa[0], sa[1], sa[2], sa[3], sb[0], sb[1], sb[2], sb[3]);
    out.set(f.subarray(oAt, oAt + n));
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

  return { name: 'wasm', gemm, adam, unary, binaryScalar, binary, maxPool2d };
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
