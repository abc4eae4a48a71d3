/**
 * The rest of torch.nn's losses: ranking and embedding losses (margin ranking, cosine
 * embedding, triplet margin), likelihoods (Poisson and Gaussian NLL) and the multi-label
 * margins (soft margin, multilabel margin, multilabel soft margin), with PyTorch's definitions,
 * options and reductions, as functions and as modules. The CTC loss is in ./ctc-loss.ts.
 */
import { broadcastShapes, noGrad, Tensor, where } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';
import { checkTensors, checkWeight, LossModule, reduce, sameShapeOrThrow, shapeStr, type ReductionOptions } from './loss.js';
import { pairwiseDistance } from './vectors.js';

const EXTRA_LOSS_KEYS = {
  marginRankingLoss: ['reduction', 'margin'],
  cosineEmbeddingLoss: ['reduction', 'margin'],
  tripletMarginLoss: ['reduction', 'margin', 'p', 'eps', 'swap'],
  poissonNllLoss: ['reduction', 'logInput', 'full', 'eps'],
  gaussianNllLoss: ['reduction', 'full', 'eps'],
  softMarginLoss: ['reduction'],
  multilabelMarginLoss: ['reduction'],
  multilabelSoftMarginLoss: ['reduction', 'weight'],
} as const satisfies Record<string, readonly string[]>;

