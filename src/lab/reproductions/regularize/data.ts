/** The data and progress plumbing the regularization tasks share. */
import { loadFashionMNISTSubset, takeRows, type TensorDataset } from '../../../data/index.js';
import type { TaskHooks } from '../kit.js';

const rows = (a: number, b: number): number[] => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);

const subsetCache = new Map<string, { train: TensorDataset; test: TensorDataset }>();

/** The built-in Fashion-MNIST subset (6,000 train / 1,000 test), loaded once per thread. */
export function subset(): { train: TensorDataset; test: TensorDataset } {
  let hit = subsetCache.get('fmnist');
  if (!hit) {
    hit = { train: loadFashionMNISTSubset({ split: 'train' }), test: loadFashionMNISTSubset({ split: 'test' }) };
    subsetCache.set('fmnist', hit);
  }
  return hit;
}

/** Rows [a, b) of a dataset (b clipped to its size). */
export function slice(d: TensorDataset, a: number, b: number): TensorDataset {
  const idx = rows(a, Math.min(b, d.x.shape[0]));
  return { x: takeRows(d.x, idx), y: takeRows(d.y, idx) };
}

/** The task hooks' progress callback as the training loops take it. */
export const progress = (hooks: TaskHooks) => (f: number, s?: string): void => hooks.onProgress?.(f, s);
