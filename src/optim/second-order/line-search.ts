/**
 * Line searches along a direction d from a point x: φ(t) = f(x + t d), φ'(t) = ∇f(x + t d)ᵀd.
 * One module serves every second-order method (L-BFGS, nonlinear CG, Newton, Newton-CG):
 *
 * - {@link strongWolfe}: bracketing then zoom with safeguarded cubic interpolation until the
 *   strong Wolfe conditions hold (Nocedal & Wright, "Numerical Optimization", 2nd ed. 2006,
 *   Algorithms 3.5 and 3.6, eqs. 3.7). It follows the rules of PyTorch's `_strong_wolfe` (itself
 *   a port of Torch7's `lswolfe.lua` and minFunc) step for step, so L-BFGS trajectories match
 *   `torch.optim.LBFGS(line_search_fn='strong_wolfe')`.
 * - {@link backtracking}: Armijo backtracking (N&W Algorithm 3.1), needing values only.
 * - {@link exactLineSearch}: secant iterations on φ'(t) = 0. On a quadratic the first secant
 *   step is the exact minimizer t* = -gᵀd / dᵀAd, which is what the finite-termination
 *   theorems of conjugate gradient methods assume (N&W §5.1-5.2).
 */
import { dot, absMax, type Vec } from './flat.js';

/** φ and ∇f at x + t d. */
export interface LinePoint {
  f: number;
  g: Vec;
}

/** Evaluates f and ∇f at x + t d (x and d are fixed by the caller). */
export type LineObjective = (t: number) => LinePoint;

export interface LineSearchResult {
  /** The accepted step. */
  t: number;
  /** f(x + t d). */
  f: number;
  /** ∇f(x + t d) (for searches that evaluate gradients). */
  g: Vec;
  /** Function evaluations spent. */
  evals: number;
}

export interface StrongWolfeOptions {
  /** Sufficient decrease (Armijo) constant c1 (default 1e-4). */
  c1?: number;
  /** Curvature constant c2 (default 0.9; 0.1 suits nonlinear CG). */
  c2?: number;
  /** Stop zooming when |bracket| · max|d| falls below this (default 1e-9). */
  toleranceChange?: number;
  /** Most function evaluations after the first (default 25). */
  maxLs?: number;
  /**
   * The dot product giving directional derivatives (default: plain double accumulation);
   * L-BFGS passes {@link torchDot} to round as PyTorch does.
   */
  dot?: (a: Vec, b: Vec) => number;
  /**
   * Reproduce PyTorch's rounding: scalars that PyTorch holds as 0-d tensors (directional
   * derivatives, and steps computed from them) are rounded with this (Math.fround for float32
   * parameters); see {@link Scalar0}. Default: plain double arithmetic.
   */
  round?: (x: number) => number;
  /** Whether the first trial step is a 0-d tensor in PyTorch (L-BFGS's very first step is). */
  tensorStep?: boolean;
}

/**
 * A scalar as PyTorch's line search holds it: a JS number stands for a Python float (double),
 * a {@link Scalar0} for a 0-d tensor in the parameters' dtype. Arithmetic that involves a
 * tensor rounds both operands and the result to that dtype (a Python float meeting a float32
 * tensor is cast to float32 first), arithmetic between Python floats stays in double. For
 * float64 parameters the rounding is the identity and this is plain double arithmetic; for
 * float32 it reproduces where PyTorch's float32 L-BFGS rounds, so trajectories match.
 */
class Scalar0 {
  constructor(readonly v: number) {}
}
type Num = number | Scalar0;

