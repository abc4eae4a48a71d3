/**
 * The connectionist temporal classification loss (Graves et al. 2006), PyTorch's ctc_loss: the
 * negative log of the total probability of every alignment of a target sequence to the input
 * frames, computed by the forward recursion in log space. The recursion is written with
 * differentiable tensor ops (a log-sum-exp of three shifted copies per frame), so the gradient
 * is the alpha-beta one and second derivatives work too.
 */
import { gatherFlat, stack, Tensor, where } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';
import { LossModule, shapeStr, type Reduction } from './loss.js';

export interface CtcLossOptions {
  /** The blank class (default 0). */
  blank?: number;
  /** 'mean' (default) divides each sample's loss by its target length, then averages, as PyTorch. */
  reduction?: Reduction;
  /** Infinite losses (targets that cannot fit in their input) become 0, with 0 gradient. Default false. */
  zeroInfinity?: boolean;
}

/** Stands for log 0: finite, so log-sum-exp and its gradient stay NaN-free; exp of it is exactly 0. */
const LOG_ZERO = -1e30;

function integers(op: string, what: string, v: Tensor | readonly number[], n: number): number[] {
  const a = v instanceof Tensor ? Array.from(v.data) : [...v];
  if (a.length !== n) throw new RangeError(`${op}: ${what} must hold one length per batch element (${n}), got ${a.length}`);
  a.forEach((x, i) => {
    if (!Number.isInteger(x) || x < 0) throw new RangeError(`${op}: ${what}[${i}] must be a non-negative integer, got ${x}`);
  });
  return a;
}

/**
 * CTC loss of logProbs [T, N, C] (log-softmax outputs over C classes, frame-major as PyTorch)
 * against targets, either padded [N, S] or all concatenated [sum of targetLengths], with one
 * input and one target length per sample. Targets must not contain the blank.
 */
