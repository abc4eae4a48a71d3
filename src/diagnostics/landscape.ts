/**
 * The loss landscape around trained parameters: 1-D interpolation between two parameter vectors
 * (Goodfellow, Vinyals and Saxe 2015), 2-D slices along filter-normalized random directions
 * (Li, Xu, Taylor, Studer and Goldstein 2018, "Visualizing the loss landscape of neural nets"),
 * and Keskar et al.'s (2017) ε-sharpness. Every function restores the parameters it moves.
 */
import { Generator, Tensor } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';
import { enableGrad, grad } from '../tensor/index.js';
import { atPoint, checkParams, flattenParams, flattenTensors, type Objective, valueOf, vectorSize } from './vectors.js';

function checkVector(op: string, name: string, v: Float64Array, n: number): void {
  if (!(v instanceof Float64Array)) throw new TypeError(`${op}: ${name} must be a Float64Array (flattenParams gives one)`);
  if (v.length !== n) throw new RangeError(`${op}: ${name} has ${v.length} entries but the parameters have ${n}`);
}

function evenly(lo: number, hi: number, points: number, op: string): number[] {
  if (!Number.isInteger(points) || points < 2) throw new RangeError(`${op}: points must be an integer ≥ 2, got ${points}`);
  if (!(hi > lo)) throw new RangeError(`${op}: range must be [low, high] with low < high, got [${lo}, ${hi}]`);
  return Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
}

export interface Interpolate1dOptions {
  /** Number of α values (default 25). */
  points?: number;
  /** α range (default [0, 1]; wider, e.g. [-0.5, 1.5], shows beyond the ends). */
  range?: [number, number];
}

/** A loss along a line: `loss[k]` at θ = (1 − α_k) from + α_k to. */
export interface Profile1d {
  alpha: number[];
  loss: number[];
}

/**
 * The objective along the straight line θ(α) = (1 − α) θ_from + α θ_to (Goodfellow et al. 2015),
 * evaluated without gradients; the parameters are restored afterwards.
 */
export function interpolate1d(objective: Objective, params: readonly Tensor[], from: Float64Array, to: Float64Array, options: Interpolate1dOptions = {}): Profile1d {
  checkOptions('interpolate1d', options, ['points', 'range']);
  checkParams('interpolate1d', params);
  const n = vectorSize(params);
  checkVector('interpolate1d', 'from', from, n);
  checkVector('interpolate1d', 'to', to, n);
  const [lo, hi] = options.range ?? [0, 1];
  const alpha = evenly(lo, hi, options.points ?? 25, 'interpolate1d');
  const loss = alpha.map((a) => {
    const theta = new Float64Array(n);
    for (let i = 0; i < n; i++) theta[i] = (1 - a) * from[i] + a * to[i];
    return atPoint(params, theta, () => valueOf(objective));
  });
  return { alpha, loss };
}

export interface DirectionOptions {
  /** Seed of the Gaussian direction (default 0). */
  seed?: number;
  /**
   * What to do with parameters of one dimension (biases, normalization scales): 'zero' leaves
   * them out of the direction, as Li et al. do (default); 'filter' normalizes each like a filter.
   */
  vectors?: 'zero' | 'filter';
}

/**
 * A random direction d normalized filter by filter (Li et al. 2018, §4): d ~ N(0, I) shaped like
 * the parameters, then each filter d_{i,j} (a slice along a weight's first axis: a Linear
 * layer's output row, a convolution's output filter) rescaled to d_{i,j} ‖θ_{i,j}‖ / ‖d_{i,j}‖,
 * so the landscape along d is comparable across networks whatever the scale of their weights.
 */
export function filterNormalizedDirection(params: readonly Tensor[], options: DirectionOptions = {}): Float64Array {
  checkOptions('filterNormalizedDirection', options, ['seed', 'vectors']);
  checkParams('filterNormalizedDirection', params);
  const vectors = options.vectors ?? 'zero';
  if (vectors !== 'zero' && vectors !== 'filter') throw new RangeError(`filterNormalizedDirection: vectors must be 'zero' or 'filter', got ${String(vectors)}`);
  const g = new Generator(options.seed ?? 0);
  const out = new Float64Array(vectorSize(params));
  let at = 0;
  for (const p of params) {
    const oneD = p.ndim <= 1;
    const filters = oneD ? 1 : p.shape[0];
    const width = p.numel() / Math.max(filters, 1);
    for (let f = 0; f < filters; f++) {
      const base = at + f * width;
      if (oneD && vectors === 'zero') continue;
      let dn = 0;
      let tn = 0;
      for (let j = 0; j < width; j++) {
        const d = g.normal();
        out[base + j] = d;
        dn += d * d;
        tn += p.data[f * width + j] ** 2;
      }
      const s = dn > 0 ? Math.sqrt(tn / dn) : 0;
      for (let j = 0; j < width; j++) out[base + j] *= s;
    }
    at += p.numel();
  }
  return out;
}