class Arith {
  constructor(readonly round: (x: number) => number) {}
  val(a: Num): number {
    return typeof a === 'number' ? a : a.v;
  }
  tensor(x: number): Scalar0 {
    return new Scalar0(this.round(x));
  }
  private bin(a: Num, b: Num, f: (x: number, y: number) => number): Num {
    if (typeof a === 'number' && typeof b === 'number') return f(a, b);
    const r = this.round;
    return new Scalar0(r(f(r(this.val(a)), r(this.val(b)))));
  }
  private cmp(a: Num, b: Num, f: (x: number, y: number) => boolean): boolean {
    if (typeof a === 'number' && typeof b === 'number') return f(a, b);
    return f(this.round(this.val(a)), this.round(this.val(b)));
  }
  add(a: Num, b: Num): Num { return this.bin(a, b, (x, y) => x + y); }
  sub(a: Num, b: Num): Num { return this.bin(a, b, (x, y) => x - y); }
  mul(a: Num, b: Num): Num { return this.bin(a, b, (x, y) => x * y); }
  div(a: Num, b: Num): Num {
    // Python float / tensor is Tensor.__rtruediv__, which PyTorch computes as b.reciprocal() * a.
    if (typeof a === 'number' && b instanceof Scalar0) return this.mul(this.tensor(1 / b.v), a);
    return this.bin(a, b, (x, y) => x / y);
  }
  abs(a: Num): Num { return typeof a === 'number' ? Math.abs(a) : new Scalar0(Math.abs(a.v)); }
  sqrt(a: Num): Num { return typeof a === 'number' ? Math.sqrt(a) : this.tensor(Math.sqrt(a.v)); }
  lt(a: Num, b: Num): boolean { return this.cmp(a, b, (x, y) => x < y); }
  le(a: Num, b: Num): boolean { return this.cmp(a, b, (x, y) => x <= y); }
  gt(a: Num, b: Num): boolean { return this.cmp(a, b, (x, y) => x > y); }
  ge(a: Num, b: Num): boolean { return this.cmp(a, b, (x, y) => x >= y); }
  /** Python's max(a, b): a unless b compares strictly greater (a NaN first argument survives). */
  max(a: Num, b: Num): Num { return this.gt(b, a) ? b : a; }
  /** Python's min(a, b). */
  min(a: Num, b: Num): Num { return this.lt(b, a) ? b : a; }
}

const DOUBLE = new Arith((x) => x);

function cubic(A: Arith, x1: Num, f1: number, g1: Num, x2: Num, f2: number, g2: Num, bounds?: readonly [Num, Num]): Num {
  const [xminBound, xmaxBound] = bounds ?? (A.le(x1, x2) ? [x1, x2] : [x2, x1]);
  // d1 = g1 + g2 - 3 (f1 - f2) / (x1 - x2);  d2 = sqrt(d1² - g1 g2)
  const d1 = A.sub(A.add(g1, g2), A.div(3 * (f1 - f2), A.sub(x1, x2)));
  const d2Square = A.sub(A.mul(d1, d1), A.mul(g1, g2));
  if (A.ge(d2Square, 0)) {
    const d2 = A.sqrt(d2Square);
    const minPos = A.le(x1, x2)
      ? A.sub(x2, A.mul(A.sub(x2, x1), A.div(A.sub(A.add(g2, d2), d1), A.add(A.sub(g2, g1), A.mul(2, d2)))))
      : A.sub(x1, A.mul(A.sub(x1, x2), A.div(A.sub(A.add(g1, d2), d1), A.add(A.sub(g1, g2), A.mul(2, d2)))));
    return A.min(A.max(minPos, xminBound), xmaxBound);
  }
  return A.div(A.add(xminBound, xmaxBound), 2);
}

/**
 * The minimizer of the cubic interpolating (x1, f1, f1') and (x2, f2, f2'), clamped to
 * `bounds` (default: the interval between x1 and x2); the midpoint of the bounds when the
 * cubic has no minimizer. N&W eq. 3.59, with PyTorch's (polyinterp.lua's) exact rules:
 *
 *     d1 = g1 + g2 - 3 (f1 - f2) / (x1 - x2),   d2 = sqrt(d1² - g1 g2)
 *     x* = x2 - (x2 - x1) (g2 + d2 - d1) / (g2 - g1 + 2 d2)        (for x1 <= x2)
 */
export function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: readonly [number, number]): number {
  return cubic(DOUBLE, x1, f1, g1, x2, f2, g2, bounds) as number;
}

