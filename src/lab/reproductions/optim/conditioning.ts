/**
 * The surveys' conditioning claim with the Hessian spectrum measured beside it (survey 002
 * §5.2, course notes 003 §2.1 and §3): on a quadratic, gradient descent needs iterations
 * proportional to κ and heavy ball / Nesterov proportional to √κ.
 *
 * `conditioning-spectrum` runs the trials of `momentum-condition` (the same ids, so a stored
 * run is reused) and, per κ, the task `quadratic-spectrum`: the quadratic ½ xᵀ Q Λ Qᵀ x with
 * the same eigenvalues Λ (log-spaced over [1, κ]) in a seeded random orthonormal basis Q, its
 * Hessian assembled column by column from Hessian-vector products (double backward) and
 * diagonalized (Jacobi). The iteration counts are then fitted against the measured κ̂ =
 * λ_max/λ_min. Gradient descent, heavy ball and Nesterov are rotation-equivariant, so the
 * rotated and the diagonal quadratic take the same number of iterations.
 *
 * Claims: the measured spectrum is the constructed one (relative error below 1e-9); the slopes
 * against the measured κ̂ are near 1 for gradient descent and near ½ for momentum and Nesterov.
 */
import { z } from 'zod';
import { eigenvalues } from '../../problems/quadratic.js';
import { Generator, hvp, linalg, Tensor } from '../../../tensor/index.js';
import { momentum, momentumSettings } from './momentum.js';
import { analysisOf, type Claim, fmt, linearFit, mean, optionsSchema, type Reproduction, type TaskDef, type TrialConfig, type TrialOutput } from '../kit.js';

/** A seeded random orthonormal basis of R^d (Gram-Schmidt on standard normal columns), row-major. */
function randomOrthonormal(d: number, gen: Generator): Float64Array {
  const q = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const v = Array.from({ length: d }, () => gen.normal());
    // Twice, for orthogonality to rounding error.
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += q[i * d + k] * v[i];
        for (let i = 0; i < d; i++) v[i] -= dot * q[i * d + k];
      }
    }
    const norm = Math.hypot(...v);
    for (let i = 0; i < d; i++) q[i * d + j] = v[i] / norm;
  }
  return q;
}

/**
 * The Hessian spectrum (ascending) of f(x) = ½ xᵀ Q diag(lam) Qᵀ x, measured: the Hessian's
 * columns are H e_j by double backward, then symmetric eigenvalues by Jacobi rotations.
 */
export function measuredSpectrum(lam: Float64Array, seed: number): Float64Array {
  const d = lam.length;
  const q = randomOrthonormal(d, new Generator(seed));
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += q[i * d + k] * lam[k] * q[j * d + k];
    a[i * d + j] = s;
  }
  const A = new Tensor(a, [d, d]);
  const f = (x: Tensor): Tensor => A.matmul(x.reshape([d, 1])).reshape([d]).mul(x).sum().mul(0.5);
  const x = new Tensor(new Float64Array(d).fill(0.1), [d]);
  const h = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const e = new Float64Array(d);
    e[j] = 1;
    const col = hvp(f, [x], [new Tensor(e, [d])])[0].data;
    for (let i = 0; i < d; i++) h[i * d + j] = col[i];
  }
  // Symmetrize the rounding of the double backward before the symmetric eigensolver.
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) h[i * d + j] = h[j * d + i] = 0.5 * (h[i * d + j] + h[j * d + i]);
  return Float64Array.from(linalg.eigh(new Tensor(h, [d, d])).eigenvalues.data);
}

/** The task `quadratic-spectrum`: the measured Hessian spectrum of the rotated quadratic. */
export const quadraticSpectrumTask: TaskDef = {
  name: 'quadratic-spectrum',
  title: 'The Hessian spectrum of the ill-conditioned quadratic, measured by Hessian-vector products',
  description: 'f(x) = ½ xᵀ Q Λ Qᵀ x, Λ log-spaced over [1, κ], Q a seeded random orthonormal basis; the Hessian from d Hessian-vector products, diagonalized',
  schema: optionsSchema({
    dim: z.number().int().positive().max(400).default(50),
    kappa: z.number().min(1).default(100),
  }),
  primary: { metric: 'kappaMeasured', goal: 'min' },
  defaultLr: () => 0,
  run: (config: TrialConfig, options): TrialOutput => {
    const dim = options.dim as number;
    const kappa = options.kappa as number;
    const lam = eigenvalues(dim, kappa);
    const got = measuredSpectrum(lam, config.seed);
    const sorted = Float64Array.from(lam).sort();
    let maxRelError = 0;
    for (let i = 0; i < dim; i++) maxRelError = Math.max(maxRelError, Math.abs(got[i] - sorted[i]) / sorted[i]);
    return {
      epochs: { index: Array.from(got, (_, i) => i), eigenvalue: Array.from(got), constructed: Array.from(sorted) },
      final: { lambdaMin: got[0], lambdaMax: got[dim - 1], kappaMeasured: got[dim - 1] / got[0], maxRelError },
    };
  },
};

