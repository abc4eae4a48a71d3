/**
 * The fused optimizer kernels: whole float32 update steps (Adam, SGD, RMSprop, Adagrad) in one
 * pass over the parameter, its gradient and its state arrays.
 *
 * They are a separate interface from the engine's {@link Kernels}: the engine (tensors,
 * autodiff, layers) never calls them, and only `src/optim` does, from one place
 * (`TransformOptimizer`, which hands them to a method's fused step). A backend supplies any
 * subset when it registers (see registry.ts); the rest come from the `js` reference in
 * js/optimizers/. They take float32 arrays only: float64 parameters run the method's
 * transform chain instead. The optional kernels after `adagrad` (the other first-order
 * methods) have no js entry: there the reference is the method's own fused loop, which runs
 * for float64 and wherever the backend has no kernel. Two extras ride along because a backend
 * registers them in the same place: the weight averages of the SWA and EMA wrappers, and
 * `random`, the bulk draws of the Generator (src/tensor/random.ts, the one caller outside
 * src/optim).
 */

import type { RandomKernels } from './random-kernels.js';

/** Hyperparameters of one fused Adam/AdamW step (the bias corrections of this step included). */
export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  biasCorrection1: number;
  biasCorrection2: number;
}

/** Hyperparameters of one fused SGD step. */
export interface SgdHyper {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** Gradient ascent: the gradient's sign is flipped first. */
  maximize: boolean;
  /** The buffer is set to g (the first step with momentum) instead of decayed. */
  firstStep: boolean;
}

/** Hyperparameters of one fused RMSprop step. */
export interface RmspropHyper {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  maximize: boolean;
}

