/**
 * Training loops that apply a {@link RegularizationConfig}: what the lab's regularization tasks
 * and the reproductions run, and a worked example of where each method sits in a loop:
 *
 * ```
 * for each epoch:
 *   for each batch (augmented by the DataLoader: crops, flips, noise, label noise, mixup):
 *     perturb the weights (weight noise)
 *     loss = data loss (label smoothing; adversarial examples) + penalties (L1/L2, activation L1)
 *     backward; restore the weights; optimizer step
 *     decoupled weight decay; max-norm projection
 *   evaluate (train, test, validation); early stopping on the validation metric
 * restore the best weights (early stopping)
 * ```
 */
import type { Batch, TensorDataset } from '../data/portable.js';
import { crossEntropy, Flatten, Linear, mseLoss, ReLU, SELU, Sequential, Sigmoid, Tanh, type Module } from '../nn/index.js';
import { createOptimizer } from '../optim/index.js';
import { Generator, type Tensor } from '../tensor/index.js';
import { evaluate, fit as trainLoop, Progress, type Callback, type FitResult as TrainResult } from '../train/portable.js';
import { adversarialLoss } from './adversarial.js';
import { MaxNorm } from './constraints.js';
import { DropConnect, InvertedDropout } from './dropout.js';
import { EarlyStopping } from './early-stopping.js';
import { GaussianNoise, WeightNoise } from './noise.js';
import { DecoupledWeightDecay, l1Penalty, l2Penalty } from './penalties.js';
import { activationL1, captureActivations } from './sparse.js';
import { augmentationOf, validateRegularization, type RegularizationConfig } from './spec.js';
import { checkChoice, checkOptions, checkPositiveInt } from './validate.js';

export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'selu';

export interface MLPOptions {
  inputs: number;
  hidden: readonly number[];
  outputs: number;
  activation?: Activation;
  /** Flatten [N, ...] inputs first (images). */
  flatten?: boolean;
  /** Draws the initial weights; the dropout/noise layers get generators forked from it. */
  generator: Generator;
  /** The model-structure parts of a configuration: dropout, inputDropout, hiddenNoise, dropConnect. */
  regularization?: RegularizationConfig;
}

function activationModule(a: Activation): Module {
  switch (a) {
    case 'relu':
      return new ReLU();
    case 'tanh':
      return new Tanh();
    case 'sigmoid':
      return new Sigmoid();
    case 'selu':
      return new SELU();
  }
}

/**
 * A multilayer perceptron with the configuration's dropout (after every hidden activation),
 * input dropout, hidden Gaussian noise and DropConnect (on the hidden Linear layers) built in.
 */
export function buildMLP(o: MLPOptions): Sequential {
  const g = o.generator;
  const r = o.regularization ?? {};
  checkOptions('buildMLP', o, ['inputs', 'hidden', 'outputs', 'activation', 'flatten', 'generator', 'regularization']);
  const act = checkChoice('buildMLP', 'activation', o.activation ?? 'relu', ['relu', 'tanh', 'sigmoid', 'selu'] as const);
  const layers: Module[] = [];
  if (o.flatten) layers.push(new Flatten());
  if (r.inputDropout) layers.push(new InvertedDropout(r.inputDropout, { generator: g.fork() }));
  let width = checkPositiveInt('buildMLP', 'inputs', o.inputs);
  for (const h of o.hidden) {
    const lin = new Linear(width, h, { generator: g });
    layers.push(r.dropConnect ? new DropConnect(lin, r.dropConnect, { generator: g.fork() }) : lin);
    layers.push(activationModule(act));
    if (r.hiddenNoise) layers.push(new GaussianNoise(r.hiddenNoise, { generator: g.fork() }));
    if (r.dropout) layers.push(new InvertedDropout(r.dropout, { generator: g.fork() }));
    width = h;
  }
  layers.push(new Linear(width, checkPositiveInt('buildMLP', 'outputs', o.outputs), { generator: g }));
  return new Sequential(...layers);
}

export interface FitOptions {
  kind: 'classification' | 'regression';
  /** Classes (classification). */
  numClasses?: number;
  train: TensorDataset;
  test: TensorDataset;
  /** Held-out data for early stopping (required with earlyStopping). */
  validation?: TensorDataset;
  epochs: number;
  batchSize: number;
  /** Registry name (default 'adam'). */
  optimizer?: string;
  /** Optimizer options (default { lr: 1e-3 }). */
  optimizerOptions?: Record<string, unknown>;
  seed: number;
  regularization?: RegularizationConfig;
  /** Valid input range for adversarial examples (default [0, 1] for classification, none for regression). */
  inputClip?: readonly [number, number] | null;
  /** Evaluate every this many epochs (and at the last; default 1). */
  evalEvery?: number;
  onProgress?: (fraction: number, status?: string) => void;
}

