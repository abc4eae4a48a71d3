/**
 * The training loop: epochs of optimizer steps over batches, validation at each epoch's end,
 * and callbacks (see callback.ts for the order of the hooks). Every training loop of descent
 * runs on it (the lab's classification tasks, regularization's fit and semi-supervised fit,
 * the GAN scores' classifier), each adding what it differs in through `trainStep` and hooks.
 */
import { DataLoader, type Batch, type BatchAugment, type TensorDataset } from '../data/portable.js';
import { crossEntropy, type Module } from '../nn/index.js';
import { createOptimizer, Optimizer, ReduceLROnPlateau, Schedule, type Scheduler } from '../optim/index.js';
import type { Tensor } from '../tensor/index.js';
import { HOOKS, type Callback, type TrainContext } from './callback.js';
import { evaluate, type LossFn } from './evaluate.js';
import { History } from './history.js';
import { resolveMetrics, type MetricLike } from './metrics.js';
import { checkChoice, checkNumber, checkOptions, checkPositiveInt } from './validate.js';

/** Batches for {@link fit}: any iterable of `{ x, y }`, iterated once per epoch; `length`, when present, is the batches per epoch. */
export type BatchSource = Iterable<Batch> & { readonly length?: number };

/**
 * Computes one step's loss (a scalar tensor with its graph) from a batch; `fit` then runs
 * zeroGrad, backward and the optimizer step. The default is `loss(model.forward(batch.x), batch.y)`.
 */
export type TrainStep = (batch: Batch, ctx: TrainContext) => Tensor;

/** What to do when a step's loss is not finite. */
export type NonFinitePolicy = 'throw' | 'stop' | 'ignore';

export interface FitOptions {
  /** An optimizer over the model's parameters, or a registry name (created over `model.parameters()` with optimizerOptions). */
  optimizer: Optimizer<object> | string;
  /** Options of a named optimizer (default {}; the optimizer's own defaults, lr included). */
  optimizerOptions?: Record<string, unknown>;
  /** Passes over the data (default 1). */
  epochs?: number;
  /** Stop after this many optimizer steps, mid-epoch if need be (default: no limit); with an endless batch source it is the length of training. */
  maxSteps?: number;
  /** The training loss (default cross-entropy of logits against class indices); also validation's loss. */
  loss?: LossFn;
  /** The step's loss from its batch, where a plain `loss(forward(x), y)` does not say it (adversarial examples, an unlabeled term). */
  trainStep?: TrainStep;
  /** Examples per batch when `data` is a dataset (default 32). */
  batchSize?: number;
  /** A new order every epoch when `data` is a dataset (default true). */
  shuffle?: boolean;
  /** Seeds the shuffles and augmentation when `data` is a dataset (default 0). */
  seed?: number;
  /** Drop a last, smaller batch when `data` is a dataset (default false). */
  dropLast?: boolean;
  /** Random augmentation of each training batch when `data` is a dataset (see DataLoader). */
  augment?: BatchAugment;
  /** A learning-rate schedule (attached to the optimizer) or a scheduler already attached to it. */
  schedule?: Schedule | Scheduler;
  /** Step the schedule after every optimizer step (default) or at every epoch's end. */
  scheduleInterval?: 'step' | 'epoch';
  /** The metric handed to the scheduler's step at epoch ends (needed by reduce-on-plateau; implies interval 'epoch'). */
  scheduleMonitor?: string;
  /** Held-out data evaluated at every epoch's end into `valLoss` and `val<Metric>`. */
  validation?: TensorDataset;
  /** Validation metrics besides the loss, e.g. ['accuracy'] (default none). */
  metrics?: readonly MetricLike[];
  /** Examples per forward pass of validation (default 1000). */
  evalBatchSize?: number;
  /** Hooks, run in this order (see {@link Callback}). */
  callbacks?: readonly Callback[];
  /** A non-finite loss: 'throw' an error (default), 'stop' training (ctx.diverged; the step is not taken), or 'ignore' it. */
  nonFinite?: NonFinitePolicy;
}

