/**
 * Loss functions with PyTorch's definitions and reductions ('mean' | 'sum' | 'none'), as
 * functions and as modules. Shapes are checked: input and target must match exactly where
 * PyTorch would broadcast (with a warning), which is nearly always a bug.
 *
 * Class indices are int32 tensors (float tensors holding integers, as before int32 existed, still work).
 */
import { gatherFlat, Tensor, where } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';
import { Module } from './module.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface ReductionOptions {
  reduction?: Reduction;
}

/** The options each loss reads; anything else is refused (checkOptions). */
const LOSS_KEYS = {
  mseLoss: ['reduction'],
  l1Loss: ['reduction'],
  huberLoss: ['reduction', 'delta'],
  smoothL1Loss: ['reduction', 'beta'],
  nllLoss: ['reduction', 'weight', 'ignoreIndex'],
  crossEntropy: ['reduction', 'weight', 'ignoreIndex', 'labelSmoothing'],
  binaryCrossEntropy: ['reduction', 'weight'],
  binaryCrossEntropyWithLogits: ['reduction', 'weight', 'posWeight'],
  klDiv: ['reduction', 'logTarget'],
  multiMarginLoss: ['reduction', 'p', 'margin', 'weight'],
  hingeLoss: ['reduction', 'margin'],
  hingeEmbeddingLoss: ['reduction', 'margin'],
} as const satisfies Record<string, readonly string[]>;

/** @internal shared with ./loss-extra.ts */
export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** @internal shared with ./loss-extra.ts */
export function checkTensors(op: string, input: unknown, target: unknown): void {
  if (!(input instanceof Tensor)) throw new TypeError(`${op}: input must be a Tensor`);
  if (!(target instanceof Tensor)) throw new TypeError(`${op}: target must be a Tensor`);
}

/** @internal shared with ./loss-extra.ts */
export function sameShapeOrThrow(op: string, input: Tensor, target: Tensor): void {
  checkTensors(op, input, target);
  if (input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new RangeError(`${op}: input shape ${shapeStr(input.shape)} and target shape ${shapeStr(target.shape)} differ; they must be the same`);
  }
}

/** @internal shared with ./loss-extra.ts */
export function reduce(loss: Tensor, reduction: Reduction | undefined, op: string): Tensor {
  switch (reduction ?? 'mean') {
    case 'mean': return loss.mean();
    case 'sum': return loss.sum();
    case 'none': return loss;
    default: throw new RangeError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
}

/** @internal shared with ./loss-extra.ts */
export function checkWeight(op: string, weight: Tensor | undefined | null, shape: readonly number[], what: string): void {
  if (!weight) return;
  if (!(weight instanceof Tensor)) throw new TypeError(`${op}: ${what} must be a Tensor`);
  // The weight must broadcast to `shape`.
  const ok = weight.ndim <= shape.length && weight.shape.every((d, i) => d === 1 || d === shape[shape.length - weight.ndim + i]);
  if (!ok) throw new RangeError(`${op}: ${what} of shape ${shapeStr(weight.shape)} does not broadcast to ${shapeStr(shape)}`);
}

// ---- regression ---------------------------------------------------------------------------

/** (input - target)^2. */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkOptions('mseLoss', options, LOSS_KEYS.mseLoss);
  sameShapeOrThrow('mseLoss', input, target);
  return reduce(input.sub(target).square(), options.reduction, 'mseLoss');
}

/** |input - target|. */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkOptions('l1Loss', options, LOSS_KEYS.l1Loss);
  sameShapeOrThrow('l1Loss', input, target);
  return reduce(input.sub(target).abs(), options.reduction, 'l1Loss');
}