/** Hyperparameters of one fused Adagrad step. */
export interface AdagradHyper {
  /** The step's learning rate, its decay already applied. */
  lr: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** The gradient as every fused step reads it: `g = ±grad + weightDecay · param` (coupled decay). */
interface GradHyper {
  lr: number;
  weightDecay: number;
  /** Gradient ascent: the gradient's sign is flipped first. */
  maximize: boolean;
}

/** Hyperparameters of one fused NAdam step, this step's scalars included (see src/optim/methods/nadam.ts). */
export interface NAdamHyper extends GradHyper {
  beta1: number;
  beta2: number;
  eps: number;
  /** 1 - β2^t. */
  bc2: number;
  /** The gradient's coefficient (1 - μ_t) / (1 - Π_{s≤t} μ_s). */
  cg: number;
  /** The momentum's coefficient μ_{t+1} / (1 - Π_{s≤t+1} μ_s). */
  cm: number;
}

/** Hyperparameters of one fused RAdam step, this step's scalars included (see src/optim/methods/radam.ts). */
export interface RAdamHyper extends GradHyper {
  beta1: number;
  beta2: number;
  eps: number;
  /** 1 - β1^t. */
  bc1: number;
  /** Whether ρ_t > 5 (else the step is momentum only). */
  rectified: boolean;
  /** The rectifier r_t (0 when not rectified). */
  rect: number;
  /** √(1 - β2^t). */
  sqrtBc2: number;
}

/** Hyperparameters of one fused Adamax step (see src/optim/methods/adamax.ts). */
export interface AdamaxHyper extends GradHyper {
  beta1: number;
  beta2: number;
  eps: number;
  /** 1 - β1^t. */
  bc1: number;
}

/** Hyperparameters of one fused AdamNC or Yogi step (see src/optim/methods/adam.ts, yogi.ts). */
export interface AdamLikeHyper extends GradHyper {
  /** This step's β1 (AdamNC's changes every step). */
  beta1: number;
  /** This step's β2. */
  beta2: number;
  eps: number;
  /** The bias corrections of m and v (1 where there is none). */
  bc1: number;
  bc2: number;
  /** Yogi's update of v (v -= (1-β2) sign(v - g²) g²) instead of Adam's. */
  yogi: boolean;
}

/** Hyperparameters of one fused AdaBelief step (see src/optim/methods/adabelief.ts). */
export interface AdaBeliefHyper extends GradHyper {
  beta1: number;
  beta2: number;
  eps: number;
  /** The weight decay is decoupled (θ -= lr λ θ) instead of added to the gradient. */
  decoupled: boolean;
  bc1: number;
  bc2: number;
}

/** Hyperparameters of one fused AdaBound step, this step's bounds included (see src/optim/methods/adabound.ts). */
export interface AdaBoundHyper extends GradHyper {
  beta1: number;
  beta2: number;
  eps: number;
  /** The unclipped step size's numerator (lr, bias-corrected when enabled). */
  base: number;
  lower: number;
  upper: number;
  /** 1/√t with sqrtDecay, else 1. */
  decay: number;
}

/** Hyperparameters of one fused AdaDelta step. */
export interface AdadeltaHyper extends GradHyper {
  rho: number;
  eps: number;
}

/** Hyperparameters of one fused Lion step (its weight decay is decoupled: lr (sign(c) + λ θ)). */
export interface LionHyper extends GradHyper {
  beta1: number;
  beta2: number;
}

/** Hyperparameters of one fused signSGD / Signum step. */
export interface SignHyper extends GradHyper {
  /** Signum's momentum (unused without a buffer). */
  momentum: number;
}

/** Hyperparameters of one fused Rprop step. */
export interface RpropHyper {
  etaMinus: number;
  etaPlus: number;
  minStep: number;
  maxStep: number;
  maximize: boolean;
}

/** Hyperparameters of LARS's fused step after its norms (see src/optim/methods/lars.ts). */
export interface LarsHyper {
  momentum: number;
  /** β, the weight decay inside the trust ratio's step. */
  weightDecay: number;
  /** This step's lr times the local learning rate. */
  scale: number;
  maximize: boolean;
}

/** Hyperparameters of LAMB's two fused passes (see src/optim/methods/lamb.ts). */
export interface LambHyper {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  bc1: number;
  bc2: number;
  maximize: boolean;
}

/** Hyperparameters of NovoGrad's fused step after its norm (see src/optim/methods/novograd.ts). */
export interface NovoGradHyper extends GradHyper {
  beta1: number;
  /** The gradient's weight: 1 - β1 with gradAveraging, else 1. */
  gradScale: number;
  /** √v + ε, this step's denominator. */
  denom: number;
}

/** Hyperparameters of one fused ASGD step (see src/optim/methods/asgd.ts). */
export interface AsgdHyper {
  /** 1 - λ η. */
  keep: number;
  /** The step size η of this step. */
  eta: number;
  /** The averaging weight μ of this step. */
  mu: number;
  weightDecay: number;
  maximize: boolean;
}

/** Hyperparameters of one fused Adafactor step over a factored tensor (see src/optim/methods/adafactor.ts). */
export interface AdafactorHyper {
  /** This step's β̂2,t = 1 - t^decayRate. */
  beta2: number;
  eps1: number;
  eps2: number;
  /** This step's ρ_t. */
  rho: number;
  scaleParameter: boolean;
  clipThreshold: number;
  beta1: number;
  weightDecay: number;
  maximize: boolean;
}

/** Hyperparameters of one AdaShift step after its first n (see src/optim/methods/adashift.ts). */
export interface AdaShiftHyper {
  beta1: number;
  /** β1^n: the weight of the gradient that leaves the window. */
  dropWeight: number;
  beta2: number;
  lr: number;
  /** Σ_{k<n} β1^k. */
  wsum: number;
  /** 1 - β2^(t-n). */
  bc: number;
  eps: number;
  /** The whole step's factor for a spatial φ (p += scale S); unused with an elementwise v. */
  scale: number;
}

export interface OptimizerKernels {
  /** The backend these kernels belong to ('js', 'wasm', ...). */
  readonly name: string;
  /**
   * The fused Adam/AdamW step over flat arrays, updating param, m and v in place:
   * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr * (m / bc1) / (sqrt(v / bc2) + eps),
   * with decoupled decay p *= (1 - lr * weightDecay) first when weightDecay > 0. With `vMax`
   * (AMSGrad), vMax = max(vMax, v) and the denominator uses vMax instead of v.
   */
  adam(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, hp: AdamHyper, vMax?: Float32Array | null): void;
  /**
   * The fused SGD step over flat arrays, updating param (and the momentum buffer) in place:
   * g = ±grad + weightDecay p; without a buffer d = g; with one, buf = g on the first step and
   * buf = momentum buf + (1 - dampening) g after, and d = nesterov ? g + momentum buf : buf;
   * p -= lr d.
   */
  sgd(param: Float32Array, grad: Float32Array, buf: Float32Array | null, hp: SgdHyper): void;
  /**
   * The fused RMSprop step: g = ±grad + weightDecay p; sq = alpha sq + (1 - alpha) g^2; with
   * `gAvg` (centered) gAvg = alpha gAvg + (1 - alpha) g and s = sqrt(sq - gAvg^2) + eps, else
   * s = sqrt(sq) + eps; with `buf` (momentum) buf = momentum buf + g / s and p -= lr buf, else
   * p -= lr g / s.
   */
  rmsprop(param: Float32Array, grad: Float32Array, sq: Float32Array, gAvg: Float32Array | null, buf: Float32Array | null, hp: RmspropHyper): void;
  /** The fused Adagrad step: g = ±grad + weightDecay p; sum += g^2; p -= lr g / (sqrt(sum) + eps). */
  adagrad(param: Float32Array, grad: Float32Array, sum: Float32Array, hp: AdagradHyper): void;

