/**
 * Datasets: a dataset is `{ x, y }` with examples along the first axis of both. Subsets,
 * random and stratified splits.
 */
import { allocate } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { toGenerator, type SeedLike } from './seed.js';

/** The dataset contract: inputs `x` and targets `y`, first axis = examples. */
export interface TensorDataset {
  x: Tensor;
  y: Tensor;
}

/** A dataset cut from another: `indices` are the rows taken, in order. */
export interface Subset extends TensorDataset {
  indices: Int32Array;
}

/** A dataset from inputs and targets, checked to hold the same number of examples. */
export function tensorDataset(x: Tensor, y: Tensor): TensorDataset {
  checkDataset({ x, y }, 'tensorDataset');
  return { x, y };
}

/** The number of examples, after checking the dataset is well formed. */
export function datasetLength(dataset: TensorDataset, op = 'dataset'): number {
  checkDataset(dataset, op);
  return dataset.x.shape[0];
}

function checkDataset(dataset: TensorDataset, op: string): void {
  if (!dataset || !(dataset.x instanceof Tensor) || !(dataset.y instanceof Tensor)) {
    throw new TypeError(`${op}: a dataset is { x: Tensor, y: Tensor }`);
  }
  const { x, y } = dataset;
  if (x.ndim === 0 || y.ndim === 0) throw new RangeError(`${op}: x and y need a first axis of examples; got shapes [${x.shape}] and [${y.shape}]`);
  if (x.shape[0] !== y.shape[0]) {
    throw new RangeError(`${op}: x has ${x.shape[0]} examples (shape [${x.shape}]) but y has ${y.shape[0]} (shape [${y.shape}]); the first axes must match`);
  }
}

/** Rows `indices` of the first axis of `t`, copied into a new tensor of the same dtype. */
export function takeRows(t: Tensor, indices: ArrayLike<number>): Tensor {
  if (t.ndim === 0) throw new RangeError('takeRows: a 0-d tensor has no rows');
  const n = t.shape[0];
  let row = 1;
  for (let i = 1; i < t.ndim; i++) row *= t.shape[i];
  const out = allocate(t.dtype, indices.length * row);
  const src = t.data;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!(i >= 0 && i < n) || !Number.isInteger(i)) throw new RangeError(`takeRows: index ${i} at position ${k} is out of range for ${n} rows`);
    if (row === 1) out[k] = src[i];
    else out.set(src.subarray(i * row, i * row + row), k * row);
  }
  return new Tensor(out, [indices.length, ...t.shape.slice(1)]);
}

/** The examples at `indices` (copied). */
export function subset(dataset: TensorDataset, indices: ArrayLike<number>): Subset {
  checkDataset(dataset, 'subset');
  return { x: takeRows(dataset.x, indices), y: takeRows(dataset.y, indices), indices: Int32Array.from(indices) };
}

export interface SplitOptions {
  /**
   * Keep class proportions equal in every part: `true` stratifies by `dataset.y` (class indices,
   * shape [N]); a tensor or array gives the labels to stratify by.
   */
  stratify?: boolean | Tensor | ArrayLike<number>;
}