/** 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta), with d = input - target (default delta 1). */
export function huberLoss(input: Tensor, target: Tensor, options: ReductionOptions & { delta?: number } = {}): Tensor {
  checkOptions('huberLoss', options, LOSS_KEYS.huberLoss);
  sameShapeOrThrow('huberLoss', input, target);
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new RangeError(`huberLoss: delta must be positive, got ${delta}`);
  const d = input.sub(target);
  const a = d.abs();
  const small = a.lt(delta);
  return reduce(where(small, d.square().mul(0.5), a.sub(0.5 * delta).mul(delta)), options.reduction, 'huberLoss');
}

/** 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (default beta 1; beta 0 is the L1 loss). */
export function smoothL1Loss(input: Tensor, target: Tensor, options: ReductionOptions & { beta?: number } = {}): Tensor {
  checkOptions('smoothL1Loss', options, LOSS_KEYS.smoothL1Loss);
  sameShapeOrThrow('smoothL1Loss', input, target);
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new RangeError(`smoothL1Loss: beta must be non-negative, got ${beta}`);
  const d = input.sub(target);
  const a = d.abs();
  if (beta === 0) return reduce(a, options.reduction, 'smoothL1Loss');
  return reduce(where(a.lt(beta), d.square().mul(0.5 / beta), a.sub(0.5 * beta)), options.reduction, 'smoothL1Loss');
}

// ---- classification -----------------------------------------------------------------------

export interface NllOptions extends ReductionOptions {
  /** Per-class weights [C]. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing (and are left out of the mean's denominator). Default -100. */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NllOptions {
  /** Mixes the target with the uniform distribution: (1 - eps) target + eps / C. Default 0. */
  labelSmoothing?: number;
}

interface ClassTargets {
  /** logp picked at each target (0 where ignored), shape of the target. */
  picked: Tensor;
  /** The weight of each target's class (0 where ignored): a constant tensor. */
  weights: Tensor;
  /** 1 where not ignored, 0 where ignored. */
  mask: Tensor;
}

/** Validates class-index targets against input [N, C, d...] and picks input[n, target, d...]. */
function pickClasses(op: string, input: Tensor, target: Tensor, weight: Tensor | null | undefined, ignoreIndex: number): ClassTargets {
  const [n, c] = input.shape;
  const spatial = input.shape.slice(2);
  const expected = [n, ...spatial];
  if (target.ndim !== expected.length || target.shape.some((d, i) => d !== expected[i])) {
    throw new RangeError(`${op}: for input of shape ${shapeStr(input.shape)}, class-index targets must have shape ${shapeStr(expected)} (or the input's shape, for class probabilities); got ${shapeStr(target.shape)}`);
  }
  if (weight && (!(weight instanceof Tensor) || weight.ndim !== 1 || weight.numel() !== c)) {
    throw new RangeError(`${op}: weight must be a tensor of shape [${c}] (one per class), got ${weight instanceof Tensor ? shapeStr(weight.shape) : typeof weight}`);
  }
  const s = spatial.reduce((p, d) => p * d, 1);
  const t = target.data;
  const index = new Int32Array(t.length);
  const w = new (input.dtype === 'float64' ? Float64Array : Float32Array)(t.length);
  const mask = new (input.dtype === 'float64' ? Float64Array : Float32Array)(t.length);
  for (let k = 0; k < t.length; k++) {
    const y = t[k];
    if (y === ignoreIndex) {
      index[k] = -1;
      continue;
    }
    if (!Number.isInteger(y) || y < 0 || y >= c) {
      throw new RangeError(`${op}: target ${y} at flat position ${k} is not a class index in [0, ${c - 1}]${Number.isInteger(ignoreIndex) ? ` (or ignoreIndex ${ignoreIndex})` : ''}`);
    }
    const ni = Math.floor(k / s);
    const si = k % s;
    index[k] = (ni * c + y) * s + si;
    w[k] = weight ? weight.data[y] : 1;
    mask[k] = 1;
  }
  return {
    picked: gatherFlat(input, index, target.shape),
    weights: new Tensor(w, target.shape),
    mask: new Tensor(mask, target.shape),
  };
}

/** Brings unbatched input [C] (target [] or [C]) to [1, C]; returns a function undoing it on 'none' results. */
function batchify(input: Tensor, target: Tensor): [Tensor, Tensor, (t: Tensor) => Tensor] {
  if (input.ndim !== 1) return [input, target, (t) => t];
  const t = target.ndim === 0 ? target.reshape(1) : target.ndim === 1 && target.numel() === input.numel() ? target.unsqueeze(0) : target;
  return [input.unsqueeze(0), t, (x) => (x.ndim > 0 && x.shape[0] === 1 ? x.squeeze(0) : x)];
}

/**
 * The negative log-likelihood of class indices given log-probabilities input [N, C, d...] (or
 * [C]): -weight[y] input[n, y]. 'mean' divides by the sum of the targets' weights, as PyTorch.
 */
export function nllLoss(input: Tensor, target: Tensor, options: NllOptions = {}): Tensor {
  checkOptions('nllLoss', options, LOSS_KEYS.nllLoss);
  checkTensors('nllLoss', input, target);
  const [x, y, unbatch] = batchify(input, target);
  if (x.ndim < 2) throw new RangeError(`nllLoss: input must be [N, C, ...] or [C], got shape ${shapeStr(input.shape)}`);
  const { picked, weights } = pickClasses('nllLoss', x, y, options.weight, options.ignoreIndex ?? -100);
  const loss = picked.mul(weights).neg();
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'mean') return loss.sum().div(weights.sum());
  return unbatch(reduce(loss, reduction, 'nllLoss'));
}

