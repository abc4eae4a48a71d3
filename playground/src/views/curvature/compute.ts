/**
 * The curvature view's computations, DOM-free (the worker runs them; the node tests call them
 * directly). Everything curvature-related goes through the library's diagnostics:
 *
 * - {@link pointHessian}: the Hessian of a lab 2-D problem at a point, by
 *   `diagnostics.topHessianEigen` on Hessian-vector products of the function written in tensor
 *   ops (so autodiff's double backward gives the exact Hessian), with the condition number and,
 *   for a step size, whether plain gradient descent is stable along each eigenvector.
 * - {@link EdgeRun}: the lab's `edge-of-stability` task as a step-by-step run (same model,
 *   same data, same full-batch loss, same λ₁ evaluations, so its numbers equal the task's), and
 *   {@link finalAnalysis} after it: the top-k eigenvalues, the Hutchinson trace, the SLQ
 *   spectral density and a 2-D filter-normalized loss slice around the final point.
 */
import { crossEntropy, diagnostics, oneHot, Tensor, type Module, type TensorDataset } from '../../../../src/index.js';
import { buildOptimizer, resolveMethod } from '../../../../src/lab/methods.js';
import { buildNet, stabilityThreshold as methodThreshold } from '../../../../src/lab/reproductions/diagnostics/nets.js';
import type { EdgeOfStabilityOptions } from '../../../../src/lab/reproductions/diagnostics/edge-of-stability.js';

// --- the 2-D problems in tensor ops

type TensorFn = (x: Tensor, y: Tensor) => Tensor;

/**
 * The lab's 2-D problems (src/lab/problems/functions2d.ts) written with tensor operations, so
 * their Hessians come from autodiff. The node test checks each against the lab's f and gradient.
 */
export const TENSOR_FUNCTIONS: Readonly<Record<string, TensorFn>> = {
  rosenbrock: (x, y) => x.neg().add(1).square().add(y.sub(x.square()).square().mul(100)),
  beale: (x, y) => x.neg().add(1.5).add(x.mul(y)).square()
    .add(x.neg().add(2.25).add(x.mul(y.square())).square())
    .add(x.neg().add(2.625).add(x.mul(y.pow(3))).square()),
  himmelblau: (x, y) => x.square().add(y).sub(11).square().add(x.add(y.square()).sub(7).square()),
  saddle: (x, y) => x.square().sub(y.square()).add(y.pow(4).mul(0.25)),
  quadratic: (x, y) => x.square().add(y.square().mul(50)).mul(0.5),
  rastrigin: (x, y) => x.square().sub(x.mul(2 * Math.PI).cos().mul(10)).add(y.square()).sub(y.mul(2 * Math.PI).cos().mul(10)).add(20),
};

/** One eigen-direction of the Hessian at a point. */
export interface Direction {
  /** The eigenvalue λ (the curvature along the direction). */
  eigenvalue: number;
  /** The unit eigenvector [vx, vy]. */
  vector: [number, number];
  /** |1 − lr·λ|: how gradient descent scales the error along this direction each step. */
  factor: number;
  /** Whether plain GD with this lr is stable along it: |1 − lr·λ| < 1, i.e. 0 < λ < 2/lr. */
  stable: boolean;
}

/** The Hessian at a point of a 2-D problem. */
export interface PointHessian {
  problem: string;
  point: [number, number];
  value: number;
  /** Eigen-directions, largest eigenvalue first. */
  directions: Direction[];
  /** |λ_max| / |λ_min| (Infinity where an eigenvalue is 0). */
  condition: number;
  lr: number;
  /** 2/lr, the largest curvature plain GD is stable at. */
  threshold: number;
  /** Lanczos residuals ‖H u − λ u‖ of the pairs (0 up to rounding: a 2×2 Krylov space is the whole plane). */
  residuals: number[];
}

/**
 * The Hessian of a lab 2-D problem at (x, y), by the library's Lanczos on Hessian-vector
 * products (`diagnostics.topHessianEigen` with k = 2 on the two coordinates), and what plain
 * gradient descent with step `lr` does along each eigenvector.
 */
