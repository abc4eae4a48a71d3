/**
 * Curvature of a loss at the parameters' current values, matrix-free: everything is built on
 * Hessian-vector products by double backward (Pearlmutter 1994), so the Hessian is never formed.
 *
 * - {@link hessianVectorProduct}: H v = ∇(∇L · v).
 * - {@link topHessianEigen}: the k largest eigenvalues (and eigenvectors) by Lanczos with full
 *   reorthogonalization (Golub and Van Loan, Matrix Computations §10.1; PyHessian, Yao et al. 2020).
 * - {@link hutchinsonTrace}: tr H ≈ (1/m) Σ zᵀ H z over Rademacher z (Hutchinson 1989).
 * - {@link spectralDensity}: the eigenvalue density by stochastic Lanczos quadrature with Gaussian
 *   broadening (Lin, Saad and Yang 2016; Ghorbani, Krishnan and Xiao 2019).
 */
import { linalg } from '../tensor/index.js';
import { enableGrad, Generator, grad, Tensor } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';
import { checkParams, dotVectors, flattenTensors, normOf, type Objective, splitLike, vectorSize } from './vectors.js';

/** A symmetric linear map on vectors of length `size` (a Hessian, or a matrix in a test). */
export interface LinearOperator {
  size: number;
  apply(v: Float64Array): Float64Array;
}

/**
 * The Hessian of `objective` with respect to `params`, applied to `v` (flat, in the order of
 * `params`): H v = ∂/∂θ (∇_θ L(θ) · v), by differentiating the gradient a second time. Costs
 * about two backward passes. Parameters the loss does not reach contribute zeros.
 */
export function hessianVectorProduct(objective: Objective, params: readonly Tensor[], v: Float64Array): Float64Array {
  checkParams('hessianVectorProduct', params);
  const n = vectorSize(params);
  if (v.length !== n) throw new RangeError(`hessianVectorProduct: v has ${v.length} entries but the parameters have ${n}`);
  params.forEach((p, i) => {
    if (!p.requiresGrad) throw new Error(`hessianVectorProduct: params[${i}] does not require gradients`);
  });
  const hv = enableGrad(() => {
    const loss = objective();
    if (!(loss instanceof Tensor) || loss.numel() !== 1) throw new TypeError('hessianVectorProduct: the objective must return a scalar Tensor');
    const g = grad(loss, params, { createGraph: true, allowUnused: true });
    const vs = splitLike(params, v);
    const inner = g.map((gi, i) => gi.mul(vs[i]).sum()).reduce((a, b) => a.add(b));
    // A loss linear in the parameters has a constant gradient: its Hessian is zero.
    return inner.requiresGrad ? grad(inner, params, { allowUnused: true }) : null;
  });
  return hv ? flattenTensors(hv, params) : new Float64Array(n);
}

/** The Hessian of `objective` in `params` as a {@link LinearOperator}. */
export function hessianOperator(objective: Objective, params: readonly Tensor[]): LinearOperator {
  checkParams('hessianOperator', params);
  return { size: vectorSize(params), apply: (v) => hessianVectorProduct(objective, params, v) };
}

/** What {@link lanczos} returns: the tridiagonal T = Qᵀ A Q and the orthonormal basis Q. */
export interface LanczosResult {
  /** T's diagonal. */
  alpha: number[];
  /** T's off-diagonal (one shorter than alpha). */
  beta: number[];
  /** The Lanczos vectors (columns of Q), as many as alpha. */
  basis: Float64Array[];
}

/**
 * `steps` Lanczos iterations of the operator from `start` (normalized here), with full
 * reorthogonalization against every earlier vector (twice, "twice is enough"), which keeps
 * Ritz values from repeating as they would in floating point. Stops early at an invariant
 * subspace (β below 1e-10 of the largest |α| seen).
 */
export function lanczos(op: LinearOperator, start: Float64Array, steps: number): LanczosResult {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`lanczos: steps must be a positive integer, got ${steps}`);
  const m = Math.min(steps, op.size);
  const q0 = start.slice();
  const n0 = normOf(q0);
  if (!(n0 > 0)) throw new RangeError('lanczos: the start vector is zero');
  for (let i = 0; i < q0.length; i++) q0[i] /= n0;
  const basis: Float64Array[] = [q0];
  const alpha: number[] = [];
  const beta: number[] = [];
  let scale = 0;
  for (let j = 0; j < m; j++) {
    const q = basis[j];
    const w = op.apply(q);
    const a = dotVectors(q, w);
    alpha.push(a);
    scale = Math.max(scale, Math.abs(a));
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        const c = dotVectors(b, w);
        for (let i = 0; i < w.length; i++) w[i] -= c * b[i];
      }
    }
    if (j === m - 1) break;
    const bn = normOf(w);
    if (!(bn > 1e-10 * Math.max(scale, 1e-30))) break;
    beta.push(bn);
    for (let i = 0; i < w.length; i++) w[i] /= bn;
    basis.push(w);
  }
  return { alpha, beta, basis: basis.slice(0, alpha.length) };
}

