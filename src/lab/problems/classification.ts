/**
 * Classification tasks on Fashion-MNIST: logistic regression, a multilayer perceptron (two
 * hidden layers of 256 by default, as in thesis 004 section 3.5.2) and a small CNN.
 *
 * Data: `dataset: 'builtin'` is the subset shipped in the package (6,000 train / 1,000 test);
 * `'full'` is the full set (60,000 / 10,000) from /usr/share/datasets/fashion-mnist or the
 * other places src/data looks; `'auto'` takes the full set when it is present and the
 * built-in subset otherwise. `trainLimit` / `testLimit` keep the first N examples.
 */
import { z } from 'zod';
import { findFashionMNIST, loadFashionMNISTSubset, loadFashionMNISTSync, takeRows, type TensorDataset } from '../../data/index.js';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, crossEntropy, type Module } from '../../nn/index.js';
import { Generator, type Tensor } from '../../tensor/index.js';
import { evaluate as evaluateOn, fit, Progress, type Callback } from '../../train/index.js';
import { describeDivergence } from '../divergence.js';
import { buildOptimizer, isAdaptive, type Method } from '../methods.js';
import { optionsSchema } from '../options-schema.js';
import type { TaskDef, TaskHooks } from '../tasks.js';
import type { TrialConfig, TrialOutput } from '../trial.js';
import type { JsonObject } from '../util.js';

export type Architecture = 'logistic' | 'mlp' | 'cnn';
export type DatasetChoice = 'auto' | 'builtin' | 'full';

export interface ClassificationOptions {
  dataset: DatasetChoice;
  trainLimit: number | null;
  testLimit: number | null;
  epochs: number;
  /** Examples per step; 'full' is batch gradient descent (the whole training set per step). */
  batchSize: number | 'full';
  hidden: number[];
  /** Evaluate the loss on the whole training set after every epoch (costs a forward pass). */
  evalTrain: boolean;
  /** Logged points of the per-step training loss per epoch (averaged over the steps between). */
  logPoints: number;
  /**
   * Hold out the last N training examples as a validation split: train on the rest and report
   * the test metrics (testAccuracy, testLoss) on the held-out examples (how `descent tune`
   * tunes without looking at the test set). Null: train on all, evaluate on the test set.
   */
  holdout?: number | null;
}

const schema = (arch: Architecture, defaults: Partial<ClassificationOptions>): TaskDef['schema'] =>
  optionsSchema({
    dataset: z.enum(['auto', 'builtin', 'full']).default(defaults.dataset ?? 'auto'),
    trainLimit: z.number().int().positive().nullable().default(defaults.trainLimit ?? null),
    testLimit: z.number().int().positive().nullable().default(defaults.testLimit ?? null),
    epochs: z.number().int().positive().default(defaults.epochs ?? 5),
    batchSize: z.union([z.number().int().positive(), z.literal('full')]).default(defaults.batchSize ?? 64),
    hidden: z.array(z.number().int().positive()).default(defaults.hidden ?? (arch === 'mlp' ? [256, 256] : [])),
    evalTrain: z.boolean().default(defaults.evalTrain ?? false),
    logPoints: z.number().int().positive().default(defaults.logPoints ?? 20),
    holdout: z.number().int().positive().nullable().default(null),
  });

interface Data {
  train: TensorDataset;
  test: TensorDataset;
  source: string;
}

const cache = new Map<string, Data>();

function limitRows(d: TensorDataset, limit: number | null): TensorDataset {
  const n = d.x.shape[0];
  if (limit === null || limit >= n) return d;
  const idx = Array.from({ length: limit }, (_, i) => i);
  return { x: takeRows(d.x, idx), y: takeRows(d.y, idx) };
}

/** Whether the full Fashion-MNIST is on this machine. */
export function fullDataAvailable(): boolean {
  try {
    return findFashionMNIST('train') !== null && findFashionMNIST('test') !== null;
  } catch {
    return false;
  }
}

