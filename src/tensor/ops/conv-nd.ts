/**
 * 1-D and 3-D convolutions, written with conv2d so they inherit its kernels and its closed set
 * of derivatives (every order):
 * - conv1d is conv2d over images of height 1;
 * - conv3d gathers, for every output depth, the kD input slices its window reads (zeros where
 *   the depth padding is) into the channels of one image, and convolves all of them in one
 *   conv2d call with the weight's depth folded into its input channels.
 */
import { shapeToString } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { conv2d } from './conv.js';
import { gatherFlat } from './indexing.js';
import { checkTensor } from './result.js';

/** One size along one axis: a number, or a 1-tuple (as PyTorch accepts). */
export type Single = number | readonly [number];
export type Triple = number | readonly [number, number, number];

export interface Conv1dOptions {
  stride?: Single;
  /** Zeros added on each side, or 'valid' (none) or 'same' (output as long as the input; stride 1 only). */
  padding?: Single | 'same' | 'valid';
  dilation?: Single;
  groups?: number;
}

export interface Conv3dOptions {
  stride?: Triple;
  /** Zeros added on each side of D, H, W, or 'valid' or 'same' (stride 1 only; an odd total puts the extra zero last). */
  padding?: Triple | 'same' | 'valid';
  dilation?: Triple;
  groups?: number;
}

const KEYS = ['stride', 'padding', 'dilation', 'groups'] as const;

/** A size given as a number or a tuple of `n`, checked to be an integer >= min. */
export function tupleOf(v: number | readonly number[], n: number, name: string, op: string, min: number): number[] {
  const t = typeof v === 'number' ? Array<number>(n).fill(v) : Array.isArray(v) ? [...v] : [];
  if (t.length !== n || !t.every((x) => Number.isInteger(x) && x >= min)) {
    throw new RangeError(`${op}: ${name} must be an integer >= ${min} or ${n === 1 ? 'a 1-tuple of one' : `a ${n}-tuple of them`}, got ${JSON.stringify(v)}`);
  }
  return t;
}

function checkPadding(padding: unknown, op: string): void {
  if (typeof padding === 'string' && padding !== 'same' && padding !== 'valid') {
    throw new RangeError(`${op}: padding must be a number, a tuple, 'same' or 'valid', got '${padding}'`);
  }
}

/**
 * conv1d: input [N, C, L] (or unbatched [C, L]), weight [O, C/groups, k], optional bias [O];
 * returns [N, O, outL] (torch.nn.functional.conv1d).
 */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  checkTensor(input, 'conv1d');
  checkTensor(weight, 'conv1d', 'weight');
  checkOptions('conv1d', options, KEYS);
  if (input.ndim === 2) return conv1d(input.unsqueeze(0), weight, bias, options).squeeze(0);
  if (input.ndim !== 3) throw new RangeError(`conv1d: input must be [N, C, L] or [C, L], got shape ${shapeToString(input.shape)}`);
  if (weight.ndim !== 3) throw new RangeError(`conv1d: weight must be [out, in/groups, k], got shape ${shapeToString(weight.shape)}`);
  const o = options ?? {};
  checkPadding(o.padding, 'conv1d');
  const [stride] = tupleOf(o.stride ?? 1, 1, 'stride', 'conv1d', 1);
  const [dilation] = tupleOf(o.dilation ?? 1, 1, 'dilation', 'conv1d', 1);
  const padding = typeof o.padding === 'string' ? o.padding : tupleOf(o.padding ?? 0, 1, 'padding', 'conv1d', 0)[0];
  if (padding === 'same' && stride !== 1) throw new RangeError(`conv1d: padding 'same' needs stride 1, got stride ${JSON.stringify(o.stride)}`);
  const options2d = {
    stride: [1, stride] as const, dilation: [1, dilation] as const, groups: o.groups,
    padding: typeof padding === 'string' ? padding : ([0, padding] as const),
  };
  try {
    return conv2d(input.unsqueeze(2), weight.unsqueeze(2), bias, options2d).squeeze(2);
  } catch (e) {
    // conv2d's own message, in conv1d's terms (its shapes carry the added height 1).
    if (e instanceof RangeError) throw new RangeError(e.message.replace(/^conv2d/, 'conv1d (as a conv2d of height 1)'));
    throw e;
  }
}

