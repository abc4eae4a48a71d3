/**
 * Adversarial examples and adversarial training (survey 000 §3.1.3): FGSM (Goodfellow et al.
 * 2015), PGD (Madry et al. 2018) in the L∞ and L2 balls, an adversarial training step, and
 * robust accuracy (accuracy on attacked inputs) as a metric.
 *
 * - FGSM: x' = clip(x + ε sign(∇ₓ L(f(x), y)));
 * - PGD: from x (or a random point of the ball), `steps` times
 *   x ← clip(Π_ball(x + α·d)) with d = sign(∇ₓL) (L∞) or ∇ₓL/‖∇ₓL‖₂ (L2, per example),
 *   Π the projection onto {x' : ‖x' - x₀‖ ≤ ε}, clip to the valid input range.
 *
 * The attack uses the model as it is (call model.eval() first for a deterministic attack of a
 * model with dropout; `robustAccuracy` does). Model parameters' `.grad` are left untouched.
 */
import { crossEntropy, type Module } from '../nn/index.js';
import { grad, noGrad, Tensor, type Generator, defaultGenerator } from '../tensor/index.js';
import type { TensorDataset } from '../data/index.js';
import { checkChoice, checkCount, checkNonNegative, checkNumber, checkOptions, checkPositiveInt, generatorOf } from './validate.js';

const FGSM_KEYS = ['epsilon', 'lossFn', 'clip'] as const;
const PGD_KEYS = [...FGSM_KEYS, 'stepSize', 'steps', 'norm', 'randomStart', 'generator'] as const;
const TRAINING_KEYS = [...PGD_KEYS, 'attack', 'cleanWeight'] as const;
const ROBUST_KEYS = [...TRAINING_KEYS, 'batchSize'] as const;

/** The options of `keys` only: what an entry point passes on to the attack it calls. */
function pick<T extends object>(options: T, keys: readonly string[]): T {
  return Object.fromEntries(Object.entries(options).filter(([k]) => keys.includes(k))) as T;
}

export type LossFn = (output: Tensor, target: Tensor) => Tensor;

export interface AttackOptions {
  /** Radius of the perturbation ball (L∞ or L2); >= 0. */
  epsilon: number;
  /** The loss the attack increases (default cross-entropy on logits). */
  lossFn?: LossFn;
  /** Valid input range [min, max] (default [0, 1], images); null for none. */
  clip?: readonly [number, number] | null;
}

export interface PGDOptions extends AttackOptions {
  /** Step size α (default 2.5 ε / steps, Madry et al.). */
  stepSize?: number;
  /** Iterations (default 10). */
  steps?: number;
  /** 'linf' (default) or 'l2'. */
  norm?: 'linf' | 'l2';
  /** Start at a uniformly random point of the ball (default true). */
  randomStart?: boolean;
  generator?: Generator | number;
}

const defaultLoss: LossFn = (out, y) => crossEntropy(out, y);

function clipRange(op: string, clip: AttackOptions['clip']): readonly [number, number] | null {
  if (clip === null) return null;
  const c = clip ?? [0, 1];
  if (!Array.isArray(c) || c.length !== 2 || !(c[0] < c[1])) throw new RangeError(`${op}: clip must be [min, max] with min < max, or null; got ${JSON.stringify(clip)}`);
  return c;
}

/** ∇ₓ L(model(x), y) at x (a fresh tensor; `.grad` of the model is not touched). */
export function inputGradient(model: Module, x: Tensor, y: Tensor, lossFn: LossFn = defaultLoss): { loss: number; grad: Tensor } {
  const xv = x.detach().requiresGrad_();
  const loss = lossFn(model.forward(xv), y);
  const [g] = grad(loss, xv);
  return { loss: loss.item(), grad: g };
}

/** FGSM: x + ε sign(∇ₓ L), clipped to the valid range. Returns a tensor with no graph. */
export function fgsm(model: Module, x: Tensor, y: Tensor, options: AttackOptions): Tensor {
  checkOptions('fgsm', options, FGSM_KEYS);
  const eps = checkNonNegative('fgsm', 'epsilon', options.epsilon);
  const clip = clipRange('fgsm', options.clip);
  const { grad: g } = inputGradient(model, x, y, options.lossFn);
  return noGrad(() => {
    let adv = x.detach().add(g.sign().mul(eps));
    if (clip) adv = adv.clamp(clip[0], clip[1]);
    return adv.detach();
  });
}

