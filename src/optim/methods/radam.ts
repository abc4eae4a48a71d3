/** RAdam: Adam with the variance of the adaptive learning rate rectified. */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { addWeightDecay, chain, flipSign, fusable, like, scaleByLr, type Transform } from '../transform.js';
import { pow } from '../../backend/math/pow.js';

export interface RAdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** What scaleByRAdam keeps per parameter: the step count and the two moments. */
export type RAdamState = { step: number; expAvg: Storage; expAvgSq: Storage };

/** This step's scalars of RAdam (advancing the step count). */
function radamScalars(s: RAdamState, h: RAdamOptions): { bc1: number; rectified: boolean; rect: number; sqrtBc2: number } {
  const [b1, b2] = h.betas;
  const t = s.step + 1;
  s.step = t;
  const bc1 = 1 - pow(b1, t);
  const bc2 = 1 - pow(b2, t);
  const rhoInf = 2 / (1 - b2) - 1;
  const rhoT = rhoInf - (2 * t * pow(b2, t)) / bc2;
  const rectified = rhoT > 5;
  const rect = rectified ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
  return { bc1, rectified, rect, sqrtBc2: Math.sqrt(bc2) };
}

/** The rectified Adam preconditioner (momentum-only steps while ρ_t ≤ 5). */
export function scaleByRAdam(): Transform<RAdamOptions, RAdamState> {
  return {
    name: 'scaleByRAdam',
    init: (p) => ({ step: 0, expAvg: like(p), expAvgSq: like(p) }),
    update(u, s, _p, h) {
      const [b1, b2] = h.betas;
      const eps = h.eps;
      const { bc1, rectified, rect, sqrtBc2 } = radamScalars(s, h);
      const m = s.expAvg;
      const v = s.expAvgSq;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        const mHat = m[i] / bc1;
        u[i] = rectified ? (mHat * rect * sqrtBc2) / (Math.sqrt(v[i]) + eps) : mHat;
      }
    },
  };
}

/** The whole RAdam step in one pass (the chain's arithmetic in its order), or the backend's `radam` kernel. */
function fusedRAdam(p: Storage, grad: Storage, s: RAdamState, h: RAdamOptions, kernels: OptimizerKernels): boolean {
  const m = s.expAvg;
  const v = s.expAvgSq;
  if (!fusable(p, grad, m, v)) return false;
  const [b1, b2] = h.betas;
  const { bc1, rectified, rect, sqrtBc2 } = radamScalars(s, h);
  const { lr, eps, weightDecay: wd, maximize } = h;
  if (p instanceof Float32Array && kernels.radam?.(p, grad as Float32Array, m as Float32Array, v as Float32Array, { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, maximize, bc1, rectified, rect, sqrtBc2 })) return true;
  for (let i = 0; i < p.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (wd) g += wd * p[i];
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = b2 * v[i] + (1 - b2) * g * g;
    const mHat = m[i] / bc1;
    p[i] += (rectified ? (mHat * rect * sqrtBc2) / (Math.sqrt(v[i]) + eps) : mHat) * -lr;
  }
  return true;
}

/**
 * **RAdam** (Liu et al. 2020, "On the Variance of the Adaptive Learning Rate and Beyond").
 * With `g` including weight decay, m̂_t = m_t/(1-β1^t), ρ_∞ = 2/(1-β2) - 1 and
 * ρ_t = ρ_∞ - 2tβ2^t/(1-β2^t):
 *
 * ```
 * ρ_t > 5:  r_t = √((ρ_t-4)(ρ_t-2)ρ_∞ / ((ρ_∞-4)(ρ_∞-2)ρ_t));   θ -= lr · r_t · m̂_t · √(1-β2^t) / (√v_t + ε)
 * else:     θ -= lr · m̂_t                                       (momentum SGD while the variance is intractable)
 * ```
 * Matches `torch.optim.RAdam`. The paper and seed 001 (§3.2.3, algorithm 14) test ρ_t > 4; the
 * authors' code and PyTorch use 5 (the rectifier is near 0 just above 4), and so does descent.
 */
export const RAdam = defineOptimizer<RAdamOptions>({
  name: 'radam',
  adaptive: true,
  doc: 'RAdam: Adam with a rectifier on the variance of the adaptive learning rate (no warmup needed)',
  source: 'Liu et al. 2020 (ICLR); seed 001 §3.2.3 alg. 14',
  formula: 'ρ_t > 5: θ -= lr · r_t · m̂ · √(1-β2^t)/(√v + ε);  else θ -= lr · m̂',
  options: {
    lr: common.lr(1e-3),
    betas: common.betas(0.9, 0.999),
    eps: common.eps(1e-8),
    weightDecay: common.weightDecay(),
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), addWeightDecay(), scaleByRAdam(), scaleByLr()), fused: fusedRAdam },
});
export type RAdam = InstanceType<typeof RAdam>;
