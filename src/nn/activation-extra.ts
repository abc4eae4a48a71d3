/**
 * The activations torch.nn.functional has beyond the classic ones (relu, elu, gelu... are Tensor
 * methods): piecewise-linear ones (hardtanh, relu6, hardswish, hardsigmoid), smooth ones (mish,
 * softsign, tanhshrink, celu), the learnable prelu, the gated glu, softmin and gumbelSoftmax.
 * Each is written with differentiable tensor ops, so second derivatives come for free.
 */
import { defaultGenerator, noGrad, rand, Tensor, where, zerosLike, type Generator } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';

function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function checkTensor(op: string, x: unknown, what = 'input'): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${what} must be a Tensor, got ${typeof x}`);
}

/** An axis in [-ndim, ndim), returned non-negative. */
function resolveDim(op: string, dim: number, ndim: number): number {
  if (!Number.isInteger(dim) || dim < -ndim || dim >= Math.max(ndim, 1)) {
    throw new RangeError(`${op}: dim ${dim} is out of range for a tensor with ${ndim} dimensions (expected an integer in [${-ndim}, ${ndim - 1}])`);
  }
  return dim < 0 ? dim + ndim : dim;
}

/**
 * min(max(x, minVal), maxVal), PyTorch's hardtanh (defaults -1 and 1). As in PyTorch the
 * gradient is 0 at the corners themselves (clamp would pass it there).
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  checkTensor('hardtanh', x);
  if (!(minVal <= maxVal)) throw new RangeError(`hardtanh: minVal (${minVal}) must not exceed maxVal (${maxVal})`);
  return where(x.gt(minVal).mul(x.lt(maxVal)), x, x.detach().clamp(minVal, maxVal));
}

/** min(max(x, 0), 6), PyTorch's relu6. */
export const relu6 = (x: Tensor): Tensor => hardtanh(x, 0, 6);

/** relu6(x + 3) / 6, the piecewise-linear sigmoid of MobileNetV3 (PyTorch's hardsigmoid; gradient 0 at +-3). */
export function hardsigmoid(x: Tensor): Tensor {
  checkTensor('hardsigmoid', x);
  return hardtanh(x.add(3), 0, 6).div(6);
}

/**
 * x relu6(x + 3) / 6, the piecewise swish of MobileNetV3 (PyTorch's hardswish). Written by
 * pieces so the corners get PyTorch's one-sided gradients (-0.5 at -3, 1.5 at 3).
 */
export function hardswish(x: Tensor): Tensor {
  checkTensor('hardswish', x);
  return where(x.lt(-3), 0, where(x.le(3), x.mul(x.add(3)).div(6), x));
}

/** x tanh(softplus(x)) (Misra 2019, PyTorch's mish). */
export function mish(x: Tensor): Tensor {
  checkTensor('mish', x);
  return x.mul(x.softplus().tanh());
}

/** x / (1 + |x|), PyTorch's softsign. */
export function softsign(x: Tensor): Tensor {
  checkTensor('softsign', x);
  return x.div(x.abs().add(1));
}

/** x - tanh(x), PyTorch's tanhshrink. */
export function tanhshrink(x: Tensor): Tensor {
  checkTensor('tanhshrink', x);
  return x.sub(x.tanh());
}

/**
 * max(0, x) + weight min(0, x) with a learnable slope, PyTorch's prelu: weight has one element
 * (shared) or one per channel (axis 1 of x, or axis 0 of a 1-D x).
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  checkTensor('prelu', x);
  checkTensor('prelu', weight, 'weight');
  const channels = x.ndim === 0 ? 1 : x.ndim === 1 ? x.shape[0] : x.shape[1];
  if (weight.ndim > 1 || (weight.numel() !== 1 && weight.numel() !== channels)) {
    throw new RangeError(`prelu: weight must have 1 element or one per channel (${channels} for input of shape ${shapeStr(x.shape)}), got shape ${shapeStr(weight.shape)}`);
  }
  const slope = weight.numel() === 1 ? weight.reshape([]) : weight.reshape(x.shape.map((d, i) => (i === (x.ndim === 1 ? 0 : 1) ? d : 1)));
  return where(x.gt(0), x, x.mul(slope));
}

/** max(0, x) + min(0, alpha (exp(x / alpha) - 1)), PyTorch's celu (default alpha 1). */
export function celu(x: Tensor, alpha = 1): Tensor {
  checkTensor('celu', x);
  if (typeof alpha !== 'number' || alpha === 0 || !Number.isFinite(alpha)) throw new RangeError(`celu: alpha must be a finite non-zero number, got ${alpha}`);
  // The exp branch is evaluated at min(x, 0) so a large positive x cannot overflow it.
  return where(x.gt(0), x, x.clamp(undefined, 0).div(alpha).expm1().mul(alpha));
}

/** The gated linear unit a sigmoid(b), with a and b the two halves of x along `dim` (PyTorch's glu, default dim -1). */
export function glu(x: Tensor, dim = -1): Tensor {
  checkTensor('glu', x);
  if (x.ndim === 0) throw new RangeError('glu: input must have at least one dimension, got a scalar');
  const d = resolveDim('glu', dim, x.ndim);
  if (x.shape[d] % 2 !== 0) throw new RangeError(`glu: dimension ${dim} of input of shape ${shapeStr(x.shape)} has odd size ${x.shape[d]}; it must split in halves`);
  const [a, b] = x.chunk(2, d);
  return a.mul(b.sigmoid());
}

/** softmax(-x) along `dim` (PyTorch's softmin; default dim -1). */
export function softmin(x: Tensor, dim = -1): Tensor {
  checkTensor('softmin', x);
  return x.neg().softmax(dim);
}

export interface GumbelSoftmaxOptions {
  /** Temperature, > 0 (default 1): lower is closer to one-hot. */
  tau?: number;
  /** Return one-hot samples whose gradient is the soft sample's (straight-through). Default false. */
  hard?: boolean;
  /** The class axis (default -1). */
  dim?: number;
  generator?: Generator;
}

/**
 * A sample of the Gumbel-softmax (concrete) distribution over `dim`: softmax((logits + g) / tau)
 * with g standard Gumbel noise (Jang et al. 2017, PyTorch's gumbel_softmax). With `hard` the
 * result is the one-hot of its argmax, y_hard - y.detach() + y, so gradients flow through y.
 */
export function gumbelSoftmax(logits: Tensor, options: GumbelSoftmaxOptions = {}): Tensor {
  checkOptions('gumbelSoftmax', options, ['tau', 'hard', 'dim', 'generator']);
  checkTensor('gumbelSoftmax', logits, 'logits');
  const tau = options.tau ?? 1;
  if (!(tau > 0) || !Number.isFinite(tau)) throw new RangeError(`gumbelSoftmax: tau must be a positive finite number, got ${tau}`);
  const dim = resolveDim('gumbelSoftmax', options.dim ?? -1, logits.ndim);
  const u = rand(logits.shape, { generator: options.generator ?? defaultGenerator(), dtype: logits.dtype });
  // g = -log(-log u); u is clamped away from 0 and 1 so g stays finite.
  const tiny = logits.dtype === 'float64' ? 1e-300 : 1e-30;
  const gumbels = noGrad(() => u.clamp(tiny, 1 - 1e-7).log().neg().log().neg());
  const y = logits.add(gumbels).div(tau).softmax(dim);
  if (!options.hard) return y;
  const hardY = noGrad(() => zerosLike(y).scatter(dim, y.argmax(dim, true), 1));
  return hardY.sub(y.detach()).add(y);
}
