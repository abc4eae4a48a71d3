/**
 * Triangles and diagonals of matrices: tril, triu, diag, trace. Built on gatherByCoords (a
 * gather whose unread positions are 0), so zeroing never multiplies an infinity by 0 and the
 * gradients of every order come from gatherFlat / scatterAddFlat.
 */
import { shapeToString, stridesOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { gatherByCoords } from './arrange.js';
import { checkTensor } from './result.js';

function checkOffset(k: number, op: string): number {
  if (!Number.isInteger(k)) throw new RangeError(`${op}: diagonal offset must be an integer, got ${k}`);
  return k;
}

/** Keeps the elements where keep(row, col) holds over the last two axes, zeroing the rest. */
function triangle(x: Tensor, op: string, keep: (row: number, col: number) => boolean): Tensor {
  checkTensor(x, op);
  if (x.ndim < 2) throw new RangeError(`${op}: expected a tensor with at least 2 axes (a matrix or a batch of them), got shape ${shapeToString(x.shape)}`);
  const strides = stridesOf(x.shape);
  const r = x.ndim - 2;
  return gatherByCoords(x, x.shape, (c) => {
    if (!keep(c[r], c[r + 1])) return -1;
    let p = 0;
    for (let d = 0; d < c.length; d++) p += c[d] * strides[d];
    return p;
  });
}

/** torch.tril: the lower triangle (col - row <= diagonal) of the last two axes; the rest is 0. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  const k = checkOffset(diagonal, 'tril');
  return triangle(x, 'tril', (row, col) => col - row <= k);
}

/** torch.triu: the upper triangle (col - row >= diagonal) of the last two axes; the rest is 0. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  const k = checkOffset(diagonal, 'triu');
  return triangle(x, 'triu', (row, col) => col - row >= k);
}

/**
 * torch.diag: for a vector, the square matrix with it on diagonal `diagonal` (above the main
 * one when positive, below when negative); for a matrix, its diagonal `diagonal` as a vector.
 */
export function diag(x: Tensor, diagonal = 0): Tensor {
  checkTensor(x, 'diag');
  const k = checkOffset(diagonal, 'diag');
  if (x.ndim === 1) {
    const n = x.shape[0] + Math.abs(k);
    return gatherByCoords(x, [n, n], ([row, col]) => (col - row === k ? (k >= 0 ? row : col) : -1));
  }
  if (x.ndim === 2) {
    const [rows, cols] = x.shape;
    const length = Math.max(0, k >= 0 ? Math.min(rows, cols - k) : Math.min(rows + k, cols));
    const [r0, c0] = k >= 0 ? [0, k] : [-k, 0];
    return gatherByCoords(x, [length], ([i]) => (r0 + i) * cols + c0 + i);
  }
  throw new RangeError(`diag: expected a vector or a matrix, got shape ${shapeToString(x.shape)}`);
}

/** torch.trace: the sum of a matrix's main diagonal. */
export function trace(x: Tensor): Tensor {
  checkTensor(x, 'trace');
  if (x.ndim !== 2) throw new RangeError(`trace: expected a matrix, got shape ${shapeToString(x.shape)}`);
  return diag(x).sum();
}
