/** LARS: momentum SGD with a layer-wise learning rate from the ratio ‖w‖ / ‖∇L‖. */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { chain, flipSign, fusable, l2, like, sumsOfSquares, type Transform } from '../transform.js';

export interface LarsOptions {
  lr: number;
  momentum: number;
  weightDecay: number;
  trustCoefficient: number;
  maximize: boolean;
}

/** What larsStep keeps per parameter: the momentum buffer. */
export type LarsState = { momentumBuffer: Storage };

/** The LARS step over one parameter tensor (the output is the final step). */
export function larsStep(): Transform<LarsOptions, LarsState> {
  return {
    name: 'lars',
    init: (p) => ({ momentumBuffer: like(p) }),
    update(u, s, p, h) {
      const beta = h.weightDecay;
      const mom = h.momentum;
      const wNorm = l2(p);
      const gNorm = l2(u);
      const local = wNorm > 0 && gNorm > 0 ? (h.trustCoefficient * wNorm) / (gNorm + beta * wNorm) : 1;
      const c = h.lr * local;
      const buf = s.momentumBuffer;
      for (let i = 0; i < u.length; i++) {
        buf[i] = mom * buf[i] + c * (u[i] + beta * p[i]);
        u[i] = -buf[i];
      }
    },
  };
}

/**
 * The whole LARS step in two passes (the chain's arithmetic in its order): both norms, then the
 * momentum step; or the backend's `sumSquares` and `lars` kernels.
 */
function fusedLars(p: Storage, grad: Storage, s: LarsState, h: LarsOptions, kernels: OptimizerKernels): boolean {
  const buf = s.momentumBuffer;
  if (!fusable(p, grad, buf)) return false;
  // Every option is read before the loops (see fusedLamb).
  const { lr, trustCoefficient, maximize } = h;
  const beta = h.weightDecay;
  const mom = h.momentum;
  const sign = maximize ? -1 : 1;
  const f32 = p instanceof Float32Array;
  const [w2, g2] = (f32 && kernels.sumSquares?.(p, grad as Float32Array)) || sumsOfSquares(p, grad, sign);
  const wNorm = Math.sqrt(w2);
  const gNorm = Math.sqrt(g2);
  const local = wNorm > 0 && gNorm > 0 ? (trustCoefficient * wNorm) / (gNorm + beta * wNorm) : 1;
  const c = lr * local;
  if (f32 && kernels.lars?.(p, grad as Float32Array, buf as Float32Array, { momentum: mom, weightDecay: beta, scale: c, maximize })) return true;
  for (let i = 0; i < p.length; i++) {
    buf[i] = mom * buf[i] + c * (sign * grad[i] + beta * p[i]);
    p[i] += -buf[i];
  }
  return true;
}

/**
 * **LARS** (You, Gitman & Ginsburg 2017, "Large Batch Training of Convolutional Networks",
 * algorithm 1), per parameter tensor (layer) l, with global lr γ, trust coefficient η and
 * weight decay β:
 *
 * ```
 * λ^l = η ‖w^l‖ / (‖∇L(w^l)‖ + β ‖w^l‖)          (1 when either norm is 0)
 * v^l = m v^l + γ λ^l (∇L(w^l) + β w^l)
 * w^l = w^l - v^l
 * ```
 */
export const Lars = defineOptimizer<LarsOptions>({
  name: 'lars',
  adaptive: true,
  doc: 'LARS: momentum SGD with a per-layer learning rate η‖w‖/(‖g‖ + β‖w‖)',
  source: 'You, Gitman & Ginsburg 2017 (arXiv:1708.03888), alg. 1',
  formula: 'λ = η‖w‖/(‖g‖ + β‖w‖);  v = m v + lr·λ·(g + βw);  w -= v   (per tensor)',
  options: {
    lr: common.lr(0.1),
    momentum: common.momentum(0.9),
    weightDecay: common.weightDecay(0, 'weight decay β (added to the gradient and to the trust-ratio denominator)'),
    trustCoefficient: { type: 'number', default: 1e-3, min: 0, minExclusive: true, doc: 'trust coefficient η' },
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), larsStep()), fused: fusedLars },
});
export type Lars = InstanceType<typeof Lars>;
