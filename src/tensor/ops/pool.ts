/** Pooling and nearest-neighbour upsampling over [N, C, H, W] (or [C, H, W]) tensors. */
import { kernels } from '../../backend/registry.js';
import type { ConvGeometry } from '../../backend/kernels.js';
import { allocate, allocateForWrite } from '../dtype.js';
import { shapeToString } from '../shape.js';
import { Tensor } from '../tensor.js';
import { conv2d, pair, type Pair } from './conv.js';
import { checkOptions } from '../options.js';
import { gatherFlat, pad, scatterAddFlat } from './indexing.js';
import { checkTensor, makeResult } from './result.js';

export interface Pool2dOptions {
  /** Defaults to the kernel size, as in PyTorch. */
  stride?: Pair;
  padding?: Pair;
  /**
   * Round the output size up instead of down (PyTorch's ceil_mode): a last, partial window is
   * kept when it starts inside the input or its left padding.
   */
  ceilMode?: boolean;
}

export interface MaxPool2dOptions extends Pool2dOptions {
  dilation?: Pair;
  /**
   * Also return the winners' positions, each a flat index into its own [H, W] plane (as
   * PyTorch's return_indices), as a float tensor of integers: maxPool2d then returns [values, indices].
   */
  returnIndices?: boolean;
}

export interface AvgPool2dOptions extends Pool2dOptions {
  /** Count padded zeros in each window's divisor (PyTorch's default, true). */
  countIncludePad?: boolean;
  /** Divide every window's sum by this non-zero integer instead of its size (PyTorch's divisor_override). */
  divisorOverride?: number;
}

const MAX_POOL_KEYS = ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'] as const satisfies readonly (keyof MaxPool2dOptions)[];
const AVG_POOL_KEYS = ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'] as const satisfies readonly (keyof AvgPool2dOptions)[];

function batched<R extends Tensor | [Tensor, Tensor]>(x: Tensor, op: string, fn: (x4: Tensor) => R): R {
  checkTensor(x, op);
  if (x.ndim === 3) {
    const out = fn(x.unsqueeze(0));
    return (Array.isArray(out) ? out.map((t) => t.squeeze(0)) : out.squeeze(0)) as R;
  }
  if (x.ndim !== 4) throw new RangeError(`${op}: input must be [N, C, H, W] or [C, H, W], got shape ${shapeToString(x.shape)}`);
  return fn(x);
}