function checkBroadcast(op: string, named: Record<string, Tensor>): void {
  const entries = Object.entries(named);
  for (const [name, t] of entries) if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor`);
  try {
    entries.reduce<number[]>((s, [, t]) => broadcastShapes(s, t.shape, op), []);
  } catch {
    throw new RangeError(`${op}: the shapes ${entries.map(([n, t]) => `${n} ${shapeStr(t.shape)}`).join(', ')} do not broadcast together`);
  }
}

function checkSigns(op: string, target: Tensor): void {
  const t = target.data;
  for (let i = 0; i < t.length; i++) {
    if (t[i] !== 1 && t[i] !== -1) throw new RangeError(`${op}: targets must be -1 or +1, found ${t[i]} at flat index ${i}`);
  }
}

// ---- ranking and embeddings ---------------------------------------------------------------

export interface MarginOptions extends ReductionOptions {
  /** Default 0. */
  margin?: number;
}

/** max(0, -y (x1 - x2) + margin) for y = +1 (x1 should rank higher) or -1: PyTorch's margin_ranking_loss. */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: MarginOptions = {}): Tensor {
  checkOptions('marginRankingLoss', options, EXTRA_LOSS_KEYS.marginRankingLoss);
  checkBroadcast('marginRankingLoss', { input1, input2, target });
  const loss = target.neg().mul(input1.sub(input2)).add(options.margin ?? 0).relu();
  return reduce(loss, options.reduction, 'marginRankingLoss');
}

/**
 * For rows x1, x2 ([N, D] or [D]) and y in {+1, -1} ([N] or []): 1 - cos(x1, x2) where y = 1,
 * max(0, cos(x1, x2) - margin) where y = -1, with PyTorch's cos = x1.x2 / sqrt((|x1|^2 + 1e-12)
 * (|x2|^2 + 1e-12)): PyTorch's cosine_embedding_loss.
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: MarginOptions = {}): Tensor {
  checkOptions('cosineEmbeddingLoss', options, EXTRA_LOSS_KEYS.cosineEmbeddingLoss);
  checkTensors('cosineEmbeddingLoss', input1, input2);
  checkTensors('cosineEmbeddingLoss', input1, target);
  if ((input1.ndim !== 1 && input1.ndim !== 2) || input2.shape.join() !== input1.shape.join() || target.ndim !== input1.ndim - 1 || (target.ndim === 1 && target.shape[0] !== input1.shape[0])) {
    throw new RangeError(`cosineEmbeddingLoss: expected inputs [N, D] with target [N] (or [D] with a scalar target), got input1 ${shapeStr(input1.shape)}, input2 ${shapeStr(input2.shape)}, target ${shapeStr(target.shape)}`);
  }
  checkSigns('cosineEmbeddingLoss', target);
  const dim = input1.ndim - 1;
  const eps = 1e-12;
  const cos = input1.mul(input2).sum(dim).div(input1.square().sum(dim).add(eps).mul(input2.square().sum(dim).add(eps)).sqrt());
  const loss = where(target.eq(1), cos.neg().add(1), cos.sub(options.margin ?? 0).relu());
  return reduce(loss, options.reduction, 'cosineEmbeddingLoss');
}

export interface TripletMarginOptions extends ReductionOptions {
  /** Default 1. */
  margin?: number;
  /** The distance's norm (default 2). */
  p?: number;
  /** Added to differences, as in pairwiseDistance (default 1e-6). */
  eps?: number;
  /** Use min(d(a, n), d(p, n)) as the negative distance (Balntas et al. 2016). Default false. */
  swap?: boolean;
}

/**
 * max(d(a, p) - d(a, n) + margin, 0) with d the p-norm pairwise distance over the last axis:
 * PyTorch's triplet_margin_loss.
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options: TripletMarginOptions = {}): Tensor {
  checkOptions('tripletMarginLoss', options, EXTRA_LOSS_KEYS.tripletMarginLoss);
  checkBroadcast('tripletMarginLoss', { anchor, positive, negative });
  if (anchor.ndim !== positive.ndim || anchor.ndim !== negative.ndim || anchor.ndim < 1 || anchor.ndim > 2) {
    throw new RangeError(`tripletMarginLoss: anchor, positive and negative must all be [N, D] or all [D], got ${shapeStr(anchor.shape)}, ${shapeStr(positive.shape)}, ${shapeStr(negative.shape)}`);
  }
  const dist = { p: options.p ?? 2, eps: options.eps ?? 1e-6 };
  const dPos = pairwiseDistance(anchor, positive, dist);
  let dNeg = pairwiseDistance(anchor, negative, dist);
  if (options.swap) dNeg = dNeg.minimum(pairwiseDistance(positive, negative, dist));
  return reduce(dPos.sub(dNeg).add(options.margin ?? 1).relu(), options.reduction, 'tripletMarginLoss');
}

// ---- likelihoods --------------------------------------------------------------------------

export interface PoissonNllOptions extends ReductionOptions {
  /** The input is the log of the rate (default true): exp(input) - target input. */
  logInput?: boolean;
  /** Add Stirling's approximation of log(target!) where target > 1. Default false. */
  full?: boolean;
  /** Keeps log(input + eps) finite when logInput is false (default 1e-8). */
  eps?: number;
}

/**
 * The negative log-likelihood of targets under Poisson(rate): exp(input) - target input with
 * logInput, else input - target log(input + eps); `full` adds target log target - target +
 * 0.5 log(2 pi target) where target > 1. PyTorch's poisson_nll_loss.
 */
export function poissonNllLoss(input: Tensor, target: Tensor, options: PoissonNllOptions = {}): Tensor {
  checkOptions('poissonNllLoss', options, EXTRA_LOSS_KEYS.poissonNllLoss);
  checkBroadcast('poissonNllLoss', { input, target });
  let loss = options.logInput ?? true ? input.exp().sub(target.mul(input)) : input.sub(target.mul(input.add(options.eps ?? 1e-8).log()));
  if (options.full) {
    const big = target.gt(1);
    const t = where(big, target, 2); // the logs are taken only where the term counts
    const stirling = t.mul(t.log()).sub(t).add(t.mul(2 * Math.PI).log().mul(0.5));
    loss = loss.add(where(big, stirling, 0));
  }
  return reduce(loss, options.reduction, 'poissonNllLoss');
}

export interface GaussianNllOptions extends ReductionOptions {
  /** Add the constant 0.5 log(2 pi). Default false. */
  full?: boolean;
  /** The variance is raised to at least eps (without changing its gradient, as PyTorch). Default 1e-6. */
  eps?: number;
}

/**
 * The negative log-likelihood of target under N(input, var): 0.5 (log var + (input - target)^2
 * / var) (+ 0.5 log 2 pi when full). var has the input's shape, or lacks or has 1 as its last
 * axis (one variance per row). PyTorch's gaussian_nll_loss.
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, options: GaussianNllOptions = {}): Tensor {
  checkOptions('gaussianNllLoss', options, EXTRA_LOSS_KEYS.gaussianNllLoss);
  checkTensors('gaussianNllLoss', input, target);
  if (!(variance instanceof Tensor)) throw new TypeError('gaussianNllLoss: var must be a Tensor');
  checkBroadcast('gaussianNllLoss', { input, target });
  let v = variance;
  const lead = input.shape.slice(0, -1).join();
  if (v.shape.join() !== input.shape.join()) {
    if (v.ndim === input.ndim - 1 && v.shape.join() === lead) v = v.unsqueeze(-1);
    else if (!(v.ndim === input.ndim && v.shape[v.ndim - 1] === 1 && v.shape.slice(0, -1).join() === lead)) {
      throw new RangeError(`gaussianNllLoss: var of shape ${shapeStr(variance.shape)} must have the input's shape ${shapeStr(input.shape)}, or that shape without its last axis or with it as 1`);
    }
  }
  const vd = v.data;
  for (let i = 0; i < vd.length; i++) if (!(vd[i] >= 0)) throw new RangeError(`gaussianNllLoss: var has a negative entry ${vd[i]} at flat index ${i}; variances must be non-negative`);
  const eps = options.eps ?? 1e-6;
  if (!(eps >= 0)) throw new RangeError(`gaussianNllLoss: eps must be non-negative, got ${eps}`);
  // PyTorch clamps a clone under no_grad: the values are clamped, the gradient is the identity.
  const clamped = v.add(noGrad(() => v.clamp(eps).sub(v)));
  let loss = clamped.log().add(input.sub(target).square().div(clamped)).mul(0.5);
  if (options.full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
  return reduce(loss, options.reduction, 'gaussianNllLoss');
}

