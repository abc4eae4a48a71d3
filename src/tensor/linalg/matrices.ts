/**
 * What every linalg op shares: checking that an input is a (batch of) matrices, walking the
 * batch in float64, and the small differentiable helpers the backward rules are written with
 * (transpose of the last two axes, triangle masks, diagonals).
 */
import { allocate, type DType, type Storage } from '../dtype.js';
import { broadcastShapes, sameShape, shapeToString, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from '../ops/result.js';

/** The shape facts of a batch of m x n matrices. */
export interface MatrixBatch {
  batch: number[];
  /** How many matrices (the product of the batch axes). */
  count: number;
  rows: number;
  cols: number;
}

/** Checks that `x` is a Tensor with at least two axes and returns its batch and matrix sizes. */
export function matrixBatch(x: unknown, op: string, what = 'A'): MatrixBatch {
  const t = checkTensor(x, op, what);
  if (t.ndim < 2) throw new RangeError(`${op}: ${what} must be a matrix or a batch of matrices (at least 2 dimensions), got shape ${shapeToString(t.shape)}`);
  const batch = t.shape.slice(0, -2);
  return { batch, count: sizeOf(batch), rows: t.shape[t.ndim - 2], cols: t.shape[t.ndim - 1] };
}

/** As {@link matrixBatch}, and the matrices must be square. */
export function squareBatch(x: unknown, op: string, what = 'A'): MatrixBatch {
  const b = matrixBatch(x, op, what);
  if (b.rows !== b.cols) {
    throw new RangeError(`${op}: ${what} must be a batch of square matrices, got shape ${shapeToString((x as Tensor).shape)} (${b.rows} x ${b.cols})`);
  }
  return b;
}

/** Matrix `k` of a batch, copied into a fresh Float64Array (row-major). */
export function matrixAt(data: Storage, k: number, rows: number, cols: number): Float64Array {
  const size = rows * cols;
  return Float64Array.from(data.subarray(k * size, (k + 1) * size));
}

/** A result buffer of `dtype` for `count` matrices of rows x cols. */
export function resultStorage(dtype: DType, count: number, rows: number, cols: number): Storage {
  return allocate(dtype, count * rows * cols);
}

/** The transpose of the last two axes (PyTorch's `mT`). */
export const mT = (x: Tensor): Tensor => x.transpose(-2, -1);

/** A constant n x m float mask: 1 where `keep(i, j)`. */
export function mask(n: number, m: number, dtype: DType, keep: (i: number, j: number) => boolean): Tensor {
  const data = allocate(dtype, n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) if (keep(i, j)) data[i * m + j] = 1;
  return new Tensor(data, [n, m]);
}

/** The lower triangle of the last two axes from diagonal `k` down (PyTorch's `tril`), differentiable. */
export function tril(x: Tensor, k = 0): Tensor {
  const [n, m] = x.shape.slice(-2);
  return x.mul(mask(n, m, x.dtype, (i, j) => j - i <= k));
}

/** The upper triangle of the last two axes from diagonal `k` up (PyTorch's `triu`), differentiable. */
export function triu(x: Tensor, k = 0): Tensor {
  const [n, m] = x.shape.slice(-2);
  return x.mul(mask(n, m, x.dtype, (i, j) => j - i >= k));
}

/** The n x n identity of `dtype`. */
export const identity = (n: number, dtype: DType): Tensor => mask(n, n, dtype, (i, j) => i === j);

/** The diagonal of the last two (square) axes, shape [..., n], differentiable. */
export function diagonal(x: Tensor): Tensor {
  const n = x.shape[x.ndim - 1];
  return x.mul(identity(n, x.dtype)).sum(-1);
}

/** Vectors [..., n] laid on the diagonal of [..., n, n] (PyTorch's `diag_embed`), differentiable. */
export function diagEmbed(v: Tensor): Tensor {
  const n = v.shape[v.ndim - 1];
  return v.unsqueeze(-2).mul(identity(n, v.dtype));
}

/**
 * Broadcasts the batch axes of two matrix operands against each other (their last two axes
 * stay), naming the op and both shapes when they do not broadcast.
 */
export function broadcastBatches(a: Tensor, b: Tensor, op: string): [Tensor, Tensor] {
  const ab = a.shape.slice(0, -2);
  const bb = b.shape.slice(0, -2);
  let batch: number[];
  try {
    batch = broadcastShapes(ab, bb, op);
  } catch {
    throw new RangeError(
      `${op}: the batch dimensions ${shapeToString(ab)} of ${shapeToString(a.shape)} and ${shapeToString(bb)} of ${shapeToString(b.shape)} ` +
        'cannot be broadcast together (aligned from the right, each pair must be equal or one of them 1)',
    );
  }
  const ea = sameShape(ab, batch) ? a : a.broadcastTo([...batch, ...a.shape.slice(-2)]);
  const eb = sameShape(bb, batch) ? b : b.broadcastTo([...batch, ...b.shape.slice(-2)]);
  return [ea, eb];
}

/** " (batch element k)" for a batch, "" for a single matrix: where an error happened. */
export const inBatch = (count: number, k: number): string => (count > 1 ? ` (batch element ${k})` : '');
