/** ASGD: SGD with Polyak-Ruppert averaging of the iterates. */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { addWeightDecay, chain, flipSign, fusable, like, type Transform } from '../transform.js';
import type { Optimizer } from '../optimizer.js';
import { pow } from '../../backend/math/pow.js';

export interface ASGDOptions {
  lr: number;
  lambd: number;
  alpha: number;
  t0: number;
  weightDecay: number;
  maximize: boolean;
}

/** What asgdStep keeps per parameter: the step count, the current step size η, the averaging weight μ and the average ā. */
export type ASGDState = { step: number; eta: number; mu: number; ax: Storage };

/** The ASGD step and averaging (the output is the final step). */
export function asgdStep(): Transform<ASGDOptions, ASGDState> {
  return {
    name: 'asgd',
    init: (p, h) => ({ step: 0, eta: p instanceof Float32Array ? Math.fround(h.lr) : h.lr, mu: 1, ax: like(p) }),
    update(u, s, p, h) {
      const lambd = h.lambd;
      const lr = h.lr;
      const f32 = p instanceof Float32Array;
      const round = f32 ? Math.fround : (x: number) => x;
      const eta = s.eta;
      const mu = s.mu;
      const ax = s.ax;
      const t = s.step + 1;
      s.step = t;
      for (let i = 0; i < u.length; i++) {
        const next = round(round(p[i] * (1 - lambd * eta)) - eta * u[i]);
        if (mu !== 1) ax[i] += (next - ax[i]) * mu;
        else ax[i] = next;
        u[i] = next - p[i];
      }
      // PyTorch keeps eta and mu as float32 tensors; round them the same way for float32 parameters.
      s.eta = round(lr / pow(1 + lambd * lr * t, h.alpha));
      s.mu = round(1 / Math.max(1, t - h.t0));
    },
  };
}

/** The whole ASGD step in one pass (the chain's arithmetic and roundings in their order), or the backend's `asgd` kernel. */
function fusedAsgd(p: Storage, grad: Storage, s: ASGDState, h: ASGDOptions, kernels: OptimizerKernels): boolean {
  const ax = s.ax;
  if (!fusable(p, grad, ax)) return false;
  const { lambd, lr, weightDecay: wd, maximize } = h;
  const round = p instanceof Float32Array ? Math.fround : (x: number) => x;
  const eta = s.eta;
  const mu = s.mu;
  const t = s.step + 1;
  s.step = t;
  const hyper = { keep: 1 - lambd * eta, eta, mu, weightDecay: wd, maximize };
  if (!(p instanceof Float32Array && kernels.asgd?.(p, grad as Float32Array, ax as Float32Array, hyper))) asgdLoop(p, grad, ax, h, eta, mu);
  s.eta = round(lr / pow(1 + lambd * lr * t, h.alpha));
  s.mu = round(1 / Math.max(1, t - h.t0));
  return true;
}

/** The elements of one ASGD step (the chain's loop, reading the gradient itself). */
function asgdLoop(p: Storage, grad: Storage, ax: Storage, h: ASGDOptions, eta: number, mu: number): void {
  const { lambd, weightDecay: wd, maximize } = h;
  // Math.fround called directly (a function held in a variable is a call per element).
  const f32 = p instanceof Float32Array;
  for (let i = 0; i < p.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (wd) g += wd * p[i];
    const kept = p[i] * (1 - lambd * eta);
    const next = f32 ? Math.fround(Math.fround(kept) - eta * g) : kept - eta * g;
    if (mu !== 1) ax[i] += (next - ax[i]) * mu;
    else ax[i] = next;
    p[i] += next - p[i];
  }
}

/**
 * **ASGD**, averaged SGD (Polyak & Juditsky 1992; the schedule of Bottou 2012 / Xu 2011 as in
 * PyTorch). With `g` including weight decay:
 *
 * ```
 * θ_t = θ_{t-1} (1 - λ η_t) - η_t g_t
 * ā_t = ā_{t-1} + μ_t (θ_t - ā_{t-1})                  (ā = θ while μ_t = 1)
 * η_{t+1} = lr / (1 + λ lr t)^α;   μ_{t+1} = 1 / max(1, t - t0)
 * ```
 * Matches `torch.optim.ASGD`; the averaged parameters are in `state.ax` (see {@link asgdAverages}).
 */
export const ASGD = defineOptimizer<ASGDOptions>({
  name: 'asgd',
  adaptive: false,
  doc: 'ASGD: SGD with a decaying step and Polyak-Ruppert averaging of the iterates (averages in state.ax)',
  source: 'Polyak & Juditsky 1992 (SIAM J. Control Optim.); Bottou 2012',
  formula: 'θ = θ(1-λη) - η g;  ā += μ(θ - ā);  η = lr/(1+λ·lr·t)^α;  μ = 1/max(1, t-t0)',
  options: {
    lr: common.lr(0.01),
    lambd: { type: 'number', default: 1e-4, min: 0, doc: 'decay term λ' },
    alpha: { type: 'number', default: 0.75, min: 0, doc: 'power α of the step-size decay' },
    t0: { type: 'number', default: 1e6, min: 0, doc: 'step at which averaging starts' },
    weightDecay: common.weightDecay(),
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), addWeightDecay(), asgdStep()), fused: fusedAsgd },
});
export type ASGD = InstanceType<typeof ASGD>;

/** The averaged parameters ā of an ASGD optimizer, as tensors shaped like the parameters (copies). */
export function asgdAverages(opt: Optimizer<object>): Tensor[] {
  return opt.params().map((p) => {
    const ax = opt.state.get(p)?.ax;
    const out = p.detach().clone();
    if (ax instanceof Float32Array || ax instanceof Float64Array) out.data.set(ax);
    return out;
  });
}
