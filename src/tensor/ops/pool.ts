/** Pooling and nearest-neighbour upsampling over [N, C, H, W] (or [C, H, W]) tensors. */
import { kernels } from '../../backend/registry.js';
import type { ConvGeometry } from '../../backend/kernels.js';
import { allocate } from '../dtype.js';
import { shapeToString } from '../shape.js';
import { Tensor } from '../tensor.js';
import { conv2d, pair, type Pair } from './conv.js';
import { gatherFlat, scatterAddFlat } from './indexing.js';
import { checkTensor, makeResult } from './result.js';

export interface Pool2dOptions {
  /** Defaults to the kernel size, as in PyTorch. */
  stride?: Pair;
  padding?: Pair;
}

export interface MaxPool2dOptions extends Pool2dOptions {
  dilation?: Pair;
}

export interface AvgPool2dOptions extends Pool2dOptions {
  /** Count padded zeros in each window's divisor (PyTorch's default, true). */
  countIncludePad?: boolean;
}

function batched(x: Tensor, op: string, fn: (x4: Tensor) => Tensor): Tensor {
  checkTensor(x, op);
  if (x.ndim === 3) return fn(x.unsqueeze(0)).squeeze(0);
  if (x.ndim !== 4) throw new RangeError(`${op}: input must be [N, C, H, W] or [C, H, W], got shape ${shapeToString(x.shape)}`);
  return fn(x);
}

function poolGeometry(x: Tensor, kernel: Pair, o: MaxPool2dOptions, op: string): ConvGeometry {
  const [kh, kw] = pair(kernel, 'kernelSize', op, 1);
  const [sh, sw] = pair(o.stride ?? [kh, kw], 'stride', op, 1);
  const [ph, pw] = pair(o.padding ?? 0, 'padding', op, 0);
  const [dh, dw] = pair(o.dilation ?? 1, 'dilation', op, 1);
  if (ph * 2 > kh || pw * 2 > kw) throw new RangeError(`${op}: padding (${ph}, ${pw}) must be at most half the kernel size (${kh}, ${kw})`);
  const [, c, h, w] = x.shape;
  const outH = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const outW = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  if (outH < 1 || outW < 1) throw new RangeError(`${op}: the window (${kh}, ${kw}) is larger than the padded input ${shapeToString(x.shape.slice(2))}`);
  return { channels: c, height: h, width: w, kernelH: kh, kernelW: kw, strideH: sh, strideW: sw, padH: ph, padW: pw, dilationH: dh, dilationW: dw, outH, outW };
}

/** The max over each window; the gradient goes to the (first) winner of each window. */
export function maxPool2d(x: Tensor, kernelSize: Pair, options: MaxPool2dOptions = {}): Tensor {
  return batched(x, 'maxPool2d', (x4) => {
    const g = poolGeometry(x4, kernelSize, options, 'maxPool2d');
    const [n, c] = x4.shape;
    const shape = [n, c, g.outH, g.outW];
    const count = n * c * g.outH * g.outW;
    const values = allocate(x4.dtype, count);
    const argmax = new Int32Array(count);
    kernels().maxPool2d(x4.data, n * c, g, values, argmax);
    // The values are x at the winners' positions: the op is gatherFlat(x4, argmax), whose
    // backward (a scatter-add to the winners) is recorded here without gathering again.
    return makeResult(values, shape, 'maxPool2d', [x4], (gy) => [scatterAddFlat(gy, argmax, x4.shape)]);
  });
}

/** The mean over each window (PyTorch's avg_pool2d without ceil mode). */
export function avgPool2d(x: Tensor, kernelSize: Pair, options: AvgPool2dOptions = {}): Tensor {
  return batched(x, 'avgPool2d', (x4) => {
    const g = poolGeometry(x4, kernelSize, options, 'avgPool2d');
    const c = x4.shape[1];
    const box = Tensor.fill([c, 1, g.kernelH, g.kernelW], 1, x4.dtype);
    const convOptions = { stride: [g.strideH, g.strideW] as const, padding: [g.padH, g.padW] as const, groups: c };
    const sums = conv2d(x4, box, null, convOptions);
    if ((options.countIncludePad ?? true) || (g.padH === 0 && g.padW === 0)) return sums.div(g.kernelH * g.kernelW);
    const ones = Tensor.fill([1, 1, g.height, g.width], 1, x4.dtype);
    const counts = conv2d(ones, Tensor.fill([1, 1, g.kernelH, g.kernelW], 1, x4.dtype), null, { ...convOptions, groups: 1 });
    return sums.div(counts);
  });
}

export interface UpsampleOptions {
  /** Integer scale factor, or [h, w]. */
  scaleFactor?: Pair;
  /** Output size [H, W]; give this or scaleFactor. */
  size?: readonly [number, number];
}

/** Nearest-neighbour upsampling: source pixel floor(out_index * in_size / out_size), as PyTorch's 'nearest'. */
export function upsampleNearest(x: Tensor, options: UpsampleOptions): Tensor {
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