  // The kernels below are optional, and each returns false when it could not run (its backend
  // could not make room for the arrays): a method whose backend has none, or whose kernel
  // declined, runs its own fused loop (src/optim/methods), which computes in float64 exactly as
  // its transform chain does. These are float32 SIMD versions of those loops, equal to them
  // within float32 rounding.

  /**
   * NAdam: g as above; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; d = sqrt(v / bc2) + eps;
   * p -= lr (cg g / d + cm m / d).
   */
  nadam?(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, hp: NAdamHyper): boolean;
  /**
   * RAdam: m and v as Adam's; p -= lr m/bc1 · (rectified ? rect sqrtBc2 / (sqrt(v) + eps) : 1).
   */
  radam?(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, hp: RAdamHyper): boolean;
  /** Adamax: m = b1 m + (1-b1) g; u = max(b2 u, |g| + eps); p -= lr m / bc1 / u. */
  adamax?(param: Float32Array, grad: Float32Array, m: Float32Array, u: Float32Array, hp: AdamaxHyper): boolean;
  /** AdamNC and Yogi: m = b1 m + (1-b1) g; v as Adam's or Yogi's; p -= lr (m / bc1) / (sqrt(v / bc2) + eps). */
  adamLike?(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, hp: AdamLikeHyper): boolean;
  /**
   * AdaBelief: m = b1 m + (1-b1) g; s = b2 s + (1-b2) (g-m)^2 + eps (sMax = max(sMax, s) with
   * AMSGrad); p -= lr (m / bc1 / (sqrt(s / bc2) + eps) + (decoupled ? wd p : 0)).
   */
  adabelief?(param: Float32Array, grad: Float32Array, m: Float32Array, s: Float32Array, sMax: Float32Array | null, hp: AdaBeliefHyper): boolean;
  /** AdaBound: m, v as Adam's (vMax with AMSBound); p -= clamp(base / (sqrt(v) + eps), lower, upper) decay m. */
  adabound?(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, vMax: Float32Array | null, hp: AdaBoundHyper): boolean;
  /** AdaDelta: sq = rho sq + (1-rho) g^2; d = sqrt(acc + eps) / sqrt(sq + eps) g; acc = rho acc + (1-rho) d^2; p -= lr d. */
  adadelta?(param: Float32Array, grad: Float32Array, sq: Float32Array, acc: Float32Array, hp: AdadeltaHyper): boolean;
  /** Lion: c = b1 m + (1-b1) g; m = b2 m + (1-b2) g; p -= lr (sign(c) + wd p) (g without weight decay). */
  lion?(param: Float32Array, grad: Float32Array, m: Float32Array, hp: LionHyper): boolean;
  /** signSGD (no buffer): p -= lr sign(g); Signum: m = b m + (1-b) g, p -= lr sign(m). */
  sign?(param: Float32Array, grad: Float32Array, m: Float32Array | null, hp: SignHyper): boolean;
  /** Rprop: per-coordinate step sizes grown by etaPlus or shrunk by etaMinus, clamped; p -= sign(g) size. */
  rprop?(param: Float32Array, grad: Float32Array, prev: Float32Array, size: Float32Array, hp: RpropHyper): boolean;
  /** max x² (in float64; NaN squares skipped), or null when it could not run. */
  maxSquare?(x: Float32Array): number | null;
  /** The sums of squares [Σ x², Σ y²] (0 for a null y), accumulated in float64; null when it could not run. */
  sumSquares?(x: Float32Array, y: Float32Array | null): [number, number] | null;
  /** LARS after its norms: buf = momentum buf + scale (g + weightDecay p); p -= buf (g without weight decay). */
  lars?(param: Float32Array, grad: Float32Array, buf: Float32Array, hp: LarsHyper): boolean;
  /**
   * LAMB's first pass: m, v as Adam's (g without weight decay) and the update
   * r = m / bc1 / (sqrt(v / bc2) + eps) + weightDecay p written to `r`; returns [Σ p², Σ r²],
   * or null when it could not run.
   */
  lambMoments?(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, r: Float32Array, hp: LambHyper): [number, number] | null;
  /** LAMB's second pass: p += c r, r from the first. */
  lambApply?(param: Float32Array, r: Float32Array, c: number): boolean;
  /** NovoGrad after its norm: m = b1 m + gradScale (g / denom + wd p); p -= lr m (g without weight decay). */
  novograd?(param: Float32Array, grad: Float32Array, m: Float32Array, hp: NovoGradHyper): boolean;
  /** ASGD: next = keep p - eta g; ax = mu == 1 ? next : ax + (next - ax) mu; p = next. */
  asgd?(param: Float32Array, grad: Float32Array, ax: Float32Array, hp: AsgdHyper): boolean;
  /**
   * Adafactor over a tensor factored as [batch, rows, cols]: R and C (the row and column
   * statistics, updated in place) from the means of g^2 + eps1; v = R C / mean(R); u = g / sqrt(v)
   * clipped to RMS(u) <= clipThreshold; (m = b1 m + (1-b1) u with beta1 > 0); p -= alpha (u + wd p)
   * with alpha = rho, times max(eps2, RMS(p)) with scaleParameter.
   */
  /**
   * AdaShift after its first n steps, in float64 as its loop computes (the same bits): S = b1 S
   * + g - dropWeight drop; slot = g; with v (φ 'none') v = b2 v + (1-b2) drop^2 and p += -lr (S /
   * wsum) / (sqrt(v / bc) + eps), else p += scale S. `slot` is the queue slot of the dropped gradient.
   */
  adashift?(param: Float32Array, grad: Float32Array, slot: Float32Array, windowSum: Float64Array, v: Float32Array | null, hp: AdaShiftHyper): boolean;
  adafactor?(param: Float32Array, grad: Float32Array, rowState: Float32Array, colState: Float32Array, m: Float32Array | null,
    dims: readonly [number, number, number], hp: AdafactorHyper): boolean;
  /**
   * The EMA wrapper's average of float32 weights: avg = decay avg + (1 - decay) param per
   * element, in double and rounded once (the wrapper's loop, the same bits).
   */
  ema?(avg: Float32Array, param: Float32Array, decay: number): boolean;
  /** The SWA wrapper's running mean of float32 weights: avg += (param - avg) / count, in double and rounded once (the same bits as its loop). */
  swa?(avg: Float32Array, param: Float32Array, count: number): boolean;
  /**
   * The Generator's bulk draws (dropout masks, gradient and weight noise), the same bits as its
   * own loops: not an optimizer step, but kept with these backend extras so that a backend adds
   * it where it registers its fused kernels. See random-kernels.ts.
   */
  random?: RandomKernels;
}