/**
 * Cross-entropy from logits input [N, C, d...] (or [C]), with either class-index targets
 * [N, d...] (int32, or a float tensor of integers) or class probabilities of the input's shape. Supports
 * class weights, ignoreIndex (index targets) and label smoothing, with PyTorch's formulas:
 * (1 - eps) nll + eps/C * sum_c(-w_c logp_c), and for 'mean' the weighted sums divided by the
 * sum of the targets' weights.
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  checkOptions('crossEntropy', options, LOSS_KEYS.crossEntropy);
  checkTensors('crossEntropy', input, target);
  const ls = options.labelSmoothing ?? 0;
  if (!(ls >= 0 && ls <= 1)) throw new RangeError(`crossEntropy: labelSmoothing must lie in [0, 1], got ${ls}`);
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') reduce(input, reduction, 'crossEntropy');
  const [x, y, unbatch] = batchify(input, target);
  if (x.ndim < 2) throw new RangeError(`crossEntropy: input must be [N, C, ...] or [C], got shape ${shapeStr(input.shape)}`);
  const c = x.shape[1];
  const logp = x.logSoftmax(1);
  const weight = options.weight ?? null;
  const wShape = x.shape.map((d, i) => (i === 1 ? d : 1));
  if (weight && (!(weight instanceof Tensor) || weight.ndim !== 1 || weight.numel() !== c)) {
    throw new RangeError(`crossEntropy: weight must be a tensor of shape [${c}] (one per class), got ${weight instanceof Tensor ? shapeStr(weight.shape) : typeof weight}`);
  }
  if (y.ndim === x.ndim) {
    // Class probabilities.
    if (y.shape.some((d, i) => d !== x.shape[i])) {
      throw new RangeError(`crossEntropy: probability targets must have the input's shape ${shapeStr(input.shape)}, got ${shapeStr(target.shape)}`);
    }
    const p = ls > 0 ? y.mul(1 - ls).add(ls / c) : y;
    let terms = logp.mul(p);
    if (weight) terms = terms.mul(weight.reshape(wShape));
    const loss = terms.sum(1).neg();
    return unbatch(reduce(loss, reduction, 'crossEntropy'));
  }
  const { picked, weights, mask } = pickClasses('crossEntropy', logp, y, weight, options.ignoreIndex ?? -100);
  const nll = picked.mul(weights).neg();
  if (ls === 0) {
    if (reduction === 'mean') return nll.sum().div(weights.sum());
    return unbatch(reduce(nll, reduction, 'crossEntropy'));
  }
  // where, not a product with the mask: with every target ignored the 'mean' divides by 0, and
  // the infinite gradient times a 0 mask would be NaN; where passes exactly 0 (as PyTorch: the
  // loss is NaN, the gradient 0).
  const smooth = where(mask, (weight ? logp.mul(weight.reshape(wShape)) : logp).sum(1).neg(), 0);
  if (reduction === 'mean') {
    const denom = weights.sum();
    return nll.sum().div(denom).mul(1 - ls).add(smooth.sum().div(denom).mul(ls / c));
  }
  const loss = nll.mul(1 - ls).add(smooth.mul(ls / c));
  return unbatch(reduce(loss, reduction, 'crossEntropy'));
}

export interface BceOptions extends ReductionOptions {
  /** Rescales each element's loss (broadcast to the input's shape). */
  weight?: Tensor | null;
}

