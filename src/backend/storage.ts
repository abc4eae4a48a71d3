/**
 * The flat arrays kernels work on. They live in the backend layer because kernels take them
 * and know nothing of tensors; `src/tensor` re-exports the type for its own use.
 */

/** The typed array behind a tensor of either dtype (float32 or float64). */
export type Storage = Float32Array | Float64Array;
