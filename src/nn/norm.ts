/**
 * Normalization layers (survey section 2.1.2): batch normalization (Ioffe and Szegedy 2015),
 * layer normalization (Ba et al. 2016), group normalization (Wu and He 2018) and instance
 * normalization (Ulyanov et al. 2016), with PyTorch's conventions: the normalization uses the
 * biased variance, running variances are updated with the unbiased one, and running averages
 * follow r <- (1 - momentum) r + momentum * batch (or a cumulative average with momentum null).
 */
import { noGrad, ones, Tensor, zeros, type DType } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';
import { declareOwnModules, Module } from './module.js';

function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export interface BatchNormFunctionalOptions {
  /** Use batch statistics (and update the running ones); default false (use the running ones). */
  training?: boolean;
  /** Weight of the new batch in the running averages, default 0.1; null for a cumulative average (needs numBatchesTracked). */
  momentum?: number | null;
  eps?: number;
  /** The number of batches seen including this one, for momentum null. */
  numBatchesTracked?: number;
}

/** The shape [1, C, 1, ...] that broadcasts a per-channel vector against x ([N, C, ...]). */
function channelShape(x: Tensor): number[] {
  return x.shape.map((d, i) => (i === 1 ? d : 1));
}

/**
 * Batch normalization over the channel axis 1 of x ([N, C, ...]): statistics over every axis but
 * 1. In training (or without running statistics) the batch statistics are used and the running
 * buffers, when given, are updated in place; otherwise the running statistics are used.
 */
export function batchNorm(
  x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null,
  options: BatchNormFunctionalOptions = {},
): Tensor {
  checkOptions('batchNorm', options, ['training', 'momentum', 'eps', 'numBatchesTracked']);
  const { training = false, eps = 1e-5 } = options;
  const momentum = options.momentum === undefined ? 0.1 : options.momentum;
  if (x.ndim < 2) throw new RangeError(`batchNorm: expected input [N, C, ...], got shape ${shapeStr(x.shape)}`);
  const c = x.shape[1];
  const cs = channelShape(x);
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  let y: Tensor;
  if (training || !runningMean || !runningVar) {
    const n = x.numel() / c;
    if (n <= 1 && training) throw new RangeError(`batchNorm: expected more than 1 value per channel when training, got input of shape ${shapeStr(x.shape)}`);
    const mean = x.mean(axes, true);
    const centered = x.sub(mean);
    const variance = centered.square().mean(axes, true);
    y = centered.mul(variance.add(eps).rsqrt());
    if (training && runningMean && runningVar) {
      const factor = momentum === null ? 1 / Math.max(options.numBatchesTracked ?? 1, 1) : momentum;
      const unbias = n / Math.max(n - 1, 1);
      noGrad(() => {
        const m = mean.data;
        const v = variance.data;
        for (let i = 0; i < c; i++) {
          runningMean.data[i] = (1 - factor) * runningMean.data[i] + factor * m[i];
          runningVar.data[i] = (1 - factor) * runningVar.data[i] + factor * v[i] * unbias;
        }
      });
    }
  } else {
    y = x.sub(runningMean.reshape(cs)).mul(runningVar.reshape(cs).add(eps).rsqrt());
  }
  if (weight) y = y.mul(weight.reshape(cs));
  if (bias) y = y.add(bias.reshape(cs));
  return y;
}

export interface BatchNormOptions {
  eps?: number;
  /** Default 0.1; null for a cumulative moving average. */
  momentum?: number | null;
  /** Learnable per-channel scale and shift (default true). */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true). */
  trackRunningStats?: boolean;
  dtype?: DType;
}