export interface Evaluation {
  loss: number;
  accuracy: number;
}

/**
 * The plain loss (cross-entropy or MSE, no regularization) and accuracy of a model over a
 * dataset, in evaluation mode: the training loop's evaluator (src/train's `evaluate`) with the
 * loss and metric of `kind`; the accuracy is NaN for regression.
 */
export function evaluateModel(model: Module, data: TensorDataset, kind: 'classification' | 'regression', chunk = 1000): Evaluation {
  const classification = kind === 'classification';
  const e = evaluate(model, data, { loss: classification ? crossEntropy : mseLoss, metrics: classification ? ['accuracy'] : [], batchSize: chunk });
  return { loss: e.loss, accuracy: classification ? e.accuracy : NaN };
}

/** Appends one evaluation of the training and test sets to a fit's history (losses, gap, accuracies). */
export function recordTrainTest(hist: Record<string, number[]>, train: Evaluation, test: Evaluation): void {
  hist.trainLoss.push(train.loss);
  hist.testLoss.push(test.loss);
  hist.gap.push(test.loss - train.loss);
  hist.trainAccuracy.push(train.accuracy);
  hist.testAccuracy.push(test.accuracy);
}

export interface FitResult {
  /** Per evaluated epoch: epoch, trainLoss, testLoss, gap (= test - train), trainAccuracy, testAccuracy, valLoss, valAccuracy, time. */
  epochs: Record<string, number[]>;
  /** Figures of the returned model (the best epoch's weights with early stopping). */
  final: Record<string, number>;
}

/**
 * Trains `model` with the configuration's regularization and returns its history and final
 * figures. It runs the training loop of src/train (`fit` there), the methods entering as its
 * step's loss (noise, adversarial examples, activation penalties) and callbacks (parameter
 * penalties after backward, decay and max-norm after the step, early stopping). Losses reported are the plain data losses in evaluation mode on the whole split, so
 * the train/test gap compares like with like across methods.
 */
