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
}