const KINDS = [['sgd', 'gradient descent', 1], ['momentum', 'heavy-ball momentum', 0.5], ['nesterov', 'Nesterov', 0.5]] as const;

export const conditioningSpectrum: Reproduction = {
  name: 'conditioning-spectrum',
  title: 'Iterations against the measured condition number: κ for gradient descent, √κ for momentum and Nesterov',
  source: 'survey 002 §5.2; course notes 003 §2.1 and §3 (the conditioning claim), with the Hessian measured as issue 20 asks',
  summary: 'The momentum-condition trials, with each quadratic\'s Hessian spectrum measured by Hessian-vector products; log-log slopes of iterations against the measured κ̂.',
  trials(scale) {
    const s = momentumSettings(scale);
    const spectra: TrialConfig[] = s.kappas.map((kappa) => ({ task: 'quadratic-spectrum', taskOptions: { dim: s.dim, kappa }, method: { label: 'spectrum', optimizer: 'sgd', options: { lr: 1e-3 } }, seed: 0, tags: { kappa, spectrum: true } }));
    return [...momentum.trials(scale), ...spectra];
  },
  async analyze(records, plotDir, scale) {
    const quad = records.filter((r) => r.config.task === 'quadratic-nd');
    const spec = records.filter((r) => r.config.task === 'quadratic-spectrum' && r.status === 'done');
    const base = await momentum.analyze(quad, plotDir, scale);
    const measured = new Map(spec.map((r) => [r.config.tags!.kappa as number, r.final]));
    const kappas = [...measured.keys()].sort((a, b) => a - b);
    const iters = (kind: string, kappa: number): number => {
      const v = quad.filter((r) => r.status === 'done' && r.config.tags!.kind === kind && r.config.tags!.kappa === kappa).map((r) => r.final.iterations);
      return v.length && v.every((x) => typeof x === 'number') ? mean(v as number[]) : NaN;
    };
    const rows = kappas.map((k) => {
      const m = measured.get(k)!;
      return [String(k), fmt(m.lambdaMin as number, 6), fmt(m.lambdaMax as number, 6), fmt(m.kappaMeasured as number, 6), (m.maxRelError as number).toExponential(1), ...KINDS.map(([kind]) => fmt(iters(kind, k)))];
    });
    const claims: Claim[] = [];
    const worst = Math.max(...kappas.map((k) => measured.get(k)!.maxRelError as number));
    claims.push({ claim: 'The measured Hessian spectrum is the constructed one (relative error below 1e-9 for every eigenvalue)', holds: worst < 1e-9, detail: `largest relative error ${worst.toExponential(2)}` });
    const figures: Record<string, number | null> = { ...base.figures, worstSpectrumError: worst };
    for (const [kind, label, theory] of KINDS) {
      const pts = kappas.map((k) => ({ x: measured.get(k)!.kappaMeasured as number, y: iters(kind, k) })).filter((p) => Number.isFinite(p.y));
      const fit = linearFit(pts.map((p) => Math.log(p.x)), pts.map((p) => Math.log(p.y)));
      figures[`slopeMeasured:${kind}`] = fit.slope;
      const [lo, hi] = theory === 1 ? [0.8, 1.2] : [0.35, 0.7];
      claims.push({ claim: `${label}: iterations grow as κ̂^${theory} in the measured condition number (slope in ${lo}-${hi})`, holds: fit.slope > lo && fit.slope < hi, detail: `slope ${fmt(fit.slope, 3)} (R² ${fmt(fit.r2, 4)})` });
    }
    const section = {
      title: 'The measured Hessian spectrum beside the iteration counts',
      text: ['Each quadratic ½ xᵀ Q Λ Qᵀ x (Q a seeded random orthonormal basis) has its Hessian assembled from Hessian-vector products (double backward) and diagonalized; κ̂ = λ_max/λ_min. The iteration counts (mean over seeds) are those of the momentum-condition trials; the methods are rotation-equivariant, so Q does not change them.'],
      claims,
      tables: [{ headers: ['κ', 'λ_min', 'λ_max', 'κ̂', 'max rel. error', ...KINDS.map(([, label]) => `${label} iterations`)], rows, caption: 'measured spectrum and iterations to f ≤ tol·f(x0)' }],
    };
    return analysisOf([...base.sections, section], figures);
  },
};
