/**
 * One live training run of the playground's training view, advanced a few steps at a time so a
 * Web Worker can report between them and obey play/pause/step. It holds the model (an MLP from
 * regularize's `buildMLP`, or the lab's small CNN with optional dropout before its classifier),
 * the optimizer from the registry and the regularizers of a `RegularizationConfig` (dropout,
 * decoupled weight decay, label smoothing, augmentation, early stopping on a held-out slice of
 * the training set). It imports no DOM, so Node tests drive it directly.
 */
import { Conv2d, createOptimizer, crossEntropy, Flatten, Generator, Linear, listOptimizers, MaxPool2d, noGrad, regularize, ReLU, Sequential, takeRows, Tensor, type Module, type Optimizer, type TensorDataset } from '../../../../src/index.js';
import type { BatchAugment } from '../../../../src/index.js';

/** What the user chose for one run. */
export interface RunSpec {
  /** 'mlp' (any input) or 'cnn' (images [N, C, H, W] only). */
  arch: 'mlp' | 'cnn';
  /** Hidden widths of the MLP. */
  hidden: number[];
  /** A registry name (createOptimizer). */
  optimizer: string;
  lr: number;
  batchSize: number;
  epochs: number;
  seed: number;
  regularization: regularize.RegularizationConfig;
}

/** A classification dataset as the view hands it to a run. */
export interface ClassificationData {
  train: TensorDataset;
  test: TensorDataset;
  classes: readonly string[];
}

/** One evaluated point of the curves. */
export interface CurvePoint {
  step: number;
  epoch: number;
  /** Plain cross-entropy on (up to) the first 1,000 training examples, in evaluation mode. */
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  /** On the held-out slice (early stopping only), else NaN. */
  valLoss: number;
}

/** Rows kept for the training-set curve: enough for a steady figure, cheap to evaluate. */
const TRAIN_EVAL_ROWS = 1000;

function firstRows(d: TensorDataset, n: number): TensorDataset {
  const k = Math.min(n, d.x.shape[0]);
  const idx = Array.from({ length: k }, (_, i) => i);
  return { x: takeRows(d.x, idx), y: takeRows(d.y, idx) };
}

function rows(d: TensorDataset, from: number, to: number): TensorDataset {
  const idx = Array.from({ length: to - from }, (_, i) => from + i);
  return { x: takeRows(d.x, idx), y: takeRows(d.y, idx) };
}

/** The lab's small CNN (conv8-pool-conv16-pool-linear) for any image size and channel count. */
function buildCnn(shape: readonly number[], classes: number, dropout: number, generator: Generator): Module {
  const [c, h, w] = [shape[1], shape[2], shape[3]];
  const flat = 16 * Math.floor(Math.floor(h / 2) / 2) * Math.floor(Math.floor(w / 2) / 2);
  const layers: Module[] = [new Conv2d(c, 8, 3, { padding: 1, generator }), new ReLU(), new MaxPool2d(2), new Conv2d(8, 16, 3, { padding: 1, generator }), new ReLU(), new MaxPool2d(2), new Flatten()];
  if (dropout > 0) layers.push(new regularize.InvertedDropout(dropout, { generator: generator.fork() }));
  layers.push(new Linear(flat, classes, { generator }));
  return new Sequential(...layers);
}

/** Checks a spec against the data, naming what is wrong and what was expected. */
export function checkSpec(spec: RunSpec, data: ClassificationData): void {
  const x = data.train.x;
  if (spec.arch === 'cnn' && x.ndim !== 4) throw new RangeError(`training: the CNN needs images [N, C, H, W], but this dataset's inputs have shape [${x.shape}]; choose the MLP`);
  if (!(spec.lr > 0)) throw new RangeError(`training: the learning rate must be positive, got ${spec.lr}`);
  if (!(Number.isInteger(spec.batchSize) && spec.batchSize > 0)) throw new RangeError(`training: the batch size must be a positive integer, got ${spec.batchSize}`);
  const a = spec.regularization.augment;
  if (a && Object.keys(a).length > 0 && x.ndim !== 4) throw new RangeError(`training: augmentation needs images [N, C, H, W], but this dataset's inputs have shape [${x.shape}]`);
  regularize.validateRegularization(spec.regularization);
}

