/**
 * Batch transforms: deterministic functions `{ x, y } -> { x, y }` applied by the DataLoader to
 * every batch (and usable on a whole dataset, which has the same form). Augmentations, which
 * are random, have their own hook: see `DataLoaderOptions.augment`.
 *
 * Exported as the namespace `transforms` (transforms.normalize, transforms.oneHot,
 * transforms.flatten, transforms.compose, transforms.meanStd), so these short names cannot
 * clash with functions of other areas.
 */
import { allocate, isFloating } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../tensor/random.js';

export interface Batch {
  x: Tensor;
  y: Tensor;
}

/** A deterministic batch transform. */
export type BatchTransform = (batch: Batch) => Batch;

/** A random batch transform (augmentation), given the loader's generator for this batch. */
export type BatchAugment = (batch: Batch, generator: Generator) => Batch;

/** Applies transforms left to right. */
export function compose(...transforms: BatchTransform[]): BatchTransform {
  return (batch) => transforms.reduce((b, t) => t(b), batch);
}

/**
 * (x - mean) / std. Numbers apply to every element; arrays give one value per channel (axis 1
 * of x, e.g. [N, C, H, W] images or [N, C] features).
 */
export function normalize(mean: number | readonly number[], std: number | readonly number[]): BatchTransform {
  const means = typeof mean === 'number' ? [mean] : [...mean];
  const stds = typeof std === 'number' ? [std] : [...std];
  if (means.length !== stds.length) throw new RangeError(`normalize: ${means.length} means but ${stds.length} stds`);
  if (stds.some((s) => !(s > 0))) throw new RangeError(`normalize: std must be positive, got [${stds}]`);
  return ({ x, y }) => {
    const channels = means.length;
    const out = allocate(x.dtype, x.numel());
    if (channels === 1) {
      const m = means[0];
      const inv = 1 / stds[0];
      for (let i = 0; i < x.numel(); i++) out[i] = (x.data[i] - m) * inv;
    } else {
      if (x.ndim < 2 || x.shape[1] !== channels) throw new RangeError(`normalize: ${channels} per-channel values but x has shape [${x.shape}] (channels on axis 1)`);
      let inner = 1;
      for (let i = 2; i < x.ndim; i++) inner *= x.shape[i];
      for (let b = 0, i = 0; b < x.shape[0]; b++) {
        for (let c = 0; c < channels; c++) {
          const m = means[c];
          const inv = 1 / stds[c];
          for (let k = 0; k < inner; k++, i++) out[i] = (x.data[i] - m) * inv;
        }
      }
    }
    return { x: new Tensor(out, x.shape), y };
  };
}

/** Class indices y [N] -> one-hot rows [N, numClasses] (optionally label-smoothed). */
export function oneHot(numClasses: number, options: { smoothing?: number } = {}): BatchTransform {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`oneHot: numClasses must be a positive integer, got ${numClasses}`);
  const eps = options.smoothing ?? 0;
  if (!(eps >= 0 && eps < 1)) throw new RangeError(`oneHot: smoothing must lie in [0, 1), got ${eps}`);
  return ({ x, y }) => {
    if (y.ndim !== 1) throw new RangeError(`oneHot: expects class indices y of shape [N], got [${y.shape}]`);
    const n = y.shape[0];
    // int32 class indices give float32 rows (a smoothed one-hot is fractional)
    const out = allocate(isFloating(y.dtype) ? y.dtype : 'float32', n * numClasses);
    const off = eps / numClasses;
    if (off !== 0) out.fill(off);
    for (let i = 0; i < n; i++) {
      const c = y.data[i];
      if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw new RangeError(`oneHot: label ${c} at ${i} is not a class index below ${numClasses}`);
      out[i * numClasses + c] = 1 - eps + off;
    }
    return { x, y: new Tensor(out, [n, numClasses]) };
  };
}

/** x [N, ...] -> [N, features] (shares storage). */
export function flatten(): BatchTransform {
  return ({ x, y }) => ({ x: x.reshape([x.shape[0], x.shape[0] === 0 ? 0 : x.numel() / x.shape[0]]), y });
}

/**
 * Mean and standard deviation of x (population std), over everything or per channel (axis 1),
 * computed in float64: pass them to {@link normalize}, from the training split only.
 */
export function meanStd(x: Tensor, options: { perChannel?: boolean } = {}): { mean: number[]; std: number[] } {
  const channels = options.perChannel ? x.shape[1] : 1;
  if (options.perChannel && x.ndim < 2) throw new RangeError(`meanStd: perChannel needs x with a channel axis 1, got shape [${x.shape}]`);
  let inner = 1;
  if (options.perChannel) for (let i = 2; i < x.ndim; i++) inner *= x.shape[i];
  else inner = x.numel();
  const outer = options.perChannel ? x.shape[0] : 1;
  const sum = new Float64Array(channels);
  const sq = new Float64Array(channels);
  for (let b = 0, i = 0; b < outer; b++) {
    for (let c = 0; c < channels; c++) {
      let s = 0;
      let s2 = 0;
      for (let k = 0; k < inner; k++, i++) {
        const v = x.data[i];
        s += v;
        s2 += v * v;
      }
      sum[c] += s;
      sq[c] += s2;
    }
  }
  const count = outer * inner;
  const mean = Array.from(sum, (s) => s / count);
  const std = Array.from(sq, (s2, c) => Math.sqrt(Math.max(0, s2 / count - mean[c] * mean[c])));
  return { mean, std };
}
