/** Row-major layout arithmetic the kernels need; `src/tensor/shape.ts` re-exports it. */

/** The row-major (C-order) strides of `shape`, in elements: the last axis has stride 1. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}