/**
 * Binary cross-entropy of probabilities: -w [y log x + (1 - y) log(1 - x)], with the logs
 * clamped at -100 as PyTorch does (so a confident mistake costs 100, not infinity).
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BceOptions = {}): Tensor {
  checkOptions('binaryCrossEntropy', options, LOSS_KEYS.binaryCrossEntropy);
  sameShapeOrThrow('binaryCrossEntropy', input, target);
  checkWeight('binaryCrossEntropy', options.weight, input.shape, 'weight');
  const d = input.data;
  for (let i = 0; i < d.length; i++) {
    if (!(d[i] >= 0 && d[i] <= 1)) throw new RangeError(`binaryCrossEntropy: input must hold probabilities in [0, 1], found ${d[i]} at flat index ${i} (use binaryCrossEntropyWithLogits for logits)`);
  }
  const logX = input.log().clamp(-100);
  const log1mX = input.neg().add(1).log().clamp(-100);
  let loss = target.mul(logX).add(target.neg().add(1).mul(log1mX)).neg();
  if (options.weight) loss = loss.mul(options.weight);
  return reduce(loss, options.reduction, 'binaryCrossEntropy');
}

export interface BceWithLogitsOptions extends BceOptions {
  /** Weight of the positive class, broadcast over the last axis (one per class): > 1 raises recall. */
  posWeight?: Tensor | null;
}

/**
 * Binary cross-entropy of logits, computed stably as
 * (1 - y) x + (1 + (posWeight - 1) y) softplus(-x), times the weight.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BceWithLogitsOptions = {}): Tensor {
  checkOptions('binaryCrossEntropyWithLogits', options, LOSS_KEYS.binaryCrossEntropyWithLogits);
  sameShapeOrThrow('binaryCrossEntropyWithLogits', input, target);
  checkWeight('binaryCrossEntropyWithLogits', options.weight, input.shape, 'weight');
  checkWeight('binaryCrossEntropyWithLogits', options.posWeight, input.shape, 'posWeight');
  const sp = input.neg().softplus();
  const scale = options.posWeight ? options.posWeight.sub(1).mul(target).add(1) : null;
  let loss = target.neg().add(1).mul(input).add(scale ? sp.mul(scale) : sp);
  if (options.weight) loss = loss.mul(options.weight);
  return reduce(loss, options.reduction, 'binaryCrossEntropyWithLogits');
}

export interface KlDivOptions {
  /** 'batchmean' divides the sum by the batch size (the true KL divergence per sample); 'mean' (PyTorch's default) averages over every element. */
  reduction?: Reduction | 'batchmean';
  /** The target is given as log-probabilities. Default false. */
  logTarget?: boolean;
}