abstract class BatchNormBase extends Module {
  weight!: Tensor | null;
  bias!: Tensor | null;
  runningMean!: Tensor | null;
  runningVar!: Tensor | null;
  numBatchesTracked!: Tensor | null;
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super();
    checkOptions(this.constructor.name, options, ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype']);
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new RangeError(`${this.constructor.name}: numFeatures must be a positive integer, got ${numFeatures}`);
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    const dtype = options.dtype ?? 'float32';
    this.registerParameter('weight', this.affine ? ones([numFeatures], { dtype }) : null);
    this.registerParameter('bias', this.affine ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('runningMean', this.trackRunningStats ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('runningVar', this.trackRunningStats ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer('numBatchesTracked', this.trackRunningStats ? zeros([], { dtype }) : null);
  }

  protected abstract checkInput(x: Tensor): void;

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    if (x.shape[1] !== this.numFeatures) {
      throw new RangeError(`${this.constructor.name}: expected ${this.numFeatures} channels on axis 1, got input of shape ${shapeStr(x.shape)}`);
    }
    const update = this.training && this.trackRunningStats;
    if (update && this.numBatchesTracked) this.numBatchesTracked.data[0] += 1;
    return batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, {
      training: this.training || !this.trackRunningStats,
      momentum: this.momentum,
      eps: this.eps,
      numBatchesTracked: this.numBatchesTracked?.data[0],
    });
  }

  /** Resets the running statistics to mean 0, variance 1. */
  resetRunningStats(): void {
    this.runningMean?.data.fill(0);
    this.runningVar?.data.fill(1);
    this.numBatchesTracked?.data.fill(0);
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Batch normalization of [N, C] or [N, C, L] inputs. */
export class BatchNorm1d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new RangeError(`BatchNorm1d: expected 2-D or 3-D input ([N, C] or [N, C, L]), got shape ${shapeStr(x.shape)}`);
  }
}

/** Batch normalization of [N, C, H, W] inputs. */
export class BatchNorm2d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 4) throw new RangeError(`BatchNorm2d: expected 4-D input [N, C, H, W], got shape ${shapeStr(x.shape)}`);
  }
}

/** Layer normalization over the trailing axes of `normalizedShape` (biased variance). */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const k = normalizedShape.length;
  if (k === 0 || x.ndim < k || normalizedShape.some((d, i) => x.shape[x.ndim - k + i] !== d)) {
    throw new RangeError(`layerNorm: input of shape ${shapeStr(x.shape)} does not end in the normalized shape ${shapeStr(normalizedShape)}`);
  }
  const axes = normalizedShape.map((_, i) => x.ndim - k + i);
  const centered = x.sub(x.mean(axes, true));
  let y = centered.mul(centered.square().mean(axes, true).add(eps).rsqrt());
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

export class LayerNorm extends Module {
  weight!: Tensor | null;
  bias!: Tensor | null;
  readonly normalizedShape: number[];
  readonly eps: number;

