/**
 * Semi-supervised learning with 10% of the labels (survey 000 §3.2.5): an MLP trained on the
 * labeled tenth alone against the same MLP trained on it plus the other nine tenths unlabeled,
 * with pseudo-labels above a confidence threshold (Lee 2013), entropy minimization (Grandvalet
 * & Bengio 2004) and, at full scale, the Π-model consistency (Laine & Aila 2017), for the same
 * number of steps and the same seeds.
 *
 * Two settings:
 * - Gaussian clusters (10 classes in 50 dimensions, unit noise, random centers): the data
 *   satisfy the assumption the survey states (labeled and unlabeled examples from one
 *   distribution whose classes are separated by low-density regions), so the unlabeled nine
 *   tenths locate the clusters;
 * - Fashion-MNIST (full scale only): 600 labeled + 5,400 unlabeled images of the built-in
 *   subset, an MLP 784-256-10 with dropout 0.5 in both arms, trained as Lee (2013) trains it:
 *   the pseudo-label weight α(t) is 0 for the first 1,000 steps, rises linearly to α_f = 3 over
 *   the next 3,000, and pseudo-labels are recomputed at every step (here only those with
 *   probability >= 0.95 count). The settings were chosen on a validation set drawn from the full
 *   Fashion-MNIST training split outside the subset, never on the test set (docs/regularization.md).
 *
 * Seeds are paired (same data, initialization and batches for every method at a seed); a
 * claim holds when the method beats the labeled-only model at every seed.
 */
import { z } from 'zod';
import { gaussianMixture, type TensorDataset } from '../../../data/index.js';
import { Generator } from '../../../tensor/index.js';
import { composeAugment, horizontalFlip, randomCrop } from '../../../regularize/augment.js';
import { fitSemiSupervised } from '../../../regularize/fit-semi-supervised.js';
import { inputNoise } from '../../../regularize/noise.js';
import { buildMLP } from '../../../regularize/train.js';
import { claimCount, hiddenOption } from './common.js';
import { progress, slice, subset } from './data.js';
import { type Analysis, analysisOf, barChart, type Claim, curves, curvesChart, finalStats, fmt, fmtMeanStd, type Group, groupTrials, isAdaptive, optionsSchema, type Plot, PlotSink, type Reproduction, resolveMethod, type Scale, type Table, type TaskDef, type TaskHooks, type TrialConfig, type TrialOutput, formattedTable } from '../kit.js';

// ---- the task --------------------------------------------------------------------------------

export interface SemiSupervisedTaskOptions {
  /** 'clusters': Gaussian clusters (random centers N(0, separation² I) in `dim` dimensions, unit noise); 'fmnist': the built-in subset. */
  dataset: 'clusters' | 'fmnist';
  /** Labeled examples (the first of the pool). */
  labeled: number;
  /** Unlabeled examples (the next ones; their labels are not used). */
  unlabeled: number;
  testLimit: number;
  dim: number;
  classes: number;
  separation: number;
  hidden: number[];
  dropout: number;
  steps: number;
  batchSize: number;
  unlabeledBatchSize: number;
  method: 'none' | 'pseudo-label' | 'entropy' | 'consistency';
  threshold: number;
  weight: number;
  warmupSteps: number | null;
  rampSteps: number | null;
  /** Shape of the unlabeled weight's ramp-up: 'gaussian' (Laine & Aila) or 'linear' (Lee's α(t)). */
  ramp: 'gaussian' | 'linear';
  /** Input perturbation of the training batches (and of the unlabeled term): 'none', 'noise' (Gaussian, σ 0.3) or 'crop' (images: random crop 2 + flip). */
  perturb: 'none' | 'noise' | 'crop';
  evalEvery: number | null;
}

/** The labeled, unlabeled and test sets of a semi-supervised trial. */
export function semiSupervisedData(o: SemiSupervisedTaskOptions, seed: number): { labeled: TensorDataset; unlabeled: TensorDataset; test: TensorDataset; inputs: number; classes: number; flatten: boolean } {
  let pool: TensorDataset;
  let test: TensorDataset;
  let inputs: number;
  let classes: number;
  if (o.dataset === 'fmnist') {
    const s = subset();
    pool = s.train;
    test = slice(s.test, 0, o.testLimit);
    inputs = 784;
    classes = 10;
  } else {
    // The clusters depend on the seed; every method sees the same ones at a seed.
    const g = new Generator(5000 + seed);
    const centers = Array.from({ length: o.classes }, () => Array.from({ length: o.dim }, () => o.separation * g.normal()));
    pool = gaussianMixture({ n: o.labeled + o.unlabeled, centers, std: 1, seed: 6000 + seed });
    test = gaussianMixture({ n: o.testLimit, centers, std: 1, seed: 7000 + seed });
    inputs = o.dim;
    classes = o.classes;
  }
  if (o.labeled + o.unlabeled > pool.x.shape[0]) throw new RangeError(`semisupervised: labeled + unlabeled must be at most ${pool.x.shape[0]}, got ${o.labeled + o.unlabeled}`);
  // The unlabeled examples keep their labels only to measure the pseudo-labels' accuracy; training never reads them.
  return { labeled: slice(pool, 0, o.labeled), unlabeled: slice(pool, o.labeled, o.labeled + o.unlabeled), test, inputs, classes, flatten: o.dataset === 'fmnist' };
}