/** Projects x onto the L∞ ball of radius ε around x0 (elementwise clamp of x - x0). */
export function projectLinf(x: Tensor, x0: Tensor, epsilon: number): Tensor {
  checkNonNegative('projectLinf', 'epsilon', epsilon);
  return noGrad(() => x0.add(x.sub(x0).clamp(-epsilon, epsilon)));
}

/** Projects each example (first axis) of x onto the L2 ball of radius ε around x0: δ ← δ · min(1, ε/‖δ‖₂). */
export function projectL2(x: Tensor, x0: Tensor, epsilon: number): Tensor {
  checkNonNegative('projectL2', 'epsilon', epsilon);
  const n = x.shape[0];
  const r = x.numel() / n;
  const out = new (x.dtype === 'float64' ? Float64Array : Float32Array)(x.numel());
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < r; k++) {
      const d = x.data[i * r + k] - x0.data[i * r + k];
      s += d * d;
    }
    const norm = Math.sqrt(s);
    const f = norm > epsilon ? epsilon / norm : 1;
    for (let k = 0; k < r; k++) out[i * r + k] = x0.data[i * r + k] + f * (x.data[i * r + k] - x0.data[i * r + k]);
  }
  return new Tensor(out, x.shape);
}

/** Per-example L2 normalization of g (rows of the first axis); zero rows stay zero. */
function normalizeL2(g: Tensor): Tensor {
  const n = g.shape[0];
  const r = g.numel() / n;
  const out = new (g.dtype === 'float64' ? Float64Array : Float32Array)(g.numel());
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < r; k++) s += g.data[i * r + k] ** 2;
    const norm = Math.sqrt(s);
    if (norm > 0) for (let k = 0; k < r; k++) out[i * r + k] = g.data[i * r + k] / norm;
  }
  return new Tensor(out, g.shape);
}

/** A uniformly random point of the ball (L∞: uniform per element; L2: uniform in the ball, per example). */
function randomInBall(x0: Tensor, eps: number, norm: 'linf' | 'l2', g: Generator): Tensor {
  const out = new (x0.dtype === 'float64' ? Float64Array : Float32Array)(x0.numel());
  if (norm === 'linf') {
    for (let i = 0; i < out.length; i++) out[i] = x0.data[i] + g.uniform(-eps, eps);
    return new Tensor(out, x0.shape);
  }
  const n = x0.shape[0];
  const r = x0.numel() / n;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const dir = new Float64Array(r);
    for (let k = 0; k < r; k++) {
      dir[k] = g.normal();
      s += dir[k] * dir[k];
    }
    const radius = eps * Math.pow(g.random(), 1 / r) / (Math.sqrt(s) || 1);
    for (let k = 0; k < r; k++) out[i * r + k] = x0.data[i * r + k] + radius * dir[k];
  }
  return new Tensor(out, x0.shape);
}

/** Projected gradient descent (ascent on the loss) in the L∞ or L2 ball. Returns a tensor with no graph. */
export function pgd(model: Module, x: Tensor, y: Tensor, options: PGDOptions): Tensor {
  checkOptions('pgd', options, PGD_KEYS);
  const eps = checkNonNegative('pgd', 'epsilon', options.epsilon);
  const steps = checkCount('pgd', 'steps', options.steps ?? 10);
  const alpha = checkNonNegative('pgd', 'stepSize', options.stepSize ?? (steps > 0 ? (2.5 * eps) / steps : eps));
  const norm = checkChoice('pgd', 'norm', options.norm ?? 'linf', ['linf', 'l2'] as const);
  const clip = clipRange('pgd', options.clip);
  const x0 = x.detach();
  const project = (t: Tensor): Tensor => {
    let p = norm === 'linf' ? projectLinf(t, x0, eps) : projectL2(t, x0, eps);
    if (clip) p = noGrad(() => p.clamp(clip[0], clip[1]));
    return p.detach();
  };
  let adv = x0;
  if (options.randomStart ?? true) adv = project(randomInBall(x0, eps, norm, generatorOf('pgd', options.generator, defaultGenerator)));
  for (let t = 0; t < steps; t++) {
    const { grad: g } = inputGradient(model, adv, y, options.lossFn);
    const dir = norm === 'linf' ? noGrad(() => g.sign()) : normalizeL2(g);
    adv = project(noGrad(() => adv.add(dir.mul(alpha))));
  }
  return adv;
}

