/**
 * Boolean tensors: the logical ops (torch.logical_and/or/xor/not), isfinite, and maskedSelect.
 * The logical ops read any dtype (non-zero is true) and give bool; they have no gradient.
 */
import { allocate, isFloating } from '../dtype.js';
import { broadcastShapes, shapeToString } from '../shape.js';
import { Tensor } from '../tensor.js';
import { gatherFlat } from './indexing.js';
import { checkTensor } from './result.js';

/** Applies a truth table to a and b (broadcast); bool out. */
function logical(op: string, a: Tensor, b: Tensor, table: (p: boolean, q: boolean) => boolean): Tensor {
  checkTensor(a, op);
  checkTensor(b, op, 'other');
  const shape = broadcastShapes(a.shape, b.shape, op);
  const x = a.detach().broadcastTo(shape).data;
  const y = b.detach().broadcastTo(shape).data;
  const out = allocate('bool', x.length);
  for (let i = 0; i < x.length; i++) out[i] = table(x[i] !== 0, y[i] !== 0) ? 1 : 0;
  return new Tensor(out, shape);
}

/** Elementwise a AND b, as bool (non-zero, NaN included, is true). */
export const logicalAnd = (a: Tensor, b: Tensor): Tensor => logical('logicalAnd', a, b, (p, q) => p && q);
/** Elementwise a OR b, as bool. */
export const logicalOr = (a: Tensor, b: Tensor): Tensor => logical('logicalOr', a, b, (p, q) => p || q);
/** Elementwise a XOR b, as bool. */
export const logicalXor = (a: Tensor, b: Tensor): Tensor => logical('logicalXor', a, b, (p, q) => p !== q);

/** Elementwise NOT x, as bool: 1 where x is 0. */
export function logicalNot(x: Tensor): Tensor {
  checkTensor(x, 'logicalNot');
  const out = allocate('bool', x.numel());
  for (let i = 0; i < x.numel(); i++) out[i] = x.data[i] === 0 ? 1 : 0;
  return new Tensor(out, x.shape);
}

/** A bool tensor: 1 where x is neither NaN nor ±inf (always 1 for integer dtypes). */
export function isfinite(x: Tensor): Tensor {
  checkTensor(x, 'isfinite');
  const out = allocate('bool', x.numel());
  if (isFloating(x.dtype)) for (let i = 0; i < x.numel(); i++) out[i] = Number.isFinite(x.data[i]) ? 1 : 0;
  else out.fill(1);
  return new Tensor(out, x.shape);
}

/**
 * torch.masked_select: the elements of x where `mask` (broadcast with x) is true, as a 1-D
 * tensor in row-major order. The mask should be bool; a float 0/1 mask still works (non-zero is
 * true). Differentiable in x: the gradient goes back to the selected elements.
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  checkTensor(x, 'maskedSelect');
  checkTensor(mask, 'maskedSelect', 'mask');
  const shape = broadcastShapes(x.shape, mask.shape, 'maskedSelect');
  if (mask.dtype !== 'bool' && mask.dtype !== 'uint8' && !isFloating(mask.dtype)) {
    throw new TypeError(`maskedSelect: mask must be a bool tensor, got ${mask.dtype} of shape ${shapeToString(mask.shape)}`);
  }
  const xs = x.broadcastTo(shape);
  const m = mask.detach().broadcastTo(shape).data;
  let count = 0;
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) count++;
  const index = new Int32Array(count);
  for (let i = 0, k = 0; i < m.length; i++) if (m[i] !== 0) index[k++] = i;
  return gatherFlat(xs, index, [count]);
}
