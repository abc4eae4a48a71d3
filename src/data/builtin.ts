/**
 * The dataset shipped inside the package: a class-balanced subset of Fashion-MNIST (600 train
 * and 100 test images per class, chosen with a fixed seed by scripts/make-builtin-dataset.ts),
 * stored as gzipped IDX files under data/fashion-mnist-subset/ with the MIT license. It loads
 * with no network and no system package.
 *
 * The directory is resolved from this module's URL: src/data/builtin.ts (run through tsx) and
 * dist/data/builtin.js (the built package) both sit two levels below the package root, where
 * data/ lives.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DType } from '../tensor/dtype.js';
import { FASHION_MNIST_CLASSES, FASHION_MNIST_FILES, type Split } from './fashion-mnist.js';
import type { ImageClassificationDataset } from './mnist.js';
import { loadMnistFormat } from './mnist-files.js';

/** Examples per class in the shipped subset. */
export const FASHION_MNIST_SUBSET_PER_CLASS: Readonly<Record<Split, number>> = Object.freeze({ train: 600, test: 100 });

/** The shipped data directory for a module at `moduleUrl` two levels below the package root. */
export function builtinDataDir(moduleUrl: string | URL = import.meta.url): string {
  return fileURLToPath(new URL('../../data/fashion-mnist-subset/', moduleUrl));
}

export interface LoadSubsetOptions {
  /** 'train' (6,000 images) or 'test' (1,000); default 'train'. */
  split?: Split;
  /** Keep only the first `limit` examples. */
  limit?: number;
  dtype?: DType;
  /** Read the subset from another directory (default: the one shipped). */
  dir?: string;
}

/**
 * The Fashion-MNIST subset shipped with descent: x [N, 1, 28, 28] float32 in [0, 1], y [N]
 * class indices (exactly N/10 of each class, in the original dataset's order), class names.
 */
export function loadFashionMNISTSubset(options: LoadSubsetOptions = {}): ImageClassificationDataset {
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test') throw new RangeError(`loadFashionMNISTSubset: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  const dir = options.dir ?? builtinDataDir();
  const files = FASHION_MNIST_FILES[split];
  const images = join(dir, `${files.images}.gz`);
  const labels = join(dir, `${files.labels}.gz`);
  for (const f of [images, labels]) {
    if (!existsSync(f)) {
      throw new Error(`loadFashionMNISTSubset: ${f} is missing; the package's data/ directory should ship it (regenerate it with scripts/make-builtin-dataset.ts from Debian's dataset-fashion-mnist)`);
    }
  }
  return loadMnistFormat({ images, labels }, { classes: FASHION_MNIST_CLASSES, imageSize: [28, 28], limit: options.limit, dtype: options.dtype });
}

/** The built-in dataset: {@link loadFashionMNISTSubset}. */
export const loadBuiltin = loadFashionMNISTSubset;
