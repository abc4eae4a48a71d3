/**
 * Newton's method with the Hessian assembled from Hessian-vector products (small problems),
 * and the step machinery it shares with Hessian-free Newton-CG: Levenberg-Marquardt damping
 * and an optional line search.
 */
import type { OptionSpec, OptionSpecs } from '../options.js';
import type { Closure, ParamGroup, ParamsInput } from '../types.js';
import { SecondOrderOptimizer, evaluateGradient, evaluateValue, evaluateWithGraph, type GraphEvaluation } from './base.js';
import { choleskySolve, luSolve, modifiedCholesky } from './dense.js';
import { absMax, dot, type Vec } from './flat.js';
import { backtracking, strongWolfe } from './line-search.js';

/** Options shared by {@link Newton} and {@link NewtonCG}. */
export interface DampedNewtonOptions {
  /** Step length: the step taken without a line search, the first trial with one (default 1). */
  lr: number;
  /** λ >= 0 added to the Hessian's diagonal: (H + λI) p = -g (default 0). */
  damping: number;
  /**
   * Levenberg-Marquardt adaptation of λ from the ratio ρ of actual to predicted decrease:
   * ρ < 1/4 multiplies λ by dampingFactor, ρ > 3/4 divides it; a step that increases the loss
   * is undone (default false; needs damping > 0).
   */
  adaptiveDamping: boolean;
  /** The factor λ is multiplied or divided by (default 1.5, Martens 2010). */
  dampingFactor: number;
  /** null: x += lr · p; 'backtracking': Armijo backtracking from lr; 'strongWolfe': strong Wolfe search. */
  lineSearch: 'backtracking' | 'strongWolfe' | null;
  /** Sufficient-decrease constant c1 of the line searches (default 1e-4). */
  c1: number;
  /** No step is taken when max |gradient| <= toleranceGrad (default 1e-10). */
  toleranceGrad: number;
}

export const DAMPED_NEWTON_OPTIONS: Record<keyof DampedNewtonOptions, OptionSpec> = {
  lr: { type: 'number', default: 1, min: 0, minExclusive: true, doc: 'step length (the step without line search, the first trial with one)' },
  damping: { type: 'number', default: 0, min: 0, doc: 'λ added to the Hessian diagonal: (H + λI) p = -g' },
  adaptiveDamping: { type: 'boolean', default: false, doc: 'adapt λ Levenberg-Marquardt style from the ratio of actual to predicted decrease (needs damping > 0)' },
  dampingFactor: { type: 'number', default: 1.5, min: 1, minExclusive: true, doc: 'factor by which adaptive damping grows or shrinks λ' },
  lineSearch: { type: 'string', default: null, nullable: true, choices: ['backtracking', 'strongWolfe'], doc: "null (fixed step lr), 'backtracking' (Armijo) or 'strongWolfe'" },
  c1: { type: 'number', default: 1e-4, min: 0, max: 1, minExclusive: true, maxExclusive: true, doc: 'sufficient-decrease constant of the line search' },
  toleranceGrad: { type: 'number', default: 1e-10, min: 0, doc: 'take no step when max |gradient| <= toleranceGrad' },
};

/** A search direction and the curvature pᵀBp of the model it came from (B = damped Hessian). */
export interface NewtonDirection {
  p: Vec;
  pBp: number;
}

/**
 * The step machinery of Newton-type methods whose closure returns the loss tensor: evaluate
 * the loss with its gradient graph, get a direction from the (damped) second-order model,
 * then step (fixed, backtracking or strong Wolfe) and adapt the damping.
 */
export abstract class DampedNewtonBase<O extends DampedNewtonOptions> extends SecondOrderOptimizer<O> {
  protected override checkGroup(group: ParamGroup<O>): string | null {
    if (group.adaptiveDamping && !(group.damping > 0)) return 'adaptiveDamping needs an initial damping > 0 (e.g. damping: 1e-3)';
    return null;
  }

  /** The direction from the second-order model at the evaluated point, with damping λ. */
  protected abstract direction(ev: GraphEvaluation, lambda: number): NewtonDirection;

