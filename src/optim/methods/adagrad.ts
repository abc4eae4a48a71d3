/** AdaGrad: per-coordinate step sizes from the sum of squared gradients. */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { addWeightDecay, chain, flipSign, like, scaleByLr, type Transform } from '../transform.js';

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

/** What AdaGrad keeps per parameter: the step count and the sum of squared gradients G. */
export type AdagradState = { step: number; sum: Storage };

/** `G += g²; u = g / ((√G + ε)(1 + (t-1)·lrDecay))`. */
export function scaleByAdagrad(): Transform<Pick<AdagradOptions, 'eps' | 'lrDecay' | 'initialAccumulatorValue'>, AdagradState> {
  return {
    name: 'scaleByAdagrad',
    init: (p, h) => ({ step: 0, sum: like(p, h.initialAccumulatorValue) }),
    update(u, s, _p, h) {
      const t = s.step + 1;
      s.step = t;
      const sum = s.sum;
      const eps = h.eps;
      const decay = 1 / (1 + (t - 1) * h.lrDecay);
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        sum[i] += g * g;
        u[i] = (decay * g) / (Math.sqrt(sum[i]) + eps);
      }
    },
  };
}

/** The fused float32 path: one `kernels.adagrad` pass over parameter, gradient and sum. */
function fusedAdagrad(param: Storage, grad: Storage, s: AdagradState, h: AdagradOptions, kernels: OptimizerKernels): boolean {
  if (!(param instanceof Float32Array) || !(grad instanceof Float32Array) || !(s.sum instanceof Float32Array)) return false;
  const t = s.step + 1;
  s.step = t;
  kernels.adagrad(param, grad, s.sum, {
    lr: h.lr / (1 + (t - 1) * h.lrDecay),
    eps: h.eps,
    weightDecay: h.weightDecay,
    maximize: h.maximize,
  });
  return true;
}

/**
 * **AdaGrad** (Duchi, Hazan & Singer 2011). With `g` including weight decay:
 *
 * ```
 * G_t = G_{t-1} + g_t²                     (G_0 = initialAccumulatorValue)
 * θ_t = θ_{t-1} - lr / (1 + (t-1) lrDecay) · g_t / (√G_t + ε)
 * ```
 * Matches `torch.optim.Adagrad`. Seeds: 001 §3.2.1 (algorithm 4); 003 §4.1; 000 §2.2.3 eq. 7.
 */
export const Adagrad = defineOptimizer<AdagradOptions>({
  name: 'adagrad',
  adaptive: true,
  doc: 'AdaGrad: steps scaled by the root of the accumulated squared gradients',
  source: 'Duchi, Hazan & Singer 2011 (JMLR); seed 001 §3.2.1 alg. 4, 003 §4.1, 000 §2.2.3',
  formula: 'G += g²;  θ -= lr/(1+(t-1)·lrDecay) · g / (√G + ε)',
  options: {
    lr: common.lr(0.01),
    lrDecay: { type: 'number', default: 0, min: 0, doc: 'learning-rate decay: lr_t = lr / (1 + (t-1) lrDecay)' },
    weightDecay: common.weightDecay(),
    initialAccumulatorValue: { type: 'number', default: 0, min: 0, doc: 'initial value of the sum of squared gradients' },
    eps: common.eps(1e-10),
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), addWeightDecay(), scaleByAdagrad(), scaleByLr()), fused: fusedAdagrad },
});
export type Adagrad = InstanceType<typeof Adagrad>;