export function runSemiSupervised(config: TrialConfig, o: SemiSupervisedTaskOptions, hooks: TaskHooks = {}): TrialOutput {
  const d = semiSupervisedData(o, config.seed);
  if (o.perturb === 'crop' && o.dataset !== 'fmnist') throw new RangeError("semisupervised: perturb 'crop' needs images (dataset 'fmnist')");
  const model = buildMLP({ inputs: d.inputs, hidden: o.hidden, outputs: d.classes, flatten: d.flatten, generator: new Generator(config.seed), regularization: { dropout: o.dropout } });
  const augment = o.perturb === 'noise' ? inputNoise(0.3) : o.perturb === 'crop' ? composeAugment(randomCrop({ padding: 2 }), horizontalFlip()) : undefined;
  const res = fitSemiSupervised(model, {
    labeled: d.labeled, unlabeled: d.unlabeled, test: d.test, numClasses: d.classes, steps: o.steps, batchSize: o.batchSize, unlabeledBatchSize: o.unlabeledBatchSize,
    method: o.method, threshold: o.threshold, weight: o.weight, warmupSteps: o.warmupSteps ?? undefined, rampSteps: o.rampSteps ?? undefined, ramp: o.ramp,
    augment, optimizer: config.method.optimizer, optimizerOptions: config.method.options, seed: config.seed,
    evalEvery: o.evalEvery ?? undefined, onProgress: progress(hooks),
  });
  return { epochs: res.epochs, final: res.final };
}

/** The task `semisupervised`. */
export const semiSupervisedTask: TaskDef = {
  name: 'semisupervised',
  title: 'Semi-supervised learning: a labeled subset plus unlabeled data (Gaussian clusters or Fashion-MNIST)',
  description: "MLP trained on `labeled` labeled and `unlabeled` unlabeled examples; method 'none' (labeled only), 'pseudo-label' (Lee 2013, confidence threshold), 'entropy' (entropy minimization) or 'consistency' (Π-model)",
  schema: optionsSchema({
    dataset: z.enum(['clusters', 'fmnist']).default('clusters'),
    labeled: z.number().int().positive().default(200),
    unlabeled: z.number().int().min(0).default(1800),
    testLimit: z.number().int().positive().default(2000),
    dim: z.number().int().positive().default(50),
    classes: z.number().int().min(2).default(10),
    separation: z.number().positive().default(0.5),
    hidden: hiddenOption([64]),
    dropout: z.number().min(0).lt(1).default(0),
    steps: z.number().int().positive().default(1000),
    batchSize: z.number().int().positive().default(32),
    unlabeledBatchSize: z.number().int().positive().default(128),
    method: z.enum(['none', 'pseudo-label', 'entropy', 'consistency']).default('pseudo-label'),
    threshold: z.number().min(0).max(1).default(0.95),
    weight: z.number().min(0).default(1),
    warmupSteps: z.number().int().min(0).nullable().default(null),
    rampSteps: z.number().int().min(0).nullable().default(null),
    ramp: z.enum(['gaussian', 'linear']).default('gaussian'),
    perturb: z.enum(['none', 'noise', 'crop']).default('none'),
    evalEvery: z.number().int().positive().nullable().default(null),
  }),
  primary: { metric: 'testAccuracy', goal: 'max' },
  defaultLr: (m) => (isAdaptive(m) ? 1e-3 : 0.05),
  run: (config, options, hooks) => runSemiSupervised(config, options as unknown as SemiSupervisedTaskOptions, hooks),
};

// ---- the reproduction ------------------------------------------------------------------------

type SslMethod = 'none' | 'pseudo-label' | 'entropy' | 'consistency';

