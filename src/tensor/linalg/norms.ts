/** Vector and matrix norms: torch.linalg.vector_norm and torch.linalg.matrix_norm. */
import { shapeToString } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from '../ops/result.js';
import { norm } from '../ops/reduce.js';
import { svdvals } from './svd.js';

/** The orders {@link matrixNorm} accepts, as PyTorch's matrix_norm. */
export type MatrixNormOrder = 'fro' | 'nuc' | 1 | -1 | 2 | -2 | typeof Infinity;

/**
 * The vector p-norm (PyTorch's `torch.linalg.vector_norm`): (Σ|x|^ord)^(1/ord) over `dim` (all
 * elements by default), max|x| for ord = Infinity, min|x| for -Infinity, the count of nonzeros
 * for 0. Differentiable (except ord 0); for ord 2 the gradient at x = 0 is 0, as in PyTorch;
 * for other p it is defined away from 0.
 */
export function vectorNorm(x: Tensor, ord = 2, dim?: number | readonly number[], keepdim = false): Tensor {
  const op = 'linalg.vectorNorm';
  checkTensor(x, op, 'x');
  if (typeof ord !== 'number' || Number.isNaN(ord)) throw new RangeError(`${op}: ord must be a number (Infinity and -Infinity allowed), got ${String(ord)}`);
  const a = x.abs();
  if (ord === Infinity) return a.max(dim, keepdim);
  if (ord === -Infinity) return a.min(dim, keepdim);
  if (ord === 0) return x.ne(0).sum(dim, keepdim).to(x.dtype).detach(); // a count, in x's dtype as PyTorch
  if (ord === 1) return a.sum(dim, keepdim);
  if (ord === 2) return norm(x, 2, dim, keepdim); // its gradient at x = 0 is 0, as PyTorch's
  return a.pow(ord).sum(dim, keepdim).pow(1 / ord);
}

/**
 * The matrix norm over the two axes `dim` (default the last two) (PyTorch's
 * `torch.linalg.matrix_norm`): 'fro' (default), 'nuc' (sum of singular values), 1 / -1 (max /
 * min column sum of |A|), Infinity / -Infinity (max / min row sum), 2 / -2 (largest / smallest
 * singular value, from {@link svdvals}). Differentiable.
 */
export function matrixNorm(a: Tensor, ord: MatrixNormOrder = 'fro', dim: readonly [number, number] = [-2, -1], keepdim = false): Tensor {
  const op = 'linalg.matrixNorm';
  checkTensor(a, op, 'A');
  if (a.ndim < 2) throw new RangeError(`${op}: A must have at least 2 dimensions, got shape ${shapeToString(a.shape)}`);
  const axes = dim.map((d) => (Number.isInteger(d) && d >= -a.ndim && d < a.ndim ? (d + a.ndim) % a.ndim : NaN));
  if (dim.length !== 2 || axes.some(Number.isNaN) || axes[0] === axes[1]) {
    throw new RangeError(`${op}: dim must be two different axes of A (shape ${shapeToString(a.shape)}), got [${dim.join(', ')}]`);
  }
  const [r, c] = axes;
  const keep = (t: Tensor): Tensor => (keepdim ? t.unsqueeze(Math.min(r, c)).unsqueeze(Math.max(r, c)) : t);
  switch (ord) {
    case 'fro': return a.square().sum(axes, keepdim).sqrt();
    case 1: return a.abs().sum(r, true).max(c, true).squeeze(keepdim ? [] : [r, c]);
    case -1: return a.abs().sum(r, true).min(c, true).squeeze(keepdim ? [] : [r, c]);
    case Infinity: return a.abs().sum(c, true).max(r, true).squeeze(keepdim ? [] : [r, c]);
    case -Infinity: return a.abs().sum(c, true).min(r, true).squeeze(keepdim ? [] : [r, c]);
    case 'nuc': case 2: case -2: {
      const rest = Array.from({ length: a.ndim }, (_, i) => i).filter((i) => i !== r && i !== c);
      const s = svdvals(a.permute([...rest, r, c]));
      const k = s.shape[s.ndim - 1];
      const v = ord === 'nuc' ? s.sum(-1) : ord === 2 ? s.select(-1, 0) : s.select(-1, k - 1);
      return keep(v);
    }
    default:
      throw new RangeError(`${op}: ord must be 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity, got ${String(ord)}`);
  }
}
