/**
 * Differentiation as functions: `grad` in two styles (JAX's `grad(f)` and PyTorch's
 * `torch.autograd.grad(outputs, inputs)`), `valueAndGrad`, and Hessian-vector products.
 */
import { enableGrad, isGradEnabled, noGrad, propagate } from './autograd.js';
import type { Storage } from './dtype.js';
import { checkOptions } from './options.js';
import { sameShape, shapeToString } from './shape.js';
import { Tensor } from './tensor.js';

export interface GradOptions {
  /** Seeds for non-scalar outputs (one per output, same shape); scalars default to 1. */
  gradOutputs?: readonly Tensor[];
  /** Record the backward pass so the gradients can be differentiated again. */
  createGraph?: boolean;
  /** Return zeros for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

export interface FunctionalGradOptions {
  /** Which arguments to differentiate with respect to (default 0). */
  argnums?: number | readonly number[];
}

type TensorFn = (...args: Tensor[]) => Tensor;

const GRAD_KEYS = ['gradOutputs', 'createGraph', 'allowUnused'] as const satisfies readonly (keyof GradOptions)[];
const FUNCTIONAL_GRAD_KEYS = ['argnums'] as const satisfies readonly (keyof FunctionalGradOptions)[];
/** JAX passes argnums positionally (`grad(f, [0, 1])`); here it is an option, and the message says so. */
const ARGNUMS_HINT = 'descent takes the arguments to differentiate as an option: grad(f, { argnums: [0, 1] })';

/**
 * `grad(f)` returns a function computing the gradient of the scalar f with respect to its first
 * argument (or the arguments in `argnums`, then an array). It nests: grad(x => grad(f)(x).sum())
 * differentiates twice. When f's value depends on other tensors that require gradients (an
 * outer grad's variable, or parameters f captures, as in a gradient penalty), the gradient is
 * recorded so it can be differentiated with respect to them; otherwise it carries no graph.
 *
 * `grad(outputs, inputs, options)` returns the gradients of the outputs with respect to each
 * input, like torch.autograd.grad, leaving every `.grad` untouched.
 */
export function grad(f: TensorFn, options?: FunctionalGradOptions): (...args: Tensor[]) => Tensor | Tensor[];
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options?: GradOptions): Tensor[];
export function grad(
  first: TensorFn | Tensor | readonly Tensor[],
  second?: FunctionalGradOptions | Tensor | readonly Tensor[],
  third: GradOptions = {},
): ((...args: Tensor[]) => Tensor | Tensor[]) | Tensor[] {
  if (typeof first === 'function') {
    checkOptions('grad', second, FUNCTIONAL_GRAD_KEYS, ARGNUMS_HINT);
    const vg = valueAndGrad(first, second as FunctionalGradOptions | undefined);
    return (...args: Tensor[]) => vg(...args).grad;
  }
  checkOptions('grad', third, GRAD_KEYS);
  return gradients(toList(first), toList(second as Tensor | readonly Tensor[]), third ?? {});
}

/** Like {@link grad}(f) but returns `{ value, grad }`, the value of f too. */
export function valueAndGrad(f: TensorFn, options: FunctionalGradOptions = {}): (...args: Tensor[]) => { value: Tensor; grad: Tensor | Tensor[] } {
  if (typeof f !== 'function') throw new TypeError('valueAndGrad: expected a function of tensors');
  checkOptions('valueAndGrad', options, FUNCTIONAL_GRAD_KEYS, ARGNUMS_HINT);
  const argnums = options?.argnums ?? 0;
  const wrt = typeof argnums === 'number' ? [argnums] : Array.isArray(argnums) ? [...argnums] : [];
  if ((typeof argnums !== 'number' && !Array.isArray(argnums)) || wrt.length === 0 || !wrt.every((i) => Number.isInteger(i) && i >= 0)) {
    throw new TypeError(`grad: argnums must be a non-negative integer or a non-empty array of them, got ${JSON.stringify(argnums)}`);
  }
  return (...args: Tensor[]) => {
    wrt.forEach((i) => {
      if (!(args[i] instanceof Tensor)) throw new TypeError(`grad: argument ${i} must be a Tensor to differentiate with respect to it`);
    });
    // Inside an outer differentiation, an argument that already requires gradients stays
    // attached, so the outer derivative flows through it.
    const recording = isGradEnabled();
    const inputs = args.map((a, i) => (wrt.includes(i) && !(recording && a.requiresGrad) ? a.detach().requiresGrad_() : a));
    const value = enableGrad(() => f(...inputs));
    if (!(value instanceof Tensor) || value.numel() !== 1) {
      throw new TypeError(`grad: the function must return a scalar tensor, got ${value instanceof Tensor ? `shape ${shapeToString(value.shape)}` : typeof value}`);
    }
    // The gradient must itself be differentiable when it depends on anything that requires
    // gradients besides the fresh copies of the arguments: an attached argument, or a tensor f
    // captures (a discriminator's parameters in a gradient penalty, an outer grad's variable).
    const fresh = new Set(wrt.map((i) => inputs[i]).filter((t, k) => t !== args[wrt[k]]));
    const nested = recording && value.requiresGrad && dependsOnOtherLeaves(value, fresh);
    // f may not depend on its arguments at all (a constant): its gradient is zero.
    const grads = value.requiresGrad
      ? gradients([value], wrt.map((i) => inputs[i]), { createGraph: nested, allowUnused: true })
      : wrt.map((i) => Tensor.fill(inputs[i].shape, 0, inputs[i].dtype));
    return { value: nested ? value : value.detach(), grad: typeof argnums === 'number' ? grads[0] : grads };
  };
}

