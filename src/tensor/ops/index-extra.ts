/**
 * maskedFill, indexAdd and meshgrid: compositions of where, scatterAddFlat and broadcastTo, so
 * their gradients (of every order) come from those ops.
 */
import { isFloating } from '../dtype.js';
import { checkOptions, showValue } from '../options.js';
import { broadcastShapes, normalizeAxis, sameShape, shapeToString, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { gatherFlat, scatterAddFlat, toIndexArray, type IndexLike, where } from './indexing.js';
import { checkTensor } from './result.js';

/**
 * Tensor.masked_fill: x with `value` wherever `mask` (broadcast to x's shape; nonzero means
 * true) is set. `value` is a number or a 0-d tensor (which then gets the gradient of the
 * filled positions).
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  checkTensor(x, 'maskedFill');
  checkTensor(mask, 'maskedFill', 'mask');
  if (!sameShape(broadcastShapes(mask.shape, x.shape, 'maskedFill'), x.shape)) {
    throw new RangeError(`maskedFill: mask of shape ${shapeToString(mask.shape)} does not broadcast to the input's shape ${shapeToString(x.shape)}`);
  }
  if (value instanceof Tensor && value.ndim !== 0) {
    throw new RangeError(`maskedFill: value must be a number or a 0-d tensor, got a tensor of shape ${shapeToString(value.shape)}`);
  }
  if (!(value instanceof Tensor) && typeof value !== 'number') throw new TypeError(`maskedFill: value must be a number or a 0-d tensor, got ${showValue(value)}`);
  const filled = where(mask.broadcastTo(x.shape), value, x);
  // an integer or bool x keeps its dtype, as in PyTorch (a fractional value truncates in int32)
  return isFloating(x.dtype) || filled.dtype === x.dtype ? filled : filled.to(x.dtype);
}

/** Options of {@link indexAdd}. */
export interface IndexAddOptions {
  /** Scales source before adding (default 1). */
  alpha?: number;
}

/**
 * Tensor.index_add: a copy of x with source's slice i along `axis` added to x's slice index[i]
 * (repeated indices add up). source has x's shape except along `axis`, where its size is the
 * number of indices; negative indices are refused, as in PyTorch.
 */
export function indexAdd(x: Tensor, axis: number, index: IndexLike, source: Tensor, options: IndexAddOptions = {}): Tensor {
  checkTensor(x, 'indexAdd');
  checkTensor(source, 'indexAdd', 'source');
  const { alpha = 1 } = checkOptions('indexAdd', options, ['alpha']) ?? {};
  const a = normalizeAxis(axis, Math.max(x.ndim, 1), 'indexAdd');
  const xShape = x.ndim === 0 ? [1] : x.shape;
  const sShape = source.ndim === 0 ? [1] : source.shape;
  const targets = Array.from(index instanceof Tensor ? index.data : index);
  const n = xShape[a];
  targets.forEach((t, i) => {
    if (!Number.isInteger(t) || t < 0 || t >= n) throw new RangeError(`indexAdd: index ${t} at position ${i} is out of range for axis ${a} of size ${n}; expected an integer in [0, ${n - 1}]`);
  });
  const expected = xShape.map((d, i) => (i === a ? targets.length : d));
  if (!sameShape(sShape, expected)) {
    throw new RangeError(`indexAdd: source has shape ${shapeToString(source.shape)}; expected ${shapeToString(expected)} (the input's shape with axis ${a} the number of indices)`);
  }
  const strides = stridesOf(xShape);
  const sStrides = stridesOf(sShape);
  const flat = new Int32Array(source.numel());
  for (let k = 0; k < flat.length; k++) {
    let rem = k;
    let p = 0;
    for (let d = 0; d < sShape.length; d++) {
      const c = Math.floor(rem / sStrides[d]);
      rem -= c * sStrides[d];
      p += (d === a ? targets[c] : c) * strides[d];
    }
    flat[k] = p;
  }
  const src = source.to(x.dtype);
  return x.add(scatterAddFlat(alpha === 1 ? src : src.mul(alpha), flat, x.shape));
}

/** Options of {@link meshgrid}. */
export interface MeshgridOptions {
  /** 'ij' (default; matrix indexing: output axis i follows input i) or 'xy' (Cartesian: the first two axes swapped). */
  indexing?: 'ij' | 'xy';
}

/**
 * torch.meshgrid: for vectors of sizes n1..nk, k tensors of shape [n1, ..., nk] (with 'xy',
 * [n2, n1, n3, ...]), the i-th varying along input i's axis. Each is a broadcast of its input.
 */
export function meshgrid(tensors: readonly Tensor[], options: MeshgridOptions = {}): Tensor[] {
  const { indexing = 'ij' } = checkOptions('meshgrid', options, ['indexing']) ?? {};
  if (indexing !== 'ij' && indexing !== 'xy') throw new RangeError(`meshgrid: indexing must be 'ij' or 'xy', got ${showValue(indexing)}`);
  if (!Array.isArray(tensors as unknown) || tensors.length === 0) throw new RangeError('meshgrid: expected a non-empty array of tensors');
  tensors.forEach((t, i) => {
    checkTensor(t, 'meshgrid', `element ${i}`);
    if (t.ndim > 1) throw new RangeError(`meshgrid: element ${i} has shape ${shapeToString(t.shape)}; expected a vector or a 0-d tensor`);
  });
  const sizes = tensors.map((t) => t.numel());
  const swap = indexing === 'xy' && tensors.length >= 2;
  const axisOf = (i: number): number => (swap && i < 2 ? 1 - i : i);
  const shape = sizes.map((_, d) => sizes[axisOf(d)]);
  return tensors.map((t, i) => {
    const view = shape.map((_, d) => (d === axisOf(i) ? t.numel() : 1));
    return t.reshape(view).broadcastTo(shape);
  });
}

/**
 * torch.take: the elements of x at flat (row-major) positions `index` (int32, or integral floats),
 * shaped like `index`; negative positions count from the end. Differentiable in x.
 */
export function take(x: Tensor, index: IndexLike): Tensor {
  checkTensor(x, 'take');
  const flat = Int32Array.from(toIndexArray(index, 'take'));
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (v < -x.numel() || v >= x.numel()) throw new RangeError(`take: index ${v} at position ${i} is out of range for a tensor of ${x.numel()} elements`);
    if (v < 0) flat[i] = v + x.numel();
  }
  return gatherFlat(x, flat, index instanceof Tensor ? index.shape : [flat.length]);
}