export interface Slice2dOptions {
  /** The centre θ* (default: the parameters' current values). */
  center?: Float64Array;
  /** The two directions (default: two filter-normalized random directions, seeds `seed` and `seed + 1`). */
  directions?: [Float64Array, Float64Array];
  /** Range of both coordinates (default [-1, 1]). */
  range?: [number, number];
  /** Points per axis (default 21). */
  points?: number;
  /** Seed of the default directions (default 0). */
  seed?: number;
}

/** A loss surface on a grid: `loss[r][c]` at θ* + x_c δ + y_r η. */
export interface Surface2d {
  x: number[];
  y: number[];
  loss: number[][];
  directions: [Float64Array, Float64Array];
}

/**
 * The objective on the plane f(x, y) = L(θ* + x δ + y η) through θ* (Li et al. 2018, eq. 1),
 * with δ, η filter-normalized random directions unless given; evaluated without gradients.
 */
export function slice2d(objective: Objective, params: readonly Tensor[], options: Slice2dOptions = {}): Surface2d {
  checkOptions('slice2d', options, ['center', 'directions', 'range', 'points', 'seed']);
  checkParams('slice2d', params);
  const n = vectorSize(params);
  const center = options.center ?? flattenParams(params);
  checkVector('slice2d', 'center', center, n);
  const seed = options.seed ?? 0;
  const directions = options.directions ?? [filterNormalizedDirection(params, { seed }), filterNormalizedDirection(params, { seed: seed + 1 })];
  directions.forEach((d, i) => checkVector('slice2d', `directions[${i}]`, d, n));
  const [lo, hi] = options.range ?? [-1, 1];
  const xs = evenly(lo, hi, options.points ?? 21, 'slice2d');
  const [d1, d2] = directions;
  const theta = new Float64Array(n);
  const loss = xs.map((y) =>
    xs.map((x) => {
      for (let i = 0; i < n; i++) theta[i] = center[i] + x * d1[i] + y * d2[i];
      return atPoint(params, theta, () => valueOf(objective));
    }),
  );
  return { x: xs, y: [...xs], loss, directions };
}

export interface SharpnessOptions {
  /** The box's relative half-width ε (default 1e-3; Keskar et al. report 1e-3 and 5e-4). */
  epsilon?: number;
  /** Projected ascent steps (default 20). */
  steps?: number;
  /** Seed of the random start inside the box (default 0). */
  seed?: number;
}

/** What {@link sharpness} returns. */
export interface Sharpness {
  /** Keskar's φ = 100 · (max_{y∈C_ε} L(θ + y) − L(θ)) / (1 + L(θ)). */
  sharpness: number;
  /** L(θ). */
  loss: number;
  /** The largest loss found in the box. */
  maxLoss: number;
}

/**
 * Keskar et al.'s (2017, metric 2.1) ε-sharpness in the full space (A = I):
 * φ = 100 · (max_{y ∈ C_ε} L(θ + y) − L(θ)) / (1 + L(θ)), with the box
 * C_ε = {y : |y_i| ≤ ε (|θ_i| + 1)}. Keskar et al. solve the inner maximization with L-BFGS-B;
 * here it is projected sign-gradient ascent (the step a box's geometry suggests, as in PGD
 * attacks) from a seeded random point of the box (the minimum itself has zero gradient), keeping
 * the largest loss seen, so φ is a lower bound on the exact maximum.
 */
export function sharpness(objective: Objective, params: readonly Tensor[], options: SharpnessOptions = {}): Sharpness {
  checkOptions('sharpness', options, ['epsilon', 'steps', 'seed']);
  checkParams('sharpness', params);
  const epsilon = options.epsilon ?? 1e-3;
  const steps = options.steps ?? 20;
  if (!(epsilon > 0)) throw new RangeError(`sharpness: epsilon must be positive, got ${epsilon}`);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`sharpness: steps must be a positive integer, got ${steps}`);
  const theta = flattenParams(params);
  const n = theta.length;
  const base = valueOf(objective);
  const width = theta.map((t) => epsilon * (Math.abs(t) + 1));
  const g = new Generator(options.seed ?? 0);
  const y = width.map((w) => g.uniform(-w, w));
  // Steps of a quarter of the box reach a corner from anywhere in a few iterations and can still turn back.
  const stepFraction = 0.25;
  let maxLoss = base;
  const point = new Float64Array(n);
  for (let s = 0; s <= steps; s++) {
    for (let i = 0; i < n; i++) point[i] = theta[i] + y[i];
    const { value, gradient } = atPoint(params, point, () => {
      const loss = enableGrad(objective);
      return { value: loss.item(), gradient: s < steps ? flattenTensors(grad(loss, params as Tensor[], { allowUnused: true }), params) : null };
    });
    maxLoss = Math.max(maxLoss, value);
    if (!gradient) break;
    for (let i = 0; i < n; i++) y[i] = Math.min(width[i], Math.max(-width[i], y[i] + stepFraction * width[i] * Math.sign(gradient[i])));
  }
  return { sharpness: (100 * (maxLoss - base)) / (1 + base), loss: base, maxLoss };
}
