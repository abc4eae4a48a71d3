/**
 * The dropout family (Srivastava et al. 2014; course notes 003 §5.4), each seeded through a
 * Generator (`{ generator }`; default the global one, see manualSeed):
 *
 * - **inverted dropout** (`invertedDropout`, and nn's `Dropout`, which is inverted): in training
 *   each element is kept with probability 1-p and survivors are scaled by 1/(1-p), so E[out] = x
 *   and evaluation is the identity;
 * - **classic dropout** (`ClassicDropout`, the original paper's form): training multiplies by
 *   the 0/1 mask without scaling, evaluation multiplies by the keep probability 1-p. (The notes
 *   write "multiply by p" with p the keep probability; here p is always the drop probability.)
 *   The two have the same expected output at every point; they differ in where the scale sits;
 * - **alpha dropout** (Klambauer et al. 2017) for SELU networks: dropped units are set to SELU's
 *   negative saturation α' = -λα and an affine map a(·) + b restores mean 0 and variance 1;
 * - **spatial dropout** (`SpatialDropout`, Tompson et al. 2015; nn's Dropout2d): drops whole
 *   channels of [N, C, H, W] maps, since neighbouring pixels are correlated;
 * - **DropConnect** (Wan et al. 2013): drops *weights* of a Linear layer instead of activations;
 * - **Gaussian dropout** (Srivastava et al. 2014 §10): multiplies by N(1, p/(1-p)) noise.
 *
 * Every rate p must lie in [0, 1).
 */
import { dropout2d, Linear, Module } from '../nn/index.js';
import { bernoulli, defaultGenerator, linear, normal, Tensor, type Generator } from '../tensor/index.js';
import { checkOptions, checkRate, generatorOf } from './validate.js';

export interface DropoutOptions {
  /** Apply the training behaviour (default true). */
  training?: boolean;
  /** Draws the masks (a Generator or a seed); default the global generator. */
  generator?: Generator | number;
}

export interface DropoutModuleOptions {
  generator?: Generator | number;
}

const gen = (op: string, g: Generator | number | undefined): Generator => generatorOf(op, g, defaultGenerator);

/** A 0/1 keep-mask of `shape`: each element 1 with probability 1-p. */
export function dropoutMask(shape: readonly number[], p: number, generator?: Generator | number, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  checkRate('dropoutMask', 'p', p);
  return bernoulli(1 - p, shape, { generator: gen('dropoutMask', generator), dtype });
}

/** Inverted dropout: x·m/(1-p) in training (m ~ Bernoulli(1-p)), x in evaluation. */
export function invertedDropout(x: Tensor, p: number, options: DropoutOptions = {}): Tensor {
  checkRate('invertedDropout', 'p', p);
  checkOptions('invertedDropout', options, ['training', 'generator']);
  if (options.training === false || p === 0) return x;
  const m = bernoulli(1 - p, x.shape, { generator: gen('invertedDropout', options.generator), dtype: x.dtype });
  return x.mul(m.mul(1 / (1 - p)));
}

/** Classic dropout: x·m in training, x·(1-p) in evaluation. */
export function classicDropout(x: Tensor, p: number, options: DropoutOptions = {}): Tensor {
  checkRate('classicDropout', 'p', p);
  checkOptions('classicDropout', options, ['training', 'generator']);
  if (options.training === false) return p === 0 ? x : x.mul(1 - p);
  if (p === 0) return x;
  return x.mul(bernoulli(1 - p, x.shape, { generator: gen('classicDropout', options.generator), dtype: x.dtype }));
}

/** SELU's constants (Klambauer et al. 2017): λ and α; α' = -λα is SELU's limit at -∞. */
export const SELU_ALPHA = 1.6732632423543772848170429916717;
export const SELU_SCALE = 1.0507009873554804934193349852946;
export const ALPHA_PRIME = -SELU_SCALE * SELU_ALPHA;

/**
 * The affine correction of alpha dropout for drop rate p: a = ((1-p)(1 + p α'²))^(-1/2),
 * b = -a α' p, so that a(x·m + α'(1-m)) + b has mean 0 and variance 1 for x of mean 0 and
 * variance 1 (PyTorch's F.alpha_dropout uses the same constants).
 */
export function alphaDropoutConstants(p: number): { alphaPrime: number; a: number; b: number } {
  checkRate('alphaDropoutConstants', 'p', p);
  const a = 1 / Math.sqrt((1 - p) * (1 + p * ALPHA_PRIME * ALPHA_PRIME));
  return { alphaPrime: ALPHA_PRIME, a, b: -a * ALPHA_PRIME * p };
}

/** Alpha dropout: a(x·m + α'(1-m)) + b in training, x in evaluation. */
export function alphaDropout(x: Tensor, p: number, options: DropoutOptions = {}): Tensor {
  checkRate('alphaDropout', 'p', p);
  checkOptions('alphaDropout', options, ['training', 'generator']);
  if (options.training === false || p === 0) return x;
  const { alphaPrime, a, b } = alphaDropoutConstants(p);
  const m = bernoulli(1 - p, x.shape, { generator: gen('alphaDropout', options.generator), dtype: x.dtype });
  // a·x·m + (a·α'(1-m) + b): the gradient flows through the kept elements only.
  const shift = m.mul(-a * alphaPrime).add(a * alphaPrime + b);
  return x.mul(m.mul(a)).add(shift);
}

