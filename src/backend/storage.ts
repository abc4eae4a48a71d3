/**
 * The flat arrays kernels work on. They live in the backend layer because kernels take them
 * and know nothing of tensors; `src/tensor` re-exports the type for its own use.
 */

/**
 * The typed array behind a tensor: Float32Array (float32), Float64Array (float64), Int32Array
 * (int32), Uint8Array (uint8) or Uint8ClampedArray (bool, which only ever holds 0 and 1).
 * Kernels are written for the floating arrays; the js reference loops take any of them, and the
 * faster backends send everything but Float32Array to js.
 */
export type Storage = Float32Array | Float64Array | Int32Array | Uint8Array | Uint8ClampedArray;
