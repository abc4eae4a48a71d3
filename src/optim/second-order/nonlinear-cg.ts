/**
 * Nonlinear conjugate gradient with the classical β formulas, restarts, and the strong Wolfe
 * line search shared with L-BFGS.
 */
import type { OptionSpecs } from '../options.js';
import type { Closure, ParamsInput, StateValue } from '../types.js';
import { SecondOrderOptimizer, evaluateLoss } from './base.js';
import { absMax, absSum, clone, dot, type Vec } from './flat.js';
import { exactLineSearch, strongWolfe } from './line-search.js';

/** The β formulas (and their short names). */
export type CgBeta = 'fletcherReeves' | 'polakRibiere' | 'hestenesStiefel' | 'daiYuan';

const BETA_ALIASES: Record<string, CgBeta> = {
  fletcherReeves: 'fletcherReeves', FR: 'fletcherReeves',
  polakRibiere: 'polakRibiere', PR: 'polakRibiere', 'PR+': 'polakRibiere',
  hestenesStiefel: 'hestenesStiefel', HS: 'hestenesStiefel',
  daiYuan: 'daiYuan', DY: 'daiYuan',
};

export interface NonlinearCGOptions {
  /** β formula (default 'polakRibiere', i.e. PR+); 'FR', 'PR', 'PR+', 'HS', 'DY' are accepted too. */
  beta: CgBeta | 'FR' | 'PR' | 'PR+' | 'HS' | 'DY';
  /** Scale of the very first trial step t = lr · min(1, 1/‖g‖₁) (default 1). */
  lr: number;
  /** Most iterations per `step()` call (default 20). */
  maxIter: number;
  /** Most function evaluations per `step()` call (default: floor(maxIter · 5/4)). */
  maxEval: number | null;
  /** Stop when max |gradient| <= this (default 1e-7). */
  toleranceGrad: number;
  /** Stop when the loss or the step changes by less than this (default 1e-9). */
  toleranceChange: number;
  /** Restart with steepest descent every this many iterations (default null: the number of parameters). */
  restartEvery: number | null;
  /** Powell's restart: when |gₖᵀgₖ₋₁| >= ν ‖gₖ‖² (default ν = 0.1; null disables). */
  powellRestart: number | null;
  /** 'strongWolfe' (default) or 'exact' (secant iterations to φ'(t) = 0; exact on quadratics). */
  lineSearch: 'strongWolfe' | 'exact';
  /** Sufficient-decrease constant (default 1e-4). */
  c1: number;
  /** Curvature constant (default 0.1; Fletcher-Reeves needs c2 < 1/2, N&W Lemma 5.6). */
  c2: number;
}

export const NONLINEAR_CG_OPTIONS: OptionSpecs = {
  beta: { type: 'string', default: 'polakRibiere', choices: Object.keys(BETA_ALIASES), doc: 'β formula: fletcherReeves, polakRibiere (PR+), hestenesStiefel or daiYuan' },
  lr: { type: 'number', default: 1, min: 0, minExclusive: true, doc: 'scale of the first trial step lr * min(1, 1/|g|_1)' },
  maxIter: { type: 'integer', default: 20, min: 1, doc: 'most iterations per step() call' },
  maxEval: { type: 'integer', default: null, min: 1, nullable: true, doc: 'most function evaluations per step() call (null: floor(maxIter * 5 / 4))' },
  toleranceGrad: { type: 'number', default: 1e-7, min: 0, doc: 'stop when max |gradient| <= toleranceGrad' },
  toleranceChange: { type: 'number', default: 1e-9, min: 0, doc: 'stop when the loss or the parameters change by less than this' },
  restartEvery: { type: 'integer', default: null, min: 1, nullable: true, doc: 'restart with steepest descent every this many iterations (null: number of parameters)' },
  powellRestart: { type: 'number', default: 0.1, min: 0, minExclusive: true, nullable: true, doc: "Powell's restart threshold ν: restart when |g_k·g_{k-1}| >= ν |g_k|² (null: off)" },
  lineSearch: { type: 'string', default: 'strongWolfe', choices: ['strongWolfe', 'exact'], doc: "'strongWolfe' or 'exact' (secant on the directional derivative; exact on quadratics)" },
  c1: { type: 'number', default: 1e-4, min: 0, max: 1, minExclusive: true, maxExclusive: true, doc: 'sufficient-decrease constant of the line search' },
  c2: { type: 'number', default: 0.1, min: 0, max: 1, minExclusive: true, maxExclusive: true, doc: 'curvature constant of the strong Wolfe conditions' },
};

