/**
 * An ill-conditioned quadratic in many dimensions: f(x) = ½ Σ λ_i x_i², with the eigenvalues
 * λ_i spread log-uniformly over [1, κ] (so μ = 1, L = κ, condition number κ). The start is a
 * seeded standard normal point. The measure is the number of iterations until
 * f(x_k) ≤ tol · f(x_0).
 *
 * Theory (survey 002 section 5.2, course notes 003 section 3): gradient descent with its best
 * fixed step 2/(L + μ) needs about (κ/2)·ln(1/tol) iterations; heavy-ball momentum and
 * Nesterov's method with their tuned step and momentum need about √κ·ln(1/tol) (up to a
 * constant), so on a log-log plot of iterations against κ the slopes are 1 and ½.
 */
import { z } from 'zod';
import { Generator, Tensor } from '../../tensor/index.js';
import { buildOptimizer, isAdaptive, type Method } from '../methods.js';
import { optionsSchema } from '../options-schema.js';
import type { TaskDef } from '../tasks.js';

export interface QuadraticOptions {
  dim: number;
  kappa: number;
  tol: number;
  maxSteps: number;
  /** Loss-curve points to keep. */
  points: number;
}

export const quadraticDefaults: QuadraticOptions = { dim: 100, kappa: 100, tol: 1e-6, maxSteps: 100000, points: 200 };

export function eigenvalues(dim: number, kappa: number): Float64Array {
  const lam = new Float64Array(dim);
  for (let i = 0; i < dim; i++) lam[i] = dim === 1 ? 1 : kappa ** (i / (dim - 1));
  return lam;
}

/**
 * The step size and momentum that theory prescribes for each classic method on a quadratic
 * with curvature in [μ, L]: plain GD 2/(L+μ); heavy ball 4/(√L+√μ)² with momentum
 * ((√κ-1)/(√κ+1))²; Nesterov 1/L with momentum (√κ-1)/(√κ+1).
 */
export function tunedOptions(kind: 'sgd' | 'momentum' | 'nesterov', kappa: number, mu = 1): Record<string, number | boolean> {
  const L = kappa * mu;
  const r = (Math.sqrt(kappa) - 1) / (Math.sqrt(kappa) + 1);
  switch (kind) {
    case 'sgd':
      return { lr: 2 / (L + mu) };
    case 'momentum':
      return { lr: 4 / (Math.sqrt(L) + Math.sqrt(mu)) ** 2, momentum: r * r };
    case 'nesterov':
      return { lr: 1 / L, momentum: r };
  }
}

export interface QuadraticResult {
  step: number[];
  /** f(x_k) / f(x_0) at the recorded steps. */
  relLoss: number[];
  final: {
    /** Iterations to reach the tolerance; null when maxSteps ran out first. */
    iterations: number | null;
    relLoss: number;
  };
}

export function runQuadratic(
  method: Method,
  opts: QuadraticOptions,
  seed: number,
  { onProgress }: { onProgress?: (fraction: number) => void } = {},
): QuadraticResult {
  const lam = eigenvalues(opts.dim, opts.kappa);
  const gen = new Generator(seed);
  const x0 = new Float64Array(opts.dim);
  for (let i = 0; i < opts.dim; i++) x0[i] = gen.normal();
  const x = new Tensor(x0.slice(), [opts.dim]);
  x.requiresGrad = true;
  const opt = buildOptimizer(method, [x]);
  const f = (d: ArrayLike<number>): number => {
    let s = 0;
    for (let i = 0; i < d.length; i++) s += lam[i] * d[i] * d[i];
    return 0.5 * s;
  };
  const f0 = f(x0);
  const out: QuadraticResult = { step: [0], relLoss: [1], final: { iterations: null, relLoss: 1 } };
  // Record on a log-spaced grid of steps so that short and long runs both draw well.
  let nextRecord = 1;
  let rel = 1;
  for (let t = 1; t <= opts.maxSteps; t++) {
    const g = new Float64Array(opts.dim);
    const d = x.data;
    for (let i = 0; i < opts.dim; i++) g[i] = lam[i] * d[i];
    x.grad = new Tensor(g, [opts.dim]);
    opt.step();
    rel = f(x.data) / f0;
    if (!Number.isFinite(rel)) break;
    const done = rel <= opts.tol;
    if (t >= nextRecord || done) {
      out.step.push(t);
      out.relLoss.push(rel);
      nextRecord = Math.max(t + 1, Math.ceil(t * (1 + 1 / Math.max(10, opts.points / 4))));
    }
    if (done) {
      out.final.iterations = t;
      break;
    }
    if (onProgress && t % 1000 === 0) onProgress(t / opts.maxSteps);
  }
  out.final.relLoss = rel;
  return out;
}

/**
 * The task `quadratic-nd`. Without an lr, adaptive methods take 0.01 and the others gradient
 * descent's best fixed step 2/(L + μ) = 2/(κ + 1) for the task's κ.
 */
export const quadraticTask: TaskDef = {
  name: 'quadratic-nd',
  title: 'Ill-conditioned quadratic in many dimensions',
  description: 'f(x) = ½ Σ λ_i x_i² with λ log-spaced over [1, κ]; counts iterations until f ≤ tol·f(x0)',
  schema: optionsSchema({
    dim: z.number().int().positive().default(quadraticDefaults.dim),
    kappa: z.number().min(1).default(quadraticDefaults.kappa),
    tol: z.number().positive().lt(1).default(quadraticDefaults.tol),
    maxSteps: z.number().int().positive().default(quadraticDefaults.maxSteps),
    points: z.number().int().positive().default(quadraticDefaults.points),
  }),
  primary: { metric: 'iterations', goal: 'min' },
  defaultLr: (m, o) => (isAdaptive(m) ? 0.01 : 2 / ((o.kappa as number) + 1)),
  run(config, options, hooks) {
    const o = options as unknown as QuadraticOptions;
    const r = runQuadratic(config.method, o, config.seed, { onProgress: hooks.onProgress });
    return { steps: { step: r.step, relLoss: r.relLoss }, final: { iterations: r.final.iterations, relLoss: r.final.relLoss } };
  },
};
