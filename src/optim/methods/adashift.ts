/** AdaShift: decorrelating v_t from g_t by temporal shifting (the thesis's algorithm 3-2). */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { addWeightDecay, chain, flipSign, like, type Transform } from '../transform.js';
import { pow } from '../../backend/math/pow.js';

export type AdaShiftPhi = 'none' | 'max' | 'mean';

export interface AdaShiftOptions {
  lr: number;
  keepNum: number;
  betas: [number, number];
  eps: number;
  phi: AdaShiftPhi;
  zeroVSafeguard: boolean;
  weightDecay: number;
  maximize: boolean;
}

/**
 * What AdaShift keeps per parameter: the step count, the queue of the last n gradients (n
 * slots of the parameter's length, in a ring), v (elementwise, or one number for a spatial φ)
 * and the window sum S below.
 */
export type AdaShiftState = { step: number; queue: Storage; expAvgSq: Storage; windowSum?: Float64Array; b2Power?: Float64Array };

/**
 * β2^k per element of v (one number for a spatial φ), where k counts the steps since v first
 * became positive, for `zeroVSafeguard`; 1 while v has stayed 0. Created with the state when
 * the option is on; from a state without it (the option was off until now) an element with
 * v = 0 counts as never positive and one with v > 0 as positive long ago (β2^k = 0).
 */
function b2Power(s: AdaShiftState, v: Storage): Float64Array {
  if (s.b2Power instanceof Float64Array && s.b2Power.length === v.length) return s.b2Power;
  const p = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) p[i] = v[i] > 0 ? 0 : 1;
  s.b2Power = p;
  return p;
}

/**
 * The authors' rule for one element (ZhimingZhou/AdaShift-LGANs-MaxGP-refactored,
 * common/optimizer.py, class AdaShift): z = [v_t > 0 or z_{t-1}]; b2p = z ? b2p·β2 : 1;
 * step = z · m / (√(v_t / max(1e-8, 1 - b2p)) + ε). Returns the step's divisor, or 0 for "no update".
 */
function safeguardedDenominator(vi: number, pw: Float64Array, i: number, b2: number, eps: number): number {
  if (!(vi > 0) && pw[i] === 1) return 0;
  pw[i] *= b2;
  return Math.sqrt(vi / Math.max(1e-8, 1 - pw[i])) + eps;
}

/**
 * S = Σ_{k<n} β1^k g_{t-k}, the unnormalized first moment, kept in float64 in each parameter's
 * state (`windowSum`) so m_t costs O(1) per element instead of O(n). It is saved with the
 * state: S is a running sum whose rounding depends on the whole history, so rebuilding it from
 * the queue on load gives other last bits and a resumed run would drift from an uninterrupted
 * one. A state dict saved before S was kept (no `windowSum`) gets it rebuilt from the queue.
 */
function windowSum(s: AdaShiftState, q: Storage, size: number, n: number, b1: number, pushed: number): Float64Array {
  if (s.windowSum instanceof Float64Array && s.windowSum.length === size) return s.windowSum;
  const sum = new Float64Array(size);
  // The last min(n, pushed) gradients: g_{pushed-k} sits in slot (pushed-1-k) mod n.
  for (let k = 0; k < Math.min(n, pushed); k++) {
    const off = (((pushed - 1 - k) % n) + n) % n * size;
    const w = pow(b1, k);
    for (let i = 0; i < size; i++) sum[i] += w * q[off + i];
  }
  s.windowSum = sum;
  return sum;
}

/**
 * One AdaShift step for one parameter, in two passes at most (the spatial φ needs g_{t-n}²
 * over the whole tensor before any update). Reads the incoming gradient from `g` and either
 * adds the step to `target` (`add`: the parameter itself) or writes it there (the transform's
 * update vector, which may be `g` itself: each element is read before it is written).
 */
