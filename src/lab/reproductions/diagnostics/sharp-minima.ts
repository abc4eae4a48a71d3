/**
 * Large-batch training converges to sharper minima that generalize worse (Keskar, Mudigere,
 * Nocedal, Smelyanskiy and Tang 2017, as survey 000 and the theory overview recount it): the
 * same MLP trained with Adam on small batches and on large ones, then at the solution Keskar's
 * ε-sharpness (the worst relative loss increase in a box of relative size ε) and the top Hessian
 * eigenvalue, both on training data, beside the train and test accuracy.
 */
import { z } from 'zod';
import { sharpness, spectralDensity, topHessianEigen } from '../../../diagnostics/index.js';
import { crossEntropy } from '../../../nn/index.js';
import { slice } from '../regularize/data.js';
import { accuracy, buildNet, datasetOption, fmnist, lossObjective, train } from './common.js';
import { analysisOf, barChart, type Claim, curvesChart, fmt, fmtMeanStd, groupTrials, mean, optionsSchema, PlotSink, type Reproduction, resolveMethod, type Scale, type Series, type TaskDef, type TrialConfig, type TrialOutput } from '../kit.js';

export interface BatchSharpnessOptions {
  dataset: 'auto' | 'builtin' | 'full';
  trainLimit: number;
  testLimit: number;
  width: number;
  /** The most epochs (training stops earlier at `targetLoss`). */
  epochs: number;
  batchSize: number;
  /** Stop once an epoch's mean training loss is below this (null: train all epochs). */
  targetLoss: number | null;
  /** Training examples the sharpness and the eigenvalue are measured on. */
  evalLimit: number;
  epsilon: number;
  ascentSteps: number;
  lanczosIterations: number;
  /** Stochastic Lanczos quadrature probes for the spectral density (0: none). */
  spectrumRuns: number;
}

/** One trial: train, then measure the solution's sharpness and top Hessian eigenvalue. */
export function runBatchSharpness(config: TrialConfig, o: BatchSharpnessOptions): TrialOutput {
  const data = fmnist(o.dataset, o.trainLimit, o.testLimit);
  const model = buildNet({ width: o.width, depth: 1, residual: false, activation: 'relu', seed: config.seed });
  // Both batch sizes train to the same training loss, so the minima are compared at equal fit.
  const stopAtTarget = { onEpochEnd: (ctx: { metrics: Record<string, number>; stop(reason?: string): void }) => {
    if (o.targetLoss !== null && ctx.metrics.loss < o.targetLoss) ctx.stop('target loss reached');
  } };
  let epochs = 0;
  const countEpochs = { onEpochEnd: () => void epochs++ };
  const steps = train(model, data.train, config.method, { epochs: o.epochs, batchSize: o.batchSize, seed: config.seed, callbacks: [stopAtTarget, countEpochs] });
  const probe = slice(data.train, 0, o.evalLimit);
  const objective = lossObjective(model, probe);
  const params = model.parameters();
  const sharp = sharpness(objective, params, { epsilon: o.epsilon, steps: o.ascentSteps, seed: config.seed });
  const top = topHessianEigen(objective, params, { k: 1, iterations: o.lanczosIterations, seed: config.seed });
  const testLoss = crossEntropy(model.forward(data.test.x), data.test.y).item();
  const density = o.spectrumRuns > 0 ? spectralDensity(objective, params, { runs: o.spectrumRuns, iterations: o.lanczosIterations, points: 120, seed: config.seed }) : null;
  return {
    final: {
      trainLoss: sharp.loss,
      trainAccuracy: accuracy(model, data.train),
      testAccuracy: accuracy(model, data.test),
      testLoss,
      sharpness: sharp.sharpness,
      topEigenvalue: top.eigenvalues[0],
      steps,
      epochs,
    },
    extra: { data: data.source, ...(density ? { spectrumGrid: density.grid, spectrumDensity: density.density } : {}) },
  };
}

/** The task `batch-sharpness`. */
export const batchSharpnessTask: TaskDef = {
  name: 'batch-sharpness',
  title: 'Sharpness of the minimum a batch size finds (Keskar et al. 2017)',
  description: 'A 784-w-w-10 ReLU MLP on Fashion-MNIST trained at a batch size; then ε-sharpness and the top Hessian eigenvalue on training data, and train/test accuracy',
  schema: optionsSchema({
    dataset: datasetOption,
    trainLimit: z.number().int().positive().default(2000),
    testLimit: z.number().int().positive().default(1000),
    width: z.number().int().positive().default(128),
    epochs: z.number().int().positive().default(15),
    batchSize: z.number().int().positive().default(32),
    targetLoss: z.number().positive().nullable().default(null),
    evalLimit: z.number().int().positive().default(1000),
    epsilon: z.number().positive().default(1e-3),
    ascentSteps: z.number().int().positive().default(20),
    lanczosIterations: z.number().int().positive().default(20),
    spectrumRuns: z.number().int().min(0).default(3),
  }),
  primary: { metric: 'sharpness', goal: 'min' },
  defaultLr: () => 1e-3,
  run: (config, options) => runBatchSharpness(config, options as unknown as BatchSharpnessOptions),
};

