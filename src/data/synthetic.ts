/**
 * Seeded synthetic datasets: 2-D Gaussian mixtures (the ring of 8 and the grid of 25 used to
 * study GAN mode collapse), two moons, spirals, concentric circles, linear and logistic
 * regression with a design matrix of chosen condition number, and a noisy 1-D regression for
 * over-fitting studies. Every generator takes `seed` (a number or a Generator); without one
 * it draws from the global generator (see manualSeed).
 */
import { allocate, type DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { TensorDataset } from './dataset.js';
import { toGenerator, type SeedLike } from './seed.js';

export interface SyntheticOptions {
  /** Number of examples. */
  n?: number;
  /** A number seed or a Generator; default: the global generator. */
  seed?: SeedLike;
  /** Default 'float32'. */
  dtype?: DType;
}

function count(n: number | undefined, fallback: number, op: string): number {
  const v = n ?? fallback;
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`${op}: n must be a non-negative integer, got ${v}`);
  return v;
}

function mat(values: ArrayLike<number>, shape: number[], dtype: DType = 'float32'): Tensor {
  const data = allocate(dtype, values.length);
  data.set(values);
  return new Tensor(data, shape);
}

/** Balanced labels (class c gets floor(n/K) or one more) in a random order. */
function balancedLabels(n: number, classes: number, g: Generator): Int32Array {
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % classes;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(g.random() * (i + 1));
    const t = labels[i];
    labels[i] = labels[j];
    labels[j] = t;
  }
  return labels;
}

// ---- Gaussian mixtures ----------------------------------------------------------------------

/** Points from a mixture of isotropic 2-D (or k-D) Gaussians; y is the mode each came from. */
export interface MixtureDataset extends TensorDataset {
  /** Mode centers [K, D]. */
  centers: Tensor;
  /** The standard deviation of every mode (per coordinate). */
  std: number;
}

export interface GaussianMixtureOptions extends SyntheticOptions {
  /** Mode centers, one array of coordinates each. */
  centers: readonly (readonly number[])[];
  std: number;
  /** Mode probabilities (normalized); default uniform. */
  weights?: readonly number[];
}

/** Samples from a Gaussian mixture: each point picks a mode (by `weights`), then adds N(0, std²) noise. */
export function gaussianMixture(options: GaussianMixtureOptions): MixtureDataset {
  const op = 'gaussianMixture';
  const n = count(options.n, 1000, op);
  const { centers, std } = options;
  const k = centers.length;
  if (k === 0) throw new RangeError(`${op}: give at least one center`);
  const dim = centers[0].length;
  if (centers.some((c) => c.length !== dim)) throw new RangeError(`${op}: every center needs ${dim} coordinates`);
  if (!(std >= 0)) throw new RangeError(`${op}: std must be non-negative, got ${std}`);
  const weights = options.weights ?? new Array<number>(k).fill(1);
  if (weights.length !== k || weights.some((w) => !(w >= 0))) throw new RangeError(`${op}: weights must be ${k} non-negative numbers`);
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RangeError(`${op}: weights must not all be zero`);
  const cumulative: number[] = [];
  weights.reduce((acc, w, i) => (cumulative[i] = acc + w / total), 0);
  const g = toGenerator(options.seed, op);
  const x = allocate(options.dtype ?? 'float32', n * dim);
  const y = allocate(options.dtype ?? 'float32', n);
  for (let i = 0; i < n; i++) {
    const u = g.random();
    let m = 0;
    while (m < k - 1 && u >= cumulative[m]) m++;
    y[i] = m;
    for (let d = 0; d < dim; d++) x[i * dim + d] = centers[m][d] + std * g.normal();
  }
  return { x: new Tensor(x, [n, dim]), y: new Tensor(y, [n]), centers: mat(centers.flat(), [k, dim], options.dtype), std };
}

