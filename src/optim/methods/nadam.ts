/** NAdam: Adam with Nesterov momentum and a momentum schedule. */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { addWeightDecay, chain, flipSign, fusable, like, scaleByLr, type Transform } from '../transform.js';
import { pow } from '../../backend/math/pow.js';

export interface NAdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  momentumDecay: number;
  maximize: boolean;
}

/** What scaleByNAdam keeps per parameter: the step count, the product of the momentum coefficients and the two moments. */
export type NAdamState = { step: number; muProduct: number; expAvg: Storage; expAvgSq: Storage };

/** This step's scalars of NAdam (advancing the step count and the momentum product). */
function nadamScalars(s: NAdamState, p: Storage, h: NAdamOptions): { bc2: number; cg: number; cm: number } {
  const [b1, b2] = h.betas;
  const psi = h.momentumDecay;
  const t = s.step + 1;
  s.step = t;
  const bc2 = 1 - pow(b2, t);
  const mu = b1 * (1 - 0.5 * pow(0.96, t * psi));
  const muNext = b1 * (1 - 0.5 * pow(0.96, (t + 1) * psi));
  // PyTorch keeps the product as a float32 tensor; round it the same way for float32 parameters.
  const prod = p instanceof Float32Array ? Math.fround(s.muProduct * mu) : s.muProduct * mu;
  s.muProduct = prod;
  return { bc2, cg: (1 - mu) / (1 - prod), cm: muNext / (1 - prod * muNext) };
}

/** The NAdam preconditioner with Dozat's momentum schedule μ_t = β1 (1 - ½ 0.96^(tψ)). */
export function scaleByNAdam(): Transform<NAdamOptions, NAdamState> {
  return {
    name: 'scaleByNAdam',
    init: (p) => ({ step: 0, muProduct: 1, expAvg: like(p), expAvgSq: like(p) }),
    update(u, s, p, h) {
      const [b1, b2] = h.betas;
      const eps = h.eps;
      const { bc2, cg, cm } = nadamScalars(s, p, h);
      const m = s.expAvg;
      const v = s.expAvgSq;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        const denom = Math.sqrt(v[i] / bc2) + eps;
        u[i] = (cg * g) / denom + (cm * m[i]) / denom;
      }
    },
  };
}

/**
 * The whole NAdam step in one pass (the chain's arithmetic in the same order, so the same
 * bits), or the backend's `nadam` kernel where it has one (float32 SIMD: within float32
 * rounding of this loop).
 */
function fusedNAdam(p: Storage, grad: Storage, s: NAdamState, h: NAdamOptions, kernels: OptimizerKernels): boolean {
  const m = s.expAvg;
  const v = s.expAvgSq;
  if (!fusable(p, grad, m, v)) return false;
  const [b1, b2] = h.betas;
  const { bc2, cg, cm } = nadamScalars(s, p, h);
  const { lr, eps, weightDecay: wd, maximize } = h;
  if (p instanceof Float32Array && kernels.nadam?.(p, grad as Float32Array, m as Float32Array, v as Float32Array, { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, maximize, bc2, cg, cm })) return true;
  for (let i = 0; i < p.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (wd) g += wd * p[i];
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = b2 * v[i] + (1 - b2) * g * g;
    const denom = Math.sqrt(v[i] / bc2) + eps;
    p[i] += ((cg * g) / denom + (cm * m[i]) / denom) * -lr;
  }
  return true;
}

/**
 * **NAdam** (Dozat 2016, "Incorporating Nesterov Momentum into Adam"). With `g` including
 * weight decay and μ_t = β1 (1 - ½·0.96^(t·momentumDecay)):
 *
 * ```
 * m_t = β1 m_{t-1} + (1-β1) g_t;     v_t = β2 v_{t-1} + (1-β2) g_t²;   v̂_t = v_t/(1-β2^t)
 * θ_t = θ_{t-1} - lr · [ (1-μ_t) g_t / (1 - Π_{s≤t} μ_s) + μ_{t+1} m_t / (1 - Π_{s≤t+1} μ_s) ] / (√v̂_t + ε)
 * ```
 * This is the paper's rule and `torch.optim.NAdam` with `foreach=True`; PyTorch 1.13's default
 * single-tensor path multiplies μ_t into the second product twice (Π_{s≤t} μ_s · μ_t · μ_{t+1}),
 * a bug fixed in later releases, so the fixtures are generated with `foreach=True`. Seed 004
 * §3.1 and appendix 3.F (NAdam among the compared adaptive methods); 001 §3.2.1 (Adam).
 */
export const NAdam = defineOptimizer<NAdamOptions>({
  name: 'nadam',
  adaptive: true,
  doc: 'NAdam: Adam with Nesterov momentum and the momentum schedule μ_t = β1(1 - 0.5·0.96^(tψ))',
  source: 'Dozat 2016 (ICLR workshop); seed 004 §3.1 and app. 3.F',
  formula: 'θ -= lr · [(1-μ_t) g/(1-Πμ_{≤t}) + μ_{t+1} m/(1-Πμ_{≤t+1})] / (√v̂ + ε)',
  options: {
    lr: common.lr(2e-3),
    betas: common.betas(0.9, 0.999),
    eps: common.eps(1e-8),
    weightDecay: common.weightDecay(),
    momentumDecay: { type: 'number', default: 4e-3, min: 0, doc: 'ψ in the momentum schedule μ_t = β1 (1 - 0.5·0.96^(tψ))' },
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), addWeightDecay(), scaleByNAdam(), scaleByLr()), fused: fusedNAdam },
});
export type NAdam = InstanceType<typeof NAdam>;
