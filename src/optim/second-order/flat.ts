/**
 * Flat-vector plumbing shared by the second-order methods: all parameters viewed as one vector
 * (in the parameters' dtype), gradients gathered into one, and the few BLAS-1 routines the
 * methods need. Dot products and norms accumulate in double precision.
 */
import { Tensor, peekGrad } from '../../tensor/tensor.js';
import type { DType, Storage } from '../../tensor/dtype.js';

/** A flat vector: float64 when every parameter is float64, float32 otherwise. */
export type Vec = Storage;

/** The parameters of an optimizer seen as one flat vector x (concatenated in order). */
export class FlatParams {
  readonly params: readonly Tensor[];
  readonly numel: number;
  /** float64 when every parameter is float64 (then all vectors are exact doubles), else float32. */
  readonly dtype: DType;

  constructor(params: readonly Tensor[]) {
    this.params = params;
    this.numel = params.reduce((n, p) => n + p.numel(), 0);
    this.dtype = params.every((p) => p.dtype === 'float64') ? 'float64' : 'float32';
  }

  /** A zero vector of the parameters' size and dtype. */
  zeros(): Vec {
    return this.dtype === 'float64' ? new Float64Array(this.numel) : new Float32Array(this.numel);
  }

  /** A copy of `v` in this vector dtype. */
  copy(v: ArrayLike<number>): Vec {
    const out = this.zeros();
    out.set(v);
    return out;
  }

  /** The current parameters as one vector. */
  get(): Vec {
    const out = this.zeros();
    let o = 0;
    for (const p of this.params) {
      out.set(p.data, o);
      o += p.numel();
    }
    return out;
  }

  /** Writes `x` into the parameters (in place). */
  set(x: ArrayLike<number>): void {
    let o = 0;
    for (const p of this.params) {
      const d = p.data;
      for (let i = 0; i < d.length; i++) d[i] = x[o + i];
      o += p.numel();
    }
  }

  /** params += t * d, in place (rounded to the parameters' dtype). */
  addScaled(t: number, d: ArrayLike<number>): void {
    let o = 0;
    for (const p of this.params) {
      const data = p.data;
      if (data instanceof Float64Array) for (let i = 0; i < data.length; i++) data[i] = fma(t, d[o + i], data[i]);
      else for (let i = 0; i < data.length; i++) data[i] += t * d[o + i];
      o += p.numel();
    }
  }

  /**
   * The parameters' `.grad` as one vector (zeros for a parameter without one). Throws when no
   * parameter has a gradient: the closure forgot `loss.backward()`.
   */
  gatherGrad(owner: string): Vec {
    const out = this.zeros();
    let o = 0;
    let any = false;
    for (const p of this.params) {
      const grad = peekGrad(p); // copied, not kept
      if (grad) {
        if (grad.numel() !== p.numel()) throw new RangeError(`${owner}: a gradient has ${grad.numel()} elements but its parameter has ${p.numel()}`);
        out.set(grad.data, o);
        any = true;
      }
      o += p.numel();
    }
    if (!any) {
      throw new Error(`${owner}: no parameter has a gradient after the closure ran; the closure must zero the gradients, compute the loss, call loss.backward() and return the loss`);
    }
    return out;
  }

  /** Splits a flat vector into tensors shaped like the parameters (copies). */
  split(v: ArrayLike<number>, dtype: DType = this.dtype): Tensor[] {
    let o = 0;
    return this.params.map((p) => {
      const data = dtype === 'float64' ? new Float64Array(p.numel()) : new Float32Array(p.numel());
      for (let i = 0; i < p.numel(); i++) data[i] = v[o + i];
      o += p.numel();
      return new Tensor(data, p.shape);
    });
  }

  /** Concatenates tensors shaped like the parameters into one flat vector. */
  join(ts: readonly Tensor[]): Vec {
    const out = this.zeros();
    let o = 0;
    ts.forEach((t, i) => {
      if (t.numel() !== this.params[i].numel()) throw new RangeError(`internal: tensor ${i} has ${t.numel()} elements, parameter ${i} has ${this.params[i].numel()}`);
      out.set(t.data, o);
      o += t.numel();
    });
    return out;
  }
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * The dot product rounded the way PyTorch's CPU `dot` rounds it (through OpenBLAS, for vectors
 * shorter than its 16/32-element blocks): float64 accumulates sequentially with fused
 * multiply-adds; float32 adds the float32-rounded products in double and rounds the sum to
 * float32. Used where a method reproduces PyTorch's trajectories (L-BFGS).
 */
export function torchDot(a: Vec, b: Vec): number {
  let s = 0;
  if (a instanceof Float64Array) {
    for (let i = 0; i < a.length; i++) s = fma(a[i], b[i], s);
    return s;
  }
  for (let i = 0; i < a.length; i++) s += Math.fround(a[i] * b[i]);
  return Math.fround(s);
}

/** Σ|a_i| rounded like PyTorch's `abs().sum()` on short vectors (sequential in the vector's precision). */
export function torchAbsSum(a: Vec): number {
  let s = 0;
  if (a instanceof Float64Array) for (let i = 0; i < a.length; i++) s += Math.abs(a[i]);
  else for (let i = 0; i < a.length; i++) s = Math.fround(s + Math.abs(a[i]));
  return s;
}

export function absMax(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m || Number.isNaN(v)) m = v;
  }
  return m;
}

export function absSum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]);
  return s;
}

export function norm2(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** y += alpha * x, in place. */
export function axpy(alpha: number, x: ArrayLike<number>, y: Vec): void {
  if (y instanceof Float64Array) for (let i = 0; i < y.length; i++) y[i] = fma(alpha, x[i], y[i]);
  else for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}

const SPLIT = 134217729; // 2^27 + 1, Veltkamp's splitter for doubles

/**
 * a * b + c with (almost always) a single rounding, like a fused multiply-add: the product's
 * rounding error is recovered exactly by Dekker's TwoProduct and the sum's by Knuth's TwoSum.
 * PyTorch's CPU kernels compute `x.add_(y, alpha=a)` with FMA instructions, so float64 updates
 * written this way round exactly as PyTorch's do.
 */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  if (!Number.isFinite(p) || p === 0) return p + c;
  const as = a * SPLIT;
  const ah = as - (as - a);
  const al = a - ah;
  const bs = b * SPLIT;
  const bh = bs - (bs - b);
  const bl = b - bh;
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  const s = p + c;
  const z = s - p;
  const err = p - (s - z) + (c - z);
  return s + (e + err);
}

/** out = alpha * x (a new vector of x's type). */
export function scaled(alpha: number, x: Vec): Vec {
  const out = x instanceof Float64Array ? new Float64Array(x.length) : new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = alpha * x[i];
  return out;
}

/** A copy of x of the same type. */
export function clone(x: Vec): Vec {
  return x instanceof Float64Array ? new Float64Array(x) : new Float32Array(x);
}
