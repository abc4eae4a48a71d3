/**
 * Semi-supervised learning (survey 000 §3.2.5): a labeled subset plus unlabeled data, with a
 * regularization term on the unlabeled examples:
 *
 * - pseudo-labeling (Lee 2013): the model's own confident predictions (max probability ≥ a
 *   threshold) become targets for cross-entropy on the unlabeled examples;
 * - entropy minimization (Grandvalet & Bengio 2004): −Σ p log p of the predictions, pushing
 *   decision boundaries into low-density regions;
 * - consistency (Π-model, Laine & Aila 2017): two stochastic passes (different dropout masks,
 *   noise or augmentation) of the same input should agree: the mean squared difference of
 *   their softmax outputs (or their KL divergence, Miyato et al. 2019).
 *
 * Typical step: loss = CE(labeled) + w(t) · unlabeledTerm, with w(t) ramped up over the first
 * epochs (`rampUp`).
 */
import { Tensor, noGrad } from '../tensor/index.js';
import { checkChoice, checkNonNegative, checkNumber, checkOptions, checkProbability } from './validate.js';

function checkLogits(op: string, logits: Tensor): void {
  if (logits.ndim !== 2) throw new RangeError(`${op}: expects logits [N, C], got [${logits.shape}]`);
}

export interface PseudoLabels {
  /** argmax class of every example [N]. */
  labels: Tensor;
  /** 1 where max probability >= threshold, else 0 [N]. */
  mask: Tensor;
  /** max probability of every example [N]. */
  confidence: Tensor;
  /** How many examples pass the threshold. */
  count: number;
}

/** The model's hard predictions and which of them are confident (computed without a graph). */
export function pseudoLabels(logits: Tensor, threshold: number): PseudoLabels {
  checkLogits('pseudoLabels', logits);
  checkProbability('pseudoLabels', 'threshold', threshold);
  return noGrad(() => {
    const p = logits.detach().softmax(1);
    const confidence = p.max(1);
    const labels = p.argmax(1);
    const mask = confidence.ge(threshold).to(logits.dtype);
    let count = 0;
    for (let i = 0; i < mask.numel(); i++) count += mask.data[i];
    return { labels, mask, confidence, count };
  });
}

/**
 * Pseudo-label loss: (1/N) Σ_n mask_n · CE(logits_n, argmax_n), over all N unlabeled
 * examples (unconfident ones contribute 0; the targets carry no gradient). Returns 0 when no
 * example is confident. With `from`, the pseudo-labels and the mask come from those logits
 * (e.g. the model on the clean or weakly augmented inputs) and the cross-entropy is taken on
 * `logits` (the model on perturbed inputs), as in FixMatch (Sohn et al. 2020).
 */
export function pseudoLabelLoss(logits: Tensor, threshold = 0.95, options: { from?: Tensor } = {}): Tensor {
  checkLogits('pseudoLabelLoss', logits);
  checkOptions('pseudoLabelLoss', options, ['from']);
  const src = options.from ?? logits;
  if (src.ndim !== 2 || src.shape[0] !== logits.shape[0] || src.shape[1] !== logits.shape[1]) throw new RangeError(`pseudoLabelLoss: 'from' logits of shape [${src.shape}] do not match [${logits.shape}]`);
  const { labels, mask } = pseudoLabels(src, threshold);
  const logp = logits.logSoftmax(1);
  const n = logits.shape[0];
  const c = logits.shape[1];
  const onehot = new (logits.dtype === 'float64' ? Float64Array : Float32Array)(n * c);
  for (let i = 0; i < n; i++) onehot[i * c + labels.data[i]] = mask.data[i];
  return logp.mul(new Tensor(onehot, [n, c])).sum().div(-n);
}

/** Mean entropy of the predicted distributions: (1/N) Σ_n −Σ_c p_nc log p_nc. */
export function entropyMinimization(logits: Tensor): Tensor {
  checkLogits('entropyMinimization', logits);
  const logp = logits.logSoftmax(1);
  return logp.exp().mul(logp).sum(1).mean().neg();
}

export interface ConsistencyOptions {
  /** 'mse' (Π-model; default): mean over N·C of (softmax(a) - softmax(b))²; 'kl': mean over N of KL(softmax(b) ‖ softmax(a)). */
  kind?: 'mse' | 'kl';
  /** Treat the second pass as a fixed target (no gradient through b), as mean teacher and VAT do. Default false (Π-model). */
  detachTarget?: boolean;
}

/** The consistency between two stochastic passes' logits of the same inputs. */
export function consistencyLoss(a: Tensor, b: Tensor, options: ConsistencyOptions = {}): Tensor {
  checkLogits('consistencyLoss', a);
  checkOptions('consistencyLoss', options, ['kind', 'detachTarget']);
  if (b.ndim !== 2 || b.shape[0] !== a.shape[0] || b.shape[1] !== a.shape[1]) throw new RangeError(`consistencyLoss: logits of shapes [${a.shape}] and [${b.shape}] differ`);
  const kind = checkChoice('consistencyLoss', 'kind', options.kind ?? 'mse', ['mse', 'kl'] as const);
  const tb = options.detachTarget ? b.detach() : b;
  if (kind === 'mse') return a.softmax(1).sub(tb.softmax(1)).square().mean();
  const lb = tb.logSoftmax(1);
  return lb.exp().mul(lb.sub(a.logSoftmax(1))).sum(1).mean();
}

/** Laine & Aila's Gaussian ramp-up: exp(−5 (1 − t/length)²) for t < length, then 1. */
export function rampUp(t: number, length: number): number {
  checkNonNegative('rampUp', 't', t);
  checkNumber('rampUp', 'length', length, { min: 0 });
  if (length === 0 || t >= length) return 1;
  const s = 1 - t / length;
  return Math.exp(-5 * s * s);
}

/**
 * Lee's (2013) pseudo-label weight schedule, as a fraction of its final value α_f: rises
 * linearly from 0 to 1 over `length` steps after the warm-up, then stays at 1.
 */
export function linearRampUp(t: number, length: number): number {
  checkNonNegative('linearRampUp', 't', t);
  checkNumber('linearRampUp', 'length', length, { min: 0 });
  if (length === 0 || t >= length) return 1;
  return t / length;
}