// ---- multi-label margins ------------------------------------------------------------------

/** log(1 + exp(-y x)) for labels y in {-1, +1}: PyTorch's soft_margin_loss. */
export function softMarginLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkOptions('softMarginLoss', options, EXTRA_LOSS_KEYS.softMarginLoss);
  sameShapeOrThrow('softMarginLoss', input, target);
  return reduce(target.mul(input).neg().softplus(), options.reduction, 'softMarginLoss');
}

/**
 * The multi-label hinge of PyTorch's multilabel_margin_loss: input [N, C] (or [C]) and a target
 * of the same shape listing each sample's classes, ended by the first -1; per sample,
 * sum over listed j and unlisted i of max(0, 1 - (x[j] - x[i])), divided by C.
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkOptions('multilabelMarginLoss', options, EXTRA_LOSS_KEYS.multilabelMarginLoss);
  sameShapeOrThrow('multilabelMarginLoss', input, target);
  if (input.ndim !== 1 && input.ndim !== 2) throw new RangeError(`multilabelMarginLoss: input must be [N, C] or [C], got shape ${shapeStr(input.shape)}`);
  const x = input.ndim === 1 ? input.unsqueeze(0) : input;
  const [n, c] = x.shape;
  // pairs[s, j, i] counts how often (listed j, unlisted i) occurs for sample s.
  const pairs = new (x.dtype === 'float64' ? Float64Array : Float32Array)(n * c * c);
  const t = target.data;
  for (let s = 0; s < n; s++) {
    const listed: number[] = [];
    for (let k = 0; k < c; k++) {
      const y = t[s * c + k];
      if (y === -1) break;
      if (!Number.isInteger(y) || y < 0 || y >= c) throw new RangeError(`multilabelMarginLoss: target ${y} at flat position ${s * c + k} is not a class index in [0, ${c - 1}] or the end marker -1`);
      listed.push(y);
    }
    const isListed = new Set(listed);
    for (const j of listed) for (let i = 0; i < c; i++) if (!isListed.has(i)) pairs[(s * c + j) * c + i] += 1;
  }
  const hinge = x.unsqueeze(1).sub(x.unsqueeze(2)).add(1).relu(); // [s, j, i] = max(0, 1 - x[j] + x[i])
  const loss = hinge.mul(new Tensor(pairs, [n, c, c])).sum([1, 2]).div(c);
  const reduced = reduce(loss, options.reduction, 'multilabelMarginLoss');
  return input.ndim === 1 && (options.reduction ?? 'mean') === 'none' ? reduced.squeeze(0) : reduced;
}

export interface MultilabelSoftMarginOptions extends ReductionOptions {
  /** Per-class weights, broadcast against [N, C]. */
  weight?: Tensor | null;
}