  constructor(normalizedShape: number | readonly number[], options: { eps?: number; elementwiseAffine?: boolean; bias?: boolean; dtype?: DType } = {}) {
    super();
    checkOptions('LayerNorm', options, ['eps', 'elementwiseAffine', 'bias', 'dtype']);
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.length === 0 || !this.normalizedShape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new RangeError(`LayerNorm: normalizedShape must be positive integers, got ${JSON.stringify(normalizedShape)}`);
    }
    this.eps = options.eps ?? 1e-5;
    const affine = options.elementwiseAffine ?? true;
    const dtype = options.dtype ?? 'float32';
    this.registerParameter('weight', affine ? ones(this.normalizedShape, { dtype }) : null);
    this.registerParameter('bias', affine && options.bias !== false ? zeros(this.normalizedShape, { dtype }) : null);
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${shapeStr(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}

/** Group normalization of [N, C, ...]: statistics per sample over each group of C/numGroups channels. */
export function groupNorm(x: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  if (x.ndim < 2) throw new RangeError(`groupNorm: expected input [N, C, ...], got shape ${shapeStr(x.shape)}`);
  const [n, c] = x.shape;
  if (!Number.isInteger(numGroups) || numGroups < 1 || c % numGroups !== 0) {
    throw new RangeError(`groupNorm: the ${c} channels of input ${shapeStr(x.shape)} cannot be split into ${numGroups} groups`);
  }
  const grouped = x.reshape(n, numGroups, -1);
  const centered = grouped.sub(grouped.mean(2, true));
  let y = centered.mul(centered.square().mean(2, true).add(eps).rsqrt()).reshape([...x.shape]);
  const cs = channelShape(x);
  if (weight) y = y.mul(weight.reshape(cs));
  if (bias) y = y.add(bias.reshape(cs));
  return y;
}

export class GroupNorm extends Module {
  weight!: Tensor | null;
  bias!: Tensor | null;
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;

  constructor(numGroups: number, numChannels: number, options: { eps?: number; affine?: boolean; dtype?: DType } = {}) {
    super();
    checkOptions('GroupNorm', options, ['eps', 'affine', 'dtype']);
    if (!Number.isInteger(numGroups) || !Number.isInteger(numChannels) || numGroups < 1 || numChannels % numGroups !== 0) {
      throw new RangeError(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    }
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = options.eps ?? 1e-5;
    const affine = options.affine ?? true;
    const dtype = options.dtype ?? 'float32';
    this.registerParameter('weight', affine ? ones([numChannels], { dtype }) : null);
    this.registerParameter('bias', affine ? zeros([numChannels], { dtype }) : null);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new RangeError(`GroupNorm: expected input [N, ${this.numChannels}, ...], got shape ${shapeStr(x.shape)}`);
    }
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.weight !== null}`;
  }
}

export interface InstanceNormOptions {
  eps?: number;
  momentum?: number;
  /** Learnable per-channel scale and shift (default false, as PyTorch). */
  affine?: boolean;
  /** Keep running statistics and use them in eval mode (default false, as PyTorch). */
  trackRunningStats?: boolean;
  dtype?: DType;
}

/**
 * Instance normalization of [N, C, H, W] (or [C, H, W]) inputs: statistics per sample and
 * channel over the spatial axes. With trackRunningStats the running averages take the batch
 * mean of the per-instance statistics (unbiased variances), as PyTorch does (which keeps a
 * numBatchesTracked buffer for state-dict compatibility but never advances it).
 */
export class InstanceNorm2d extends Module {
  weight!: Tensor | null;
  bias!: Tensor | null;
  runningMean!: Tensor | null;
  runningVar!: Tensor | null;
  numBatchesTracked!: Tensor | null;
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number;
  readonly trackRunningStats: boolean;

  constructor(numFeatures: number, options: InstanceNormOptions = {}) {
    super();
    checkOptions('InstanceNorm2d', options, ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype']);
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new RangeError(`InstanceNorm2d: numFeatures must be a positive integer, got ${numFeatures}`);
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    this.trackRunningStats = options.trackRunningStats ?? false;
    const affine = options.affine ?? false;
    const dtype = options.dtype ?? 'float32';
    this.registerParameter('weight', affine ? ones([numFeatures], { dtype }) : null);
    this.registerParameter('bias', affine ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('runningMean', this.trackRunningStats ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('runningVar', this.trackRunningStats ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer('numBatchesTracked', this.trackRunningStats ? zeros([], { dtype }) : null);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim === 3) return this.forward(x.unsqueeze(0)).squeeze(0);
    if (x.ndim !== 4 || x.shape[1] !== this.numFeatures) {
      throw new RangeError(`InstanceNorm2d: expected input [N, ${this.numFeatures}, H, W] or [${this.numFeatures}, H, W], got shape ${shapeStr(x.shape)}`);
    }
    const cs = channelShape(x);
    let y: Tensor;
    if (this.training || !this.trackRunningStats) {
      const hw = x.shape[2] * x.shape[3];
      if (hw <= 1 && this.training) throw new RangeError(`InstanceNorm2d: expected more than 1 spatial element per channel when training, got input of shape ${shapeStr(x.shape)}`);
      const mean = x.mean([2, 3], true);
      const centered = x.sub(mean);
      const variance = centered.square().mean([2, 3], true);
      y = centered.mul(variance.add(this.eps).rsqrt());
      if (this.training && this.trackRunningStats && this.runningMean && this.runningVar) {
        const [n, c] = x.shape;
        const unbias = hw / Math.max(hw - 1, 1);
        const m = this.momentum;
        for (let ci = 0; ci < c; ci++) {
          let bm = 0;
          let bv = 0;
          for (let ni = 0; ni < n; ni++) {
            bm += mean.data[ni * c + ci];
            bv += variance.data[ni * c + ci] * unbias;
          }
          this.runningMean.data[ci] = (1 - m) * this.runningMean.data[ci] + (m * bm) / n;
          this.runningVar.data[ci] = (1 - m) * this.runningVar.data[ci] + (m * bv) / n;
        }
      }
    } else {
      y = x.sub(this.runningMean!.reshape(cs)).mul(this.runningVar!.reshape(cs).add(this.eps).rsqrt());
    }
    if (this.weight) y = y.mul(this.weight.reshape(cs));
    if (this.bias) y = y.add(this.bias.reshape(cs));
    return y;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}, trackRunningStats=${this.trackRunningStats}`;
  }
}

// ---- RMS, local response and functional instance normalization ----------------------------

/** The machine epsilon of a dtype, PyTorch's default eps of rms_norm. */
function machineEps(dtype: DType): number {
  return dtype === 'float64' ? 2.220446049250313e-16 : 1.1920928955078125e-7;
}

/**
 * Root-mean-square normalization (Zhang and Sennrich 2019) over the trailing axes of
 * `normalizedShape`: x / sqrt(mean(x^2) + eps) * weight, with no centering. PyTorch's rms_norm;
 * eps defaults to the machine epsilon of x's dtype, as there.
 */
export function rmsNorm(x: Tensor, normalizedShape: readonly number[], weight: Tensor | null = null, eps?: number): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError('rmsNorm: input must be a Tensor');
  const k = normalizedShape.length;
  if (k === 0 || x.ndim < k || normalizedShape.some((d, i) => x.shape[x.ndim - k + i] !== d)) {
    throw new RangeError(`rmsNorm: input of shape ${shapeStr(x.shape)} does not end in the normalized shape ${shapeStr(normalizedShape)}`);
  }
  if (weight && (weight.ndim !== k || weight.shape.some((d, i) => d !== normalizedShape[i]))) {
    throw new RangeError(`rmsNorm: weight of shape ${shapeStr(weight.shape)} must have the normalized shape ${shapeStr(normalizedShape)}`);
  }
  const e = eps ?? machineEps(x.dtype);
  if (!(e >= 0)) throw new RangeError(`rmsNorm: eps must be non-negative, got ${eps}`);
  const axes = normalizedShape.map((_, i) => x.ndim - k + i);
  const y = x.mul(x.square().mean(axes, true).add(e).rsqrt());
  return weight ? y.mul(weight) : y;
}

