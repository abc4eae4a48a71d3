/**
 * Ready-made generators and discriminators: MLPs for 2-D data (the Gaussian mixtures, the
 * fixed point sets of thesis figures 2-2 and 2-4) and a small DCGAN (Radford et al. 2016) for
 * 28x28 images (Fashion-MNIST), with the normalizations of the survey's tables as options.
 *
 * Conventions the trainer relies on: `generator.forward(z, labels?)` gives samples;
 * `discriminator.forward(x, labels?)` gives [N, outputs] (one output for the plain objectives,
 * 1 + K for AC-GAN, K + 1 for AM-GAN). Labels are float tensors of class indices; modules that
 * do not use them ignore them.
 */
import {
  BatchNorm1d, BatchNorm2d, Conv2d, ConvTranspose2d, Embedding, LayerNorm, Linear, Module,
} from '../nn/index.js';
import { concat, noGrad, Tensor, zeros, type Generator } from '../tensor/index.js';
import { ConditionalBatchNorm, normalizeLayers, SelfModulatedBatchNorm } from './normalization.js';

export type Activation = 'relu' | 'leakyrelu' | 'tanh' | 'elu';

function activate(x: Tensor, a: Activation): Tensor {
  switch (a) {
    case 'relu':
      return x.relu();
    case 'leakyrelu':
      return x.leakyRelu(0.2);
    case 'tanh':
      return x.tanh();
    case 'elu':
      return x.elu();
  }
}

/** One-hot rows [N, K] of labels [N]. */
export function oneHot(labels: Tensor, numClasses: number): Tensor {
  const n = labels.numel();
  const out = zeros([n, numClasses]);
  for (let i = 0; i < n; i++) {
    const c = labels.data[i];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw new RangeError(`oneHot: label ${c} is not a class in [0, ${numClasses - 1}]`);
    out.data[i * numClasses + c] = 1;
  }
  return out;
}

/** Discriminator normalizations (survey tables 1 and 2). */
export type DiscriminatorNorm = 'none' | 'batch' | 'layer' | 'weight' | 'spectral';
/** Generator normalizations: conditional BN needs labels, self-modulation uses z. */
export type GeneratorNorm = 'none' | 'batch' | 'conditional' | 'self-modulation';

/** The discriminator's output heads: one adversarial output, AC-GAN's 1 + K, AM-GAN's K + 1, or a projection discriminator (Miyato and Koyama 2018). */
export type DiscriminatorHead = 'single' | 'acgan' | 'amgan' | 'projection';

function headOutputs(head: DiscriminatorHead, numClasses: number | undefined): number {
  if (head === 'single' || head === 'projection') return 1;
  if (!numClasses || numClasses < 2) throw new RangeError(`discriminator: head '${head}' needs numClasses ≥ 2`);
  return head === 'acgan' ? 1 + numClasses : numClasses + 1;
}

export interface MLPGeneratorOptions {
  latentDim?: number;
  hidden?: number;
  /** Hidden layers (default 3). */
  layers?: number;
  outDim?: number;
  activation?: Activation;
  /** Conditional generator: the one-hot label is appended to z. */
  numClasses?: number;
  generator?: Generator;
}

/** z (and a label) → MLP → a point in R^outDim. */
export class MLPGenerator extends Module {
  layers: Linear[];
  readonly latentDim: number;
  readonly numClasses: number;
  readonly activation: Activation;

  constructor(options: MLPGeneratorOptions = {}) {
    super();
    this.latentDim = options.latentDim ?? 2;
    this.numClasses = options.numClasses ?? 0;
    this.activation = options.activation ?? 'relu';
    const h = options.hidden ?? 64;
    const n = options.layers ?? 3;
    const dims = [this.latentDim + this.numClasses, ...Array<number>(n).fill(h), options.outDim ?? 2];
    this.layers = dims.slice(1).map((d, i) => new Linear(dims[i], d, { generator: options.generator }));
  }

  forward(z: Tensor, labels?: Tensor): Tensor {
    let h = this.numClasses > 0 ? concat([z, oneHot(requireLabels(labels, 'MLPGenerator'), this.numClasses)], 1) : z;
    this.layers.forEach((l, i) => {
      h = l.forward(h);
      if (i < this.layers.length - 1) h = activate(h, this.activation);
    });
    return h;
  }
}

function scaleInPlace(t: Tensor, s: number): void {
  noGrad(() => {
    for (let i = 0; i < t.data.length; i++) t.data[i] *= s;
  });
}

