/**
 * The classifier behind descent's image scores (Inception Score, FID, AM Score). The ImageNet
 * Inception network is not part of descent; instead a small network is trained by descent on
 * Fashion-MNIST, and its class probabilities (IS, AM Score) and penultimate features (FID) are
 * used. Scores computed with it compare models with each other; they are not comparable with
 * published Inception-based numbers.
 *
 * Two architectures: 'cnn' (two 5x5 convolutions with max pooling, a 64-unit feature layer) and
 * 'mlp' (784-128-64, quick). A trained classifier can be cached as a safetensors checkpoint.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadFashionMNISTSubset, type TensorDataset } from '../data/index.js';
import { loadCheckpoint, saveCheckpoint } from '../io/index.js';
import { Conv2d, crossEntropy, Linear, MaxPool2d, Module } from '../nn/index.js';
import { createOptimizer } from '../optim/index.js';
import { Generator, noGrad, Tensor } from '../tensor/index.js';
import { fit, Progress, type BatchSource } from '../train/index.js';
import { amScore, featureStats, frechetDistance, inceptionScore, meanClassDistribution, type FeatureStats } from './metrics.js';

export type ClassifierArch = 'cnn' | 'mlp';

/** A classifier of 1x28x28 images in [0, 1] with a feature layer. */
export class ImageClassifier extends Module {
  conv1: Conv2d | null;
  conv2: Conv2d | null;
  pool: MaxPool2d;
  hidden: Linear;
  feature: Linear;
  out: Linear;
  readonly arch: ClassifierArch;
  readonly numClasses: number;
  readonly featureDim: number;

  constructor(options: { arch?: ClassifierArch; numClasses?: number; featureDim?: number; generator?: Generator } = {}) {
    super();
    this.arch = options.arch ?? 'cnn';
    this.numClasses = options.numClasses ?? 10;
    this.featureDim = options.featureDim ?? 64;
    const g = options.generator;
    this.pool = new MaxPool2d(2);
    if (this.arch === 'cnn') {
      this.conv1 = new Conv2d(1, 16, 5, { padding: 2, generator: g });
      this.conv2 = new Conv2d(16, 32, 5, { padding: 2, generator: g });
      this.hidden = new Linear(32 * 49, 128, { generator: g });
    } else {
      this.conv1 = null;
      this.conv2 = null;
      this.hidden = new Linear(784, 128, { generator: g });
    }
    this.feature = new Linear(128, this.featureDim, { generator: g });
    this.out = new Linear(this.featureDim, this.numClasses, { generator: g });
  }

  /** The penultimate features [N, featureDim] (after ReLU). */
  features(x: Tensor): Tensor {
    const n = x.shape[0];
    let h = x.reshape(n, 1, 28, 28);
    if (this.conv1 && this.conv2) {
      h = this.pool.forward(this.conv1.forward(h).relu());
      h = this.pool.forward(this.conv2.forward(h).relu());
    }
    h = this.hidden.forward(h.reshape(n, -1)).relu();
    return this.feature.forward(h).relu();
  }

  forward(x: Tensor): Tensor {
    return this.out.forward(this.features(x));
  }
}

export interface TrainClassifierOptions {
  arch?: ClassifierArch;
  /** Training images (default: the shipped Fashion-MNIST subset, 6,000 images). */
  data?: TensorDataset;
  /** Use only the first `trainLimit` training images. */
  trainLimit?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  seed?: number;
  /** Held-out images for the accuracy (default: the subset's 1,000 test images). */
  test?: TensorDataset;
  onProgress?: (fraction: number) => void;
}

export interface TrainedClassifier {
  model: ImageClassifier;
  /** Accuracy on the held-out images. */
  testAccuracy: number;
  /** C̄_train: the average predicted class distribution on the training images (for the AM Score). */
  trainClassDistribution: Float64Array;
  /** Feature statistics of the held-out real images (the reference for FID). */
  realStats: FeatureStats;
}

function batches(n: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; i += size) out.push([i, Math.min(n, i + size)]);
  return out;
}

/** Class probabilities [N, K] of images [N, 1, 28, 28] in [0, 1], in batches, without gradients. */
export function classify(model: ImageClassifier, images: Tensor, batchSize = 256): { probs: Tensor; features: Tensor } {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const n = images.shape[0];
      const probs = new Float32Array(n * model.numClasses);
      const feats = new Float32Array(n * model.featureDim);
      for (const [lo, hi] of batches(n, batchSize)) {
        const x = images.slice(0, lo, hi);
        const f = model.features(x);
        const p = model.out.forward(f).softmax(1);
        probs.set(p.data, lo * model.numClasses);
        feats.set(f.data, lo * model.featureDim);
      }
      return { probs: new Tensor(probs, [n, model.numClasses]), features: new Tensor(feats, [n, model.featureDim]) };
    });
  } finally {
    model.train(wasTraining);
  }
}