const FIT_KEYS = [
  'optimizer', 'optimizerOptions', 'epochs', 'maxSteps', 'loss', 'trainStep', 'batchSize', 'shuffle', 'seed', 'dropLast', 'augment',
  'schedule', 'scheduleInterval', 'scheduleMonitor', 'validation', 'metrics', 'evalBatchSize', 'callbacks', 'nonFinite',
] as const;
const LOADER_KEYS = ['batchSize', 'shuffle', 'seed', 'dropLast', 'augment'] as const;

export interface FitResult {
  /** Per epoch: `epoch`, `loss` (mean training loss), validation metrics and whatever callbacks put in ctx.metrics. */
  history: Record<string, number[]>;
  /** Epochs begun (the last may have been cut short by a stop or maxSteps). */
  epochs: number;
  /** Optimizer steps taken. */
  steps: number;
  /** Whether a callback (or divergence) stopped training before its epochs or maxSteps ran out. */
  stopped: boolean;
  stopReason: string | null;
  /** Whether a loss was not finite (nonFinite: 'stop'). */
  diverged: boolean;
  /** Seconds spent in training steps (evaluation excluded). */
  trainSeconds: number;
  optimizer: Optimizer<object>;
}

function isDataset(data: unknown): data is TensorDataset {
  return typeof data === 'object' && data !== null && !(Symbol.iterator in data) && 'x' in data && 'y' in data;
}

function batchSourceOf(data: TensorDataset | BatchSource, o: FitOptions): BatchSource {
  if (isDataset(data)) {
    return new DataLoader(data, { batchSize: o.batchSize ?? 32, shuffle: o.shuffle ?? true, seed: o.seed ?? 0, dropLast: o.dropLast ?? false, augment: o.augment });
  }
  if (typeof data !== 'object' || data === null || typeof (data as BatchSource)[Symbol.iterator] !== 'function') {
    throw new TypeError('fit: data must be a dataset { x, y } or an iterable of batches { x, y } (e.g. a DataLoader)');
  }
  const given = LOADER_KEYS.filter((k) => o[k] !== undefined);
  if (given.length) throw new RangeError(`fit: ${given.map((k) => `'${k}'`).join(', ')} only apply when data is a dataset { x, y }; configure the batches' source (e.g. the DataLoader) instead`);
  return data;
}

function optimizerOf(model: Module, o: FitOptions): Optimizer<object> {
  if (o.optimizer instanceof Optimizer) {
    if (o.optimizerOptions !== undefined) throw new RangeError('fit: optimizerOptions apply to an optimizer given by name; this one is already built');
    return o.optimizer;
  }
  if (typeof o.optimizer !== 'string') throw new TypeError(`fit: optimizer must be an Optimizer or a registry name such as 'adam', got ${String(o.optimizer)}`);
  return createOptimizer(o.optimizer, model.parameters(), o.optimizerOptions ?? {});
}

function schedulerOf(o: FitOptions, optimizer: Optimizer<object>): Scheduler | null {
  if (o.schedule === undefined) return null;
  const scheduler = o.schedule instanceof Schedule ? o.schedule.attach(optimizer) : o.schedule;
  if (typeof scheduler?.step !== 'function') throw new TypeError('fit: schedule must be a Schedule (e.g. createSchedule(...)) or a Scheduler');
  if (scheduler.optimizer !== optimizer) throw new RangeError("fit: the schedule's scheduler is attached to another optimizer than the one fit steps");
  if (scheduler instanceof ReduceLROnPlateau && o.scheduleMonitor === undefined) throw new RangeError("fit: reduce-on-plateau needs scheduleMonitor, the metric it watches (e.g. 'valLoss')");
  return scheduler;
}

