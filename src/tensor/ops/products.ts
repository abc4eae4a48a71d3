/** Outer and Kronecker products: broadcast multiplications reshaped, so gradients come free. */
import { shapeToString } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from './result.js';

/** torch.outer: the matrix a[i] * b[j] of two vectors. */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'outer');
  checkTensor(b, 'outer', 'second input');
  if (a.ndim !== 1 || b.ndim !== 1) throw new RangeError(`outer: expected two vectors, got shapes ${shapeToString(a.shape)} and ${shapeToString(b.shape)}`);
  return a.reshape([a.numel(), 1]).mul(b.reshape([1, b.numel()]));
}

/**
 * torch.kron: the Kronecker product; the shorter shape gets leading 1s, and the result has
 * size a.shape[d] * b.shape[d] along each axis d, block (i) being a[i] * b.
 */
export function kron(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'kron');
  checkTensor(b, 'kron', 'second input');
  const r = Math.max(a.ndim, b.ndim);
  const pad = (s: readonly number[]): number[] => [...new Array<number>(r - s.length).fill(1), ...s];
  const as = pad(a.shape);
  const bs = pad(b.shape);
  // Interleave the axes: a as [a0, 1, a1, 1, ...] and b as [1, b0, 1, b1, ...] multiply to
  // [a0, b0, a1, b1, ...], which merges pairwise into the result.
  const product = a.reshape(as.flatMap((d) => [d, 1])).mul(b.reshape(bs.flatMap((d) => [1, d])));
  return product.reshape(as.map((d, i) => d * bs[i]));
}
