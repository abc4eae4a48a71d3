/** Reductions over any set of axes, and softmax. */
import { kernels } from '../../backend/registry.js';
import type { ReduceOp } from '../../backend/kernels.js';
import { allocate, requireFloating, type Storage } from '../dtype.js';
import { checkOptions } from '../options.js';
import { normalizeAxes, normalizeAxis, shapeToString, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkTensor, makeResult } from './result.js';

type Axes = number | readonly number[] | undefined;

/** Shape after reducing `axes`, with or without the reduced axes kept as 1. */
function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/** Runs a reduce kernel axis by axis, from the last to the first, keeping the dims as 1. */
function reduceRaw(op: ReduceOp, x: Tensor, axes: readonly number[]): Storage {
  let data = x.data;
  const shape = [...x.shape];
  for (let j = axes.length - 1; j >= 0; j--) {
    const axis = axes[j];
    const n = shape[axis];
    if (n === 0 && op !== 'sum') throw new RangeError(`${op}: cannot reduce over axis ${axis} of size 0`);
    const outer = sizeOf(shape.slice(0, axis));
    const inner = sizeOf(shape.slice(axis + 1));
    const out = allocate(x.dtype, outer * inner);
    kernels().reduce(op, data, outer, n, inner, out);
    data = out;
    shape[axis] = 1;
  }
  return data === x.data ? data.slice() : data;
}

/** The sum over `axes` (all by default); bool and uint8 are summed as int32 (PyTorch sums them as int64). */
export function sum(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  checkTensor(x, 'sum');
  const counted = x.dtype === 'bool' || x.dtype === 'uint8' ? x.to('int32') : x;
  const ax = normalizeAxes(axes, counted.ndim, 'sum');
  const kept = reducedShape(counted.shape, ax, true);
  const data = reduceRaw('sum', counted, ax);
  return makeResult(data, reducedShape(counted.shape, ax, keepDims), 'sum', [counted], (g) => [g.reshape(kept).broadcastTo(counted.shape)]);
}

export function mean(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  requireFloating(checkTensor(x, 'mean').dtype, 'mean');
  const ax = normalizeAxes(axes, x.ndim, 'mean');
  const count = ax.reduce((p, a) => p * x.shape[a], 1);
  return sum(x, ax, keepDims).div(count);
}

/**
 * max/min over axes. The gradient is shared evenly among tied extremes (like torch.amax), which
 * keeps it a linear, twice-differentiable rule.
 */
function extreme(op: 'max' | 'min', x: Tensor, axes: Axes, keepDims: boolean): Tensor {
  checkTensor(x, op);
  const ax = normalizeAxes(axes, x.ndim, op);
  // Reducing over an axis of size 0 has no extreme; an empty tensor reduced over non-empty axes
  // just gives an empty result (as in PyTorch).
  if (ax.some((a) => x.shape[a] === 0)) {
    throw new RangeError(`${op}: cannot reduce an empty tensor of shape ${shapeToString(x.shape)} over axes ${JSON.stringify(ax)} (of size 0)`);
  }
  const kept = reducedShape(x.shape, ax, true);
  const data = reduceRaw(op, x, ax);
  let y: Tensor;
  y = makeResult(data, reducedShape(x.shape, ax, keepDims), op, [x], (g) => {
    const hits = x.eq(y.detach().reshape(kept)).to(x.dtype);
    const share = hits.div(sum(hits, ax, true));
    return [g.reshape(kept).mul(share)];
  });
  return y;
}

export const max = (x: Tensor, axes?: Axes, keepDims = false): Tensor => extreme('max', x, axes, keepDims);
export const min = (x: Tensor, axes?: Axes, keepDims = false): Tensor => extreme('min', x, axes, keepDims);

/** Index of the first max (min) along `axis`, as int32; over the flattened tensor when axis is omitted. */
function argExtreme(op: 'argmax' | 'argmin', x: Tensor, axis: number | undefined, keepDims: boolean): Tensor {
  checkTensor(x, op);
  if (x.numel() === 0) throw new RangeError(`${op}: empty tensor of shape ${shapeToString(x.shape)}`);
  if (axis === undefined) {
    const out = allocate('int32', 1);
    kernels().argReduce(op, x.data, 1, x.numel(), 1, out);
    return new Tensor(out, keepDims ? x.shape.map(() => 1) : []);
  }
  const a = normalizeAxis(axis, x.ndim, op);
  const outer = sizeOf(x.shape.slice(0, a));
  const inner = sizeOf(x.shape.slice(a + 1));
  const out = allocate('int32', outer * inner);
  kernels().argReduce(op, x.data, outer, x.shape[a], inner, out);
  return new Tensor(out, reducedShape(x.shape, [a], keepDims));
}

