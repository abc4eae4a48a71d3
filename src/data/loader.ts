/**
 * The DataLoader: batches of a {@link TensorDataset}, shuffled per epoch with a permutation
 * derived from (seed, epoch) alone, so epoch k is the same whether reached by training from the
 * start or by resuming there.
 */
import { Generator } from '../tensor/random.js';
import { datasetLength, takeRows, type TensorDataset } from './dataset.js';
import { deriveSeed } from './seed.js';
import type { Batch, BatchAugment, BatchTransform } from './transforms.js';

export interface DataLoaderOptions {
  /** Examples per batch; default 32. */
  batchSize?: number;
  /** A new random order every epoch; default false (the dataset's order). */
  shuffle?: boolean;
  /** Seeds the shuffles and the augmentation generators; default 0. */
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize; default false. */
  dropLast?: boolean;
  /** Applied to every batch, after augment (e.g. normalize, oneHot, flatten). */
  transform?: BatchTransform;
  /**
   * Random augmentation, applied to each batch while the loader is in training mode (the
   * default; see `eval()`), before `transform`. Its generator is derived from (seed, epoch,
   * batch index), so augmented batches are reproducible too.
   */
  augment?: BatchAugment;
  /** The epoch the first iteration runs (to resume); default 0. */
  epoch?: number;
}

export class DataLoader implements Iterable<Batch> {
  readonly dataset: TensorDataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly transform?: BatchTransform;
  readonly augment?: BatchAugment;
  /** The epoch the next `for ... of` iterates; each iteration started advances it by one. */
  epoch: number;
  /** Whether `augment` runs; toggled by train() / eval(). */
  training = true;

  constructor(dataset: TensorDataset, options: DataLoaderOptions = {}) {
    datasetLength(dataset, 'DataLoader');
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    const seed = options.seed ?? 0;
    if (!Number.isFinite(seed)) throw new TypeError(`DataLoader: seed must be a finite number, got ${seed}`);
    const epoch = options.epoch ?? 0;
    if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`DataLoader: epoch must be a non-negative integer, got ${epoch}`);
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.seed = seed;
    this.dropLast = options.dropLast ?? false;
    this.transform = options.transform;
    this.augment = options.augment;
    this.epoch = epoch;
  }

  /** Examples in the dataset. */
  get size(): number {
    return this.dataset.x.shape[0];
  }

  /** Batches per epoch. */
  get length(): number {
    return this.dropLast ? Math.floor(this.size / this.batchSize) : Math.ceil(this.size / this.batchSize);
  }

  /** Sets the epoch the next iteration runs (to resume training at epoch k). */
  setEpoch(epoch: number): this {
    if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`DataLoader.setEpoch: epoch must be a non-negative integer, got ${epoch}`);
    this.epoch = epoch;
    return this;
  }

  /** Augmentation on (the default). */
  train(on = true): this {
    this.training = on;
    return this;
  }

  /** Augmentation off. */
  eval(): this {
    return this.train(false);
  }

  /** The example order of `epoch`: a permutation derived from (seed, epoch), or 0..N-1 unshuffled. */
  order(epoch: number): Int32Array {
    const n = this.size;
    if (!this.shuffle) {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = i;
      return out;
    }
    return new Generator(deriveSeed(this.seed, epoch, 0)).permutation(n);
  }

  /** The batches of `epoch` (does not change `this.epoch`). */
  *iterate(epoch: number): IterableIterator<Batch> {
    const order = this.order(epoch);
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const idx = order.subarray(b * this.batchSize, Math.min(order.length, (b + 1) * this.batchSize));
      let batch: Batch = { x: takeRows(this.dataset.x, idx), y: takeRows(this.dataset.y, idx) };
      if (this.augment && this.training) batch = this.augment(batch, new Generator(deriveSeed(this.seed, epoch, 1, b)));
      if (this.transform) batch = this.transform(batch);
      yield batch;
    }
  }

  /** Iterates epoch `this.epoch` and advances it, so successive loops see successive epochs. */
  [Symbol.iterator](): IterableIterator<Batch> {
    const epoch = this.epoch;
    this.epoch = epoch + 1;
    return this.iterate(epoch);
  }
}
