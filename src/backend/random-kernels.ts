/**
 * Bulk draws from a {@link Generator}'s stream, run by a backend: the same numbers, bit for bit,
 * as the Generator's own loops (src/tensor/random.ts), only faster. A backend offers them as the
 * optional `random` entry of its {@link OptimizerKernels}; the Generator asks the active
 * backend for them on each bulk fill and runs its own loop where there are none (the `js`
 * backend) or where they decline.
 *
 * The generator's state travels in a {@link RandomState}, read before and written after.
 *
 * @see src/backend/wasm/random.c, the WebAssembly kernels.
 */

/** The state of a Generator, as the kernels read and update it. */
export interface RandomState {
  /** The four xoshiro128** words (as int32). */
  readonly words: Int32Array;
  /** The spare Box-Muller normal kept for the next draw; NaN for none. */
  spare: number;
}

export interface RandomKernels {
  /**
   * `out[i] = u_i < p ? value : 0` for one 53-bit uniform u_i per element (the Generator's
   * `random()`), in order; false when it could not run (nothing drawn).
   */
  bernoulli(state: RandomState, out: Float32Array | Float64Array, p: number, value: number): boolean;
  /**
   * `out[i] = normal(mean, std)` in order (Box-Muller with the Generator's deterministic log and
   * sin/cos, the spare carried in `state.spare`); with `x`, `out[i] = x[i] + scale · normal(mean,
   * std)` instead (x may be out). False when it could not run (nothing drawn).
   */
  normal(state: RandomState, out: Float32Array | Float64Array, mean: number, std: number, x: Float32Array | Float64Array | null, scale: number): boolean;
  /**
   * The float32 normal stream (src/tensor/normal32.ts, bit for bit): `out[i] = (x ? x[i] : mean)
   * + scale · z_i` in float32, two outputs per pair of normals, 2⌈n/2⌉ outputs in all (x may be
   * out; `state.spare` is neither read nor written). Optional: where absent or false (nothing
   * drawn), the Generator runs normal32.ts's loop.
   */
  normal32?(state: RandomState, out: Float32Array, mean: number, x: Float32Array | null, scale: number): boolean;
}