export type AttackName = 'fgsm' | 'pgd';

export interface AdversarialTrainingOptions extends PGDOptions {
  /** The attack generating the training examples (default 'fgsm'). */
  attack?: AttackName;
  /**
   * Weight of the clean loss: α L(x) + (1 - α) L(x_adv) (Goodfellow et al. 2015 use α = 0.5;
   * Madry et al. train on adversarial examples only, α = 0). Default 0.5.
   */
  cleanWeight?: number;
}

/** Runs the attack named in `options` (FGSM or PGD). */
export function attack(model: Module, x: Tensor, y: Tensor, options: AdversarialTrainingOptions): Tensor {
  checkOptions('attack', options, ROBUST_KEYS);
  const name = checkChoice('attack', 'attack', options.attack ?? 'fgsm', ['fgsm', 'pgd'] as const);
  return name === 'fgsm' ? fgsm(model, x, y, pick(options, FGSM_KEYS)) : pgd(model, x, y, pick(options, PGD_KEYS));
}

/**
 * The adversarial training objective for one batch: α L(f(x), y) + (1 - α) L(f(x'), y) with x'
 * the attack's example (computed against the current model, then treated as data). Call
 * `.backward()` on it and step the optimizer:
 *
 * ```ts
 * opt.zeroGrad();
 * adversarialLoss(model, x, y, { epsilon: 0.1 }).backward();
 * opt.step();
 * ```
 */
export function adversarialLoss(model: Module, x: Tensor, y: Tensor, options: AdversarialTrainingOptions): Tensor {
  checkOptions('adversarialLoss', options, TRAINING_KEYS);
  const alpha = checkNumber('adversarialLoss', 'cleanWeight', options.cleanWeight ?? 0.5, { min: 0, max: 1 });
  const lossFn = options.lossFn ?? defaultLoss;
  const adv = attack(model, x, y, options);
  const advLoss = lossFn(model.forward(adv), y);
  if (alpha === 0) return advLoss;
  return lossFn(model.forward(x), y).mul(alpha).add(advLoss.mul(1 - alpha));
}

export interface RobustAccuracyOptions extends AdversarialTrainingOptions {
  /** Examples per attack batch (default 256). */
  batchSize?: number;
}

/**
 * Accuracy on clean inputs and on attacked inputs (robust accuracy) over a dataset, with the
 * model in evaluation mode (restored afterwards). Targets are class indices.
 */
export function robustAccuracy(model: Module, data: TensorDataset, options: RobustAccuracyOptions): { clean: number; robust: number } {
  checkOptions('robustAccuracy', options, ROBUST_KEYS);
  const bs = checkPositiveInt('robustAccuracy', 'batchSize', options.batchSize ?? 256);
  const wasTraining = model.training;
  model.eval();
  let clean = 0;
  let robust = 0;
  const n = data.x.shape[0];
  try {
    for (let s = 0; s < n; s += bs) {
      const len = Math.min(bs, n - s);
      const x = data.x.narrow(0, s, len);
      const y = data.y.narrow(0, s, len);
      const adv = attack(model, x, y, options);
      noGrad(() => {
        const pc = model.forward(x).argmax(1).data;
        const pa = model.forward(adv).argmax(1).data;
        for (let i = 0; i < len; i++) {
          if (pc[i] === y.data[i]) clean++;
          if (pa[i] === y.data[i]) robust++;
        }
      });
    }
  } finally {
    model.train(wasTraining);
  }
  return { clean: clean / n, robust: robust / n };
}
