/**
 * The semi-supervised training loop (survey 000 §3.2.5): a labeled subset plus unlabeled data,
 *
 *   loss(t) = CE(labeled batch) + w(t) · U(unlabeled batch),
 *
 * with U the pseudo-label loss (Lee 2013; a confidence threshold as in FixMatch), the entropy
 * of the predictions (Grandvalet & Bengio 2004) or the Π-model consistency between two
 * stochastic passes (Laine & Aila 2017). w(t) is 0 during a warm-up on the labeled data, then
 * ramps up to its final value: linearly as Lee's α(t), or along Laine & Aila's Gaussian curve.
 * Method 'none' trains on the labeled batches alone for the same number of steps: the baseline.
 */
import { DataLoader, type Batch, type BatchAugment, type TensorDataset } from '../data/portable.js';
import { crossEntropy, type Module } from '../nn/index.js';
import { createOptimizer } from '../optim/index.js';
import { Generator, noGrad, Tensor } from '../tensor/index.js';
import { fit, Progress, type Callback, type TrainContext } from '../train/portable.js';
import { consistencyLoss, entropyMinimization, linearRampUp, pseudoLabelLoss, pseudoLabels, rampUp } from './semi-supervised.js';
import { evaluateModel, recordTrainTest, type FitResult } from './train.js';
import { checkChoice, checkCount, checkNonNegative, checkOptions, checkPositiveInt, checkProbability } from './validate.js';

/** The unlabeled term: none (the labeled-only baseline), Lee's pseudo-labels, entropy minimization or the Π-model. */
export type SemiSupervisedMethod = 'none' | 'pseudo-label' | 'entropy' | 'consistency';

/** The data, schedule and optimizer of {@link fitSemiSupervised}. */
export interface SemiSupervisedOptions {
  labeled: TensorDataset;
  /** Inputs; labels, when given, are never trained on: they only measure the pseudo-labels' accuracy. */
  unlabeled: { x: Tensor; y?: Tensor };
  test: TensorDataset;
  numClasses: number;
  /** Optimizer steps (each takes one labeled and, after warm-up, one unlabeled batch). */
  steps: number;
  batchSize: number;
  /** Unlabeled examples per step (default 2 batchSize). */
  unlabeledBatchSize?: number;
  /** 'none' (labeled data only: the baseline), 'pseudo-label', 'entropy' or 'consistency' (Π-model). */
  method: SemiSupervisedMethod;
  /** Weight of the unlabeled term at full ramp (default 1; Lee's α_f = 3). */
  weight?: number;
  /** Confidence threshold of pseudo-labels (default 0.95; 0 is Lee's plain argmax). */
  threshold?: number;
  /** Steps on labeled data alone before the unlabeled term starts (default 20% of steps; Lee's T₁). */
  warmupSteps?: number;
  /** Steps of the ramp-up after warm-up (default 20% of steps; Lee's T₂ − T₁). */
  rampSteps?: number;
  /** 'gaussian' (Laine & Aila's exp(−5(1−t/T)²); default) or 'linear' (Lee's α(t)). */
  ramp?: 'gaussian' | 'linear';
  optimizer?: string;
  optimizerOptions?: Record<string, unknown>;
  seed: number;
  /**
   * Augmentation of the training inputs (labeled batches, for every method, and the unlabeled
   * batches of the unlabeled term, whose pseudo-labels come from the un-augmented inputs).
   */
  augment?: BatchAugment;
  /** Evaluate every this many steps (default steps/10). */
  evalEvery?: number;
  onProgress?: (fraction: number, status?: string) => void;
}

const KEYS = [
  'labeled', 'unlabeled', 'test', 'numClasses', 'steps', 'batchSize', 'unlabeledBatchSize', 'method', 'weight', 'threshold',
  'warmupSteps', 'rampSteps', 'ramp', 'optimizer', 'optimizerOptions', 'seed', 'augment', 'evalEvery', 'onProgress',
] as const;

/** Repeats a loader's epochs forever (each epoch reshuffled by the loader). */
function* forever(loader: DataLoader): IterableIterator<{ x: Tensor; y: Tensor }> {
  for (;;) yield* loader;
}

/**
 * How the model labels the whole unlabeled set in evaluation mode: the fraction of examples
 * above the threshold and, where true labels are given, the accuracy of those pseudo-labels.
 */