/**
 * PyTorch's kl_div: input holds log-probabilities, target probabilities (or log-probabilities
 * with logTarget); pointwise target (log target - input), taken as 0 where target is 0.
 */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  checkOptions('klDiv', options, LOSS_KEYS.klDiv);
  sameShapeOrThrow('klDiv', input, target);
  let loss: Tensor;
  if (options.logTarget) {
    loss = target.exp().mul(target.sub(input));
  } else {
    const positive = target.gt(0);
    const safe = where(positive, target, 1);
    loss = where(positive, target.mul(safe.log()), 0).sub(target.mul(input));
  }
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'batchmean') return input.ndim === 0 ? loss.sum() : loss.sum().div(input.shape[0]);
  return reduce(loss, reduction, 'klDiv');
}

export interface MultiMarginOptions extends ReductionOptions {
  /** 1 (default) or 2: the hinge or the squared hinge. */
  p?: 1 | 2;
  /** Default 1. */
  margin?: number;
  /** Per-class weights [C], applied by the target's class. */
  weight?: Tensor | null;
}

/**
 * The multi-class hinge (Weston and Watkins / Crammer-Singer style, as PyTorch's
 * multi_margin_loss): for input [N, C] and class indices [N],
 * sum over i != y of w[y] max(0, margin - x[y] + x[i])^p, divided by C.
 */
export function multiMarginLoss(input: Tensor, target: Tensor, options: MultiMarginOptions = {}): Tensor {
  checkOptions('multiMarginLoss', options, LOSS_KEYS.multiMarginLoss);
  checkTensors('multiMarginLoss', input, target);
  const p = options.p ?? 1;
  if (p !== 1 && p !== 2) throw new RangeError(`multiMarginLoss: p must be 1 or 2, got ${p}`);
  const margin = options.margin ?? 1;
  const [x, y, unbatch] = batchify(input, target);
  if (x.ndim !== 2) throw new RangeError(`multiMarginLoss: input must be [N, C] or [C], got shape ${shapeStr(input.shape)}`);
  const [n, c] = x.shape;
  const { picked, weights } = pickClasses('multiMarginLoss', x, y, options.weight, Number.NaN);
  const z = x.sub(picked.reshape(n, 1)).add(margin).relu();
  const notTarget = new Tensor(new (x.dtype === 'float64' ? Float64Array : Float32Array)(n * c).fill(1), [n, c]);
  for (let k = 0; k < n; k++) notTarget.data[k * c + y.data[k]] = 0;
  const h = (p === 2 ? z.square() : z).mul(notTarget);
  const loss = h.sum(1).mul(weights).div(c);
  return unbatch(reduce(loss, options.reduction, 'multiMarginLoss'));
}

/** The binary hinge max(0, margin - y x) for labels y in {-1, +1} (default margin 1). */
export function hingeLoss(input: Tensor, target: Tensor, options: ReductionOptions & { margin?: number } = {}): Tensor {
  checkOptions('hingeLoss', options, LOSS_KEYS.hingeLoss);
  sameShapeOrThrow('hingeLoss', input, target);
  const t = target.data;
  for (let i = 0; i < t.length; i++) {
    if (t[i] !== 1 && t[i] !== -1) throw new RangeError(`hingeLoss: targets must be -1 or +1, found ${t[i]} at flat index ${i}`);
  }
  return reduce(target.mul(input).neg().add(options.margin ?? 1).relu(), options.reduction, 'hingeLoss');
}

/** PyTorch's hinge_embedding_loss: x where y = 1, max(0, margin - x) where y = -1 (default margin 1). */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, options: ReductionOptions & { margin?: number } = {}): Tensor {
  checkOptions('hingeEmbeddingLoss', options, LOSS_KEYS.hingeEmbeddingLoss);
  sameShapeOrThrow('hingeEmbeddingLoss', input, target);
  const t = target.data;
  for (let i = 0; i < t.length; i++) {
    if (t[i] !== 1 && t[i] !== -1) throw new RangeError(`hingeEmbeddingLoss: targets must be -1 or +1, found ${t[i]} at flat index ${i}`);
  }
  const loss = where(target.eq(1), input, input.neg().add(options.margin ?? 1).relu());
  return reduce(loss, options.reduction, 'hingeEmbeddingLoss');
}

