/** Yogi: Adam with an additive, sign-controlled update of the second moment. */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { addWeightDecay, chain, flipSign, fusable, like, scaleByLr, type Transform } from '../transform.js';
import { pow } from '../../backend/math/pow.js';

export interface YogiOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  initialAccumulatorValue: number;
  weightDecay: number;
  biasCorrection: boolean;
  maximize: boolean;
}

/** What scaleByYogi keeps per parameter: the step count and the two moments. */
export type YogiState = { step: number; expAvg: Storage; expAvgSq: Storage };

/** `v = v - (1-β2) sign(v - g²) g²`, then Adam's step. */
export function scaleByYogi(): Transform<YogiOptions, YogiState> {
  return {
    name: 'scaleByYogi',
    init: (p, h) => ({ step: 0, expAvg: like(p), expAvgSq: like(p, h.initialAccumulatorValue) }),
    update(u, s, _p, h) {
      const [b1, b2] = h.betas;
      const eps = h.eps;
      const t = s.step + 1;
      s.step = t;
      const bc1 = h.biasCorrection ? 1 - pow(b1, t) : 1;
      const bc2 = h.biasCorrection ? 1 - pow(b2, t) : 1;
      const m = s.expAvg;
      const v = s.expAvgSq;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        const g2 = g * g;
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = v[i] - (1 - b2) * Math.sign(v[i] - g2) * g2;
        u[i] = m[i] / bc1 / (Math.sqrt(v[i] / bc2) + eps);
      }
    },
  };
}

/**
 * `Math.sign(x)` without its branch, for the fused loop: V8 compiles Math.sign to compares and
 * jumps, which values of random sign mispredict half the time (the loop runs 2-3x slower). The
 * same value for every input: ±1, and ±0 or NaN as they are. Kept in this module: a helper
 * imported into a hot loop costs a call per element where the import is not inlined (tsx).
 */
function signOf(x: number): number {
  const s = +(x > 0) - +(x < 0);
  return s === 0 ? x : s;
}

/** The whole Yogi step in one pass (the chain's arithmetic in its order), or the backend's `adamLike` kernel. */
function fusedYogi(p: Storage, grad: Storage, s: YogiState, h: YogiOptions, kernels: OptimizerKernels): boolean {
  const m = s.expAvg;
  const v = s.expAvgSq;
  if (!fusable(p, grad, m, v)) return false;
  const [b1, b2] = h.betas;
  const { lr, eps, weightDecay: wd, maximize } = h;
  const t = s.step + 1;
  s.step = t;
  const bc1 = h.biasCorrection ? 1 - pow(b1, t) : 1;
  const bc2 = h.biasCorrection ? 1 - pow(b2, t) : 1;
  const hyper = { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, maximize, bc1, bc2, yogi: true };
  if (p instanceof Float32Array && kernels.adamLike?.(p, grad as Float32Array, m as Float32Array, v as Float32Array, hyper)) return true;
  for (let i = 0; i < p.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (wd) g += wd * p[i];
    const g2 = g * g;
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = v[i] - (1 - b2) * signOf(v[i] - g2) * g2;
    p[i] += (m[i] / bc1 / (Math.sqrt(v[i] / bc2) + eps)) * -lr;
  }
  return true;
}

/**
 * **Yogi** (Zaheer, Reddi, Sachan, Kale & Kumar 2018, "Adaptive Methods for Nonconvex
 * Optimization"). With `g` including weight decay:
 *
 * ```
 * m_t = β1 m_{t-1} + (1-β1) g_t
 * v_t = v_{t-1} - (1-β2) sign(v_{t-1} - g_t²) g_t²
 * θ_t = θ_{t-1} - lr · (m_t/(1-β1^t)) / (√(v_t/(1-β2^t)) + ε)
 * ```
 * The bias correction follows seed 001 §3.2.2 (algorithm 7); the paper's algorithm 2 has none
 * (`biasCorrection: false`). Defaults lr = 1e-2, ε = 1e-3 are the paper's recommendations;
 * v_0 = 0 (`initialAccumulatorValue`) as in the seed's algorithm.
 */
export const Yogi = defineOptimizer<YogiOptions>({
  name: 'yogi',
  adaptive: true,
  doc: 'Yogi: Adam with an additive second-moment update v -= (1-β2) sign(v - g²) g²',
  source: 'Zaheer et al. 2018 (NeurIPS); seed 001 §3.2.2 alg. 7',
  formula: 'v = v - (1-β2) sign(v - g²) g²;  θ -= lr · m̂ / (√v̂ + ε)',
  options: {
    lr: common.lr(1e-2),
    betas: common.betas(0.9, 0.999),
    eps: common.eps(1e-3),
    initialAccumulatorValue: { type: 'number', default: 0, min: 0, doc: 'initial value v_0 of the second moment' },
    weightDecay: common.weightDecay(),
    biasCorrection: { type: 'boolean', default: true, doc: 'bias-correct m and v (seed 001 alg. 7; the paper has none)' },
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), addWeightDecay(), scaleByYogi(), scaleByLr()), fused: fusedYogi },
});
export type Yogi = InstanceType<typeof Yogi>;