export interface RingOptions extends SyntheticOptions {
  /** Number of modes; default 8. */
  modes?: number;
  /** Default 2. */
  radius?: number;
  /** Default 0.02 (as in Metz et al., Unrolled GANs). */
  std?: number;
}

/** The ring of Gaussians: `modes` modes evenly spaced on a circle of `radius`, the first at angle 0. */
export function gaussianRing(options: RingOptions = {}): MixtureDataset {
  const modes = options.modes ?? 8;
  const radius = options.radius ?? 2;
  if (!Number.isInteger(modes) || modes < 1) throw new RangeError(`gaussianRing: modes must be a positive integer, got ${modes}`);
  const centers = Array.from({ length: modes }, (_, i) => [radius * Math.cos((2 * Math.PI * i) / modes), radius * Math.sin((2 * Math.PI * i) / modes)]);
  return gaussianMixture({ ...options, centers, std: options.std ?? 0.02 });
}

export interface GridOptions extends SyntheticOptions {
  /** Modes per side; default 5 (25 modes). */
  size?: number;
  /** Distance between neighbouring modes; default 2 (centers at -4, -2, 0, 2, 4). */
  spacing?: number;
  /** Default 0.05. */
  std?: number;
}

/** The grid of Gaussians: size x size modes centered on the origin, `spacing` apart. */
export function gaussianGrid(options: GridOptions = {}): MixtureDataset {
  const size = options.size ?? 5;
  const spacing = options.spacing ?? 2;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`gaussianGrid: size must be a positive integer, got ${size}`);
  const centers: number[][] = [];
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) centers.push([(i - (size - 1) / 2) * spacing, (j - (size - 1) / 2) * spacing]);
  return gaussianMixture({ ...options, centers, std: options.std ?? 0.05 });
}

/**
 * How well samples (e.g. from a GAN's generator) cover a mixture's modes: a sample is "high
 * quality" when it lies within `threshold` standard deviations of its nearest center, and a
 * mode is covered when it has at least `minCount` high-quality samples.
 */
export function mixtureModeStats(samples: Tensor, mixture: { centers: Tensor; std: number }, options: { threshold?: number; minCount?: number } = {}): {
  counts: number[];
  modesCovered: number;
  highQualityFraction: number;
} {
  const threshold = options.threshold ?? 3;
  const minCount = options.minCount ?? 1;
  const [k, dim] = mixture.centers.shape;
  if (samples.ndim !== 2 || samples.shape[1] !== dim) throw new RangeError(`mixtureModeStats: samples must have shape [N, ${dim}], got [${samples.shape}]`);
  const n = samples.shape[0];
  const counts = new Array<number>(k).fill(0);
  let good = 0;
  const limit = (threshold * mixture.std) ** 2;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestD = Infinity;
    for (let m = 0; m < k; m++) {
      let d2 = 0;
      for (let d = 0; d < dim; d++) d2 += (samples.data[i * dim + d] - mixture.centers.data[m * dim + d]) ** 2;
      if (d2 < bestD) [best, bestD] = [m, d2];
    }
    if (bestD <= limit) {
      good++;
      counts[best]++;
    }
  }
  return { counts, modesCovered: counts.filter((c) => c >= minCount).length, highQualityFraction: n === 0 ? 0 : good / n };
}

// ---- 2-D classification ---------------------------------------------------------------------

export interface NoiseOptions extends SyntheticOptions {
  /** Standard deviation of Gaussian noise added to each coordinate. */
  noise?: number;
}

/**
 * Two interleaving half circles (as sklearn's make_moons): class 0 on (cos t, sin t), class 1
 * on (1 - cos t, 1/2 - sin t), t uniform in [0, pi]; balanced classes in random order.
 */
