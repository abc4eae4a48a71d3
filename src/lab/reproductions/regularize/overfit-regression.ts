/**
 * Regularization narrows the gap between training and test loss (survey 000 §3; course notes
 * 003 §5), on an over-fitting setup trained without regularization and with each method, with
 * the same seeds (the other setup is ./overfit-fmnist.ts):
 *
 * `regularization-regression`: a 1-128-128-1 tanh MLP on 20 noisy points of sin(2πx), Adam
 * full-batch, 2000 epochs; methods L2, dropout, early stopping, input noise (noise injection
 * into the inputs: for 1D regression, input jitter is also its data augmentation) and weight
 * noise. It runs the task `regularize-regression`.
 *
 * Claim checked for every method: its final train/test loss gap is below the baseline's.
 */
import { z } from 'zod';
import { noisyRegression1D } from '../../../data/index.js';
import { Generator, linspace, noGrad } from '../../../tensor/index.js';
import type { RegularizationConfig } from '../../../regularize/spec.js';
import { buildMLP, fit, type Activation } from '../../../regularize/train.js';
import { claimCount, gapAnalysis, gapPlots, groupsByKey, hiddenOption, regularizationOption, regularizerTrials, type Regularizer } from './common.js';
import { progress } from './data.js';
import { type Analysis, analysisOf, curvesChart, isAdaptive, optionsSchema, PlotSink, type Reproduction, type Scale, type Series, type TaskDef, type TaskHooks, type TrialConfig, type TrialOutput } from '../kit.js';

// ---- the task --------------------------------------------------------------------------------

export interface OverfitRegressionOptions {
  n: number;
  nTest: number;
  noise: number;
  hidden: number[];
  activation: Activation;
  epochs: number;
  batchSize: number | null;
  evalEvery: number;
  /** Points of the fitted curve kept for plotting. */
  gridPoints: number;
  regularization: RegularizationConfig;
}

export function runOverfitRegression(config: TrialConfig, o: OverfitRegressionOptions, hooks: TaskHooks = {}): TrialOutput {
  // The data depend on the seed (each seed is a fresh draw of the noisy training points), the
  // same for every method at that seed.
  const data = noisyRegression1D({ n: o.n, nTest: o.nTest, noise: o.noise, seed: 1000 + config.seed });
  const val = noisyRegression1D({ n: o.n, nTest: 1, noise: o.noise, seed: 2000 + config.seed });
  const r = o.regularization;
  const model = buildMLP({ inputs: 1, hidden: o.hidden, outputs: 1, activation: o.activation, generator: new Generator(config.seed), regularization: r });
  const res = fit(model, {
    kind: 'regression', train: { x: data.x, y: data.y }, test: data.test, validation: { x: val.x, y: val.y },
    epochs: o.epochs, batchSize: o.batchSize ?? o.n, optimizer: config.method.optimizer, optimizerOptions: config.method.options,
    seed: config.seed, regularization: r, evalEvery: o.evalEvery, onProgress: progress(hooks),
  });
  const grid = linspace(0, 1, o.gridPoints).reshape([o.gridPoints, 1]);
  model.eval();
  const pred = noGrad(() => model.forward(grid));
  return {
    epochs: res.epochs,
    final: res.final,
    extra: {
      grid: Array.from(grid.data),
      prediction: Array.from(pred.data),
      truth: Array.from(grid.data, (t) => data.fn(t)),
      trainX: Array.from(data.x.data),
      trainY: Array.from(data.y.data),
    },
  };
}

/** The task `regularize-regression`. */
export const overfitRegressionTask: TaskDef = {
  name: 'regularize-regression',
  title: 'Over-fitting wide MLP on the noisy 1D regression, with a regularization configuration',
  description: 'y = sin(2πx) + N(0, noise²) at n random points; MLP (default 1-128-128-1, tanh), full-batch; MSE; validation from a second draw; the figure of merit is the train/test MSE gap',
  schema: optionsSchema({
    n: z.number().int().positive().default(20),
    nTest: z.number().int().positive().default(500),
    noise: z.number().min(0).default(0.3),
    hidden: hiddenOption([128, 128]),
    activation: z.enum(['relu', 'tanh', 'sigmoid', 'selu']).default('tanh'),
    epochs: z.number().int().positive().default(2000),
    batchSize: z.number().int().positive().nullable().default(null),
    evalEvery: z.number().int().positive().default(50),
    gridPoints: z.number().int().min(2).default(101),
    regularization: regularizationOption,
  }),
  primary: { metric: 'gap', goal: 'min' },
  defaultLr: (m) => (isAdaptive(m) ? 1e-2 : 0.1),
  run: (config, options, hooks) => runOverfitRegression(config, options as unknown as OverfitRegressionOptions, hooks),
};

// ---- the reproduction ------------------------------------------------------------------------


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
    return analysisOf(
      [
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
      figures,
    );
  },
};