/**
 * conv3d: input [N, C, D, H, W] (or unbatched [C, D, H, W]), weight [O, C/groups, kD, kH, kW],
 * optional bias [O]; returns [N, O, outD, outH, outW] (torch.nn.functional.conv3d).
 */
export function conv3d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv3dOptions = {}): Tensor {
  checkTensor(input, 'conv3d');
  checkTensor(weight, 'conv3d', 'weight');
  checkOptions('conv3d', options, KEYS);
  if (input.ndim === 4) return conv3d(input.unsqueeze(0), weight, bias, options).squeeze(0);
  if (input.ndim !== 5) throw new RangeError(`conv3d: input must be [N, C, D, H, W] or [C, D, H, W], got shape ${shapeToString(input.shape)}`);
  if (weight.ndim !== 5) throw new RangeError(`conv3d: weight must be [out, in/groups, kD, kH, kW], got shape ${shapeToString(weight.shape)}`);
  const o = options ?? {};
  checkPadding(o.padding, 'conv3d');
  const stride = tupleOf(o.stride ?? 1, 3, 'stride', 'conv3d', 1);
  const dilation = tupleOf(o.dilation ?? 1, 3, 'dilation', 'conv3d', 1);
  const [n, c, d, h, w] = input.shape;
  const [out, cg, kd, kh, kw] = weight.shape;
  let before: number[];
  let after: number[];
  if (o.padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new RangeError(`conv3d: padding 'same' needs stride 1, got stride ${JSON.stringify(o.stride)}`);
    const total = [kd, kh, kw].map((k, i) => dilation[i] * (k - 1));
    before = total.map((t) => Math.floor(t / 2));
    after = total.map((t, i) => t - before[i]);
  } else {
    before = o.padding === 'valid' ? [0, 0, 0] : tupleOf(o.padding ?? 0, 3, 'padding', 'conv3d', 0);
    after = before;
  }
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`conv3d: groups must be a positive integer, got ${groups}`);
  if (c % groups !== 0 || out % groups !== 0 || cg * groups !== c) {
    throw new RangeError(`conv3d: weight ${shapeToString(weight.shape)} with groups=${groups} does not fit the input ${shapeToString(input.shape)} (its ${c} channels must be groups x ${cg}, and ${out} output channels divisible by groups)`);
  }
  const outD = Math.floor((d + before[0] + after[0] - dilation[0] * (kd - 1) - 1) / stride[0]) + 1;
  if (outD < 1) throw new RangeError(`conv3d: the kernel depth ${kd} (dilated) is larger than the padded input depth ${d}; the output would be empty`);
  // slabs[n, od, ch * kd + k, y, x] = input[n, ch, od * stride + k * dilation - before, y, x] (0 outside).
  const index = new Int32Array(n * outD * c * kd * h * w);
  let at = 0;
  for (let b = 0; b < n; b++) {
    for (let od = 0; od < outD; od++) {
      for (let ch = 0; ch < c; ch++) {
        for (let k = 0; k < kd; k++) {
          const z = od * stride[0] + k * dilation[0] - before[0];
          const base = ((b * c + ch) * d + z) * h * w;
          for (let p = 0; p < h * w; p++) index[at++] = z >= 0 && z < d ? base + p : -1;
        }
      }
    }
  }
  const slabs = gatherFlat(input, index, [n * outD, c * kd, h, w]);
  const padding2d = before[1] === after[1] && before[2] === after[2] ? ([before[1], before[2]] as const) : 0;
  const planes = padding2d === 0 ? slabs.pad([[before[1], after[1]], [before[2], after[2]]]) : slabs;
  const y = conv2d(planes, weight.reshape(out, cg * kd, kh, kw), bias, {
    stride: [stride[1], stride[2]], dilation: [dilation[1], dilation[2]], padding: padding2d, groups,
  });
  const [, , oh, ow] = y.shape;
  return y.reshape(n, outD, out, oh, ow).permute(0, 2, 1, 3, 4);
}