export function pointHessian(problem: string, point: [number, number], lr: number): PointHessian {
  const f = TENSOR_FUNCTIONS[problem];
  if (!f) throw new RangeError(`curvature view: unknown problem "${problem}"; expected one of ${Object.keys(TENSOR_FUNCTIONS).join(', ')}`);
  if (!(lr > 0)) throw new RangeError(`curvature view: lr must be positive, got ${lr}`);
  if (!point.every(Number.isFinite)) throw new RangeError(`curvature view: the point must be two finite numbers, got (${point.join(', ')})`);
  const X = new Tensor(Float64Array.of(point[0]), [1]);
  const Y = new Tensor(Float64Array.of(point[1]), [1]);
  X.requiresGrad = true;
  Y.requiresGrad = true;
  const objective = (): Tensor => f(X, Y).sum();
  const top = diagnostics.topHessianEigen(objective, [X, Y], { k: 2, iterations: 2, seed: 0 });
  const pairs = top.eigenvalues.map((value, i) => ({ value, vector: top.eigenvectors[i] }));
  if (pairs.length === 1) {
    // Lanczos stops after one step where the start is an eigenvector, as every vector is when
    // H = cI (Rastrigin at the origin): the other eigenvector is the orthogonal one.
    const u = pairs[0].vector;
    const w = Float64Array.of(-u[1], u[0]);
    const hw = diagnostics.hessianVectorProduct(objective, [X, Y], w);
    const value = w[0] * hw[0] + w[1] * hw[1];
    const hu = diagnostics.hessianVectorProduct(objective, [X, Y], u);
    top.residuals.push(Math.hypot(hw[0] - value * w[0], hw[1] - value * w[1]));
    top.residuals[0] = Math.hypot(hu[0] - pairs[0].value * u[0], hu[1] - pairs[0].value * u[1]);
    pairs.push({ value, vector: w });
    if (value > pairs[0].value) {
      pairs.reverse();
      top.residuals.reverse();
    }
  }
  const directions = pairs.map(({ value: eigenvalue, vector }): Direction => {
    // Rounding noise (below 1e-12 of the unit vector) shown as the 0 it is.
    const v = Array.from(vector, (c) => (Math.abs(c) < 1e-12 ? 0 : c));
    // A sign convention for the arrows: the first nonzero component positive.
    const s = v[0] < 0 || (v[0] === 0 && v[1] < 0) ? -1 : 1;
    const factor = Math.abs(1 - lr * eigenvalue);
    return { eigenvalue, vector: [s * v[0], s * v[1]], factor, stable: factor < 1 };
  });
  const abs = directions.map((d) => Math.abs(d.eigenvalue));
  const condition = abs.length === 2 ? Math.max(...abs) / Math.min(...abs) : 1;
  return { problem, point, value: f(X, Y).item(), directions, condition, lr, threshold: 2 / lr, residuals: top.residuals };
}

// --- the MLP: the lab's edge-of-stability task, step by step

/** The settings of the MLP panel: the lab's `edge-of-stability` task options (on the built-in data), and the method. */
export interface EdgeSettings extends Omit<EdgeOfStabilityOptions, 'dataset'> {
  optimizer: string;
  lr: number;
  /** Heavy-ball momentum β (SGD-family only); 0 leaves the method's own (none for plain `sgd`, 0.9 for the `momentum` and `nesterov` presets). */
  momentum: number;
  seed: number;
}

/** The lab's quick scale of `edge-of-stability` at its larger step size (src/lab/reproductions/diagnostics/edge-of-stability.ts). */
export const DEFAULT_EDGE: EdgeSettings = {
  trainLimit: 250, width: 32, depth: 1, activation: 'tanh', loss: 'mse', steps: 500, evalEvery: 25, lanczosIterations: 12,
  optimizer: 'sgd', lr: 0.1, momentum: 0, seed: 0,
};

/**
 * The largest curvature a method is stable at on a quadratic: the lab task's own threshold
 * (src/lab/reproductions/diagnostics/nets.ts) for a lab method name and its options (a preset
 * such as `momentum` brings its own β unless `options` sets one).
 */
export function stabilityThreshold(optimizer: string, options: Record<string, unknown>): number {
  return methodThreshold(resolveMethod(optimizer, options as Record<string, number>));
}

/** The optimizer's options as the lab's method (momentum only where set). */
export function methodOptions(s: EdgeSettings): Record<string, number> {
  return s.momentum > 0 ? { lr: s.lr, momentum: s.momentum } : { lr: s.lr };
}

/** 784 → width → (depth × width → width) → 10: the lab's diagnostics network (buildNet), without residuals. */
export function buildMlp(s: Pick<EdgeSettings, 'width' | 'depth' | 'activation' | 'seed'>): Module {
  return buildNet({ width: s.width, depth: s.depth, activation: s.activation, seed: s.seed, residual: false });
}

/** One λ₁ evaluation. */
export interface EdgePoint {
  step: number;
  sharpness: number;
  loss: number;
}

/** Full-batch training with λ₁ recorded every `evalEvery` steps (the lab's runEdgeOfStability, resumable). */
export class EdgeRun {
  readonly settings: EdgeSettings;
  readonly model: Module;
  readonly params: Tensor[];
  readonly threshold: number;
  readonly objective: () => Tensor;
  /** The full-batch loss before each step (index = step). */
  readonly losses: number[] = [];
  readonly points: EdgePoint[] = [];
  step = 0;
  diverged = false;
  private readonly optimizer: ReturnType<typeof buildOptimizer>;

