/**
 * Parameter vectors: a list of tensors read as one flat float64 vector, the space every
 * diagnostic works in (Hessian-vector products, Lanczos, directions in the landscape, paths).
 * Float64 because Lanczos and the sums along a path lose the digits float32 would keep.
 */
import { noGrad, Tensor } from '../tensor/index.js';

/** A scalar objective evaluated at the parameters' current values (a loss with its graph). */
export type Objective = () => Tensor;

/** Throws unless `params` is a non-empty list of tensors; `op` names the caller. */
export function checkParams(op: string, params: readonly Tensor[]): void {
  if (!Array.isArray(params) || params.length === 0) throw new TypeError(`${op}: params must be a non-empty array of Tensors`);
  params.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${op}: params[${i}] is not a Tensor`);
  });
}

/** The number of scalars in `params`. */
export function vectorSize(params: readonly Tensor[]): number {
  return params.reduce((n, p) => n + p.numel(), 0);
}

/** The parameters' values concatenated into one float64 vector (a copy). */
export function flattenParams(params: readonly Tensor[]): Float64Array {
  const out = new Float64Array(vectorSize(params));
  let at = 0;
  for (const p of params) {
    out.set(p.data, at);
    at += p.numel();
  }
  return out;
}

/** Writes `vector` into the parameters' storage in place (the inverse of {@link flattenParams}). */
export function assignParams(params: readonly Tensor[], vector: Float64Array): void {
  const n = vectorSize(params);
  if (vector.length !== n) throw new RangeError(`assignParams: the vector has ${vector.length} entries but the parameters have ${n}`);
  let at = 0;
  for (const p of params) {
    p.data.set(vector.subarray(at, at + p.numel()));
    at += p.numel();
  }
}

/** The vector cut into tensors shaped like `params` (in their dtype). */
export function splitLike(params: readonly Tensor[], vector: Float64Array): Tensor[] {
  let at = 0;
  return params.map((p) => {
    const data = p.dtype === 'float64' ? vector.slice(at, at + p.numel()) : Float32Array.from(vector.subarray(at, at + p.numel()));
    at += p.numel();
    return new Tensor(data, p.shape);
  });
}

/** The tensors (gradients) concatenated into one float64 vector; a missing one counts as zeros. */
export function flattenTensors(tensors: readonly (Tensor | null | undefined)[], like: readonly Tensor[]): Float64Array {
  const out = new Float64Array(vectorSize(like));
  let at = 0;
  like.forEach((p, i) => {
    const t = tensors[i];
    if (t) out.set(t.data, at);
    at += p.numel();
  });
  return out;
}

/** Σ a_i b_i. */
export function dotVectors(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** ‖a‖₂. */
export function normOf(a: Float64Array): number {
  return Math.sqrt(dotVectors(a, a));
}

/** a + s·b, a new vector. */
export function addScaled(a: Float64Array, s: number, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + s * b[i];
  return out;
}

/** The objective's value (a number) at the parameters' current values, without recording a graph. */
export function valueOf(objective: Objective): number {
  const v = noGrad(() => objective());
  if (!(v instanceof Tensor) || v.numel() !== 1) throw new TypeError('diagnostics: the objective must return a scalar Tensor');
  return v.item();
}

/**
 * Runs `fn` with the parameters temporarily set to `vector`, restoring their values afterwards
 * (also when `fn` throws), so a diagnostic never moves a model it inspects.
 */
export function atPoint<T>(params: readonly Tensor[], vector: Float64Array, fn: () => T): T {
  const saved = flattenParams(params);
  assignParams(params, vector);
  try {
    return fn();
  } finally {
    assignParams(params, saved);
  }
}
