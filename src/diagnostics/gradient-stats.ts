/**
 * Gradient statistics during training: the gradient's norm per step and per layer, the
 * gradient-noise scale, and the correlations thesis 004 appendix 3.D measures to justify
 * AdaShift. A {@link GradientMonitor} is a `fit` callback, or is fed by hand in a manual loop
 * (`recordGradients` after `backward`, `recordSecondMoment` after `optimizer.step()`).
 *
 * The thesis's definitions (appendix 3.D, over the steps of the last training epochs), each a
 * Pearson correlation over time t, averaged over coordinates:
 * - temporal: ρ(g_t[i], g_{t-n}[i]), averaged over the coordinates i (table 3-1);
 * - spatial: ρ(g_t[i], g_{t-n}[j]), averaged over randomly drawn pairs i ≠ j (table 3-2);
 * - second moment: ρ(g_t²[i], v_t[i]) for Adam (0.4359 on MNIST) and ρ(g²_{t-n}[i], v_t[i]) for
 *   AdaShift (tables 3-3, 3-4), with v_t the optimizer's second-moment state after step t.
 */
import type { Module } from '../nn/index.js';
import type { Optimizer } from '../optim/index.js';
import { enableGrad, Generator, grad, type Storage, Tensor } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';
import type { Callback, TrainContext } from '../train/portable.js';

/** Pearson's ρ = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² Σ(y−ȳ)²); NaN when either series is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`pearson: the series have ${x.length} and ${y.length} values; they must be equally long`);
  const n = x.length;
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** The mean of the finite values (NaN when there are none): correlations of constant series drop out. */
function finiteMean(values: number[]): number {
  const f = values.filter(Number.isFinite);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
}

/**
 * ρ(a_t[i], b_{t-lag}[i]) averaged over coordinates i: `a` and `b` are per-step rows of the
 * same coordinates (row t = step t), the correlation runs over the steps t ≥ lag.
 */
export function laggedCorrelation(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[], lag: number): number {
  if (!Number.isInteger(lag) || lag < 0) throw new RangeError(`laggedCorrelation: lag must be a non-negative integer, got ${lag}`);
  if (a.length !== b.length) throw new RangeError(`laggedCorrelation: ${a.length} and ${b.length} steps; they must match`);
  const steps = a.length - lag;
  if (steps < 2) return NaN;
  const width = a[0].length;
  const rs: number[] = [];
  const x = new Float64Array(steps);
  const y = new Float64Array(steps);
  for (let i = 0; i < width; i++) {
    for (let t = 0; t < steps; t++) {
      x[t] = a[t + lag][i];
      y[t] = b[t][i];
    }
    rs.push(pearson(x, y));
  }
  return finiteMean(rs);
}

/**
 * ρ(g_t[i], g_{t-lag}[j]) averaged over `pairs` random pairs i ≠ j of the recorded coordinates
 * (thesis table 3-2's spatial correlation).
 */
export function spatialCorrelation(rows: readonly ArrayLike<number>[], lag: number, pairs: number, seed = 0): number {
  const steps = rows.length - lag;
  if (steps < 2) return NaN;
  const width = rows[0].length;
  if (width < 2) throw new RangeError('spatialCorrelation: needs at least two recorded coordinates');
  const g = new Generator(seed);
  const rs: number[] = [];
  const x = new Float64Array(steps);
  const y = new Float64Array(steps);
  for (let p = 0; p < pairs; p++) {
    const i = g.randint(0, width);
    let j = g.randint(0, width - 1);
    if (j >= i) j++;
    for (let t = 0; t < steps; t++) {
      x[t] = rows[t + lag][i];
      y[t] = rows[t][j];
    }
    rs.push(pearson(x, y));
  }
  return finiteMean(rs);
}

/**
 * McCandlish et al.'s (2018, appendix A) simple noise scale B_simple = tr(Σ) / |G|² from
 * gradients of equal-size batches: with B the batch size and K batches, |G_B|² = mean_k |g_k|²
 * and |G_KB|² = |mean_k g_k|² are unbiased-corrected into |G|² = (KB|G_KB|² − B|G_B|²)/(KB − B)
 * and tr Σ = (|G_B|² − |G_KB|²)/(1/B − 1/(KB)). It is the batch size around which larger batches
 * stop paying (the critical batch size, to within a factor).
 */
