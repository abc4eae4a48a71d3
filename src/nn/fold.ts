/**
 * nn.functional's unfold (im2col) and fold (col2im), and pixelShuffle / pixelUnshuffle.
 *
 * unfold gathers every sliding block of an image into a column: [N, C, H, W] -> [N, C kh kw, L].
 * fold is its adjoint, summing each column entry back to the pixel it came from (overlaps add).
 * Both are one index map read the two ways (gatherFlat / scatterAddFlat), so each is the
 * other's gradient, to every order. (Tensor.unfold, the sliding windows along one axis, is a
 * different op with the same PyTorch name.)
 */
import { gatherFlat, scatterAddFlat, type Tensor } from '../tensor/index.js';
import { pair, type Pair } from '../tensor/ops/conv.js';
import { checkOptions } from '../tensor/options.js';
import { checkTensor } from '../tensor/ops/result.js';
import { shapeToString } from '../tensor/shape.js';

export interface FoldOptions {
  dilation?: Pair;
  /** Implicit zeros on each side of the image. */
  padding?: Pair;
  stride?: Pair;
}

const FOLD_KEYS = ['dilation', 'padding', 'stride'];

/** For one image of C channels [C, h, w]: the flat pixel each column entry [C kh kw, L] reads (-1 in the padding). */
function columnSources(c: number, h: number, w: number, kernel: Pair, o: FoldOptions, op: string): { index: Int32Array; blocks: number } {
  const [kh, kw] = pair(kernel, 'kernelSize', op, 1);
  const [dh, dw] = pair(o.dilation ?? 1, 'dilation', op, 1);
  const [ph, pw] = pair(o.padding ?? 0, 'padding', op, 0);
  const [sh, sw] = pair(o.stride ?? 1, 'stride', op, 1);
  const bh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const bw = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  if (bh < 1 || bw < 1) throw new RangeError(`${op}: the block (${kh}, ${kw}) (dilated) does not fit the padded image ${h}x${w}; there are no blocks`);
  const blocks = bh * bw;
  const index = new Int32Array(c * kh * kw * blocks);
  let at = 0;
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        for (let by = 0; by < bh; by++) {
          const y = by * sh + i * dh - ph;
          for (let bx = 0; bx < bw; bx++) {
            const x = bx * sw + j * dw - pw;
            index[at++] = y >= 0 && y < h && x >= 0 && x < w ? (ch * h + y) * w + x : -1;
          }
        }
      }
    }
  }
  return { index, blocks };
}

/** The per-image map repeated over n images (image b's entries offset by b x imageSize). */
function batchedIndex(one: Int32Array, n: number, imageSize: number): Int32Array {
  const index = new Int32Array(one.length * n);
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < one.length; k++) index[b * one.length + k] = one[k] < 0 ? -1 : one[k] + b * imageSize;
  }
  return index;
}

/**
 * torch.nn.functional.unfold (im2col): [N, C, H, W] (or [C, H, W]) -> [N, C kh kw, L], column l
 * holding the l-th sliding block (row-major over block positions), rows ordered (channel, ki, kj).
 */
export function unfold(x: Tensor, kernelSize: Pair, options: FoldOptions = {}): Tensor {
  checkTensor(x, 'unfold');
  checkOptions('unfold', options, FOLD_KEYS);
  if (x.ndim === 3) return unfold(x.unsqueeze(0), kernelSize, options).squeeze(0);
  if (x.ndim !== 4) throw new RangeError(`unfold: input must be [N, C, H, W] or [C, H, W], got shape ${shapeToString(x.shape)}`);
  const [n, c, h, w] = x.shape;
  const { index, blocks } = columnSources(c, h, w, kernelSize, options ?? {}, 'unfold');
  return gatherFlat(x, batchedIndex(index, n, c * h * w), [n, index.length / blocks, blocks]);
}

