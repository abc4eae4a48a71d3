/** LAMB: Adam steps rescaled per layer by the trust ratio ‖θ‖ / ‖step‖. */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { chain, flipSign, fusable, l2, like, scratchF32, scratchF64, type Transform } from '../transform.js';
import { pow } from '../../backend/math/pow.js';

export interface LambOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** What lambStep keeps per parameter: the step count and the two moments. */
export type LambState = { step: number; expAvg: Storage; expAvgSq: Storage };

/** LAMB's trust ratio ‖θ‖ / ‖r‖ (1 when either norm is 0). */
function trustRatio(wNorm: number, rNorm: number): number {
  return wNorm > 0 && rNorm > 0 ? wNorm / rNorm : 1;
}

/** The LAMB step over one parameter tensor (the output is the final step). */
export function lambStep(): Transform<LambOptions, LambState> {
  return {
    name: 'lamb',
    init: (p) => ({ step: 0, expAvg: like(p), expAvgSq: like(p) }),
    update(u, s, p, h) {
      const [b1, b2] = h.betas;
      const eps = h.eps;
      const wd = h.weightDecay;
      const t = s.step + 1;
      s.step = t;
      const bc1 = 1 - pow(b1, t);
      const bc2 = 1 - pow(b2, t);
      const m = s.expAvg;
      const v = s.expAvgSq;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        u[i] = m[i] / bc1 / (Math.sqrt(v[i] / bc2) + eps) + wd * p[i];
      }
      const c = -h.lr * trustRatio(l2(p), l2(u));
      for (let i = 0; i < u.length; i++) u[i] *= c;
    },
  };
}

/**
 * The whole LAMB step in two passes (the chain's arithmetic in its order): the update r and
 * both norms, then θ += -lr · ratio · r. Or the backend's `lambMoments` and `lambApply` kernels
 * (r in float32).
 */
function fusedLamb(p: Storage, grad: Storage, s: LambState, h: LambOptions, kernels: OptimizerKernels): boolean {
  const m = s.expAvg;
  const v = s.expAvgSq;
  if (!fusable(p, grad, m, v)) return false;
  const [b1, b2] = h.betas;
  // Every option is read before the loops: code after an optimized loop that has not run yet
  // has no type feedback, and V8 would deoptimize there on each step.
  const { lr, eps, weightDecay: wd, maximize } = h;
  const t = s.step + 1;
  s.step = t;
  const bc1 = 1 - pow(b1, t);
  const bc2 = 1 - pow(b2, t);
  if (p instanceof Float32Array && kernels.lambMoments && kernels.lambApply) {
    const hyper = { beta1: b1, beta2: b2, eps, weightDecay: wd, bc1, bc2, maximize };
    const r = scratchF32(p.length);
    const sums = kernels.lambMoments(p, grad as Float32Array, m as Float32Array, v as Float32Array, r, hyper);
    if (sums) {
      const c = -lr * trustRatio(Math.sqrt(sums[0]), Math.sqrt(sums[1]));
      if (!kernels.lambApply(p, r, c)) for (let i = 0; i < p.length; i++) p[i] += c * r[i];
      return true;
    }
  }
  const r = scratchF64(p.length);
  let w2 = 0;
  let r2 = 0;
  for (let i = 0; i < p.length; i++) {
    const g = maximize ? -grad[i] : grad[i];
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = b2 * v[i] + (1 - b2) * g * g;
    const ri = m[i] / bc1 / (Math.sqrt(v[i] / bc2) + eps) + wd * p[i];
    r[i] = ri;
    w2 += p[i] * p[i];
    r2 += ri * ri;
  }
  const c = -lr * trustRatio(Math.sqrt(w2), Math.sqrt(r2));
  for (let i = 0; i < p.length; i++) p[i] += r[i] * c;
  return true;
}

/**
 * **LAMB** (You et al. 2020, "Large Batch Optimization for Deep Learning: Training BERT in 76
 * minutes", algorithm 2), per parameter tensor (layer):
 *
 * ```
 * m_t = β1 m_{t-1} + (1-β1) g_t;   v_t = β2 v_{t-1} + (1-β2) g_t²;   m̂, v̂ bias-corrected
 * r_t = m̂_t / (√v̂_t + ε) + λ θ_{t-1}
 * θ_t = θ_{t-1} - lr · (‖θ_{t-1}‖ / ‖r_t‖) · r_t          (ratio 1 when either norm is 0; φ = identity)
 * ```
 */
export const Lamb = defineOptimizer<LambOptions>({
  name: 'lamb',
  adaptive: true,
  doc: 'LAMB: layer-wise adaptive moments; Adam steps rescaled by the trust ratio ‖θ‖/‖r‖ per tensor',
  source: 'You et al. 2020 (ICLR), alg. 2',
  formula: 'r = m̂/(√v̂ + ε) + λθ;  θ -= lr · (‖θ‖/‖r‖) · r   (per tensor)',
  options: {
    lr: common.lr(1e-3),
    betas: common.betas(0.9, 0.999),
    eps: common.eps(1e-6),
    weightDecay: common.weightDecay(0, 'decoupled weight decay λ inside the trust-ratio update'),
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), lambStep()), fused: fusedLamb },
});
export type Lamb = InstanceType<typeof Lamb>;