  /**
   * One Newton-type iteration. The closure returns the loss as a tensor computed from the
   * parameters (with the graph recorded): the optimizer takes gradients and Hessian-vector
   * products through that graph itself, with `createGraph`. The closure need not zero
   * gradients or call backward (a PyTorch-style closure that does is fine: `.grad` is not
   * used). Returns the loss before the step.
   */
  override step(closure?: Closure): number {
    const fn = this.requireClosure(closure, 'pass () => lossFn(params), returning the loss tensor (no backward needed)');
    const owner = `${this.name}.step`;
    const opts = this.group;
    const st = this.globalState;
    st.nIter = ((st.nIter as number | undefined) ?? 0);
    st.funcEvals = ((st.funcEvals as number | undefined) ?? 0) + 1;
    const ev = evaluateWithGraph(fn, this.flat, owner);
    const f0 = ev.loss;
    if (absMax(ev.g) <= opts.toleranceGrad) return f0;
    st.nIter = (st.nIter as number) + 1;
    let lambda = (st.damping as number | undefined) ?? opts.damping;
    let { p, pBp } = this.direction(ev, lambda);
    let gtd = dot(ev.g, p);
    if (!(gtd < 0) && opts.lineSearch !== null) {
      // Not a descent direction (possible only without Hessian modification): steepest descent.
      p = Float64Array.from(ev.g, (v) => -v);
      gtd = -dot(ev.g, ev.g);
      pBp = NaN;
    }

    const flat = this.flat;
    const x0 = flat.get();
    const moveTo = (t: number): void => {
      flat.set(x0);
      flat.addScaled(t, p);
    };
    let t = opts.lr;
    let fNew: number | undefined;
    let evals = 0;
    if (opts.lineSearch === 'backtracking') {
      const res = backtracking((tt) => (moveTo(tt), evaluateValue(fn, owner)), f0, gtd, opts.lr, { c1: opts.c1 });
      evals = res.evals;
      // No trial decreased the loss (or all were NaN): stay put.
      t = res.success || Number.isFinite(res.f) ? res.t : 0;
      fNew = t === 0 ? f0 : res.f;
    } else if (opts.lineSearch === 'strongWolfe') {
      const res = strongWolfe((tt) => {
        moveTo(tt);
        const { loss, g } = evaluateGradient(fn, flat, owner);
        return { f: loss, g };
      }, opts.lr, Float64Array.from(p), f0, ev.g, gtd, { c1: opts.c1 });
      evals = res.evals;
      t = res.t;
      fNew = res.f;
    } else if (opts.adaptiveDamping) {
      moveTo(t);
      fNew = evaluateValue(fn, owner);
      evals = 1;
    }
    moveTo(t);
    st.funcEvals = (st.funcEvals as number) + evals;
    st.lastStep = t;

    if (opts.adaptiveDamping && fNew !== undefined) {
      // Gain ratio ρ = actual / predicted decrease of the damped model m(tp) = f + t gᵀp + ½ t² pᵀBp.
      const predicted = -(t * gtd + 0.5 * t * t * pBp);
      if (!(fNew <= f0)) {
        flat.set(x0);
        st.rejected = ((st.rejected as number | undefined) ?? 0) + 1;
        lambda *= opts.dampingFactor;
        st.lastRho = null;
      } else {
        const rho = (f0 - fNew) / predicted;
        st.lastRho = Number.isFinite(rho) ? rho : null;
        if (!(rho >= 0.25)) lambda *= opts.dampingFactor;
        else if (rho > 0.75) lambda /= opts.dampingFactor;
      }
    }
    st.damping = lambda;
    return f0;
  }
}

export interface NewtonOptions extends DampedNewtonOptions {
  /**
   * 'identityShift' (default): if H + λI is not positive definite, add τI with τ found as in
   * N&W Algorithm 3.3 (a descent direction is guaranteed); 'none': solve the indefinite
   * system as is (pure Newton, which may head for a saddle point or a maximum).
   */
  hessianModification: 'identityShift' | 'none';
  /** β of N&W Algorithm 3.3, relative to the largest |H_ii| (default 1e-3). */
  shiftBeta: number;
  /** Most parameters for which the n x n Hessian is assembled (default 4096). */
  maxSize: number;
}

