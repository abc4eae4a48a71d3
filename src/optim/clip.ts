/**
 * Gradient clipping, on the `.grad` of parameter tensors (in place, like torch.nn.utils), and as
 * per-parameter transforms for optimizer chains.
 *
 * - {@link clipGradNorm}: by the global norm of all gradients together; returns that norm
 *   (torch.nn.utils.clip_grad_norm_).
 * - {@link clipGradNormPerParam}: each gradient by its own norm.
 * - {@link clipGradValue}: elementwise into [-c, c] (torch.nn.utils.clip_grad_value_).
 * - {@link adaptiveGradClip}: unit-wise, relative to the parameter's norm (Brock et al. 2021).
 *
 * Clipping against exploding gradients: seed 003 §2.3 (cliffs and gradient explosion).
 */
import type { Storage } from '../tensor/dtype.js';
import { peekGrad, type Tensor } from '../tensor/tensor.js';
import { checkOptions } from '../tensor/options.js';
import type { Transform } from './transform.js';
import { pow } from '../backend/math/pow.js';

export interface ClipNormOptions {
  /** The p of the p-norm: a positive number or 'inf' (default 2). */
  normType?: number | 'inf';
  /** Throw when the total norm is NaN or infinite (naming the offending parameter). */
  errorIfNonfinite?: boolean;
}

function grads(params: Tensor | Iterable<Tensor>): { p: Tensor; g: Storage; index: number }[] {
  const list = (params as Tensor).data !== undefined ? [params as Tensor] : [...(params as Iterable<Tensor>)];
  const out: { p: Tensor; g: Storage; index: number }[] = [];
  list.forEach((p, index) => {
    const grad = peekGrad(p);
    if (grad) out.push({ p, g: grad.data, index });
  });
  return out;
}

function pNorm(x: ArrayLike<number>, normType: number | 'inf'): number {
  if (normType === 'inf' || normType === Infinity) {
    let m = 0;
    for (let i = 0; i < x.length; i++) {
      const a = Math.abs(x[i]);
      if (a > m || Number.isNaN(a)) m = a;
    }
    return m;
  }
  let s = 0;
  if (normType === 2) for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  else for (let i = 0; i < x.length; i++) s += pow(Math.abs(x[i]), normType);
  return normType === 2 ? Math.sqrt(s) : pow(s, 1 / normType);
}

function checkNormType(normType: unknown, op: string): number | 'inf' {
  if (normType === 'inf' || normType === Infinity) return 'inf';
  if (typeof normType !== 'number' || !(normType > 0)) throw new TypeError(`${op}: normType must be a positive number or 'inf', got ${String(normType)}`);
  return normType;
}

function checkMax(v: unknown, name: string, op: string): number {
  if (typeof v !== 'number' || !(v >= 0)) throw new TypeError(`${op}: ${name} must be a number >= 0, got ${String(v)}`);
  return v;
}

/**
 * Scales all gradients together so that their joint p-norm is at most `maxNorm`:
 * `g *= min(1, maxNorm / (‖g‖ + 1e-6))`. Returns the norm before clipping.
 * Matches torch.nn.utils.clip_grad_norm_ (Pascanu, Mikolov & Bengio 2013).
 */
export function clipGradNorm(params: Tensor | Iterable<Tensor>, maxNorm: number, options: ClipNormOptions = {}): number {
  checkMax(maxNorm, 'maxNorm', 'clipGradNorm');
  checkOptions('clipGradNorm', options, ['normType', 'errorIfNonfinite']);
  const normType = checkNormType(options.normType ?? 2, 'clipGradNorm');
  const gs = grads(params);
  if (gs.length === 0) return 0;
  const norms = gs.map(({ g }) => pNorm(g, normType));
  const total = pNorm(norms, normType);
  if (!Number.isFinite(total) && options.errorIfNonfinite) {
    const bad = gs.find(({ g }) => !Number.isFinite(pNorm(g, normType)));
    throw new Error(`clipGradNorm: the total ${normType}-norm of the gradients is ${total}` +
      (bad ? ` (parameter ${bad.index}${bad.p.name ? ` '${bad.p.name}'` : ''} has a non-finite gradient)` : '') +
      '; it cannot be clipped');
  }
  const coef = Math.min(1, maxNorm / (total + 1e-6));
  for (const { g } of gs) for (let i = 0; i < g.length; i++) g[i] *= coef;
  return total;
}

