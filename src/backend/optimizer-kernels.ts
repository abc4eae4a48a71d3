/**
 * The fused optimizer kernels: whole float32 update steps (Adam, SGD, RMSprop, Adagrad) in one
 * pass over the parameter, its gradient and its state arrays.
 *
 * They are a separate interface from the engine's {@link Kernels}: the engine (tensors,
 * autodiff, layers) never calls them, and only `src/optim` does, from one place
 * (`TransformOptimizer`, which hands them to a method's fused step). A backend supplies any
 * subset when it registers (see registry.ts); the rest come from the `js` reference in
 * js/optimizer-kernels.ts. They take float32 arrays only: float64 parameters run the method's
 * transform chain instead.
 */

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

  // The kernels below are optional: a method whose backend has none runs its own fused loop
  // (src/optim/methods/*.ts), which computes in float64 exactly as its transform chain does.
  // These are float32 SIMD versions of those loops, equal to them within float32 rounding.

  /**
   * NAdam: g as above; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; d = sqrt(v / bc2) + eps;
   * p -= lr (cg g / d + cm m / d).
   */
  nadam?(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, hp: NAdamHyper): void;
  /**
   * RAdam: m and v as Adam's; p -= lr m/bc1 · (rectified ? rect sqrtBc2 / (sqrt(v) + eps) : 1).
   */
  radam?(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, hp: RAdamHyper): void;
  /** Adamax: m = b1 m + (1-b1) g; u = max(b2 u, |g| + eps); p -= lr m / bc1 / u. */
  adamax?(param: Float32Array, grad: Float32Array, m: Float32Array, u: Float32Array, hp: AdamaxHyper): void;
}