/**
 * Strong Wolfe line search: finds t with
 *   φ(t) <= φ(0) + c1 t φ'(0)   and   |φ'(t)| <= c2 |φ'(0)|
 * by bracketing (extrapolating with cubic interpolation between t + 0.01 (t - t_prev) and
 * 10 t) and then zooming (cubic interpolation inside the bracket, moved 10% of the bracket
 * away from an end when progress stalls). `d` is the search direction, `f`, `g`, `gtd` the
 * value, gradient and directional derivative at t = 0 (gtd < 0), `t` the first trial step.
 * After `maxLs` evaluations it returns the best point of the bracket.
 */
export function strongWolfe(obj: LineObjective, t0: number, d: Vec, f: number, g: Vec, gtd0: number, options: StrongWolfeOptions = {}): LineSearchResult {
  const c1 = options.c1 ?? 1e-4;
  const c2 = options.c2 ?? 0.9;
  const toleranceChange = options.toleranceChange ?? 1e-9;
  const maxLs = options.maxLs ?? 25;
  const dotFn = options.dot ?? dot;
  const A = options.round ? new Arith(options.round) : DOUBLE;
  const dNorm = A.tensor(absMax(d));
  const gtd = A.tensor(gtd0);
  let t: Num = options.tensorStep ? A.tensor(t0) : t0;
  // Armijo: f(t) <= f + c1 t gtd;  curvature: |gtd(t)| <= -c2 gtd.
  const armijoFails = (fNew: number, tt: Num): boolean => A.gt(fNew, A.add(f, A.mul(A.mul(c1, tt), gtd)));
  const curvatureHolds = (gtdNew: Num): boolean => A.le(A.abs(gtdNew), A.mul(-c2, gtd));
  const evaluate = (tt: Num): { fNew: number; gNew: Vec; gtdNew: Num } => {
    const p = obj(A.val(tt));
    return { fNew: p.f, gNew: p.g, gtdNew: A.tensor(dotFn(p.g, d)) };
  };

  let { fNew, gNew, gtdNew } = evaluate(t);
  let evals = 1;

  let tPrev: Num = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev: Num = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: Num[] = [];
  let bracketF: number[] = [];
  let bracketG: Vec[] = [];
  let bracketGtd: Num[] = [];

  // Bracketing phase (N&W Algorithm 3.5).
  while (lsIter < maxLs) {
    if (armijoFails(fNew, t) || (lsIter > 1 && fNew >= fPrev)) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, gNew];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    if (curvatureHolds(gtdNew)) {
      bracket = [t];
      bracketF = [fNew];
      bracketG = [gNew];
      done = true;
      break;
    }
    if (A.ge(gtdNew, 0)) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, gNew];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    // Extrapolate: cubic interpolation restricted to [t + 0.01 (t - tPrev), 10 t].
    const minStep = A.add(t, A.mul(0.01, A.sub(t, tPrev)));
    const maxStep = A.mul(t, 10);
    const tmp = t;
    t = cubic(A, tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew;
    gtdPrev = gtdNew;
    ({ fNew, gNew, gtdNew } = evaluate(t));
    evals++;
    lsIter++;
  }
  if (lsIter === maxLs) {
    bracket = [0, t];
    bracketF = [f, fNew];
    bracketG = [g, gNew];
  }

  // Zoom phase (N&W Algorithm 3.6): shrink the bracket until the strong Wolfe point is found.
  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (A.lt(A.mul(A.abs(A.sub(bracket[1], bracket[0])), dNorm), toleranceChange)) break;
    t = cubic(A, bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);

    // Safeguard: a trial too close to an end twice in a row (or outside) is moved 10% inside.
    const bMax = A.max(bracket[0], bracket[1]);
    const bMin = A.min(bracket[0], bracket[1]);
    const eps = A.mul(0.1, A.sub(bMax, bMin));
    if (A.lt(A.min(A.sub(bMax, t), A.sub(t, bMin)), eps)) {
      if (insufProgress || A.ge(t, bMax) || A.le(t, bMin)) {
        t = A.lt(A.abs(A.sub(t, bMax)), A.abs(A.sub(t, bMin))) ? A.sub(bMax, eps) : A.add(bMin, eps);
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }

    ({ fNew, gNew, gtdNew } = evaluate(t));
    evals++;
    lsIter++;

    if (armijoFails(fNew, t) || fNew >= bracketF[lowPos]) {
      // Armijo fails or no lower than the low end: t becomes the high end.
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = gNew;
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (curvatureHolds(gtdNew)) {
        done = true;
      } else if (A.ge(A.mul(gtdNew, A.sub(bracket[highPos], bracket[lowPos])), 0)) {
        // The old high end becomes the new low end.
        bracket[highPos] = bracket[lowPos];
        bracketF[highPos] = bracketF[lowPos];
        bracketG[highPos] = bracketG[lowPos];
        bracketGtd[highPos] = bracketGtd[lowPos];
      }
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = gNew;
      bracketGtd[lowPos] = gtdNew;
    }
  }
  return { t: A.val(bracket[lowPos]), f: bracketF[lowPos], g: bracketG[lowPos], evals };
}

