/**
 * Regularization narrows the gap between training and test loss (survey 000 §3; course notes
 * 003 §5), on an over-fitting setup trained without regularization and with each method, with
 * the same seeds (the other setup is ./overfit-regression.ts):
 *
 * `regularization-fmnist`: a 784-512-512-10 MLP on 500 Fashion-MNIST images (the built-in
 * subset), Adam, 100 epochs; methods L2, dropout, early stopping, data augmentation, noise
 * injection (Gaussian input noise) and label smoothing. It runs the task `regularize-fmnist`.
 *
 * Claim checked for every method: its final train/test loss gap is below the baseline's.
 */
import { z } from 'zod';
import { Generator } from '../../../tensor/index.js';
import type { RegularizationConfig } from '../../../regularize/spec.js';
import { buildMLP, fit } from '../../../regularize/train.js';
import { claimCount, gapAnalysis, gapPlots, groupsByKey, hiddenOption, regularizationOption, regularizerTrials, type Regularizer } from './common.js';
import { progress, slice, subset } from './data.js';
import { type Analysis, analysisOf, isAdaptive, optionsSchema, PlotSink, type Reproduction, type Scale, type TaskDef, type TaskHooks, type TrialConfig, type TrialOutput } from '../kit.js';

// ---- the task --------------------------------------------------------------------------------

export interface OverfitFmnistOptions {
  trainLimit: number;
  valLimit: number;
  testLimit: number;
  hidden: number[];
  epochs: number;
  batchSize: number;
  evalEvery: number;
  regularization: RegularizationConfig;
}

export function runOverfitFmnist(config: TrialConfig, o: OverfitFmnistOptions, hooks: TaskHooks = {}): TrialOutput {
  const { train: pool, test: testPool } = subset();
  const n = pool.x.shape[0];
  if (o.trainLimit + o.valLimit > n) throw new RangeError(`regularize-fmnist: trainLimit + valLimit must be at most ${n}, got ${o.trainLimit + o.valLimit}`);
  const train = slice(pool, 0, o.trainLimit);
  // the validation images (early stopping) come from the end of the training pool, never from the test set
  const validation = slice(pool, n - o.valLimit, n);
  const test = slice(testPool, 0, o.testLimit);
  const r = o.regularization;
  const model = buildMLP({ inputs: 784, hidden: o.hidden, outputs: 10, flatten: true, generator: new Generator(config.seed), regularization: r });
  const res = fit(model, {
    kind: 'classification', numClasses: 10, train, test, validation: o.valLimit > 0 ? validation : undefined,
    epochs: o.epochs, batchSize: o.batchSize, optimizer: config.method.optimizer, optimizerOptions: config.method.options,
    seed: config.seed, regularization: r, evalEvery: o.evalEvery, onProgress: progress(hooks),
  });
  return { epochs: res.epochs, final: res.final };
}

/** The task `regularize-fmnist`. */
export const overfitFmnistTask: TaskDef = {
  name: 'regularize-fmnist',
  title: 'Over-fitting MLP on a small Fashion-MNIST subset, with a regularization configuration',
  description: 'MLP (default 784-512-512-10, ReLU) on the first trainLimit images of the built-in subset; validation (early stopping) from the end of the training pool; cross-entropy; the figure of merit is the train/test loss gap',
  schema: optionsSchema({
    trainLimit: z.number().int().positive().default(500),
    valLimit: z.number().int().min(0).default(500),
    testLimit: z.number().int().positive().default(1000),
    hidden: hiddenOption([512, 512]),
    epochs: z.number().int().positive().default(100),
    batchSize: z.number().int().positive().default(50),
    evalEvery: z.number().int().positive().default(5),
    regularization: regularizationOption,
  }),
  primary: { metric: 'gap', goal: 'min' },
  defaultLr: (m) => (isAdaptive(m) ? 1e-3 : 0.05),
  run: (config, options, hooks) => runOverfitFmnist(config, options as unknown as OverfitFmnistOptions, hooks),
};

// ---- the reproduction ------------------------------------------------------------------------