export function noiseScaleFromGradients(gradients: readonly ArrayLike<number>[], batchSize: number): { noiseScale: number; gradNormSq: number; traceCov: number } {
  const k = gradients.length;
  if (k < 2) throw new RangeError(`noiseScaleFromGradients: needs at least 2 batch gradients, got ${k}`);
  if (!(batchSize > 0)) throw new RangeError(`noiseScaleFromGradients: batchSize must be positive, got ${batchSize}`);
  const n = gradients[0].length;
  const mean = new Float64Array(n);
  let small = 0;
  for (const g of gradients) {
    if (g.length !== n) throw new RangeError('noiseScaleFromGradients: the gradients must all have the same length');
    for (let i = 0; i < n; i++) {
      mean[i] += g[i] / k;
      small += (g[i] * g[i]) / k;
    }
  }
  let big = 0;
  for (let i = 0; i < n; i++) big += mean[i] * mean[i];
  const bSmall = batchSize;
  const bBig = k * batchSize;
  const gradNormSq = (bBig * big - bSmall * small) / (bBig - bSmall);
  const traceCov = (small - big) / (1 / bSmall - 1 / bBig);
  return { noiseScale: traceCov / gradNormSq, gradNormSq, traceCov };
}

/**
 * B_simple at the parameters' current values: the gradient of `objective(batch)` on each of the
 * given equal-size batches, then {@link noiseScaleFromGradients}. Unlike the monitor's running
 * estimate (consecutive steps, whose parameters differ and whose gradients may be
 * anticorrelated), every batch gradient here is taken at the same point.
 */
export function gradientNoiseScale<B>(objective: (batch: B) => Tensor, params: readonly Tensor[], batches: readonly B[], batchSize: number): { noiseScale: number; gradNormSq: number; traceCov: number } {
  if (!Array.isArray(params) || params.length === 0) throw new TypeError('gradientNoiseScale: params must be a non-empty array of Tensors');
  const grads = batches.map((b) => {
    const loss = enableGrad(() => objective(b));
    const gs = grad(loss, params as Tensor[], { allowUnused: true });
    const flat = new Float64Array(params.reduce((n, p) => n + p.numel(), 0));
    let at = 0;
    gs.forEach((g, i) => {
      flat.set(g.data, at);
      at += params[i].numel();
    });
    return flat;
  });
  return noiseScaleFromGradients(grads, batchSize);
}

/** Reads the optimizer's second-moment state of a parameter: `expAvgSq` (Adam, AdaShift, ...) by default. */
export type SecondMomentReader = (optimizer: Optimizer<object>, param: Tensor) => Storage | null;

/** The first `expAvgSq` array in a parameter's optimizer state (searching chained sub-records too). */
export const readExpAvgSq: SecondMomentReader = (optimizer, param) => {
  const find = (s: unknown): Storage | null => {
    if (!s || typeof s !== 'object') return null;
    const rec = s as Record<string, unknown>;
    const v = rec.expAvgSq;
    if (v instanceof Float32Array || v instanceof Float64Array) return v;
    for (const child of Object.values(rec)) {
      if (child && typeof child === 'object' && !ArrayBuffer.isView(child)) {
        const found = find(child);
        if (found) return found;
      }
    }
    return null;
  };
  return find(optimizer.state.get(param));
};

export interface GradientMonitorOptions {
  /** The parameters to watch (default: the model's, on the first step of `fit`). */
  params?: Tensor[];
  /** Names of the watched parameters for the per-layer norms (default: the model's dotted names, else `p0`, `p1`, ...). */
  names?: string[];
  /** Coordinates sampled for the correlations, uniformly without replacement over all watched scalars (default 1000). */
  coordinates?: number;
  /** Seed of the coordinate sample and of the spatial pairs (default 0). */
  seed?: number;
  /** Record the sampled coordinates only from this step on (0-based; default 0): the thesis uses the last epochs. */
  from?: number;
  /** Batches per noise-scale estimate (default 10; 0 turns it off). */
  noiseWindow?: number;
  /** How to read v_t (default {@link readExpAvgSq}); null records no second moment. */
  secondMoment?: SecondMomentReader | null;
}

/** The correlations of appendix 3.D for one lag n. */
export interface LagCorrelations {
  lag: number;
  /** ρ(g_t[i], g_{t-n}[i]). */
  temporal: number;
  /** ρ(g_t[i], g_{t-n}[j]), i ≠ j. */
  spatial: number;
  /** ρ(g²_{t-n}[i], v_t[i]) (NaN without a second moment). */
  shiftedSecondMoment: number;
}

/**
 * Records gradient statistics as training runs. As a `fit` callback it reads the gradients after
 * each backward pass and the optimizer's second moment after each step; in a manual loop call
 * {@link GradientMonitor.recordGradients} and {@link GradientMonitor.recordSecondMoment} yourself.
 *
 * @example
 * const monitor = new GradientMonitor({ coordinates: 500 });
 * fit(model, data, { optimizer: 'adam', epochs: 3, callbacks: [monitor] });
 * monitor.secondMomentCorrelation(0); // ρ(g_t², v_t)
 */