export interface BacktrackingOptions {
  /** Sufficient decrease constant c1 (default 1e-4). */
  c1?: number;
  /** Factor the step shrinks by after each failure (default 0.5). */
  shrink?: number;
  /** Most evaluations (default 30). */
  maxLs?: number;
}

export interface BacktrackingResult {
  t: number;
  f: number;
  evals: number;
  /** Whether the Armijo condition was met (else t is the last, smallest, trial). */
  success: boolean;
}

/**
 * Backtracking (Armijo) line search, N&W Algorithm 3.1: t = t0, t0 ρ, t0 ρ², ... until
 * φ(t) <= φ(0) + c1 t φ'(0). Needs values only. `value(t)` returns f(x + t d).
 * When no trial passes, returns the one with the lowest value if it improves on φ(0), else
 * the last one with `success: false`.
 */
export function backtracking(value: (t: number) => number, f0: number, gtd0: number, t0: number, options: BacktrackingOptions = {}): BacktrackingResult {
  const c1 = options.c1 ?? 1e-4;
  const shrink = options.shrink ?? 0.5;
  const maxLs = options.maxLs ?? 30;
  let t = t0;
  let best = { t, f: Infinity };
  for (let evals = 1; evals <= maxLs; evals++) {
    const f = value(t);
    if (f <= f0 + c1 * t * gtd0) return { t, f, evals, success: true };
    if (f < best.f) best = { t, f };
    if (evals < maxLs) t *= shrink;
  }
  if (best.f < f0) return { t: best.t, f: best.f, evals: maxLs, success: false };
  return { t, f: NaN, evals: maxLs, success: false };
}

export interface ExactLineSearchOptions {
  /** Stop when |φ'(t)| <= tolerance · |φ'(0)| (default 1e-10). */
  tolerance?: number;
  /** Most evaluations (default 25). */
  maxLs?: number;
}

/**
 * "Exact" line search: solves φ'(t) = 0 by secant iterations started from 0 and `t`,
 * keeping the lowest point found. The secant step through two derivative values is exact for
 * a quadratic, so there it returns t* = -gᵀd / dᵀAd after two evaluations; on other smooth
 * convex functions it converges superlinearly. Where the secant model has no minimizer
 * (non-positive curvature along d) the step is doubled instead.
 */
export function exactLineSearch(obj: LineObjective, t: number, d: Vec, f: number, g: Vec, gtd: number, options: ExactLineSearchOptions = {}): LineSearchResult {
  const tol = options.tolerance ?? 1e-10;
  const maxLs = options.maxLs ?? 25;
  let tA = 0;
  let dA = gtd;
  let best: LineSearchResult | null = null;
  let tB = t;
  let evals = 0;
  while (evals < maxLs) {
    const p = obj(tB);
    evals++;
    const dB = dot(p.g, d);
    if (!best || p.f < best.f) best = { t: tB, f: p.f, g: p.g, evals };
    if (Math.abs(dB) <= tol * Math.abs(gtd)) return { t: tB, f: p.f, g: p.g, evals };
    const curvature = (dB - dA) / (tB - tA);
    let next: number;
    if (curvature > 0 && Number.isFinite(curvature)) next = tB - dB / curvature;
    else next = dB < 0 ? tB * 2 : (tA + tB) / 2;
    if (!Number.isFinite(next)) break;
    [tA, dA] = [tB, dB];
    tB = next;
  }
  if (!best) return { t: 0, f, g, evals };
  return { ...best, evals };
}