export const FMNIST_REGULARIZERS: readonly Regularizer[] = [
  { key: 'baseline', label: 'baseline (no regularization)', config: {} },
  { key: 'l2', label: 'L2 λ=0.003', config: { l2: 0.003 } },
  { key: 'dropout', label: 'dropout 0.5 (input 0.2)', config: { dropout: 0.5, inputDropout: 0.2 } },
  { key: 'early-stopping', label: 'early stopping (patience 5)', config: { earlyStopping: { patience: 5 } } },
  { key: 'augmentation', label: 'augmentation (crop 2 + flip)', config: { augment: { crop: 2, flip: true } } },
  { key: 'noise', label: 'input noise σ=0.4', config: { inputNoise: 0.4 } },
  { key: 'label-smoothing', label: 'label smoothing 0.1', config: { labelSmoothing: 0.1 } },
];

/** The task's options (less the regularization, which varies), the seeds and Adam's lr. */
export type OverfitFmnistSettings = Omit<OverfitFmnistOptions, 'regularization'> & { seeds: number; lr: number };

export function fmnistSettings(scale: Scale): OverfitFmnistSettings {
  return scale === 'full'
    ? { trainLimit: 500, valLimit: 500, testLimit: 1000, hidden: [512, 512], epochs: 100, batchSize: 50, evalEvery: 5, seeds: 2, lr: 1e-3 }
    : { trainLimit: 200, valLimit: 500, testLimit: 1000, hidden: [256], epochs: 40, batchSize: 50, evalEvery: 10, seeds: 2, lr: 1e-3 };
}

export function fmnistTrials(scale: Scale, regularizers: readonly Regularizer[] = FMNIST_REGULARIZERS): TrialConfig[] {
  const s = fmnistSettings(scale);
  const base = { trainLimit: s.trainLimit, valLimit: s.valLimit, testLimit: s.testLimit, hidden: s.hidden, epochs: s.epochs, batchSize: s.batchSize, evalEvery: s.evalEvery };
  return regularizerTrials('regularize-fmnist', regularizers, base, s.seeds, s.lr);
}

export const regularizationFmnist: Reproduction = {
  name: 'regularization-fmnist',
  title: 'Regularization narrows the train/test gap: an over-fitting MLP on 500 Fashion-MNIST images',
  source: 'survey 000 §3.1.1 (augmentation), §3.1.2 (noise injection, label smoothing), §3.2.1 (L2); course notes 003 §5.1-5.4 (L2, augmentation, early stopping, dropout)',
  summary: 'A 784-512-512-10 MLP trained with Adam on 500 images memorizes them; each of L2, dropout, early stopping, augmentation, input noise and label smoothing narrows the gap between training and test loss against the unregularized baseline with the same seeds.',
  trials: (scale) => fmnistTrials(scale),
  async analyze(records, plotDir, scale): Promise<Analysis> {
    const s = fmnistSettings(scale);
    const groups = groupsByKey(records);
    const sink = new PlotSink(plotDir);
    const setting = `MLP ${[784, ...s.hidden, 10].join('-')} on ${s.trainLimit} Fashion-MNIST images`;
    await gapPlots(groups, FMNIST_REGULARIZERS, sink, { prefix: 'fmnist', setting, lossName: 'loss', logY: false });
    const { table, claims, figures } = gapAnalysis(groups, FMNIST_REGULARIZERS, { lossName: 'loss', accuracy: true, setting });
    return analysisOf(
      [
        {
          title: setting,
          text: [
            `Training set: the first ${s.trainLimit} images of the built-in subset; test set: ${s.testLimit} test images; validation set for early stopping: the last ${s.valLimit} images of the training pool. Adam (lr ${s.lr}), batches of ${s.batchSize}, ${s.epochs} epochs, ${s.seeds} seeds (the same seeds, so the same initial weights and batch order, for every method).`,
            'Losses are the plain cross-entropy of the model in evaluation mode (no dropout, no augmentation, no smoothing) on the whole training and test sets, so the gap compares like with like. Early stopping reports the restored best epoch.',
            claimCount(claims),
          ],
          claims,
          tables: [table],
          plots: sink.plots,
        },
      ],
      figures,
    );
  },
};