/** Both runs train to the same target loss (at most `epochs` epochs for the small batch, `largeEpochs` for the large). */
export function sharpMinimaSettings(scale: Scale): { base: Record<string, number | string>; small: number; large: number; epochs: number; largeEpochs: number; seeds: number } {
  return scale === 'full'
    ? { base: { dataset: 'auto', trainLimit: 6000, testLimit: 2000, width: 256, targetLoss: 0.05, evalLimit: 2000 }, small: 64, large: 1500, epochs: 60, largeEpochs: 400, seeds: 3 }
    : { base: { dataset: 'builtin', trainLimit: 1000, testLimit: 1000, width: 128, targetLoss: 0.1, evalLimit: 1000 }, small: 32, large: 500, epochs: 40, largeEpochs: 300, seeds: 2 };
}

/** The reproduction, with the claims of the header above. */
export const sharpMinima: Reproduction = {
  name: 'sharp-minima',
  title: 'Large batches converge to sharper minima that generalize worse (Keskar et al. 2017)',
  source: "survey 000 and the theory overview (seed 002) on Keskar et al. 2017's large-batch sharp minima",
  summary: 'An MLP trained with Adam at a small and a large batch size to the same training loss: ε-sharpness, top Hessian eigenvalue, and the test accuracy at each.',
  trials(scale) {
    const s = sharpMinimaSettings(scale);
    const method = resolveMethod('adam', { lr: 1e-3 }, 'Adam');
    const out: TrialConfig[] = [];
    for (const [kind, batchSize, epochs] of [['small batch', s.small, s.epochs], ['large batch', s.large, s.largeEpochs]] as const) {
      for (let seed = 0; seed < s.seeds; seed++) out.push({ task: 'batch-sharpness', taskOptions: { ...s.base, batchSize, epochs }, method, seed, tags: { kind } });
    }
    return out;
  },
  async analyze(records, plotDir) {
    const sink = new PlotSink(plotDir);
    const groups = groupTrials(records);
    const of = (kind: string) => groups.find((g) => g.records[0].config.tags?.kind === kind);
    const values = (kind: string, key: string): number[] => of(kind)?.records.map((r) => r.final[key] as number) ?? [];
    const keys = ['batchSize', 'steps', 'trainLoss', 'trainAccuracy', 'testAccuracy', 'sharpness', 'topEigenvalue'];
    const rows = ['small batch', 'large batch'].filter(of).map((kind) => [kind, String(of(kind)!.records[0].config.taskOptions.batchSize), ...keys.slice(1).map((k) => fmtMeanStd(values(kind, k)))]);
    for (const key of ['sharpness', 'topEigenvalue'] as const) {
      await sink.add(barChart(['small batch', 'large batch'].filter(of).map((kind) => ({ label: kind, mean: mean(values(kind, key)), std: 0 })), { name: `batch-${key}`, title: key === 'sharpness' ? 'ε-sharpness of the solution (ε = 1e-3)' : 'Top Hessian eigenvalue at the solution', yTitle: key }));
    }
    const spectra: Series[] = ['small batch', 'large batch'].flatMap((kind) => {
      const r = of(kind)?.records[0];
      const grid = r?.extra?.spectrumGrid as number[] | undefined;
      return grid ? [{ label: kind, x: grid, mean: (r!.extra!.spectrumDensity as number[]).map((d) => Math.max(d, 1e-6)) }] : [];
    });
    if (spectra.length) await sink.add(curvesChart(spectra, { name: 'hessian-spectrum', title: 'Hessian eigenvalue density at the solution (stochastic Lanczos quadrature)', xTitle: 'eigenvalue', yTitle: 'density', logY: true }));
    const claims: Claim[] = [];
    const figures: Record<string, number | null> = {};
    if (of('small batch') && of('large batch')) {
      const m = (kind: string, key: string) => mean(values(kind, key));
      claims.push({ claim: 'Large-batch training ends at a sharper minimum (larger ε-sharpness)', holds: m('large batch', 'sharpness') > m('small batch', 'sharpness'), detail: `${fmt(m('large batch', 'sharpness'))} vs ${fmt(m('small batch', 'sharpness'))}` });
      claims.push({ claim: 'Large-batch training ends where the top Hessian eigenvalue is larger', holds: m('large batch', 'topEigenvalue') > m('small batch', 'topEigenvalue'), detail: `λ₁ ${fmt(m('large batch', 'topEigenvalue'))} vs ${fmt(m('small batch', 'topEigenvalue'))}` });
      claims.push({ claim: 'The large-batch solution generalizes worse (lower test accuracy)', holds: m('large batch', 'testAccuracy') < m('small batch', 'testAccuracy'), detail: `${fmt(100 * m('large batch', 'testAccuracy'))} % vs ${fmt(100 * m('small batch', 'testAccuracy'))} % (train accuracy ${fmt(100 * m('large batch', 'trainAccuracy'))} % vs ${fmt(100 * m('small batch', 'trainAccuracy'))} %)` });
      for (const kind of ['small batch', 'large batch']) for (const key of keys.slice(1)) figures[`${kind}:${key}`] = m(kind, key);
    }
    return analysisOf([{ title: 'Batch size and the sharpness of the solution', text: ['Adam (lr 1e-3) at both batch sizes until the same training loss (Keskar et al. train both to near-perfect training accuracy); sharpness is their metric 2.1 in the full space with ε = 1e-3, found by projected sign-gradient ascent (a lower bound on their L-BFGS-B maximum); the eigenvalue by 20 Lanczos iterations, and the eigenvalue density by stochastic Lanczos quadrature (3 probes, Gaussian broadening).'], claims, tables: [{ headers: ['run', 'batch size', 'steps', 'train loss', 'train accuracy', 'test accuracy', 'ε-sharpness', 'top eigenvalue'], rows }], plots: sink.plots }], figures);
  },
};