/** A training run advanced by {@link LiveRun.advance}. */
export class LiveRun {
  readonly spec: RunSpec;
  readonly model: Module;
  readonly optimizer: Optimizer<object>;
  readonly curve: CurvePoint[] = [];
  /** Mean minibatch loss (with the regularizers' effects) between evaluations. */
  readonly batchLoss: { step: number; loss: number }[] = [];
  step = 0;
  epoch = 0;
  /** Why the run ended ('epochs', 'early stopping', 'diverged'), or null while it goes on. */
  finished: string | null = null;
  private readonly train: TensorDataset;
  private readonly trainEval: TensorDataset;
  private readonly validation: TensorDataset | null;
  private readonly test: TensorDataset;
  private readonly classes: number;
  private readonly generator: Generator;
  private readonly augment: BatchAugment | undefined;
  private readonly decay: regularize.DecoupledWeightDecay | null;
  private readonly stopper: regularize.EarlyStopping | null;
  private order: number[] = [];
  private cursor = 0;
  private windowLoss = 0;
  private windowCount = 0;

  constructor(spec: RunSpec, data: ClassificationData) {
    checkSpec(spec, data);
    this.spec = spec;
    const r = spec.regularization;
    const n = data.train.x.shape[0];
    // Early stopping watches the last tenth of the training set, never the test set.
    if (r.earlyStopping) {
      const cut = n - Math.max(1, Math.floor(n / 10));
      this.train = rows(data.train, 0, cut);
      this.validation = rows(data.train, cut, n);
    } else {
      this.train = data.train;
      this.validation = null;
    }
    this.trainEval = firstRows(this.train, TRAIN_EVAL_ROWS);
    this.test = data.test;
    this.classes = data.classes.length;
    const g = new Generator(spec.seed);
    const x = data.train.x;
    this.model =
      spec.arch === 'cnn'
        ? buildCnn(x.shape, this.classes, r.dropout ?? 0, g)
        : regularize.buildMLP({ inputs: x.numel() / x.shape[0], hidden: spec.hidden, outputs: this.classes, flatten: true, generator: g, regularization: { dropout: r.dropout, inputDropout: r.inputDropout } });
    this.optimizer = createOptimizer(spec.optimizer, this.model.parameters(), { lr: spec.lr });
    this.generator = new Generator(spec.seed * 7919 + 1);
    this.augment = regularize.augmentationOf(r, this.classes);
    this.decay = r.weightDecay ? new regularize.DecoupledWeightDecay(r.weightDecay) : null;
    const es = typeof r.earlyStopping === 'object' ? r.earlyStopping : {};
    this.stopper = r.earlyStopping ? new regularize.EarlyStopping({ monitor: 'valLoss', patience: es.patience ?? 5, minDelta: es.minDelta ?? 0, mode: 'min' }) : null;
    this.newEpoch();
    this.evaluate();
  }

  /** Optimizer steps per epoch. */
  get stepsPerEpoch(): number {
    return Math.ceil(this.train.x.shape[0] / this.spec.batchSize);
  }