/** Clips each gradient separately to p-norm at most `maxNorm`; returns the norms before clipping. */
export function clipGradNormPerParam(params: Tensor | Iterable<Tensor>, maxNorm: number, options: Omit<ClipNormOptions, 'errorIfNonfinite'> = {}): number[] {
  checkMax(maxNorm, 'maxNorm', 'clipGradNormPerParam');
  checkOptions('clipGradNormPerParam', options, ['normType']);
  const normType = checkNormType(options.normType ?? 2, 'clipGradNormPerParam');
  return grads(params).map(({ g }) => {
    const n = pNorm(g, normType);
    const coef = Math.min(1, maxNorm / (n + 1e-6));
    for (let i = 0; i < g.length; i++) g[i] *= coef;
    return n;
  });
}

/** Clamps every gradient element into [-clipValue, clipValue] (torch.nn.utils.clip_grad_value_). */
export function clipGradValue(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  checkMax(clipValue, 'clipValue', 'clipGradValue');
  for (const { g } of grads(params)) {
    for (let i = 0; i < g.length; i++) g[i] = Math.min(clipValue, Math.max(-clipValue, g[i]));
  }
}

/** Rows of a tensor for unit-wise norms: one unit per index of the first axis (output units), or the whole tensor for 0-d/1-d. */
function units(shape: readonly number[], size: number): [number, number] {
  if (shape.length <= 1) return [1, size];
  return [shape[0], size / shape[0]];
}

function agcInPlace(w: ArrayLike<number>, g: Storage, shape: readonly number[], clipping: number, eps: number): void {
  const [count, width] = units(shape, g.length);
  for (let u = 0; u < count; u++) {
    let ws = 0;
    let gs = 0;
    for (let j = 0; j < width; j++) {
      const k = u * width + j;
      ws += w[k] * w[k];
      gs += g[k] * g[k];
    }
    const maxNorm = Math.max(Math.sqrt(ws), eps) * clipping;
    const gn = Math.sqrt(gs);
    if (gn > maxNorm) {
      const c = maxNorm / Math.max(gn, 1e-6);
      for (let j = 0; j < width; j++) g[u * width + j] *= c;
    }
  }
}

/**
 * Adaptive gradient clipping (Brock, De, Smith & Simonyan 2021, "High-Performance Large-Scale
 * Image Recognition Without Normalization", §4.1), unit-wise: for each output unit i (a slice
 * along the first axis; the whole tensor for vectors and scalars),
 *
 * ```
 * G_i ← λ · max(‖W_i‖, ε) / ‖G_i‖ · G_i    if ‖G_i‖ / max(‖W_i‖, ε) > λ
 * ```
 * with λ = `clipping` (default 0.01) and ε = `eps` (default 1e-3).
 */
export function adaptiveGradClip(params: Tensor | Iterable<Tensor>, clipping = 0.01, eps = 1e-3): void {
  checkMax(clipping, 'clipping', 'adaptiveGradClip');
  checkMax(eps, 'eps', 'adaptiveGradClip');
  for (const { p, g } of grads(params)) agcInPlace(p.data, g, p.shape, clipping, eps);
}

// ---- as transforms ------------------------------------------------------------------------

/** Transform: clamps the update elementwise into [-clipValue, clipValue]. */
export function clipByValue(clipValue: number): Transform<object> {
  checkMax(clipValue, 'clipValue', 'clipByValue');
  return {
    name: 'clipByValue',
    init: () => ({}),
    update(u) {
      for (let i = 0; i < u.length; i++) u[i] = Math.min(clipValue, Math.max(-clipValue, u[i]));
    },
  };
}

/** Transform: scales each parameter's update to 2-norm at most `maxNorm`. */
export function clipByNorm(maxNorm: number): Transform<object> {
  checkMax(maxNorm, 'maxNorm', 'clipByNorm');
  return {
    name: 'clipByNorm',
    init: () => ({}),
    update(u) {
      const n = pNorm(u, 2);
      const c = Math.min(1, maxNorm / (n + 1e-6));
      if (c < 1) for (let i = 0; i < u.length; i++) u[i] *= c;
    },
  };
}

/** Transform: adaptive gradient clipping of the update, unit-wise against the parameter (see {@link adaptiveGradClip}). */
export function clipAdaptive(clipping = 0.01, eps = 1e-3): Transform<object> {
  checkMax(clipping, 'clipping', 'clipAdaptive');
  return {
    name: 'clipAdaptive',
    init: () => ({}),
    update(u, _s, p, _h, ctx) {
      agcInPlace(p, u, ctx.shape, clipping, eps);
    },
  };
}