export class GradientMonitor implements Callback {
  /** ‖g_t‖₂ over all watched parameters, one per recorded step. */
  readonly gradNorms: number[] = [];
  /** ‖g_t‖₂ per parameter name, one per recorded step. */
  readonly layerNorms: Record<string, number[]> = {};
  /** Noise-scale estimates B_simple, one per `noiseWindow` batches (each noisy; may be negative). */
  readonly noiseScales: number[] = [];
  /** The per-window estimates of |G|² and tr Σ behind {@link GradientMonitor.noiseScales}. */
  private readonly noiseParts: { gradNormSq: number; traceCov: number }[] = [];
  /** The sampled coordinates' gradients, one row per recorded step (from `from` on). */
  readonly sampledGradients: Float64Array[] = [];
  /** The sampled coordinates' v_t, one row per step. */
  readonly sampledSecondMoments: Float64Array[] = [];
  private params: Tensor[] | null;
  private names: string[] | null;
  private readonly options: Required<Omit<GradientMonitorOptions, 'params' | 'names' | 'secondMoment'>>;
  private readonly reader: SecondMomentReader | null;
  /** Sampled coordinates as (parameter index, offset), in ascending flat order. */
  private sample: { param: number; offset: number }[] | null = null;
  private steps = 0;
  private window: Float64Array[] = [];

  constructor(options: GradientMonitorOptions = {}) {
    checkOptions('GradientMonitor', options, ['params', 'names', 'coordinates', 'seed', 'from', 'noiseWindow', 'secondMoment']);
    this.params = options.params ?? null;
    this.names = options.names ?? null;
    this.reader = options.secondMoment === undefined ? readExpAvgSq : options.secondMoment;
    this.options = { coordinates: options.coordinates ?? 1000, seed: options.seed ?? 0, from: options.from ?? 0, noiseWindow: options.noiseWindow ?? 10 };
    if (!Number.isInteger(this.options.coordinates) || this.options.coordinates < 1) throw new RangeError(`GradientMonitor: coordinates must be a positive integer, got ${this.options.coordinates}`);
    if (!Number.isInteger(this.options.noiseWindow) || this.options.noiseWindow < 0 || this.options.noiseWindow === 1) throw new RangeError(`GradientMonitor: noiseWindow must be 0 (off) or an integer ≥ 2, got ${this.options.noiseWindow}`);
  }

  /** fit's hook: binds the model's parameters on first use. */
  onTrainBegin(ctx: TrainContext): void {
    this.bind(ctx.model);
  }

  /** fit's hook: records the step's gradients. */
  onAfterBackward(ctx: TrainContext): void {
    this.bind(ctx.model);
    this.recordGradients(ctx.batch?.x instanceof Tensor ? ctx.batch.x.shape[0] : undefined);
  }

  /** fit's hook: records v_t after the optimizer's step. */
  onStepEnd(ctx: TrainContext): void {
    this.recordSecondMoment(ctx.optimizer);
  }

  private bind(model: Module): void {
    if (this.params) return;
    const named = model.namedParameters();
    this.params = named.map(([, p]) => p);
    this.names ??= named.map(([n]) => n);
  }

  private watched(): Tensor[] {
    if (!this.params) throw new Error('GradientMonitor: no parameters to watch (pass { params } or attach it to fit)');
    return this.params;
  }

  private sampled(): { param: number; offset: number }[] {
    if (this.sample) return this.sample;
    const params = this.watched();
    const total = params.reduce((n, p) => n + p.numel(), 0);
    const k = Math.min(this.options.coordinates, total);
    // Floyd's algorithm: k distinct flat indices, seeded.
    const g = new Generator(this.options.seed);
    const chosen = new Set<number>();
    for (let j = total - k; j < total; j++) {
      const t = g.randint(0, j + 1);
      chosen.add(chosen.has(t) ? j : t);
    }
    const flat = [...chosen].sort((a, b) => a - b);
    const starts: number[] = [];
    params.reduce((at, p) => (starts.push(at), at + p.numel()), 0);
    let pi = 0;
    this.sample = flat.map((f) => {
      while (pi + 1 < starts.length && starts[pi + 1] <= f) pi++;
      return { param: pi, offset: f - starts[pi] };
    });
    return this.sample;
  }

