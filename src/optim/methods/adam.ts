/**
 * Adam and its closest family: AMSGrad (Adam with `amsgrad: true`), AdamW (decoupled weight
 * decay) and AdamNC (Adam with an increasing β2,t = 1 - 1/t).
 *
 * The float32 Adam/AdamW/AMSGrad step runs through the fused `adam` optimizer kernel
 * (one pass over parameter, gradient and the moments).
 */
import type { Storage } from '../../tensor/dtype.js';
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { addWeightDecay, chain, decoupledWeightDecay, flipSign, fusable, like, scaleByLr, type Transform } from '../transform.js';
import { pow } from '../../backend/math/pow.js';

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

export type AdamWOptions = AdamOptions;

/** What Adam keeps per parameter: the step count, the two moments and (AMSGrad) the running maximum of v. */
export type AdamState = { step: number; expAvg: Storage; expAvgSq: Storage; maxExpAvgSq: Storage | null };

/**
 * The Adam preconditioner: `u = m̂ / (√v̂ + ε)` with bias-corrected moments (and the running
 * maximum of v for AMSGrad), computed as PyTorch does: `(m/bc1) / (√v/√bc2 + ε)`.
 */
export function scaleByAdam(): Transform<Pick<AdamOptions, 'betas' | 'eps' | 'amsgrad'>, AdamState> {
  return {
    name: 'scaleByAdam',
    init: (p, h) => ({ step: 0, expAvg: like(p), expAvgSq: like(p), maxExpAvgSq: h.amsgrad ? like(p) : null }),
    update(u, s, p, h) {
      const [b1, b2] = h.betas;
      const eps = h.eps;
      const t = s.step + 1;
      s.step = t;
      const bc1 = 1 - pow(b1, t);
      const sqrtBc2 = Math.sqrt(1 - pow(b2, t));
      const m = s.expAvg;
      const v = s.expAvgSq;
      let vmax = s.maxExpAvgSq;
      if (h.amsgrad && !vmax) vmax = s.maxExpAvgSq = like(p);
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        let vi = v[i];
        if (h.amsgrad) {
          if (vi > vmax![i]) vmax![i] = vi;
          vi = vmax![i];
        }
        u[i] = m[i] / bc1 / (Math.sqrt(vi) / sqrtBc2 + eps);
      }
    },
  };
}

/** The fused float32 path: one `kernels.adam` call per parameter. */
function fusedAdam(decoupled: boolean) {
  return (param: Storage, grad: Storage, s: AdamState, h: AdamOptions, kernels: OptimizerKernels): boolean => {
    if (!(param instanceof Float32Array) || !(grad instanceof Float32Array)) return false;
    const m = s.expAvg;
    const v = s.expAvgSq;
    if (h.amsgrad && !s.maxExpAvgSq) s.maxExpAvgSq = like(param);
    const vMax = h.amsgrad ? s.maxExpAvgSq : null;
    if (!(m instanceof Float32Array) || !(v instanceof Float32Array)) return false;
    if (vMax !== null && !(vMax instanceof Float32Array)) return false;
    const wd = h.weightDecay;
    let g: Float32Array = grad;
    if (h.maximize || (!decoupled && wd)) {
      g = new Float32Array(grad.length);
      const sign = h.maximize ? -1 : 1;
      const c = decoupled ? 0 : wd;
      for (let i = 0; i < g.length; i++) g[i] = sign * grad[i] + c * param[i];
    }
    const [b1, b2] = h.betas;
    const t = s.step + 1;
    s.step = t;
    kernels.adam(param, g, m, v, {
      lr: h.lr,
      beta1: b1,
      beta2: b2,
      eps: h.eps,
      weightDecay: decoupled ? wd : 0,
      biasCorrection1: 1 - pow(b1, t),
      biasCorrection2: 1 - pow(b2, t),
    }, vMax);
    return true;
  };
}

const adamOptions = (wd: number, wdDoc?: string) => ({
  lr: common.lr(1e-3),
  betas: common.betas(0.9, 0.999),
  eps: common.eps(1e-8),
  weightDecay: common.weightDecay(wd, wdDoc),
  amsgrad: { type: 'boolean' as const, default: false, doc: 'use the running maximum of the second moment (AMSGrad, Reddi et al. 2018)' },
  maximize: common.maximize(),
});