export const argmax = (x: Tensor, axis?: number, keepDims = false): Tensor => argExtreme('argmax', x, axis, keepDims);
export const argmin = (x: Tensor, axis?: number, keepDims = false): Tensor => argExtreme('argmin', x, axis, keepDims);

export interface VarianceOptions {
  /** Subtracted from the count in the denominator: 1 (default) is Bessel's unbiased estimate, 0 the population variance. */
  correction?: number;
  keepDims?: boolean;
}

/** The variance over `axes` (all by default), with Bessel's correction unless `correction` says otherwise. */
export function variance(x: Tensor, axes?: Axes, options: VarianceOptions = {}): Tensor {
  checkOptions('var', options, ['correction', 'keepDims']);
  const { correction = 1, keepDims = false } = options ?? {};
  requireFloating(checkTensor(x, 'var').dtype, 'var');
  const ax = normalizeAxes(axes, x.ndim, 'var');
  const count = ax.reduce((p, a) => p * x.shape[a], 1);
  const centered = x.sub(mean(x, ax, true));
  return sum(centered.square(), ax, keepDims).div(Math.max(count - correction, 0));
}

/** The standard deviation: the square root of {@link variance}. */
export function std(x: Tensor, axes?: Axes, options: VarianceOptions = {}): Tensor {
  return variance(x, axes, options).sqrt();
}

/** log(sum(exp(x))) over axes, shifted by the (constant) max so large inputs do not overflow. */
export function logSumExp(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  requireFloating(checkTensor(x, 'logSumExp').dtype, 'logSumExp');
  const ax = normalizeAxes(axes, x.ndim, 'logSumExp');
  if (ax.some((a) => x.shape[a] === 0)) {
    // the log of an empty sum: -inf (as in PyTorch); x has no elements, so its gradient is empty
    const out = allocate(x.dtype, sizeOf(reducedShape(x.shape, ax, keepDims))).fill(-Infinity);
    return makeResult(out, reducedShape(x.shape, ax, keepDims), 'logSumExp', [x], () => [Tensor.fill(x.shape, 0, x.dtype)]);
  }
  const m = max(x.detach(), ax, true);
  const shift = m.where(m.abs().lt(Infinity), 0); // an all -inf slice keeps -inf rather than NaN
  const out = sum(x.sub(shift).exp(), ax, true).log().add(shift);
  return keepDims ? out : out.squeeze(ax);
}

/**
 * The p-norm over axes (all by default): p = 1 sums |x|, p = 2 is Euclidean, 'inf' takes max |x|.
 * The 2-norm's gradient x/||x|| is taken as 0 where the norm is 0 (a subgradient), as PyTorch does.
 */
export function norm(x: Tensor, p: 1 | 2 | 'inf' = 2, axes?: Axes, keepDims = false): Tensor {
  requireFloating(checkTensor(x, 'norm').dtype, 'norm');
  if (p === 1) return sum(x.abs(), axes, keepDims);
  if (p === 'inf') return max(x.abs(), axes, keepDims);
  if (p !== 2) throw new RangeError(`norm: p must be 1, 2 or 'inf', got ${JSON.stringify(p)}`);
  const ax = normalizeAxes(axes, x.ndim, 'norm');
  const kept = reducedShape(x.shape, ax, true);
  const squares = reduceRaw('sum', x.detach().square(), ax);
  const data = squares.map(Math.sqrt);
  let y: Tensor;
  y = makeResult(data, reducedShape(x.shape, ax, keepDims), 'norm', [x], (g) => {
    const n = y.reshape(kept);
    const safe = n.add(n.eq(0)); // 1 where the norm is 0; x is 0 there too
    return [x.mul(g.reshape(kept).div(safe))];
  });
  return y;
}

/** Softmax along `axis` (the last by default), stable for large inputs. */
export function softmax(x: Tensor, axis = -1): Tensor {
  return softmaxLike(x, axis, false);
}

/** log(softmax(x)) along `axis`, computed directly (no log of a rounded-off zero). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return softmaxLike(x, axis, true);
}

function softmaxLike(x: Tensor, axis: number, log: boolean): Tensor {
  const name = log ? 'logSoftmax' : 'softmax';
  requireFloating(checkTensor(x, name).dtype, name);
  if (x.ndim === 0) throw new RangeError(`${name}: needs at least one axis, got a 0-d tensor`);
  const a = normalizeAxis(axis, x.ndim, name);
  if (a !== x.ndim - 1) return softmaxLike(x.transpose(a, -1), -1, log).transpose(a, -1);
  const cols = x.shape[a];
  const out = allocate(x.dtype, x.numel());
  kernels().softmax(x.data, x.numel() / Math.max(cols, 1), cols, out, log);
  let y: Tensor;
  y = makeResult(out, x.shape, name, [x], (g) =>
    log ? [g.sub(y.exp().mul(sum(g, -1, true)))] : [y.mul(g.sub(sum(g.mul(y), -1, true)))],
  );
  return y;
}
