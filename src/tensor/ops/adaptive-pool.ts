/**
 * Adaptive pooling (PyTorch's adaptive_{avg,max}_pool{1,2}d): the output size is given and each
 * output cell i of an axis of length n pools the inputs floor(i n / out) .. ceil((i+1) n / out) - 1,
 * windows that may overlap and differ in size. The average is one weight matrix per axis
 * (./axis-map.ts); the max gathers each window's winner, as maxPool2d does.
 */
import { kernels } from '../../backend/registry.js';
import { allocate } from '../dtype.js';
import { shapeToString } from '../shape.js';
import { Tensor } from '../tensor.js';
import { alongAxis, weightMatrix } from './axis-map.js';
import { checkOptions } from '../options.js';
import { scatterAddFlat } from './indexing.js';
import { checkTensor, makeResult } from './result.js';

/** An output size per spatial axis; null keeps the input's size there (as PyTorch's None). */
export type AdaptiveSize = number | readonly (number | null)[];

export interface AdaptiveMaxPoolOptions {
  /** Also return the winners' flat positions in their planes: the pool then returns [values, indices]. */
  returnIndices?: boolean;
}

/** The first input position of output cell i's window (PyTorch's start_index). */
const windowStart = (i: number, size: number, out: number): number => Math.floor((i * size) / out);
/** One past the last input position of output cell i's window (PyTorch's end_index). */
const windowEnd = (i: number, size: number, out: number): number => Math.ceil(((i + 1) * size) / out);

/** x's spatial sizes (its last `dims` axes) and the output sizes, checked; unbatched input allowed. */
function sizes(x: Tensor, outputSize: AdaptiveSize, dims: number, op: string): { spatial: number[]; out: number[] } {
  checkTensor(x, op);
  const names = dims === 1 ? '[N, C, L] or [C, L]' : '[N, C, H, W] or [C, H, W]';
  if (x.ndim !== dims + 1 && x.ndim !== dims + 2) throw new RangeError(`${op}: input must be ${names}, got shape ${shapeToString(x.shape)}`);
  const spatial = x.shape.slice(x.ndim - dims);
  const given = typeof outputSize === 'number' ? Array<number>(dims).fill(outputSize) : Array.isArray(outputSize) ? [...outputSize] : [];
  if (given.length !== dims || !given.every((s) => s === null || (Number.isInteger(s) && s >= 1))) {
    throw new RangeError(`${op}: outputSize must be a positive integer or ${dims} of them (null keeps the input's size), got ${JSON.stringify(outputSize)}`);
  }
  if (spatial.some((s) => s === 0)) throw new RangeError(`${op}: input spatial sizes must be non-zero, got shape ${shapeToString(x.shape)}`);
  return { spatial, out: given.map((s, i) => s ?? spatial[i]) };
}

function adaptiveAvg(x: Tensor, outputSize: AdaptiveSize, dims: number, op: string): Tensor {
  const { spatial, out } = sizes(x, outputSize, dims, op);
  let y = x;
  spatial.forEach((n, k) => {
    const m = weightMatrix(x.dtype, out[k], n, (i, add) => {
      const [s, e] = [windowStart(i, n, out[k]), windowEnd(i, n, out[k])];
      for (let j = s; j < e; j++) add(j, 1 / (e - s));
    });
    y = alongAxis(y, m, x.ndim - dims + k);
  });
  return y;
}

/** Mean over adaptive windows along L: [N, C, L] -> [N, C, outputSize] (torch adaptive_avg_pool1d). */
export function adaptiveAvgPool1d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptiveAvg(x, outputSize, 1, 'adaptiveAvgPool1d');
}

/** Mean over adaptive windows: [N, C, H, W] -> [N, C, outH, outW] (torch adaptive_avg_pool2d). */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptiveAvg(x, outputSize, 2, 'adaptiveAvgPool2d');
}

function adaptiveMax(x: Tensor, outputSize: AdaptiveSize, dims: number, options: AdaptiveMaxPoolOptions, op: string): Tensor | [Tensor, Tensor] {
  const { spatial, out } = sizes(x, outputSize, dims, op);
  checkOptions(op, options, ['returnIndices']);
  const [h, w] = dims === 1 ? [1, spatial[0]] : spatial;
  const [oh, ow] = dims === 1 ? [1, out[0]] : out;
  const planes = x.numel() / (h * w);
  const count = planes * oh * ow;
  const winners = new Int32Array(count);
  const values = allocate(x.dtype, count);
  kernels().adaptiveMaxPool2d(x.data, planes, h, w, oh, ow, values, winners);
  const shape = [...x.shape.slice(0, x.ndim - dims), ...out];
  // The values are gatherFlat(x, winners); its backward is recorded without gathering again (as maxPool2d).
  const pooled = makeResult(values, shape, op, [x], (gy) => [scatterAddFlat(gy, winners, x.shape)]);
  if (options?.returnIndices !== true) return pooled;
  const indices = allocate(x.dtype, count);
  for (let k = 0; k < count; k++) indices[k] = winners[k] % (h * w);
  return [pooled, new Tensor(indices, shape)];
}

/** Max over adaptive windows along L (torch adaptive_max_pool1d); with returnIndices, [values, positions along L]. */
export function adaptiveMaxPool1d(x: Tensor, outputSize: AdaptiveSize, options: AdaptiveMaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: AdaptiveSize, options?: AdaptiveMaxPoolOptions & { returnIndices?: false }): Tensor;
export function adaptiveMaxPool1d(x: Tensor, outputSize: AdaptiveSize, options: AdaptiveMaxPoolOptions = {}): Tensor | [Tensor, Tensor] {
  return adaptiveMax(x, outputSize, 1, options, 'adaptiveMaxPool1d');
}

/** Max over adaptive windows (torch adaptive_max_pool2d); with returnIndices, [values, flat positions in each [H, W] plane]. */
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, options: AdaptiveMaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, options?: AdaptiveMaxPoolOptions & { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, options: AdaptiveMaxPoolOptions = {}): Tensor | [Tensor, Tensor] {
  return adaptiveMax(x, outputSize, 2, options, 'adaptiveMaxPool2d');
}
