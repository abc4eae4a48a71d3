/** Shape arithmetic: sizes, strides, axis normalization and NumPy broadcasting. */
import { stridesOf } from '../backend/strides.js';

export type Shape = readonly number[];

/** The number of elements a tensor of this shape holds (the product of its dims; 1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides (defined beside the kernels that need them). */
export { stridesOf } from '../backend/strides.js';

export function shapeToString(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Maps a possibly negative axis into [0, rank); throws naming the op otherwise. */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  if (rank === 0) throw new RangeError(`${op}: axis ${axis} is out of range for a 0-d tensor, which has no axes`);
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new RangeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}; expected an integer in [${-rank}, ${rank - 1}]`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Normalizes an axis list (or all axes when undefined), sorted and without repeats. A 0-d
 * tensor accepts axis 0 or -1 (as in PyTorch), which names no axis: the list is empty.
 */
export function normalizeAxes(axes: number | readonly number[] | undefined, rank: number, op: string): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  if (rank === 0) {
    const bad = list.find((a) => a !== 0 && a !== -1);
    if (bad !== undefined || list.length > 1) {
      throw new RangeError(`${op}: axes ${JSON.stringify(list)} are out of range for a 0-d tensor; only 0 or -1 is accepted`);
    }
    return [];
  }
  const out = [...new Set(list.map((a) => normalizeAxis(a, rank, op)))].sort((a, b) => a - b);
  if (out.length !== list.length) throw new RangeError(`${op}: repeated axis in ${JSON.stringify(list)}`);
  return out;
}

/** The broadcast shape of two shapes under NumPy's rules, or a clear error naming both. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${op}: shapes ${shapeToString(a)} and ${shapeToString(b)} cannot be broadcast together ` +
          `(dimension ${i - rank} is ${da} vs ${db}; each pair must be equal or one of them 1)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides of `shape` seen as broadcast to `target` (0 where a dimension is repeated). */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const strides = stridesOf(shape);
  const offset = target.length - shape.length;
  return target.map((d, i) => {
    const j = i - offset;
    if (j < 0 || shape[j] === 1) return 0;
    return strides[j];
  });
}

export function checkShape(shape: unknown, op: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new TypeError(`${op}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return [...shape];
}
