/**
 * Mode connectivity: whether two trained solutions θ_a, θ_b are joined by a path of low loss.
 * The straight line between them usually crosses a barrier; a curve with one trained bend
 * usually does not (Garipov, Izmailov, Podoprikhin, Vetrov and Wilson 2018, "Loss surfaces, mode
 * connectivity, and fast ensembling of DNNs"; Draxler, Veschgini, Salmhofer and Hamprecht 2018).
 *
 * Curves with end points θ_a (t = 0), θ_b (t = 1) and one free bend θ:
 * - quadratic Bezier: φ(t) = (1 − t)² θ_a + 2t(1 − t) θ + t² θ_b;
 * - polygonal chain: φ(t) = θ_a + 2t (θ − θ_a) for t ≤ ½, θ + (2t − 1)(θ_b − θ) after.
 * The bend is trained to minimize E_{t ~ U(0,1)} L(φ(t)) (Garipov et al., eq. 2) by stochastic
 * gradient steps: ∂L(φ(t))/∂θ = (∂φ/∂θ)(t) ∇L(φ(t)), a scalar weight times the loss gradient.
 */
import { createOptimizer } from '../optim/index.js';
import { enableGrad, Generator, grad, Tensor } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';
import { atPoint, checkParams, flattenTensors, type Objective, valueOf, vectorSize } from './vectors.js';

/** The curves {@link trainPath} knows. */
export type PathKind = 'bezier' | 'polygonal';

/** A curve between two end points through a bend. */
export interface Path {
  kind: PathKind | 'line';
  from: Float64Array;
  to: Float64Array;
  /** The bend θ (the line's midpoint for 'line'). */
  bend: Float64Array;
}

/** The weight of the bend at t: ∂φ(t)/∂θ (a scalar times the identity). */
function bendWeight(kind: Path['kind'], t: number): number {
  if (kind === 'bezier') return 2 * t * (1 - t);
  if (kind === 'polygonal') return t <= 0.5 ? 2 * t : 2 * (1 - t);
  return 0;
}

/** The point φ(t) of the path. */
export function pointOnPath(path: Path, t: number): Float64Array {
  const { from, to, bend } = path;
  const out = new Float64Array(from.length);
  for (let i = 0; i < out.length; i++) {
    if (path.kind === 'bezier') out[i] = (1 - t) ** 2 * from[i] + 2 * t * (1 - t) * bend[i] + t * t * to[i];
    else if (path.kind === 'polygonal') out[i] = t <= 0.5 ? from[i] + 2 * t * (bend[i] - from[i]) : bend[i] + (2 * t - 1) * (to[i] - bend[i]);
    else out[i] = (1 - t) * from[i] + t * to[i];
  }
  return out;
}

/** The straight line from `from` to `to` as a {@link Path}. */
export function linePath(from: Float64Array, to: Float64Array): Path {
  return { kind: 'line', from, to, bend: from.map((f, i) => 0.5 * (f + to[i])) };
}

/** The loss along a path and its barrier. */
export interface PathProfile {
  t: number[];
  loss: number[];
  /**
   * max_t [L(φ(t)) − ((1 − t) L(θ_a) + t L(θ_b))]: how far the loss rises above the chord
   * joining the end points' losses (Frankle, Dziugaite, Roy and Carbin 2020's instability, on any curve).
   */
  barrier: number;
}

/** The objective at `points` evenly spaced t ∈ [0, 1] along the path (no gradients; the parameters restored). */
export function pathProfile(objective: Objective, params: readonly Tensor[], path: Path, points = 21): PathProfile {
  checkParams('pathProfile', params);
  if (!Number.isInteger(points) || points < 2) throw new RangeError(`pathProfile: points must be an integer ≥ 2, got ${points}`);
  const n = vectorSize(params);
  for (const [name, v] of [['from', path.from], ['to', path.to], ['bend', path.bend]] as const) {
    if (v.length !== n) throw new RangeError(`pathProfile: the path's ${name} has ${v.length} entries but the parameters have ${n}`);
  }
  const t = Array.from({ length: points }, (_, i) => i / (points - 1));
  const loss = t.map((ti) => atPoint(params, pointOnPath(path, ti), () => valueOf(objective)));
  const first = loss[0];
  const last = loss[points - 1];
  const barrier = Math.max(...loss.map((l, i) => l - ((1 - t[i]) * first + t[i] * last)));
  return { t, loss, barrier };
}

export interface TrainPathOptions {
  /** 'bezier' (default) or 'polygonal'. */
  kind?: PathKind;
  /** Gradient steps on the bend (default 200). */
  steps?: number;
  /** Optimizer of the bend by registry name (default 'adam'). */
  optimizer?: string;
  /** Its options (default { lr: 0.01 }). */
  optimizerOptions?: Record<string, unknown>;
  /** The bend's start (default: the midpoint of the line). */
  init?: Float64Array;
  /** Values of t drawn per step (default 1, as Garipov et al.). */
  samplesPerStep?: number;
  /** Seed of the t draws (default 0). */
  seed?: number;
  /**
   * Called before each step with the step number (e.g. to move the objective to the next
   * mini-batch, as the curve's SGD does on a data set).
   */
  onStep?: (step: number) => void;
}

/**
 * Trains the bend of a Bezier or polygonal curve between `from` and `to` to minimize the
 * expected loss along it (Garipov et al. 2018), with t ~ U(0, 1) drawn each step; the
 * objective is evaluated with the parameters moved to φ(t) and restored afterwards.
 */
export function trainPath(objective: Objective, params: readonly Tensor[], from: Float64Array, to: Float64Array, options: TrainPathOptions = {}): Path {
  checkOptions('trainPath', options, ['kind', 'steps', 'optimizer', 'optimizerOptions', 'init', 'samplesPerStep', 'seed', 'onStep']);
  checkParams('trainPath', params);
  const kind = options.kind ?? 'bezier';
  if (kind !== 'bezier' && kind !== 'polygonal') throw new RangeError(`trainPath: kind must be 'bezier' or 'polygonal', got ${String(kind)}`);
  const n = vectorSize(params);
  if (from.length !== n || to.length !== n) throw new RangeError(`trainPath: from and to must have ${n} entries (the parameters'), got ${from.length} and ${to.length}`);
  const steps = options.steps ?? 200;
  const samples = options.samplesPerStep ?? 1;
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`trainPath: steps must be a non-negative integer, got ${steps}`);
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`trainPath: samplesPerStep must be a positive integer, got ${samples}`);
  const init = options.init ?? linePath(from, to).bend;
  if (init.length !== n) throw new RangeError(`trainPath: init has ${init.length} entries but the parameters have ${n}`);
  const bend = new Tensor(Float64Array.from(init), [n]).requiresGrad_();
  const optimizer = createOptimizer(options.optimizer ?? 'adam', [bend], options.optimizerOptions ?? { lr: 0.01 });
  const generator = new Generator(options.seed ?? 0);
  for (let s = 0; s < steps; s++) {
    options.onStep?.(s);
    const g = new Float64Array(n);
    for (let k = 0; k < samples; k++) {
      const t = generator.random();
      const w = bendWeight(kind, t) / samples;
      const path: Path = { kind, from, to, bend: bend.data as Float64Array };
      const lossGrad = atPoint(params, pointOnPath(path, t), () => flattenTensors(grad(enableGrad(objective), params as Tensor[], { allowUnused: true }), params));
      for (let i = 0; i < n; i++) g[i] += w * lossGrad[i];
    }
    bend.grad = new Tensor(g, [n]);
    optimizer.step();
  }
  return { kind, from, to, bend: Float64Array.from(bend.data) };
}
