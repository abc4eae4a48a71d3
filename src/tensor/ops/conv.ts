/**
 * 2D convolution (cross-correlation, as in every deep learning library) and its transpose.
 *
 * Three primitives close under differentiation: the forward convolution, its gradient with
 * respect to the input (which is also the transposed convolution), and its gradient with
 * respect to the weight. Each one's backward is written with the other two, so convolutions
 * have derivatives of every order. Each is one whole-batch kernel call (kernels().conv2d and its
 * two gradients): the backend picks the strategy (js: images unfolded side by side and one GEMM
 * per group; wasm: image by image inside WebAssembly, the columns never leaving it).
 */
import { kernels } from '../../backend/registry.js';
import type { ConvBatch, ConvGeometry } from '../../backend/kernels.js';
import { allocateForWrite } from '../dtype.js';
import { checkOptions } from '../options.js';
import { shapeToString, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, makeResult, promoted } from './result.js';

export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  /**
   * Zeros added on each side, or 'valid' (none) or 'same' (output as large as the input; stride
   * 1 only). As in PyTorch, 'same' with an even total padding d(k-1) puts the extra zero on
   * the bottom/right.
   */
  padding?: Pair | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
}

export interface ConvTranspose2dOptions extends Omit<Conv2dOptions, 'padding'> {
  padding?: Pair;
  /** Extra rows/columns added on one side of the output, to pick among the sizes a stride allows. */
  outputPadding?: Pair;
}

const CONV_KEYS = ['stride', 'padding', 'dilation', 'groups'] as const satisfies readonly (keyof Conv2dOptions)[];
const CONV_TRANSPOSE_KEYS = ['stride', 'padding', 'outputPadding', 'dilation', 'groups'] as const satisfies readonly (keyof ConvTranspose2dOptions)[];

/** Normalized hyperparameters shared by the three primitives. */
interface ConvParams {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
}

export function pair(v: Pair, name: string, op: string, min: number): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x >= min)) {
    throw new RangeError(`${op}: ${name} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(v)}`);
  }
  return p;
}