const adamTransform: Transform = {
  ...chain(flipSign(), addWeightDecay(), scaleByAdam(), scaleByLr()),
  fused: fusedAdam(false),
};

/**
 * **Adam** (Kingma & Ba 2015); with `amsgrad: true`, **AMSGrad** (Reddi, Kale & Kumar 2018).
 * With `g` including the (coupled) weight decay:
 *
 * ```
 * m_t = β1 m_{t-1} + (1-β1) g_t;       v_t = β2 v_{t-1} + (1-β2) g_t²
 * m̂_t = m_t / (1-β1^t);                v̂_t = v_t / (1-β2^t)    (AMSGrad: v̂ from max_{s≤t} v_s)
 * θ_t = θ_{t-1} - lr · m̂_t / (√v̂_t + ε)
 * ```
 * Matches `torch.optim.Adam`. Seeds: 001 §3.2.1 (algorithm 6) and §3.2.2 (algorithm 8,
 * AMSGrad); 003 §4.3; 000 §2.2.3 eq. 10-12; 004 §3.1-3.2 (Adam and AMSGrad in the AdaShift
 * analysis).
 */
export const Adam = defineOptimizer<AdamOptions>({
  name: 'adam',
  adaptive: true,
  doc: 'Adam: bias-corrected running averages of the gradient and its square (amsgrad: true for AMSGrad)',
  source: 'Kingma & Ba 2015 (ICLR); AMSGrad: Reddi, Kale & Kumar 2018 (ICLR); seed 001 §3.2.1 alg. 6 and §3.2.2 alg. 8, 003 §4.3, 000 §2.2.3',
  formula: 'm = β1 m + (1-β1)g;  v = β2 v + (1-β2)g²;  θ -= lr · (m/(1-β1^t)) / (√(v/(1-β2^t)) + ε)   [AMSGrad: v → max(v)]',
  options: adamOptions(0),
  transform: adamTransform,
  aliases: [{ name: 'amsgrad', doc: 'AMSGrad: Adam with the running maximum of the second moment (Adam with amsgrad: true)', defaults: { amsgrad: true } }],
});
export type Adam = InstanceType<typeof Adam>;

/**
 * **AdamW** (Loshchilov & Hutter 2019): Adam with decoupled weight decay,
 *
 * ```
 * θ_t = θ_{t-1} - lr · (m̂_t / (√v̂_t + ε) + weightDecay · θ_{t-1})
 * ```
 * (m̂, v̂ from the raw gradient, as in {@link Adam}). Matches `torch.optim.AdamW`. Seed 001
 * §3.2.1 (Adam, algorithm 6) for the base rule.
 */
export const AdamW = defineOptimizer<AdamWOptions>({
  name: 'adamw',
  adaptive: true,
  doc: 'AdamW: Adam with weight decay decoupled from the gradient',
  source: 'Loshchilov & Hutter 2019 (ICLR); seed 001 §3.2.1 alg. 6 (Adam)',
  formula: 'θ -= lr · (m̂/(√v̂ + ε) + λθ)',
  options: adamOptions(1e-2, 'decoupled weight decay: θ -= lr · weightDecay · θ each step'),
  transform: {
    ...chain(flipSign(), scaleByAdam(), scaleByLr(), decoupledWeightDecay()),
    fused: fusedAdam(true),
  },
});
export type AdamW = InstanceType<typeof AdamW>;

export interface AdamNCOptions {
  lr: number;
  beta1: number;
  beta1Decay: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** What AdamNC keeps per parameter: the step count, the two moments and the product of the β1,t so far. */
export type AdamNCState = { step: number; expAvg: Storage; expAvgSq: Storage; beta1Product: number };

/** AdamNC's preconditioner: β1,t = β1 λ^{t-1}, β2,t = 1 - 1/t (v_t is the mean of g_1²..g_t²). */
export function scaleByAdamNC(): Transform<Pick<AdamNCOptions, 'beta1' | 'beta1Decay' | 'eps'>, AdamNCState> {
  return {
    name: 'scaleByAdamNC',
    init: (p) => ({ step: 0, expAvg: like(p), expAvgSq: like(p), beta1Product: 1 }),
    update(u, s, _p, h) {
      const { b1, b2, bc1 } = advanceAdamNC(s, h);
      const eps = h.eps;
      const m = s.expAvg;
      const v = s.expAvgSq;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        u[i] = m[i] / bc1 / (Math.sqrt(v[i]) + eps);
      }
    },
  };
}