/** Spatial (channel) dropout of [N, C, H, W] (or [C, H, W]) maps: whole channels zeroed, the rest scaled by 1/(1-p). */
export function spatialDropout(x: Tensor, p: number, options: DropoutOptions = {}): Tensor {
  checkRate('spatialDropout', 'p', p);
  checkOptions('spatialDropout', options, ['training', 'generator']);
  return dropout2d(x, p, { training: options.training, generator: gen('spatialDropout', options.generator) });
}

/** Gaussian dropout: x·ε with ε ~ N(1, p/(1-p)) in training (same mean and variance as inverted dropout's multiplier), x in evaluation. */
export function gaussianDropout(x: Tensor, p: number, options: DropoutOptions = {}): Tensor {
  checkRate('gaussianDropout', 'p', p);
  checkOptions('gaussianDropout', options, ['training', 'generator']);
  if (options.training === false || p === 0) return x;
  const eps = normal(x.shape, 1, Math.sqrt(p / (1 - p)), { generator: gen('gaussianDropout', options.generator), dtype: x.dtype });
  return x.mul(eps);
}

abstract class RateModule extends Module {
  readonly p: number;
  generator?: Generator;

  constructor(op: string, p: number, options: DropoutModuleOptions) {
    super();
    this.p = checkRate(op, 'p', p);
    checkOptions(op, options, ['generator']);
    this.generator = options.generator === undefined ? undefined : gen(op, options.generator);
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/** Inverted dropout as a module (the same as nn.Dropout, with p checked to lie in [0, 1)). */
export class InvertedDropout extends RateModule {
  constructor(p = 0.5, options: DropoutModuleOptions = {}) {
    super('InvertedDropout', p, options);
  }
  forward(x: Tensor): Tensor {
    return invertedDropout(x, this.p, { training: this.training, generator: this.generator });
  }
}

/** Classic dropout: masks without scaling in training, scales by 1-p in evaluation. */
export class ClassicDropout extends RateModule {
  constructor(p = 0.5, options: DropoutModuleOptions = {}) {
    super('ClassicDropout', p, options);
  }
  forward(x: Tensor): Tensor {
    return classicDropout(x, this.p, { training: this.training, generator: this.generator });
  }
}

/** Alpha dropout for self-normalizing (SELU) networks; put it after a SELU. */
export class AlphaDropout extends RateModule {
  constructor(p = 0.5, options: DropoutModuleOptions = {}) {
    super('AlphaDropout', p, options);
  }
  forward(x: Tensor): Tensor {
    return alphaDropout(x, this.p, { training: this.training, generator: this.generator });
  }
}

/** Spatial dropout (Dropout2d) for convolutional feature maps [N, C, H, W]. */
export class SpatialDropout extends RateModule {
  constructor(p = 0.5, options: DropoutModuleOptions = {}) {
    super('SpatialDropout', p, options);
  }
  forward(x: Tensor): Tensor {
    return spatialDropout(x, this.p, { training: this.training, generator: this.generator });
  }
}

/** Multiplicative Gaussian noise N(1, p/(1-p)) in training. */
export class GaussianDropout extends RateModule {
  constructor(p = 0.5, options: DropoutModuleOptions = {}) {
    super('GaussianDropout', p, options);
  }
  forward(x: Tensor): Tensor {
    return gaussianDropout(x, this.p, { training: this.training, generator: this.generator });
  }
}

/**
 * DropConnect (Wan et al. 2013) around a Linear layer: in training every forward draws a keep
 * mask M over the weight matrix (one per batch) and computes x (W ⊙ M / (1-p))ᵀ + b; in
 * evaluation it is the plain layer (the mean of the masked weights; the paper's Gaussian
 * moment-matching inference is not implemented). The wrapped layer keeps its parameters, so
 * `dropConnect.linear.weight` is the trained weight, and `dropConnect.lastMask` the last mask.
 */
export class DropConnect extends Module {
  readonly linear: Linear;
  readonly p: number;
  generator?: Generator;
  /** The keep mask of the last training forward (null before the first). */
  lastMask: Tensor | null = null;

  constructor(linear: Linear, p = 0.5, options: DropoutModuleOptions = {}) {
    super();
    if (!(linear instanceof Linear)) throw new TypeError('DropConnect: expected a Linear layer to wrap');
    this.linear = linear;
    this.p = checkRate('DropConnect', 'p', p);
    checkOptions('DropConnect', options, ['generator']);
    this.generator = options.generator === undefined ? undefined : gen('DropConnect', options.generator);
  }

  forward(x: Tensor): Tensor {
    const w = this.linear.weight;
    if (!this.training || this.p === 0) return linear(x, w, this.linear.bias);
    const m = bernoulli(1 - this.p, w.shape, { generator: this.generator ?? defaultGenerator(), dtype: w.dtype });
    this.lastMask = m; // a plain field: not a parameter or buffer, so not in stateDict
    return linear(x, w.mul(m.mul(1 / (1 - this.p))), this.linear.bias);
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
