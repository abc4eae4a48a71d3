/** AdaDelta: AdaGrad's accumulator made a running average, with units corrected by past steps. */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { addWeightDecay, chain, flipSign, fusable, like, scaleByLr, type Transform } from '../transform.js';

export interface AdadeltaOptions {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** What scaleByAdadelta keeps per parameter: the running averages of g² and of the squared steps. */
export type AdadeltaState = { squareAvg: Storage; accDelta: Storage };

/** `E[g²] = ρE[g²] + (1-ρ)g²; Δ = √(E[Δ²]+ε)/√(E[g²]+ε) · g; E[Δ²] = ρE[Δ²] + (1-ρ)Δ²; u = Δ`. */
export function scaleByAdadelta(): Transform<AdadeltaOptions, AdadeltaState> {
  return {
    name: 'scaleByAdadelta',
    init: (p) => ({ squareAvg: like(p), accDelta: like(p) }),
    update(u, s, _p, h) {
      const sq = s.squareAvg;
      const acc = s.accDelta;
      const rho = h.rho;
      const eps = h.eps;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        sq[i] = rho * sq[i] + (1 - rho) * g * g;
        const delta = (Math.sqrt(acc[i] + eps) / Math.sqrt(sq[i] + eps)) * g;
        acc[i] = rho * acc[i] + (1 - rho) * delta * delta;
        u[i] = delta;
      }
    },
  };
}

/** The whole AdaDelta step in one pass (the chain's arithmetic in its order), or the backend's `adadelta` kernel. */
function fusedAdadelta(p: Storage, grad: Storage, s: AdadeltaState, h: AdadeltaOptions, kernels: OptimizerKernels): boolean {
  const sq = s.squareAvg;
  const acc = s.accDelta;
  if (!fusable(p, grad, sq, acc)) return false;
  const { lr, rho, eps, weightDecay: wd, maximize } = h;
  if (p instanceof Float32Array && kernels.adadelta?.(p, grad as Float32Array, sq as Float32Array, acc as Float32Array, { lr, rho, eps, weightDecay: wd, maximize })) return true;
  for (let i = 0; i < p.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (wd) g += wd * p[i];
    sq[i] = rho * sq[i] + (1 - rho) * g * g;
    const delta = (Math.sqrt(acc[i] + eps) / Math.sqrt(sq[i] + eps)) * g;
    acc[i] = rho * acc[i] + (1 - rho) * delta * delta;
    p[i] += delta * -lr;
  }
  return true;
}

/**
 * **AdaDelta** (Zeiler 2012). With `g` including weight decay:
 *
 * ```
 * E[g²]_t = ρ E[g²]_{t-1} + (1-ρ) g_t²
 * Δ_t     = √(E[Δ²]_{t-1} + ε) / √(E[g²]_t + ε) · g_t
 * E[Δ²]_t = ρ E[Δ²]_{t-1} + (1-ρ) Δ_t²
 * θ_t     = θ_{t-1} - lr · Δ_t
 * ```
 * Matches `torch.optim.Adadelta` (lr = 1 is the paper's rule). Seeds: 001 §3.2.1; 000 §4.1.2.
 */
export const Adadelta = defineOptimizer<AdadeltaOptions>({
  name: 'adadelta',
  adaptive: true,
  doc: 'AdaDelta: running averages of squared gradients and squared updates set the step size',
  source: 'Zeiler 2012 (arXiv:1212.5701); seed 001 §3.2.1',
  formula: 'E[g²] = ρE[g²] + (1-ρ)g²;  Δ = √(E[Δ²]+ε)/√(E[g²]+ε)·g;  E[Δ²] = ρE[Δ²] + (1-ρ)Δ²;  θ -= lr·Δ',
  options: {
    lr: common.lr(1.0),
    rho: { type: 'number', default: 0.9, min: 0, max: 1, doc: 'decay of the running averages' },
    eps: common.eps(1e-6),
    weightDecay: common.weightDecay(),
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), addWeightDecay(), scaleByAdadelta(), scaleByLr()), fused: fusedAdadelta },
});
export type Adadelta = InstanceType<typeof Adadelta>;