/** Eigenvalues (ascending) and eigenvectors (columns, row-major m×m) of the symmetric tridiagonal (alpha, beta). */
export function tridiagonalEigen(alpha: readonly number[], beta: readonly number[]): { values: Float64Array; vectors: Float64Array } {
  const m = alpha.length;
  const t = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    t[i * m + i] = alpha[i];
    if (i + 1 < m) t[i * m + i + 1] = t[(i + 1) * m + i] = beta[i];
  }
  const { eigenvalues, eigenvectors } = linalg.eigh(new Tensor(t, [m, m]));
  return { values: eigenvalues.data as Float64Array, vectors: eigenvectors.data as Float64Array };
}

/** A start vector of standard normals from `generator`. */
function gaussian(n: number, generator: Generator): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = generator.normal();
  return v;
}

/** A vector of independent ±1 entries from `generator`. */
function rademacher(n: number, generator: Generator): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = generator.random() < 0.5 ? -1 : 1;
  return v;
}

function operatorOf(op: string, objective: Objective | LinearOperator, params: readonly Tensor[] | undefined): LinearOperator {
  if (typeof objective === 'function') {
    if (!params) throw new TypeError(`${op}: an objective needs the parameters to differentiate with respect to`);
    return hessianOperator(objective, params);
  }
  if (!objective || typeof objective.apply !== 'function' || !Number.isInteger(objective.size)) throw new TypeError(`${op}: expected an objective function or a LinearOperator { size, apply }`);
  return objective;
}