export function fit(model: Module, o: FitOptions): FitResult {
  checkOptions('fit', o, ['kind', 'numClasses', 'train', 'test', 'validation', 'epochs', 'batchSize', 'optimizer', 'optimizerOptions', 'seed', 'regularization', 'inputClip', 'evalEvery', 'onProgress']);
  const r = validateRegularization(o.regularization ?? {});
  const kind = o.kind;
  const numClasses = kind === 'classification' ? checkPositiveInt('fit', 'numClasses', o.numClasses) : undefined;
  const epochs = checkPositiveInt('fit', 'epochs', o.epochs);
  const batchSize = checkPositiveInt('fit', 'batchSize', o.batchSize);
  const evalEvery = checkPositiveInt('fit', 'evalEvery', o.evalEvery ?? 1);
  const clip = o.inputClip === undefined ? (kind === 'classification' ? ([0, 1] as const) : null) : o.inputClip;
  const optOptions = { lr: 1e-3, ...(o.optimizerOptions ?? {}) };
  const opt = createOptimizer(o.optimizer ?? 'adam', model.parameters(), optOptions);
  const lr = (): number => Number((opt.paramGroups[0] as { lr?: number }).lr ?? optOptions.lr);
  const penalties = [r.l2 ? l2Penalty(r.l2) : null, r.l1 ? l1Penalty(r.l1) : null].filter((p) => p !== null);
  const decay = r.weightDecay ? new DecoupledWeightDecay(r.weightDecay) : null;
  const maxNorm = r.maxNorm ? new MaxNorm(r.maxNorm) : null;
  const weightNoise = r.weightNoise ? new WeightNoise(r.weightNoise, { generator: new Generator(o.seed * 7919 + 17) }) : null;
  const acts = r.activationL1 ? captureActivations(model, (_n, m) => m instanceof ReLU || m instanceof Tanh || m instanceof Sigmoid || m instanceof SELU) : null;
  const attackGen = new Generator(o.seed * 104729 + 3);
  let stopper: EarlyStopping | null = null;
  if (r.earlyStopping) {
    if (!o.validation) throw new RangeError('fit: earlyStopping needs a validation set');
    const e = typeof r.earlyStopping === 'object' ? r.earlyStopping : {};
    const mode = e.metric === 'accuracy' ? 'max' : 'min';
    stopper = new EarlyStopping({ monitor: mode === 'max' ? 'valAccuracy' : 'valLoss', patience: e.patience ?? 10, minDelta: e.minDelta ?? 0, mode });
  }
  const dataLoss = (out: Tensor, y: Tensor): Tensor =>
    kind === 'classification' ? crossEntropy(out, y, { labelSmoothing: r.labelSmoothing ?? 0 }) : mseLoss(out, y);

  const hist: Record<string, number[]> = { epoch: [], trainLoss: [], testLoss: [], gap: [], trainAccuracy: [], testAccuracy: [], valLoss: [], valAccuracy: [], time: [] };
  const record = (epoch: number, time: number): { val: Evaluation | null } => {
    const tr = evaluateModel(model, o.train, kind);
    const te = evaluateModel(model, o.test, kind);
    const va = o.validation ? evaluateModel(model, o.validation, kind) : null;
    hist.epoch.push(epoch);
    recordTrainTest(hist, tr, te);
    hist.valLoss.push(va ? va.loss : NaN);
    hist.valAccuracy.push(va ? va.accuracy : NaN);
    hist.time.push(time);
    return { val: va };
  };

  // The weights perturbed for the current step (weight noise), put back after its backward pass.
  let unperturb: (() => void) | null = null;
  const putBack = (): void => {
    unperturb?.();
    unperturb = null;
  };
  const trainStep = (batch: Batch): Tensor => {
    unperturb = weightNoise ? weightNoise.perturb(model) : null;
    let loss = r.adversarial
      ? adversarialLoss(model, batch.x, batch.y, {
          attack: r.adversarial.attack ?? 'fgsm',
          epsilon: r.adversarial.epsilon,
          cleanWeight: r.adversarial.cleanWeight ?? 0.5,
          steps: r.adversarial.steps,
          stepSize: r.adversarial.stepSize,
          clip,
          generator: attackGen,
          lossFn: dataLoss,
        })
      : dataLoss(model.forward(batch.x), batch.y);
    if (acts && r.activationL1) loss = loss.add(activationL1(acts.all(), r.activationL1));
    return loss;
  };
  const regularizers: Callback = {
    onAfterBackward: () => {
      putBack();
      // The parameter penalties' gradients, added in place: the same update as adding
      // penalty.loss(model) to the loss, without a graph over every weight.
      for (const p of penalties) p.addGradient(model);
    },
    onStepEnd: () => {
      if (decay) decay.apply(model, lr());
      if (maxNorm) maxNorm.apply(model);
    },
    // Evaluation every evalEvery epochs (every epoch with early stopping, which watches the validation figures).
    onEpochEnd: (ctx) => {
      if (ctx.epoch % evalEvery !== 0 && ctx.epoch !== epochs && !stopper) return;
      const { val } = record(ctx.epoch, ctx.trainSeconds);
      if (val) Object.assign(ctx.metrics, { valLoss: val.loss, valAccuracy: val.accuracy });
    },
  };
  const callbacks: Callback[] = [regularizers];
  if (stopper) callbacks.push(stopper);
  if (o.onProgress) callbacks.push(new Progress(o.onProgress, { updates: 100 }));

  record(0, 0);
  let run: TrainResult;
  try {
    run = trainLoop(model, o.train, {
      optimizer: opt, epochs, batchSize: Math.min(batchSize, o.train.x.shape[0]), shuffle: true, seed: o.seed, augment: augmentationOf(r, numClasses),
      trainStep, callbacks,
    });
  } finally {
    putBack();
    acts?.remove();
  }
  const time = run.trainSeconds;
  const ran = run.epochs;
  const bestEpoch = stopper?.restored ? stopper.bestEpoch + 1 : ran;
  const tr = evaluateModel(model, o.train, kind);
  const te = evaluateModel(model, o.test, kind);
  const final: Record<string, number> = {
    trainLoss: tr.loss,
    testLoss: te.loss,
    gap: te.loss - tr.loss,
    epochsRun: ran,
    bestEpoch,
    trainSeconds: time,
  };
  if (kind === 'classification') {
    final.trainAccuracy = tr.accuracy;
    final.testAccuracy = te.accuracy;
  }
  return { epochs: hist, final };
}
