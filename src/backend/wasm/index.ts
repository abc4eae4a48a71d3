/**
 * The `wasm` backend: float32 SIMD kernels compiled from kernels.c to WebAssembly (see
 * scripts/build-wasm.mjs). float64 and the kernels not written here fall back to `js`.
 *
 * Tensors live in ordinary garbage-collected typed arrays, so a kernel copies its operands into
 * a scratch arena in the module's memory, runs, and copies the result back. Copies are O(size)
 * against the O(m n k) of a GEMM, so GEMM always pays; Adam streams its four arrays through the
 * arena in cache-sized chunks, so the copies hit the cache and the pass stays near memory
 * bandwidth. Elementwise maps, reductions and im2col stay in `js`: measured here, copying in
 * and out costs as much as the JIT-compiled loop itself (see bench/RESULTS.md).
 */
import type { AdamHyper, GemmArgs, Kernels } from '../kernels.js';
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
}

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
  }
  /** Makes sure `floats` float32 slots fit above the base; returns the base's float index. */
  reserve(floats: number): number {
    const need = this.base + floats * 4 + 64 * 4;
    const have = this.ex.memory.buffer.byteLength;
    if (need > have) {
      this.ex.memory.grow(Math.ceil((need - have) / 65536));
    }
    if (this.f32.buffer !== this.ex.memory.buffer) this.f32 = new Float32Array(this.ex.memory.buffer);
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

  return { name: 'wasm', gemm, adam };
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
