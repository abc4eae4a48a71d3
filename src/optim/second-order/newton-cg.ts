/**
 * Hessian-free Newton: truncated conjugate gradient on the Newton system, with Hessian-vector
 * products from autodiff.
 */
import type { OptionSpecs } from '../options.js';
import type { ParamsInput } from '../types.js';
import type { GraphEvaluation } from './base.js';
import { dot } from './flat.js';
import { DAMPED_NEWTON_OPTIONS, DampedNewtonBase, type DampedNewtonOptions, type NewtonDirection } from './newton.js';

export interface NewtonCGOptions extends DampedNewtonOptions {
  /** Most CG iterations (Hessian-vector products) per step (default null: the number of parameters). */
  maxCgIter: number | null;
  /**
   * Relative residual tolerance: CG stops when ‖(H + λI) p + g‖ <= cgTol · ‖g‖. null (default)
   * uses the forcing sequence in `forcing`.
   */
  cgTol: number | null;
  /** η_k = min(0.5, √‖g‖) ('superlinear', default) or min(0.5, ‖g‖) ('quadratic'), N&W eq. 7.3. */
  forcing: 'superlinear' | 'quadratic';
}

export const NEWTON_CG_OPTIONS: OptionSpecs = {
  ...DAMPED_NEWTON_OPTIONS,
  lineSearch: { ...DAMPED_NEWTON_OPTIONS.lineSearch, default: 'backtracking' },
  maxCgIter: { type: 'integer', default: null, min: 1, nullable: true, doc: 'most CG iterations per step (null: the number of parameters)' },
  cgTol: { type: 'number', default: null, min: 0, nullable: true, doc: 'relative residual tolerance of CG (null: the forcing sequence)' },
  forcing: { type: 'string', default: 'superlinear', choices: ['superlinear', 'quadratic'], doc: "forcing sequence η = min(0.5, sqrt(|g|)) ('superlinear') or min(0.5, |g|) ('quadratic')" },
};

/** Why the last CG solve stopped. */
export type CgStop = 'tolerance' | 'maxIter' | 'negativeCurvature';

/**
 * Hessian-free Newton, "line search Newton-CG" (Nocedal & Wright, "Numerical Optimization",
 * 2nd ed. 2006, Algorithm 7.1; Martens, "Deep learning via Hessian-free optimization", ICML
 * 2010, for the damping): the Newton system (H + λI) p = -g is solved inexactly by conjugate
 * gradient, touching H only through Hessian-vector products (double backward through the
 * gradient graph, which is built once per step and reused):
 *
 *     z₀ = 0, r₀ = g, d₀ = -g
 *     for j = 0, 1, …:  if dⱼᵀBdⱼ <= 0:  p = (j = 0 ? -g : zⱼ)          (negative curvature)
 *                       α = rⱼᵀrⱼ / dⱼᵀBdⱼ;  z += α d;  r += α Bd
 *                       if ‖r‖ <= η ‖g‖:  p = z                         (truncation)
 *                       d = -r + (rᵀr)_new / (rᵀr)_old · d
 *
 * with B = H + λI and η = cgTol, or the forcing sequence min(0.5, √‖g‖) (superlinear
 * convergence, N&W Theorem 7.2) or min(0.5, ‖g‖) (quadratic). At most `maxCgIter` products
 * per step (default n, where exact arithmetic CG terminates). Then x ← x + t p with t from an
 * Armijo backtracking search started at lr (default), a strong Wolfe search, or t = lr. λ can
 * adapt Levenberg-Marquardt style (Martens 2010 §4.1: ρ < 1/4 → λ·3/2, ρ > 3/4 → λ·2/3).
 *
 * One `step(closure)` is one outer iteration; the closure returns the loss tensor built from
 * the parameters (no backward needed). State: nIter, funcEvals, cgIterations (total
 * Hessian-vector products), lastCgIterations, lastCgStop, negativeCurvature (count), damping.
 */
export class NewtonCG extends DampedNewtonBase<NewtonCGOptions> {
  constructor(params: ParamsInput, options: Partial<NewtonCGOptions> = {}) {
    super('newtoncg', params, options, NEWTON_CG_OPTIONS);
  }

  protected direction(ev: GraphEvaluation, lambda: number): NewtonDirection {
    const opts = this.group;
    const st = this.globalState;
    const n = this.flat.numel;
    const g = ev.g;
    const maxCg = opts.maxCgIter ?? n;
    const gNorm = Math.sqrt(dot(g, g));
    const eta = opts.cgTol ?? Math.min(0.5, opts.forcing === 'quadratic' ? gNorm : Math.sqrt(gNorm));
    const tol = eta * gNorm;

    const z = new Float64Array(n);
    const r = Float64Array.from(g);
    const d = Float64Array.from(g, (v) => -v);
    let rr = dot(r, r);
    let iters = 0;
    let stop: CgStop = 'maxIter';
    let result: NewtonDirection | null = null;
    for (let j = 0; j < maxCg; j++) {
      const bd = ev.hvp(d);
      iters++;
      const bdd = Float64Array.from(bd);
      if (lambda !== 0) for (let i = 0; i < n; i++) bdd[i] += lambda * d[i];
      const dBd = dot(d, bdd);
      if (!(dBd > 0)) {
        stop = 'negativeCurvature';
        st.negativeCurvature = ((st.negativeCurvature as number | undefined) ?? 0) + 1;
        // N&W Algorithm 7.1: steepest descent if it happens at once, else the last iterate.
        if (j === 0) result = { p: Float64Array.from(d), pBp: dBd };
        break;
      }
      const alpha = rr / dBd;
      for (let i = 0; i < n; i++) {
        z[i] += alpha * d[i];
        r[i] += alpha * bdd[i];
      }
      const rrNew = dot(r, r);
      if (Math.sqrt(rrNew) <= tol) {
        stop = 'tolerance';
        break;
      }
      const beta = rrNew / rr;
      for (let i = 0; i < n; i++) d[i] = -r[i] + beta * d[i];
      rr = rrNew;
    }
    st.cgIterations = ((st.cgIterations as number | undefined) ?? 0) + iters;
    st.lastCgIterations = iters;
    st.lastCgStop = stop;
    // r = Bz + g, so zᵀBz = zᵀr - zᵀg.
    return result ?? { p: z, pBp: dot(z, r) - dot(z, g) };
  }
}
