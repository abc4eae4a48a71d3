/**
 * Early stopping (course notes 003 §5.3): watch a validation metric after every epoch, stop
 * when it has not improved for `patience` epochs, and restore the weights of the best epoch.
 * One class, usable two ways:
 *
 * As a {@link fit} callback (it reads `ctx.metrics[monitor]` at each epoch's end, stops
 * training, and restores the best weights when training ends):
 *
 * ```ts
 * const stopper = new EarlyStopping({ monitor: 'valLoss', patience: 5 });
 * fit(model, train, { optimizer: 'adam', epochs: 100, validation: val, callbacks: [stopper] });
 * stopper.bestEpoch;   // index of the best epoch (0-based: epoch bestEpoch + 1 of fit)
 * ```
 *
 * Or stepped by hand in a loop of one's own:
 *
 * ```ts
 * const stopper = new EarlyStopping({ patience: 5, mode: 'min' });
 * for (let epoch = 0; epoch < maxEpochs; epoch++) {
 *   train(model);
 *   if (stopper.step(validationLoss(model), model)) break;
 * }
 * stopper.restore(model);   // the best epoch's weights (and buffers)
 * ```
 *
 * An epoch improves when its value beats the best by more than `minDelta` (value < best -
 * minDelta in 'min' mode, value > best + minDelta in 'max' mode). After `patience` epochs in a
 * row without improvement, `step` returns true (patience 0, like 1, stops at the first epoch
 * that does not improve), as Keras and Lightning count. The best state is a deep copy of
 * `model.stateDict()`. As a callback, the best weights are restored at the end of training
 * whether it stopped early or ran all its epochs (restoreBest), so the model `fit` leaves is the
 * best one seen.
 */
import type { Module } from '../nn/index.js';
import { noGrad, type Tensor } from '../tensor/index.js';
import type { Callback, TrainContext } from './callback.js';
import { improves, monitoredValue, worstValue } from './monitor.js';
import { checkChoice, checkCount, checkNonNegative, checkOptions } from './validate.js';

export interface EarlyStoppingOptions {
  /** The metric to watch, as a callback (default 'valLoss'); a name in `ctx.metrics`. */
  monitor?: string;
  /** Epochs without improvement tolerated before stopping (>= 0; default 10). */
  patience?: number;
  /** 'min' (a loss; default) or 'max' (an accuracy). */
  mode?: 'min' | 'max';
  /** Minimum change that counts as an improvement (>= 0; default 0). */
  minDelta?: number;
  /** Keep a copy of the best weights to restore (default true). */
  restoreBest?: boolean;
}

/** A deep copy of a model's state dict (new storage for every tensor). */
export function cloneStateDict(model: Module): Record<string, Tensor> {
  return noGrad(() => Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.clone().detach()])));
}

export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  readonly restoreBest: boolean;
  /** The best value seen (±Infinity before the first step). */
  bestValue: number;
  /** The index of the best step (0-based; -1 before the first). */
  bestEpoch = -1;
  /** Steps taken. */
  epochs = 0;
  /** Steps since the last improvement. */
  wait = 0;
  /** Whether `step` has returned true. */
  stopped = false;
  /** Whether the best weights were loaded back at the end of training (as a callback). */
  restored = false;
  /** The best epoch's state dict (a deep copy), when restoreBest. */
  bestState: Record<string, Tensor> | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    checkOptions('EarlyStopping', options, ['monitor', 'patience', 'mode', 'minDelta', 'restoreBest']);
    const monitor = options.monitor ?? 'valLoss';
    if (typeof monitor !== 'string' || monitor === '') throw new TypeError(`EarlyStopping: monitor must be a metric name such as 'valLoss', got ${String(monitor)}`);
    this.monitor = monitor;
    this.patience = checkCount('EarlyStopping', 'patience', options.patience ?? 10);
    this.mode = checkChoice('EarlyStopping', 'mode', options.mode ?? 'min', ['min', 'max'] as const);
    this.minDelta = checkNonNegative('EarlyStopping', 'minDelta', options.minDelta ?? 0);
    this.restoreBest = options.restoreBest ?? true;
    this.bestValue = worstValue(this.mode);
  }

  /** Whether `value` improves on the best by more than minDelta. */
  improves(value: number): boolean {
    return improves(value, this.bestValue, this.mode, this.minDelta);
  }

  /** Records one epoch's validation value (snapshotting `model` when it is the best); returns true to stop. */
  step(value: number, model?: Module): boolean {
    if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`EarlyStopping.step: the metric must be a number, got ${value}`);
    if (this.improves(value)) {
      this.bestValue = value;
      this.bestEpoch = this.epochs;
      this.wait = 0;
      if (this.restoreBest && model) this.bestState = cloneStateDict(model);
    } else {
      this.wait++;
      if (this.wait >= Math.max(1, this.patience)) this.stopped = true;
    }
    this.epochs++;
    return this.stopped;
  }

  /** Loads the best epoch's weights into `model` (a no-op when nothing was recorded). Returns whether it restored. */
  restore(model: Module): boolean {
    if (!this.bestState) return false;
    model.loadStateDict(this.bestState);
    return true;
  }

  reset(): void {
    this.bestValue = worstValue(this.mode);
    this.bestEpoch = -1;
    this.epochs = 0;
    this.wait = 0;
    this.stopped = false;
    this.restored = false;
    this.bestState = null;
  }

  /** Callback: starts afresh, so one instance can serve several fits. */
  onTrainBegin(): void {
    this.reset();
  }

  /** Callback: steps on `ctx.metrics[monitor]` and stops training when patience runs out. */
  onEpochEnd(ctx: TrainContext): void {
    if (this.step(monitoredValue('EarlyStopping', ctx, this.monitor), ctx.model)) ctx.stop(`early stopping: ${this.monitor} did not improve for ${this.wait} epochs`);
  }

  /** Callback: loads the best weights back (restoreBest). */
  onTrainEnd(ctx: TrainContext): void {
    this.restored = this.restoreBest && this.restore(ctx.model);
  }
}
