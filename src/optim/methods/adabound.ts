/** AdaBound and AMSBound: Adam whose per-coordinate step sizes are clipped into converging bounds. */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { addWeightDecay, chain, flipSign, fusable, like, type Transform } from '../transform.js';
import { pow } from '../../backend/math/pow.js';

export interface AdaBoundOptions {
  lr: number;
  betas: [number, number];
  finalLr: number;
  gamma: number;
  eps: number;
  weightDecay: number;
  amsbound: boolean;
  biasCorrection: boolean;
  sqrtDecay: boolean;
  maximize: boolean;
}

/** What adaboundStep keeps per parameter: the step count, the two moments and the running maximum of v (AMSBound). */
export type AdaBoundState = { step: number; expAvg: Storage; expAvgSq: Storage; maxExpAvgSq: Storage | null };

/** The AdaBound step (the output is the final step; lr is used inside the clipped step size). */
export function adaboundStep(): Transform<AdaBoundOptions, AdaBoundState> {
  return {
    name: 'adabound',
    init: (p, h) => ({ step: 0, expAvg: like(p), expAvgSq: like(p), maxExpAvgSq: h.amsbound ? like(p) : null }),
    update(u, s, p, h) {
      const [b1, b2] = h.betas;
      const eps = h.eps;
      const { lower, upper, base, decay } = advanceAdaBound(s, h);
      const m = s.expAvg;
      const v = s.expAvgSq;
      let vmax = s.maxExpAvgSq;
      if (h.amsbound && !vmax) vmax = s.maxExpAvgSq = like(p);
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        let vi = v[i];
        if (h.amsbound) {
          if (vi > vmax![i]) vmax![i] = vi;
          vi = vmax![i];
        }
        const eta = Math.min(Math.max(base / (Math.sqrt(vi) + eps), lower), upper);
        u[i] = -eta * decay * m[i];
      }
    },
  };
}

/**
 * Counts AdaBound's step and gives its scalars: the bounds on the step size, the bias-corrected
 * lr and the 1/√t decay. The chain and the fused pass share it.
 */
function advanceAdaBound(s: AdaBoundState, h: AdaBoundOptions): { lower: number; upper: number; base: number; decay: number } {
  const [b1, b2] = h.betas;
  const { lr, finalLr, gamma } = h;
  const t = s.step + 1;
  s.step = t;
  return {
    lower: finalLr * (1 - 1 / (gamma * t + 1)),
    upper: finalLr * (1 + 1 / (gamma * t)),
    base: h.biasCorrection ? (lr * Math.sqrt(1 - pow(b2, t))) / (1 - pow(b1, t)) : lr,
    decay: h.sqrtDecay ? 1 / Math.sqrt(t) : 1,
  };
}

/** The whole AdaBound step in one pass (the chain's arithmetic in its order), or the backend's `adabound` kernel. */
function fusedAdaBound(p: Storage, grad: Storage, s: AdaBoundState, h: AdaBoundOptions, kernels: OptimizerKernels): boolean {
  if (h.amsbound && !s.maxExpAvgSq) s.maxExpAvgSq = like(p);
  const m = s.expAvg;
  const v = s.expAvgSq;
  const vmax = h.amsbound ? s.maxExpAvgSq : null;
  if (!fusable(p, grad, m, v, vmax)) return false;
  const [b1, b2] = h.betas;
  const { lr, eps, weightDecay: wd, maximize } = h;
  const { lower, upper, base, decay } = advanceAdaBound(s, h);
  const hyper = { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, maximize, base, lower, upper, decay };
  if (p instanceof Float32Array && kernels.adabound?.(p, grad as Float32Array, m as Float32Array, v as Float32Array, vmax as Float32Array | null, hyper)) return true;
  for (let i = 0; i < p.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (wd) g += wd * p[i];
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = b2 * v[i] + (1 - b2) * g * g;
    let vi = v[i];
    if (vmax) {
      if (vi > vmax[i]) vmax[i] = vi;
      vi = vmax[i];
    }
    const eta = Math.min(Math.max(base / (Math.sqrt(vi) + eps), lower), upper);
    p[i] += -eta * decay * m[i];
  }
  return true;
}

/**
 * **AdaBound** (Luo, Xiong, Liu & Sun 2019, "Adaptive Gradient Methods with Dynamic Bound of
 * Learning Rate", algorithm 2), and **AMSBound** (`amsbound: true`, algorithm 3: v̂ = max(v̂, v)).
 * With `g` including weight decay:
 *
 * ```
 * m_t = β1 m_{t-1} + (1-β1) g_t;   v_t = β2 v_{t-1} + (1-β2) g_t²
 * η_l(t) = finalLr (1 - 1/(γt + 1));   η_u(t) = finalLr (1 + 1/(γt))
 * η̂_t = clip(lr / (√v_t + ε), η_l(t), η_u(t));   η_t = η̂_t / √t
 * θ_t = θ_{t-1} - η_t ⊙ m_t
 * ```
 * This is the paper's algorithm and seed 001 §3.2.3 (algorithm 12) by default (the ε in the
 * denominator is descent's, against division by zero). The authors' released code differs:
 * it bias-corrects (lr → lr·√(1-β2^t)/(1-β1^t)) and drops the 1/√t; set
 * `biasCorrection: true, sqrtDecay: false` for that form. The bounds use `finalLr` as given
 * (the released code also rescales them when a schedule changes lr).
 */
export const AdaBound = defineOptimizer<AdaBoundOptions>({
  name: 'adabound',
  adaptive: true,
  doc: 'AdaBound: Adam with step sizes clipped into bounds that converge to finalLr (SGD-like late)',
  source: 'Luo et al. 2019 (ICLR), alg. 2-3; seed 001 §3.2.3 alg. 12',
  formula: 'η = clip(lr/(√v + ε), η_l(t), η_u(t)) / √t;  θ -= η ⊙ m;  η_l = finalLr(1 - 1/(γt+1)), η_u = finalLr(1 + 1/(γt))',
  options: {
    lr: common.lr(1e-3),
    betas: common.betas(0.9, 0.999),
    finalLr: { type: 'number', default: 0.1, min: 0, doc: 'the (SGD) learning rate both bounds converge to' },
    gamma: { type: 'number', default: 1e-3, min: 0, minExclusive: true, doc: 'convergence speed of the bounds' },
    eps: common.eps(1e-8),
    weightDecay: common.weightDecay(),
    amsbound: { type: 'boolean', default: false, doc: 'use the running maximum of v (AMSBound)' },
    biasCorrection: { type: 'boolean', default: false, doc: "bias-correct the step size as the authors' code does" },
    sqrtDecay: { type: 'boolean', default: true, doc: 'divide the clipped step size by √t (the paper; false in the authors\' code)' },
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), addWeightDecay(), adaboundStep()), fused: fusedAdaBound },
  aliases: [{ name: 'amsbound', doc: 'AMSBound: AdaBound with the running maximum of the second moment', defaults: { amsbound: true } }],
});
export type AdaBound = InstanceType<typeof AdaBound>;
