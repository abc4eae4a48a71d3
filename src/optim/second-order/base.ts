/**
 * What the second-order optimizers share: one parameter group viewed as a flat vector, closure
 * checks, and, for the methods that differentiate twice (Newton, Newton-CG), evaluating a
 * loss with its gradient graph kept so Hessian-vector products can be taken through it.
 */
import { Tensor } from '../../tensor/tensor.js';
import { enableGrad } from '../../tensor/autograd.js';
import { anomalyDetection, checkFiniteGradients } from '../../tensor/anomaly.js';
import { grad } from '../../tensor/functional.js';
import { Optimizer } from '../optimizer.js';
import type { OptionSpecs } from '../options.js';
import type { Closure, ParamState, ParamsInput } from '../types.js';
import { FlatParams, type Vec } from './flat.js';

export abstract class SecondOrderOptimizer<O extends object> extends Optimizer<O> {
  /** All parameters as one flat vector. */
  protected readonly flat: FlatParams;

  constructor(name: string, params: ParamsInput, options: Record<string, unknown>, specs: OptionSpecs) {
    super(name, params, options ?? {}, specs);
    if (this.paramGroups.length !== 1) {
      throw new Error(`${name}: does not support parameter groups (per-group options); pass a single list of tensors`);
    }
    this.flat = new FlatParams(this.paramGroups[0].params);
  }

  /** The options in force (those of the single parameter group; schedules may change lr). */
  protected get group(): O {
    return this.paramGroups[0];
  }

  /** Rounds a scalar to the parameters' precision (float32 scalars in PyTorch are tensors). */
  protected get round(): (x: number) => number {
    return this.flat.dtype === 'float32' ? Math.fround : identity;
  }

  /** Throws a clear error when `step` is called without a closure; counts the step and, under anomaly detection, checks each evaluation's gradients. */
  protected requireClosure(closure: unknown, what: string): Closure {
    if (typeof closure !== 'function') {
      throw new TypeError(`${this.name}.step: needs a closure (got ${closure === undefined ? 'none' : typeof closure}): ${what}`);
    }
    this.stepCalls++;
    const fn = closure as Closure;
    if (!anomalyDetection) return fn;
    // These methods evaluate the closure several times per step: anomaly detection checks the
    // gradients each evaluation leaves, before the method uses them.
    return () => {
      const out = fn();
      checkFiniteGradients(this.name, this.paramGroups, this.stepCalls);
      return out;
    };
  }

  /** Never called: these optimizers override `step` and update all parameters at once. */
  protected initState(): ParamState {
    return {};
  }

  protected updateParam(): void {
    throw new Error(`${this.name}: updates all parameters at once in step(closure); updateParam is not used`);
  }
}

function identity(x: number): number {
  return x;
}

/** The loss from a Newton-style closure with its gradient graph, ready for Hessian-vector products. */
export interface GraphEvaluation {
  loss: number;
  /** Gradient as a flat vector. */
  g: Vec;
  /** Hv for a flat vector v, by differentiating gᵀv (one backward pass through the graph). */
  hvp(v: ArrayLike<number>): Vec;
}

/** Calls a closure that must return the loss as a tensor recorded with a graph. */
export function lossTensor(closure: Closure, owner: string): Tensor {
  const out = enableGrad(closure);
  if (!(out instanceof Tensor)) {
    throw new TypeError(`${owner}: the closure must return the loss as a Tensor computed from the parameters (got ${typeof out}); this optimizer differentiates it itself`);
  }
  if (out.numel() !== 1) throw new TypeError(`${owner}: the closure must return a scalar loss, got a tensor of ${out.numel()} elements`);
  return out;
}

/**
 * Evaluates the loss and its gradient with `createGraph`, returning the gradient and a
 * Hessian-vector product through that graph (Pearlmutter's trick by double backward: the graph
 * is built once and reused for every product).
 */
export function evaluateWithGraph(closure: Closure, flat: FlatParams, owner: string): GraphEvaluation {
  const out = lossTensor(closure, owner);
  const params = flat.params as Tensor[];
  if (!out.requiresGrad) {
    throw new Error(`${owner}: the loss returned by the closure does not depend on the parameters through a recorded graph (were the parameters created with requiresGrad: true? was it computed inside noGrad?)`);
  }
  const gs = grad(out, params, { createGraph: true, allowUnused: true });
  const g = flat.join(gs);
  const hvp = (v: ArrayLike<number>): Vec => {
    const vs = flat.split(v, out.dtype);
    const inner = enableGrad(() => gs.map((gi, i) => gi.mul(vs[i]).sum()).reduce((a, b) => a.add(b)));
    if (!inner.requiresGrad) return flat.zeros();
    return flat.join(grad(inner, params, { allowUnused: true }));
  };
  return { loss: out.item(), g, hvp };
}

/**
 * The loss value alone, for line-search trial points of Newton-style closures. Recording stays
 * on so a PyTorch-style closure (one that calls `loss.backward()` itself) works too.
 */
export function evaluateValue(closure: Closure, owner: string): number {
  const out = enableGrad(closure);
  if (out instanceof Tensor) {
    if (out.numel() !== 1) throw new TypeError(`${owner}: the closure must return a scalar loss, got a tensor of ${out.numel()} elements`);
    return out.item();
  }
  throw new TypeError(`${owner}: the closure must return the loss as a Tensor computed from the parameters (got ${typeof out})`);
}

/** The loss and its gradient (first order, no graph kept), for Newton-style closures. */
export function evaluateGradient(closure: Closure, flat: FlatParams, owner: string): { loss: number; g: Vec } {
  const out = lossTensor(closure, owner);
  if (!out.requiresGrad) throw new Error(`${owner}: the loss returned by the closure does not depend on the parameters through a recorded graph`);
  const gs = grad(out, flat.params as Tensor[], { allowUnused: true });
  return { loss: out.item(), g: flat.join(gs) };
}

/** Calls a first-order closure (zero grads, backward, return the loss) and returns its loss. */
export function evaluateLoss(closure: Closure, owner: string): number {
  const out = enableGrad(closure);
  if (typeof out === 'number') return out;
  if (out instanceof Tensor) {
    if (out.numel() !== 1) throw new TypeError(`${owner}: the closure must return a scalar loss, got a tensor of ${out.numel()} elements`);
    return out.item();
  }
  throw new TypeError(`${owner}: the closure must return the loss (a Tensor or a number), got ${out === undefined ? 'undefined' : typeof out}`);
}