function params(o: Conv2dOptions | ConvTranspose2dOptions, op: string): ConvParams {
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${op}: groups must be a positive integer, got ${groups}`);
  return {
    stride: pair(o.stride ?? 1, 'stride', op, 1),
    padding: pair(o.padding === 'valid' ? 0 : (o.padding as Pair | undefined) ?? 0, 'padding', op, 0),
    dilation: pair(o.dilation ?? 1, 'dilation', op, 1),
    groups,
  };
}

/**
 * Geometry of one group of one image for input [.., C, H, W] and weight [.., C/G, kh, kw]. The
 * output size is the convolution's own unless `outHW` gives it: a transposed convolution's
 * output padding can make its output larger than the one that convolves back to its input
 * (when outputPadding >= stride), and every primitive must then use the input's size.
 */
function geometry(xShape: readonly number[], wShape: readonly number[], p: ConvParams, outHW?: readonly number[]): ConvGeometry {
  const [, c, h, w] = xShape;
  const [, , kh, kw] = wShape;
  const outH = outHW ? outHW[0] : Math.floor((h + 2 * p.padding[0] - p.dilation[0] * (kh - 1) - 1) / p.stride[0]) + 1;
  const outW = outHW ? outHW[1] : Math.floor((w + 2 * p.padding[1] - p.dilation[1] * (kw - 1) - 1) / p.stride[1]) + 1;
  return {
    channels: c / p.groups, height: h, width: w, kernelH: kh, kernelW: kw,
    strideH: p.stride[0], strideW: p.stride[1], padH: p.padding[0], padW: p.padding[1],
    dilationH: p.dilation[0], dilationW: p.dilation[1], outH, outW,
  };
}

/**
 * conv2d: input [N, C, H, W] (or unbatched [C, H, W]), weight [O, C/groups, kh, kw], optional
 * bias [O]; returns [N, O, outH, outW].
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  checkTensor(input, 'conv2d');
  checkTensor(weight, 'conv2d', 'weight');
  checkOptions('conv2d', options, CONV_KEYS);
  if (input.ndim === 3) return conv2d(input.unsqueeze(0), weight, bias, options).squeeze(0);
  if (options.padding === 'same') return convSame(input, weight, bias, options);
  if (typeof options.padding === 'string' && options.padding !== 'valid') {
    throw new RangeError(`conv2d: padding must be a number, a pair, 'same' or 'valid', got '${options.padding}'`);
  }
  const p = params(options, 'conv2d');
  if (input.ndim !== 4) throw new RangeError(`conv2d: input must be [N, C, H, W] or [C, H, W], got shape ${shapeToString(input.shape)}`);
  if (weight.ndim !== 4) throw new RangeError(`conv2d: weight must be [out, in/groups, kh, kw], got shape ${shapeToString(weight.shape)}`);
  const [, c] = input.shape;
  const [o, cg] = weight.shape;
  if (c % p.groups !== 0 || o % p.groups !== 0) {
    throw new RangeError(`conv2d: input channels (${c}) and output channels (${o}) must both be divisible by groups (${p.groups})`);
  }
  if (cg !== c / p.groups) {
    throw new RangeError(`conv2d: weight ${shapeToString(weight.shape)} expects ${cg * p.groups} input channels (with groups=${p.groups}), but the input ${shapeToString(input.shape)} has ${c}`);
  }
  const g = geometry(input.shape, weight.shape, p);
  if (g.outH < 1 || g.outW < 1) {
    throw new RangeError(`conv2d: the kernel ${shapeToString(weight.shape.slice(2))} (dilated) is larger than the padded input ${shapeToString(input.shape.slice(2))}; the output would be empty`);
  }
  const [x, w] = promoted(input, weight);
  if (bias) {
    if (bias.ndim !== 1 || bias.numel() !== o) throw new RangeError(`conv2d: bias must have shape [${o}], got ${shapeToString(bias.shape)}`);
    // The bias is added while the output is laid out (one pass fewer); a bias of a wider dtype
    // promotes the result, as the separate add does.
    if (bias.dtype !== x.dtype) return convForward(x, w, p).add(bias.reshape(o, 1, 1));
  }
  return convForward(x, w, p, undefined, bias ?? null);
}

/** conv2d with padding 'same': symmetric padding where d(k-1) is even, else an explicit pad first. */
function convSame(input: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: Conv2dOptions): Tensor {
  const stride = pair(options.stride ?? 1, 'stride', 'conv2d', 1);
  if (stride[0] !== 1 || stride[1] !== 1) throw new RangeError(`conv2d: padding 'same' needs stride 1, got stride ${JSON.stringify(options.stride)}`);
  if (input.ndim !== 4 || weight.ndim !== 4) return conv2d(input, weight, bias, { ...options, padding: 0 }); // for its shape error
  const dilation = pair(options.dilation ?? 1, 'dilation', 'conv2d', 1);
  const total = [0, 1].map((i) => dilation[i] * (weight.shape[2 + i] - 1));
  const before = total.map((t) => Math.floor(t / 2));
  if (total.every((t) => t % 2 === 0)) return conv2d(input, weight, bias, { ...options, padding: [before[0], before[1]] });
  const padded = input.pad([[before[0], total[0] - before[0]], [before[1], total[1] - before[1]]]);
  return conv2d(padded, weight, bias, { ...options, padding: 0 });
}

/**
 * convTranspose2d: input [N, Cin, H, W], weight [Cin, Cout/groups, kh, kw] (PyTorch's layout),
 * optional bias [Cout]; the output has H' = (H-1) stride - 2 padding + dilation (kh-1) + outputPadding + 1.
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose2dOptions = {}): Tensor {
  checkTensor(input, 'convTranspose2d');
  checkTensor(weight, 'convTranspose2d', 'weight');
  checkOptions('convTranspose2d', options, CONV_TRANSPOSE_KEYS);
  if (input.ndim === 3) return convTranspose2d(input.unsqueeze(0), weight, bias, options).squeeze(0);
  const p = params(options, 'convTranspose2d');
  const outPad = pair(options.outputPadding ?? 0, 'outputPadding', 'convTranspose2d', 0);
  if (input.ndim !== 4) throw new RangeError(`convTranspose2d: input must be [N, C, H, W] or [C, H, W], got shape ${shapeToString(input.shape)}`);
  if (weight.ndim !== 4) throw new RangeError(`convTranspose2d: weight must be [in, out/groups, kh, kw], got shape ${shapeToString(weight.shape)}`);
  const [n, cin, h, w] = input.shape;
  const [wi, cog, kh, kw] = weight.shape;
  if (wi !== cin) throw new RangeError(`convTranspose2d: weight ${shapeToString(weight.shape)} expects ${wi} input channels, but the input ${shapeToString(input.shape)} has ${cin}`);
  if (cin % p.groups !== 0) throw new RangeError(`convTranspose2d: input channels (${cin}) must be divisible by groups (${p.groups})`);
  outPad.forEach((op, i) => {
    if (op >= p.stride[i] && op >= p.dilation[i]) throw new RangeError(`convTranspose2d: outputPadding (${op}) must be smaller than stride or dilation`);
  });
  const cout = cog * p.groups;
  const outH = (h - 1) * p.stride[0] - 2 * p.padding[0] + p.dilation[0] * (kh - 1) + outPad[0] + 1;
  const outW = (w - 1) * p.stride[1] - 2 * p.padding[1] + p.dilation[1] * (kw - 1) + outPad[1] + 1;
  if (outH < 1 || outW < 1) throw new RangeError(`convTranspose2d: the output would be empty (${outH}x${outW}); reduce padding`);
  const [x, wt] = promoted(input, weight);
  let y = convInputGrad(x, wt, [n, cout, outH, outW], p);
  if (bias) {
    if (bias.ndim !== 1 || bias.numel() !== cout) throw new RangeError(`convTranspose2d: bias must have shape [${cout}], got ${shapeToString(bias.shape)}`);
    y = y.add(bias.reshape(cout, 1, 1));
  }
  return y;
}

function batchOf(xShape: readonly number[], wShape: readonly number[], g: ConvGeometry, groups: number): ConvBatch {
  return { n: xShape[0], groups, outChannels: wShape[0], geometry: g };
}

/**
 * conv2d's forward pass over the whole batch in one kernel call (plus the bias, when given: its
 * gradient is gy summed over images and pixels).
 */
function convForward(x: Tensor, w: Tensor, p: ConvParams, outHW?: readonly number[], bias: Tensor | null = null): Tensor {
  const g = geometry(x.shape, w.shape, p, outHW);
  const batch = batchOf(x.shape, w.shape, g, p.groups);
  const yShape = [x.shape[0], w.shape[0], g.outH, g.outW];
  // The kernels overwrite their outputs (kernels.ts), so pooled arrays need no zeroing here or in the gradients.
  const out = allocateForWrite(x.dtype, sizeOf(yShape), () => `conv2d: output shape ${shapeToString(yShape)}`);
  // What the kernel saved of x (its columns) serves the weight gradient; dropped when none is needed.
  let saved: unknown = kernels().conv2d(x.data, w.data, bias && bias.data, batch, out);
  if (!w.requiresGrad) saved = null;
  const inputs = bias ? [x, w, bias] : [x, w];
  return makeResult(out, yShape, 'conv2d', inputs, (gy) => [
    x.requiresGrad ? convInputGrad(gy, w, x.shape, p) : null,
    w.requiresGrad ? convWeightGrad(x, gy, w.shape, p, saved) : null,
    bias?.requiresGrad ? gy.reshape(batch.n, batch.outChannels, g.outH * g.outW).sum([0, 2]) : null,
  ]);
}

/** The gradient of conv2d with respect to its input, given gy; also the transposed convolution. */
function convInputGrad(gy: Tensor, w: Tensor, xShape: readonly number[], p: ConvParams): Tensor {
  const g = geometry(xShape, w.shape, p, gy.shape.slice(2));
  const out = allocateForWrite(gy.dtype, sizeOf(xShape));
  kernels().conv2dInputGrad(gy.data, w.data, batchOf(xShape, w.shape, g, p.groups), out);
  return makeResult(out, xShape, 'conv2dInputGrad', [gy, w], (gz) => [
    gy.requiresGrad ? convForward(gz, w, p, gy.shape.slice(2)) : null,
    w.requiresGrad ? convWeightGrad(gz, gy, w.shape, p) : null,
  ]);
}

/** The gradient of conv2d with respect to its weight, given the input x and gy. */
function convWeightGrad(x: Tensor, gy: Tensor, wShape: readonly number[], p: ConvParams, saved: unknown = null): Tensor {
  const g = geometry(x.shape, wShape, p, gy.shape.slice(2));
  const out = allocateForWrite(x.dtype, sizeOf(wShape));
  kernels().conv2dWeightGrad(x.data, gy.data, batchOf(x.shape, wShape, g, p.groups), out, saved);
  return makeResult(out, wShape, 'conv2dWeightGrad', [x, gy], (gw) => [
    x.requiresGrad ? convInputGrad(gy, gw, x.shape, p) : null,
    gy.requiresGrad ? convForward(x, gw, p, gy.shape.slice(2)) : null,
  ]);
}
