/** Elementwise functions of two tensors with NumPy broadcasting, and their derivatives. */
import { kernels } from '../../backend/registry.js';
import type { BinaryOp } from '../../backend/kernels.js';
import { allocate } from '../dtype.js';
import { broadcastShapes, broadcastStrides, sameShape, shapeToString } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkTensor, describe, makeResult, promoted } from './result.js';

type Operand = Tensor | number;
type Rule = (g: Tensor, a: Tensor, b: Tensor, y: Tensor) => [Tensor | null, Tensor | null];

/** Runs kernel `op` on a and b (a tensor or a number) and records `rule` for backward. */
function apply(op: BinaryOp, a: Tensor, bIn: Operand, rule?: Rule): Tensor {
  checkTensor(a, op);
  if (typeof bIn === 'number') return applyScalar(op, a, bIn, rule);
  if (!(bIn instanceof Tensor)) throw new TypeError(`${op}: the other operand must be a Tensor or a number, got ${describe(bIn)}`);
  const [x, z] = promoted(a, bIn);
  const shape = sameShape(x.shape, z.shape) ? [...x.shape] : broadcastShapes(x.shape, z.shape, op);
  const out = allocate(x.dtype, shape.reduce((p, d) => p * d, 1), () => `${op}: output shape ${shapeToString(shape)}`);
  kernels().binary(op, x.data, broadcastStrides(x.shape, shape), z.data, broadcastStrides(z.shape, shape), out, shape);
  let y: Tensor;
  const backward = rule && ((g: Tensor) => {
    const [ga, gb] = rule(g, x, z, y);
    return [ga && ga.sumTo(x.shape), gb && gb.sumTo(z.shape)];
  });
  y = makeResult(out, shape, op, [x, z], backward);
  return y;
}

function applyScalar(op: BinaryOp, a: Tensor, s: number, rule?: Rule): Tensor {
  const out = allocate(a.dtype, a.numel());
  kernels().binaryScalar(op, a.data, s, out);
  let y: Tensor;
  const backward = rule && ((g: Tensor) => {
    const scalar = Tensor.fill([], s, a.dtype);
    return [rule(g, a, scalar, y)[0]];
  });
  y = makeResult(out, a.shape, op, [a], backward);
  return y;
}

export const add = (a: Tensor, b: Operand): Tensor => apply('add', a, b, (g) => [g, g]);
export const sub = (a: Tensor, b: Operand): Tensor => apply('sub', a, b, (g) => [g, g.neg()]);
export const mul = (a: Tensor, b: Operand): Tensor =>
  apply('mul', a, b, (g, a, b) => [a.requiresGrad ? g.mul(b) : null, b.requiresGrad ? g.mul(a) : null]);
export const div = (a: Tensor, b: Operand): Tensor =>
  apply('div', a, b, (g, a, b, y) => [a.requiresGrad ? g.div(b) : null, b.requiresGrad ? g.mul(y).div(b).neg() : null]);

/**
 * a ** b. d/da = b a^(b-1); d/db = a^b log(a), computed only when b requires a gradient (it is
 * NaN for negative a). At a = 0 with b >= 0, d/db is 0 (the limit, as in PyTorch), not 0 * -inf:
 * log is taken of 1 there instead of 0, which also keeps higher derivatives finite.
 */
export function pow(a: Tensor, b: Operand): Tensor {
  if (typeof b === 'number') {
    if (b === 2) return a.square();
    if (b === 1) return a.mul(1);
    return apply('pow', a, b, (g, a) => [b === 0 ? g.mul(0) : g.mul(a.pow(b - 1)).mul(b), null]);
  }
  return apply('pow', a, b, (g, a, b, y) => [
    a.requiresGrad ? g.mul(b).mul(a.pow(b.sub(1))) : null,
    b.requiresGrad ? g.mul(y).mul(a.where(a.ne(0).add(b.lt(0)).gt(0), 1).log()) : null,
  ]);
}

/** Gradient routing of maximum/minimum: to the winner, split in half on ties (as PyTorch). */
const select = (g: Tensor, wins: Tensor, ties: Tensor): Tensor => g.mul(wins.add(ties.mul(0.5)));

export const maximum = (a: Tensor, b: Operand): Tensor =>
  apply('maximum', a, b, (g, a, b) => [select(g, a.gt(b), a.eq(b)), select(g, b.gt(a), a.eq(b))]);
export const minimum = (a: Tensor, b: Operand): Tensor =>
  apply('minimum', a, b, (g, a, b) => [select(g, a.lt(b), a.eq(b)), select(g, b.lt(a), a.eq(b))]);

/**
 * g where x > 0, else 0: ReLU's backward as one kernel pass. Linear in g, so its own gradient
 * with respect to g is reluGrad(gg, x); x gets none (the step has zero derivative), which keeps
 * ReLU's higher derivatives what g * step(x) gives.
 */
export const reluGrad = (g: Tensor, x: Tensor): Tensor =>
  apply('reluGrad', g, x, (gg) => [g.requiresGrad ? reluGrad(gg, x) : null, null]);

// Comparisons give 1 or 0 in the inputs' dtype and have no gradient.
export const eq = (a: Tensor, b: Operand): Tensor => apply('eq', a, b);
export const ne = (a: Tensor, b: Operand): Tensor => apply('ne', a, b);
export const lt = (a: Tensor, b: Operand): Tensor => apply('lt', a, b);
export const le = (a: Tensor, b: Operand): Tensor => apply('le', a, b);
export const gt = (a: Tensor, b: Operand): Tensor => apply('gt', a, b);
export const ge = (a: Tensor, b: Operand): Tensor => apply('ge', a, b);