export function twoMoons(options: NoiseOptions = {}): TensorDataset {
  const n = count(options.n, 200, 'twoMoons');
  const noise = options.noise ?? 0.1;
  const g = toGenerator(options.seed, 'twoMoons');
  const labels = balancedLabels(n, 2, g);
  const x = allocate(options.dtype ?? 'float32', 2 * n);
  const y = allocate(options.dtype ?? 'float32', n);
  for (let i = 0; i < n; i++) {
    const t = Math.PI * g.random();
    const c = labels[i];
    y[i] = c;
    const px = c === 0 ? Math.cos(t) : 1 - Math.cos(t);
    const py = c === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    x[2 * i] = px + noise * g.normal();
    x[2 * i + 1] = py + noise * g.normal();
  }
  return { x: new Tensor(x, [n, 2]), y: new Tensor(y, [n]) };
}

export interface SpiralOptions extends NoiseOptions {
  /** Number of arms (classes); default 2. */
  classes?: number;
  /** Turns each arm makes from the center to radius 1; default 1. */
  turns?: number;
}

/**
 * Interleaved spirals: arm c holds points at radius r (uniform in [0, 1]) and angle
 * 2π·turns·r + 2πc/classes, plus noise; balanced classes in random order.
 */
export function spirals(options: SpiralOptions = {}): TensorDataset {
  const n = count(options.n, 300, 'spirals');
  const classes = options.classes ?? 2;
  const turns = options.turns ?? 1;
  const noise = options.noise ?? 0.05;
  if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`spirals: classes must be a positive integer, got ${classes}`);
  const g = toGenerator(options.seed, 'spirals');
  const labels = balancedLabels(n, classes, g);
  const x = allocate(options.dtype ?? 'float32', 2 * n);
  const y = allocate(options.dtype ?? 'float32', n);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    const r = g.random();
    const angle = 2 * Math.PI * turns * r + (2 * Math.PI * c) / classes;
    y[i] = c;
    x[2 * i] = r * Math.cos(angle) + noise * g.normal();
    x[2 * i + 1] = r * Math.sin(angle) + noise * g.normal();
  }
  return { x: new Tensor(x, [n, 2]), y: new Tensor(y, [n]) };
}

export interface CirclesOptions extends NoiseOptions {
  /** Inner radius relative to the outer one (1); default 0.5. */
  factor?: number;
}

/** Two concentric circles (as sklearn's make_circles): class 0 on radius 1, class 1 on radius `factor`. */
export function concentricCircles(options: CirclesOptions = {}): TensorDataset {
  const n = count(options.n, 200, 'concentricCircles');
  const factor = options.factor ?? 0.5;
  const noise = options.noise ?? 0.05;
  if (!(factor > 0 && factor < 1)) throw new RangeError(`concentricCircles: factor must lie in (0, 1), got ${factor}`);
  const g = toGenerator(options.seed, 'concentricCircles');
  const labels = balancedLabels(n, 2, g);
  const x = allocate(options.dtype ?? 'float32', 2 * n);
  const y = allocate(options.dtype ?? 'float32', n);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    const r = c === 0 ? 1 : factor;
    const t = 2 * Math.PI * g.random();
    y[i] = c;
    x[2 * i] = r * Math.cos(t) + noise * g.normal();
    x[2 * i + 1] = r * Math.sin(t) + noise * g.normal();
  }
  return { x: new Tensor(x, [n, 2]), y: new Tensor(y, [n]) };
}

// ---- regression with a chosen condition number ---------------------------------------------

/** Orthonormalizes the columns of a row-major rows x cols matrix in place (modified Gram-Schmidt, twice). */
function orthonormalColumns(a: Float64Array, rows: number, cols: number, g: Generator): void {
  for (let j = 0; j < cols; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += a[i * cols + j] * a[i * cols + k];
        for (let i = 0; i < rows; i++) a[i * cols + j] -= dot * a[i * cols + k];
      }
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += a[i * cols + j] ** 2;
    norm = Math.sqrt(norm);
    if (norm < 1e-10) {
      // Degenerate draw (vanishingly unlikely): redraw this column.
      for (let i = 0; i < rows; i++) a[i * cols + j] = g.normal();
      j--;
      continue;
    }
    for (let i = 0; i < rows; i++) a[i * cols + j] /= norm;
  }
}