interface Variant {
  key: string;
  label: string;
  method: SslMethod;
  perturb?: 'none' | 'noise';
  /** Task options of this variant only (the pseudo-label schedule). */
  options?: Record<string, unknown>;
}

const LABELS: Record<string, Variant> = {
  none: { key: 'none', label: 'labeled 10% only', method: 'none' },
  'pseudo-label': { key: 'pseudo-label', label: 'pseudo-labels (threshold 0.95)', method: 'pseudo-label' },
  entropy: { key: 'entropy', label: 'entropy minimization', method: 'entropy' },
  consistency: { key: 'consistency', label: 'Π-model consistency (input noise)', method: 'consistency', perturb: 'noise' },
  lee: {
    key: 'pseudo-label',
    label: "pseudo-labels (Lee's α(t): 0 → 3, threshold 0.95)",
    method: 'pseudo-label',
    options: { weight: 3, threshold: 0.95, warmupSteps: 1000, rampSteps: 3000, ramp: 'linear' },
  },
};

interface Setting {
  key: 'clusters' | 'fmnist';
  title: string;
  variants: Variant[];
  seeds: number;
  options: Record<string, unknown>;
}

/**
 * Fashion-MNIST with Lee's schedule. The quick scale runs it at one seed: shorter runs or smaller
 * models do not show the effect (the pseudo-label weight must reach its final value and the model
 * train on it for thousands of steps), so the reduction is in seeds, not in training.
 */
function fmnistSetting(seeds: number): Setting {
  return {
    key: 'fmnist',
    title: 'Fashion-MNIST, 600 labeled + 5,400 unlabeled images (MLP 784-256-10, dropout 0.5)',
    variants: [LABELS.none, LABELS.lee],
    seeds,
    options: { dataset: 'fmnist', labeled: 600, unlabeled: 5400, testLimit: 1000, hidden: [256], dropout: 0.5, steps: 6000, evalEvery: 1000 },
  };
}

export function semiSupervisedSettings(scale: Scale): Setting[] {
  if (scale === 'quick') {
    return [
      {
        key: 'clusters',
        title: 'Gaussian clusters (10 classes, 50 dimensions), 200 labeled + 1,800 unlabeled',
        variants: [LABELS.none, LABELS['pseudo-label'], LABELS.entropy],
        seeds: 2,
        options: { dataset: 'clusters', labeled: 200, unlabeled: 1800, testLimit: 1000, dim: 50, classes: 10, separation: 0.5, hidden: [64], steps: 1000, evalEvery: 200 },
      },
      fmnistSetting(1),
    ];
  }
  return [
    {
      key: 'clusters',
      title: 'Gaussian clusters (10 classes, 50 dimensions), 200 labeled + 1,800 unlabeled',
      variants: [LABELS.none, LABELS['pseudo-label'], LABELS.entropy, LABELS.consistency],
      seeds: 3,
      options: { dataset: 'clusters', labeled: 200, unlabeled: 1800, testLimit: 2000, dim: 50, classes: 10, separation: 0.5, hidden: [64], steps: 1000, evalEvery: 50 },
    },
    fmnistSetting(5),
  ];
}

export function semiSupervisedTrials(scale: Scale): TrialConfig[] {
  const out: TrialConfig[] = [];
  for (const s of semiSupervisedSettings(scale)) {
    for (const v of s.variants) {
      const taskOptions = { ...s.options, ...v.options, method: v.method, perturb: v.perturb ?? 'none' } as TrialConfig['taskOptions'];
      for (let seed = 0; seed < s.seeds; seed++) out.push({ task: 'semisupervised', taskOptions, method: resolveMethod('adam', { lr: 1e-3 }, v.label), seed, tags: { setting: s.key, variant: v.key } });
    }
  }
  return out;
}

