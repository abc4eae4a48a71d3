/** AdaBelief: Adam with the second moment of the surprise g - m instead of g. */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { chain, flipSign, fusable, like, scaleByLr, type Transform } from '../transform.js';
import { pow } from '../../backend/math/pow.js';

export interface AdaBeliefOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  decoupleWeightDecay: boolean;
  amsgrad: boolean;
  maximize: boolean;
}

/** What scaleByBelief keeps per parameter: the step count, the first moment, the "belief" s and its running maximum (AMSGrad variant). */
export type AdaBeliefState = { step: number; expAvg: Storage; expAvgVar: Storage; maxExpAvgVar: Storage | null };

/** The AdaBelief preconditioner with its weight decay (coupled or decoupled), before the lr scale. */
export function scaleByBelief(): Transform<AdaBeliefOptions, AdaBeliefState> {
  return {
    name: 'scaleByBelief',
    init: (p, h) => ({ step: 0, expAvg: like(p), expAvgVar: like(p), maxExpAvgVar: h.amsgrad ? like(p) : null }),
    update(u, s, p, h) {
      const [b1, b2] = h.betas;
      const eps = h.eps;
      const wd = h.weightDecay;
      const decoupled = h.decoupleWeightDecay;
      const t = s.step + 1;
      s.step = t;
      const bc1 = 1 - pow(b1, t);
      const bc2 = 1 - pow(b2, t);
      const m = s.expAvg;
      const sv = s.expAvgVar;
      let smax = s.maxExpAvgVar;
      if (h.amsgrad && !smax) smax = s.maxExpAvgVar = like(p);
      for (let i = 0; i < u.length; i++) {
        const g = decoupled ? u[i] : u[i] + wd * p[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        const d = g - m[i];
        sv[i] = b2 * sv[i] + (1 - b2) * d * d + eps;
        let si = sv[i];
        if (h.amsgrad) {
          if (si > smax![i]) smax![i] = si;
          si = smax![i];
        }
        u[i] = m[i] / bc1 / (Math.sqrt(si / bc2) + eps) + (decoupled ? wd * p[i] : 0);
      }
    },
  };
}

/** The whole AdaBelief step in one pass (the chain's arithmetic in its order), or the backend's `adabelief` kernel. */
function fusedBelief(p: Storage, grad: Storage, s: AdaBeliefState, h: AdaBeliefOptions, kernels: OptimizerKernels): boolean {
  if (h.amsgrad && !s.maxExpAvgVar) s.maxExpAvgVar = like(p);
  const m = s.expAvg;
  const sv = s.expAvgVar;
  const smax = h.amsgrad ? s.maxExpAvgVar : null;
  if (!fusable(p, grad, m, sv, smax)) return false;
  const [b1, b2] = h.betas;
  const { lr, eps, weightDecay: wd, maximize } = h;
  const decoupled = h.decoupleWeightDecay;
  const t = s.step + 1;
  s.step = t;
  const bc1 = 1 - pow(b1, t);
  const bc2 = 1 - pow(b2, t);
  const hyper = { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, maximize, decoupled, bc1, bc2 };
  if (p instanceof Float32Array && kernels.adabelief?.(p, grad as Float32Array, m as Float32Array, sv as Float32Array, smax as Float32Array | null, hyper)) return true;
  for (let i = 0; i < p.length; i++) {
    const gi = maximize ? -grad[i] : grad[i];
    const g = decoupled ? gi : gi + wd * p[i];
    m[i] = b1 * m[i] + (1 - b1) * g;
    const d = g - m[i];
    sv[i] = b2 * sv[i] + (1 - b2) * d * d + eps;
    let si = sv[i];
    if (smax) {
      if (si > smax[i]) smax[i] = si;
      si = smax[i];
    }
    p[i] += (m[i] / bc1 / (Math.sqrt(si / bc2) + eps) + (decoupled ? wd * p[i] : 0)) * -lr;
  }
  return true;
}

/**
 * **AdaBelief** (Zhuang et al. 2020, "AdaBelief Optimizer: Adapting Stepsizes by the Belief in
 * Observed Gradients", algorithm 2):
 *
 * ```
 * m_t = β1 m_{t-1} + (1-β1) g_t
 * s_t = β2 s_{t-1} + (1-β2) (g_t - m_t)² + ε          (AMSGrad form: ŝ from max_{τ≤t} s_τ)
 * θ_t = θ_{t-1} - lr · (m_t/(1-β1^t)) / (√(s_t/(1-β2^t)) + ε)
 * ```
 * Weight decay is decoupled by default (θ -= lr·λ·θ, the authors' `weight_decouple=True`);
 * `decoupleWeightDecay: false` adds λθ to g instead. Defaults follow the authors' v0.2 release
 * (ε = 1e-16). Seed 001 §3.2.2 (algorithm 9).
 */
export const AdaBelief = defineOptimizer<AdaBeliefOptions>({
  name: 'adabelief',
  adaptive: true,
  doc: 'AdaBelief: Adam whose denominator tracks the variance of g around its running mean (the "belief")',
  source: 'Zhuang et al. 2020 (NeurIPS), alg. 2; seed 001 §3.2.2 alg. 9',
  formula: 's = β2 s + (1-β2)(g - m)² + ε;  θ -= lr · m̂ / (√ŝ + ε)',
  options: {
    lr: common.lr(1e-3),
    betas: common.betas(0.9, 0.999),
    eps: common.eps(1e-16),
    weightDecay: common.weightDecay(0, 'weight decay (decoupled unless decoupleWeightDecay is false)'),
    decoupleWeightDecay: { type: 'boolean', default: true, doc: 'decoupled weight decay θ -= lr·λ·θ (false: add λθ to the gradient)' },
    amsgrad: { type: 'boolean', default: false, doc: 'use the running maximum of s' },
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), scaleByBelief(), scaleByLr()), fused: fusedBelief },
});
export type AdaBelief = InstanceType<typeof AdaBelief>;
