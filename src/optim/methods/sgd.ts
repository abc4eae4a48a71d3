/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay.
 */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { addWeightDecay, chain, flipSign, like, scaleByLr, type Transform } from '../transform.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/** What SGD keeps per parameter: the momentum buffer, created on the first step with momentum. */
export type SGDState = { momentumBuffer: Storage | null };

/**
 * Heavy-ball momentum as PyTorch writes it: `b = g` on the first step, then
 * `b = momentum b + (1 - dampening) g`; the update is `b`, or `g + momentum b` with Nesterov.
 */
export function sgdMomentum(): Transform<Pick<SGDOptions, 'momentum' | 'dampening' | 'nesterov'>, SGDState> {
  return {
    name: 'sgdMomentum',
    init: () => ({ momentumBuffer: null }),
    update(u, s, p, h) {
      const mom = h.momentum;
      if (!mom) return;
      let buf = s.momentumBuffer;
      if (!buf) {
        buf = like(p);
        buf.set(u);
        s.momentumBuffer = buf;
      } else {
        const d = 1 - h.dampening;
        for (let i = 0; i < u.length; i++) buf[i] = mom * buf[i] + d * u[i];
      }
      if (h.nesterov) for (let i = 0; i < u.length; i++) u[i] += mom * buf[i];
      else u.set(buf);
    },
  };
}

/** The fused float32 path: one `kernels.sgd` pass over parameter, gradient and buffer. */
function fusedSgd(param: Storage, grad: Storage, s: SGDState, h: SGDOptions, kernels: OptimizerKernels): boolean {
  if (!(param instanceof Float32Array) || !(grad instanceof Float32Array)) return false;
  const momentum = h.momentum;
  let buf: Float32Array | null = null;
  let firstStep = false;
  if (momentum) {
    if (!s.momentumBuffer) {
      s.momentumBuffer = new Float32Array(param.length);
      firstStep = true;
    }
    if (!(s.momentumBuffer instanceof Float32Array)) return false;
    buf = s.momentumBuffer;
  }
  kernels.sgd(param, grad, buf, {
    lr: h.lr,
    momentum,
    dampening: h.dampening,
    weightDecay: h.weightDecay,
    nesterov: h.nesterov,
    maximize: h.maximize,
    firstStep,
  });
  return true;
}

/**
 * **SGD** (Robbins & Monro 1951), with momentum (Polyak 1964; Sutskever et al. 2013 for the
 * Nesterov form). Update, with `g = ∇f(θ) + weightDecay·θ` (negated when `maximize`):
 *
 * ```
 * b_1 = g_1;  b_t = μ b_{t-1} + (1 - τ) g_t          (μ = momentum, τ = dampening)
 * d_t = nesterov ? g_t + μ b_t : b_t                  (d_t = g_t when μ = 0)
 * θ_t = θ_{t-1} - lr · d_t
 * ```
 * Matches `torch.optim.SGD`. Seeds: 001 §3.1 (algorithms 1 SGD, 2 SGDM, 3 NAG); 003 §3.1-3.2;
 * 000 §2.2.1-2.2.2.
 */
export const SGD = defineOptimizer<SGDOptions>({
  name: 'sgd',
  adaptive: false,
  doc: 'Stochastic gradient descent with optional (Nesterov) momentum, dampening and weight decay',
  source: 'Robbins & Monro 1951; Polyak 1964; Sutskever et al. 2013 (Nesterov); seed 001 §3.1 alg. 1-3, 003 §3',
  formula: 'b = μ b + (1-τ) g;  θ -= lr · (nesterov ? g + μ b : b)',
  options: {
    lr: common.lr(0.01),
    momentum: common.momentum(0),
    dampening: { type: 'number', default: 0, min: 0, max: 1, doc: 'dampening of the momentum (the new gradient is scaled by 1 - dampening)' },
    weightDecay: common.weightDecay(),
    nesterov: { type: 'boolean', default: false, doc: 'use Nesterov momentum (needs momentum > 0 and dampening = 0)' },
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), addWeightDecay(), sgdMomentum(), scaleByLr()), fused: fusedSgd },
  checkGroup: (g) => (g.nesterov && (g.momentum <= 0 || g.dampening !== 0) ? 'nesterov requires momentum > 0 and dampening = 0' : null),
});
export type SGD = InstanceType<typeof SGD>;
