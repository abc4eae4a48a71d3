/**
 * Regularization narrows the gap between training and test loss (survey 000 §3; course notes
 * 003 §5): two over-fitting setups, each trained without regularization and with each method,
 * with the same seeds:
 *
 * - `regularization-fmnist`: a 784-512-512-10 MLP on 500 Fashion-MNIST images (the built-in
 *   subset), Adam, 100 epochs; methods L2, dropout, early stopping, data augmentation, noise
 *   injection (Gaussian input noise) and label smoothing;
 * - `regularization-regression`: a 1-128-128-1 tanh MLP on 20 noisy points of sin(2πx), Adam
 *   full-batch, 2000 epochs; methods L2, dropout, early stopping, input noise (noise injection
 *   into the inputs: for 1D regression, input jitter is also its data augmentation) and weight
 *   noise.
 *
 * Claim checked for every method: its final train/test loss gap is below the baseline's.
 */
import { claimCount, gapAnalysis, gapPlots, groupsByKey, regularizerTrials, type Regularizer } from './common.js';
import type { OverfitFmnistOptions, OverfitRegressionOptions } from './tasks.js';
import { type Analysis, curvesChart, type Plot, PlotSink, type Reproduction, type Scale, type Series, type TrialConfig } from '../kit.js';

// ---- Fashion-MNIST ---------------------------------------------------------------------------

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
    return {
      sections: [
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
      tables: [table],
      plots: sink.plots,
      claims,
      figures,
    };
  },
};

// ---- noisy 1D regression ---------------------------------------------------------------------

export const REGRESSION_REGULARIZERS: readonly Regularizer[] = [
  { key: 'baseline', label: 'baseline (no regularization)', config: {} },
  { key: 'l2', label: 'L2 λ=0.001', config: { l2: 0.001 } },
  { key: 'dropout', label: 'dropout 0.2', config: { dropout: 0.2 } },
  { key: 'early-stopping', label: 'early stopping (patience 100)', config: { earlyStopping: { patience: 100 } } },
  { key: 'input-noise', label: 'input noise σ=0.05 (jitter)', config: { inputNoise: 0.05 } },
  { key: 'weight-noise', label: 'weight noise σ=0.05', config: { weightNoise: 0.05 } },
];

/** The task options this reproduction sets, the seeds and Adam's lr. */
export type OverfitRegressionSettings = Pick<OverfitRegressionOptions, 'n' | 'nTest' | 'noise' | 'hidden' | 'epochs' | 'evalEvery'> & { seeds: number; lr: number };

export function regressionSettings(scale: Scale): OverfitRegressionSettings {
  return scale === 'full'
    ? { n: 20, nTest: 500, noise: 0.3, hidden: [128, 128], epochs: 2000, evalEvery: 50, seeds: 3, lr: 1e-2 }
    : { n: 20, nTest: 300, noise: 0.3, hidden: [64, 64], epochs: 800, evalEvery: 100, seeds: 2, lr: 1e-2 };
}

export function regressionTrials(scale: Scale, regularizers: readonly Regularizer[] = REGRESSION_REGULARIZERS): TrialConfig[] {
  const s = regressionSettings(scale);
  const base = { n: s.n, nTest: s.nTest, noise: s.noise, hidden: s.hidden, activation: 'tanh', epochs: s.epochs, evalEvery: s.evalEvery };
  return regularizerTrials('regularize-regression', regularizers, base, s.seeds, s.lr);
}

export const regularizationRegression: Reproduction = {
  name: 'regularization-regression',
  title: 'Regularization narrows the train/test gap: a wide MLP on 20 noisy points of sin(2πx)',
  source: 'survey 000 §3.1.2 (noise injection into inputs and weights), §3.2.1 (L2); course notes 003 §5.1, 5.3, 5.4 (L2, early stopping, dropout)',
  summary: 'A 1-128-128-1 tanh MLP fits the noise of 20 training points; L2, dropout, early stopping, input noise and weight noise each narrow the train/test MSE gap against the unregularized baseline with the same seeds.',
  trials: (scale) => regressionTrials(scale),
  async analyze(records, plotDir, scale): Promise<Analysis> {
    const s = regressionSettings(scale);
    const groups = groupsByKey(records);
    const sink = new PlotSink(plotDir);
    const setting = `MLP ${[1, ...s.hidden, 1].join('-')} (tanh) on ${s.n} noisy points`;
    await gapPlots(groups, REGRESSION_REGULARIZERS, sink, { prefix: 'regression', setting, lossName: 'MSE', logY: true });
    // The fitted functions of seed 0, with the truth and the training points.
    const series: Series[] = [];
    let first = true;
    for (const r of REGRESSION_REGULARIZERS) {
      const rec = groups.get(r.key)?.records.find((x) => x.config.seed === 0);
      const e = rec?.extra as { grid?: number[]; prediction?: number[]; truth?: number[]; trainX?: number[]; trainY?: number[] } | undefined;
      if (!e?.grid || !e.prediction) continue;
      if (first && e.truth && e.trainX && e.trainY) {
        series.push({ label: 'truth sin(2πx)', x: e.grid, mean: e.truth });
        const order = e.trainX.map((x, i) => [x, e.trainY![i]]).sort((a, b) => a[0] - b[0]);
        series.push({ label: 'training points (joined)', x: order.map((p) => p[0]), mean: order.map((p) => p[1]) });
        first = false;
      }
      series.push({ label: r.label, x: e.grid, mean: e.prediction });
    }
    if (series.length) await sink.add(curvesChart(series, { name: 'regression-fits', title: `${setting}: fitted functions (seed 0)`, xTitle: 'x', yTitle: 'y' }));
    const { table, claims, figures } = gapAnalysis(groups, REGRESSION_REGULARIZERS, { lossName: 'MSE', accuracy: false, setting });
    return {
      sections: [
        {
          title: setting,
          text: [
            `y = sin(2πx) + N(0, ${s.noise}²) at ${s.n} uniform points of [0, 1] (a fresh draw per seed, the same for every method); test: ${s.nTest} more points; validation for early stopping: a second draw of ${s.n}. Adam (lr ${s.lr}), full batch, ${s.epochs} epochs, ${s.seeds} seeds. The noise floor of the test MSE is ${s.noise ** 2}.`,
            claimCount(claims),
          ],
          claims,
          tables: [table],
          plots: sink.plots,
        },
      ],
      tables: [table],
      plots: sink.plots,
      claims,
      figures,
    };
  },
};
