/** AdaMax: Adam with the infinity norm in place of the second moment. */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { addWeightDecay, chain, flipSign, fusable, like, scaleByLr, type Transform } from '../transform.js';
import { pow } from '../../backend/math/pow.js';

export interface AdamaxOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** What scaleByAdamax keeps per parameter: the step count, the first moment and the infinity-norm accumulator. */
export type AdamaxState = { step: number; expAvg: Storage; expInf: Storage };

/** `m = β1 m + (1-β1) g; u = max(β2 u, |g| + ε); step = m / ((1-β1^t) u)`. */
export function scaleByAdamax(): Transform<AdamaxOptions, AdamaxState> {
  return {
    name: 'scaleByAdamax',
    init: (p) => ({ step: 0, expAvg: like(p), expInf: like(p) }),
    update(u, s, _p, h) {
      const [b1, b2] = h.betas;
      const eps = h.eps;
      const bc1 = adamaxBc1(s, h);
      const m = s.expAvg;
      const ui = s.expInf;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        ui[i] = Math.max(b2 * ui[i], Math.abs(g) + eps);
        u[i] = m[i] / bc1 / ui[i];
      }
    },
  };
}

/** Advances the step count; returns this step's bias correction 1 - β1^t. */
function adamaxBc1(s: AdamaxState, h: AdamaxOptions): number {
  const t = s.step + 1;
  s.step = t;
  return 1 - pow(h.betas[0], t);
}

/** The whole Adamax step in one pass (the chain's arithmetic in its order), or the backend's `adamax` kernel. */
function fusedAdamax(p: Storage, grad: Storage, s: AdamaxState, h: AdamaxOptions, kernels: OptimizerKernels): boolean {
  const m = s.expAvg;
  const ui = s.expInf;
  if (!fusable(p, grad, m, ui)) return false;
  const [b1, b2] = h.betas;
  const bc1 = adamaxBc1(s, h);
  const { lr, eps, weightDecay: wd, maximize } = h;
  if (p instanceof Float32Array && kernels.adamax?.(p, grad as Float32Array, m as Float32Array, ui as Float32Array, { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, maximize, bc1 })) return true;
  for (let i = 0; i < p.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (wd) g += wd * p[i];
    m[i] = b1 * m[i] + (1 - b1) * g;
    ui[i] = Math.max(b2 * ui[i], Math.abs(g) + eps);
    p[i] += (m[i] / bc1 / ui[i]) * -lr;
  }
  return true;
}

/**
 * **AdaMax** (Kingma & Ba 2015, §7.1). With `g` including weight decay:
 *
 * ```
 * m_t = β1 m_{t-1} + (1-β1) g_t;    u_t = max(β2 u_{t-1}, |g_t| + ε)
 * θ_t = θ_{t-1} - lr / (1-β1^t) · m_t / u_t
 * ```
 * Matches `torch.optim.Adamax` (ε inside the max, as PyTorch does). Seed 001 §3.2.1 (Adam family).
 */
export const Adamax = defineOptimizer<AdamaxOptions>({
  name: 'adamax',
  adaptive: true,
  doc: 'AdaMax: Adam with the exponentially weighted infinity norm in the denominator',
  source: 'Kingma & Ba 2015 (ICLR), §7.1; seed 001 §3.2.1',
  formula: 'm = β1 m + (1-β1)g;  u = max(β2 u, |g| + ε);  θ -= lr/(1-β1^t) · m/u',
  options: {
    lr: common.lr(2e-3),
    betas: common.betas(0.9, 0.999, 'coefficients of the running average of the gradient and of the infinity norm'),
    eps: common.eps(1e-8),
    weightDecay: common.weightDecay(),
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), addWeightDecay(), scaleByAdamax(), scaleByLr()), fused: fusedAdamax },
});
export type Adamax = InstanceType<typeof Adamax>;
