/** Weight averaging wrappers: stochastic weight averaging (SWA) and an exponential moving average (EMA). */
import type { Storage } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Optimizer } from '../optimizer.js';
import { optimizerKernels } from '../../backend/registry.js';
import type { OptionSpecs } from '../options.js';
import type { Closure } from '../types.js';
import { copyOf, WrapperOptimizer, wrapperEntry } from './wrapper.js';

/** Shared by SWA and EMA: swapping the averages in and out, and reading them. */
abstract class AveragingOptimizer<O extends object> extends WrapperOptimizer<O> {
  /** Whether any average exists yet. */
  protected abstract hasAverage(): boolean;

  /** The averaged parameters as new tensors (copies); the current parameters where no average exists yet. */
  averagedParams(): Tensor[] {
    return this.params().map((p) => {
      const out = p.detach().clone();
      const avg = this.state.get(p)?.average as Storage | undefined;
      if (avg && this.hasAverage()) out.data.set(avg);
      return out;
    });
  }

  /**
   * Exchanges the parameters and their averages in place (call it again to swap back), e.g. to
   * evaluate the averaged model. Throws while nothing has been averaged.
   */
  swapAverage(): void {
    if (!this.hasAverage()) throw new Error(`${this.name}.swapAverage: no average yet (no step has been averaged)`);
    for (const p of this.params()) {
      const avg = this.state.get(p)?.average as Storage | undefined;
      if (!avg) continue;
      const w = p.data;
      for (let i = 0; i < w.length; i++) {
        const x = w[i];
        w[i] = avg[i];
        avg[i] = x;
      }
    }
  }
}

/**
 * SWA's running mean, avg += (w - avg) / count per element: the backend's kernel for float32
 * (wasm: f64x2 lanes, the same bits), else this loop.
 */
function swaUpdate(avg: Storage, w: Storage, count: number): void {
  if (avg instanceof Float32Array && w instanceof Float32Array && avg.length === w.length && optimizerKernels().swa?.(avg, w, count)) return;
  for (let i = 0; i < w.length; i++) avg[i] += (w[i] - avg[i]) / count;
}

/**
 * EMA's average, avg = b avg + (1 - b) w per element: the backend's kernel for float32 (wasm:
 * f64x2 lanes, the same bits), else this loop (1 - b hoisted: the same double every element).
 */
function emaUpdate(avg: Storage, w: Storage, b: number): void {
  if (avg instanceof Float32Array && w instanceof Float32Array && avg.length === w.length && optimizerKernels().ema?.(avg, w, b)) return;
  const c = 1 - b;
  for (let i = 0; i < w.length; i++) avg[i] = b * avg[i] + c * w[i];
}

export interface SWAOptions {
  swaStart: number;
  swaFreq: number;
  swaLr: number | null;
}

const swaSpecs: OptionSpecs = {
  swaStart: { type: 'integer', default: 0, min: 0, doc: 'steps before averaging starts' },
  swaFreq: { type: 'integer', default: 1, min: 1, doc: 'average every swaFreq steps after swaStart' },
  swaLr: { type: 'number', default: null, nullable: true, min: 0, doc: 'constant lr set on every group once averaging starts (null: leave lr alone)' },
};

/**
 * **Stochastic weight averaging** (Izmailov, Podoprikhin, Garipov, Vetrov & Wilson 2018,
 * "Averaging Weights Leads to Wider Optima and Better Generalization", algorithm 1). After
 * each inner step t > swaStart with (t - swaStart) mod swaFreq = 0:
 *
 * ```
 * θ_SWA = (θ_SWA · n + θ) / (n + 1);   n = n + 1
 * ```
 * With `swaLr`, every group's lr is set to it once averaging starts (the paper's constant
 * SWA learning rate). `swapAverage()` puts the averages into the parameters (recompute batch
 * norm statistics afterwards, as the paper does).
 */
export class SWA extends AveragingOptimizer<SWAOptions> {
  constructor(inner: Optimizer<object>, options: Partial<SWAOptions> = {}) {
    super('swa', inner, options, swaSpecs);
    this.globalState = { step: 0, averaged: 0 };
  }

  protected hasAverage(): boolean {
    return (this.globalState.averaged as number) > 0;
  }

  override step(closure?: Closure): number | undefined {
    const loss = this.inner.step(closure);
    const t = (this.globalState.step as number) + 1;
    this.globalState.step = t;
    const { swaStart, swaFreq, swaLr } = this.defaults;
    if (t >= swaStart && swaLr !== null) for (const g of this.paramGroups) (g as unknown as Record<string, unknown>).lr = swaLr;
    if (t > swaStart && (t - swaStart) % swaFreq === 0) {
      const n = this.globalState.averaged as number;
      for (const p of this.params()) {
        const s = this.wrapperState(p, () => ({ average: copyOf(p.data) }));
        if (n > 0) swaUpdate(s.average as Storage, p.data, n + 1);
      }
      this.globalState.averaged = n + 1;
    }
    return loss;
  }
}

export interface EMAOptions {
  decay: number;
}

const emaSpecs: OptionSpecs = {
  decay: { type: 'number', default: 0.999, min: 0, max: 1, doc: 'decay β of the moving average' },
};

/**
 * **Exponential moving average of the weights** (Polyak averaging with exponential weights;
 * used e.g. by Tan & Le 2019 and in GAN training, Yazıcı et al. 2019). The average starts at
 * the parameters before the first step; after each inner step:
 *
 * ```
 * θ_EMA = β θ_EMA + (1 - β) θ
 * ```
 * `swapAverage()` exchanges parameters and averages; `averagedParams()` copies the averages.
 */
export class EMA extends AveragingOptimizer<EMAOptions> {
  constructor(inner: Optimizer<object>, options: Partial<EMAOptions> = {}) {
    super('ema', inner, options, emaSpecs);
    this.globalState = { step: 0 };
  }

  protected hasAverage(): boolean {
    return this.state.size > 0;
  }

  override step(closure?: Closure): number | undefined {
    for (const p of this.params()) this.wrapperState(p, () => ({ average: copyOf(p.data) }));
    const loss = this.inner.step(closure);
    this.globalState.step = (this.globalState.step as number) + 1;
    const b = this.defaults.decay;
    for (const p of this.params()) emaUpdate(this.state.get(p)!.average as Storage, p.data, b);
    return loss;
  }
}

/** The registry entry of `swa` (listed in wrappers/catalog.ts). */
export const swaEntry = wrapperEntry(
  'swa',
  'Stochastic weight averaging: equal-weight running average of the iterates after swaStart (swapAverage() to use it)',
  'Izmailov et al. 2018 (UAI), alg. 1',
  'θ_SWA = (n θ_SWA + θ)/(n + 1) every swaFreq steps after swaStart',
  swaSpecs,
  (inner, o) => new SWA(inner, o as Partial<SWAOptions>),
);

/** The registry entry of `ema` (listed in wrappers/catalog.ts). */
export const emaEntry = wrapperEntry(
  'ema',
  'Exponential moving average of the weights after every step (swapAverage() to use it)',
  'Polyak & Juditsky 1992 (averaging); exponential form as in Tan & Le 2019',
  'θ_EMA = β θ_EMA + (1-β) θ',
  emaSpecs,
  (inner, o) => new EMA(inner, o as Partial<EMAOptions>),
);