/**
 * β for the new gradient g, the previous gradient gPrev and the previous direction dPrev
 * (Nocedal & Wright, "Numerical Optimization", 2nd ed. 2006, §5.2), with y = g - gPrev:
 *
 *     Fletcher-Reeves (5.41a)   β = gᵀg / gPrevᵀgPrev
 *     Polak-Ribière+ (5.45)     β = max(0, gᵀy / gPrevᵀgPrev)
 *     Hestenes-Stiefel (5.46)   β = gᵀy / dPrevᵀy
 *     Dai-Yuan (5.49)           β = gᵀg / dPrevᵀy
 */
export function cgBeta(kind: CgBeta, g: Vec, gPrev: Vec, dPrev: Vec): number {
  const gg = dot(g, g);
  const gy = gg - dot(g, gPrev);
  switch (kind) {
    case 'fletcherReeves':
      return gg / dot(gPrev, gPrev);
    case 'polakRibiere':
      return Math.max(0, gy / dot(gPrev, gPrev));
    case 'hestenesStiefel':
      return gy / (dot(dPrev, g) - dot(dPrev, gPrev));
    case 'daiYuan':
      return gg / (dot(dPrev, g) - dot(dPrev, gPrev));
  }
}

/**
 * Nonlinear conjugate gradient (Nocedal & Wright, "Numerical Optimization", 2nd ed. 2006,
 * ch. 5.2, Algorithm 5.4):
 *
 *     d₀ = -g₀;   x_{k+1} = x_k + t_k d_k;   d_{k+1} = -g_{k+1} + β_{k+1} d_k
 *
 * with β from {@link cgBeta} (Fletcher-Reeves, Polak-Ribière+, Hestenes-Stiefel, Dai-Yuan),
 * and t_k from the strong Wolfe line search shared with L-BFGS (c1 = 1e-4, c2 = 0.1) or an
 * exact line search. The direction restarts (β = 0) every `restartEvery` iterations (default
 * n), when Powell's test |g_{k+1}ᵀg_k| >= ν‖g_{k+1}‖² fires (eq. 5.52), and whenever d is not
 * a descent direction. The first trial step is lr · min(1, 1/‖g‖₁), later ones
 * t_{k-1} g_kᵀd_{k-1} / g_{k+1}ᵀd_k (eq. 3.60). On a strongly convex quadratic with exact
 * line searches every formula reduces to linear CG and terminates in at most n iterations.
 *
 * The closure is PyTorch's (as for L-BFGS): zero the gradients, compute the loss, call
 * `loss.backward()`, return the loss. One `step(closure)` runs up to `maxIter` iterations with
 * L-BFGS's stopping rules and returns the loss at the start. State (previous gradient and
 * direction, restart counter, counters nIter / funcEvals / restarts) survives stateDict().
 */
export class NonlinearCG extends SecondOrderOptimizer<NonlinearCGOptions> {
  constructor(params: ParamsInput, options: Partial<NonlinearCGOptions> = {}) {
    super('nonlinearcg', params, options, NONLINEAR_CG_OPTIONS);
  }

