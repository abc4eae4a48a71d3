/**
 * Switchable normalization (Luo, Ren, Peng, Zhang and Li 2019, "Differentiable Learning-to-
 * Normalize via Switchable Normalization", ICLR), listed by the theory overview: each layer
 * learns how much of instance, layer and batch normalization to use. For h of shape
 * [N, C, H, W], with Ω_k the set of elements statistic k averages over,
 *
 * ```
 * μ_in, σ²_in  over H, W        (per sample and channel)
 * μ_ln = mean_c μ_in,  σ²_ln = mean_c (σ²_in + μ_in²) - μ_ln²      (per sample)
 * μ_bn = mean_n μ_in,  σ²_bn = mean_n (σ²_in + μ_in²) - μ_bn²      (per channel)
 * ĥ = γ (h - Σ_k w_k μ_k) / √(Σ_k w'_k σ²_k + ε) + β,   w = softmax(λ), w' = softmax(λ')
 * ```
 *
 * (the paper's equations 1-5: LN and BN statistics are computed from IN's, so the layer costs
 * about one IN). λ and λ' (`meanWeight`, `varWeight`, order IN, LN, BN) are learned and start
 * equal (w = 1/3 each). In evaluation mode the BN statistics are running averages.
 *
 * Deviation, stated: the paper's σ²_in is the biased variance (1/HW Σ (h - μ)²), used here;
 * the authors' code (switchablenorms/Switchable-Normalization) takes torch's unbiased `var`.
 */
import { ones, Tensor, zeros, type DType } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';
import { Module } from './module.js';

export interface SwitchableNormOptions {
  /** Added to the mixed variance (default 1e-5). */
  eps?: number;
  /**
   * The weight of the new batch in the running BN averages, r <- (1 - m) r + m batch
   * (PyTorch's convention; default 0.003, the authors' code's 0.997 on the old value).
   */
  momentum?: number;
  /** Learnable per-channel γ and β (default true). */
  affine?: boolean;
  dtype?: DType;
}

/** The IN, LN and BN means and variances of a [N, C, H, W] input, each broadcastable to it. */
export interface SwitchableStatistics {
  mean: { in: Tensor; ln: Tensor; bn: Tensor };
  variance: { in: Tensor; ln: Tensor; bn: Tensor };
}

/**
 * The three normalizers' statistics of `x` as the paper computes them: IN over H, W; LN and
 * BN as averages of IN's mean and second moment over channels and over the batch.
 */
export function switchableStatistics(x: Tensor): SwitchableStatistics {
  const meanIn = x.mean([2, 3], true);
  const varIn = x.sub(meanIn).square().mean([2, 3], true);
  const second = varIn.add(meanIn.square());
  const meanLn = meanIn.mean([1], true);
  const meanBn = meanIn.mean([0], true);
  return {
    mean: { in: meanIn, ln: meanLn, bn: meanBn },
    variance: { in: varIn, ln: second.mean([1], true).sub(meanLn.square()), bn: second.mean([0], true).sub(meanBn.square()) },
  };
}

/** Σ_k w_k s_k for the softmax weights of the three logits in `lambda` (order IN, LN, BN). */
function mix(lambda: Tensor, s: readonly [Tensor, Tensor, Tensor]): Tensor {
  const w = lambda.softmax(0);
  return s[0].mul(w.select(0, 0)).add(s[1].mul(w.select(0, 1))).add(s[2].mul(w.select(0, 2)));
}

/** Switchable normalization of [N, C, H, W] inputs (see the module doc for the formulas). */
export class SwitchableNorm2d extends Module {
  weight!: Tensor | null;
  bias!: Tensor | null;
  /** λ for the mean's mix (IN, LN, BN), softmaxed. */
  meanWeight!: Tensor;
  /** λ' for the variance's mix (IN, LN, BN), softmaxed. */
  varWeight!: Tensor;
  runningMean!: Tensor;
  runningVar!: Tensor;
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number;

  constructor(numFeatures: number, options: SwitchableNormOptions = {}) {
    super();
    checkOptions('SwitchableNorm2d', options, ['eps', 'momentum', 'affine', 'dtype']);
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new RangeError(`SwitchableNorm2d: numFeatures must be a positive integer, got ${numFeatures}`);
    const momentum = options.momentum ?? 0.003;
    if (!(momentum >= 0 && momentum <= 1)) throw new RangeError(`SwitchableNorm2d: momentum must be in [0, 1], got ${momentum}`);
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.momentum = momentum;
    const dtype = options.dtype ?? 'float32';
    const affine = options.affine ?? true;
    this.registerParameter('weight', affine ? ones([numFeatures], { dtype }) : null);
    this.registerParameter('bias', affine ? zeros([numFeatures], { dtype }) : null);
    this.registerParameter('meanWeight', ones([3], { dtype }));
    this.registerParameter('varWeight', ones([3], { dtype }));
    this.registerBuffer('runningMean', zeros([numFeatures], { dtype }));
    this.registerBuffer('runningVar', ones([numFeatures], { dtype }));
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.numFeatures) {
      throw new RangeError(`SwitchableNorm2d: expected input [N, ${this.numFeatures}, H, W], got shape [${x.shape.join(', ')}]`);
    }
    const c = this.numFeatures;
    const s = switchableStatistics(x);
    let meanBn = s.mean.bn;
    let varBn = s.variance.bn;
    if (this.training) {
      // The running averages take the batch statistics as used (the BN variance as computed above).
      const m = this.momentum;
      for (let i = 0; i < c; i++) {
        this.runningMean.data[i] = (1 - m) * this.runningMean.data[i] + m * meanBn.data[i];
        this.runningVar.data[i] = (1 - m) * this.runningVar.data[i] + m * varBn.data[i];
      }
    } else {
      meanBn = this.runningMean.reshape([1, c, 1, 1]);
      varBn = this.runningVar.reshape([1, c, 1, 1]);
    }
    const mean = mix(this.meanWeight, [s.mean.in, s.mean.ln, meanBn]);
    const variance = mix(this.varWeight, [s.variance.in, s.variance.ln, varBn]);
    let y = x.sub(mean).mul(variance.add(this.eps).rsqrt());
    if (this.weight) y = y.mul(this.weight.reshape([1, c, 1, 1]));
    if (this.bias) y = y.add(this.bias.reshape([1, c, 1, 1]));
    return y;
  }

  /** The current softmax weights (IN, LN, BN) of the mean and of the variance. */
  switchWeights(): { mean: number[]; variance: number[] } {
    const soft = (t: Tensor): number[] => Array.from(t.softmax(0).data);
    return { mean: soft(this.meanWeight), variance: soft(this.varWeight) };
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}`;
  }
}
