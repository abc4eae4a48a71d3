/** Elementwise functions of two tensors with NumPy broadcasting, and their derivatives. */
import { kernels } from '../../backend/registry.js';
import type { BinaryOp } from '../../backend/kernels.js';
import { allocate, allocateForWrite, isFloating, promote, promoteWithScalar, requireFloating, type DType, type Storage } from '../dtype.js';
import { broadcastShapes, broadcastStrides, sameShape, shapeToString } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkTensor, describe, makeResult } from './result.js';

type Operand = Tensor | number;
type Rule = (g: Tensor, a: Tensor, b: Tensor, y: Tensor) => [Tensor | null, Tensor | null];

const COMPARISONS: ReadonlySet<BinaryOp> = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/**
 * The dtype `op` computes in, given its operands' common dtype (see promote in ../dtype.ts):
 * comparisons compare in it; true division of integers gives float32 (as in PyTorch); reluGrad
 * needs floats.
 */
function computeDType(op: BinaryOp, common: DType): DType {
  if (COMPARISONS.has(op)) return common;
  if (op === 'reluGrad') requireFloating(common, op);
  if (op === 'div') return isFloating(common) ? common : 'float32';
  if (common !== 'bool') return common;
  // two bools: add and maximum are OR, mul and minimum AND (see asBool), as in PyTorch, which
  // refuses bool subtraction; anything else counts in int32
  if (op === 'sub') throw new TypeError("sub: subtracting two bool tensors is not supported (as in PyTorch); use logicalXor, or convert with .int() first");
  return op === 'add' || op === 'mul' || op === 'maximum' || op === 'minimum' ? 'bool' : 'int32';
}

/** Makes a bool op's sums 0/1 again: 1 + 1 is 2 in the storage, and OR is 1. */
function asBool(out: Storage): void {
  for (let i = 0; i < out.length; i++) if (out[i] > 1) out[i] = 1;
}

/** Runs kernel `op` on a and b (a tensor or a number) and records `rule` for backward. */
function apply(op: BinaryOp, a: Tensor, bIn: Operand, rule?: Rule): Tensor {
  checkTensor(a, op);
  if (typeof bIn === 'number') return applyScalar(op, a, bIn, rule);
  if (!(bIn instanceof Tensor)) throw new TypeError(`${op}: the other operand must be a Tensor or a number, got ${describe(bIn)}`);
  const dtype = computeDType(op, promote(a.dtype, bIn.dtype));
  const x = a.to(dtype);
  const z = bIn.to(dtype);
  const shape = sameShape(x.shape, z.shape) ? [...x.shape] : broadcastShapes(x.shape, z.shape, op);
  const out = allocateForWrite(COMPARISONS.has(op) ? 'bool' : dtype, shape.reduce((p, d) => p * d, 1), () => `${op}: output shape ${shapeToString(shape)}`);
  kernels().binary(op, x.data, broadcastStrides(x.shape, shape), z.data, broadcastStrides(z.shape, shape), out, shape);
  if (dtype === 'bool' && !COMPARISONS.has(op)) asBool(out);
  let y: Tensor;
  const backward = rule && ((g: Tensor) => {
    const [ga, gb] = rule(g, x, z, y);
    return [ga && ga.sumTo(x.shape), gb && gb.sumTo(z.shape)];
  });
  y = makeResult(out, shape, op, [x, z], backward);
  return y;
}

function applyScalar(op: BinaryOp, aIn: Tensor, s: number, rule?: Rule): Tensor {
  const dtype = computeDType(op, promoteWithScalar(aIn.dtype, s));
  // a comparison reads the values as they are; arithmetic computes in the result's dtype
  const a = COMPARISONS.has(op) ? aIn : aIn.to(dtype);
  const out = allocateForWrite(COMPARISONS.has(op) ? 'bool' : dtype, a.numel());
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

// Comparisons give bool tensors (1 or 0), computed in the operands' common dtype; no gradient.
export const eq = (a: Tensor, b: Operand): Tensor => apply('eq', a, b);
export const ne = (a: Tensor, b: Operand): Tensor => apply('ne', a, b);
export const lt = (a: Tensor, b: Operand): Tensor => apply('lt', a, b);
export const le = (a: Tensor, b: Operand): Tensor => apply('le', a, b);
export const gt = (a: Tensor, b: Operand): Tensor => apply('gt', a, b);
export const ge = (a: Tensor, b: Operand): Tensor => apply('ge', a, b);