/** The Hessian of scalar f at `inputs` applied to `vectors`: d/dx <grad f(x), v>, by double backward. */
export function hvp(f: TensorFn, inputs: readonly Tensor[], vectors: readonly Tensor[]): Tensor[] {
  if (inputs.length !== vectors.length) throw new RangeError(`hvp: ${inputs.length} inputs but ${vectors.length} vectors`);
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor) || !(vectors[i] instanceof Tensor)) throw new TypeError(`hvp: input ${i} and vector ${i} must be Tensors`);
    if (x.ndim !== vectors[i].ndim || x.shape.some((d, j) => d !== vectors[i].shape[j])) {
      throw new RangeError(`hvp: vector ${i} has shape ${shapeToString(vectors[i].shape)} but input ${i} has shape ${shapeToString(x.shape)}; they must match`);
    }
  });
  const xs = inputs.map((x) => x.detach().requiresGrad_());
  const value = enableGrad(() => f(...xs));
  const g = gradients([value], xs, { createGraph: true, allowUnused: true });
  const inner = enableGrad(() => g.map((gi, i) => gi.mul(vectors[i].detach()).sum()).reduce((a, b) => a.add(b)));
  if (!inner.requiresGrad) return xs.map((x) => Tensor.fill(x.shape, 0, x.dtype));
  return gradients([inner], xs, { allowUnused: true });
}

/** Whether the graph of `root` reaches a tensor requiring gradients that is a leaf outside `own`. */
function dependsOnOtherLeaves(root: Tensor, own: ReadonlySet<Tensor>): boolean {
  const seen = new Set<Tensor>([root]);
  const stack = [root];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (own.has(t)) continue;
    if (!t.gradFn) {
      if (t.requiresGrad) return true;
      continue;
    }
    for (const input of t.gradFn.inputs) {
      if (input.requiresGrad && !seen.has(input)) {
        seen.add(input);
        stack.push(input);
      }
    }
  }
  return false;
}

function toList(x: Tensor | readonly Tensor[]): Tensor[] {
  return x instanceof Tensor ? [x] : [...x];
}

function gradients(outputs: Tensor[], inputs: Tensor[], options: GradOptions): Tensor[] {
  outputs.forEach((o, i) => {
    if (!(o instanceof Tensor)) throw new TypeError(`grad: output ${i} is not a Tensor`);
    if (!o.requiresGrad) throw new Error(`grad: output ${i} does not require gradients (none of its inputs had requiresGrad set, or it was computed inside noGrad)`);
  });
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new TypeError(`grad: input ${i} is not a Tensor`);
  });
  const seeds = outputs.map((o, i) => {
    const seed = options.gradOutputs?.[i];
    if (seed) {
      if (!(seed instanceof Tensor)) throw new TypeError(`grad: gradOutputs[${i}] must be a Tensor`);
      if (!sameShape(seed.shape, o.shape)) throw new RangeError(`grad: gradOutputs[${i}] has shape ${shapeToString(seed.shape)} but output ${i} has shape ${shapeToString(o.shape)}`);
      return seed.to(o.dtype);
    }
    if (o.numel() !== 1) throw new Error(`grad: output ${i} has shape ${shapeToString(o.shape)}; a non-scalar output needs a seed in gradOutputs`);
    return Tensor.fill(o.shape, 1, o.dtype);
  });
  const wanted = new Set(inputs);
  const grads = propagate(outputs, seeds, { createGraph: options.createGraph }, (t) => wanted.has(t));
  // Gradients passed through unchanged (add, reshape) can share storage; give each its own.
  const taken = new Set<Storage>(seeds.map((s) => s.data));
  return inputs.map((x, i) => {
    let g = grads.get(x);
    if (g) {
      if (taken.has(g.data)) g = options.createGraph ? g.clone() : noGrad(() => g!.clone());
      taken.add(g.data);
      return g;
    }
    if (!options.allowUnused) {
      throw new Error(
        x.requiresGrad
          ? `grad: input ${i} (shape ${shapeToString(x.shape)}) was not used to compute the outputs; pass allowUnused: true to get zeros for it`
          : `grad: input ${i} (shape ${shapeToString(x.shape)}) does not require gradients, so no gradient reaches it; set requiresGrad on it before computing the outputs (or pass allowUnused: true to get zeros)`,
      );
    }
    return Tensor.fill(x.shape, 0, x.dtype);
  });
}
