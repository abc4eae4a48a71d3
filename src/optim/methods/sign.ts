/** signSGD and Signum: steps in the sign of the gradient or of its momentum. */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { addWeightDecay, chain, flipSign, fusable, like, scaleByLr, type Transform } from '../transform.js';

export interface SignSGDOptions {
  lr: number;
  weightDecay: number;
  maximize: boolean;
}

export interface SignumOptions extends SignSGDOptions {
  momentum: number;
}

/** u = sign(u). */
export function scaleBySign(): Transform<object> {
  return {
    name: 'scaleBySign',
    init: () => ({}),
    update(u) {
      for (let i = 0; i < u.length; i++) u[i] = Math.sign(u[i]);
    },
  };
}

/** What {@link emaMomentum} keeps per parameter: the moving average of the update. */
export type EmaMomentumState = { momentumBuffer: Storage };

/** m = β m + (1-β) u; u = m. */
export function emaMomentum(): Transform<{ momentum: number }, EmaMomentumState> {
  return {
    name: 'emaMomentum',
    init: (p) => ({ momentumBuffer: like(p) }),
    update(u, s, _p, h) {
      const b = h.momentum;
      const m = s.momentumBuffer;
      for (let i = 0; i < u.length; i++) {
        m[i] = b * m[i] + (1 - b) * u[i];
        u[i] = m[i];
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

/**
 * The whole signSGD step (`momentum` 0) or Signum step in one pass (the chains' arithmetic in
 * their order): u = sign(g) or sign(m) with m = b m + (1-b) g; θ -= lr u. Or the backend's `sign` kernel.
 */
function fusedSign(momentum: boolean) {
  return (p: Storage, grad: Storage, s: Partial<EmaMomentumState>, h: SignSGDOptions & { momentum?: number }, kernels: OptimizerKernels): boolean => {
    const m = momentum ? s.momentumBuffer : null;
    if ((momentum && !m) || !fusable(p, grad, m)) return false;
    const { lr, weightDecay: wd, maximize } = h;
    const b = h.momentum ?? 0;
    if (p instanceof Float32Array && kernels.sign?.(p, grad as Float32Array, m as Float32Array | null, { lr, weightDecay: wd, maximize, momentum: b })) return true;
    for (let i = 0; i < p.length; i++) {
      let g = maximize ? -grad[i] : grad[i];
      if (wd) g += wd * p[i];
      if (m) {
        m[i] = b * m[i] + (1 - b) * g;
        g = m[i];
      }
      p[i] += signOf(g) * -lr;
    }
    return true;
  };
}

/**
 * **signSGD** (Bernstein, Wang, Azizzadenesheli & Anandkumar 2018, "signSGD: Compressed
 * Optimisation for Non-Convex Problems", algorithm 1): `θ_t = θ_{t-1} - lr · sign(g_t)`, with
 * `g` including the (coupled) weight decay.
 */
export const SignSGD = defineOptimizer<SignSGDOptions>({
  name: 'signsgd',
  adaptive: true,
  doc: 'signSGD: steps of size lr in the sign of each gradient coordinate',
  source: 'Bernstein et al. 2018 (ICML), alg. 1',
  formula: 'θ -= lr · sign(g)',
  options: { lr: common.lr(1e-3), weightDecay: common.weightDecay(), maximize: common.maximize() },
  transform: { ...chain(flipSign(), addWeightDecay(), scaleBySign(), scaleByLr()), fused: fusedSign(false) },
});
export type SignSGD = InstanceType<typeof SignSGD>;

/**
 * **Signum** (Bernstein et al. 2018, algorithm 3, signSGD with momentum):
 *
 * ```
 * m_t = β m_{t-1} + (1-β) g_t;     θ_t = θ_{t-1} - lr · sign(m_t)
 * ```
 * with `g` including the (coupled) weight decay.
 */
export const Signum = defineOptimizer<SignumOptions>({
  name: 'signum',
  adaptive: true,
  doc: 'Signum: signSGD on the exponential moving average of the gradient',
  source: 'Bernstein et al. 2018 (ICML), alg. 3',
  formula: 'm = β m + (1-β) g;  θ -= lr · sign(m)',
  options: {
    lr: common.lr(1e-3),
    momentum: { type: 'number', default: 0.9, min: 0, max: 1, maxExclusive: true, doc: 'momentum β of the moving average' },
    weightDecay: common.weightDecay(),
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), addWeightDecay(), emaMomentum(), scaleBySign(), scaleByLr()), fused: fusedSign(true) },
});
export type Signum = InstanceType<typeof Signum>;
