/** Adafactor: factored second moments (row and column statistics) and relative step sizes. */
import type { OptimizerKernels } from '../../backend/optimizer-kernels.js';
import type { Storage } from '../../tensor/dtype.js';
import { defineOptimizer } from '../define.js';
import { common } from '../options.js';
import { chain, flipSign, fusable, present, scratchF64, type Transform, type UpdateContext } from '../transform.js';
import { pow } from '../../backend/math/pow.js';

export interface AdafactorOptions {
  lr: number | null;
  eps: [number, number];
  clipThreshold: number;
  decayRate: number;
  beta1: number;
  weightDecay: number;
  scaleParameter: boolean;
  maximize: boolean;
}

/** [batch, rows, cols] of a tensor factored over its last two axes, or null for vectors. */
function factorShape(ctx: UpdateContext): [number, number, number] | null {
  const s = ctx.shape;
  if (s.length < 2) return null;
  const rows = s[s.length - 2];
  const cols = s[s.length - 1];
  let batch = 1;
  for (let i = 0; i < s.length - 2; i++) batch *= s[i];
  return [batch, rows, cols];
}

function alloc(p: Storage, n: number): Storage {
  return p instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

function rms(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, x.length));
}

/** What adafactorStep keeps per parameter: the step count, the factored (row and column) or full second moment, and the first moment when beta1 > 0. */
export type AdafactorState = { step: number; expAvgSqRow: Storage | null; expAvgSqCol: Storage | null; expAvgSq: Storage | null; expAvg: Storage | null };

/** The whole Adafactor step (the output is the final step). */
export function adafactorStep(): Transform<AdafactorOptions, AdafactorState> {
  return {
    name: 'adafactor',
    init(p, h, ctx) {
      const f = factorShape(ctx);
      return {
        step: 0,
        expAvgSqRow: f ? alloc(p, f[0] * f[1]) : null,
        expAvgSqCol: f ? alloc(p, f[0] * f[2]) : null,
        expAvgSq: f ? null : alloc(p, p.length),
        expAvg: h.beta1 > 0 ? alloc(p, p.length) : null,
      };
    },
    update(u, s, p, h, ctx) {
      const [eps1, eps2] = h.eps;
      const d = h.clipThreshold;
      const beta1 = h.beta1;
      const t = s.step + 1;
      s.step = t;
      const rho = h.lr === null ? Math.min(1e-2, 1 / Math.sqrt(t)) : h.lr;
      const alpha = h.scaleParameter ? Math.max(eps2, rms(p)) * rho : rho;
      const beta2 = 1 - pow(t, h.decayRate);
      const n = u.length;
      const f = factorShape(ctx);
      const upd = new Float64Array(n);
      if (f) {
        const [batch, rows, cols] = f;
        const R = present(s.expAvgSqRow, 'adafactor: expAvgSqRow');
        const C = present(s.expAvgSqCol, 'adafactor: expAvgSqCol');
        for (let b = 0; b < batch; b++) {
          const off = b * rows * cols;
          for (let r = 0; r < rows; r++) {
            let sum = 0;
            for (let c = 0; c < cols; c++) {
              const x = u[off + r * cols + c];
              sum += x * x + eps1;
            }
            R[b * rows + r] = beta2 * R[b * rows + r] + (1 - beta2) * (sum / cols);
          }
          for (let c = 0; c < cols; c++) {
            let sum = 0;
            for (let r = 0; r < rows; r++) {
              const x = u[off + r * cols + c];
              sum += x * x + eps1;
            }
            C[b * cols + c] = beta2 * C[b * cols + c] + (1 - beta2) * (sum / rows);
          }
          let rowMean = 0;
          for (let r = 0; r < rows; r++) rowMean += R[b * rows + r];
          rowMean /= rows;
          for (let r = 0; r < rows; r++) {
            for (let c = 0; c < cols; c++) {
              const v = (R[b * rows + r] * C[b * cols + c]) / rowMean;
              const k = off + r * cols + c;
              upd[k] = u[k] / Math.sqrt(v);
            }
          }
        }
      } else {
        const V = present(s.expAvgSq, 'adafactor: expAvgSq');
        for (let i = 0; i < n; i++) {
          V[i] = beta2 * V[i] + (1 - beta2) * (u[i] * u[i] + eps1);
          upd[i] = u[i] / Math.sqrt(V[i]);
        }
      }
      const clip = Math.max(1, rms(upd) / d);
      const m = s.expAvg;
      const wd = h.weightDecay;
      for (let i = 0; i < n; i++) {
        let x = upd[i] / clip;
        if (beta1 > 0 && m) {
          m[i] = beta1 * m[i] + (1 - beta1) * x;
          x = m[i];
        }
        u[i] = -alpha * (x + wd * p[i]);
      }
    },
  };
}

