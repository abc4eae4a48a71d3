/**
 * Sorting and order statistics: sort, argsort, topk, median. The order is computed on the
 * values (no gradient flows through it); the values are then gathered at the chosen positions
 * with gatherFlat, so their gradients (to any order) go back to the chosen elements.
 *
 * Indices are int32 tensors.
 */
import { allocate } from '../dtype.js';
import { normalizeAxis, shapeToString, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { gatherFlat } from './indexing.js';
import { checkTensor } from './result.js';
import { kernels } from '../../backend/registry.js';

/** Values and the positions along the axis they came from (int32). */
export interface ValuesAndIndices {
  values: Tensor;
  indices: Tensor;
}

/**
 * For each slice of x along `axis`, picks positions from its stable sort order (`choose` maps
 * the sorted order of the slice's positions to the ones to keep, `count` of them) and gathers
 * those values; the kept positions replace the axis. The orders come from the backend's
 * sortOrder kernel (NaN largest, ties in input order).
 */
function pickSorted(x: Tensor, axis: number, descending: boolean, count: number, choose: (order: Int32Array, valueAt: (j: number) => number) => ArrayLike<number>): ValuesAndIndices {
  const n = x.shape[axis];
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const orders = new Int32Array(outer * inner * n);
  kernels().sortOrder(x.data, outer, n, inner, descending, orders);
  const flat = new Int32Array(outer * count * inner);
  const positions = allocate('int32', flat.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      const kept = choose(orders.subarray((o * inner + i) * n, (o * inner + i + 1) * n), (j) => x.data[base + j * inner]);
      for (let r = 0; r < count; r++) {
        const out = (o * count + r) * inner + i;
        flat[out] = base + kept[r] * inner;
        positions[out] = kept[r];
      }
    }
  }
  const shape = [...x.shape];
  shape[axis] = count;
  return { values: gatherFlat(x, flat, shape), indices: new Tensor(positions, shape) };
}

/** The axis to work along; a 0-d tensor is treated as a vector of one element. */
function vectorized(x: Tensor, axis: number, op: string): [Tensor, number] {
  checkTensor(x, op);
  if (x.ndim === 0) {
    normalizeAxis(axis, 1, op);
    return [x.reshape([1]), 0];
  }
  return [x, normalizeAxis(axis, x.ndim, op)];
}

function restore(r: ValuesAndIndices, x: Tensor): ValuesAndIndices {
  return x.ndim === 0 ? { values: r.values.reshape([]), indices: r.indices.reshape([]) } : r;
}

/**
 * torch.sort: the values along `axis` in ascending (or descending) order and the positions they
 * came from. Always stable (ties keep their input order, PyTorch's `stable=True`); NaN sorts
 * as the largest value.
 */
export function sort(x: Tensor, axis = -1, descending = false): ValuesAndIndices {
  const [v, a] = vectorized(x, axis, 'sort');
  const n = v.shape[a];
  return restore(pickSorted(v, a, descending, n, (order) => order), x);
}

/** torch.argsort: the positions that sort x along `axis` (stable; see {@link sort}). */
export function argsort(x: Tensor, axis = -1, descending = false): Tensor {
  return sort(x, axis, descending).indices;
}

/**
 * torch.topk: the `k` largest (or, with `largest` false, smallest) values along `axis` and their
 * positions, best first. Ties go to the earlier position. With `sorted` false PyTorch leaves
 * the order unspecified; here they are best first all the same.
 */
export function topk(x: Tensor, k: number, axis = -1, largest = true, sorted = true): ValuesAndIndices {
  void sorted;
  const [v, a] = vectorized(x, axis, 'topk');
  const n = v.shape[a];
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(`topk: k must be an integer in [0, ${n}] (the size of axis ${a} of shape ${shapeToString(x.shape)}), got ${k}`);
  }
  return restore(pickSorted(v, a, largest, k, (order) => order.subarray(0, k)), x);
}

/**
 * torch.median: the lower of the two middle values when the count is even (not their mean),
 * NaN when the slice holds a NaN. Without an axis, the median of all elements as a 0-d tensor;
 * with one, the medians along it and their positions (the earliest of tied values).
 */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, axis: number, keepDims?: boolean): ValuesAndIndices;
export function median(x: Tensor, axis?: number, keepDims = false): Tensor | ValuesAndIndices {
  checkTensor(x, 'median');
  if (axis === undefined) {
    if (x.numel() === 0) throw new RangeError(`median: cannot take the median of an empty tensor of shape ${shapeToString(x.shape)}`);
    return median(x.flatten(), 0).values.reshape([]);
  }
  const [v, a] = vectorized(x, axis, 'median');
  const n = v.shape[a];
  if (n === 0) throw new RangeError(`median: cannot take the median along axis ${a} of size 0 (shape ${shapeToString(x.shape)})`);
  const r = pickSorted(v, a, false, 1, (order, valueAt) => {
    const nan = order.findIndex((j) => Number.isNaN(valueAt(j)));
    return [nan >= 0 ? order[nan] : order[(n - 1) >> 1]];
  });
  if (x.ndim === 0) return restore(r, x);
  return keepDims ? r : { values: r.values.squeeze(a), indices: r.indices.squeeze(a) };
}
