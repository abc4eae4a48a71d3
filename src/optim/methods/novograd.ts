/** NovoGrad: layer-wise second moments and gradients normalized before momentum. */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { chain, flipSign, fusable, like, sumsOfSquares, scaleByLr, type Transform } from '../transform.js';

export interface NovoGradOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  gradAveraging: boolean;
  maximize: boolean;
}

/** What scaleByNovoGrad keeps per parameter: the step count, the first moment and the per-tensor second moment. */
export type NovoGradState = { step: number; expAvg: Storage; expAvgSq: number };

/** NovoGrad's momentum of normalized gradients, per parameter tensor (before the lr scale). */
export function scaleByNovoGrad(): Transform<NovoGradOptions, NovoGradState> {
  return {
    name: 'scaleByNovoGrad',
    init: (p) => ({ step: 0, expAvg: like(p), expAvgSq: 0 }),
    update(u, s, p, h) {
      const [b1, b2] = h.betas;
      const eps = h.eps;
      const wd = h.weightDecay;
      const t = s.step + 1;
      s.step = t;
      let g2 = 0;
      for (let i = 0; i < u.length; i++) g2 += u[i] * u[i];
      const v = t === 1 ? g2 : b2 * s.expAvgSq + (1 - b2) * g2;
      s.expAvgSq = v;
      const denom = Math.sqrt(v) + eps;
      const a = h.gradAveraging ? 1 - b1 : 1;
      const m = s.expAvg;
      for (let i = 0; i < u.length; i++) {
        m[i] = b1 * m[i] + a * (u[i] / denom + wd * p[i]);
        u[i] = m[i];
      }
    },
  };
}

/**
 * The whole NovoGrad step in two passes (the chain's arithmetic in its order): the gradient's
 * norm, then the step; or the backend's `sumSquares` and `novograd` kernels.
 */
function fusedNovoGrad(p: Storage, grad: Storage, s: NovoGradState, h: NovoGradOptions, kernels: OptimizerKernels): boolean {
  const m = s.expAvg;
  if (!fusable(p, grad, m)) return false;
  const [b1, b2] = h.betas;
  // Every option is read before the loops (see fusedLamb).
  const { lr, eps, weightDecay: wd, maximize, gradAveraging } = h;
  const sign = maximize ? -1 : 1;
  const t = s.step + 1;
  s.step = t;
  const f32 = p instanceof Float32Array;
  const g2 = ((f32 && kernels.sumSquares?.(grad as Float32Array, null)) || sumsOfSquares(grad, grad, sign))[0];
  const v = t === 1 ? g2 : b2 * s.expAvgSq + (1 - b2) * g2;
  s.expAvgSq = v;
  const denom = Math.sqrt(v) + eps;
  const a = gradAveraging ? 1 - b1 : 1;
  const hyper = { lr, weightDecay: wd, maximize, beta1: b1, gradScale: a, denom };
  if (f32 && kernels.novograd?.(p, grad as Float32Array, m as Float32Array, hyper)) return true;
  for (let i = 0; i < p.length; i++) {
    m[i] = b1 * m[i] + a * ((sign * grad[i]) / denom + wd * p[i]);
    p[i] += m[i] * -lr;
  }
  return true;
}

/**
 * **NovoGrad** (Ginsburg et al. 2019, "Stochastic Gradient Methods with Layer-wise Adaptive
 * Moments for Training of Deep Networks", algorithm 1), per parameter tensor (layer) l:
 *
 * ```
 * v^l_1 = ‖g^l_1‖²;   v^l_t = β2 v^l_{t-1} + (1-β2) ‖g^l_t‖²
 * m^l_t = β1 m^l_{t-1} + (g^l_t / (√v^l_t + ε) + d θ^l_{t-1})      (m^l_0 = 0)
 * θ^l_t = θ^l_{t-1} - lr · m^l_t
 * ```
 * `gradAveraging: true` multiplies the new term by (1-β1). Defaults β = (0.95, 0.98) as in the
 * paper's experiments.
 */
export const NovoGrad = defineOptimizer<NovoGradOptions>({
  name: 'novograd',
  adaptive: true,
  doc: 'NovoGrad: per-layer second moment of the gradient norm; momentum of normalized gradients plus decay',
  source: 'Ginsburg et al. 2019 (arXiv:1905.11286), alg. 1',
  formula: 'v = β2 v + (1-β2)‖g‖² (v_1 = ‖g_1‖²);  m = β1 m + (g/(√v + ε) + dθ);  θ -= lr·m   (per tensor)',
  options: {
    lr: common.lr(1e-3),
    betas: common.betas(0.95, 0.98, 'momentum β1 and second-moment β2 coefficients'),
    eps: common.eps(1e-8),
    weightDecay: common.weightDecay(0, 'weight decay d, added to the normalized gradient'),
    gradAveraging: { type: 'boolean', default: false, doc: 'scale the new term by (1-β1)' },
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), scaleByNovoGrad(), scaleByLr()), fused: fusedNovoGrad },
});
export type NovoGrad = InstanceType<typeof NovoGrad>;
