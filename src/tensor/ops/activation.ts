/**
 * Activations built from primitive ops, so every derivative of every order comes for free.
 * Each follows PyTorch's definition.
 */
import type { Tensor } from '../tensor.js';
import { where } from './indexing.js';

/** x for x > 0, alpha (e^x - 1) otherwise. */
export function elu(x: Tensor, alpha = 1): Tensor {
  // expm1 of min(x, 0) keeps the unused branch finite, so its zero gradient stays zero (not inf * 0).
  return where(x.gt(0), x, x.clamp(undefined, 0).expm1().mul(alpha));
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** scale * elu(x, alpha) with the self-normalizing constants of Klambauer et al. (2017). */
export function selu(x: Tensor): Tensor {
  return elu(x, SELU_ALPHA).mul(SELU_SCALE);
}

/** x Phi(x) with the exact Gaussian CDF, or the tanh approximation of Hendrycks and Gimpel. */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate === 'tanh') {
    const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(inner.tanh().add(1)).mul(0.5);
  }
  if (approximate !== 'none') throw new RangeError(`gelu: approximate must be 'none' or 'tanh', got '${approximate}'`);
  return x.mul(x.mul(Math.SQRT1_2).erf().add(1)).mul(0.5);
}

/**
 * (1/beta) log(1 + e^(beta x)), computed stably as max(z, 0) + log1p(e^-|z|) with z = beta x.
 * `maximum` splits its gradient in half at z = 0, which gives the true derivative 1/2 there.
 */
export function softplus(x: Tensor, beta = 1): Tensor {
  if (!(beta > 0)) throw new RangeError(`softplus: beta must be positive, got ${beta}`);
  const z = beta === 1 ? x : x.mul(beta);
  const out = z.maximum(0).add(z.abs().neg().exp().log1p());
  return beta === 1 ? out : out.div(beta);
}

/** x sigmoid(x) (also called swish). */
export function silu(x: Tensor): Tensor {
  return x.mul(x.sigmoid());
}

/** log(sigmoid(x)) = -softplus(-x), stable for large |x|. */
export function logSigmoid(x: Tensor): Tensor {
  return softplus(x.neg()).neg();
}