  /** Records the watched parameters' current `.grad` as step t (a missing gradient counts as zeros); `batchSize` feeds the noise scale. */
  recordGradients(batchSize?: number): void {
    const params = this.watched();
    const names = this.names ?? params.map((_, i) => `p${i}`);
    let total = 0;
    params.forEach((p, i) => {
      const g = p.grad?.data;
      let s = 0;
      if (g) for (let j = 0; j < g.length; j++) s += g[j] * g[j];
      total += s;
      (this.layerNorms[names[i]] ??= []).push(Math.sqrt(s));
    });
    this.gradNorms.push(Math.sqrt(total));
    if (this.steps >= this.options.from) {
      this.sampledGradients.push(Float64Array.from(this.sampled(), ({ param, offset }) => params[param].grad?.data[offset] ?? 0));
    }
    if (this.options.noiseWindow > 0 && batchSize !== undefined) {
      const flat = new Float64Array(params.reduce((n, p) => n + p.numel(), 0));
      let at = 0;
      for (const p of params) {
        if (p.grad) flat.set(p.grad.data, at);
        at += p.numel();
      }
      this.window.push(flat);
      if (this.window.length === this.options.noiseWindow) {
        const est = noiseScaleFromGradients(this.window, batchSize);
        this.noiseScales.push(est.noiseScale);
        this.noiseParts.push(est);
        this.window = [];
      }
    }
    this.steps++;
  }

  /** Records v_t of the sampled coordinates from the optimizer's state (after its step); a scalar state (max-AdaShift's per-block v) is broadcast. */
  recordSecondMoment(optimizer: Optimizer<object>): void {
    if (!this.reader || this.steps - 1 < this.options.from) return;
    const params = this.watched();
    const states = params.map((p) => this.reader!(optimizer, p));
    this.sampledSecondMoments.push(Float64Array.from(this.sampled(), ({ param, offset }) => {
      const v = states[param];
      return v ? v[v.length === 1 ? 0 : offset] : NaN;
    }));
  }

  /** ρ(g_t[i], g_{t-n}[i]) over the recorded steps, averaged over the sampled coordinates. */
  temporalCorrelation(lag: number): number {
    return laggedCorrelation(this.sampledGradients, this.sampledGradients, lag);
  }

  /** ρ(g_t[i], g_{t-n}[j]) over `pairs` random pairs i ≠ j (default 1000). */
  spatialCorrelation(lag: number, pairs = 1000): number {
    return spatialCorrelation(this.sampledGradients, lag, pairs, this.options.seed + 1);
  }

  /** ρ(g²_{t-n}[i], v_t[i]) averaged over coordinates: lag 0 is Adam's ρ(g_t², v_t). */
  secondMomentCorrelation(lag: number): number {
    const v = this.sampledSecondMoments;
    const g2 = this.sampledGradients.slice(0, v.length).map((row) => row.map((x) => x * x));
    // v row t pairs with g row t; shift g back by `lag`: ρ(v_t, g²_{t-lag}).
    return laggedCorrelation(v, g2, lag);
  }

  /**
   * B_simple from the last `windows` windows (default all): Σ tr Σ / Σ |G|², the ratio of the
   * averaged estimates, as McCandlish et al. average numerator and denominator separately
   * (one window's ratio is noisy and can be negative).
   */
  noiseScale(windows = Infinity): number {
    const parts = this.noiseParts.slice(this.noiseParts.length - Math.min(windows, this.noiseParts.length));
    if (parts.length === 0) return NaN;
    return parts.reduce((s, p) => s + p.traceCov, 0) / parts.reduce((s, p) => s + p.gradNormSq, 0);
  }

  /**
   * The other reading of "ρ(g², v) averaged over dimensions": for each step t, Pearson across the
   * sampled coordinates i of g²_{t-lag}[i] and v_t[i], averaged over the steps. It asks whether
   * coordinates with large squared gradients have large v, rather than whether a coordinate's v
   * follows its own g² over time ({@link GradientMonitor.secondMomentCorrelation}).
   */
  secondMomentCorrelationAcrossCoordinates(lag: number): number {
    if (!Number.isInteger(lag) || lag < 0) throw new RangeError(`secondMomentCorrelationAcrossCoordinates: lag must be a non-negative integer, got ${lag}`);
    const v = this.sampledSecondMoments;
    const rs: number[] = [];
    for (let t = lag; t < v.length; t++) rs.push(pearson(this.sampledGradients[t - lag].map((x) => x * x), v[t]));
    return finiteMean(rs);
  }

  /** The appendix 3.D table for lags 1..maxLag (default 10). */
  correlations(maxLag = 10, pairs = 1000): LagCorrelations[] {
    return Array.from({ length: maxLag }, (_, i) => ({
      lag: i + 1,
      temporal: this.temporalCorrelation(i + 1),
      spatial: this.spatialCorrelation(i + 1, pairs),
      shiftedSecondMoment: this.sampledSecondMoments.length ? this.secondMomentCorrelation(i + 1) : NaN,
    }));
  }
}
