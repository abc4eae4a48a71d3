/** Pairwise distances: cdist, a composition of broadcasting, abs, pow and sums. */
import { shapeToString } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { where } from './indexing.js';
import { checkTensor, promoted } from './result.js';

/** s ** exponent with a zero gradient (rather than an infinite or NaN one) where s is 0. */
function rootAwayFromZero(s: Tensor, exponent: number): Tensor {
  const positive = s.gt(0);
  const safe = where(positive, s, 1);
  return where(positive, exponent === 0.5 ? safe.sqrt() : safe.pow(exponent), 0);
}

/**
 * torch.cdist: the p-norm distance between each row of x1 ([..., P, M]) and each row of x2
 * ([..., R, M]), shaped [..., P, R] (leading axes broadcast). p is a non-negative number or
 * Infinity; p = 0 counts the differing coordinates. As in PyTorch, the gradient is 0 where two
 * rows coincide. Computed directly from the differences (PyTorch's matmul shortcut for large
 * Euclidean problems differs from it only by rounding).
 */
export function cdist(x1: Tensor, x2: Tensor, p = 2): Tensor {
  checkTensor(x1, 'cdist');
  checkTensor(x2, 'cdist', 'x2');
  if (typeof p !== 'number' || Number.isNaN(p) || p < 0) throw new RangeError(`cdist: p must be a non-negative number or Infinity, got ${String(p)}`);
  if (x1.ndim < 2 || x2.ndim < 2 || x1.shape[x1.ndim - 1] !== x2.shape[x2.ndim - 1]) {
    throw new RangeError(`cdist: expected x1 [..., P, M] and x2 [..., R, M] with the same M, got ${shapeToString(x1.shape)} and ${shapeToString(x2.shape)}`);
  }
  const [a, b] = promoted(x1, x2);
  const diff = a.unsqueeze(-2).sub(b.unsqueeze(-3)).abs();
  if (p === 0) return diff.gt(0).sum(-1).to(a.dtype); // a count, in the inputs' dtype as PyTorch
  if (p === 1) return diff.sum(-1);
  if (p === Infinity) return diff.max(-1);
  if (p === 2) return rootAwayFromZero(diff.square().sum(-1), 0.5);
  return rootAwayFromZero(diff.pow(p).sum(-1), 1 / p);
}