/** RMS normalization as a layer (PyTorch's nn.RMSNorm): a learnable per-element weight, initialized to ones. */
export class RMSNorm extends Module {
  weight!: Tensor | null;
  readonly normalizedShape: number[];
  /** undefined: the machine epsilon of the input's dtype. */
  readonly eps: number | undefined;

  constructor(normalizedShape: number | readonly number[], options: { eps?: number; elementwiseAffine?: boolean; dtype?: DType } = {}) {
    super();
    checkOptions('RMSNorm', options, ['eps', 'elementwiseAffine', 'dtype']);
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.length === 0 || !this.normalizedShape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new RangeError(`RMSNorm: normalizedShape must be positive integers, got ${JSON.stringify(normalizedShape)}`);
    }
    if (options.eps !== undefined && !(options.eps >= 0)) throw new RangeError(`RMSNorm: eps must be non-negative, got ${options.eps}`);
    this.eps = options.eps;
    this.registerParameter('weight', options.elementwiseAffine ?? true ? ones(this.normalizedShape, { dtype: options.dtype ?? 'float32' }) : null);
  }

  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.normalizedShape, this.weight, this.eps);
  }

  override extraRepr(): string {
    return `${shapeStr(this.normalizedShape)}, eps=${this.eps ?? 'machine epsilon'}, elementwiseAffine=${this.weight !== null}`;
  }
}

export interface LocalResponseNormOptions {
  /** Default 1e-4. */
  alpha?: number;
  /** Default 0.75. */
  beta?: number;
  /** Default 1. */
  k?: number;
}

/**
 * Local response normalization across channels (Krizhevsky et al. 2012) of x [N, C, ...]:
 * x / (k + alpha / size * sum of x^2 over `size` neighbouring channels)^beta, the window
 * zero-padded by floor(size/2) before and floor((size-1)/2) after: PyTorch's local_response_norm.
 */
