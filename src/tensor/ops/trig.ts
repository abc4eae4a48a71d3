/**
 * Trigonometric and hyperbolic functions, elementwise in plain JS: the forward is
 * Math's function, the backward a rule in tensor ops, so higher derivatives follow.
 */
import { allocate, requireFloating } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { checkTensor, makeResult } from './result.js';

type Derivative = (g: Tensor, x: Tensor, y: Tensor) => Tensor;

/** Applies `f` to every element; `derivative` gives the gradient from g, the input x and the output y. */
function map(name: string, x: Tensor, f: (v: number) => number, derivative: Derivative): Tensor {
  requireFloating(checkTensor(x, name).dtype, name);
  const out = allocate(x.dtype, x.numel());
  const d = x.data;
  for (let i = 0; i < d.length; i++) out[i] = f(d[i]);
  let y: Tensor;
  y = makeResult(out, x.shape, name, [x], (g) => [derivative(g, x, y)]);
  return y;
}

/** 1 - x², the quantity under asin's and atanh's derivatives. */
const oneMinusSquare = (x: Tensor): Tensor => x.square().neg().add(1);

/** The tangent (torch.tan); d/dx = 1 + tan². */
export const tan = (x: Tensor): Tensor => map('tan', x, Math.tan, (g, _x, y) => g.mul(y.square().add(1)));
/** The arcsine (torch.asin), NaN outside [-1, 1]; d/dx = 1 / sqrt(1 - x²). */
export const asin = (x: Tensor): Tensor => map('asin', x, Math.asin, (g, x) => g.mul(oneMinusSquare(x).rsqrt()));
/** The arccosine (torch.acos), NaN outside [-1, 1]; d/dx = -1 / sqrt(1 - x²). */
export const acos = (x: Tensor): Tensor => map('acos', x, Math.acos, (g, x) => g.mul(oneMinusSquare(x).rsqrt()).neg());
/** The arctangent (torch.atan); d/dx = 1 / (1 + x²). */
export const atan = (x: Tensor): Tensor => map('atan', x, Math.atan, (g, x) => g.div(x.square().add(1)));
/** The hyperbolic sine (torch.sinh); d/dx = cosh x. */
export const sinh = (x: Tensor): Tensor => map('sinh', x, Math.sinh, (g, x) => g.mul(cosh(x)));
/** The hyperbolic cosine (torch.cosh); d/dx = sinh x. */
export const cosh = (x: Tensor): Tensor => map('cosh', x, Math.cosh, (g, x) => g.mul(sinh(x)));
/** The inverse hyperbolic sine (torch.asinh); d/dx = 1 / sqrt(x² + 1). */
export const asinh = (x: Tensor): Tensor => map('asinh', x, Math.asinh, (g, x) => g.mul(x.square().add(1).rsqrt()));
/** The inverse hyperbolic cosine (torch.acosh), NaN below 1; d/dx = 1 / sqrt(x² - 1). */
export const acosh = (x: Tensor): Tensor => map('acosh', x, Math.acosh, (g, x) => g.mul(x.square().sub(1).rsqrt()));
/** The inverse hyperbolic tangent (torch.atanh), NaN outside [-1, 1]; d/dx = 1 / (1 - x²). */
export const atanh = (x: Tensor): Tensor => map('atanh', x, Math.atanh, (g, x) => g.div(oneMinusSquare(x)));