  constructor(settings: EdgeSettings, data: TensorDataset) {
    for (const k of ['trainLimit', 'width', 'steps', 'evalEvery', 'lanczosIterations'] as const) {
      if (!Number.isInteger(settings[k]) || settings[k] < 1) throw new RangeError(`curvature view: ${k} must be a positive integer, got ${settings[k]}`);
    }
    if (!(settings.lr > 0)) throw new RangeError(`curvature view: lr must be positive, got ${settings.lr}`);
    this.settings = settings;
    const n = Math.min(settings.trainLimit, data.x.shape[0]);
    const x = n === data.x.shape[0] ? data.x : new Tensor(data.x.data.slice(0, n * (data.x.numel() / data.x.shape[0])), [n, ...data.x.shape.slice(1)]);
    const y = n === data.y.shape[0] ? data.y : new Tensor(data.y.data.slice(0, n), [n]);
    this.model = buildMlp(settings);
    this.params = this.model.parameters();
    const method = resolveMethod(settings.optimizer, methodOptions(settings));
    this.optimizer = buildOptimizer(method, this.params);
    this.threshold = stabilityThreshold(settings.optimizer, methodOptions(settings));
    const target = settings.loss === 'mse' ? oneHot(y, 10) : null;
    // Cohen et al.'s square loss ½ Σ_classes (f(x) − onehot(y))², averaged over examples, or cross-entropy.
    this.objective = () => {
      const out = this.model.forward(x);
      return target ? out.sub(target).square().sum(1).mean().mul(0.5) : crossEntropy(out, y);
    };
  }

  /** Whether every step has been taken (or the loss went non-finite). */
  get done(): boolean {
    return this.step >= this.settings.steps || this.diverged;
  }

  private evaluate(): void {
    const s = this.step;
    const sharpness = diagnostics.topHessianEigen(this.objective, this.params, { k: 1, iterations: this.settings.lanczosIterations, seed: s }).eigenvalues[0];
    this.points.push({ step: s, sharpness, loss: this.losses[s] ?? diagnostics.valueOf(this.objective) });
  }

  /**
   * Advances up to the next λ₁ evaluation (or to the end), as runEdgeOfStability's loop does:
   * evaluate at multiples of evalEvery and at the last step, then take full-batch steps.
   * Returns false once done.
   */
  advance(): boolean {
    if (this.done) return false;
    const o = this.settings;
    if (this.points.length === 0) this.evaluate();
    do {
      this.optimizer.zeroGrad();
      const loss = this.objective();
      loss.backward();
      const v = loss.item();
      this.losses.push(v);
      if (!Number.isFinite(v)) {
        this.diverged = true;
        return false;
      }
      this.optimizer.step();
      this.step++;
    } while (this.step % o.evalEvery !== 0 && this.step < o.steps);
    this.evaluate();
    return !this.done;
  }
}

/** How much the final analysis computes (small, so it runs in seconds). */
export interface AnalysisSettings {
  /** Top eigenvalues (default 5). */
  k: number;
  /** Hutchinson probes (default 20). */
  traceSamples: number;
  /** SLQ probes and Lanczos steps per probe (defaults 3 and 20). */
  densityRuns: number;
  densityIterations: number;
  /** Slice grid points per axis (default 11) over [-range, range] (default 1). */
  slicePoints: number;
  sliceRange: number;
}

export const DEFAULT_ANALYSIS: AnalysisSettings = { k: 5, traceSamples: 20, densityRuns: 3, densityIterations: 20, slicePoints: 11, sliceRange: 1 };

/** The curvature and the landscape at the final point. */
export interface FinalAnalysis {
  eigenvalues: number[];
  residuals: number[];
  trace: { trace: number; stdError: number; samples: number };
  density: { grid: number[]; density: number[]; nodes: number[]; weights: number[]; sigma: number };
  slice: { x: number[]; y: number[]; loss: number[][] };
  loss: number;
  parameters: number;
}

/** The library's top-k eigenvalues, Hutchinson trace, SLQ density and 2-D filter-normalized slice of the run's loss at its current parameters. */
export function finalAnalysis(run: EdgeRun, a: AnalysisSettings = DEFAULT_ANALYSIS): FinalAnalysis {
  const { objective, params } = run;
  const top = diagnostics.topHessianEigen(objective, params, { k: a.k, seed: 1 });
  const trace = diagnostics.hutchinsonTrace(objective, params, { samples: a.traceSamples, seed: 2 });
  const d = diagnostics.spectralDensity(objective, params, { runs: a.densityRuns, iterations: a.densityIterations, points: 120, seed: 3 });
  const s = diagnostics.slice2d(objective, params, { points: a.slicePoints, range: [-a.sliceRange, a.sliceRange], seed: 4 });
  return {
    eigenvalues: top.eigenvalues, residuals: top.residuals, trace,
    density: { grid: d.grid, density: d.density, nodes: d.nodes, weights: d.weights, sigma: d.sigma },
    slice: { x: s.x, y: s.y, loss: s.loss },
    loss: diagnostics.valueOf(objective),
    parameters: diagnostics.vectorSize(params),
  };
}