  private newEpoch(): void {
    const n = this.train.x.shape[0];
    this.order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.generator.random() * (i + 1));
      [this.order[i], this.order[j]] = [this.order[j], this.order[i]];
    }
    this.cursor = 0;
  }

  /** One optimizer step on the next minibatch; returns its loss. */
  private trainStep(): number {
    const idx = this.order.slice(this.cursor, this.cursor + this.spec.batchSize);
    this.cursor += idx.length;
    let batch = { x: takeRows(this.train.x, idx), y: takeRows(this.train.y, idx) };
    if (this.augment) batch = this.augment(batch, this.generator);
    this.model.train();
    const loss = crossEntropy(this.model.forward(batch.x), batch.y, { labelSmoothing: this.spec.regularization.labelSmoothing ?? 0 });
    const value = loss.item();
    if (!Number.isFinite(value)) {
      this.finished = 'diverged';
      return value;
    }
    this.optimizer.zeroGrad();
    loss.backward();
    this.optimizer.step();
    this.decay?.apply(this.model, Number((this.optimizer.paramGroups[0] as { lr?: number }).lr ?? this.spec.lr));
    this.step++;
    return value;
  }

  /**
   * Runs up to `steps` optimizer steps, evaluating every `evalEvery` steps and at each epoch's
   * end (where early stopping decides). Returns the steps taken (fewer once the run ends).
   */
  advance(steps: number, evalEvery: number): number {
    let taken = 0;
    while (taken < steps && this.finished === null) {
      const v = this.trainStep();
      if (this.finished !== null) break;
      taken++;
      this.windowLoss += v;
      this.windowCount++;
      const epochEnd = this.cursor >= this.train.x.shape[0];
      if (epochEnd) this.epoch++;
      if (epochEnd || this.step % evalEvery === 0) this.evaluate();
      if (epochEnd) {
        if (this.stopper && this.stopper.step(this.curve[this.curve.length - 1].valLoss, this.model)) {
          this.stopper.restore(this.model);
          this.finished = 'early stopping';
        } else if (this.epoch >= this.spec.epochs) this.finished = 'epochs';
        else this.newEpoch();
      }
    }
    return taken;
  }

  /** Appends a curve point (and the minibatch-loss window's mean). */
  evaluate(): CurvePoint {
    const tr = regularize.evaluateModel(this.model, this.trainEval, 'classification');
    const te = regularize.evaluateModel(this.model, this.test, 'classification');
    const va = this.validation ? regularize.evaluateModel(this.model, this.validation, 'classification') : null;
    const p: CurvePoint = { step: this.step, epoch: this.epoch, trainLoss: tr.loss, trainAccuracy: tr.accuracy, testLoss: te.loss, testAccuracy: te.accuracy, valLoss: va ? va.loss : NaN };
    this.curve.push(p);
    if (this.windowCount > 0) this.batchLoss.push({ step: this.step, loss: this.windowLoss / this.windowCount });
    this.windowLoss = 0;
    this.windowCount = 0;
    return p;
  }

  /** The test set's predicted class per example. */
  predict(): Int32Array {
    const out = new Int32Array(this.test.x.shape[0]);
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      noGrad(() => {
        const n = this.test.x.shape[0];
        for (let from = 0; from < n; from += 500) {
          const idx = Array.from({ length: Math.min(500, n - from) }, (_, i) => from + i);
          const logits: Tensor = this.model.forward(takeRows(this.test.x, idx));
          const k = logits.shape[1];
          for (let i = 0; i < idx.length; i++) {
            let best = 0;
            for (let c = 1; c < k; c++) if (logits.data[i * k + c] > logits.data[i * k + best]) best = c;
            out[from + i] = best;
          }
        }
      });
    } finally {
      if (wasTraining) this.model.train();
    }
    return out;
  }

  /** The test set's confusion matrix, row = true class, column = predicted, flat K x K. */
  confusion(predicted: Int32Array = this.predict()): number[] {
    return confusionMatrix(this.test.y.data, predicted, this.classes);
  }
}

/** Counts (true, predicted) pairs into a flat K x K matrix (row = true class). */
export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[] {
  const m = new Array<number>(classes * classes).fill(0);
  for (let i = 0; i < labels.length; i++) m[labels[i] * classes + predicted[i]]++;
  return m;
}

/**
 * The registry's optimizers a minibatch loop can drive as they are: each is built with
 * `{ lr }` and stepped once on a tiny problem, which leaves out the wrappers (they need an
 * inner optimizer) and the second-order methods (they need a closure).
 */
export function minibatchOptimizers(): string[] {
  return listOptimizers().filter((name) => {
    try {
      const p = new Tensor(new Float32Array([1, -2]), [2]).requiresGrad_();
      const opt = createOptimizer(name, [p], { lr: 1e-3 });
      p.mul(p).sum().backward();
      opt.step();
      return true;
    } catch {
      return false;
    }
  });
}