function requireLabels(labels: Tensor | undefined, who: string): Tensor {
  if (!labels) throw new Error(`${who}: this conditional model needs labels in forward(x, labels)`);
  return labels;
}

export interface MLPDiscriminatorOptions {
  inDim?: number;
  hidden?: number;
  layers?: number;
  activation?: Activation;
  norm?: DiscriminatorNorm;
  head?: DiscriminatorHead;
  numClasses?: number;
  generator?: Generator;
}

/** x → MLP → [N, outputs]. */
export class MLPDiscriminator extends Module {
  layers: Linear[];
  norms: Module[];
  embed: Embedding | null;
  readonly activation: Activation;
  readonly head: DiscriminatorHead;
  readonly numClasses: number;

  constructor(options: MLPDiscriminatorOptions = {}) {
    super();
    const h = options.hidden ?? 64;
    const n = options.layers ?? 3;
    const norm = options.norm ?? 'none';
    this.activation = options.activation ?? 'leakyrelu';
    this.head = options.head ?? 'single';
    this.numClasses = options.numClasses ?? 0;
    const out = headOutputs(this.head, this.numClasses);
    const dims = [options.inDim ?? 2, ...Array<number>(n).fill(h), out];
    this.layers = dims.slice(1).map((d, i) => new Linear(dims[i], d, { generator: options.generator }));
    this.norms = norm === 'batch' ? Array.from({ length: n }, () => new BatchNorm1d(h)) : norm === 'layer' ? Array.from({ length: n }, () => new LayerNorm(h)) : [];
    this.embed = this.head === 'projection' ? new Embedding(this.numClasses, h, { generator: options.generator }) : null;
    if (norm === 'spectral' || norm === 'weight') normalizeLayers(this, norm, { generator: options.generator });
    if (this.embed) scaleInPlace(this.embed.weight, 0.1);
  }

  /** The last hidden features [N, hidden]. */
  features(x: Tensor): Tensor {
    let h = x.reshape(x.shape[0], -1);
    for (let i = 0; i < this.layers.length - 1; i++) {
      h = this.layers[i].forward(h);
      if (this.norms.length) h = this.norms[i].forward(h);
      h = activate(h, this.activation);
    }
    return h;
  }

  forward(x: Tensor, labels?: Tensor): Tensor {
    const h = this.features(x);
    let out = this.layers[this.layers.length - 1].forward(h);
    if (this.embed) out = out.add(this.embed.forward(requireLabels(labels, 'MLPDiscriminator (projection)')).mul(h).sum(1, true));
    return out;
  }
}

export interface DCGANGeneratorOptions {
  latentDim?: number;
  /** Channels of the 14x14 layer; the 7x7 layer has twice as many (default 32). */
  channels?: number;
  norm?: GeneratorNorm;
  /** Conditional generator: conditional BN uses the label, other norms get a one-hot label appended to z. */
  numClasses?: number;
  /** Output in [-1, 1] by tanh (default) or [0, 1] by a sigmoid. */
  output?: 'tanh' | 'sigmoid';
  generator?: Generator;
}

/**
 * A small DCGAN generator for 1x28x28 images: z → Linear → 2c x 7 x 7 → norm, ReLU →
 * ConvTranspose(4, stride 2) → c x 14 x 14 → norm, ReLU → ConvTranspose(4, stride 2) → 1 x 28 x 28 → tanh.
 */
export class DCGANGenerator extends Module {
  fc: Linear;
  up1: ConvTranspose2d;
  up2: ConvTranspose2d;
  norm0: Module | null;
  norm1: Module | null;
  readonly latentDim: number;
  readonly channels: number;
  readonly norm: GeneratorNorm;
  readonly numClasses: number;
  readonly output: 'tanh' | 'sigmoid';