function adashiftApply(g: ArrayLike<number>, target: Storage, add: boolean, s: AdaShiftState, h: AdaShiftOptions, kernels?: OptimizerKernels): void {
  const n = h.keepNum;
  const [b1, b2] = h.betas;
  const eps = h.eps;
  const lr = h.lr;
  const size = g.length;
  const q = s.queue;
  if (q.length !== n * size) throw new Error(`adashift: keepNum changed from ${q.length / size} to ${n} after the first step`);
  const t = s.step + 1;
  s.step = t;
  const off = ((t - 1) % n) * size; // the slot of g_{t-n}, which g_t replaces
  // S_t = β1 S_{t-1} + g_t - β1^n g_{t-n} (the slot holds 0 while t <= n). S adds g_t as the
  // queue stores it (float32 for float32 parameters), so what it later subtracts is exactly
  // what it added; rounding errors decay by β1 each step.
  const sum = windowSum(s, q, size, n, b1, t - 1);
  const dropWeight = t > n ? pow(b1, n) : 0;
  const f32 = q instanceof Float32Array;
  if (t <= n) {
    // Lines 5-6 of algorithm 3-2: only enqueue; no update while t <= n.
    for (let i = 0; i < size; i++) {
      const gi = g[i];
      sum[i] = b1 * sum[i] + (f32 ? Math.fround(gi) : gi) - dropWeight * q[off + i];
      q[off + i] = gi;
      if (!add) target[i] = 0;
    }
    return;
  }
  // Line 8: g_{t-n} = Pop(Q); line 13: v_t (elementwise, or from the spatial φ of g_{t-n}²).
  const v = s.expAvgSq;
  const pw = h.zeroVSafeguard ? b2Power(s, v) : null; // read before v_t replaces v_{t-1}
  const phi = h.phi;
  if (phi !== 'none') {
    let agg = 0;
    if (phi === 'max') {
      // A maximum does not depend on the order: the backend's kernel gives this loop's number.
      const fast = q instanceof Float32Array ? kernels?.maxSquare?.(q.subarray(off, off + size)) : null;
      if (typeof fast === 'number') agg = fast;
      else {
        for (let i = 0; i < size; i++) {
          const sq = q[off + i] * q[off + i];
          if (sq > agg) agg = sq;
        }
      }
    } else {
      for (let i = 0; i < size; i++) agg += q[off + i] * q[off + i];
      agg /= size;
    }
    v[0] = b2 * v[0] + (1 - b2) * agg;
  }
  // Line 10: m_t = W·Q = S_t / Σ_{i<n} β1^i; line 11: p_t = β2^(t-n).
  let wsum = 0;
  for (let k = 0; k < n; k++) wsum += pow(b1, k);
  const bc = 1 - pow(b2, t - n);
  // Line 14, with the square root over v_t / (1 - p_t) (see the doc comment).
  const elementwise = phi === 'none';
  let scale = 0;
  if (!elementwise) {
    const den = pw ? safeguardedDenominator(v[0], pw, 0, b2, eps) : Math.sqrt(v[0] / bc) + eps;
    scale = den === 0 ? 0 : -lr / wsum / den;
  }
  // The backend's kernel runs this loop in float64 as it is written here (the same bits).
  if (add && kernels?.adashift && !pw && target instanceof Float32Array && g instanceof Float32Array && f32 && (!elementwise || v instanceof Float32Array)) {
    const hyper = { beta1: b1, dropWeight, beta2: b2, lr, wsum, bc, eps, scale };
    if (kernels.adashift(target, g, (q as Float32Array).subarray(off, off + size), sum, elementwise ? (v as Float32Array) : null, hyper)) return;
  }
  for (let i = 0; i < size; i++) {
    const gi = g[i];
    const drop = q[off + i];
    sum[i] = b1 * sum[i] + (f32 ? Math.fround(gi) : gi) - dropWeight * drop;
    if (elementwise) v[i] = b2 * v[i] + (1 - b2) * drop * drop;
    q[off + i] = gi; // line 9: Push(Q, g_t)
    let step: number;
    if (!elementwise) step = scale * sum[i];
    else if (pw) {
      const den = safeguardedDenominator(v[i], pw, i, b2, eps);
      step = den === 0 ? 0 : (-lr * (sum[i] / wsum)) / den;
    } else step = (-lr * (sum[i] / wsum)) / (Math.sqrt(v[i] / bc) + eps);
    if (add) target[i] += step;
    else target[i] = step;
  }
}

/** The AdaShift step as a transform (the output is the final step; zero while t <= n). */
export function adashiftStep(): Transform<AdaShiftOptions, AdaShiftState> {
  return {
    name: 'adashift',
    init: (p, h) => {
      const n = h.keepNum;
      return {
        step: 0,
        queue: p instanceof Float64Array ? new Float64Array(n * p.length) : new Float32Array(n * p.length),
        windowSum: new Float64Array(p.length),
        expAvgSq: h.phi === 'none' ? like(p) : p instanceof Float64Array ? new Float64Array(1) : new Float32Array(1),
        ...(h.zeroVSafeguard ? { b2Power: new Float64Array(h.phi === 'none' ? p.length : 1).fill(1) } : {}),
      };
    },
    update(u, s, _p, h) {
      adashiftApply(u, u, false, s, h);
    },
  };
}

