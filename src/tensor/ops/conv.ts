/**
 * 2D convolution (cross-correlation, as in every deep learning library) and its transpose.
 *
 * Three primitives close under differentiation: the forward convolution, its gradient with
 * respect to the input (which is also the transposed convolution), and its gradient with
 * respect to the weight. Each one's backward is written with the other two, so convolutions
 * have derivatives of every order. Each unfolds a chunk of images at once (im2col, images side by
 * side) and runs one GEMM per group over the whole chunk.
 */
import { kernels } from '../../backend/registry.js';
import type { ConvGeometry } from '../../backend/kernels.js';
import { allocate, type Storage } from '../dtype.js';
import { shapeToString, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, makeResult, promoted } from './result.js';

export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

export interface ConvTranspose2dOptions extends Conv2dOptions {
  /** Extra rows/columns added on one side of the output, to pick among the sizes a stride allows. */
  outputPadding?: Pair;
}

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

function params(o: Conv2dOptions, op: string): ConvParams {
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${op}: groups must be a positive integer, got ${groups}`);
  return {
    stride: pair(o.stride ?? 1, 'stride', op, 1),
    padding: pair(o.padding ?? 0, 'padding', op, 0),
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
  if (input.ndim === 3) return conv2d(input.unsqueeze(0), weight, bias, options).squeeze(0);
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
    if (bias.ndim !== 1 || bias.size !== o) throw new RangeError(`conv2d: bias must have shape [${o}], got ${shapeToString(bias.shape)}`);
    // The bias is added while the output is laid out (one pass fewer); a bias of a wider dtype
    // promotes the result, as the separate add does.
    if (bias.dtype !== x.dtype) return convForward(x, w, p).add(bias.reshape(o, 1, 1));
  }
  return convForward(x, w, p, undefined, bias ?? null);
}

/**
 * convTranspose2d: input [N, Cin, H, W], weight [Cin, Cout/groups, kh, kw] (PyTorch's layout),
 * optional bias [Cout]; the output has H' = (H-1) stride - 2 padding + dilation (kh-1) + outputPadding + 1.
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose2dOptions = {}): Tensor {
  checkTensor(input, 'convTranspose2d');
  checkTensor(weight, 'convTranspose2d', 'weight');
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
    if (bias.ndim !== 1 || bias.size !== cout) throw new RangeError(`convTranspose2d: bias must have shape [${cout}], got ${shapeToString(bias.shape)}`);
    y = y.add(bias.reshape(cout, 1, 1));
  }
  return y;
}

/**
 * Columns of a batch are built a chunk of images at a time, so a large batch does not need one
 * huge buffer: at most this many elements per chunk (64 MiB of float32).
 */
const COLS_BUDGET = 16 * 1024 * 1024;

/** Sizes shared by the three primitives: per-group channels/rows and the image chunking. */
interface Layout {
  n: number;
  c: number;
  o: number;
  groups: number;
  og: number;
  ckk: number;
  plane: number;
  imageSize: number;
  /** Images per chunk. */
  chunk: number;
}

function layout(xShape: readonly number[], wShape: readonly number[], g: ConvGeometry, groups: number): Layout {
  const [n, c, h, w] = xShape;
  const o = wShape[0];
  const ckk = g.channels * g.kernelH * g.kernelW;
  const plane = g.outH * g.outW;
  const chunk = Math.max(1, Math.min(n, Math.floor(COLS_BUDGET / Math.max(1, groups * ckk * plane))));
  return { n, c, o, groups, og: o / groups, ckk, plane, imageSize: h * w, chunk };
}

/**
 * Unfolds images [i0, i0 + nb) of x into columns laid out [group][ckk][nb * plane]: image i's
 * columns start at (i - i0) * plane in every row, so one GEMM per group covers the chunk.
 */
function unfold(x: Storage, L: Layout, g: ConvGeometry, i0: number, nb: number): Storage {
  const ld = nb * L.plane;
  const cols = allocate(x instanceof Float64Array ? 'float64' : 'float32', L.groups * L.ckk * ld);
  const kern = kernels();
  for (let gi = 0; gi < L.groups; gi++) {
    for (let i = 0; i < nb; i++) {
      kern.im2col(x, ((i0 + i) * L.c + gi * g.channels) * L.imageSize, g, cols, gi * L.ckk * ld + i * L.plane, ld);
    }
  }
  return cols;
}

/**
 * Moves between the image layout [nb, O, plane] (at image i0 of a batch) and the channel-major
 * layout [O, nb * plane] that the batched GEMMs use.
 */
function toChannelMajor(y: Storage, L: Layout, i0: number, nb: number): Storage {
  const out = allocate(y instanceof Float64Array ? 'float64' : 'float32', L.o * nb * L.plane);
  const { o, plane } = L;
  for (let ch = 0; ch < o; ch++) {
    for (let i = 0; i < nb; i++) {
      const src = ((i0 + i) * o + ch) * plane;
      const dst = (ch * nb + i) * plane;
      for (let q = 0; q < plane; q++) out[dst + q] = y[src + q];
    }
  }
  return out;
}

/** The inverse of toChannelMajor, adding bias[channel] on the way when given. */
function fromChannelMajor(cm: Storage, L: Layout, i0: number, nb: number, y: Storage, bias: Storage | null): void {
  const { o, plane } = L;
  for (let ch = 0; ch < o; ch++) {
    const b = bias ? bias[ch] : 0;
    for (let i = 0; i < nb; i++) {
      const src = (ch * nb + i) * plane;
      const dst = ((i0 + i) * o + ch) * plane;
      if (bias) for (let q = 0; q < plane; q++) y[dst + q] = cm[src + q] + b;
      else for (let q = 0; q < plane; q++) y[dst + q] = cm[src + q];
    }
  }
}

/** What the forward pass hands its backward: the columns and the chunking they were made with. */
interface ColsCache {
  cols: Storage;
  chunk: number;
}

/**
 * conv2d's forward pass: per chunk of images, the columns of all its images and one GEMM per
 * group, W_g [og, ckk] x cols_g [ckk, nb * plane], then back to [N, O, outH, outW] (plus the
 * bias, when given: its gradient is gy summed over images and pixels).
 */
function convForward(x: Tensor, w: Tensor, p: ConvParams, outHW?: readonly number[], bias: Tensor | null = null): Tensor {
  const g = geometry(x.shape, w.shape, p, outHW);
  const L = layout(x.shape, w.shape, g, p.groups);
  const yShape = [L.n, L.o, g.outH, g.outW];
  const out = allocate(x.dtype, sizeOf(yShape));
  const kern = kernels();
  let cache: ColsCache | null = null;
  for (let i0 = 0; i0 < L.n; i0 += L.chunk) {
    const nb = Math.min(L.chunk, L.n - i0);
    const ld = nb * L.plane;
    const cols = unfold(x.data, L, g, i0, nb);
    // With one image the channel-major layout is the image layout: write straight into out.
    const cm = nb === 1 ? out : allocate(x.dtype, L.o * ld);
    const cmOffset = nb === 1 ? i0 * L.o * L.plane : 0;
    for (let gi = 0; gi < L.groups; gi++) {
      kern.gemm({ transA: false, transB: false, m: L.og, n: ld, k: L.ckk, alpha: 1, beta: 0,
        a: w.data, aOffset: gi * L.og * L.ckk, lda: L.ckk, b: cols, bOffset: gi * L.ckk * ld, ldb: ld,
        c: cm, cOffset: cmOffset + gi * L.og * ld, ldc: ld });
    }
    if (nb !== 1) fromChannelMajor(cm, L, i0, nb, out, bias && bias.data);
    else if (bias) {
      for (let ch = 0; ch < L.o; ch++) {
        const b = bias.data[ch];
        const at = (i0 * L.o + ch) * L.plane;
        for (let q = 0; q < L.plane; q++) out[at + q] += b;
      }
    }
    // The weight gradient needs these columns again; keep them when the batch fit in one chunk.
    if (nb === L.n && w.requiresGrad) cache = { cols, chunk: L.chunk };
  }
  const inputs = bias ? [x, w, bias] : [x, w];
  return makeResult(out, yShape, 'conv2d', inputs, (gy) => {
    const gyCm = L.n <= L.chunk && L.n > 1 && (x.requiresGrad || w.requiresGrad) ? toChannelMajor(gy.data, L, 0, L.n) : null;
    return [
      x.requiresGrad ? convInputGrad(gy, w, x.shape, p, gyCm) : null,
      w.requiresGrad ? convWeightGrad(x, gy, w.shape, p, cache, gyCm) : null,
      bias?.requiresGrad ? gy.reshape(L.n, L.o, L.plane).sum([0, 2]) : null,
    ];
  });
}

/**
 * The gradient of conv2d with respect to its input, given gy; also the transposed convolution.
 * Per chunk: cols_g = W_g^T [ckk, og] x gy_g [og, nb * plane], folded back image by image.
 * `gyCm` is gy already in channel-major layout (one chunk), when the caller has it.
 */
function convInputGrad(gy: Tensor, w: Tensor, xShape: readonly number[], p: ConvParams, gyCm: Storage | null = null): Tensor {
  const g = geometry(xShape, w.shape, p, gy.shape.slice(2));
  const L = layout(xShape, w.shape, g, p.groups);
  const out = allocate(gy.dtype, sizeOf(xShape));
  const kern = kernels();
  for (let i0 = 0; i0 < L.n; i0 += L.chunk) {
    const nb = Math.min(L.chunk, L.n - i0);
    const ld = nb * L.plane;
    const cm = nb === 1 ? gy.data : gyCm && nb === L.n ? gyCm : toChannelMajor(gy.data, L, i0, nb);
    const cmOffset = nb === 1 ? i0 * L.o * L.plane : 0;
    const cols = allocate(gy.dtype, L.groups * L.ckk * ld);
    for (let gi = 0; gi < L.groups; gi++) {
      kern.gemm({ transA: true, transB: false, m: L.ckk, n: ld, k: L.og, alpha: 1, beta: 0,
        a: w.data, aOffset: gi * L.og * L.ckk, lda: L.ckk, b: cm, bOffset: cmOffset + gi * L.og * ld, ldb: ld,
        c: cols, cOffset: gi * L.ckk * ld, ldc: ld });
      for (let i = 0; i < nb; i++) {
        kern.col2im(cols, g, out, ((i0 + i) * L.c + gi * g.channels) * L.imageSize, gi * L.ckk * ld + i * L.plane, ld);
      }
    }
  }
  return makeResult(out, xShape, 'conv2dInputGrad', [gy, w], (gz) => [
    gy.requiresGrad ? convForward(gz, w, p, gy.shape.slice(2)) : null,
    w.requiresGrad ? convWeightGrad(gz, gy, w.shape, p) : null,
  ]);
}

/**
 * The gradient of conv2d with respect to its weight, given the input x and gy: per chunk and
 * group, gW_g += gy_g [og, nb * plane] x cols_g^T, one GEMM whose inner dimension runs over every
 * pixel of every image in the chunk. `cache` holds the forward pass's columns of x.
 */
function convWeightGrad(x: Tensor, gy: Tensor, wShape: readonly number[], p: ConvParams, cache: ColsCache | null = null, gyCm: Storage | null = null): Tensor {
  const g = geometry(x.shape, wShape, p, gy.shape.slice(2));
  const L = layout(x.shape, wShape, g, p.groups);
  const out = allocate(x.dtype, sizeOf(wShape));
  const kern = kernels();
  for (let i0 = 0; i0 < L.n; i0 += L.chunk) {
    const nb = Math.min(L.chunk, L.n - i0);
    const ld = nb * L.plane;
    const cols = cache && nb === L.n ? cache.cols : unfold(x.data, L, g, i0, nb);
    const cm = nb === 1 ? gy.data : gyCm && nb === L.n ? gyCm : toChannelMajor(gy.data, L, i0, nb);
    const cmOffset = nb === 1 ? i0 * L.o * L.plane : 0;
    for (let gi = 0; gi < L.groups; gi++) {
      kern.gemm({ transA: false, transB: true, m: L.og, n: L.ckk, k: ld, alpha: 1, beta: i0 === 0 ? 0 : 1,
        a: cm, aOffset: cmOffset + gi * L.og * ld, lda: ld, b: cols, bOffset: gi * L.ckk * ld, ldb: ld,
        c: out, cOffset: gi * L.og * L.ckk, ldc: L.ckk });
    }
  }
  return makeResult(out, wShape, 'conv2dWeightGrad', [x, gy], (gw) => [
    x.requiresGrad ? convInputGrad(gy, gw, x.shape, p) : null,
    gy.requiresGrad ? convForward(x, gw, p, gy.shape.slice(2)) : null,
  ]);
}