export function localResponseNorm(x: Tensor, size: number, options: LocalResponseNormOptions = {}): Tensor {
  checkOptions('localResponseNorm', options, ['alpha', 'beta', 'k']);
  if (!(x instanceof Tensor)) throw new TypeError('localResponseNorm: input must be a Tensor');
  if (x.ndim < 3) throw new RangeError(`localResponseNorm: expected input [N, C, ...] with at least 3 dimensions, got shape ${shapeStr(x.shape)}`);
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`localResponseNorm: size must be a positive integer, got ${size}`);
  const { alpha = 1e-4, beta = 0.75, k = 1 } = options;
  const c = x.shape[1];
  const padded = x.square().pad([[Math.floor(size / 2), Math.floor((size - 1) / 2)], ...x.shape.slice(2).map(() => [0, 0] as [number, number])]);
  let windowSum = padded.slice(1, 0, c);
  for (let i = 1; i < size; i++) windowSum = windowSum.add(padded.slice(1, i, i + c));
  return x.div(windowSum.mul(alpha / size).add(k).pow(beta));
}

export interface InstanceNormFunctionalOptions {
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalize with each instance's statistics (and update the running ones, when given); default true. False uses the running ones. */
  useInputStats?: boolean;
  /** Weight of the new statistics in the running averages (default 0.1). */
  momentum?: number;
  eps?: number;
}

/**
 * Instance normalization of x [N, C, ...] (Ulyanov et al. 2016): statistics per sample and
 * channel over the remaining axes, PyTorch's instance_norm. Running statistics, when given and
 * useInputStats, are updated in place with the batch mean of the per-instance means and
 * unbiased variances.
 */
export function instanceNorm(x: Tensor, options: InstanceNormFunctionalOptions = {}): Tensor {
  checkOptions('instanceNorm', options, ['runningMean', 'runningVar', 'weight', 'bias', 'useInputStats', 'momentum', 'eps']);
  if (!(x instanceof Tensor)) throw new TypeError('instanceNorm: input must be a Tensor');
  if (x.ndim < 3) throw new RangeError(`instanceNorm: expected input [N, C, ...] with at least 3 dimensions, got shape ${shapeStr(x.shape)}`);
  const { runningMean = null, runningVar = null, weight = null, bias = null, useInputStats = true, momentum = 0.1, eps = 1e-5 } = options;
  const [n, c] = x.shape;
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) {
    if (t && (!(t instanceof Tensor) || t.ndim !== 1 || t.numel() !== c)) {
      throw new RangeError(`instanceNorm: ${name} must be a tensor of shape [${c}] (one per channel), got ${t instanceof Tensor ? shapeStr(t.shape) : typeof t}`);
    }
  }
  const cs = channelShape(x);
  let y: Tensor;
  if (useInputStats) {
    const axes = x.shape.map((_, i) => i).slice(2);
    const m = x.numel() / (n * c);
    if (m <= 1) throw new RangeError(`instanceNorm: expected more than 1 value per channel with input statistics, got input of shape ${shapeStr(x.shape)}`);
    const mean = x.mean(axes, true);
    const centered = x.sub(mean);
    const variance = centered.square().mean(axes, true);
    y = centered.mul(variance.add(eps).rsqrt());
    const unbias = m / (m - 1);
    for (let ci = 0; ci < c; ci++) {
      let bm = 0;
      let bv = 0;
      for (let ni = 0; ni < n; ni++) {
        bm += mean.data[ni * c + ci];
        bv += variance.data[ni * c + ci] * unbias;
      }
      if (runningMean) runningMean.data[ci] = (1 - momentum) * runningMean.data[ci] + (momentum * bm) / n;
      if (runningVar) runningVar.data[ci] = (1 - momentum) * runningVar.data[ci] + (momentum * bv) / n;
    }
  } else {
    if (!runningMean || !runningVar) throw new RangeError('instanceNorm: useInputStats false needs runningMean and runningVar');
    y = x.sub(runningMean.reshape(cs)).mul(runningVar.reshape(cs).add(eps).rsqrt());
  }
  if (weight) y = y.mul(weight.reshape(cs));
  if (bias) y = y.add(bias.reshape(cs));
  return y;
}

declareOwnModules(BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm, InstanceNorm2d, RMSNorm);
