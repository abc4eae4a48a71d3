/**
 * The wasm versions of the Generator's bulk draws (random.c): the generator's state goes into
 * the module's rng_state, each chunk of at most rng_chunk() samples comes out of its static
 * rng_out buffer (and an added-to array goes in through rng_in), so no arena is needed. The
 * float32 normal stream (normal32.c) takes chunks of rng_chunk32() float32 elements, an even
 * number, so that no pair of normals straddles two chunks.
 */
import type { RandomKernels, RandomState } from '../random-kernels.js';

/** The exports of random.c. */
export interface RandomExports {
  rng_state_at(): number;
  rng_spare_at(): number;
  rng_in_at(): number;
  rng_out_at(): number;
  rng_chunk(): number;
  rng_bernoulli(n: number, f64: number, p: number, value: number): void;
  rng_normal(n: number, f64: number, mean: number, std: number, xkind: number, scale: number): void;
  rng_chunk32(): number;
  rng_normal32(n: number, xkind: number, mean: number, scale: number): void;
  memory: { buffer: ArrayBufferLike };
}

/** The bulk draws over the module's exports. */
export function wasmRandomKernels(ex: RandomExports): RandomKernels {
  const chunk = ex.rng_chunk(), chunk32 = ex.rng_chunk32();
  const stateAt = ex.rng_state_at(), spareAt = ex.rng_spare_at(), inAt = ex.rng_in_at(), outAt = ex.rng_out_at();
  let buffer: ArrayBufferLike | null = null;
  let words: Int32Array<ArrayBufferLike> = new Int32Array(0);
  let spare: Float64Array<ArrayBufferLike> = new Float64Array(0), in64: Float64Array<ArrayBufferLike> = spare, out64: Float64Array<ArrayBufferLike> = spare;
  let in32: Float32Array<ArrayBufferLike> = new Float32Array(0), out32: Float32Array<ArrayBufferLike> = in32;
  let inWide: Float32Array<ArrayBufferLike> = in32, outWide: Float32Array<ArrayBufferLike> = in32;
  /** Views of the module's buffers (again after the memory grew, which detaches the old ones). */
  const views = (): void => {
    if (buffer === ex.memory.buffer) return;
    buffer = ex.memory.buffer;
    words = new Int32Array(buffer, stateAt, 4);
    spare = new Float64Array(buffer, spareAt, 1);
    in32 = new Float32Array(buffer, inAt, chunk);
    in64 = new Float64Array(buffer, inAt, chunk);
    out32 = new Float32Array(buffer, outAt, chunk);
    out64 = new Float64Array(buffer, outAt, chunk);
    inWide = new Float32Array(buffer, inAt, chunk32);
    outWide = new Float32Array(buffer, outAt, chunk32);
  };
  /**
   * Runs `kernel` over `out` chunk by chunk with the state in the module, then reads it back;
   * `wide`: in the float32 normal stream's chunks of rng_chunk32() elements.
   */
  const run = (state: RandomState, out: Float32Array | Float64Array, kernel: (i: number, len: number) => void, wide = false): boolean => {
    views();
    words.set(state.words);
    spare[0] = state.spare;
    const size = wide ? chunk32 : chunk;
    const o = wide ? outWide : out instanceof Float64Array ? out64 : out32;
    for (let i = 0; i < out.length; i += size) {
      const len = Math.min(size, out.length - i);
      kernel(i, len);
      out.set(len === size ? o : o.subarray(0, len), i);
    }
    state.words.set(words);
    state.spare = spare[0];
    return true;
  };
  return {
    bernoulli: (state, out, p, value) => {
      const f64 = out instanceof Float64Array ? 1 : 0;
      return run(state, out, (_, len) => ex.rng_bernoulli(len, f64, p, value));
    },
    normal32: (state, out, mean, x, scale) => {
      if (x && x.length < out.length) return false;
      // normal32.c leaves rng_spare alone, so run's round trip of the spare keeps it as it was.
      return run(state, out, (i, len) => {
        if (x) inWide.set(x.subarray(i, i + len));
        ex.rng_normal32(len, x ? 1 : 0, mean, scale);
      }, true);
    },
    normal: (state, out, mean, std, x, scale) => {
      if (x && x.length < out.length) return false;
      const f64 = out instanceof Float64Array ? 1 : 0;
      const xkind = !x ? 0 : x instanceof Float64Array ? 2 : 1;
      return run(state, out, (i, len) => {
        if (x) (xkind === 2 ? in64 : in32).set(x.subarray(i, i + len));
        ex.rng_normal(len, f64, mean, std, xkind, scale);
      });
    },
  };
}