function positiveInteger(op: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${op}: ${name} must be a positive integer, got ${v}`);
}

export interface TopEigenOptions {
  /** How many of the largest eigenvalues (default 1). */
  k?: number;
  /** Lanczos iterations (default max(2k + 20, 30), capped at the dimension). */
  iterations?: number;
  /** Seed of the random start vector (default 0). */
  seed?: number;
}

/** The top eigenpairs: eigenvalues descending, unit eigenvectors (Ritz vectors) beside them. */
export interface TopEigen {
  eigenvalues: number[];
  eigenvectors: Float64Array[];
  /** ‖A u − λ u‖ of each pair: how far each is from converged (0 for an exact pair). */
  residuals: number[];
}

/**
 * The k largest (algebraic) eigenvalues of the Hessian of `objective` in `params` (or of any
 * symmetric {@link LinearOperator}) and their eigenvectors, by Lanczos with full
 * reorthogonalization from a seeded Gaussian start: the Ritz pairs of T = Qᵀ H Q, u = Q s.
 * Extreme eigenvalues converge first, so a few dozen HVPs are enough for the top few.
 */
export function topHessianEigen(objective: Objective | LinearOperator, params?: readonly Tensor[], options: TopEigenOptions = {}): TopEigen {
  checkOptions('topHessianEigen', options, ['k', 'iterations', 'seed']);
  const op = operatorOf('topHessianEigen', objective, params);
  const k = options.k ?? 1;
  positiveInteger('topHessianEigen', 'k', k);
  if (k > op.size) throw new RangeError(`topHessianEigen: k = ${k} exceeds the dimension ${op.size}`);
  const iterations = Math.min(options.iterations ?? Math.max(2 * k + 20, 30), op.size);
  positiveInteger('topHessianEigen', 'iterations', iterations);
  const { alpha, beta, basis } = lanczos(op, gaussian(op.size, new Generator(options.seed ?? 0)), iterations);
  const m = alpha.length;
  const { values, vectors } = tridiagonalEigen(alpha, beta);
  const eigenvalues: number[] = [];
  const eigenvectors: Float64Array[] = [];
  const residuals: number[] = [];
  for (let r = 0; r < Math.min(k, m); r++) {
    const col = m - 1 - r;
    const u = new Float64Array(op.size);
    for (let j = 0; j < m; j++) {
      const s = vectors[j * m + col];
      for (let i = 0; i < u.length; i++) u[i] += s * basis[j][i];
    }
    const au = op.apply(u);
    let res = 0;
    for (let i = 0; i < u.length; i++) res += (au[i] - values[col] * u[i]) ** 2;
    eigenvalues.push(values[col]);
    eigenvectors.push(u);
    residuals.push(Math.sqrt(res));
  }
  return { eigenvalues, eigenvectors, residuals };
}

export interface TraceOptions {
  /** Rademacher probes (default 100). */
  samples?: number;
  /** Seed of the probes (default 0). */
  seed?: number;
}

/** A Hutchinson estimate: the mean of the probes and its standard error. */
export interface TraceEstimate {
  trace: number;
  stdError: number;
  samples: number;
}

/**
 * Hutchinson's estimate of tr H: E[zᵀ H z] = tr H for z with independent ±1 entries, averaged
 * over `samples` probes; the standard error is the probes' standard deviation over √samples.
 */
export function hutchinsonTrace(objective: Objective | LinearOperator, params?: readonly Tensor[], options: TraceOptions = {}): TraceEstimate {
  checkOptions('hutchinsonTrace', options, ['samples', 'seed']);
  const op = operatorOf('hutchinsonTrace', objective, params);
  const samples = options.samples ?? 100;
  positiveInteger('hutchinsonTrace', 'samples', samples);
  const generator = new Generator(options.seed ?? 0);
  const values: number[] = [];
  for (let s = 0; s < samples; s++) {
    const z = rademacher(op.size, generator);
    values.push(dotVectors(z, op.apply(z)));
  }
  const mean = values.reduce((a, b) => a + b, 0) / samples;
  const variance = samples > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (samples - 1) : 0;
  return { trace: mean, stdError: Math.sqrt(variance / samples), samples };
}

export interface SpectralDensityOptions {
  /** Independent Lanczos runs (random probes) averaged (default 5). */
  runs?: number;
  /** Lanczos iterations per run (default 30, capped at the dimension). */
  iterations?: number;
  /** Gaussian broadening σ; default 1 % of the spectrum's width (the nodes' range). */
  sigma?: number;
  /** Grid points of the density (default 200). */
  points?: number;
  /** Seed of the probes (default 0). */
  seed?: number;
}

/** The estimated spectral density: quadrature nodes and weights, and the broadened density on a grid. */
export interface SpectralDensity {
  /** Ritz values of every run (the quadrature nodes). */
  nodes: number[];
  /** Their weights τ = (first component of the Ritz vector)² / runs: they sum to 1. */
  weights: number[];
  /** Evaluation points, from the smallest node − 3σ·… to the largest + 3σ·…. */
  grid: number[];
  /** φ(t) = Σ τ_k N(t; θ_k, σ²), which integrates to 1. */
  density: number[];
  sigma: number;
}

/**
 * The Hessian's eigenvalue density φ(t) = (1/n) Σ_i δ(t − λ_i), by stochastic Lanczos
 * quadrature: for a unit probe v, vᵀ f(H) v ≈ Σ_k τ_k f(θ_k) with θ_k the Ritz values of an
 * m-step Lanczos run from v and τ_k the squared first components of T's eigenvectors; averaged
 * over probes, the nodes and weights approximate φ, and each node is spread into a Gaussian of
 * width σ so the estimate is a smooth curve (Ghorbani et al. 2019, §2).
 */
export function spectralDensity(objective: Objective | LinearOperator, params?: readonly Tensor[], options: SpectralDensityOptions = {}): SpectralDensity {
  checkOptions('spectralDensity', options, ['runs', 'iterations', 'sigma', 'points', 'seed']);
  const op = operatorOf('spectralDensity', objective, params);
  const runs = options.runs ?? 5;
  const points = options.points ?? 200;
  positiveInteger('spectralDensity', 'runs', runs);
  positiveInteger('spectralDensity', 'points', points);
  const iterations = Math.min(options.iterations ?? 30, op.size);
  positiveInteger('spectralDensity', 'iterations', iterations);
  const generator = new Generator(options.seed ?? 0);
  const nodes: number[] = [];
  const weights: number[] = [];
  for (let r = 0; r < runs; r++) {
    const { alpha, beta } = lanczos(op, rademacher(op.size, generator), iterations);
    const { values, vectors } = tridiagonalEigen(alpha, beta);
    const m = alpha.length;
    for (let k = 0; k < m; k++) {
      nodes.push(values[k]);
      weights.push(vectors[k] ** 2 / runs);
    }
  }
  const lo = Math.min(...nodes);
  const hi = Math.max(...nodes);
  const sigma = options.sigma ?? Math.max((hi - lo) * 0.01, 1e-8 * Math.max(Math.abs(hi), 1));
  if (!(sigma > 0)) throw new RangeError(`spectralDensity: sigma must be positive, got ${sigma}`);
  const pad = 5 * sigma;
  const grid = Array.from({ length: points }, (_, i) => (points === 1 ? lo : lo - pad + ((hi - lo + 2 * pad) * i) / (points - 1)));
  const norm = 1 / (sigma * Math.sqrt(2 * Math.PI));
  const density = grid.map((t) => nodes.reduce((s, th, k) => s + weights[k] * norm * Math.exp(-((t - th) ** 2) / (2 * sigma * sigma)), 0));
  return { nodes, weights, grid, density, sigma };
}
