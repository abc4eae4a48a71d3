/**
 * Ops that rearrange or repeat elements: flip, roll, repeat, tile, repeatInterleave, unfold.
 * Each computes, for every output element, the flat position it reads in the input, and hands
 * that to {@link gatherFlat}; its adjoint scatterAddFlat sums repeated reads, so every op here is
 * differentiable to any order without a rule of its own.
 */
import { normalizeAxes, normalizeAxis, shapeToString, sizeOf, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { gatherFlat, type IndexLike } from './indexing.js';
import { checkTensor } from './result.js';

/**
 * The tensor of `shape` whose element at coordinates c is x.flat[source(c)] (0 where source
 * gives -1): the general gather of this family, used where the position does not split by
 * axis (tril/triu, diag, einsum's diagonals). `source` gets a reused coordinate array.
 */
export function gatherByCoords(x: Tensor, shape: readonly number[], source: (c: readonly number[]) => number): Tensor {
  const n = sizeOf(shape);
  const index = new Int32Array(n);
  const c = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    index[k] = source(c);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++c[d] < shape[d]) break;
      c[d] = 0;
    }
  }
  return gatherFlat(x, index, shape);
}

/**
 * The gather whose source position is a sum of one term per output axis,
 * x.flat[terms[0][c0] + terms[1][c1] + ...]: every op of this file is of that form, and the
 * running sum updated axis by axis costs a few additions per element rather than a call.
 */
function gatherBySum(x: Tensor, shape: readonly number[], terms: readonly ArrayLike<number>[]): Tensor {
  const n = sizeOf(shape);
  const index = new Int32Array(n);
  const rank = shape.length;
  const c = new Array<number>(rank).fill(0);
  let position = 0;
  if (n > 0) for (let d = 0; d < rank; d++) position += terms[d][0];
  for (let k = 0; k < n; k++) {
    index[k] = position;
    for (let d = rank - 1; d >= 0; d--) {
      const t = terms[d];
      if (++c[d] < shape[d]) {
        position += t[c[d]] - t[c[d] - 1];
        break;
      }
      position += t[0] - t[shape[d] - 1];
      c[d] = 0;
    }
  }
  return gatherFlat(x, index, shape);
}

/** terms[j] = stride * f(j) for j < length. */
const axisTerm = (length: number, stride: number, f: (j: number) => number): Int32Array => Int32Array.from({ length }, (_, j) => f(j) * stride);

function checkCount(v: unknown, op: string, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new RangeError(`${op}: ${what} must be a non-negative integer, got ${String(v)}`);
  return v;
}

/** torch.flip: reverses the order of elements along each of `axes`. */
export function flip(x: Tensor, axes: number | readonly number[]): Tensor {
  checkTensor(x, 'flip');
  const ax = normalizeAxes(axes, x.ndim, 'flip');
  const strides = stridesOf(x.shape);
  return gatherBySum(x, x.shape, x.shape.map((n, d) => axisTerm(n, strides[d], ax.includes(d) ? (j) => n - 1 - j : (j) => j)));
}

/**
 * torch.roll: shifts elements by `shifts` along `axes` (wrapping around); with no axes, the
 * flattened tensor is rolled and the shape restored.
 */
export function roll(x: Tensor, shifts: number | readonly number[], axes?: number | readonly number[]): Tensor {
  checkTensor(x, 'roll');
  const sh = typeof shifts === 'number' ? [shifts] : [...shifts];
  sh.forEach((s) => {
    if (!Number.isInteger(s)) throw new RangeError(`roll: shifts must be integers, got ${JSON.stringify(shifts)}`);
  });
  if (axes === undefined) {
    if (sh.length !== 1) throw new RangeError(`roll: without axes, shifts must be one number, got ${JSON.stringify(shifts)}`);
    return roll(x.flatten(), sh[0], 0).reshape(x.shape);
  }
  const ax = typeof axes === 'number' ? [axes] : [...axes];
  if (ax.length !== sh.length) throw new RangeError(`roll: got ${sh.length} shifts for ${ax.length} axes; expected one shift per axis`);
  const shift = new Array<number>(x.ndim).fill(0);
  ax.forEach((a, i) => {
    const d = normalizeAxis(a, x.ndim, 'roll');
    shift[d] += sh[i];
  });
  const strides = stridesOf(x.shape);
  return gatherBySum(x, x.shape, x.shape.map((n, d) => axisTerm(n, strides[d], (j) => (((j - shift[d]) % n) + n) % n)));
}