export const NEWTON_OPTIONS: OptionSpecs = {
  ...DAMPED_NEWTON_OPTIONS,
  hessianModification: { type: 'string', default: 'identityShift', choices: ['identityShift', 'none'], doc: "'identityShift': add τI until H + λI + τI is positive definite (N&W Alg. 3.3); 'none': pure Newton" },
  shiftBeta: { type: 'number', default: 1e-3, min: 0, minExclusive: true, doc: 'smallest shift of the identity-shift modification, relative to max |H_ii|' },
  maxSize: { type: 'integer', default: 4096, min: 1, doc: 'most parameters for which the dense Hessian is assembled (use newtonCG beyond)' },
};

/**
 * Newton's method (Nocedal & Wright, "Numerical Optimization", 2nd ed. 2006, ch. 3.3-3.4):
 *
 *     (H + λI + τI) p = -g,     x ← x + t p
 *
 * with H = ∇²f(x) assembled column by column from n Hessian-vector products (H e_j, by double
 * backward through the gradient graph), symmetrized, and solved by Cholesky. λ is the damping
 * (fixed, or adapted Levenberg-Marquardt style); τ = 0 when H + λI is positive definite, else
 * the smallest of τ₀, 2τ₀, ... that makes it so (N&W Algorithm 3.3, "Cholesky with added
 * multiple of the identity"). t = lr, or from Armijo backtracking (N&W Algorithm 3.1) or a
 * strong Wolfe search. Near a minimizer with positive definite Hessian, λ = 0 and t = 1 give
 * quadratic convergence (N&W Theorem 3.5); on a quadratic one step lands on the minimizer.
 *
 * One `step(closure)` is one iteration. The closure returns the loss tensor built from the
 * parameters (it need not zero gradients or call backward; `.grad` is left untouched):
 *
 *     const opt = new Newton([w], { lineSearch: 'backtracking' });
 *     for (let i = 0; i < 20; i++) opt.step(() => lossFn(w));
 *
 * Costs n backward passes and an O(n³) factorization per step: for small problems (maxSize).
 * State: nIter, funcEvals, hvps, damping (current λ), lastShift (τ), lastStep (t).
 */
export class Newton extends DampedNewtonBase<NewtonOptions> {
  constructor(params: ParamsInput, options: Partial<NewtonOptions> = {}) {
    super('newton', params, options, NEWTON_OPTIONS);
  }

  /** The Hessian at the evaluated point, assembled from n Hessian-vector products and symmetrized. */
  protected hessian(ev: GraphEvaluation): Float64Array {
    const n = this.flat.numel;
    if (n > this.group.maxSize) {
      throw new Error(`newton: ${n} parameters exceed maxSize ${this.group.maxSize} (the dense Hessian has n² entries); raise maxSize or use 'newtonCG' (Hessian-free)`);
    }
    const h = new Float64Array(n * n);
    const e = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      e[j] = 1;
      const col = ev.hvp(e);
      e[j] = 0;
      for (let i = 0; i < n; i++) h[i * n + j] = col[i];
    }
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const s = 0.5 * (h[i * n + j] + h[j * n + i]);
        h[i * n + j] = s;
        h[j * n + i] = s;
      }
    }
    this.globalState.hvps = ((this.globalState.hvps as number | undefined) ?? 0) + n;
    return h;
  }

  protected direction(ev: GraphEvaluation, lambda: number): NewtonDirection {
    const n = this.flat.numel;
    const h = this.hessian(ev);
    for (let i = 0; i < n; i++) h[i * n + i] += lambda;
    const negG = Float64Array.from(ev.g, (v) => -v);
    let p: Float64Array;
    if (this.group.hessianModification === 'identityShift') {
      const { l, shift } = modifiedCholesky(h, n, this.group.shiftBeta);
      this.globalState.lastShift = shift;
      p = choleskySolve(l, n, negG);
    } else {
      this.globalState.lastShift = 0;
      p = luSolve(h, n, negG);
    }
    // B p = -g exactly, so pᵀBp = -gᵀp.
    return { p, pBp: -dot(ev.g, p) };
  }
}