/**
 * The whole Adafactor step in three passes, with the chain's arithmetic in its order (so its
 * bits): the squared gradient's row and column sums (columns accumulated row by row, each in
 * the chain's order) with Σθ²; the unclipped update U = G/√V̂ into a scratch array with ΣU²;
 * then the clipped, momentum-smoothed step. A factored float32 tensor runs the backend's
 * `adafactor` kernel instead, where it has one.
 */
function fusedAdafactor(p: Storage, grad: Storage, s: AdafactorState, h: AdafactorOptions, kernels: OptimizerKernels, ctx: UpdateContext): boolean {
  const f = factorShape(ctx);
  const R = s.expAvgSqRow;
  const C = s.expAvgSqCol;
  const V = s.expAvgSq;
  const m = s.expAvg;
  if (!fusable(p, grad, R, C, V, m) || (f ? !R || !C : !V)) return false;
  // Every option is read before the loops (see lamb.ts's fusedLamb).
  const [eps1, eps2] = h.eps;
  const { scaleParameter, clipThreshold, beta1, weightDecay: wd, maximize } = h;
  const sign = maximize ? -1 : 1;
  const t = s.step + 1;
  s.step = t;
  const rho = h.lr === null ? Math.min(1e-2, 1 / Math.sqrt(t)) : h.lr;
  const beta2 = 1 - pow(t, h.decayRate);
  if (f && p instanceof Float32Array && kernels.adafactor) {
    const hyper = { beta2, eps1, eps2, rho, scaleParameter, clipThreshold, beta1, weightDecay: wd, maximize };
    const mf = beta1 > 0 ? (m as Float32Array | null) : null;
    if (kernels.adafactor(p, grad as Float32Array, R as Float32Array, C as Float32Array, mf, f, hyper)) return true;
  }
  const n = p.length;
  const upd = scratchF64(n);
  let p2 = 0;
  let u2 = 0;
  if (f) {
    const [batch, rows, cols] = f;
    const colSum = new Float64Array(cols);
    for (let b = 0; b < batch; b++) {
      const off = b * rows * cols;
      colSum.fill(0);
      for (let r = 0; r < rows; r++) {
        let sum = 0;
        for (let c = 0, k = off + r * cols; c < cols; c++, k++) {
          const g = sign * grad[k];
          const q = g * g + eps1;
          sum += q;
          colSum[c] += q;
          p2 += p[k] * p[k];
        }
        R![b * rows + r] = beta2 * R![b * rows + r] + (1 - beta2) * (sum / cols);
      }
      for (let c = 0; c < cols; c++) C![b * cols + c] = beta2 * C![b * cols + c] + (1 - beta2) * (colSum[c] / rows);
      let rowMean = 0;
      for (let r = 0; r < rows; r++) rowMean += R![b * rows + r];
      rowMean /= rows;
      for (let r = 0; r < rows; r++) {
        const Rr = R![b * rows + r];
        for (let c = 0, k = off + r * cols; c < cols; c++, k++) {
          const x = (sign * grad[k]) / Math.sqrt((Rr * C![b * cols + c]) / rowMean);
          upd[k] = x;
          u2 += x * x;
        }
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const g = sign * grad[i];
      V![i] = beta2 * V![i] + (1 - beta2) * (g * g + eps1);
      const x = g / Math.sqrt(V![i]);
      upd[i] = x;
      u2 += x * x;
      p2 += p[i] * p[i];
    }
  }
  const alpha = scaleParameter ? Math.max(eps2, Math.sqrt(p2 / Math.max(1, n))) * rho : rho;
  const clip = Math.max(1, Math.sqrt(u2 / Math.max(1, n)) / clipThreshold);
  for (let i = 0; i < n; i++) {
    let x = upd[i] / clip;
    if (beta1 > 0 && m) {
      m[i] = beta1 * m[i] + (1 - beta1) * x;
      x = m[i];
    }
    p[i] += -alpha * (x + wd * p[i]);
  }
  return true;
}

/**
 * **Adafactor** (Shazeer & Stern 2018, "Adafactor: Adaptive Learning Rates with Sublinear
 * Memory Cost", algorithms 4-5). For a matrix parameter (tensors of rank ≥ 2 are factored over
 * their last two axes), with β̂2,t = 1 - t^decayRate:
 *
 * ```
 * R_t = β̂2,t R_{t-1} + (1-β̂2,t) rowMean(G_t² + ε1);   C_t = β̂2,t C_{t-1} + (1-β̂2,t) colMean(G_t² + ε1)
 * V̂_t = R_t C_t / mean(R_t)                               (vectors: V̂_t = β̂2,t V̂_{t-1} + (1-β̂2,t)(G_t² + ε1))
 * U_t = G_t / √V̂_t;   Û_t = U_t / max(1, RMS(U_t)/d)
 * α_t = max(ε2, RMS(θ_{t-1})) · ρ_t,   ρ_t = lr, or min(1e-2, 1/√t) when lr is null (relative step)
 * θ_t = θ_{t-1} - α_t (Û_t + λ θ_{t-1})
 * ```
 * (Row and column means instead of the paper's sums give the same V̂.) `scaleParameter: false`
 * drops the RMS(θ) factor; `beta1 > 0` adds first-moment momentum on Û (the paper's optional
 * β1); weight decay λ is decoupled and scaled by α_t.
 */
export const Adafactor = defineOptimizer<AdafactorOptions>({
  name: 'adafactor',
  adaptive: true,
  doc: 'Adafactor: factored second-moment estimates, update clipping and relative step sizes (sublinear memory)',
  source: 'Shazeer & Stern 2018 (ICML), alg. 4-5',
  formula: 'V̂ = R C / mean(R);  Û = (G/√V̂) / max(1, RMS/d);  θ -= max(ε2, RMS(θ)) ρ_t Û,  β̂2,t = 1 - t^c',
  options: {
    lr: { type: 'number', default: null, nullable: true, min: 0, doc: 'step size ρ; null for the relative step min(1e-2, 1/√t)' },
    eps: { type: 'pair', default: [1e-30, 1e-3], min: 0, doc: '(ε1, ε2): added to G², and the floor of RMS(θ)' },
    clipThreshold: { type: 'number', default: 1.0, min: 0, minExclusive: true, doc: 'update clipping threshold d' },
    decayRate: { type: 'number', default: -0.8, max: 0, doc: 'c in β̂2,t = 1 - t^c' },
    beta1: { type: 'number', default: 0, min: 0, max: 1, maxExclusive: true, doc: 'momentum on the update (0: none, the paper\'s default)' },
    weightDecay: common.weightDecay(0, 'decoupled weight decay, scaled by the step size α_t'),
    scaleParameter: { type: 'boolean', default: true, doc: 'scale the step by max(ε2, RMS(θ)) (relative step size)' },
    maximize: common.maximize(),
  },
  transform: { ...chain(flipSign(), adafactorStep()), fused: fusedAdafactor },
});
export type Adafactor = InstanceType<typeof Adafactor>;
