/** Helpers every op uses to build its result and record its backward rule. */
import { isGradEnabled } from '../autograd.js';
import { allocate, promote, type DType, type Storage } from '../dtype.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';

export type BackwardRule = (gradOutput: Tensor) => readonly (Tensor | null)[];

/**
 * Wraps `data` as the output of op `name`, recording `backward` when gradients are being
 * recorded and some input requires them.
 */
export function makeResult(data: Storage, shape: Shape, name: string, inputs: readonly Tensor[], backward?: BackwardRule): Tensor {
  const out = new Tensor(data, shape);
  if (backward && isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.gradFn = { name, inputs, backward };
  }
  return out;
}

/** A number becomes a 0-d tensor of `dtype`; a tensor is returned as is. */
export function asTensor(x: Tensor | number, dtype: DType, op: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== 'number') throw new TypeError(`${op}: expected a Tensor or a number, got ${describe(x)}`);
  const data = allocate(dtype, 1);
  data[0] = x;
  return new Tensor(data, []);
}

export function checkTensor(x: unknown, op: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${what} must be a Tensor, got ${describe(x)}`);
  return x;
}

/** Casts both tensors to their common dtype (float64 wins). */
export function promoted(a: Tensor, b: Tensor): [Tensor, Tensor] {
  const dtype = promote(a.dtype, b.dtype);
  return [a.to(dtype), b.to(dtype)];
}

export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'an object';
  return `${typeof x} ${String(x)}`;
}
