/**
 * Gradient transformations (optax style) and the optimizer that binds one to parameters.
 *
 * A {@link Transform} is a pair of plain functions over flat arrays: `init` builds the state one
 * parameter needs (a record of arrays and numbers, serializable), `update` rewrites an update
 * vector `u` in place (it enters as the gradient and leaves as the step to add to the
 * parameter). Transforms read their hyperparameters from the parameter group's options at
 * every step, so a schedule that changes `lr` (or momentum) takes effect at once.
 *
 * Optimizers are chains: clip -> precondition -> decay -> scale by the learning rate, e.g.
 * `chain(flipSign(), addWeightDecay(), scaleByAdam(), scaleByLr())`. The sign convention is
 * optax's: the chain's output is *added* to the parameter, so the last stage multiplies by
 * `-lr`.
 */
import type { Storage } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer } from './optimizer.js';
import type { OptionSpecs } from './options.js';
import type { ParamGroup, ParamState, ParamsInput } from './types.js';

/** What a transform knows about the parameter besides its elements. */
export interface UpdateContext {
  /** The parameter tensor's shape (factored and per-unit methods need it). */
  shape: readonly number[];
}

/** The options of a parameter group as transforms see them (validated upstream). */
export type Hyper = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Transform {
  /** A short name, used in errors. */
  readonly name: string;
  /** The state one parameter needs before its first update (keys must be unique in a chain). */
  init(param: Storage, hyper: Hyper, ctx: UpdateContext): ParamState;
  /** Rewrites `u` in place: it enters as the incoming update (the gradient) and leaves as the outgoing one. */
  update(u: Float64Array, state: ParamState, param: Storage, hyper: Hyper, ctx: UpdateContext): void;
  /**
   * Optional fused path: applies the whole step to `param` in one pass and returns true, or
   * returns false to fall back to `update`. Only a complete optimizer's transform has one.
   */
  fused?(param: Storage, grad: Storage, state: ParamState, hyper: Hyper, ctx: UpdateContext): boolean;
}

/** Composes transforms left to right; their states are merged into one record. */
export function chain(...transforms: Transform[]): Transform {
  return {
    name: transforms.map((t) => t.name).join(' -> '),
    init(param, hyper, ctx) {
      const state: ParamState = {};
      for (const t of transforms) {
        for (const [k, v] of Object.entries(t.init(param, hyper, ctx))) {
          if (k in state) throw new Error(`chain: transforms '${t.name}' and another both keep state '${k}'`);
          state[k] = v;
        }
      }
      return state;
    },
    update(u, state, param, hyper, ctx) {
      for (const t of transforms) t.update(u, state, param, hyper, ctx);
    },
  };
}

/**
 * An optimizer made of a transform: for each parameter with a gradient, `u = grad`, the
 * transform rewrites `u`, and `param += u`. All built-in first-order optimizers are this class
 * with a chain; `new TransformOptimizer('mine', params, options, chain(...))` builds a custom one.
 */
export class TransformOptimizer<O extends object = Record<string, unknown>> extends Optimizer<O> {
  readonly transform: Transform;
  private scratch = new Map<Tensor, Float64Array>();

  constructor(name: string, params: ParamsInput, options: Record<string, unknown>, transform: Transform, specs?: OptionSpecs) {
    super(name, params, options, specs);
    this.transform = transform;
  }

  protected initState(param: Storage, group: ParamGroup<O>, tensor: Tensor): ParamState {
    return this.transform.init(param, group as Hyper, { shape: tensor.shape });
  }

  protected updateParam(param: Storage, grad: Storage, state: ParamState, group: ParamGroup<O>, tensor: Tensor): void {
    const ctx = { shape: tensor.shape };
    if (this.transform.fused && this.transform.fused(param, grad, state, group as Hyper, ctx)) return;
    let u = this.scratch.get(tensor);
    if (!u || u.length !== param.length) {
      u = new Float64Array(param.length);
      this.scratch.set(tensor, u);
    }
    u.set(grad);
    this.transform.update(u, state, param, group as Hyper, ctx);
    for (let i = 0; i < param.length; i++) param[i] += u[i];
  }
}

// ---- small building blocks ----------------------------------------------------------------

/** Negates the update when the group's `maximize` is true (gradient ascent). */
export function flipSign(): Transform {
  return {
    name: 'flipSign',
    init: () => ({}),
    update(u, _s, _p, h) {
      if (h.maximize) for (let i = 0; i < u.length; i++) u[i] = -u[i];
    },
  };
}

/** Coupled weight decay (an L2 penalty): u += weightDecay * param. */
export function addWeightDecay(key = 'weightDecay'): Transform {
  return {
    name: 'addWeightDecay',
    init: () => ({}),
    update(u, _s, p, h) {
      const wd = h[key] as number;
      if (wd) for (let i = 0; i < u.length; i++) u[i] += wd * p[i];
    },
  };
}

/** u *= -lr: the last stage of a descent chain. */
export function scaleByLr(key = 'lr'): Transform {
  return {
    name: 'scaleByLr',
    init: () => ({}),
    update(u, _s, _p, h) {
      const lr = h[key] as number;
      for (let i = 0; i < u.length; i++) u[i] *= -lr;
    },
  };
}

/** Decoupled weight decay after the lr scaling (Loshchilov & Hutter): u -= lr * weightDecay * param. */
export function decoupledWeightDecay(key = 'weightDecay'): Transform {
  return {
    name: 'decoupledWeightDecay',
    init: () => ({}),
    update(u, _s, p, h) {
      const c = (h.lr as number) * (h[key] as number);
      if (c) for (let i = 0; i < u.length; i++) u[i] -= c * p[i];
    },
  };
}

/** Multiplies the update by a constant or by `schedule(step)` (step counted from 0 per parameter). */
export function scale(factor: number | ((step: number) => number)): Transform {
  return {
    name: 'scale',
    init: () => ({ scaleStep: 0 }),
    update(u, s) {
      const t = s.scaleStep as number;
      s.scaleStep = t + 1;
      const f = typeof factor === 'number' ? factor : factor(t);
      for (let i = 0; i < u.length; i++) u[i] *= f;
    },
  };
}

/** Allocates an array like the parameter (same dtype and length), filled with `value`. */
export function like(p: Storage, value = 0): Storage {
  const out = p instanceof Float64Array ? new Float64Array(p.length) : new Float32Array(p.length);
  if (value !== 0) out.fill(value);
  return out;
}

/** Euclidean norm of a flat array (accumulated in float64). */
export function l2(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}