/** Counts AdamNC's step and gives its β1 (decayed), β2 = 1 - 1/t and bias correction 1 - Πβ1; the chain and the fused pass share it. */
function advanceAdamNC(s: AdamNCState, h: Pick<AdamNCOptions, 'beta1' | 'beta1Decay'>): { b1: number; b2: number; bc1: number } {
  const t = s.step + 1;
  s.step = t;
  const b1 = h.beta1 * pow(h.beta1Decay, t - 1);
  s.beta1Product *= b1;
  return { b1, b2: 1 - 1 / t, bc1: 1 - s.beta1Product };
}

/** The whole AdamNC step in one pass (the chain's arithmetic in its order), or the backend's `adamLike` kernel. */
function fusedAdamNC(p: Storage, grad: Storage, s: AdamNCState, h: AdamNCOptions, kernels: OptimizerKernels): boolean {
  const m = s.expAvg;
  const v = s.expAvgSq;
  if (!fusable(p, grad, m, v)) return false;
  const { lr, eps, weightDecay: wd, maximize } = h;
  const { b1, b2, bc1 } = advanceAdamNC(s, h);
  const hyper = { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, maximize, bc1, bc2: 1, yogi: false };
  if (p instanceof Float32Array && kernels.adamLike?.(p, grad as Float32Array, m as Float32Array, v as Float32Array, hyper)) return true;
  for (let i = 0; i < p.length; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (wd) g += wd * p[i];
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = b2 * v[i] + (1 - b2) * g * g;
    p[i] += (m[i] / bc1 / (Math.sqrt(v[i]) + eps)) * -lr;
  }
  return true;
}

/**
 * **AdamNC** (Reddi, Kale & Kumar 2018, "On the Convergence of Adam and Beyond", §5 and
 * Corollary 1): Adam with a non-constant β2,t = 1 - 1/t, so that v_t is the plain average of
 * every squared gradient so far (long memory), and β1,t = β1 λ^{t-1}:
 *
 * ```
 * m_t = β1,t m_{t-1} + (1-β1,t) g_t;        m̂_t = m_t / (1 - Π_{s≤t} β1,s)
 * v_t = (1 - 1/t) v_{t-1} + (1/t) g_t²      (= mean of g_1², ..., g_t²: no bias correction needed)
 * θ_t = θ_{t-1} - lr · m̂_t / (√v_t + ε)
 * ```
 * The paper states its algorithms without bias correction; descent corrects m as Adam does
 * (with λ = 1 the correction is Adam's 1 - β1^t), and v needs none. The paper's theory also
 * uses α_t = α/√t: attach a schedule for that. Seed: 004 §3.1 and §3.4 (AdamNC as a way to
 * decorrelate v_t from g_t).
 */
export const AdamNC = defineOptimizer<AdamNCOptions>({
  name: 'adamnc',
  adaptive: true,
  doc: 'AdamNC: Adam with increasing β2,t = 1 - 1/t (v is the running mean of all squared gradients)',
  source: 'Reddi, Kale & Kumar 2018 (ICLR), §5 / Corollary 1; seed 004 §3.1, §3.4',
  formula: 'm = β1,t m + (1-β1,t) g;  v = (1-1/t) v + g²/t;  θ -= lr · (m/(1-Πβ1,s)) / (√v + ε),  β1,t = β1 λ^(t-1)',
  options: {
    lr: common.lr(1e-3),
    beta1: { type: 'number', default: 0.9, min: 0, max: 1, maxExclusive: true, doc: 'first-moment coefficient β1' },
    beta1Decay: { type: 'number', default: 1, min: 0, max: 1, minExclusive: true, doc: 'λ in β1,t = β1 λ^(t-1) (1 keeps β1 constant)' },
    eps: common.eps(1e-8),
    weightDecay: common.weightDecay(),
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), addWeightDecay(), scaleByAdamNC(), scaleByLr()), fused: fusedAdamNC },
});
export type AdamNC = InstanceType<typeof AdamNC>;