function checkFlag(value: unknown, name: string, op: string): boolean {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${op}: ${name} must be a boolean, got ${JSON.stringify(value)}`);
  return value === true;
}

/** PyTorch's pooling_output_shape: in ceil mode the last window must start inside the input or its left padding. */
function outputSize(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  let out = Math.floor((span + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

/** A window geometry, and how far (rows, columns) the last windows of ceil mode reach past the padded input. */
interface PoolGeometry extends ConvGeometry {
  overH: number;
  overW: number;
}

function poolGeometry(x: Tensor, kernel: Pair, o: MaxPool2dOptions, op: string): PoolGeometry {
  const [kh, kw] = pair(kernel, 'kernelSize', op, 1);
  const [sh, sw] = pair(o.stride ?? [kh, kw], 'stride', op, 1);
  const [ph, pw] = pair(o.padding ?? 0, 'padding', op, 0);
  const [dh, dw] = pair(o.dilation ?? 1, 'dilation', op, 1);
  const ceil = checkFlag(o.ceilMode, 'ceilMode', op);
  if (ph * 2 > kh || pw * 2 > kw) throw new RangeError(`${op}: padding (${ph}, ${pw}) must be at most half the kernel size (${kh}, ${kw})`);
  const [, c, h, w] = x.shape;
  const outH = outputSize(h, kh, sh, ph, dh, ceil);
  const outW = outputSize(w, kw, sw, pw, dw, ceil);
  if (outH < 1 || outW < 1) throw new RangeError(`${op}: the window (${kh}, ${kw}) is larger than the padded input ${shapeToString(x.shape.slice(2))}`);
  const overH = Math.max(0, (outH - 1) * sh + dh * (kh - 1) + 1 - (h + 2 * ph));
  const overW = Math.max(0, (outW - 1) * sw + dw * (kw - 1) + 1 - (w + 2 * pw));
  return { channels: c, height: h, width: w, kernelH: kh, kernelW: kw, strideH: sh, strideW: sw, padH: ph, padW: pw, dilationH: dh, dilationW: dw, outH, outW, overH, overW };
}

/** The planes of x4 grown by `overH` rows and `overW` columns of -inf (never a window's winner). */
function extendWithMinusInfinity(x4: Tensor, g: PoolGeometry): Tensor {
  const [n, c, h, w] = x4.shape;
  const [eh, ew] = [h + g.overH, w + g.overW];
  const out = allocateForWrite(x4.dtype, n * c * eh * ew).fill(-Infinity);
  for (let p = 0; p < n * c; p++) {
    for (let r = 0; r < h; r++) out.set(x4.data.subarray((p * h + r) * w, (p * h + r + 1) * w), (p * eh + r) * ew);
  }
  return new Tensor(out, [n, c, eh, ew]);
}

/**
 * The max over each window; the gradient goes to the (first) winner of each window. With
 * `returnIndices`, returns [values, indices] (the winners' flat positions in their planes).
 */
export function maxPool2d(x: Tensor, kernelSize: Pair, options: MaxPool2dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: Pair, options?: MaxPool2dOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(x: Tensor, kernelSize: Pair, options?: MaxPool2dOptions): Tensor | [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: Pair, options: MaxPool2dOptions = {}): Tensor | [Tensor, Tensor] {
  checkOptions('maxPool2d', options, MAX_POOL_KEYS);
  const withIndices = checkFlag(options?.returnIndices, 'returnIndices', 'maxPool2d');
  return batched<Tensor | [Tensor, Tensor]>(x, 'maxPool2d', (x4) => {
    const g = poolGeometry(x4, kernelSize, options ?? {}, 'maxPool2d');
    const [n, c, h, w] = x4.shape;
    const shape = [n, c, g.outH, g.outW];
    const count = n * c * g.outH * g.outW;
    const values = allocateForWrite(x4.dtype, count); // the kernel writes every output
    const argmax = new Int32Array(count);
    // Ceil mode's last windows hang over the edge: the kernel sees planes grown with -inf, and
    // the winners' positions are mapped back to x4's planes.
    const grown = g.overH > 0 || g.overW > 0 ? extendWithMinusInfinity(x4, g) : x4;
    const [eh, ew] = grown.shape.slice(2);
    kernels().maxPool2d(grown.data, n * c, { ...g, height: eh, width: ew }, values, argmax);
    if (grown !== x4) {
      for (let o = 0; o < count; o++) {
        const plane = Math.floor(argmax[o] / (eh * ew));
        const at = argmax[o] - plane * eh * ew;
        argmax[o] = plane * h * w + Math.floor(at / ew) * w + (at % ew);
      }
    }
    // The values are x at the winners' positions: the op is gatherFlat(x4, argmax), whose
    // backward (a scatter-add to the winners) is recorded here without gathering again.
    const pooled = makeResult(values, shape, 'maxPool2d', [x4], (gy) => [scatterAddFlat(gy, argmax, x4.shape)]);
    if (!withIndices) return pooled;
    const indices = allocate(x4.dtype, count);
    const planeSize = h * w;
    for (let o = 0; o < count; o++) indices[o] = argmax[o] % planeSize;
    return [pooled, new Tensor(indices, shape)];
  });
}

/** The mean over each window (PyTorch's avg_pool2d, ceil mode and divisor override included). */
export function avgPool2d(x: Tensor, kernelSize: Pair, options: AvgPool2dOptions = {}): Tensor {
  checkOptions('avgPool2d', options, AVG_POOL_KEYS);
  const o = options ?? {};
  const countIncludePad = o.countIncludePad === undefined ? true : checkFlag(o.countIncludePad, 'countIncludePad', 'avgPool2d');
  const override = o.divisorOverride;
  if (override !== undefined && (!Number.isInteger(override) || override === 0)) {
    throw new RangeError(`avgPool2d: divisorOverride must be a non-zero integer (as in PyTorch), got ${JSON.stringify(override)}`);
  }
  return batched(x, 'avgPool2d', (x4) => {
    const g = poolGeometry(x4, kernelSize, o, 'avgPool2d');
    const c = x4.shape[1];
    const box = Tensor.fill([c, 1, g.kernelH, g.kernelW], 1, x4.dtype);
    const convOptions = { stride: [g.strideH, g.strideW] as const, padding: [g.padH, g.padW] as const, groups: c };
    // Ceil mode's last windows hang over the edge; zeros there add nothing to the sums.
    const grown = g.overH > 0 || g.overW > 0 ? pad(x4, [[0, g.overH], [0, g.overW]]) : x4;
    const sums = conv2d(grown, box, null, convOptions);
    if (override !== undefined) return sums.div(override);
    const uniform = g.overH === 0 && g.overW === 0 && (countIncludePad || (g.padH === 0 && g.padW === 0));
    if (uniform) return sums.div(g.kernelH * g.kernelW);
    return sums.div(windowSizes(g, countIncludePad, x4.dtype));
  });
}

/**
 * Each window's divisor, PyTorch's rule: the window clipped to the padded input, or to the
 * input itself without countIncludePad. Integers, so the quotients are exact divisions.
 */
function windowSizes(g: PoolGeometry, countIncludePad: boolean, dtype: Tensor['dtype']): Tensor {
  const along = (out: number, size: number, k: number, s: number, p: number): number[] =>
    Array.from({ length: out }, (_, i) => {
      const start = i * s - p;
      const end = Math.min(start + k, size + p);
      return countIncludePad ? end - start : Math.min(end, size) - Math.max(start, 0);
    });
  const rows = along(g.outH, g.height, g.kernelH, g.strideH, g.padH);
  const cols = along(g.outW, g.width, g.kernelW, g.strideW, g.padW);
  const data = allocate(dtype, g.outH * g.outW);
  rows.forEach((r, i) => cols.forEach((cl, j) => (data[i * g.outW + j] = r * cl)));
  return new Tensor(data, [1, 1, g.outH, g.outW]);
}

export interface UpsampleOptions {
  /** Integer scale factor, or [h, w]. */
  scaleFactor?: Pair;
  /** Output size [H, W]; give this or scaleFactor. */
  size?: readonly [number, number];
}

/** Nearest-neighbour upsampling: source pixel floor(out_index * in_size / out_size), as PyTorch's 'nearest'. */
export function upsampleNearest(x: Tensor, options: UpsampleOptions): Tensor {
  checkOptions('upsampleNearest', options, ['scaleFactor', 'size']);
  if (options === undefined || options === null) throw new TypeError('upsampleNearest: give either size or scaleFactor');
  return batched(x, 'upsampleNearest', (x4) => {
    const [n, c, h, w] = x4.shape;
    let outH: number;
    let outW: number;
    if (options.size) [outH, outW] = pair(options.size, 'size', 'upsampleNearest', 1);
    else if (options.scaleFactor !== undefined) {
      const [fh, fw] = pair(options.scaleFactor, 'scaleFactor', 'upsampleNearest', 1);
      [outH, outW] = [h * fh, w * fw];
    } else throw new TypeError('upsampleNearest: give either size or scaleFactor');
    const index = new Int32Array(n * c * outH * outW);
    let k = 0;
    for (let p = 0; p < n * c; p++) {
      for (let oy = 0; oy < outH; oy++) {
        const iy = Math.min(Math.floor((oy * h) / outH), h - 1);
        for (let ox = 0; ox < outW; ox++) index[k++] = p * h * w + iy * w + Math.min(Math.floor((ox * w) / outW), w - 1);
      }
    }
    return gatherFlat(x4, index, [n, c, outH, outW]);
  });
}

