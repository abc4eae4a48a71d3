/**
 * L-BFGS: limited-memory BFGS with an optional strong Wolfe line search, a port of
 * `torch.optim.LBFGS` (PyTorch 1.13) that reproduces its trajectories.
 */
import type { OptionSpecs } from '../options.js';
import type { Closure, ParamsInput, StateValue } from '../types.js';
import { SecondOrderOptimizer, evaluateLoss } from './base.js';
import { absMax, axpy, clone, torchAbsSum, torchDot, type Vec } from './flat.js';
import { strongWolfe } from './line-search.js';

export interface LBFGSOptions {
  /** Step length: the fixed step without a line search, the first trial step with one (default 1). */
  lr: number;
  /** Most iterations per `step()` call (default 20). */
  maxIter: number;
  /** Most function evaluations per `step()` call (default: floor(maxIter · 5/4)). */
  maxEval: number | null;
  /** Stop when max |gradient| <= this (default 1e-7). */
  toleranceGrad: number;
  /** Stop when the loss or the step changes by less than this (default 1e-9). */
  toleranceChange: number;
  /** Number of (s, y) pairs kept (default 100). */
  historySize: number;
  /** null: fixed steps of length lr; 'strongWolfe' (or PyTorch's 'strong_wolfe'): line search. */
  lineSearchFn: 'strongWolfe' | 'strong_wolfe' | null;
}

export const LBFGS_OPTIONS: OptionSpecs = {
  lr: { type: 'number', default: 1, min: 0, doc: 'step length (fixed step without line search, first trial step with one)' },
  maxIter: { type: 'integer', default: 20, min: 1, doc: 'most iterations per step() call' },
  maxEval: { type: 'integer', default: null, min: 1, nullable: true, doc: 'most function evaluations per step() call (null: floor(maxIter * 5 / 4))' },
  toleranceGrad: { type: 'number', default: 1e-7, min: 0, doc: 'stop when max |gradient| <= toleranceGrad' },
  toleranceChange: { type: 'number', default: 1e-9, min: 0, doc: 'stop when the loss or the parameters change by less than this' },
  historySize: { type: 'integer', default: 100, min: 1, doc: 'number of curvature pairs (s, y) kept' },
  lineSearchFn: { type: 'string', default: null, nullable: true, choices: ['strongWolfe', 'strong_wolfe'], doc: "null (fixed step lr) or 'strongWolfe' (strong Wolfe line search)" },
};

/**
 * L-BFGS (Liu & Nocedal, "On the limited memory BFGS method for large scale optimization",
 * Math. Programming 45, 1989; Nocedal & Wright, "Numerical Optimization", 2nd ed. 2006, ch. 7.2).
 *
 * With the last m pairs s_i = x_{i+1} - x_i, y_i = g_{i+1} - g_i (kept only when
 * y_iᵀs_i > 1e-10) and ρ_i = 1 / y_iᵀs_i, the direction d = -H g comes from the two-loop
 * recursion (N&W Algorithm 7.4):
 *
 *     q = -g;  for i = k-1 … k-m:  α_i = ρ_i s_iᵀq;  q -= α_i y_i
 *     r = γ q  with γ = s_{k-1}ᵀy_{k-1} / y_{k-1}ᵀy_{k-1}            (N&W eq. 7.20)
 *     for i = k-m … k-1:  β = ρ_i y_iᵀr;  r += (α_i - β) s_i;       d = r
 *
 * then x += t d with t = lr, or t from a strong Wolfe line search (c1 = 1e-4, c2 = 0.9,
 * {@link strongWolfe}) started at lr. The very first step is steepest descent with
 * t = min(1, 1/‖g‖₁) · lr. One `step(closure)` runs up to `maxIter` iterations (and `maxEval`
 * closure calls), stopping early when max|g| <= toleranceGrad, when gᵀd > -toleranceChange,
 * or when the step or the change in loss falls below toleranceChange: exactly the rules of
 * `torch.optim.LBFGS`, whose trajectories this class reproduces (test/fixtures/optim/lbfgs.json).
 *
 * The closure, as in PyTorch, zeroes the gradients, computes the loss, calls `loss.backward()`
 * and returns the loss:
 *
 *     const opt = new LBFGS(model.parameters(), { lineSearchFn: 'strongWolfe' });
 *     opt.step(() => { opt.zeroGrad(); const loss = lossFn(model.forward(x), y); loss.backward(); return loss; });
 *
 * `step` returns the loss at the start of the call. State (history, last direction and step,
 * counters `funcEvals` and `nIter`) lives in `globalState` and survives
 * `stateDict()`/`loadStateDict()`, so a restored optimizer continues the same trajectory.
 * Only one parameter group is supported.
 *
 * Rounding follows PyTorch's so that trajectories agree bit for bit on small problems (checked
 * on Rosenbrock in float32 and float64): vectors are kept in the parameters' dtype, scalars
 * that PyTorch holds as 0-d tensors are rounded to that dtype (the line search tracks which
 * scalars are tensors and which are Python floats), dot products round like PyTorch's CPU
 * `dot` ({@link torchDot}) and `x += a·y` updates are fused multiply-adds.
 */
export class LBFGS extends SecondOrderOptimizer<LBFGSOptions> {
  constructor(params: ParamsInput, options: Partial<LBFGSOptions> = {}) {
    super('lbfgs', params, options, LBFGS_OPTIONS);
  }