/**
 * Tensor.repeat (PyTorch): tiles x `repeats[d]` times along each axis; `repeats` may be longer
 * than x's rank (x gains leading axes of size 1) but not shorter.
 */
export function repeat(x: Tensor, repeats: readonly number[]): Tensor {
  checkTensor(x, 'repeat');
  if (repeats.length < x.ndim) {
    throw new RangeError(`repeat: ${repeats.length} repeat counts for a tensor of shape ${shapeToString(x.shape)}; expected at least one per axis (${x.ndim})`);
  }
  repeats.forEach((r) => checkCount(r, 'repeat', 'each repeat count'));
  const inShape = [...new Array<number>(repeats.length - x.ndim).fill(1), ...x.shape];
  const strides = stridesOf(inShape);
  const shape = inShape.map((d, i) => d * repeats[i]);
  return gatherBySum(x, shape, shape.map((n, d) => axisTerm(n, strides[d], (j) => j % inShape[d])));
}

/** torch.tile: like {@link repeat}, but fewer counts than axes are padded with leading 1s. */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  checkTensor(x, 'tile');
  return repeat(x, [...new Array<number>(Math.max(0, x.ndim - reps.length)).fill(1), ...reps]);
}

/**
 * torch.repeat_interleave: repeats each element (each slice along `axis`) `repeats` times, or
 * repeats[i] times for slice i; without an axis, x is flattened first.
 */
export function repeatInterleave(x: Tensor, repeats: number | IndexLike, axis?: number): Tensor {
  checkTensor(x, 'repeatInterleave');
  if (axis === undefined) return repeatInterleave(x.flatten(), repeats, 0);
  const a = normalizeAxis(axis, x.ndim, 'repeatInterleave');
  const n = x.shape[a];
  const counts = typeof repeats === 'number' ? new Array<number>(n).fill(checkCount(repeats, 'repeatInterleave', 'repeats')) : Array.from(repeats instanceof Tensor ? repeats.data : repeats);
  if (counts.length !== n) throw new RangeError(`repeatInterleave: ${counts.length} repeat counts for axis ${a} of size ${n} (shape ${shapeToString(x.shape)}); expected one per slice`);
  counts.forEach((r) => checkCount(r, 'repeatInterleave', 'each repeat count'));
  const sourceOf: number[] = [];
  counts.forEach((r, i) => {
    for (let k = 0; k < r; k++) sourceOf.push(i);
  });
  const strides = stridesOf(x.shape);
  const shape = [...x.shape];
  shape[a] = sourceOf.length;
  return gatherBySum(x, shape, shape.map((n, d) => axisTerm(n, strides[d], d === a ? (j) => sourceOf[j] : (j) => j)));
}

/**
 * Tensor.unfold (PyTorch): every window of `size` elements along `axis`, `step` apart; the
 * windows index `axis` and the window's elements form a new last axis.
 */
export function unfold(x: Tensor, axis: number, size: number, step: number): Tensor {
  checkTensor(x, 'unfold');
  const rank = Math.max(x.ndim, 1);
  const a = normalizeAxis(axis, rank, 'unfold');
  const inShape = x.ndim === 0 ? [1] : x.shape;
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`unfold: step must be a positive integer, got ${step}`);
  checkCount(size, 'unfold', 'size');
  if (size > inShape[a]) throw new RangeError(`unfold: size ${size} exceeds axis ${a} of size ${inShape[a]} (shape ${shapeToString(x.shape)})`);
  const windows = Math.floor((inShape[a] - size) / step) + 1;
  const strides = stridesOf(inShape);
  const shape = [...inShape, size];
  shape[a] = windows;
  // Window w's element i sits at w * step + i along the axis: one term for each of the two.
  const terms = shape.map((n, d) => (d === inShape.length ? axisTerm(n, strides[a], (j) => j) : axisTerm(n, strides[d], d === a ? (j) => j * step : (j) => j)));
  const out = gatherBySum(x, shape, terms);
  return x.ndim === 0 ? out.reshape([size]) : out;
}
