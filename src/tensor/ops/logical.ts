/**
 * Logical reductions and NaN-aware sums: any, all, allclose and nansum. any and all give bool
 * tensors, like the comparisons.
 */
import { checkOptions } from '../options.js';
import { broadcastShapes, normalizeAxes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from './result.js';
import { isnan } from './unary.js';

type Axes = number | readonly number[] | undefined;

/**
 * A bool tensor: 1 where some element along `axes` (all by default) is non-zero, else 0 (torch.any); NaN counts
 * as non-zero, as in PyTorch. Not differentiable.
 */
export function any(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  checkTensor(x, 'any');
  const ax = normalizeAxes(axes, x.ndim, 'any');
  return x.detach().ne(0).sum(ax, keepDims).gt(0);
}

/** A bool tensor: 1 where every element along `axes` (all by default) is non-zero, else 0 (torch.all); not differentiable. */
export function all(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  checkTensor(x, 'all');
  const ax = normalizeAxes(axes, x.ndim, 'all');
  return x.detach().eq(0).sum(ax, keepDims).eq(0);
}

/** The sum over `axes` (all by default) with NaN entries taken as 0 (torch.nansum); they get a zero gradient. */
export function nansum(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  checkTensor(x, 'nansum');
  return x.where(isnan(x.detach()).eq(0), 0).sum(axes, keepDims);
}

/** Options of {@link allclose}, as torch.allclose's. */
export interface AllcloseOptions {
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Whether NaN equals NaN (default false). */
  equalNan?: boolean;
}

/**
 * Whether |a - b| <= atol + rtol · |b| everywhere, after broadcasting (torch.allclose). Equal
 * infinities are close, other infinities are not; NaN is close to NaN only with equalNan.
 */
export function allclose(a: Tensor, b: Tensor, options: AllcloseOptions = {}): boolean {
  checkTensor(a, 'allclose');
  checkTensor(b, 'allclose', 'other');
  checkOptions('allclose', options, ['rtol', 'atol', 'equalNan']);
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = options ?? {};
  for (const [name, v] of [['rtol', rtol], ['atol', atol]] as const) {
    if (typeof v !== 'number' || !(v >= 0)) throw new RangeError(`allclose: ${name} must be a non-negative number, got ${String(v)}`);
  }
  const shape = broadcastShapes(a.shape, b.shape, 'allclose');
  const x = a.detach().broadcastTo(shape).data;
  const y = b.detach().broadcastTo(shape).data;
  for (let i = 0; i < x.length; i++) {
    const p = x[i];
    const q = y[i];
    if (p === q) continue;
    if (Number.isNaN(p) || Number.isNaN(q)) {
      if (equalNan && Number.isNaN(p) && Number.isNaN(q)) continue;
      return false;
    }
    if (!Number.isFinite(p) || !Number.isFinite(q)) return false;
    if (!(Math.abs(p - q) <= atol + rtol * Math.abs(q))) return false;
  }
  return true;
}
