/**
 * The callback protocol of {@link fit}: hooks at the begin and end of training, of each epoch
 * and of each step (plus one between the backward pass and the optimizer step), all given the
 * same live {@link TrainContext}. A callback is any object with some of the hooks, so a one-off
 * hook is an object literal: `{ onEpochEnd: (ctx) => console.log(ctx.epoch, ctx.metrics.loss) }`.
 *
 * Order within one step: onStepBegin → the loss (`trainStep`) → zeroGrad, backward →
 * onAfterBackward → the non-finite check → optimizer step (and a per-step schedule) → onStepEnd.
 * Callbacks run in the order given; the built-in {@link History} that `fit` returns runs last.
 */
import type { Batch } from '../data/index.js';
import type { Module } from '../nn/index.js';
import type { Optimizer, Scheduler } from '../optim/index.js';
import type { Tensor } from '../tensor/index.js';

/** What every hook sees; `fit` updates it in place as training proceeds. */
export interface TrainContext {
  readonly model: Module;
  readonly optimizer: Optimizer<object>;
  /** The learning-rate scheduler `fit` steps (null without a schedule). */
  readonly scheduler: Scheduler | null;
  /** The current epoch, counted from 1 (0 in onTrainBegin). */
  epoch: number;
  /** The epochs asked for. */
  readonly epochs: number;
  /** Optimizer steps taken so far over all epochs (during a step: the steps before it). */
  step: number;
  /** The batch's index within its epoch, from 0 (step hooks). */
  batchIndex: number;
  /** Batches per epoch when the data says (a dataset or a DataLoader); null for an unsized iterable. */
  readonly stepsPerEpoch: number | null;
  /** The steps training will take if nothing stops it (epochs × stepsPerEpoch, capped by maxSteps); null when unknown. */
  readonly totalSteps: number | null;
  /** The current batch (step hooks; null outside them). */
  batch: Batch | null;
  /** The step's loss, with its graph (from onAfterBackward to onStepEnd; null outside). */
  loss: Tensor | null;
  /** The step's loss value (from onAfterBackward on). */
  lossValue: number;
  /**
   * This epoch's figures, cleared at each epoch's begin: `loss` (the mean training loss over the
   * epoch's examples) and, with validation data, `valLoss` and `val` + each metric's name
   * (`valAccuracy`), set before the callbacks' onEpochEnd; callbacks may add their own.
   */
  metrics: Record<string, number>;
  /** Every finished epoch's metrics so far, one array per name (the History `fit` returns). */
  readonly history: Readonly<Record<string, number[]>>;
  /** Seconds spent in the training steps so far (evaluation at epoch ends excluded). */
  trainSeconds: number;
  /** Whether training will end: set by {@link TrainContext.stop}. */
  stopRequested: boolean;
  /** Why training was asked to stop ('diverged' when a loss was not finite with nonFinite: 'stop'). */
  stopReason: string | null;
  /** Whether a step's loss was not finite (nonFinite: 'stop'). */
  diverged: boolean;
  /**
   * Ends training: after the current step when called from a step hook (the epoch's
   * onEpochEnd still runs), or after the current epoch from onEpochEnd; onTrainEnd always runs.
   */
  stop(reason?: string): void;
}

/** A hook of {@link Callback}. */
export type Hook = (ctx: TrainContext) => void;

/**
 * Hooks into {@link fit}, as in Keras or PyTorch Lightning. Every hook is optional.
 *
 * ```ts
 * const printer: Callback = { onEpochEnd: (ctx) => console.log(`epoch ${ctx.epoch}: loss ${ctx.metrics.loss}`) };
 * fit(model, train, { optimizer: 'adam', epochs: 5, callbacks: [printer] });
 * ```
 */
export interface Callback {
  /** Before the first epoch (ctx.epoch is 0). */
  onTrainBegin?: Hook;
  /** At the start of each epoch, after `model.train()`. */
  onEpochBegin?: Hook;
  /** Before each step's loss; ctx.batch is the batch. */
  onStepBegin?: Hook;
  /** After backward, before the optimizer step: the place to edit gradients (penalties, clipping) or undo a perturbation. */
  onAfterBackward?: Hook;
  /** After the optimizer step (ctx.step counts it): the place for projections, logging and progress. */
  onStepEnd?: Hook;
  /** After each epoch's steps and validation: ctx.metrics holds the epoch's figures. */
  onEpochEnd?: Hook;
  /** After the last epoch, also when stopped early (not when a hook or the loss throws). */
  onTrainEnd?: Hook;
}

/** The hook names, in the order a step meets them. */
export const HOOKS = ['onTrainBegin', 'onEpochBegin', 'onStepBegin', 'onAfterBackward', 'onStepEnd', 'onEpochEnd', 'onTrainEnd'] as const;
