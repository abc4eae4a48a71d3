/**
 * Normalization for GANs (survey 000 §4.1.1, the "normalize each layer's output" rows of tables
 * 1 and 2): batch, layer, weight and spectral normalization come from nn; this module applies
 * weight or spectral normalization to every layer of a discriminator at once, and adds the two
 * generator-side normalizations of the tables:
 *
 * - conditional batch normalization (de Vries et al. 2017; Miyato and Koyama 2018; SAGAN, Zhang
 *   et al. 2019b): batch normalization whose per-channel scale and shift are looked up from the
 *   class label;
 * - self-modulation (Chen et al. 2019): the scale and shift are computed from the generator's
 *   input z by a one-hidden-layer MLP, no labels needed.
 */
import { batchNorm, Conv2d, ConvTranspose2d, Linear, Module, spectralNorm, weightNorm, type SpectralNormOptions } from '../nn/index.js';
import { noGrad, ones, Tensor, zeros, type Generator } from '../tensor/index.js';

export type LayerNormalization = 'spectral' | 'weight';

/** Wraps every Linear, Conv2d and ConvTranspose2d in `module` with spectral or weight normalization; returns the module. */
export function normalizeLayers<M extends Module>(module: M, kind: LayerNormalization, options: { generator?: Generator; nPowerIterations?: number } = {}): M {
  if (kind !== 'spectral' && kind !== 'weight') throw new RangeError(`normalizeLayers: kind must be 'spectral' or 'weight', got '${String(kind)}'`);
  for (const m of module.modules()) {
    if (m instanceof Linear || m instanceof Conv2d || m instanceof ConvTranspose2d) {
      if (kind === 'spectral') spectralNorm(m, { generator: options.generator, nPowerIterations: options.nPowerIterations } satisfies SpectralNormOptions);
      else weightNorm(m);
    }
  }
  return module;
}

/** Per-channel statistics of x [N, C, ...] normalized (no affine), as batchNorm does. */
function normalizeBatch(x: Tensor, runningMean: Tensor, runningVar: Tensor, training: boolean, momentum: number, eps: number): Tensor {
  return batchNorm(x, runningMean, runningVar, null, null, { training, momentum, eps });
}

/** Reshapes per-example per-channel values [N, C] to broadcast over x [N, C, ...]. */
function perExample(v: Tensor, x: Tensor): Tensor {
  return v.reshape(x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1));
}

/**
 * Conditional batch normalization: y = γ[c]·BN(x) + β[c], where c is each example's class
 * (a float tensor of integers [N]). γ starts at 1 and β at 0.
 */
export class ConditionalBatchNorm extends Module {
  gamma: Tensor;
  beta: Tensor;
  runningMean: Tensor;
  runningVar: Tensor;
  readonly numFeatures: number;
  readonly numClasses: number;
  readonly momentum: number;
  readonly eps: number;

  constructor(numFeatures: number, numClasses: number, options: { momentum?: number; eps?: number } = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1 || !Number.isInteger(numClasses) || numClasses < 1) {
      throw new RangeError(`ConditionalBatchNorm: numFeatures and numClasses must be positive integers, got ${numFeatures}, ${numClasses}`);
    }
    this.numFeatures = numFeatures;
    this.numClasses = numClasses;
    this.momentum = options.momentum ?? 0.1;
    this.eps = options.eps ?? 1e-5;
    this.gamma = ones([numClasses, numFeatures]);
    this.beta = zeros([numClasses, numFeatures]);
    this.runningMean = zeros([numFeatures]);
    this.runningVar = ones([numFeatures]);
    this.registerParameter('gamma', this.gamma);
    this.registerParameter('beta', this.beta);
    this.registerBuffer('runningMean', this.runningMean);
    this.registerBuffer('runningVar', this.runningVar);
  }

  forward(x: Tensor, labels?: Tensor): Tensor {
    if (!labels) throw new Error('ConditionalBatchNorm: forward(x, labels) needs the class labels');
    if (x.ndim < 2 || x.shape[1] !== this.numFeatures) throw new RangeError(`ConditionalBatchNorm: expected [N, ${this.numFeatures}, ...], got [${x.shape}]`);
    if (labels.numel() !== x.shape[0]) throw new RangeError(`ConditionalBatchNorm: ${labels.numel()} labels for ${x.shape[0]} examples`);
    for (const v of labels.data) if (!Number.isInteger(v) || v < 0 || v >= this.numClasses) throw new RangeError(`ConditionalBatchNorm: label ${v} is not a class in [0, ${this.numClasses - 1}]`);
    const y = normalizeBatch(x, this.runningMean, this.runningVar, this.training, this.momentum, this.eps);
    const idx = labels.reshape(-1);
    return y.mul(perExample(this.gamma.indexSelect(0, idx), x)).add(perExample(this.beta.indexSelect(0, idx), x));
  }

  override extraRepr(): string {
    return `${this.numFeatures}, classes=${this.numClasses}`;
  }
}

/**
 * Self-modulated batch normalization (Chen et al. 2019): y = γ(z)·BN(x) + β(z) with
 * γ(z) = 1 + W_γ relu(W z) and β(z) = W_β relu(W z), a one-hidden-layer MLP of the latent z.
 */
export class SelfModulatedBatchNorm extends Module {
  hidden: Linear;
  toGamma: Linear;
  toBeta: Linear;
  runningMean: Tensor;
  runningVar: Tensor;
  readonly numFeatures: number;
  readonly momentum: number;
  readonly eps: number;

  constructor(numFeatures: number, latentDim: number, options: { hidden?: number; momentum?: number; eps?: number; generator?: Generator } = {}) {
    super();
    this.numFeatures = numFeatures;
    this.momentum = options.momentum ?? 0.1;
    this.eps = options.eps ?? 1e-5;
    const h = options.hidden ?? 32;
    this.hidden = new Linear(latentDim, h, { generator: options.generator });
    this.toGamma = new Linear(h, numFeatures, { generator: options.generator });
    this.toBeta = new Linear(h, numFeatures, { generator: options.generator });
    // Start as plain batch normalization: γ = 1, β = 0.
    noGrad(() => {
      for (const l of [this.toGamma, this.toBeta]) {
        l.weight.data.fill(0);
        l.bias?.data.fill(0);
      }
    });
    this.runningMean = zeros([numFeatures]);
    this.runningVar = ones([numFeatures]);
    this.registerBuffer('runningMean', this.runningMean);
    this.registerBuffer('runningVar', this.runningVar);
  }

  forward(x: Tensor, z?: Tensor): Tensor {
    if (!z) throw new Error('SelfModulatedBatchNorm: forward(x, z) needs the latent z');
    if (x.ndim < 2 || x.shape[1] !== this.numFeatures) throw new RangeError(`SelfModulatedBatchNorm: expected [N, ${this.numFeatures}, ...], got [${x.shape}]`);
    const y = normalizeBatch(x, this.runningMean, this.runningVar, this.training, this.momentum, this.eps);
    const h = this.hidden.forward(z.reshape(z.shape[0], -1)).relu();
    return y.mul(perExample(this.toGamma.forward(h).add(1), x)).add(perExample(this.toBeta.forward(h), x));
  }

  override extraRepr(): string {
    return `${this.numFeatures}`;
  }
}