function checkCallbacks(callbacks: readonly Callback[] | undefined): readonly Callback[] {
  if (callbacks === undefined) return [];
  if (!Array.isArray(callbacks)) throw new TypeError('fit: callbacks must be an array of callback objects');
  callbacks.forEach((c, i) => {
    if (typeof c !== 'object' || c === null) throw new TypeError(`fit: callbacks[${i}] must be an object with hooks (${HOOKS.join(', ')})`);
  });
  return callbacks;
}

/** The name a metric gets on validation data: 'loss' → 'valLoss', 'accuracy' → 'valAccuracy'. */
export const validationName = (name: string): string => `val${name[0].toUpperCase()}${name.slice(1)}`;

/**
 * Trains `model` on `data` for `epochs` passes (or `maxSteps` steps) and returns the metrics
 * history. Each step: the loss of a batch (`trainStep`, by default `loss(model.forward(x), y)`),
 * `optimizer.zeroGrad()`, `backward()`, `optimizer.step()`; each epoch: the model in training
 * mode, and at its end the mean training loss and the validation metrics in `ctx.metrics`, for
 * the callbacks and the history. Unknown option keys are refused, naming the valid ones.
 *
 * ```ts
 * const model = new Sequential(new Flatten(), new Linear(784, 10));
 * const { history } = fit(model, train, {
 *   optimizer: 'adam', optimizerOptions: { lr: 1e-3 }, epochs: 20, batchSize: 64, seed: 1,
 *   validation: val, metrics: ['accuracy'],
 *   callbacks: [new EarlyStopping({ monitor: 'valLoss', patience: 3 }), new ModelCheckpoint({ path: 'best.safetensors', monitor: 'valLoss', saveBestOnly: true })],
 * });
 * history.valAccuracy;   // one entry per epoch run
 * ```
 *
 * `data` is a dataset `{ x, y }` (batched by a DataLoader built from batchSize, shuffle, seed,
 * dropLast, augment) or any iterable of batches, such as a DataLoader of one's own or an endless
 * generator with `maxSteps`. Randomness is the data's and the model's own (the loader's seed,
 * dropout's generators), so a seeded run repeats exactly.
 */
