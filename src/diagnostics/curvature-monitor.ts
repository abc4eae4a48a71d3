/**
 * Curvature recorded during training: a `fit` callback that measures the top Hessian
 * eigenvalue(s) of a fixed objective (a training subset's loss, say) every epoch or every few
 * steps, for the "edge of stability" picture (Cohen et al. 2021: λ₁ against 2/lr).
 */
import type { Tensor } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';
import type { Callback, TrainContext } from '../train/portable.js';
import { hutchinsonTrace, topHessianEigen } from './curvature.js';
import type { Objective } from './vectors.js';

export interface CurvatureMonitorOptions {
  /** The parameters (default: the model's). */
  params?: Tensor[];
  /** Measure every this many steps; 0 (default) measures at each epoch's end instead. */
  everySteps?: number;
  /** Top eigenvalues per measurement (default 1). */
  k?: number;
  /** Lanczos iterations (default 20). */
  iterations?: number;
  /** Also estimate the trace with this many Hutchinson probes (default 0: no trace). */
  traceSamples?: number;
}

/** One measurement. */
export interface CurvatureRecord {
  /** Optimizer steps taken when it was measured. */
  step: number;
  epoch: number;
  /** The top eigenvalues, descending. */
  eigenvalues: number[];
  /** Hutchinson's trace estimate (NaN without traceSamples). */
  trace: number;
}

/**
 * Records the top Hessian eigenvalues of `objective` as `fit` trains (and once before the first
 * step). The objective should be a fixed batch, so the records differ only by the parameters.
 *
 * @example
 * const monitor = new CurvatureMonitor(() => crossEntropy(model.forward(x), y), { everySteps: 50 });
 * fit(model, data, { optimizer: 'sgd', optimizerOptions: { lr: 0.05 }, epochs: 5, callbacks: [monitor] });
 * monitor.records.map((r) => r.eigenvalues[0]); // against 2 / 0.05
 */
export class CurvatureMonitor implements Callback {
  readonly records: CurvatureRecord[] = [];
  private readonly o: Required<Omit<CurvatureMonitorOptions, 'params'>>;

  constructor(private readonly objective: Objective, private readonly options: CurvatureMonitorOptions = {}) {
    checkOptions('CurvatureMonitor', options, ['params', 'everySteps', 'k', 'iterations', 'traceSamples']);
    if (typeof objective !== 'function') throw new TypeError('CurvatureMonitor: the objective must be a function returning the scalar loss');
    this.o = { everySteps: options.everySteps ?? 0, k: options.k ?? 1, iterations: options.iterations ?? 20, traceSamples: options.traceSamples ?? 0 };
    if (!Number.isInteger(this.o.everySteps) || this.o.everySteps < 0) throw new RangeError(`CurvatureMonitor: everySteps must be a non-negative integer, got ${this.o.everySteps}`);
  }

  /** Measures now (fit calls it; a manual loop may too). */
  measure(params: Tensor[], step: number, epoch: number): CurvatureRecord {
    const top = topHessianEigen(this.objective, params, { k: this.o.k, iterations: this.o.iterations, seed: step });
    const trace = this.o.traceSamples > 0 ? hutchinsonTrace(this.objective, params, { samples: this.o.traceSamples, seed: step }).trace : NaN;
    const record = { step, epoch, eigenvalues: top.eigenvalues, trace };
    this.records.push(record);
    return record;
  }

  private params(ctx: TrainContext): Tensor[] {
    return this.options.params ?? ctx.model.parameters();
  }

  /** fit's hook: the curvature at initialization. */
  onTrainBegin(ctx: TrainContext): void {
    this.measure(this.params(ctx), 0, 0);
  }

  /** fit's hook: every `everySteps` steps. */
  onStepEnd(ctx: TrainContext): void {
    if (this.o.everySteps > 0 && ctx.step % this.o.everySteps === 0) this.measure(this.params(ctx), ctx.step, ctx.epoch);
  }

  /** fit's hook: at each epoch's end when `everySteps` is 0. */
  onEpochEnd(ctx: TrainContext): void {
    if (this.o.everySteps === 0) this.measure(this.params(ctx), ctx.step, ctx.epoch);
  }
}
