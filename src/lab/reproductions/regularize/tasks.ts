/**
 * The lab tasks of the regularization area: what a trial of a regularization reproduction (or
 * of a spec naming these tasks) trains. Each takes a `regularization` option (see ../spec.ts),
 * so a spec file compares regularizers as it compares optimizers:
 *
 * ```yaml
 * name: dropout-vs-l2
 * tasks:
 *   - { name: regularize-fmnist, label: baseline, options: { epochs: 50 } }
 *   - { name: regularize-fmnist, label: dropout, options: { epochs: 50, regularization: { dropout: 0.5 } } }
 *   - { name: regularize-fmnist, label: L2, options: { epochs: 50, regularization: { l2: 0.003 } } }
 * optimizers: [adam]
 * seeds: 2
 * ```
 *
 * - `regularize-fmnist`: an MLP on a small subset of Fashion-MNIST (over-fitting setup);
 * - `regularize-regression`: a wide MLP on the noisy 1D regression (over-fitting setup);
 * - `adversarial-fmnist`: clean and robust accuracy (FGSM, PGD) of an MLP, with or without
 *   adversarial training;
 * - `semisupervised`: a labeled subset plus unlabeled data (Gaussian clusters or Fashion-MNIST;
 *   pseudo-labels, entropy minimization, Π-model) against the labeled subset alone.
 *
 * These import the lab's types only, so src/lab/tasks.ts can register them without a cycle.
 */
import { z } from 'zod';
import { gaussianMixture, loadFashionMNISTSubset, noisyRegression1D, takeRows, type TensorDataset } from '../../../data/index.js';
import { Generator, linspace, noGrad, type Tensor } from '../../../tensor/index.js';
import type { Method } from '../../methods.js';
import type { TaskDef, TaskHooks } from '../../tasks.js';
import type { TrialConfig, TrialOutput } from '../../trial.js';
import type { JsonObject } from '../../util.js';
import { robustAccuracy } from '../../../regularize/adversarial.js';
import { composeAugment, horizontalFlip, randomCrop } from '../../../regularize/augment.js';
import { inputNoise } from '../../../regularize/noise.js';
import { regularizationSchema, type RegularizationConfig } from '../../../regularize/spec.js';
import { fitSemiSupervised } from '../../../regularize/fit-semi-supervised.js';
import { buildMLP, fit, type Activation } from '../../../regularize/train.js';

const isAdaptive = (m: Method): boolean => !['sgd', 'momentum', 'nesterov'].includes(m.optimizer);

const rows = (a: number, b: number): number[] => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);

const subsetCache = new Map<string, { train: TensorDataset; test: TensorDataset }>();

/** The built-in Fashion-MNIST subset (6,000 train / 1,000 test), loaded once per thread. */
function subset(): { train: TensorDataset; test: TensorDataset } {
  let hit = subsetCache.get('fmnist');
  if (!hit) {
    hit = { train: loadFashionMNISTSubset({ split: 'train' }), test: loadFashionMNISTSubset({ split: 'test' }) };
    subsetCache.set('fmnist', hit);
  }
  return hit;
}

function slice(d: TensorDataset, a: number, b: number): TensorDataset {
  const idx = rows(a, Math.min(b, d.x.shape[0]));
  return { x: takeRows(d.x, idx), y: takeRows(d.y, idx) };
}

const progress = (hooks: TaskHooks) => (f: number, s?: string): void => hooks.onProgress?.(f, s);

function schemaOf(shape: Record<string, z.ZodType>): z.ZodType<JsonObject> {
  return z.object(shape).strict() as unknown as z.ZodType<JsonObject>;
}

// ---- over-fitting Fashion-MNIST -------------------------------------------------------------

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

// ---- over-fitting noisy 1D regression --------------------------------------------------------

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

// ---- adversarial training --------------------------------------------------------------------

export interface AdversarialFmnistOptions {
  trainLimit: number;
  testLimit: number;
  hidden: number[];
  epochs: number;
  batchSize: number;
  /** The radii at which robust accuracy is measured. */
  evalEpsilons: number[];
  pgdSteps: number;
  regularization: RegularizationConfig;
}

export function runAdversarialFmnist(config: TrialConfig, o: AdversarialFmnistOptions, hooks: TaskHooks = {}): TrialOutput {
  const { train: pool, test: testPool } = subset();
  const train = slice(pool, 0, o.trainLimit);
  const test = slice(testPool, 0, o.testLimit);
  const model = buildMLP({ inputs: 784, hidden: o.hidden, outputs: 10, flatten: true, generator: new Generator(config.seed), regularization: o.regularization });
  const res = fit(model, {
    kind: 'classification', numClasses: 10, train, test, epochs: o.epochs, batchSize: o.batchSize,
    optimizer: config.method.optimizer, optimizerOptions: config.method.options, seed: config.seed,
    regularization: o.regularization, evalEvery: o.epochs, onProgress: (f, s) => hooks.onProgress?.(0.8 * f, s),
  });
  const eps: number[] = [];
  const fgsmAcc: number[] = [];
  const pgdAcc: number[] = [];
  const final: Record<string, number> = { ...res.final };
  o.evalEpsilons.forEach((e, i) => {
    hooks.onProgress?.(0.8 + (0.2 * i) / o.evalEpsilons.length, `attacks ε=${e}`);
    const f = robustAccuracy(model, test, { attack: 'fgsm', epsilon: e });
    const p = robustAccuracy(model, test, { attack: 'pgd', epsilon: e, steps: o.pgdSteps, generator: new Generator(config.seed + 77) });
    eps.push(e);
    fgsmAcc.push(f.robust);
    pgdAcc.push(p.robust);
    final[`fgsmAccuracy@${e}`] = f.robust;
    final[`pgdAccuracy@${e}`] = p.robust;
  });
  final.cleanAccuracy = res.final.testAccuracy;
  return { epochs: res.epochs, final, extra: { epsilon: eps, fgsmAccuracy: fgsmAcc, pgdAccuracy: pgdAcc } };
}