// ---- modules ------------------------------------------------------------------------------

/** @internal the base of every loss module (./loss-extra.ts too): it keeps the options. */
export abstract class LossModule<O> extends Module {
  constructor(readonly options: O) {
    super();
  }
}

export class MSELoss extends LossModule<ReductionOptions> {
  constructor(options: ReductionOptions = {}) { super(checkOptions('MSELoss', options, LOSS_KEYS.mseLoss)); }
  forward(input: Tensor, target: Tensor): Tensor { return mseLoss(input, target, this.options); }
}
export class L1Loss extends LossModule<ReductionOptions> {
  constructor(options: ReductionOptions = {}) { super(checkOptions('L1Loss', options, LOSS_KEYS.l1Loss)); }
  forward(input: Tensor, target: Tensor): Tensor { return l1Loss(input, target, this.options); }
}
export class HuberLoss extends LossModule<ReductionOptions & { delta?: number }> {
  constructor(options: ReductionOptions & { delta?: number } = {}) { super(checkOptions('HuberLoss', options, LOSS_KEYS.huberLoss)); }
  forward(input: Tensor, target: Tensor): Tensor { return huberLoss(input, target, this.options); }
}
export class SmoothL1Loss extends LossModule<ReductionOptions & { beta?: number }> {
  constructor(options: ReductionOptions & { beta?: number } = {}) { super(checkOptions('SmoothL1Loss', options, LOSS_KEYS.smoothL1Loss)); }
  forward(input: Tensor, target: Tensor): Tensor { return smoothL1Loss(input, target, this.options); }
}
export class CrossEntropyLoss extends LossModule<CrossEntropyOptions> {
  constructor(options: CrossEntropyOptions = {}) { super(checkOptions('CrossEntropyLoss', options, LOSS_KEYS.crossEntropy)); }
  forward(input: Tensor, target: Tensor): Tensor { return crossEntropy(input, target, this.options); }
}
export class NLLLoss extends LossModule<NllOptions> {
  constructor(options: NllOptions = {}) { super(checkOptions('NLLLoss', options, LOSS_KEYS.nllLoss)); }
  forward(input: Tensor, target: Tensor): Tensor { return nllLoss(input, target, this.options); }
}
export class BCELoss extends LossModule<BceOptions> {
  constructor(options: BceOptions = {}) { super(checkOptions('BCELoss', options, LOSS_KEYS.binaryCrossEntropy)); }
  forward(input: Tensor, target: Tensor): Tensor { return binaryCrossEntropy(input, target, this.options); }
}
export class BCEWithLogitsLoss extends LossModule<BceWithLogitsOptions> {
  constructor(options: BceWithLogitsOptions = {}) { super(checkOptions('BCEWithLogitsLoss', options, LOSS_KEYS.binaryCrossEntropyWithLogits)); }
  forward(input: Tensor, target: Tensor): Tensor { return binaryCrossEntropyWithLogits(input, target, this.options); }
}
export class KLDivLoss extends LossModule<KlDivOptions> {
  constructor(options: KlDivOptions = {}) { super(checkOptions('KLDivLoss', options, LOSS_KEYS.klDiv)); }
  forward(input: Tensor, target: Tensor): Tensor { return klDiv(input, target, this.options); }
}
export class MultiMarginLoss extends LossModule<MultiMarginOptions> {
  constructor(options: MultiMarginOptions = {}) { super(checkOptions('MultiMarginLoss', options, LOSS_KEYS.multiMarginLoss)); }
  forward(input: Tensor, target: Tensor): Tensor { return multiMarginLoss(input, target, this.options); }
}
export class HingeLoss extends LossModule<ReductionOptions & { margin?: number }> {
  constructor(options: ReductionOptions & { margin?: number } = {}) { super(checkOptions('HingeLoss', options, LOSS_KEYS.hingeLoss)); }
  forward(input: Tensor, target: Tensor): Tensor { return hingeLoss(input, target, this.options); }
}