function accuracy(probs: Tensor, labels: Tensor): number {
  const [n, k] = probs.shape;
  let right = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs.data[i * k + c] > probs.data[i * k + best]) best = c;
    if (best === labels.data[i]) right++;
  }
  return right / n;
}

/** Trains the scoring classifier with Adam (src/train's `fit`, cross-entropy) and returns it with its reference statistics. */
export function trainClassifier(options: TrainClassifierOptions = {}): TrainedClassifier {
  const seed = options.seed ?? 0;
  const rng = new Generator(seed);
  const full = options.data ?? loadFashionMNISTSubset({ split: 'train' });
  const n = Math.min(options.trainLimit ?? full.x.shape[0], full.x.shape[0]);
  const x = n < full.x.shape[0] ? full.x.slice(0, 0, n) : full.x;
  const y = n < full.y.shape[0] ? full.y.slice(0, 0, n) : full.y;
  const test = options.test ?? loadFashionMNISTSubset({ split: 'test' });
  const model = new ImageClassifier({ arch: options.arch ?? 'cnn', generator: rng });
  const opt = createOptimizer('adam', model.parameters(), { lr: options.lr ?? 1e-3 });
  const epochs = options.epochs ?? 2;
  const bs = options.batchSize ?? 64;
  // A fresh order from the classifier's generator at every epoch's start, as the weights drew from it before.
  const shuffled: BatchSource = {
    length: Math.ceil(n / bs),
    *[Symbol.iterator]() {
      const order = rng.permutation(n);
      for (const [lo, hi] of batches(n, bs)) {
        const idx = order.subarray(lo, hi);
        yield { x: x.indexSelect(0, idx), y: y.indexSelect(0, idx) };
      }
    },
  };
  const report = options.onProgress;
  fit(model, shuffled, { optimizer: opt, epochs, loss: crossEntropy, nonFinite: 'ignore', callbacks: report ? [new Progress((fraction) => report(fraction), { updates: Infinity })] : [] });
  const onTrain = classify(model, x);
  const onTest = classify(model, test.x);
  return { model, testAccuracy: accuracy(onTest.probs, test.y), trainClassDistribution: meanClassDistribution(onTrain.probs), realStats: featureStats(onTest.features) };
}

/**
 * A trained classifier from `path` when it exists (with the same architecture), else trained
 * and saved there (atomically). The reference statistics are recomputed from the data.
 */
export function loadOrTrainClassifier(path: string | null, options: TrainClassifierOptions = {}): TrainedClassifier {
  if (path && existsSync(path)) {
    try {
      const model = new ImageClassifier({ arch: options.arch ?? 'cnn' });
      const ck = loadCheckpoint(path, { model });
      const full = options.data ?? loadFashionMNISTSubset({ split: 'train' });
      const n = Math.min(options.trainLimit ?? full.x.shape[0], full.x.shape[0]);
      const test = options.test ?? loadFashionMNISTSubset({ split: 'test' });
      const onTrain = classify(model, n < full.x.shape[0] ? full.x.slice(0, 0, n) : full.x);
      const onTest = classify(model, test.x);
      return { model, testAccuracy: Number(ck.meta.testAccuracy ?? accuracy(onTest.probs, test.y)), trainClassDistribution: meanClassDistribution(onTrain.probs), realStats: featureStats(onTest.features) };
    } catch {
      // A stale or foreign file: train again below.
    }
  }
  const trained = trainClassifier(options);
  if (path) {
    mkdirSync(dirname(path), { recursive: true });
    saveCheckpoint(path, { model: trained.model, meta: { testAccuracy: String(trained.testAccuracy), arch: trained.model.arch } });
  }
  return trained;
}

/** The cache file name of a classifier trained with `options` under `dir`. */
export function classifierCachePath(dir: string, options: TrainClassifierOptions = {}): string {
  return join(dir, `fashion-classifier-${options.arch ?? 'cnn'}-n${options.trainLimit ?? 'all'}-e${options.epochs ?? 2}-s${options.seed ?? 0}.safetensors`);
}

export interface ImageScores {
  /** Inception Score with the descent classifier (higher is better, at most the class count). */
  is: number;
  isStd: number;
  /** FID of the classifier's features against the held-out real images (lower is better). */
  fid: number;
  /** AM Score (thesis eq. 4-32; lower is better). */
  am: number;
  amKl: number;
  amEntropy: number;
}

/** IS, FID and AM Score of generated images [N, 1, 28, 28] in [0, 1]. */
export function scoreImages(classifier: TrainedClassifier, images: Tensor, options: { splits?: number } = {}): ImageScores {
  const { probs, features } = classify(classifier.model, images);
  const is = inceptionScore(probs, { splits: options.splits ?? 1 });
  const am = amScore(probs, classifier.trainClassDistribution);
  return { is: is.mean, isStd: is.std, fid: frechetDistance(featureStats(features), classifier.realStats), am: am.score, amKl: am.kl, amEntropy: am.entropy };
}


