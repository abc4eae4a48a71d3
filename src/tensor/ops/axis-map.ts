/**
 * Linear maps along one axis. Adaptive average pooling and the linear / cubic interpolations are
 * separable: along each spatial axis, every output is a fixed weighted sum of inputs, a matrix
 * [out, in]. Applying them as matrix products gives their gradients (and the gradients of
 * those) from matmul's own rules.
 */
import { allocate } from '../dtype.js';
import { Tensor } from '../tensor.js';

/** A [out, in] matrix of x's dtype whose row i holds the weights `row(i)` gives, at their positions. */
export function weightMatrix(dtype: Tensor['dtype'], out: number, size: number, row: (i: number, add: (at: number, weight: number) => void) => void): Tensor {
  const data = allocate(dtype, out * size);
  for (let i = 0; i < out; i++) row(i, (at, weight) => (data[i * size + at] += weight));
  return new Tensor(data, [out, size]);
}

/** x with `m` [out, in] applied along `axis` (whose length is in): out[.., i, ..] = sum_j m[i, j] x[.., j, ..]. */
export function alongAxis(x: Tensor, m: Tensor, axis: number): Tensor {
  const last = x.ndim - 1;
  if (axis === last) return x.matmul(m.transpose());
  if (axis === last - 1) return m.matmul(x);
  return x.transpose(axis, last).matmul(m.transpose()).transpose(axis, last);
}
