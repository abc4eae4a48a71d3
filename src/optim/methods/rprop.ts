/** Rprop: sign-based steps with per-coordinate step sizes adapted by sign agreement. */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { chain, flipSign, fusable, like, type Transform } from '../transform.js';

export interface RpropOptions {
  lr: number;
  etas: [number, number];
  stepSizes: [number, number];
  maximize: boolean;
}

/** What rpropStep keeps per parameter: the step count, the previous gradient and the per-coordinate step sizes. */
export type RpropState = { step: number; prev: Storage; stepSize: Storage };

/** The Rprop step (the output is the final step; no lr stage follows). */
export function rpropStep(): Transform<RpropOptions, RpropState> {
  return {
    name: 'rprop',
    init: (p, h) => ({ step: 0, prev: like(p), stepSize: like(p, h.lr) }),
    update(u, s, _p, h) {
      const [etaMinus, etaPlus] = h.etas;
      const [minStep, maxStep] = h.stepSizes;
      const prev = s.prev;
      const size = s.stepSize;
      s.step = s.step + 1;
      for (let i = 0; i < u.length; i++) {
        let g = u[i];
        const agree = Math.sign(g) * Math.sign(prev[i]);
        const eta = agree > 0 ? etaPlus : agree < 0 ? etaMinus : 1;
        size[i] = Math.min(Math.max(size[i] * eta, minStep), maxStep);
        if (agree < 0) g = 0;
        u[i] = -Math.sign(g) * size[i];
        prev[i] = g;
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

/** The whole Rprop step in one pass (the chain's arithmetic in its order), or the backend's `rprop` kernel. */
function fusedRprop(p: Storage, grad: Storage, s: RpropState, h: RpropOptions, kernels: OptimizerKernels): boolean {
  const prev = s.prev;
  const size = s.stepSize;
  if (!fusable(p, grad, prev, size)) return false;
  const [etaMinus, etaPlus] = h.etas;
  const [minStep, maxStep] = h.stepSizes;
  const maximize = h.maximize;
  s.step = s.step + 1;
  const hyper = { etaMinus, etaPlus, minStep, maxStep, maximize };
  if (p instanceof Float32Array && kernels.rprop?.(p, grad as Float32Array, prev as Float32Array, size as Float32Array, hyper)) return true;
  for (let i = 0; i < p.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    const agree = signOf(g) * signOf(prev[i]);
    const eta = agree > 0 ? etaPlus : agree < 0 ? etaMinus : 1;
    size[i] = Math.min(Math.max(size[i] * eta, minStep), maxStep);
    if (agree < 0) g = 0;
    p[i] += -signOf(g) * size[i];
    prev[i] = g;
  }
  return true;
}

/**
 * **Rprop** (Riedmiller & Braun 1993), the variant without weight backtracking ("Rprop-") that
 * PyTorch implements:
 *
 * ```
 * s = sign(g_t · g_{t-1});  Δ_t = clamp(Δ_{t-1} · (s > 0 ? η+ : s < 0 ? η- : 1), Δmin, Δmax)
 * g_t = 0 where s < 0;      θ_t = θ_{t-1} - sign(g_t) · Δ_t          (Δ_0 = lr)
 * ```
 * Matches `torch.optim.Rprop` (`etas` = (η-, η+), `stepSizes` = (Δmin, Δmax)). The step sizes
 * start at the group's lr; later changes of lr do not affect them.
 */
export const Rprop = defineOptimizer<RpropOptions>({
  name: 'rprop',
  adaptive: true,
  doc: 'Rprop: per-coordinate step sizes grown or shrunk by the agreement of successive gradient signs',
  source: 'Riedmiller & Braun 1993 (ICNN)',
  formula: 'Δ = clamp(Δ · (η+ if g·g_prev > 0, η- if < 0, else 1), Δmin, Δmax);  θ -= sign(g) · Δ',
  options: {
    lr: common.lr(0.01),
    etas: {
      type: 'pair', default: [0.5, 1.2], min: 0, doc: 'multiplicative decrease and increase factors (η-, η+)',
      check: (v: number[]) => (0 < v[0] && v[0] < 1 && 1 < v[1] ? null : 'etas must satisfy 0 < etaminus < 1 < etaplus'),
    },
    stepSizes: {
      type: 'pair', default: [1e-6, 50], min: 0, doc: 'minimal and maximal step sizes (Δmin, Δmax)',
      check: (v: number[]) => (v[0] <= v[1] ? null : 'stepSizes must satisfy min <= max'),
    },
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), rpropStep()), fused: fusedRprop },
});
export type Rprop = InstanceType<typeof Rprop>;
