/**
 * Norm penalties as constraints (survey 000 §3.2.2): instead of adding αΩ(θ) to the loss, take
 * the gradient step on L₀ and then project the weights back onto the set Ω(θ) ≤ k (projected
 * gradient descent). The projection acts only when a weight leaves the set, and keeps weights
 * from growing without bound under a high learning rate (Srivastava et al. 2014 pair max-norm
 * with dropout for this reason).
 *
 * ```ts
 * const maxNorm = new MaxNorm(3);        // every hidden unit's incoming weight vector: ‖w‖₂ ≤ 3
 * optimizer.step();
 * maxNorm.apply(model);                  // the projection, after every step
 * ```
 *
 * "Per unit" means per index of dimension `dim` (default 0): a Linear weight [out, in] has one
 * row per output unit (its incoming weights), a Conv2d weight [out, in, kh, kw] one filter per
 * output channel. The norm is taken over all the other dimensions, as torch.renorm(w, 2, dim, k).
 */
import type { Tensor } from '../tensor/index.js';
import { selectParameters, type ParamSource, type SelectOptions } from './select.js';
import { checkNonNegative, checkNumber, checkOptions, checkPositive } from './validate.js';

/** A projection applied to a model's weights in place, after each optimizer step. */
export interface Constraint {
  readonly name: string;
  apply(model: ParamSource): void;
}

export interface UnitNormOptions extends SelectOptions {
  /** The dimension that indexes the units (default 0: rows of a Linear weight, filters of a conv). */
  dim?: number;
}

/** Calls fn(offsets of one unit's elements) for every unit along `dim` of `shape`. */
function forEachUnit(shape: readonly number[], dim: number, fn: (indices: Int32Array) => void): void {
  const outer = shape.slice(0, dim).reduce((a, b) => a * b, 1);
  const units = shape[dim];
  const inner = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const idx = new Int32Array(outer * inner);
  for (let u = 0; u < units; u++) {
    let k = 0;
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) idx[k++] = (o * units + u) * inner + i;
    fn(idx);
  }
}

function unitDim(op: string, p: Tensor, dim: number, name: string): number {
  if (p.ndim === 0) throw new RangeError(`${op}: parameter '${name}' is a scalar; it has no units`);
  const d = dim < 0 ? dim + p.ndim : dim;
  if (!Number.isInteger(d) || d < 0 || d >= p.ndim) throw new RangeError(`${op}: dim must lie in [${-p.ndim}, ${p.ndim - 1}] for parameter '${name}' of shape [${p.shape}], got ${dim}`);
  return d;
}

/** The L2 norm of every unit of `w` along `dim` (a plain array, for inspection and tests). */
export function unitNorms(w: Tensor, dim = 0): number[] {
  const out: number[] = [];
  forEachUnit(w.shape, unitDim('unitNorms', w, dim, w.name ?? 'w'), (idx) => {
    let s = 0;
    for (let k = 0; k < idx.length; k++) s += w.data[idx[k]] * w.data[idx[k]];
    out.push(Math.sqrt(s));
  });
  return out;
}

/**
 * Rescales, in place, every unit of `w` along `dim` whose L2 norm exceeds `maxNorm` to norm
 * `maxNorm` (torch.renorm's formula: w · maxNorm / (‖w‖ + 1e-7)); other units are unchanged.
 */
export function maxNormProject(w: Tensor, maxNorm: number, dim = 0): void {
  checkNonNegative('maxNormProject', 'maxNorm', maxNorm);
  const d = w.data;
  forEachUnit(w.shape, unitDim('maxNormProject', w, dim, w.name ?? 'w'), (idx) => {
    let s = 0;
    for (let k = 0; k < idx.length; k++) s += d[idx[k]] * d[idx[k]];
    const norm = Math.sqrt(s);
    if (norm > maxNorm) {
      const f = maxNorm / (norm + 1e-7);
      for (let k = 0; k < idx.length; k++) d[idx[k]] *= f;
    }
  });
}

/** Max-norm: ‖w_unit‖₂ ≤ maxValue for every unit of every selected weight (Srebro & Shraibman 2005; Srivastava et al. 2014). */
export class MaxNorm implements Constraint {
  readonly name: string;
  readonly maxValue: number;
  readonly dim: number;
  readonly options: SelectOptions;

  constructor(maxValue: number, options: UnitNormOptions = {}) {
    this.maxValue = checkPositive('MaxNorm', 'maxValue', maxValue);
    checkOptions('MaxNorm', options, ['select', 'dim']);
    this.dim = checkNumber('MaxNorm', 'dim', options.dim ?? 0, { integer: true });
    this.options = options;
    this.name = `max-norm ${maxValue}`;
  }

  apply(model: ParamSource): void {
    for (const [, p] of selectParameters(model, this.options.select, 'MaxNorm')) maxNormProject(p, this.maxValue, this.dim);
  }
}

/** Unit norm: every unit of every selected weight is rescaled to ‖w_unit‖₂ = 1 (units of norm 0 are left at 0). */
export class UnitNorm implements Constraint {
  readonly name = 'unit-norm';
  readonly dim: number;
  readonly options: SelectOptions;

  constructor(options: UnitNormOptions = {}) {
    checkOptions('UnitNorm', options, ['select', 'dim']);
    this.dim = checkNumber('UnitNorm', 'dim', options.dim ?? 0, { integer: true });
    this.options = options;
  }

  apply(model: ParamSource): void {
    for (const [name, p] of selectParameters(model, this.options.select, 'UnitNorm')) {
      const d = p.data;
      forEachUnit(p.shape, unitDim('UnitNorm', p, this.dim, name), (idx) => {
        let s = 0;
        for (let k = 0; k < idx.length; k++) s += d[idx[k]] * d[idx[k]];
        const norm = Math.sqrt(s);
        if (norm > 0) for (let k = 0; k < idx.length; k++) d[idx[k]] /= norm;
      });
    }
  }
}

/** Non-negativity: w ← max(w, 0) for the selected parameters (the projection onto the non-negative orthant). */
export class NonNeg implements Constraint {
  readonly name = 'non-negative';
  readonly options: SelectOptions;

  constructor(options: SelectOptions = {}) {
    this.options = checkOptions('NonNeg', options, ['select']);
  }

  apply(model: ParamSource): void {
    for (const [, p] of selectParameters(model, this.options.select, 'NonNeg')) {
      const d = p.data;
      for (let i = 0; i < d.length; i++) if (d[i] < 0) d[i] = 0;
    }
  }
}

/** Applies constraints in order. */
export function composeConstraints(...constraints: Constraint[]): Constraint {
  return { name: constraints.map((c) => c.name).join(' + ') || 'none', apply: (m) => constraints.forEach((c) => c.apply(m)) };
}