export interface ConditionedOptions extends SyntheticOptions {
  /** Number of features d (columns of the design matrix); default 2. */
  features?: number;
  /**
   * Condition number κ of the design matrix X (largest / smallest singular value); default 1.
   * The Gram matrix XᵀX (the Hessian of the squared loss, up to 1/n) then has condition κ².
   */
  conditionNumber?: number;
  /** Which matrix gets `conditionNumber`: 'design' (X, the default) or 'gram' (XᵀX). */
  conditionOf?: 'design' | 'gram';
}

export interface Design {
  x: Tensor;
  /** Singular values of X, largest first: sqrt(n) · κ^(-i/(d-1)), so XᵀX/n has eigenvalues from 1 down to 1/κ². */
  singularValues: number[];
  /** The condition number of X achieved (κ, or sqrt(κ) with conditionOf: 'gram'). */
  conditionNumber: number;
}

/** X = U diag(s) Vᵀ with random orthonormal U (n x d) and V (d x d) and geometrically spaced s. */
export function conditionedDesign(options: ConditionedOptions, op = 'conditionedDesign', g: Generator = toGenerator(options.seed, op)): Design {
  const n = count(options.n, 200, op);
  const d = options.features ?? 2;
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`${op}: features must be a positive integer, got ${d}`);
  if (n < d) throw new RangeError(`${op}: need n >= features to set a condition number (got n=${n}, features=${d})`);
  const requested = options.conditionNumber ?? 1;
  if (!(requested >= 1) || !Number.isFinite(requested)) throw new RangeError(`${op}: conditionNumber must be a finite number >= 1, got ${requested}`);
  const kappa = options.conditionOf === 'gram' ? Math.sqrt(requested) : requested;
  if (d === 1 && kappa !== 1) throw new RangeError(`${op}: one feature has condition number 1; use features >= 2 for conditionNumber ${requested}`);
  const s = Array.from({ length: d }, (_, i) => Math.sqrt(n) * (d === 1 ? 1 : kappa ** (-i / (d - 1))));
  const u = new Float64Array(n * d);
  for (let i = 0; i < u.length; i++) u[i] = g.normal();
  orthonormalColumns(u, n, d, g);
  const v = new Float64Array(d * d);
  for (let i = 0; i < v.length; i++) v[i] = g.normal();
  orthonormalColumns(v, d, d, g);
  // X[i, j] = sum_k U[i, k] s_k V[j, k]
  const x = allocate(options.dtype ?? 'float32', n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      let acc = 0;
      for (let k = 0; k < d; k++) acc += u[i * d + k] * s[k] * v[j * d + k];
      x[i * d + j] = acc;
    }
  }
  return { x: new Tensor(x, [n, d]), singularValues: s, conditionNumber: kappa };
}

export interface LinearRegressionOptions extends ConditionedOptions {
  /** Standard deviation of the Gaussian noise on y; default 0.1. */
  noise?: number;
  /** Added to every target; default 0. */
  bias?: number;
}

export interface RegressionDataset extends TensorDataset, Design {
  /** The true weights w [d]. */
  weights: Tensor;
  bias: number;
}

/**
 * Linear regression data y = X w + bias + noise, with X of the chosen condition number (see
 * {@link conditionedDesign}) and w ~ N(0, I). y has shape [n, 1]; the true weights are returned.
 */
export function linearRegressionData(options: LinearRegressionOptions = {}): RegressionDataset {
  const op = 'linearRegressionData';
  const g = toGenerator(options.seed, op);
  const design = conditionedDesign(options, op, g);
  const [n, d] = design.x.shape;
  const w = Array.from({ length: d }, () => g.normal());
  const noise = options.noise ?? 0.1;
  const bias = options.bias ?? 0;
  const y = allocate(options.dtype ?? 'float32', n);
  for (let i = 0; i < n; i++) {
    let acc = bias;
    for (let j = 0; j < d; j++) acc += design.x.data[i * d + j] * w[j];
    y[i] = acc + noise * g.normal();
  }
  return { ...design, y: new Tensor(y, [n, 1]), weights: mat(w, [d], options.dtype), bias };
}