/**
 * Per-class binary cross-entropy of logits averaged over the C classes (last axis), with
 * targets in {0, 1}: PyTorch's multilabel_soft_margin_loss.
 */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, options: MultilabelSoftMarginOptions = {}): Tensor {
  checkOptions('multilabelSoftMarginLoss', options, EXTRA_LOSS_KEYS.multilabelSoftMarginLoss);
  sameShapeOrThrow('multilabelSoftMarginLoss', input, target);
  if (input.ndim < 1) throw new RangeError('multilabelSoftMarginLoss: input must have a class axis, got a scalar');
  checkWeight('multilabelSoftMarginLoss', options.weight, input.shape, 'weight');
  let loss = target.mul(input.logSigmoid()).add(target.neg().add(1).mul(input.neg().logSigmoid())).neg();
  if (options.weight) loss = loss.mul(options.weight);
  return reduce(loss.mean(input.ndim - 1), options.reduction, 'multilabelSoftMarginLoss');
}

// ---- modules ------------------------------------------------------------------------------

export class MarginRankingLoss extends LossModule<MarginOptions> {
  constructor(options: MarginOptions = {}) { super(checkOptions('MarginRankingLoss', options, EXTRA_LOSS_KEYS.marginRankingLoss)); }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor { return marginRankingLoss(input1, input2, target, this.options); }
}
export class CosineEmbeddingLoss extends LossModule<MarginOptions> {
  constructor(options: MarginOptions = {}) { super(checkOptions('CosineEmbeddingLoss', options, EXTRA_LOSS_KEYS.cosineEmbeddingLoss)); }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor { return cosineEmbeddingLoss(input1, input2, target, this.options); }
}
export class TripletMarginLoss extends LossModule<TripletMarginOptions> {
  constructor(options: TripletMarginOptions = {}) { super(checkOptions('TripletMarginLoss', options, EXTRA_LOSS_KEYS.tripletMarginLoss)); }
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor { return tripletMarginLoss(anchor, positive, negative, this.options); }
}
export class PoissonNLLLoss extends LossModule<PoissonNllOptions> {
  constructor(options: PoissonNllOptions = {}) { super(checkOptions('PoissonNLLLoss', options, EXTRA_LOSS_KEYS.poissonNllLoss)); }
  forward(input: Tensor, target: Tensor): Tensor { return poissonNllLoss(input, target, this.options); }
}
export class GaussianNLLLoss extends LossModule<GaussianNllOptions> {
  constructor(options: GaussianNllOptions = {}) { super(checkOptions('GaussianNLLLoss', options, EXTRA_LOSS_KEYS.gaussianNllLoss)); }
  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor { return gaussianNllLoss(input, target, variance, this.options); }
}
export class SoftMarginLoss extends LossModule<ReductionOptions> {
  constructor(options: ReductionOptions = {}) { super(checkOptions('SoftMarginLoss', options, EXTRA_LOSS_KEYS.softMarginLoss)); }
  forward(input: Tensor, target: Tensor): Tensor { return softMarginLoss(input, target, this.options); }
}
export class MultiLabelMarginLoss extends LossModule<ReductionOptions> {
  constructor(options: ReductionOptions = {}) { super(checkOptions('MultiLabelMarginLoss', options, EXTRA_LOSS_KEYS.multilabelMarginLoss)); }
  forward(input: Tensor, target: Tensor): Tensor { return multilabelMarginLoss(input, target, this.options); }
}
export class MultiLabelSoftMarginLoss extends LossModule<MultilabelSoftMarginOptions> {
  constructor(options: MultilabelSoftMarginOptions = {}) { super(checkOptions('MultiLabelSoftMarginLoss', options, EXTRA_LOSS_KEYS.multilabelSoftMarginLoss)); }
  forward(input: Tensor, target: Tensor): Tensor { return multilabelSoftMarginLoss(input, target, this.options); }
}
