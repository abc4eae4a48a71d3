/**
 * Early stopping (course notes 003 §5.3): watch a validation metric after every epoch, stop
 * when it has not improved for `patience` epochs, and restore the weights of the best epoch.
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
 * that does not improve), as Keras and Lightning count. The best state is a deep copy of `model.stateDict()`.
 */
import type { Module } from '../nn/index.js';
import { noGrad, type Tensor } from '../tensor/index.js';
import { checkChoice, checkCount, checkNonNegative, checkOptions } from './validate.js';

export interface EarlyStoppingOptions {
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

export class EarlyStopping {
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
  /** The best epoch's state dict (a deep copy), when restoreBest. */
  bestState: Record<string, Tensor> | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    checkOptions('EarlyStopping', options, ['patience', 'mode', 'minDelta', 'restoreBest']);
    this.patience = checkCount('EarlyStopping', 'patience', options.patience ?? 10);
    this.mode = checkChoice('EarlyStopping', 'mode', options.mode ?? 'min', ['min', 'max'] as const);
    this.minDelta = checkNonNegative('EarlyStopping', 'minDelta', options.minDelta ?? 0);
    this.restoreBest = options.restoreBest ?? true;
    this.bestValue = this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Whether `value` improves on the best by more than minDelta. */
  improves(value: number): boolean {
    if (!Number.isFinite(value)) return false;
    return this.mode === 'min' ? value < this.bestValue - this.minDelta : value > this.bestValue + this.minDelta;
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
    this.bestValue = this.mode === 'min' ? Infinity : -Infinity;
    this.bestEpoch = -1;
    this.epochs = 0;
    this.wait = 0;
    this.stopped = false;
    this.bestState = null;
  }
}