export interface LogisticRegressionOptions extends ConditionedOptions {
  /** Labels drawn as Bernoulli(sigmoid(Xw + bias)) ('bernoulli', the default) or as [Xw + bias > 0] ('threshold'). */
  labels?: 'bernoulli' | 'threshold';
  /** Multiplies the true weights (larger: more separable); default 1. */
  scale?: number;
  bias?: number;
}

/** Binary classification data with X of the chosen condition number; y [n] in {0, 1}; the true weights are returned. */
export function logisticRegressionData(options: LogisticRegressionOptions = {}): RegressionDataset {
  const op = 'logisticRegressionData';
  const g = toGenerator(options.seed, op);
  const design = conditionedDesign(options, op, g);
  const [n, d] = design.x.shape;
  const scale = options.scale ?? 1;
  const w = Array.from({ length: d }, () => scale * g.normal());
  const bias = options.bias ?? 0;
  const y = allocate(options.dtype ?? 'float32', n);
  for (let i = 0; i < n; i++) {
    let z = bias;
    for (let j = 0; j < d; j++) z += design.x.data[i * d + j] * w[j];
    y[i] = options.labels === 'threshold' ? (z > 0 ? 1 : 0) : g.bernoulli(1 / (1 + Math.exp(-z)));
  }
  return { ...design, y: new Tensor(y, [n]), weights: mat(w, [d], options.dtype), bias };
}

// ---- 1-D regression for over-fitting studies ------------------------------------------------

export interface Regression1DOptions extends NoiseOptions {
  /** The noiseless function; default x => sin(2πx). */
  fn?: (x: number) => number;
  /** Input interval; default [0, 1]. */
  range?: readonly [number, number];
  /** Evenly spaced inputs (endpoints included) instead of uniform random ones; default false. */
  grid?: boolean;
  /** Size of the held-out test set drawn from the same distribution; default 100. */
  nTest?: number;
}

export interface Regression1DDataset extends TensorDataset {
  /** A larger held-out set from the same distribution (random inputs, same noise). */
  test: TensorDataset;
  fn: (x: number) => number;
  noise: number;
}

/**
 * Few noisy samples of a smooth function (default y = sin(2πx) + N(0, 0.3²), 10 points, as in
 * Bishop's polynomial curve-fitting example): x and y of shape [n, 1], plus a test set.
 */
export function noisyRegression1D(options: Regression1DOptions = {}): Regression1DDataset {
  const op = 'noisyRegression1D';
  const n = count(options.n, 10, op);
  const nTest = count(options.nTest, 100, op);
  const fn = options.fn ?? ((t: number) => Math.sin(2 * Math.PI * t));
  const noise = options.noise ?? 0.3;
  const [lo, hi] = options.range ?? [0, 1];
  if (!(hi > lo)) throw new RangeError(`${op}: range must have low < high, got [${lo}, ${hi}]`);
  const g = toGenerator(options.seed, op);
  const make = (m: number, grid: boolean): TensorDataset => {
    const x = allocate(options.dtype ?? 'float32', m);
    const y = allocate(options.dtype ?? 'float32', m);
    for (let i = 0; i < m; i++) {
      const t = grid ? (m === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * i) / (m - 1)) : g.uniform(lo, hi);
      x[i] = t;
      y[i] = fn(t) + noise * g.normal();
    }
    return { x: new Tensor(x, [m, 1]), y: new Tensor(y, [m, 1]) };
  };
  const train = make(n, options.grid ?? false);
  return { ...train, test: make(nTest, false), fn, noise };
}
