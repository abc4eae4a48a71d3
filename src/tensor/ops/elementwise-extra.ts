/**
 * Elementwise functions of two or three tensors: atan2, lerp, fmod, remainder and
 * logAddExp, with NumPy broadcasting. A number operand takes the tensor's dtype.
 */
import { allocate, isFloating, promoteWithScalar, requireFloating } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { asTensor, checkTensor, makeResult, promoted } from './result.js';

type Operand = Tensor | number;
type Rule = (g: Tensor, a: Tensor, b: Tensor, y: Tensor) => [Tensor, Tensor];

/** a and b promoted to one dtype and broadcast (differentiably) to one shape. */
function aligned(a: Tensor, bIn: Operand, op: string): [Tensor, Tensor] {
  checkTensor(a, op);
  const [x, z] = promoted(a, asTensor(bIn, typeof bIn === 'number' ? promoteWithScalar(a.dtype, bIn) : a.dtype, op));
  const shape = broadcastShapes(x.shape, z.shape, op);
  return [x.broadcastTo(shape), z.broadcastTo(shape)];
}

/** Applies `f` pairwise; `rule` gives both gradients (broadcastTo sums them back to each input's shape). */
function map2(op: string, aIn: Tensor, bIn: Operand, f: (a: number, b: number) => number, rule: Rule): Tensor {
  const [a, b] = aligned(aIn, bIn, op);
  const out = allocate(a.dtype, a.numel());
  for (let i = 0; i < out.length; i++) out[i] = f(a.data[i], b.data[i]);
  let y: Tensor;
  y = makeResult(out, a.shape, op, [a, b], (g) => rule(g, a, b, y));
  return y;
}

/** A constant (not differentiated) tensor of `f` over the elements of a and b, which share a shape. */
function constant(a: Tensor, b: Tensor, f: (a: number, b: number) => number): Tensor {
  const out = allocate(a.dtype, a.numel());
  for (let i = 0; i < out.length; i++) out[i] = f(a.data[i], b.data[i]);
  return new Tensor(out, a.shape);
}

/**
 * The angle of the point (x, y) in (-π, π] (torch.atan2(input=y, other=x)); d/dy = x / (x² + y²),
 * d/dx = -y / (x² + y²).
 */
export function atan2(y: Tensor, x: Operand): Tensor {
  requireFloating(checkTensor(y, 'atan2').dtype, 'atan2');
  if (x instanceof Tensor) requireFloating(x.dtype, 'atan2', 'other');
  return map2('atan2', y, x, Math.atan2, (g, y, x) => {
    const r2 = x.square().add(y.square());
    return [g.mul(x).div(r2), g.mul(y).div(r2).neg()];
  });
}

/**
 * start + weight · (end - start) (torch.lerp), with PyTorch's two-sided formula: for |weight| >= 0.5
 * it is end - (end - start) · (1 - weight), exact at weight = 1.
 */
export function lerp(start: Tensor, end: Operand, weight: Operand): Tensor {
  requireFloating(checkTensor(start, 'lerp').dtype, 'lerp');
  const [s, e] = aligned(start, end, 'lerp');
  const shape = broadcastShapes(s.shape, (weight instanceof Tensor ? weight : s).shape, 'lerp');
  const [s2, w] = aligned(s.broadcastTo(shape), weight, 'lerp');
  const e2 = e.broadcastTo(shape).to(s2.dtype);
  const out = allocate(s2.dtype, s2.numel());
  for (let i = 0; i < out.length; i++) {
    const a = s2.data[i];
    const b = e2.data[i];
    const t = w.data[i];
    out[i] = Math.abs(t) < 0.5 ? a + t * (b - a) : b - (b - a) * (1 - t);
  }
  return makeResult(out, shape, 'lerp', [s2, e2, w], (g) => [g.mul(w.neg().add(1)), g.mul(w), g.mul(e2.sub(s2))]);
}

/**
 * The C-style remainder a - trunc(a / b) · b, with the sign of the dividend a (torch.fmod).
 * d/da = 1, d/db = -trunc(a / b).
 */
export function fmod(a: Tensor, b: Operand): Tensor {
  return map2('fmod', a, b, (x, z) => x % z, (g, a, b) => [g, g.mul(constant(a, b, (x, z) => Math.trunc(x / z))).neg()]);
}

/** Python's modulus: the remainder with the sign of the divisor (0 stays 0). */
function pythonMod(x: number, z: number): number {
  const r = x % z;
  return r !== 0 && r < 0 !== z < 0 ? r + z : r;
}

/**
 * The remainder a - floor(a / b) · b, with the sign of the divisor b, like Python's % (torch.remainder).
 * d/da = 1, d/db = -floor(a / b).
 */
export function remainder(a: Tensor, b: Operand): Tensor {
  return map2('remainder', a, b, pythonMod, (g, a, b) => [g, g.mul(constant(a, b, (x, z) => Math.floor(x / z))).neg()]);
}

/**
 * log(exp(a) + exp(b)) without overflow (torch.logaddexp): max(a, b) + log1p(exp(-|a - b|)); two
 * equal infinities give that infinity. d/da = sigmoid(a - b), d/db = sigmoid(b - a).
 */
export function logAddExp(a: Tensor, b: Operand): Tensor {
  requireFloating(checkTensor(a, 'logAddExp').dtype, 'logAddExp');
  const f = (x: number, z: number): number => {
    if (x === z && !Number.isFinite(x)) return x;
    return Math.max(x, z) + Math.log1p(Math.exp(-Math.abs(x - z)));
  };
  return map2('logAddExp', a, b, f, (g, a, b) => [g.mul(a.sub(b).sigmoid()), g.mul(b.sub(a).sigmoid())]);
}

/** Floor of x / z for integers, exactly (a double quotient can round across an integer near 2^31). */
function floorDivInt(x: number, z: number): number {
  let q = Math.floor(x / z);
  const r = x - q * z; // |q z| is near |x|, so this is exact
  if (z > 0 ? r < 0 : r > 0) q -= 1;
  else if (z > 0 ? r >= z : r <= z) q += 1;
  return q;
}

/** Floor of x / z for floats, computed as PyTorch's div_floor does (from fmod, so it agrees with remainder). */
function floorDivFloat(x: number, z: number): number {
  if (z === 0) return x / z;
  const mod = x % z;
  let div = (x - mod) / z;
  if (mod !== 0 && z < 0 !== mod < 0) div -= 1;
  if (div === 0) return Math.sign(x / z) * 0;
  const floored = Math.floor(div);
  return div - floored > 0.5 ? floored + 1 : floored;
}

/**
 * torch.floor_divide (Python's //): the floor of a / b, in the operands' common dtype, so int32 //
 * int32 stays int32 (division by zero is an error there, as in PyTorch). Not differentiable: the
 * result is piecewise constant.
 */
export function floorDivide(a: Tensor, b: Operand): Tensor {
  const [x, z] = aligned(a, b, 'floorDivide');
  const out = allocate(x.dtype === 'bool' ? 'int32' : x.dtype, x.numel());
  if (isFloating(x.dtype)) {
    for (let i = 0; i < out.length; i++) out[i] = floorDivFloat(x.data[i], z.data[i]);
  } else {
    for (let i = 0; i < out.length; i++) {
      if (z.data[i] === 0) throw new RangeError(`floorDivide: integer division by zero (divisor 0 at flat index ${i} of the broadcast operands)`);
      out[i] = floorDivInt(x.data[i], z.data[i]);
    }
  }
  return new Tensor(out, x.shape);
}