/** Sizes as counts summing to n, or as fractions summing to 1, turned into counts. */
function resolveSizes(sizes: readonly number[], n: number, op: string): number[] {
  if (sizes.length === 0) throw new RangeError(`${op}: give at least one size`);
  if (sizes.some((s) => !(s >= 0) || !Number.isFinite(s))) throw new RangeError(`${op}: sizes must be non-negative finite numbers, got [${sizes}]`);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (sizes.every(Number.isInteger) && total === n) return [...sizes];
  if (Math.abs(total - 1) < 1e-6 && sizes.every((s) => s <= 1)) {
    const raw = sizes.map((s) => s * n);
    const counts = raw.map(Math.floor);
    let left = n - counts.reduce((a, b) => a + b, 0);
    const order = raw.map((r, i) => [r - Math.floor(r), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    for (let k = 0; left > 0; k++, left--) counts[order[k % order.length][1]]++;
    return counts;
  }
  throw new RangeError(`${op}: sizes [${sizes}] must be integer counts summing to the dataset's ${n} examples, or fractions summing to 1`);
}

function labelsOf(dataset: TensorDataset, stratify: Exclude<SplitOptions['stratify'], undefined | false>, n: number, op: string): ArrayLike<number> {
  let labels: ArrayLike<number>;
  if (stratify === true) {
    if (dataset.y.ndim !== 1) throw new RangeError(`${op}: stratify: true needs class indices y of shape [N], got [${dataset.y.shape}]; pass the labels as stratify instead`);
    labels = dataset.y.data;
  } else labels = stratify instanceof Tensor ? stratify.data : stratify;
  if (labels.length !== n) throw new RangeError(`${op}: ${labels.length} stratification labels for ${n} examples`);
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(labels[i])) throw new RangeError(`${op}: stratification labels must be integers (class indices); found ${labels[i]} at ${i}`);
  }
  return labels;
}

/**
 * Splits a dataset into parts of the given sizes (counts summing to N, or fractions summing to
 * 1), choosing examples at random with `seed`. With `stratify`, every part keeps the class
 * proportions (each class is split between parts as evenly as the counts allow, within one
 * example). Each part lists its examples in their original order; `indices` says which.
 */
export function randomSplit(dataset: TensorDataset, sizes: readonly number[], seed: SeedLike = 0, options: SplitOptions = {}): Subset[] {
  const op = 'randomSplit';
  const n = datasetLength(dataset, op);
  const counts = resolveSizes(sizes, n, op);
  const g = toGenerator(seed, op);
  let order: Int32Array;
  if (options.stratify !== undefined && options.stratify !== false) {
    // Group the examples by class (shuffled within each class), then deal positions of this
    // class-sorted list to the parts in a low-discrepancy pattern: every part then takes each
    // class in proportion, and the totals come out exact.
    const labels = labelsOf(dataset, options.stratify, n, op);
    const perm = g.permutation(n);
    const byClass = new Map<number, number[]>();
    for (const i of perm) {
      const c = labels[i];
      let list = byClass.get(c);
      if (!list) byClass.set(c, (list = []));
      list.push(i);
    }
    const sorted = [...byClass.keys()].sort((a, b) => a - b).flatMap((c) => byClass.get(c)!);
    const assigned = new Array<number>(counts.length).fill(0);
    const parts: number[][] = counts.map(() => []);
    for (let r = 0; r < n; r++) {
      let best = -1;
      let bestDeficit = -Infinity;
      for (let j = 0; j < counts.length; j++) {
        if (assigned[j] >= counts[j]) continue;
        const deficit = ((r + 1) * counts[j]) / n - assigned[j];
        if (deficit > bestDeficit) [best, bestDeficit] = [j, deficit];
      }
      assigned[best]++;
      parts[best].push(sorted[r]);
    }
    return parts.map((p) => subset(dataset, Int32Array.from(p).sort()));
  }
  order = g.permutation(n);
  const out: Subset[] = [];
  let start = 0;
  for (const c of counts) {
    out.push(subset(dataset, order.slice(start, start + c).sort()));
    start += c;
  }
  return out;
}

/** {@link randomSplit} keeping class proportions (by `dataset.y`, class indices). */
export function stratifiedSplit(dataset: TensorDataset, sizes: readonly number[], seed: SeedLike = 0): Subset[] {
  return randomSplit(dataset, sizes, seed, { stratify: true });
}

/** How many examples of each class (y as class indices, shape [N]). */
export function classCounts(y: Tensor | ArrayLike<number>, numClasses?: number): number[] {
  const data = y instanceof Tensor ? y.data : y;
  let k = numClasses ?? 0;
  if (numClasses === undefined) for (let i = 0; i < data.length; i++) k = Math.max(k, data[i] + 1);
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new RangeError(`classCounts: label ${c} at ${i} is not a class index below ${k}`);
    counts[c]++;
  }
  return counts;
}