/** Loads (and caches per thread) the train and test sets a task's options ask for. */
export function loadData(choice: DatasetChoice, trainLimit: number | null, testLimit: number | null): Data {
  const useFull = choice === 'full' || (choice === 'auto' && fullDataAvailable());
  const key = `${useFull}:${trainLimit}:${testLimit}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let data: Data;
  if (useFull) {
    const train = loadFashionMNISTSync({ split: 'train', limit: trainLimit ?? undefined });
    const test = loadFashionMNISTSync({ split: 'test', limit: testLimit ?? undefined });
    data = { train, test, source: `Fashion-MNIST (${train.x.shape[0]} train / ${test.x.shape[0]} test, ${train.source.dir})` };
  } else {
    const train = limitRows(loadFashionMNISTSubset({ split: 'train' }), trainLimit);
    const test = limitRows(loadFashionMNISTSubset({ split: 'test' }), testLimit);
    data = { train, test, source: `built-in Fashion-MNIST subset (${train.x.shape[0]} train / ${test.x.shape[0]} test)` };
  }
  cache.set(key, data);
  return data;
}

/** The training set's last `holdout` examples as the evaluation set, trained on the rest (null: `data` as it is). */
export function withHoldout(data: Data, holdout: number | null): Data {
  if (holdout === null) return data;
  const n = data.train.x.shape[0];
  if (holdout >= n) throw new Error(`holdout: ${holdout} validation examples leave none of the ${n} training examples to train on; expected fewer than ${n}`);
  const rows = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
  const split = (idx: number[]): TensorDataset => ({ x: takeRows(data.train.x, idx), y: takeRows(data.train.y, idx) });
  return { train: split(rows(0, n - holdout)), test: split(rows(n - holdout, n)), source: `${data.source}; validation: the last ${holdout} training examples, trained on the first ${n - holdout}` };
}

/** Mean cross-entropy of logits [N, C] against class indices [N]. */
export function crossEntropyLoss(logits: Tensor, y: Tensor): Tensor {
  return crossEntropy(logits, y);
}

export function buildModel(arch: Architecture, hidden: readonly number[], seed: number): Module {
  const generator = new Generator(seed);
  switch (arch) {
    case 'logistic':
      return new Sequential(new Flatten(), new Linear(784, 10, { generator }));
    case 'mlp': {
      const layers: Module[] = [new Flatten()];
      let width = 784;
      for (const h of hidden) {
        layers.push(new Linear(width, h, { generator }), new ReLU());
        width = h;
      }
      layers.push(new Linear(width, 10, { generator }));
      return new Sequential(...layers);
    }
    case 'cnn':
      return new Sequential(
        new Conv2d(1, 8, 3, { padding: 1, generator }),
        new ReLU(),
        new MaxPool2d(2),
        new Conv2d(8, 16, 3, { padding: 1, generator }),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(16 * 7 * 7, 10, { generator }),
      );
  }
}

/** Mean loss and accuracy of a model over a dataset, in chunks, without building a graph: src/train's evaluator with cross-entropy and accuracy. */
export function evaluate(model: Module, data: TensorDataset, chunk = 1000): { loss: number; accuracy: number } {
  const { loss, accuracy } = evaluateOn(model, data, { loss: crossEntropyLoss, metrics: ['accuracy'], batchSize: chunk });
  return { loss, accuracy };
}

/**
 * Trains a classification task's model with src/train's `fit` (cross-entropy; a diverging loss
 * stops the run and marks it), logging the training loss `logPoints` times per epoch and the
 * test figures after every epoch, from the untrained model (epoch 0) on.
 */
export function runClassification(
  arch: Architecture,
  method: Method,
  o: ClassificationOptions,
  seed: number,
  hooks: TaskHooks = {},
): TrialOutput {
  const data = withHoldout(loadData(o.dataset, o.trainLimit, o.testLimit), o.holdout ?? null);
  const model = buildModel(arch, o.hidden, seed);
  const opt = buildOptimizer(method, model.parameters());
  const n = data.train.x.shape[0];
  const batchSize = o.batchSize === 'full' ? n : Math.min(o.batchSize, n);
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const logEvery = Math.max(1, Math.floor(stepsPerEpoch / o.logPoints));
  const steps: Record<string, number[]> = { step: [], loss: [], time: [] };
  const epochs: Record<string, number[]> = { epoch: [], trainLoss: [], testLoss: [], testAccuracy: [], time: [] };
  if (o.evalTrain) epochs.fullTrainLoss = [];
  // Why a diverged run stopped (set by the callback below; an object so the closure's write is seen).
  const stopped: { divergence: string | null } = { divergence: null };
  const recordEpoch = (epoch: number, trainLoss: number, time: number): void => {
    const ev = evaluate(model, data.test);
    epochs.epoch.push(epoch);
    epochs.trainLoss.push(trainLoss);
    epochs.testLoss.push(ev.loss);
    epochs.testAccuracy.push(ev.accuracy);
    epochs.time.push(time);
    if (o.evalTrain) epochs.fullTrainLoss.push(evaluate(model, data.train).loss);
  };
  // Epoch 0: the untrained model, so curves start from the same point for every method.
  recordEpoch(0, NaN, 0);
  // The per-step log: the mean loss of the steps since the last logged point, within an epoch.
  let windowLoss = 0;
  let windowCount = 0;
  let epochStart = 0;
  const log: Callback = {
    onEpochBegin: () => {
      windowLoss = 0;
      windowCount = 0;
      epochStart = performance.now();
    },
    onStepEnd: (ctx) => {
      windowLoss += ctx.lossValue;
      windowCount++;
      if (ctx.step % logEvery !== 0) return;
      steps.step.push(ctx.step);
      steps.loss.push(windowLoss / windowCount);
      steps.time.push(ctx.trainSeconds + (performance.now() - epochStart) / 1000);
      windowLoss = 0;
      windowCount = 0;
    },
    onAfterBackward: (ctx) => {
      if (!Number.isFinite(ctx.lossValue)) stopped.divergence = describeDivergence(ctx.step + 1, ctx.lossValue, model.namedParameters());
    },
    onEpochEnd: (ctx) => {
      recordEpoch(ctx.epoch, ctx.metrics.loss, ctx.trainSeconds);
      if (!hooks.onEpoch || ctx.epoch >= o.epochs) return;
      const last = epochs.epoch.length - 1;
      const values = Object.fromEntries(Object.keys(epochs).filter((k) => k !== 'epoch' && k !== 'time').map((k) => [k, epochs[k][last]]));
      if (hooks.onEpoch(ctx.epoch, values) === true) ctx.stop('pruned');
    },
  };
  const callbacks: Callback[] = [log];
  if (hooks.onProgress) callbacks.push(new Progress(hooks.onProgress, { updates: 200 }));
  const run = fit(model, data.train, { optimizer: opt, epochs: o.epochs, batchSize, shuffle: true, seed, loss: crossEntropyLoss, nonFinite: 'stop', callbacks });
  const last = epochs.epoch.length - 1;
  return {
    steps,
    epochs,
    final: {
      trainLoss: run.diverged ? NaN : epochs.trainLoss[last],
      ...(o.evalTrain ? { fullTrainLoss: epochs.fullTrainLoss[last] } : {}),
      testLoss: epochs.testLoss[last],
      testAccuracy: epochs.testAccuracy[last],
      trainSeconds: run.trainSeconds,
      steps: run.steps,
      diverged: run.diverged ? 1 : 0,
    },
    extra: { data: data.source, ...(stopped.divergence !== null ? { divergence: stopped.divergence } : {}) },
  };
}

const titles: Record<Architecture, string> = {
  logistic: 'Logistic regression on Fashion-MNIST',
  mlp: 'MLP (784-256-256-10, ReLU) on Fashion-MNIST',
  cnn: 'Small CNN (conv8-pool-conv16-pool-linear) on Fashion-MNIST',
};

export const classificationTasks: TaskDef[] = (['logistic', 'mlp', 'cnn'] as const).map((arch) => ({
  name: arch,
  title: titles[arch],
  description: `${titles[arch]}; cross-entropy loss; dataset 'auto' uses the full set when present, else the built-in subset`,
  schema: schema(arch, {}),
  primary: { metric: 'testAccuracy', goal: 'max' as const },
  defaultLr: (m: Method) => (isAdaptive(m) ? 1e-3 : arch === 'logistic' ? 0.1 : 0.05),
  epochReports: { option: 'epochs', metrics: ['trainLoss', 'testLoss', 'testAccuracy', 'fullTrainLoss'] },
  run: (config: TrialConfig, options: JsonObject, hooks: TaskHooks) =>
    runClassification(arch, config.method, options as unknown as ClassificationOptions, config.seed, hooks),
}));