export const pseudoLabeling: Reproduction = {
  name: 'pseudo-labeling',
  title: 'Semi-supervised learning with 10% of the labels: pseudo-labels and entropy minimization beat the labeled data alone',
  source: 'survey 000 §3.2.5 (semi-supervised learning: entropy minimization, pseudo-labels (Lee 2013), consistency regularization)',
  summary: 'With a tenth of the examples labeled, adding the other nine tenths unlabeled with pseudo-labels above a confidence threshold raises test accuracy over training on the labeled tenth alone, with the same model, steps and seeds.',
  trials: semiSupervisedTrials,
  async analyze(records, plotDir, scale): Promise<Analysis> {
    const sink = new PlotSink(plotDir);
    const figures: Record<string, number | null> = {};
    const sections: Analysis['sections'] = [];
    for (const s of semiSupervisedSettings(scale)) {
      const groups = groupTrials(records.filter((r) => r.config.tags?.setting === s.key));
      const by = (k: string): Group | undefined => groups.find((g) => g.records[0].config.tags?.variant === k);
      const ordered = s.variants.map((v) => by(v.key)).filter((g): g is Group => g !== undefined);
      if (ordered.length === 0) continue;
      const secPlots: Plot[] = [];
      const addHere = async (p: Promise<Plot>): Promise<void> => {
        secPlots.push(await sink.add(p));
      };
      await addHere(curvesChart(curves(ordered, 'epochs', 'step', 'testAccuracy'), { name: `${s.key}-test-accuracy`, title: `${s.title}: test accuracy`, xTitle: 'step', yTitle: 'test accuracy' }));
      await addHere(barChart(ordered.map((g) => ({ label: g.label, mean: 100 * finalStats(g, 'testAccuracy').mean, std: 100 * finalStats(g, 'testAccuracy').std })), { name: `${s.key}-final-accuracy`, title: `${s.title}: final test accuracy`, yTitle: 'test accuracy (%)' }));
      const base = by('none');
      const baseAcc = base ? finalStats(base, 'testAccuracy').mean : NaN;
      const rows = ordered.map((g) => {
        const acc = finalStats(g, 'testAccuracy');
        const key = String(g.records[0].config.tags?.variant);
        figures[`${s.key}.testAccuracy.${key}`] = acc.mean;
        return [
          g.label,
          acc.values.map((v) => 100 * v),
          key === 'none' ? '' : 100 * (acc.mean - baseAcc),
          finalStats(g, 'testLoss').values,
          finalStats(g, 'unlabeledConfident').values.map((v) => 100 * v),
          finalStats(g, 'pseudoLabelAccuracy').values.map((v) => 100 * v),
          g.records.length,
        ];
      });
      const table: Table = formattedTable(['method', 'test accuracy (%)', 'vs labeled only (points)', 'test loss', 'unlabeled set: share above threshold (%)', 'accuracy of those pseudo-labels (%)', 'seeds'], rows, { caption: `${s.title}: final figures, mean ± std over seeds`, digits: { 2: 3, 4: 3, 5: 3 } });
      const here: Claim[] = [];
      // Seeds are paired (the same data, initialization and batches for every method at a seed),
      // so the claim is judged seed by seed: it holds when every seed improves.
      const accAt = (g: Group, seed: number): number | undefined => g.records.find((r) => r.config.seed === seed)?.final.testAccuracy as number | undefined;
      for (const k of ['pseudo-label', 'entropy', 'consistency']) {
        const g = by(k);
        if (!g || !base) continue;
        const acc = finalStats(g, 'testAccuracy').mean;
        const diffs = g.records
          .map((r) => ({ seed: r.config.seed, a: r.final.testAccuracy as number, b: accAt(base, r.config.seed) }))
          .filter((d): d is { seed: number; a: number; b: number } => d.b !== undefined)
          .map((d) => ({ seed: d.seed, diff: d.a - d.b }));
        here.push({
          claim: `${s.title}: ${g.label} beats training on the 10% labeled data alone (test accuracy, at every seed)`,
          holds: diffs.length > 0 && diffs.every((d) => d.diff > 0),
          detail: `${fmt(100 * acc)} % vs ${fmt(100 * baseAcc)} % on average; per seed ${diffs.map((d) => `${d.diff >= 0 ? '+' : ''}${fmt(100 * d.diff, 3)}`).join(', ')} points`,
        });
      }
      sections.push({
        title: s.title,
        text: [
          s.key === 'fmnist'
            ? `Both arms train the same MLP (dropout 0.5) from the same initialization on the same labeled batches for 6,000 Adam steps (lr 0.001); a step takes a labeled batch of 32 and, for pseudo-labeling, an unlabeled batch of 128 whose weight α(t) is 0 for 1,000 steps, then rises linearly to 3 over 3,000 steps (Lee 2013). The last column measures the model's pseudo-labels on the whole unlabeled set against its true labels, which training never sees. ${s.seeds} seeds.`
            : `Each method trains the same MLP from the same initialization for the same number of Adam steps (lr 0.001); a step takes a labeled batch of 32 and, for the semi-supervised methods, an unlabeled batch of 128 whose term is off for the first 20% of the steps and then ramped up (Laine & Aila's exp(-5(1-t)²) over the next 20%). ${s.seeds} seeds.`,
          claimCount(here),
        ],
        claims: here,
        tables: [table],
        plots: secPlots,
      });
    }
    return analysisOf(sections, figures);
  },
};
