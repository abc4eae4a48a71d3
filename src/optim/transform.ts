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
import type { OptimizerKernels } from '../backend/optimizer-kernels.js';
import { optimizerKernels } from '../backend/registry.js';
import type { Storage } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer } from './optimizer.js';
import type { OptionSpecs } from './options.js';
import type { ParamGroup, ParamState, ParamsInput, StateValue } from './types.js';

/** What a transform knows about the parameter besides its elements. */
export interface UpdateContext {
  /** The parameter tensor's shape (factored and per-unit methods need it). */
  shape: readonly number[];
}

/**
 * The options of a parameter group as an untyped transform sees them (validated upstream).
 * Built-in transforms name the options they read instead: `Transform<{ lr: number }>`.
 */
export type Hyper = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * An update rule over flat arrays. `H` is the hyperparameters it reads (a subset of the
 * group's options, e.g. `{ betas: [number, number]; eps: number }`), `S` the state it keeps
 * for one parameter (flat arrays and JSON scalars; declare every key in `init`, null until
 * needed, so a chain can see which keys each stage owns).
 */
export interface Transform<H = Hyper, S extends ParamState = ParamState> {
  /** A short name, used in errors (and to name a stage's state when two stages share keys). */
  readonly name: string;
  /** The state one parameter needs before its first update. */
  init(param: Storage, hyper: H, ctx: UpdateContext): S;
  /** Rewrites `u` in place: it enters as the incoming update (the gradient) and leaves as the outgoing one. */
  update(u: Float64Array, state: S, param: Storage, hyper: H, ctx: UpdateContext): void;
  /**
   * Optional fused path of a complete optimizer: applies the whole step to `param` in one
   * pass (with the backend's fused `kernels`, or a loop of its own) and returns true, or
   * returns false to fall back to `update`. {@link TransformOptimizer} is the one place that
   * makes this choice. `ctx` is what `update` gets (factored methods read the shape).
   */
  fused?(param: Storage, grad: Storage, state: S, hyper: H, kernels: OptimizerKernels, ctx: UpdateContext): boolean;
}

/** The hyperparameters a transform reads. */
export type HyperOf<T> = T extends Transform<infer H, any> ? H : never; // eslint-disable-line @typescript-eslint/no-explicit-any
type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** What a chain of transforms reads: every stage's hyperparameters together. */
export type ChainHyper<T extends readonly unknown[]> = Intersection<HyperOf<T[number]>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTransform = Transform<any, any>;

function isRecord(v: StateValue | undefined): v is ParamState {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/**
 * Composes transforms left to right (optax's `chain`), each stage keeping its own state. The
 * chain's state is one record: a stage whose keys no earlier stage uses keeps them at the top
 * level (so `chain(flipSign(), scaleByAdam(), scaleByLr())` stores `{ step, expAvg, expAvgSq,
 * maxExpAvgSq }`, the layout every saved state dict has), and a stage whose keys collide with
 * an earlier stage's gets a sub-record `stage<i>` (its index in the chain). So two stages of
 * the same kind chain: `chain(scale(0.5), scale(2))` keeps `{ scaleStep, stage1: { scaleStep } }`.
 */
export function chain<T extends readonly AnyTransform[]>(...transforms: T): Transform<ChainHyper<T>> {
  const slots = transforms.map((_, i) => `stage${i}`);
  return {
    name: transforms.map((t) => t.name).join(' -> '),
    init(param, hyper, ctx) {
      const state: ParamState = {};
      transforms.forEach((t, i) => {
        const s = t.init(param, hyper, ctx) as ParamState;
        if (Object.keys(s).some((k) => k in state)) state[slots[i]] = s;
        else Object.assign(state, s);
      });
      return state;
    },
    update(u, state, param, hyper, ctx) {
      for (let i = 0; i < transforms.length; i++) {
        const nested = state[slots[i]];
        transforms[i].update(u, isRecord(nested) ? nested : state, param, hyper, ctx);
      }
    },
  };
}

/**
 * Composes transforms left to right with each stage's state under its own name: the state is
 * `{ [stage]: state of that stage }`, e.g. `namedChain({ clip: clipByNorm(1), adam:
 * scaleByAdam(), lr: scaleByLr() })` keeps `{ clip: {}, adam: { step, expAvg, ... }, lr: {} }`
 * (and saves `state.<param>.adam.expAvg`). Stages run in the object's key order.
 */
export function namedChain<R extends Readonly<Record<string, AnyTransform>>>(stages: R): Transform<ChainHyper<R[keyof R][]>> {
  const named = Object.entries(stages);
  if (named.length === 0) throw new Error('namedChain: expected at least one stage, got none');
  for (const [n, t] of named) {
    if (!t || typeof t.init !== 'function' || typeof t.update !== 'function') {
      throw new TypeError(`namedChain: stage '${n}' is not a transform (expected { name, init, update })`);
    }
  }
  return {
    name: named.map(([n]) => n).join(' -> '),
    init(param, hyper, ctx) {
      const state: ParamState = {};
      for (const [n, t] of named) state[n] = t.init(param, hyper, ctx) as ParamState;
      return state;
    },
    update(u, state, param, hyper, ctx) {
      for (const [n, t] of named) {
        const s = state[n];
        if (!isRecord(s)) throw new Error(`namedChain: the state has no record for stage '${n}' (was it saved by another chain?)`);
        t.update(u, s, param, hyper, ctx);
      }
    },
  };
}

/**
 * An optimizer made of a transform: for each parameter with a gradient, `u = grad`, the
 * transform rewrites `u`, and `param += u`. All built-in first-order optimizers are this class
 * with a chain; `new TransformOptimizer('mine', params, options, chain(...))` builds a custom one.
 * When the transform has a fused path, this class is the one place that takes it: it hands
 * the step the active backend's {@link OptimizerKernels} and runs the chain when it declines.
 */
export class TransformOptimizer<O extends object = Record<string, unknown>> extends Optimizer<O> {
  readonly transform: Transform<O>;
  private scratch = new Map<Tensor, Float64Array>();

  constructor(name: string, params: ParamsInput, options: Record<string, unknown>, transform: Transform<O>, specs?: OptionSpecs) {
    super(name, params, options, specs);
    this.transform = transform;
  }

  protected initState(param: Storage, group: ParamGroup<O>, tensor: Tensor): ParamState {
    return this.transform.init(param, group, { shape: tensor.shape });
  }

  protected updateParam(param: Storage, grad: Storage, state: ParamState, group: ParamGroup<O>, tensor: Tensor): void {
    const ctx = { shape: tensor.shape };
    if (this.transform.fused && this.transform.fused(param, grad, state, group, optimizerKernels(), ctx)) return;
    let u = this.scratch.get(tensor);
    if (!u || u.length !== param.length) {
      u = new Float64Array(param.length);
      this.scratch.set(tensor, u);
    }
    u.set(grad);
    this.transform.update(u, state, param, group, ctx);
    for (let i = 0; i < param.length; i++) param[i] += u[i];
  }
}

// ---- small building blocks ----------------------------------------------------------------

/** Negates the update when the group's `maximize` is true (gradient ascent). */
export function flipSign(): Transform<{ maximize: boolean }> {
  return {
    name: 'flipSign',
    init: () => ({}),
    update(u, _s, _p, h) {
      if (h.maximize) for (let i = 0; i < u.length; i++) u[i] = -u[i];
    },
  };
}

/** Coupled weight decay (an L2 penalty): u += weightDecay * param. */
export function addWeightDecay<K extends string = 'weightDecay'>(key: K = 'weightDecay' as K): Transform<{ [k in K]: number }> {
  return {
    name: 'addWeightDecay',
    init: () => ({}),
    update(u, _s, p, h) {
      const wd = h[key];
      if (wd) for (let i = 0; i < u.length; i++) u[i] += wd * p[i];
    },
  };
}

/** u *= -lr: the last stage of a descent chain. */
export function scaleByLr<K extends string = 'lr'>(key: K = 'lr' as K): Transform<{ [k in K]: number }> {
  return {
    name: 'scaleByLr',
    init: () => ({}),
    update(u, _s, _p, h) {
      const lr = h[key];
      for (let i = 0; i < u.length; i++) u[i] *= -lr;
    },
  };
}

/** Decoupled weight decay after the lr scaling (Loshchilov & Hutter): u -= lr * weightDecay * param. */
export function decoupledWeightDecay<K extends string = 'weightDecay'>(key: K = 'weightDecay' as K): Transform<{ lr: number } & { [k in K]: number }> {
  return {
    name: 'decoupledWeightDecay',
    init: () => ({}),
    update(u, _s, p, h) {
      const c = h.lr * h[key];
      if (c) for (let i = 0; i < u.length; i++) u[i] -= c * p[i];
    },
  };
}

/** Multiplies the update by a constant or by `schedule(step)` (step counted from 0 per parameter). */
export function scale(factor: number | ((step: number) => number)): Transform<object, { scaleStep: number }> {
  return {
    name: 'scale',
    init: () => ({ scaleStep: 0 }),
    update(u, s) {
      const t = s.scaleStep;
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

/**
 * Whether a method's fused loop may replace its chain for this parameter: the gradient and
 * every state array have the parameter's dtype (a state dict loaded from another run may hold
 * other ones; the chain handles any mix). Fused loops read `grad` and write the state arrays
 * in the parameter's precision, so a mix would change the rounding.
 */
export function fusable(param: Storage, grad: Storage, ...state: (Storage | null | undefined)[]): boolean {
  const c = param.constructor;
  return grad.constructor === c && state.every((a) => a === null || a === undefined || a.constructor === c);
}

let scratch64 = new Float64Array(0);
let scratch32 = new Float32Array(0);

/**
 * A float64 scratch array of at least `n` elements, shared by the fused steps that need one
 * (LAMB keeps its update there between its two passes). Its contents are garbage on return;
 * the steps are synchronous, so one buffer serves them all.
 */
export function scratchF64(n: number): Float64Array {
  if (scratch64.length < n) scratch64 = new Float64Array(n);
  return scratch64;
}

/** A float32 scratch array of exactly `n` elements (a view of a shared buffer), as {@link scratchF64}: for the backends' kernels. */
export function scratchF32(n: number): Float32Array {
  if (scratch32.length < n) scratch32 = new Float32Array(n);
  return scratch32.subarray(0, n);
}

/**
 * [Σ x², Σ (ySign·y)²] accumulated in float64 in index order, as {@link l2} does (so the fused
 * steps' norms are the chains' bits).
 */
export function sumsOfSquares(x: Storage, y: Storage, ySign = 1): [number, number] {
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    const yi = ySign * y[i];
    sx += x[i] * x[i];
    sy += yi * yi;
  }
  return [sx, sy];
}

/** `value`, or an error naming the state entry that should have been created by `init`. */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`${what} is missing from the parameter's state (was it created by another configuration?)`);
  return value;
}
