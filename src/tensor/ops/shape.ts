/** Ops that change a tensor's shape or axis order. */
import { kernels } from '../../backend/registry.js';
import { allocate } from '../dtype.js';
import { broadcastShapes, broadcastStrides, normalizeAxes, normalizeAxis, sameShape, shapeToString, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, makeResult } from './result.js';

/** The same elements in a new shape; one dimension may be -1 (inferred). Shares storage. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'reshape');
  const target = inferShape(x, shape);
  if (sameShape(target, x.shape)) return x;
  return makeResult(x.data, target, 'reshape', [x], (g) => [g.reshape(x.shape)]);
}

function inferShape(x: Tensor, shape: readonly number[]): number[] {
  const bad = (why: string): never => {
    throw new RangeError(`reshape: cannot reshape a tensor of shape ${shapeToString(x.shape)} (${x.numel()} elements) to ${shapeToString(shape)}: ${why}`);
  };
  const inferred = shape.filter((d) => d === -1).length;
  if (inferred > 1) bad('at most one dimension can be -1');
  if (shape.some((d) => !Number.isInteger(d) || d < -1)) bad('dimensions must be non-negative integers or -1');
  const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
  if (inferred === 1) {
    if (known === 0 || x.numel() % known !== 0) bad(`${x.numel()} is not divisible by ${known}`);
    return shape.map((d) => (d === -1 ? x.numel() / known : d));
  }
  if (known !== x.numel()) bad(`the new shape holds ${known} elements`);
  return [...shape];
}

/** Merges axes startAxis..endAxis into one. */
export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  checkTensor(x, 'flatten');
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeAxis(startAxis, x.ndim, 'flatten');
  const e = normalizeAxis(endAxis, x.ndim, 'flatten');
  if (s > e) throw new RangeError(`flatten: startAxis (${startAxis}) comes after endAxis (${endAxis})`);
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/** Removes the given size-1 axes (all size-1 axes when none are given). */
export function squeeze(x: Tensor, axes?: number | readonly number[]): Tensor {
  checkTensor(x, 'squeeze');
  const ax = axes === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes(axes, x.ndim, 'squeeze');
  for (const a of ax) {
    if (x.shape[a] !== 1) throw new RangeError(`squeeze: axis ${a} of shape ${shapeToString(x.shape)} has size ${x.shape[a]}, not 1`);
  }
  return reshape(x, x.shape.filter((_, i) => !ax.includes(i)));
}

/** Inserts a size-1 axis at `axis` (negative counts from the end of the result). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  checkTensor(x, 'unsqueeze');
  const a = normalizeAxis(axis, x.ndim + 1, 'unsqueeze');
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

/** Reorders axes: result.shape[i] = x.shape[perm[i]]. Copies. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  checkTensor(x, 'permute');
  const p = perm.map((a) => normalizeAxis(a, x.ndim, 'permute'));
  if (p.length !== x.ndim || new Set(p).size !== p.length) {
    throw new RangeError(`permute: ${JSON.stringify(perm)} is not a permutation of the ${x.ndim} axes of a tensor of shape ${shapeToString(x.shape)}`);
  }
  if (p.every((a, i) => a === i)) return x;
  const shape = p.map((a) => x.shape[a]);
  const out = allocate(x.dtype, x.numel());
  kernels().permute(x.data, x.shape, p, out);
  const inverse = new Array<number>(p.length);
  p.forEach((a, i) => (inverse[a] = i));
  return makeResult(out, shape, 'permute', [x], (g) => [permute(g, inverse)]);
}

/** Swaps two axes. */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  checkTensor(x, 'transpose');
  if (x.ndim < 2 && axis0 === -2 && axis1 === -1) return x;
  const a = normalizeAxis(axis0, x.ndim, 'transpose');
  const b = normalizeAxis(axis1, x.ndim, 'transpose');
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/** Repeats x along size-1 (or missing leading) axes to `shape`, NumPy style. Copies. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'broadcastTo');
  if (sameShape(x.shape, shape)) return x;
  const target = broadcastShapes(x.shape, shape, 'broadcastTo');
  if (!sameShape(target, shape)) {
    throw new RangeError(`broadcastTo: a tensor of shape ${shapeToString(x.shape)} cannot be broadcast to ${shapeToString(shape)}`);
  }
  const out = allocate(x.dtype, sizeOf(shape), () => `broadcastTo: shape ${shapeToString(shape)}`);
  const zero = allocate(x.dtype, 1);
  kernels().binary('add', x.data, broadcastStrides(x.shape, shape), zero, shape.map(() => 0), out, shape);
  return makeResult(out, shape, 'broadcastTo', [x], (g) => [sumTo(g, x.shape)]);
}

/** Sums x over the axes that broadcasting added or stretched, down to `shape`: the adjoint of broadcastTo. */
export function sumTo(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'sumTo');
  if (sameShape(x.shape, shape)) return x;
  const lead = x.ndim - shape.length;
  if (lead < 0) throw new RangeError(`sumTo: cannot sum a tensor of shape ${shapeToString(x.shape)} to the larger rank of ${shapeToString(shape)}`);
  const axes: number[] = [];
  for (let i = 0; i < x.ndim; i++) {
    if (i < lead) axes.push(i);
    else if (shape[i - lead] === 1 && x.shape[i] !== 1) axes.push(i);
    else if (shape[i - lead] !== x.shape[i]) {
      throw new RangeError(`sumTo: a tensor of shape ${shapeToString(x.shape)} does not broadcast from ${shapeToString(shape)}`);
    }
  }
  return x.sum(axes, true).reshape(shape);
}
