/** RMSProp: steps scaled by a running root mean square of the gradients. */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { addWeightDecay, chain, flipSign, like, scaleByLr, type Transform } from '../transform.js';

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

/** What RMSprop keeps per parameter: the average of g², and of g (centered) and the momentum buffer when used. */
export type RMSpropState = { squareAvg: Storage; gradAvg: Storage | null; momentumBuffer: Storage | null };

/** The options the RMSprop update reads. */
type RmsHyper = Pick<RMSpropOptions, 'alpha' | 'eps' | 'momentum' | 'centered'>;

/**
 * The state arrays a step uses: the gradient average only when centered, the momentum buffer
 * only with momentum, each created on the first step that needs it (options may change).
 */
function rmsBuffers(s: RMSpropState, p: Storage, h: RmsHyper): { sq: Storage; gAvg: Storage | null; buf: Storage | null } {
  if (h.centered && !s.gradAvg) s.gradAvg = like(p);
  if (h.momentum > 0 && !s.momentumBuffer) s.momentumBuffer = like(p);
  return {
    sq: s.squareAvg,
    gAvg: h.centered ? s.gradAvg : null,
    buf: h.momentum > 0 ? s.momentumBuffer : null,
  };
}

/** The RMSProp preconditioner (plain, centered, with momentum), as in torch.optim.RMSprop. */
export function scaleByRms(): Transform<RmsHyper, RMSpropState> {
  return {
    name: 'scaleByRms',
    init: (p, h) => ({
      squareAvg: like(p),
      gradAvg: h.centered ? like(p) : null,
      momentumBuffer: h.momentum > 0 ? like(p) : null,
    }),
    update(u, s, p, h) {
      const alpha = h.alpha;
      const eps = h.eps;
      const mom = h.momentum;
      const { sq, gAvg: ga, buf } = rmsBuffers(s, p, h);
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        sq[i] = alpha * sq[i] + (1 - alpha) * g * g;
        let avg: number;
        if (ga) {
          ga[i] = alpha * ga[i] + (1 - alpha) * g;
          avg = Math.sqrt(sq[i] - ga[i] * ga[i]) + eps;
        } else {
          avg = Math.sqrt(sq[i]) + eps;
        }
        if (buf) {
          buf[i] = mom * buf[i] + g / avg;
          u[i] = buf[i];
        } else {
          u[i] = g / avg;
        }
      }
    },
  };
}

/** The fused float32 path: one `kernels.rmsprop` pass over parameter, gradient and state. */
function fusedRmsprop(param: Storage, grad: Storage, s: RMSpropState, h: RMSpropOptions, kernels: OptimizerKernels): boolean {
  if (!(param instanceof Float32Array) || !(grad instanceof Float32Array)) return false;
  const { sq, gAvg, buf } = rmsBuffers(s, param, h);
  if (!(sq instanceof Float32Array) || (gAvg && !(gAvg instanceof Float32Array)) || (buf && !(buf instanceof Float32Array))) return false;
  kernels.rmsprop(param, grad, sq, gAvg, buf, {
    lr: h.lr,
    alpha: h.alpha,
    eps: h.eps,
    weightDecay: h.weightDecay,
    momentum: h.momentum,
    maximize: h.maximize,
  });
  return true;
}

/**
 * **RMSProp** (Tieleman & Hinton 2012, lecture 6e), centered variant (Graves 2013). With `g`
 * including weight decay:
 *
 * ```
 * v_t = α v_{t-1} + (1-α) g_t²
 * c_t = α c_{t-1} + (1-α) g_t,  s_t = √(v_t - c_t²) + ε      (centered)
 *                                s_t = √v_t + ε               (plain)
 * b_t = μ b_{t-1} + g_t / s_t;  θ_t = θ_{t-1} - lr b_t        (momentum μ > 0)
 * θ_t = θ_{t-1} - lr g_t / s_t                                (μ = 0)
 * ```
 * Matches `torch.optim.RMSprop`. Seeds: 001 §3.2.1 (algorithm 5); 003 §4.2; 000 §2.2.3 eq. 8-9.
 */
export const RMSprop = defineOptimizer<RMSpropOptions>({
  name: 'rmsprop',
  adaptive: true,
  doc: 'RMSProp: steps divided by a running RMS of the gradient (plain, centered, or with momentum)',
  source: 'Tieleman & Hinton 2012 (Coursera lecture 6e); Graves 2013 (centered); seed 001 §3.2.1 alg. 5, 003 §4.2, 000 §2.2.3',
  formula: 'v = αv + (1-α)g²;  s = √(v - c²) + ε (centered) or √v + ε;  b = μb + g/s;  θ -= lr·b',
  options: {
    lr: common.lr(0.01),
    alpha: { type: 'number', default: 0.99, min: 0, max: 1, doc: 'smoothing constant of the running average of g²' },
    eps: common.eps(1e-8),
    weightDecay: common.weightDecay(),
    momentum: common.momentum(0),
    centered: { type: 'boolean', default: false, doc: 'divide by an estimate of the gradient variance instead of its second moment' },
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), addWeightDecay(), scaleByRms(), scaleByLr()), fused: fusedRmsprop },
});
export type RMSprop = InstanceType<typeof RMSprop>;