  /** Performs up to maxIter L-BFGS iterations; returns the loss at the start. */
  override step(closure?: Closure): number {
    const fn = this.requireClosure(closure, 'pass () => { opt.zeroGrad(); const loss = f(); loss.backward(); return loss; }');
    const opts = this.group;
    const lr = opts.lr;
    const maxIter = opts.maxIter;
    const maxEval = opts.maxEval ?? Math.floor((maxIter * 5) / 4);
    const tolGrad = opts.toleranceGrad;
    const tolChange = opts.toleranceChange;
    const historySize = opts.historySize;
    const lineSearch = opts.lineSearchFn;
    const flat = this.flat;
    const round = this.round;
    const owner = `${this.name}.step`;

    const evaluate = (): number => evaluateLoss(fn, owner);
    const st = this.globalState;
    st.funcEvals = ((st.funcEvals as number | undefined) ?? 0);
    st.nIter = ((st.nIter as number | undefined) ?? 0);

    const origLoss = evaluate();
    let loss = origLoss;
    let currentEvals = 1;
    st.funcEvals = (st.funcEvals as number) + 1;

    // PyTorch compares its 0-d tensors with Python floats in the tensors' precision.
    const tolGradR = round(tolGrad);
    const tolChangeR = round(tolChange);
    let flatGrad = flat.gatherGrad(owner);
    let optCond = absMax(flatGrad) <= tolGradR;
    if (optCond) return origLoss;

    let d = (st.d as Vec | null | undefined) ?? null;
    let t = (st.t as number | null | undefined) ?? null;
    let oldDirs = (st.oldDirs as Vec[] | undefined) ?? [];
    let oldStps = (st.oldStps as Vec[] | undefined) ?? [];
    let ro = (st.ro as number[] | undefined) ?? [];
    let hDiag = (st.hDiag as number | undefined) ?? 1;
    let prevFlatGrad = (st.prevFlatGrad as Vec | null | undefined) ?? null;
    let prevLoss = (st.prevLoss as number | null | undefined) ?? null;

    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      st.nIter = (st.nIter as number) + 1;

      // ---- direction ----
      if (st.nIter === 1) {
        d = negate(flatGrad);
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        const y = flat.zeros();
        for (let i = 0; i < y.length; i++) y[i] = flatGrad[i] - prevFlatGrad![i];
        const s = flat.zeros();
        const tr = round(t!);
        for (let i = 0; i < s.length; i++) s[i] = d![i] * tr;
        const ys = torchDot(y, s);
        if (ys > round(1e-10)) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(round(1 / ys));
          hDiag = round(ys / torchDot(y, y));
        }
        // Two-loop recursion.
        const num = oldDirs.length;
        const al = new Array<number>(num);
        const q = negate(flatGrad);
        for (let i = num - 1; i >= 0; i--) {
          al[i] = round(torchDot(oldStps[i], q) * ro[i]);
          axpy(-al[i], oldDirs[i], q);
        }
        const r = flat.zeros();
        for (let i = 0; i < r.length; i++) r[i] = q[i] * hDiag;
        for (let i = 0; i < num; i++) {
          const be = round(torchDot(oldDirs[i], r) * ro[i]);
          axpy(round(al[i] - be), oldStps[i], r);
        }
        d = r;
      }
      prevFlatGrad = clone(flatGrad);
      prevLoss = loss;

      // ---- step length ----
      let tensorStep = false;
      if (st.nIter === 1) ({ t, tensorStep } = firstStep(flatGrad, lr, round));
      else t = lr;
      const gtd = torchDot(flatGrad, d!);
      if (gtd > round(-tolChange)) break;

      let lsEvals = 0;
      if (lineSearch !== null) {
        const x0 = flat.get();
        const dir = d!;
        const obj = (ts: number) => {
          flat.addScaled(round(ts), dir);
          const f = evaluate();
          const g = flat.gatherGrad(owner);
          flat.set(x0);
          return { f, g };
        };
        const res = strongWolfe(obj, t, dir, loss, flatGrad, gtd, { dot: torchDot, round, tensorStep });
        loss = res.f;
        flatGrad = res.g;
        t = res.t;
        lsEvals = res.evals;
        flat.addScaled(round(t), dir);
        optCond = absMax(flatGrad) <= tolGradR;
      } else {
        flat.addScaled(round(t), d!);
        if (nIter !== maxIter) {
          // Re-evaluate except on the last iteration (a stochastic closure would waste it).
          loss = evaluate();
          flatGrad = flat.gatherGrad(owner);
          optCond = absMax(flatGrad) <= tolGradR;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      st.funcEvals = (st.funcEvals as number) + lsEvals;

      // ---- stopping tests ----
      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      if (round(absMax(d!) * Math.abs(round(t))) <= tolChangeR) break;
      if (Math.abs(loss - prevLoss) < tolChange) break;
    }

    const saved: Record<string, StateValue> = { d, t, oldDirs, oldStps, ro, hDiag, prevFlatGrad, prevLoss };
    Object.assign(st, saved);
    return origLoss;
  }
}

/**
 * The first step t = min(1, 1/‖g‖₁) · lr. In PyTorch 1/‖g‖₁ is a 0-d tensor and Python's
 * min(1., tensor) keeps 1. unless the tensor is smaller, so t is a tensor or a float.
 */
function firstStep(g: Vec, lr: number, round: (x: number) => number): { t: number; tensorStep: boolean } {
  const inv = round(1 / torchAbsSum(g));
  return inv < 1 ? { t: round(inv * lr), tensorStep: true } : { t: lr, tensorStep: false };
}

function negate(v: Vec): Vec {
  const out = clone(v);
  for (let i = 0; i < out.length; i++) out[i] = -out[i];
  return out;
}