// ---- semi-supervised -------------------------------------------------------------------------

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

// ---- the task definitions --------------------------------------------------------------------

const hidden = (d: number[]): z.ZodType => z.array(z.number().int().positive()).min(1).default(d);
const reg = regularizationSchema.default({});

export const regularizationTasks: TaskDef[] = [
  {
    name: 'regularize-fmnist',
    title: 'Over-fitting MLP on a small Fashion-MNIST subset, with a regularization configuration',
    description: 'MLP (default 784-512-512-10, ReLU) on the first trainLimit images of the built-in subset; validation (early stopping) from the end of the training pool; cross-entropy; the figure of merit is the train/test loss gap',
    schema: schemaOf({
      trainLimit: z.number().int().positive().default(500),
      valLimit: z.number().int().min(0).default(500),
      testLimit: z.number().int().positive().default(1000),
      hidden: hidden([512, 512]),
      epochs: z.number().int().positive().default(100),
      batchSize: z.number().int().positive().default(50),
      evalEvery: z.number().int().positive().default(5),
      regularization: reg,
    }),
    primary: { metric: 'gap', goal: 'min' },
    defaultLr: (m) => (isAdaptive(m) ? 1e-3 : 0.05),
    run: (config, options, hooks) => runOverfitFmnist(config, options as unknown as OverfitFmnistOptions, hooks),
  },
  {
    name: 'regularize-regression',
    title: 'Over-fitting wide MLP on the noisy 1D regression, with a regularization configuration',
    description: 'y = sin(2πx) + N(0, noise²) at n random points; MLP (default 1-128-128-1, tanh), full-batch; MSE; validation from a second draw; the figure of merit is the train/test MSE gap',
    schema: schemaOf({
      n: z.number().int().positive().default(20),
      nTest: z.number().int().positive().default(500),
      noise: z.number().min(0).default(0.3),
      hidden: hidden([128, 128]),
      activation: z.enum(['relu', 'tanh', 'sigmoid', 'selu']).default('tanh'),
      epochs: z.number().int().positive().default(2000),
      batchSize: z.number().int().positive().nullable().default(null),
      evalEvery: z.number().int().positive().default(50),
      gridPoints: z.number().int().min(2).default(101),
      regularization: reg,
    }),
    primary: { metric: 'gap', goal: 'min' },
    defaultLr: (m) => (isAdaptive(m) ? 1e-2 : 0.1),
    run: (config, options, hooks) => runOverfitRegression(config, options as unknown as OverfitRegressionOptions, hooks),
  },
  {
    name: 'adversarial-fmnist',
    title: 'Clean and robust accuracy (FGSM, PGD) of an MLP on Fashion-MNIST, with or without adversarial training',
    description: 'MLP (default 784-256-10) on the built-in subset; robust accuracy under FGSM and L∞ PGD at each of evalEpsilons (inputs in [0, 1])',
    schema: schemaOf({
      trainLimit: z.number().int().positive().default(3000),
      testLimit: z.number().int().positive().default(1000),
      hidden: hidden([256]),
      epochs: z.number().int().positive().default(10),
      batchSize: z.number().int().positive().default(64),
      evalEpsilons: z.array(z.number().min(0)).min(1).default([0.05, 0.1, 0.15]),
      pgdSteps: z.number().int().min(0).default(10),
      regularization: reg,
    }),
    primary: { metric: 'fgsmAccuracy@0.1', goal: 'max' },
    defaultLr: (m) => (isAdaptive(m) ? 1e-3 : 0.05),
    run: (config, options, hooks) => runAdversarialFmnist(config, options as unknown as AdversarialFmnistOptions, hooks),
  },
  {
    name: 'semisupervised',
    title: 'Semi-supervised learning: a labeled subset plus unlabeled data (Gaussian clusters or Fashion-MNIST)',
    description: "MLP trained on `labeled` labeled and `unlabeled` unlabeled examples; method 'none' (labeled only), 'pseudo-label' (Lee 2013, confidence threshold), 'entropy' (entropy minimization) or 'consistency' (Π-model)",
    schema: schemaOf({
      dataset: z.enum(['clusters', 'fmnist']).default('clusters'),
      labeled: z.number().int().positive().default(200),
      unlabeled: z.number().int().min(0).default(1800),
      testLimit: z.number().int().positive().default(2000),
      dim: z.number().int().positive().default(50),
      classes: z.number().int().min(2).default(10),
      separation: z.number().positive().default(0.5),
      hidden: hidden([64]),
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
  },
];