export function pseudoLabelQuality(model: Module, x: Tensor, y: Tensor | undefined, threshold: number, chunk = 1000): { confident: number; accuracy: number } {
  const wasTraining = model.training;
  model.eval();
  let confident = 0;
  let correct = 0;
  try {
    noGrad(() => {
      for (let s = 0; s < x.shape[0]; s += chunk) {
        const len = Math.min(chunk, x.shape[0] - s);
        const pl = pseudoLabels(model.forward(x.narrow(0, s, len)), threshold);
        for (let i = 0; i < len; i++) {
          if (pl.mask.data[i] !== 1) continue;
          confident++;
          if (y && pl.labels.data[i] === y.data[s + i]) correct++;
        }
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return { confident: confident / x.shape[0], accuracy: y && confident > 0 ? correct / confident : NaN };
}

/**
 * Trains `model` on labeled plus unlabeled data (see the file's comment); returns its history
 * and final figures. It runs src/train's `fit` over an endless stream of labeled batches for
 * `steps` steps, the unlabeled term entering through the step's loss and the evaluations every
 * `evalEvery` steps through a callback.
 */
export function fitSemiSupervised(model: Module, o: SemiSupervisedOptions): FitResult {
  checkOptions('fitSemiSupervised', o, KEYS);
  const op = 'fitSemiSupervised';
  const steps = checkPositiveInt(op, 'steps', o.steps);
  const bs = checkPositiveInt(op, 'batchSize', o.batchSize);
  const ubs = checkPositiveInt(op, 'unlabeledBatchSize', o.unlabeledBatchSize ?? 2 * bs);
  const method = checkChoice(op, 'method', o.method, ['none', 'pseudo-label', 'entropy', 'consistency'] as const);
  const weight = checkNonNegative(op, 'weight', o.weight ?? 1);
  const threshold = checkProbability(op, 'threshold', o.threshold ?? 0.95);
  const warmup = checkCount(op, 'warmupSteps', o.warmupSteps ?? Math.floor(steps * 0.2));
  const rampLength = checkCount(op, 'rampSteps', o.rampSteps ?? Math.floor(steps * 0.2));
  const ramp = checkChoice(op, 'ramp', o.ramp ?? 'gaussian', ['gaussian', 'linear'] as const) === 'linear' ? linearRampUp : rampUp;
  const evalEvery = checkPositiveInt(op, 'evalEvery', o.evalEvery ?? Math.max(1, Math.floor(steps / 10)));
  const opt = createOptimizer(o.optimizer ?? 'adam', model.parameters(), { lr: 1e-3, ...(o.optimizerOptions ?? {}) });
  const labeled = new DataLoader(o.labeled, { batchSize: Math.min(bs, o.labeled.x.shape[0]), shuffle: true, seed: o.seed, dropLast: true, augment: o.augment });
  const augGen = new Generator(o.seed * 31337 + 5);
  const nu = o.unlabeled.x.shape[0];
  // The loader wants targets; the unlabeled batches carry zeros that nothing reads.
  const unl = { x: o.unlabeled.x, y: new Tensor(new Float32Array(nu), [nu]) };
  const unlabeled = new DataLoader(unl, { batchSize: Math.min(ubs, nu), shuffle: true, seed: o.seed + 1, dropLast: true });
  const un = forever(unlabeled);
  const hist: Record<string, number[]> = { step: [], trainLoss: [], testLoss: [], gap: [], trainAccuracy: [], testAccuracy: [], unlabeledWeight: [], confident: [] };
  let lastConfident = 0;
  const record = (step: number, w: number): void => {
    const tr = evaluateModel(model, o.labeled, 'classification');
    const te = evaluateModel(model, o.test, 'classification');
    hist.step.push(step);
    recordTrainTest(hist, tr, te);
    hist.unlabeledWeight.push(w);
    hist.confident.push(lastConfident);
  };
  const t0 = performance.now();
  record(0, 0);
  // The unlabeled term's weight of the current step (recorded with the evaluations).
  let w = 0;
  const trainStep = (b: Batch, ctx: TrainContext): Tensor => {
    const t = ctx.step + 1;
    let loss = crossEntropy(model.forward(b.x), b.y);
    w = method === 'none' || t <= warmup ? 0 : weight * ramp(t - warmup, rampLength);
    if (w > 0) {
      const u = un.next().value!;
      const perturbed = o.augment ? o.augment(u, augGen).x : u.x;
      const logits = model.forward(perturbed);
      let term: Tensor;
      if (method === 'pseudo-label') {
        const from = o.augment ? noGrad(() => model.forward(u.x)) : logits;
        term = pseudoLabelLoss(logits, threshold, { from });
        lastConfident = pseudoLabels(from, threshold).count / u.x.shape[0];
      } else if (method === 'entropy') {
        term = entropyMinimization(logits);
      } else {
        const second = o.augment ? o.augment(u, augGen).x : u.x;
        term = consistencyLoss(logits, model.forward(second));
      }
      loss = loss.add(term.mul(w));
    }
    return loss;
  };
  const evaluation: Callback = {
    onStepEnd: (ctx) => {
      if (ctx.step % evalEvery === 0 || ctx.step === steps) record(ctx.step, w);
    },
  };
  const callbacks: Callback[] = [evaluation];
  if (o.onProgress) callbacks.push(new Progress(o.onProgress, { updates: 100, status: (ctx) => `step ${ctx.step}/${steps}` }));
  // One endless "epoch" of labeled batches, cut at `steps`; no loss check, as the methods' papers train.
  fit(model, forever(labeled), { optimizer: opt, maxSteps: steps, trainStep, callbacks, nonFinite: 'ignore' });
  const trainSeconds = (performance.now() - t0) / 1000;
  const quality = pseudoLabelQuality(model, o.unlabeled.x, o.unlabeled.y, threshold);
  const last = hist.step.length - 1;
  return {
    epochs: hist,
    final: {
      trainLoss: hist.trainLoss[last],
      testLoss: hist.testLoss[last],
      gap: hist.gap[last],
      trainAccuracy: hist.trainAccuracy[last],
      testAccuracy: hist.testAccuracy[last],
      confidentFraction: lastConfident,
      unlabeledConfident: quality.confident,
      pseudoLabelAccuracy: quality.accuracy,
      trainSeconds,
    },
  };
}