  constructor(options: DCGANGeneratorOptions = {}) {
    super();
    this.latentDim = options.latentDim ?? 32;
    this.channels = options.channels ?? 32;
    this.norm = options.norm ?? 'batch';
    this.numClasses = options.numClasses ?? 0;
    this.output = options.output ?? 'tanh';
    const c = this.channels;
    const g = options.generator;
    if (this.norm === 'conditional' && this.numClasses < 2) throw new RangeError("DCGANGenerator: norm 'conditional' needs numClasses ≥ 2");
    const concatLabels = this.numClasses > 0 && this.norm !== 'conditional';
    this.fc = new Linear(this.latentDim + (concatLabels ? this.numClasses : 0), 2 * c * 49, { generator: g });
    this.up1 = new ConvTranspose2d(2 * c, c, 4, { stride: 2, padding: 1, generator: g });
    this.up2 = new ConvTranspose2d(c, 1, 4, { stride: 2, padding: 1, generator: g });
    const make = (ch: number): Module | null =>
      this.norm === 'batch' ? new BatchNorm2d(ch) : this.norm === 'conditional' ? new ConditionalBatchNorm(ch, this.numClasses) : this.norm === 'self-modulation' ? new SelfModulatedBatchNorm(ch, this.latentDim, { generator: g }) : null;
    this.norm0 = make(2 * c);
    this.norm1 = make(c);
  }

  private applyNorm(norm: Module | null, h: Tensor, z: Tensor, labels?: Tensor): Tensor {
    if (!norm) return h;
    if (norm instanceof ConditionalBatchNorm) return norm.forward(h, requireLabels(labels, 'DCGANGenerator (conditional BN)'));
    if (norm instanceof SelfModulatedBatchNorm) return norm.forward(h, z);
    return norm.forward(h);
  }

  forward(z: Tensor, labels?: Tensor): Tensor {
    const n = z.shape[0];
    const input = this.numClasses > 0 && this.norm !== 'conditional' ? concat([z, oneHot(requireLabels(labels, 'DCGANGenerator'), this.numClasses)], 1) : z;
    let h = this.fc.forward(input).reshape(n, 2 * this.channels, 7, 7);
    h = this.applyNorm(this.norm0, h, z, labels).relu();
    h = this.up1.forward(h);
    h = this.applyNorm(this.norm1, h, z, labels).relu();
    h = this.up2.forward(h);
    return this.output === 'tanh' ? h.tanh() : h.sigmoid();
  }
}

export interface DCGANDiscriminatorOptions {
  /** Channels of the first convolution; the second has twice as many (default 32). */
  channels?: number;
  norm?: DiscriminatorNorm;
  head?: DiscriminatorHead;
  numClasses?: number;
  generator?: Generator;
}

/**
 * A small DCGAN discriminator for 1x28x28 images: Conv(4, stride 2) → c x 14 x 14 → LeakyReLU →
 * Conv(4, stride 2) → 2c x 7 x 7 → norm → LeakyReLU → Linear → outputs.
 */
export class DCGANDiscriminator extends Module {
  conv1: Conv2d;
  conv2: Conv2d;
  normLayer: Module | null;
  fc: Linear;
  embed: Embedding | null;
  readonly channels: number;
  readonly head: DiscriminatorHead;
  readonly numClasses: number;

  constructor(options: DCGANDiscriminatorOptions = {}) {
    super();
    this.channels = options.channels ?? 32;
    const c = this.channels;
    const norm = options.norm ?? 'none';
    const g = options.generator;
    this.head = options.head ?? 'single';
    this.numClasses = options.numClasses ?? 0;
    this.conv1 = new Conv2d(1, c, 4, { stride: 2, padding: 1, generator: g });
    this.conv2 = new Conv2d(c, 2 * c, 4, { stride: 2, padding: 1, generator: g });
    this.normLayer = norm === 'batch' ? new BatchNorm2d(2 * c) : norm === 'layer' ? new LayerNorm([2 * c, 7, 7]) : null;
    this.fc = new Linear(2 * c * 49, headOutputs(this.head, this.numClasses), { generator: g });
    this.embed = this.head === 'projection' ? new Embedding(this.numClasses, 2 * c * 49, { generator: g }) : null;
    if (norm === 'spectral' || norm === 'weight') normalizeLayers(this, norm, { generator: g });
    if (this.embed) scaleInPlace(this.embed.weight, 0.02);
  }

  /** The flattened features before the last layer [N, 2c·49]. */
  features(x: Tensor): Tensor {
    let h = this.conv1.forward(x).leakyRelu(0.2);
    h = this.conv2.forward(h);
    if (this.normLayer) h = this.normLayer.forward(h);
    return h.leakyRelu(0.2).reshape(x.shape[0], -1);
  }

  forward(x: Tensor, labels?: Tensor): Tensor {
    const h = this.features(x);
    let out = this.fc.forward(h);
    if (this.embed) out = out.add(this.embed.forward(requireLabels(labels, 'DCGANDiscriminator (projection)')).mul(h).sum(1, true));
    return out;
  }
}