/** The optimizer's fast path: without weight decay or maximize the gradient goes in as it is (to the backend's `adashift` kernel where it has one). */
function fusedAdaShift(param: Storage, grad: Storage, s: AdaShiftState, h: AdaShiftOptions, kernels: OptimizerKernels): boolean {
  if (h.maximize || h.weightDecay !== 0) return false;
  adashiftApply(grad, param, true, s, h, kernels);
  return true;
}

/**
 * **AdaShift** (Zhou et al. 2019, "AdaShift: Decorrelation and Convergence of Adaptive Learning
 * Rate Methods", ICLR), as algorithm 3-2 (appendix 3.A) of seed 004 (chapter 3, §3.4). With a
 * FIFO queue Q of the last n = keepNum gradients:
 *
 * ```
 * t ≤ n:  Push(Q, g_t); no update
 * t > n:  g_{t-n} = Pop(Q); Push(Q, g_t)
 *         m_t = Σ_{i=0}^{n-1} β1^i g_{t-i} / Σ_{i=0}^{n-1} β1^i
 *         v_t = β2 v_{t-1} + (1-β2) φ(g_{t-n}²)          (v_n = 0)
 *         p_t = β2^(t-n)
 *         θ_t = θ_{t-1} - lr · m_t / (√(v_t / (1 - p_t)) + ε)
 * ```
 * φ is applied per parameter tensor: 'none' keeps v elementwise; 'max' and 'mean' reduce g_{t-n}²
 * over the tensor to one shared scalar (the thesis's "spatial operation", §3.4.2-3.4.3).
 *
 * Deviation, stated: line 14 of the algorithm writes `α_t / (√v_t / (1 - p_t) + ε)`; descent
 * divides inside the square root, `√(v_t / (1 - p_t))`, as the author's code and Adam's bias
 * correction do. Line 2 of the algorithm normalizes W by Σ β1^n, a typo for Σ_{i<n} β1^i
 * (equation 3-17 and the TensorFlow code). Defaults: n = 10, β = (0.9, 0.999) as the thesis
 * recommends (appendix 3.F); φ = max as in most of its experiments; lr = 0.01 because with
 * max the best lr was about ten times Adam's (appendix 3.F); ε = 1e-10 as the author's code.
 *
 * `zeroVSafeguard` (off by default, so the default is the printed algorithm): the authors'
 * public code (ZhimingZhou/AdaShift-LGANs-MaxGP-refactored, common/optimizer.py) makes no
 * update for an element whose v is still 0 (every shifted gradient it saw was exactly 0,
 * where the algorithm would step lr·m/ε) and counts its bias correction from the step its v
 * first became positive: 1 - β2^k, floored at 1e-8. Where every g_{t-n} is nonzero the two
 * coincide.
 */
export const AdaShift = defineOptimizer<AdaShiftOptions>({
  name: 'adashift',
  adaptive: true,
  doc: 'AdaShift: v_t from the temporally shifted gradient g_{t-n} (decorrelated from m_t), optional spatial φ per tensor',
  source: 'Zhou et al. 2019 (ICLR); seed 004 §3.4, alg. 3-1 and alg. 3-2 (app. 3.A)',
  formula: 'm = Σβ1^i g_{t-i}/Σβ1^i (i<n);  v = β2 v + (1-β2) φ(g_{t-n}²);  θ -= lr · m / (√(v/(1-β2^(t-n))) + ε);  no update while t ≤ n (zeroVSafeguard: none while v = 0, and β2^k counts from v\'s first positive step)',
  options: {
    lr: common.lr(1e-2),
    keepNum: { type: 'integer', default: 10, min: 1, doc: 'the shift n: gradients kept in the queue (first n steps make no update)' },
    betas: { type: 'pair', default: [0.9, 0.999], min: 0, max: 1, doc: 'β1 (window weights, β1 = 1 gives the plain mean) and β2 (v_t average)',
      check: (v: number[]) => (v[1] < 1 ? null : 'betas[1] must be < 1') },
    eps: common.eps(1e-10),
    phi: { type: 'string', default: 'max', choices: ['none', 'max', 'mean'], doc: 'spatial function φ over each tensor\'s g_{t-n}²' },
    zeroVSafeguard: { type: 'boolean', default: false, doc: 'the authors\' code: no update where v is still 0, bias correction 1-β2^k counted from v\'s first positive step (floored at 1e-8); off = algorithm 3-2 as printed' },
    weightDecay: common.weightDecay(0, 'L2 penalty added to the gradient (not in the thesis)'),
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), addWeightDecay(), adashiftStep()), fused: fusedAdaShift },
});
export type AdaShift = InstanceType<typeof AdaShift>;
