/**
 * Stateless functions behind the layers: activations, dropout, and the engine's linear,
 * convolution and pooling ops re-exported, so `nn.functional` reads like `torch.nn.functional`.
 * The newer activations and the distance / normalization helpers are in ./activation-extra.ts,
 * ./vectors.ts and ./norm.ts; they are re-exported here so this stays the one place to look.
 */
import { defaultGenerator, sizeOf, Tensor, type DType, type Generator } from '../tensor/index.js';
import { allocateForWrite } from '../tensor/dtype.js';
import { checkOptions } from '../tensor/options.js';

export { linear, conv2d, convTranspose2d, maxPool2d, avgPool2d, softmax, logSoftmax, upsampleNearest } from '../tensor/index.js';
export {
  hardtanh, relu6, hardswish, hardsigmoid, mish, softsign, tanhshrink, prelu, celu, glu, softmin, gumbelSoftmax,
  type GumbelSoftmaxOptions,
} from './activation-extra.js';
export {
  normalize, oneHot, cosineSimilarity, pairwiseDistance,
  type NormalizeOptions, type CosineSimilarityOptions, type PairwiseDistanceOptions,
} from './vectors.js';
export { rmsNorm, localResponseNorm, instanceNorm, type LocalResponseNormOptions, type InstanceNormFunctionalOptions } from './norm.js';

// issue 19: spatial ops
export {
  conv1d, conv3d, maxPool1d, avgPool1d, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d, interpolate, pad,
} from '../tensor/index.js';
export { unfold, fold, pixelShuffle, pixelUnshuffle, type FoldOptions } from './fold.js';
export { embedding, type EmbeddingFunctionalOptions } from './embedding.js';

/** max(x, 0) elementwise. */
export const relu = (x: Tensor): Tensor => x.relu();
/** x where x > 0, else negativeSlope·x. */
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => x.leakyRelu(negativeSlope);
/** x where x > 0, else alpha·(exp(x) − 1). */
export const elu = (x: Tensor, alpha = 1): Tensor => x.elu(alpha);
/** scale·elu(x, alpha) with SELU's fixed constants (Klambauer et al. 2017). */
export const selu = (x: Tensor): Tensor => x.selu();
/** x·Φ(x), exactly or with the tanh approximation. */
export const gelu = (x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor => x.gelu(approximate);
/** The hyperbolic tangent, elementwise. */
export const tanh = (x: Tensor): Tensor => x.tanh();
/** 1 / (1 + exp(−x)), elementwise. */
export const sigmoid = (x: Tensor): Tensor => x.sigmoid();
/** log(1 + exp(beta·x)) / beta, computed stably. */
export const softplus = (x: Tensor, beta = 1): Tensor => x.softplus(beta);
/** x·sigmoid(x) (also called swish). */
export const silu = (x: Tensor): Tensor => x.silu();
/** log(sigmoid(x)), computed stably. */
export const logSigmoid = (x: Tensor): Tensor => x.logSigmoid();

export interface DropoutOptions {
  /** Apply dropout (true) or return x unchanged (false, evaluation). Default true. */
  training?: boolean;
  generator?: Generator;
}

function checkP(p: number, op: string): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: p must be a probability in [0, 1], got ${p}`);
}

/**
 * Inverted dropout (Srivastava et al. 2014): each element is zeroed with probability p and the
 * survivors are scaled by 1/(1-p), so the expectation is unchanged; identity when not training.
 */
export function dropout(x: Tensor, p = 0.5, options: DropoutOptions = {}): Tensor {
  checkOptions('dropout', options, ['training', 'generator']);
  checkP(p, 'dropout');
  if (options.training === false || p === 0) return x;
  if (p === 1) return x.mul(0);
  return x.mul(scaledMask(1 - p, x.shape, x.dtype, options.generator));
}

/**
 * The inverted-dropout mask: 1/keep with probability keep, else 0, in one pass (the numbers of
 * `bernoulli(keep).mul(1 / keep)`: the scale is rounded to the dtype as that product rounds it).
 */
function scaledMask(keep: number, shape: readonly number[], dtype: DType, generator?: Generator): Tensor {
  const mask = new Tensor(allocateForWrite(dtype, sizeOf(shape)), shape); // fillBernoulli writes every element
  const scale = 1 / keep;
  (generator ?? defaultGenerator()).fillBernoulli(mask.data, keep, dtype === 'float32' ? Math.fround(scale) : scale);
  return mask;
}

/** Channel dropout: zeros whole channels of [N, C, ...] (or [C, ...]) inputs with probability p, scaling the rest by 1/(1-p). */
export function dropout2d(x: Tensor, p = 0.5, options: DropoutOptions = {}): Tensor {
  checkOptions('dropout2d', options, ['training', 'generator']);
  checkP(p, 'dropout2d');
  if (options.training === false || p === 0) return x;
  if (x.ndim < 3) throw new RangeError(`dropout2d: expected [N, C, H, W] or [C, H, W] input, got shape [${x.shape.join(', ')}]`);
  if (p === 1) return x.mul(0);
  const lead = x.ndim === 3 ? 1 : 2;
  const maskShape = x.shape.map((d, i) => (i < lead ? d : 1));
  return x.mul(scaledMask(1 - p, maskShape, x.dtype, options.generator));
}
