/** Lion: sign of an interpolated momentum, found by program search. */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { chain, flipSign, fusable, like, type Transform } from '../transform.js';

export interface LionOptions {
  lr: number;
  betas: [number, number];
  weightDecay: number;
  maximize: boolean;
}

/** What lionStep keeps per parameter: the momentum. */
export type LionState = { expAvg: Storage };

/** The Lion step (the output is the final step). */
export function lionStep(): Transform<LionOptions, LionState> {
  return {
    name: 'lion',
    init: (p) => ({ expAvg: like(p) }),
    update(u, s, p, h) {
      const [b1, b2] = h.betas;
      const lr = h.lr;
      const wd = h.weightDecay;
      const m = s.expAvg;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        const c = b1 * m[i] + (1 - b1) * g;
        m[i] = b2 * m[i] + (1 - b2) * g;
        u[i] = -lr * (Math.sign(c) + wd * p[i]);
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

/** The whole Lion step in one pass (the chain's arithmetic in its order), or the backend's `lion` kernel. */
function fusedLion(p: Storage, grad: Storage, s: LionState, h: LionOptions, kernels: OptimizerKernels): boolean {
  const m = s.expAvg;
  if (!fusable(p, grad, m)) return false;
  const [b1, b2] = h.betas;
  const { lr, weightDecay: wd, maximize } = h;
  if (p instanceof Float32Array && kernels.lion?.(p, grad as Float32Array, m as Float32Array, { lr, beta1: b1, beta2: b2, weightDecay: wd, maximize })) return true;
  for (let i = 0; i < p.length; i++) {
    const g = maximize ? -grad[i] : grad[i];
    const c = b1 * m[i] + (1 - b1) * g;
    m[i] = b2 * m[i] + (1 - b2) * g;
    p[i] += -lr * (signOf(c) + wd * p[i]);
  }
  return true;
}

/**
 * **Lion** (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", program 1):
 *
 * ```
 * c_t = β1 m_{t-1} + (1-β1) g_t
 * θ_t = θ_{t-1} - lr · (sign(c_t) + λ θ_{t-1})
 * m_t = β2 m_{t-1} + (1-β2) g_t
 * ```
 */
export const Lion = defineOptimizer<LionOptions>({
  name: 'lion',
  adaptive: true,
  doc: 'Lion: steps of fixed size lr in the sign of an interpolation of momentum and gradient',
  source: 'Chen et al. 2023 (NeurIPS), program 1',
  formula: 'c = β1 m + (1-β1) g;  θ -= lr (sign(c) + λθ);  m = β2 m + (1-β2) g',
  options: {
    lr: common.lr(1e-4),
    betas: common.betas(0.9, 0.99, 'interpolation (β1) and momentum (β2) coefficients'),
    weightDecay: common.weightDecay(0, 'decoupled weight decay λ'),
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), lionStep()), fused: fusedLion },
});
export type Lion = InstanceType<typeof Lion>;