  override step(closure?: Closure): number {
    const fn = this.requireClosure(closure, 'pass () => { opt.zeroGrad(); const loss = f(); loss.backward(); return loss; }');
    const owner = `${this.name}.step`;
    const opts = this.group;
    const flat = this.flat;
    const beta = BETA_ALIASES[opts.beta];
    const maxEval = opts.maxEval ?? Math.floor((opts.maxIter * 5) / 4);
    const restartEvery = opts.restartEvery ?? flat.numel;
    const st = this.globalState;
    st.nIter = (st.nIter as number | undefined) ?? 0;
    st.funcEvals = ((st.funcEvals as number | undefined) ?? 0) + 1;
    st.restarts = (st.restarts as number | undefined) ?? 0;

    const origLoss = evaluateLoss(fn, owner);
    let loss = origLoss;
    let g = flat.gatherGrad(owner);
    if (absMax(g) <= opts.toleranceGrad) return origLoss;

    let d = (st.d as Vec | null | undefined) ?? null;
    let gPrev = (st.prevGrad as Vec | null | undefined) ?? null;
    let gtdPrev = (st.gtd as number | null | undefined) ?? null;
    let tPrev = (st.t as number | null | undefined) ?? null;
    let sinceRestart = (st.sinceRestart as number | undefined) ?? 0;
    let evals = 1;
    let nIter = 0;
    while (nIter < opts.maxIter) {
      nIter++;
      st.nIter = (st.nIter as number) + 1;

      // ---- direction ----
      let restart = d === null || gPrev === null || sinceRestart >= restartEvery;
      if (!restart && opts.powellRestart !== null && Math.abs(dot(g, gPrev!)) >= opts.powellRestart * dot(g, g)) restart = true;
      let b = 0;
      if (!restart) {
        b = cgBeta(beta, g, gPrev!, d!);
        if (!Number.isFinite(b)) restart = true;
      }
      let dNew = flat.zeros();
      if (restart) for (let i = 0; i < g.length; i++) dNew[i] = -g[i];
      else for (let i = 0; i < g.length; i++) dNew[i] = -g[i] + b * d![i];
      let gtd = dot(g, dNew);
      if (!restart && !(gtd < 0)) {
        // Not a descent direction: restart with steepest descent.
        restart = true;
        dNew = flat.zeros();
        for (let i = 0; i < g.length; i++) dNew[i] = -g[i];
        gtd = dot(g, dNew);
      }
      if (restart) {
        sinceRestart = 0;
        if (d !== null) st.restarts = (st.restarts as number) + 1;
      }
      sinceRestart++;
      d = dNew;

      // ---- step length ----
      let t0: number;
      if (tPrev === null || gtdPrev === null) t0 = opts.lr * Math.min(1, 1 / absSum(g));
      else t0 = (tPrev * gtdPrev) / gtd;
      if (!(t0 > 0) || !Number.isFinite(t0)) t0 = opts.lr * Math.min(1, 1 / absSum(g));

      const x0 = flat.get();
      const dir = d;
      const obj = (t: number) => {
        flat.set(x0);
        flat.addScaled(t, dir);
        const f = evaluateLoss(fn, owner);
        return { f, g: flat.gatherGrad(owner) };
      };
      const res = opts.lineSearch === 'exact'
        ? exactLineSearch(obj, t0, dir, loss, g, gtd)
        : strongWolfe(obj, t0, dir, loss, g, gtd, { c1: opts.c1, c2: opts.c2 });
      flat.set(x0);
      flat.addScaled(res.t, dir);
      evals += res.evals;
      st.funcEvals = (st.funcEvals as number) + res.evals;

      const prevLoss = loss;
      gPrev = g;
      gtdPrev = gtd;
      tPrev = res.t;
      loss = res.f;
      g = res.g;

      if (evals >= maxEval) break;
      if (absMax(g) <= opts.toleranceGrad) break;
      if (absMax(d) * Math.abs(res.t) <= opts.toleranceChange) break;
      if (Math.abs(loss - prevLoss) < opts.toleranceChange) break;
    }
    const saved: Record<string, StateValue> = { d, prevGrad: gPrev ? clone(gPrev) : null, gtd: gtdPrev, t: tPrev, sinceRestart };
    Object.assign(st, saved);
    return origLoss;
  }
}