/**
 * torch.nn.functional.fold (col2im), unfold's adjoint: [N, C kh kw, L] (or [C kh kw, L]) ->
 * [N, C, outH, outW], each entry added to the pixel its block position and offset name.
 */
export function fold(x: Tensor, outputSize: Pair, kernelSize: Pair, options: FoldOptions = {}): Tensor {
  checkTensor(x, 'fold');
  checkOptions('fold', options, FOLD_KEYS);
  if (x.ndim === 2) return fold(x.unsqueeze(0), outputSize, kernelSize, options).squeeze(0);
  if (x.ndim !== 3) throw new RangeError(`fold: input must be [N, C kh kw, L] or [C kh kw, L], got shape ${shapeToString(x.shape)}`);
  const [oh, ow] = pair(outputSize, 'outputSize', 'fold', 1);
  const [kh, kw] = pair(kernelSize, 'kernelSize', 'fold', 1);
  const [n, rows, l] = x.shape;
  if (rows % (kh * kw) !== 0) throw new RangeError(`fold: input's dimension 1 (${rows}) must be divisible by the block size ${kh}x${kw}`);
  const c = rows / (kh * kw);
  const { index, blocks } = columnSources(c, oh, ow, kernelSize, options ?? {}, 'fold');
  if (blocks !== l) throw new RangeError(`fold: the input has ${l} blocks, but outputSize ${oh}x${ow} with these kernelSize, dilation, padding and stride gives ${blocks}`);
  return scatterAddFlat(x, batchedIndex(index, n, c * oh * ow), [n, c, oh, ow]);
}

/** torch.nn.functional.pixel_shuffle: [*, C r², H, W] -> [*, C, H r, W r]. */
export function pixelShuffle(x: Tensor, upscaleFactor: number): Tensor {
  checkTensor(x, 'pixelShuffle');
  const r = upscaleFactor;
  if (!Number.isInteger(r) || r < 1) throw new RangeError(`pixelShuffle: upscaleFactor must be a positive integer, got ${JSON.stringify(r)}`);
  if (x.ndim < 3) throw new RangeError(`pixelShuffle: input must have at least 3 dimensions [*, C, H, W], got shape ${shapeToString(x.shape)}`);
  const lead = x.shape.slice(0, -3);
  const [c, h, w] = x.shape.slice(-3);
  if (c % (r * r) !== 0) throw new RangeError(`pixelShuffle: the channels (${c}) must be divisible by upscaleFactor² (${r * r})`);
  const k = lead.length;
  return x.reshape(...lead, c / (r * r), r, r, h, w)
    .permute(...lead.map((_, i) => i), k, k + 3, k + 1, k + 4, k + 2)
    .reshape(...lead, c / (r * r), h * r, w * r);
}

/** torch.nn.functional.pixel_unshuffle, pixelShuffle's inverse: [*, C, H r, W r] -> [*, C r², H, W]. */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number): Tensor {
  checkTensor(x, 'pixelUnshuffle');
  const r = downscaleFactor;
  if (!Number.isInteger(r) || r < 1) throw new RangeError(`pixelUnshuffle: downscaleFactor must be a positive integer, got ${JSON.stringify(r)}`);
  if (x.ndim < 3) throw new RangeError(`pixelUnshuffle: input must have at least 3 dimensions [*, C, H, W], got shape ${shapeToString(x.shape)}`);
  const lead = x.shape.slice(0, -3);
  const [c, h, w] = x.shape.slice(-3);
  if (h % r !== 0 || w % r !== 0) throw new RangeError(`pixelUnshuffle: height (${h}) and width (${w}) must be divisible by downscaleFactor (${r})`);
  const k = lead.length;
  return x.reshape(...lead, c, h / r, r, w / r, r)
    .permute(...lead.map((_, i) => i), k, k + 2, k + 4, k + 1, k + 3)
    .reshape(...lead, c * r * r, h / r, w / r);
}