export function ctcLoss(
  logProbs: Tensor, targets: Tensor, inputLengths: Tensor | readonly number[], targetLengths: Tensor | readonly number[],
  options: CtcLossOptions = {},
): Tensor {
  const op = 'ctcLoss';
  checkOptions(op, options, ['blank', 'reduction', 'zeroInfinity']);
  if (!(logProbs instanceof Tensor)) throw new TypeError(`${op}: logProbs must be a Tensor`);
  if (!(targets instanceof Tensor)) throw new TypeError(`${op}: targets must be a Tensor`);
  if (logProbs.ndim !== 3) throw new RangeError(`${op}: logProbs must be [T, N, C] (frames, batch, classes), got shape ${shapeStr(logProbs.shape)}`);
  const [T, N, C] = logProbs.shape;
  const blank = options.blank ?? 0;
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) throw new RangeError(`${op}: blank must be a class index in [0, ${C - 1}], got ${blank}`);
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') throw new RangeError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  const inLen = integers(op, 'inputLengths', inputLengths, N);
  const tgtLen = integers(op, 'targetLengths', targetLengths, N);
  inLen.forEach((t, i) => {
    if (t > T) throw new RangeError(`${op}: inputLengths[${i}] is ${t}, more than the ${T} frames of logProbs`);
  });

  // Each sample's labels, read from the padded or the concatenated layout.
  const labels: number[][] = [];
  if (targets.ndim === 2) {
    if (targets.shape[0] !== N) throw new RangeError(`${op}: padded targets must be [N, S] with N = ${N}, got shape ${shapeStr(targets.shape)}`);
    const S = targets.shape[1];
    tgtLen.forEach((l, i) => {
      if (l > S) throw new RangeError(`${op}: targetLengths[${i}] is ${l}, longer than the padded targets' ${S} columns`);
      labels.push(Array.from(targets.data.subarray(i * S, i * S + l)));
    });
  } else if (targets.ndim === 1) {
    const total = tgtLen.reduce((a, b) => a + b, 0);
    if (targets.numel() !== total) throw new RangeError(`${op}: concatenated targets must hold sum(targetLengths) = ${total} labels, got ${targets.numel()}`);
    let at = 0;
    for (const l of tgtLen) {
      labels.push(Array.from(targets.data.subarray(at, at + l)));
      at += l;
    }
  } else {
    throw new RangeError(`${op}: targets must be [N, S] (padded) or 1-D (concatenated), got shape ${shapeStr(targets.shape)}`);
  }
  labels.forEach((ls, i) => ls.forEach((y, k) => {
    if (!Number.isInteger(y) || y < 0 || y >= C || y === blank) {
      throw new RangeError(`${op}: target ${y} (sample ${i}, position ${k}) must be a class index in [0, ${C - 1}] other than the blank ${blank}`);
    }
  }));

  // The extended label sequences blank, l1, blank, l2, ..., blank, padded with blanks to Smax.
  const extLen = labels.map((ls) => 2 * ls.length + 1);
  const Smax = Math.max(1, ...extLen);
  const ext = labels.map((ls) => Array.from({ length: Smax }, (_, s) => (s % 2 === 1 && (s - 1) / 2 < ls.length ? ls[(s - 1) / 2] : blank)));
  const dtype = logProbs.dtype;
  const buffer = (n: number) => (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
  const mask = (f: (n: number, s: number) => boolean) => {
    const m = buffer(N * Smax);
    for (let n = 0; n < N; n++) for (let s = 0; s < Smax; s++) m[n * Smax + s] = f(n, s) ? 1 : 0;
    return new Tensor(m, [N, Smax]);
  };
  // A label may be reached from two positions back unless it is a blank or repeats that label.
  const canSkip = mask((n, s) => s >= 2 && ext[n][s] !== blank && ext[n][s] !== ext[n][s - 2]);
  const start = buffer(N * Smax).fill(LOG_ZERO);
  for (let n = 0; n < N; n++) start[n * Smax] = 0;

  let alpha = new Tensor(start, [N, Smax]); // log alpha before frame 0: all mass on a virtual position before s = 0
  for (let t = 0; t < T; t++) {
    const emitIndex = new Int32Array(N * Smax); // a fresh array: the gather's backward keeps it
    for (let n = 0; n < N; n++) for (let s = 0; s < Smax; s++) emitIndex[n * Smax + s] = (t * N + n) * C + ext[n][s];
    const emit = gatherFlat(logProbs, emitIndex, [N, Smax]);
    const shift1 = alpha.pad([[1, 0]], LOG_ZERO).slice(1, 0, Smax);
    const shift2 = where(canSkip, alpha.pad([[2, 0]], LOG_ZERO).slice(1, 0, Smax), LOG_ZERO);
    const next = stack([alpha, shift1, shift2]).logSumExp(0).add(emit);
    const active = mask((n) => t < inLen[n]);
    alpha = where(active, next, alpha); // a sample past its last frame keeps its alpha
  }

  // log p(target) = logaddexp(alpha[S' - 1], alpha[S' - 2]) at each sample's last frame.
  const last = new Int32Array(N);
  const beforeLast = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    last[n] = n * Smax + extLen[n] - 1;
    beforeLast[n] = n * Smax + Math.max(extLen[n] - 2, 0);
  }
  const hasTwo = new Tensor(buffer(N).map((_, n) => (extLen[n] >= 2 ? 1 : 0)), [N]);
  const ends = stack([gatherFlat(alpha, last, [N]), where(hasTwo, gatherFlat(alpha, beforeLast, [N]), LOG_ZERO)]);
  const nll = ends.logSumExp(0).neg();
  // A target needs one frame per label plus one between repeats; fewer frames: probability 0.
  const feasible = new Tensor(buffer(N).map((_, n) => {
    const ls = labels[n];
    const repeats = ls.filter((y, k) => k > 0 && ls[k - 1] === y).length;
    return inLen[n] >= ls.length + repeats ? 1 : 0;
  }), [N]);
  const loss = where(feasible, nll, options.zeroInfinity ? 0 : Infinity);
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  return loss.div(new Tensor(buffer(N).map((_, n) => Math.max(tgtLen[n], 1)), [N])).mean();
}


/** The CTC loss as a module (PyTorch's nn.CTCLoss): forward(logProbs, targets, inputLengths, targetLengths). */
export class CTCLoss extends LossModule<CtcLossOptions> {
  constructor(options: CtcLossOptions = {}) { super(checkOptions('CTCLoss', options, ['blank', 'reduction', 'zeroInfinity'])); }
  forward(logProbs: Tensor, targets: Tensor, inputLengths: Tensor | readonly number[], targetLengths: Tensor | readonly number[]): Tensor {
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, this.options);
  }
}