export function fit(model: Module, data: TensorDataset | BatchSource, options: FitOptions): FitResult {
  const o = checkOptions('fit', options, FIT_KEYS);
  if (typeof o !== 'object' || o === null) throw new TypeError("fit: options are required, at least { optimizer } (e.g. { optimizer: 'adam' })");
  const epochs = checkPositiveInt('fit', 'epochs', o.epochs ?? 1);
  const maxSteps = o.maxSteps === undefined ? Infinity : checkPositiveInt('fit', 'maxSteps', o.maxSteps);
  const lossFn = o.loss ?? crossEntropy;
  if (typeof lossFn !== 'function') throw new TypeError(`fit: loss must be a function (output, target) => Tensor, got ${typeof lossFn}`);
  if (o.trainStep !== undefined && typeof o.trainStep !== 'function') throw new TypeError(`fit: trainStep must be a function (batch, ctx) => Tensor, got ${typeof o.trainStep}`);
  const nonFinite = checkChoice('fit', 'nonFinite', o.nonFinite ?? 'throw', ['throw', 'stop', 'ignore'] as const);
  const scheduleInterval = checkChoice('fit', 'scheduleInterval', o.scheduleInterval ?? (o.scheduleMonitor !== undefined ? 'epoch' : 'step'), ['step', 'epoch'] as const);
  if (o.scheduleMonitor !== undefined && scheduleInterval !== 'epoch') throw new RangeError("fit: scheduleMonitor steps the schedule at epoch ends; it needs scheduleInterval 'epoch'");
  const metrics = resolveMetrics('fit', o.metrics);
  if (o.metrics !== undefined && o.validation === undefined) throw new RangeError('fit: metrics are computed on validation data; pass validation too');
  const evalBatchSize = checkPositiveInt('fit', 'evalBatchSize', o.evalBatchSize ?? 1000);
  const callbacks = checkCallbacks(o.callbacks);
  const source = batchSourceOf(data, o);
  const optimizer = optimizerOf(model, o);
  const scheduler = schedulerOf(o, optimizer);
  const trainStep: TrainStep = o.trainStep ?? ((batch) => lossFn(model.forward(batch.x), batch.y));

  const history = new History();
  const all: readonly Callback[] = [...callbacks, history];
  const run = (hook: (typeof HOOKS)[number]): void => {
    for (const c of all) c[hook]?.(ctx);
  };
  const stepsPerEpoch = typeof source.length === 'number' ? checkNumber('fit', 'the batch source length', source.length, { min: 0, integer: true }) : null;
  const planned = stepsPerEpoch === null ? Infinity : epochs * stepsPerEpoch;
  const total = Math.min(planned, maxSteps);
  const ctx: TrainContext = {
    model, optimizer, scheduler, epochs,
    epoch: 0, step: 0, batchIndex: 0, stepsPerEpoch,
    totalSteps: Number.isFinite(total) ? total : null,
    batch: null, loss: null, lossValue: NaN,
    metrics: {}, history: history.records, trainSeconds: 0,
    stopRequested: false, stopReason: null, diverged: false,
    stop(reason = 'stopped by a callback') {
      ctx.stopRequested = true;
      ctx.stopReason ??= reason;
    },
  };

  run('onTrainBegin');
  let epochsRun = 0;
  for (let epoch = 1; epoch <= epochs && !ctx.stopRequested && ctx.step < maxSteps; epoch++) {
    ctx.epoch = epoch;
    ctx.metrics = {};
    epochsRun = epoch;
    model.train();
    run('onEpochBegin');
    let lossSum = 0;
    let examples = 0;
    let batchIndex = 0;
    const t0 = performance.now();
    for (const batch of source) {
      ctx.batch = batch;
      ctx.batchIndex = batchIndex++;
      run('onStepBegin');
      const loss = trainStep(batch, ctx);
      optimizer.zeroGrad();
      loss.backward();
      ctx.loss = loss;
      ctx.lossValue = loss.item();
      run('onAfterBackward');
      if (!Number.isFinite(ctx.lossValue) && nonFinite !== 'ignore') {
        if (nonFinite === 'throw') throw new Error(`fit: the loss diverged (${ctx.lossValue}) at epoch ${epoch}`);
        ctx.diverged = true;
        ctx.stop('diverged');
        break;
      }
      optimizer.step();
      if (scheduler && scheduleInterval === 'step') scheduler.step();
      ctx.step++;
      const size = batch.x.shape[0];
      lossSum += ctx.lossValue * size;
      examples += size;
      run('onStepEnd');
      if (ctx.stopRequested || ctx.step >= maxSteps) break;
    }
    ctx.trainSeconds += (performance.now() - t0) / 1000;
    ctx.batch = null;
    ctx.loss = null;
    ctx.metrics.loss = ctx.diverged || examples === 0 ? NaN : lossSum / examples;
    if (o.validation) {
      const val = evaluate(model, o.validation, { loss: lossFn, metrics, batchSize: evalBatchSize });
      for (const [name, value] of Object.entries(val)) ctx.metrics[validationName(name)] = value;
    }
    run('onEpochEnd');
    if (scheduler && scheduleInterval === 'epoch') {
      if (o.scheduleMonitor === undefined) scheduler.step();
      else {
        const value = ctx.metrics[o.scheduleMonitor];
        if (typeof value !== 'number') throw new RangeError(`fit: scheduleMonitor '${o.scheduleMonitor}' is not among the epoch's metrics (${Object.keys(ctx.metrics).join(', ')})`);
        scheduler.step(value);
      }
    }
  }
  run('onTrainEnd');
  return {
    history: history.records, epochs: epochsRun, steps: ctx.step,
    stopped: ctx.stopRequested, stopReason: ctx.stopReason, diverged: ctx.diverged,
    trainSeconds: ctx.trainSeconds, optimizer,
  };
}
