/** Elementwise functions of one tensor, with their derivatives written as tensor ops. */
import { kernels } from '../../backend/registry.js';
import type { UnaryOp } from '../../backend/kernels.js';
import { allocate, allocateForWrite, isFloating, requireFloating, type DType } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { reluGrad } from './binary.js';
import { checkTensor, makeResult, type BackwardRule } from './result.js';

/** Ops whose values are not integers for integer input: they need a floating tensor (as in PyTorch). */
const FLOATING_ONLY: ReadonlySet<UnaryOp> = new Set<UnaryOp>(['exp', 'expm1', 'log', 'log1p', 'sqrt', 'rsqrt', 'reciprocal', 'sin', 'cos', 'tanh', 'sigmoid', 'erf']);

/**
 * Applies kernel `op`; `derivative` gives the backward rule from input x and output y. Integer
 * input keeps its dtype (bool computes as int32); isnan gives bool.
 */
function map(op: UnaryOp, xIn: Tensor, derivative?: (g: Tensor, x: Tensor, y: Tensor) => Tensor | null): Tensor {
  checkTensor(xIn, op);
  if (FLOATING_ONLY.has(op)) requireFloating(xIn.dtype, op);
  const x = xIn.dtype === 'bool' && op !== 'isnan' ? cast(xIn, 'int32') : xIn;
  const out = allocateForWrite(op === 'isnan' ? 'bool' : x.dtype, x.numel());
  kernels().unary(op, x.data, out);
  let y: Tensor;
  const backward: BackwardRule | undefined = derivative && ((g) => [derivative(g, x, y)]);
  y = makeResult(out, x.shape, op, [x], backward);
  return y;
}

export const neg = (x: Tensor): Tensor => map('neg', x, (g) => g.neg());
export const abs = (x: Tensor): Tensor => map('abs', x, (g, x) => g.mul(x.sign()));
export const sign = (x: Tensor): Tensor => map('sign', x);
export const exp = (x: Tensor): Tensor => map('exp', x, (g, _x, y) => g.mul(y));
export const expm1 = (x: Tensor): Tensor => map('expm1', x, (g, _x, y) => g.mul(y.add(1)));
export const log = (x: Tensor): Tensor => map('log', x, (g, x) => g.div(x));
export const log1p = (x: Tensor): Tensor => map('log1p', x, (g, x) => g.div(x.add(1)));
export const sqrt = (x: Tensor): Tensor => map('sqrt', x, (g, _x, y) => g.div(y.mul(2)));
export const rsqrt = (x: Tensor): Tensor => map('rsqrt', x, (g, _x, y) => g.mul(y.mul(y).mul(y)).mul(-0.5));
export const reciprocal = (x: Tensor): Tensor => map('reciprocal', x, (g, _x, y) => g.mul(y.mul(y)).neg());
export const square = (x: Tensor): Tensor => map('square', x, (g, x) => g.mul(x).mul(2));
export const sin = (x: Tensor): Tensor => map('sin', x, (g, x) => g.mul(x.cos()));
export const cos = (x: Tensor): Tensor => map('cos', x, (g, x) => g.mul(x.sin()).neg());
export const tanh = (x: Tensor): Tensor => map('tanh', x, (g, _x, y) => g.mul(y.square().neg().add(1)));
export const sigmoid = (x: Tensor): Tensor => map('sigmoid', x, (g, _x, y) => g.mul(y.mul(y.neg().add(1))));
export const relu = (x: Tensor): Tensor => map('relu', x, (g, x) => reluGrad(g, x));
export const erf = (x: Tensor): Tensor => map('erf', x, (g, x) => g.mul(x.square().neg().exp().mul(2 / Math.sqrt(Math.PI))));
export const floor = (x: Tensor): Tensor => map('floor', x);
export const ceil = (x: Tensor): Tensor => map('ceil', x);
/** Rounds half to even, as PyTorch does. */
export const round = (x: Tensor): Tensor => map('round', x);
/** 1 where x > 0, else 0 (the Heaviside step); it has no gradient. */
export const step = (x: Tensor): Tensor => map('step', x);
/** A bool tensor: 1 where x is NaN. */
export const isnan = (x: Tensor): Tensor => map('isnan', x);

/** max(x, negativeSlope * x) for slopes in [0, 1]: x where x > 0, negativeSlope * x elsewhere. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkTensor(x, 'leakyRelu');
  requireFloating(x.dtype, 'leakyRelu');
  const out = allocate(x.dtype, x.numel());
  const d = x.data;
  for (let i = 0; i < d.length; i++) out[i] = d[i] > 0 ? d[i] : negativeSlope * d[i];
  return makeResult(out, x.shape, 'leakyRelu', [x], (g) => {
    const slope = allocate(x.dtype, x.numel());
    for (let i = 0; i < d.length; i++) slope[i] = d[i] > 0 ? 1 : negativeSlope;
    return [g.mul(new Tensor(slope, x.shape))];
  });
}

/**
 * Limits x to [min, max]. The gradient passes where min <= x <= max (bounds included, as in
 * PyTorch) and is zero outside.
 */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  checkTensor(x, 'clamp');
  if (min === undefined && max === undefined) throw new TypeError('clamp: give at least one of min and max');
  if (min !== undefined && max !== undefined && min > max) throw new RangeError(`clamp: min (${min}) is greater than max (${max})`);
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  const out = allocate(x.dtype, x.numel());
  const d = x.data;
  for (let i = 0; i < d.length; i++) out[i] = d[i] < lo ? lo : d[i] > hi ? hi : d[i];
  return makeResult(out, x.shape, 'clamp', [x], (g) => {
    const pass = allocate(x.dtype, x.numel());
    for (let i = 0; i < d.length; i++) pass[i] = d[i] >= lo && d[i] <= hi ? 1 : 0;
    return [g.mul(new Tensor(pass, x.shape))];
  });
}

/**
 * x converted to `dtype`; between floating dtypes the gradient is converted back. To an integer
 * dtype values truncate toward zero and wrap (the typed array's conversion, as PyTorch's cast);
 * to bool, non-zero (NaN included) is 1. Casts to or from a non-floating dtype carry no gradient.
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  const out = allocate(dtype, x.numel());
  if (dtype === 'bool') {
    const d = x.data;
    for (let i = 0; i < d.length; i++) out[i] = d[i] !== 0 ? 1 : 0;
  } else {
    out.set(x.data); // to int32/uint8 the typed array truncates toward zero and wraps (NaN, ±inf become 0)
  }
  const differentiable = isFloating(dtype) && isFloating(x.dtype);
  return makeResult(out, x.shape, 'cast', [x], differentiable ? (g) => [g.to(x.dtype)] : undefined);
}

export function clone(x: Tensor): Tensor {
  const out = allocate(x.dtype, x.numel());
  out.set(x.data);
  return makeResult(out, x.shape, 'clone', [x], (g) => [g]);
}
