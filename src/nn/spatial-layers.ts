/**
 * The modules over the spatial ops: Conv1d, Conv3d, the 1-D and adaptive pools, Upsample,
 * PixelShuffle / PixelUnshuffle and Fold / Unfold, each a thin holder of its options around the
 * functional op (as PyTorch's modules are).
 */
import {
  adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d, avgPool1d, conv1d, conv3d, interpolate, maxPool1d,
  zeros, type AdaptiveSize, type AvgPool1dOptions, type InterpolateOptions, type MaxPool1dOptions, type Pair, type Single, type Tensor, type Triple,
} from '../tensor/index.js';
import { tupleOf } from '../tensor/ops/conv-nd.js';
import { checkOptions } from '../tensor/options.js';
import { fold, pixelShuffle, pixelUnshuffle, unfold, type FoldOptions } from './fold.js';
import { defaultInit, positiveInt, type LayerOptions } from './layers.js';
import { Module } from './module.js';
import { checkPaddingMode, padForConvolution, type PaddingMode } from './padding-mode.js';

export interface Conv1dLayerOptions extends LayerOptions {
  stride?: Single;
  /** Padding on each side, or 'same' / 'valid' as in PyTorch (see conv1d). */
  padding?: Single | 'same' | 'valid';
  dilation?: Single;
  groups?: number;
  /** How the padding is filled: 'zeros' (default), or 'reflect', 'replicate', 'circular' (PyTorch's padding_mode). */
  paddingMode?: PaddingMode;
}

export interface Conv3dLayerOptions extends LayerOptions {
  stride?: Triple;
  padding?: Triple | 'same' | 'valid';
  dilation?: Triple;
  groups?: number;
  paddingMode?: PaddingMode;
}

const CONV_KEYS = ['bias', 'dtype', 'generator', 'stride', 'padding', 'dilation', 'groups', 'paddingMode'];

/** What Conv1d and Conv3d share: checked sizes, the parameters, and the padding mode. */
interface ConvSetup {
  kernel: number[];
  stride: number[];
  padding: number[] | 'same' | 'valid';
  dilation: number[];
  groups: number;
  paddingMode: PaddingMode;
}

function convSetup(m: Module & { weight: Tensor; bias: Tensor | null }, op: string, dims: number, inChannels: number, outChannels: number, kernelSize: number | readonly number[], o: Conv1dLayerOptions | Conv3dLayerOptions): ConvSetup {
  checkOptions(op, o, CONV_KEYS);
  positiveInt(inChannels, 'inChannels', op);
  positiveInt(outChannels, 'outChannels', op);
  const kernel = tupleOf(kernelSize, dims, 'kernelSize', op, 1);
  const stride = tupleOf(o.stride ?? 1, dims, 'stride', op, 1);
  const padding = typeof o.padding === 'string' ? o.padding : tupleOf(o.padding ?? 0, dims, 'padding', op, 0);
  if (typeof padding === 'string' && padding !== 'same' && padding !== 'valid') throw new RangeError(`${op}: padding must be a number, a tuple, 'same' or 'valid', got '${padding}'`);
  if (padding === 'same' && stride.some((s) => s !== 1)) throw new RangeError(`${op}: padding 'same' needs stride 1, got stride [${stride}]`);
  const groups = positiveInt(o.groups ?? 1, 'groups', op);
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new RangeError(`${op}: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${groups})`);
  }
  const dtype = o.dtype ?? 'float32';
  m.registerParameter('weight', zeros([outChannels, inChannels / groups, ...kernel], { dtype }));
  m.registerParameter('bias', o.bias === false ? null : zeros([outChannels], { dtype }));
  defaultInit(m.weight, m.bias, o.generator);
  return { kernel, stride, padding, dilation: tupleOf(o.dilation ?? 1, dims, 'dilation', op, 1), groups, paddingMode: checkPaddingMode(o.paddingMode, op) };
}

/** x padded for a non-zeros padding mode (the convolution then pads nothing), or x and the padding as given. */
function modePadded(x: Tensor, s: ConvSetup): [Tensor, number[] | 'same' | 'valid'] {
  if (s.paddingMode === 'zeros') return [x, s.padding];
  return [padForConvolution(x, s.padding, s.kernel, s.dilation, s.paddingMode), 'valid'];
}

function convRepr(inChannels: number, outChannels: number, s: ConvSetup, bias: boolean): string {
  const padding = typeof s.padding === 'string' ? `'${s.padding}'` : `[${s.padding}]`;
  return `${inChannels}, ${outChannels}, kernelSize=[${s.kernel}], stride=[${s.stride}], padding=${padding}` +
    `${s.dilation.some((d) => d !== 1) ? `, dilation=[${s.dilation}]` : ''}${s.groups !== 1 ? `, groups=${s.groups}` : ''}, bias=${bias}` +
    `${s.paddingMode !== 'zeros' ? `, paddingMode='${s.paddingMode}'` : ''}`;
}

/** 1-D convolution with weight [outChannels, inChannels/groups, k] (torch.nn.Conv1d). */
export class Conv1d extends Module {
  weight!: Tensor;
  bias!: Tensor | null;
  readonly setup: Readonly<ConvSetup>;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Single, options: Conv1dLayerOptions = {}) {
    super();
    this.setup = convSetup(this, 'Conv1d', 1, inChannels, outChannels, kernelSize, options);
  }

  forward(x: Tensor): Tensor {
    const [input, padding] = modePadded(x, this.setup);
    const s = this.setup;
    return conv1d(input, this.weight, this.bias, { stride: s.stride[0], dilation: s.dilation[0], groups: s.groups, padding: typeof padding === 'string' ? padding : padding[0] });
  }

  override extraRepr(): string {
    return convRepr(this.inChannels, this.outChannels, this.setup, this.bias !== null);
  }
}

/** 3-D convolution with weight [outChannels, inChannels/groups, kD, kH, kW] (torch.nn.Conv3d). */
export class Conv3d extends Module {
  weight!: Tensor;
  bias!: Tensor | null;
  readonly setup: Readonly<ConvSetup>;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Triple, options: Conv3dLayerOptions = {}) {
    super();
    this.setup = convSetup(this, 'Conv3d', 3, inChannels, outChannels, kernelSize, options);
  }

  forward(x: Tensor): Tensor {
    const [input, padding] = modePadded(x, this.setup);
    const s = this.setup;
    const triple = (v: number[]): Triple => [v[0], v[1], v[2]];
    return conv3d(input, this.weight, this.bias, { stride: triple(s.stride), dilation: triple(s.dilation), groups: s.groups, padding: typeof padding === 'string' ? padding : triple(padding) });
  }

  override extraRepr(): string {
    return convRepr(this.inChannels, this.outChannels, this.setup, this.bias !== null);
  }
}

/** torch.nn.MaxPool1d (returnIndices is {@link MaxPool1d.forwardWithIndices}, as MaxPool2d's). */
export class MaxPool1d extends Module {
  readonly options: Omit<MaxPool1dOptions, 'returnIndices'>;

  constructor(readonly kernelSize: Single, options: Omit<MaxPool1dOptions, 'returnIndices'> = {}) {
    super();
    checkOptions('MaxPool1d', options, ['stride', 'padding', 'dilation', 'ceilMode'], 'for the indices call forwardWithIndices(x)');
    this.options = { ...options };
  }

  forward(x: Tensor): Tensor {
    return maxPool1d(x, this.kernelSize, this.options);
  }

  /** [values, indices], the indices being the winners' positions along L. */
  forwardWithIndices(x: Tensor): [Tensor, Tensor] {
    return maxPool1d(x, this.kernelSize, { ...this.options, returnIndices: true });
  }
}

/** torch.nn.AvgPool1d. */
export class AvgPool1d extends Module {
  readonly options: AvgPool1dOptions;

  constructor(readonly kernelSize: Single, options: AvgPool1dOptions = {}) {
    super();
    checkOptions('AvgPool1d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
    this.options = { ...options };
  }

  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize, this.options);
  }
}

/** torch.nn.AdaptiveAvgPool1d. */
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool1d(x, this.outputSize);
  }
}

/** torch.nn.AdaptiveAvgPool2d. */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}

/** torch.nn.AdaptiveMaxPool1d (the indices from forwardWithIndices). */
export class AdaptiveMaxPool1d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveMaxPool1d(x, this.outputSize);
  }

  forwardWithIndices(x: Tensor): [Tensor, Tensor] {
    return adaptiveMaxPool1d(x, this.outputSize, { returnIndices: true });
  }
}

/** torch.nn.AdaptiveMaxPool2d (the indices from forwardWithIndices). */
export class AdaptiveMaxPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveMaxPool2d(x, this.outputSize);
  }

  forwardWithIndices(x: Tensor): [Tensor, Tensor] {
    return adaptiveMaxPool2d(x, this.outputSize, { returnIndices: true });
  }
}

/** torch.nn.Upsample: {@link interpolate} with fixed options. */
export class Upsample extends Module {
  readonly options: InterpolateOptions;

  constructor(options: InterpolateOptions) {
    super();
    checkOptions('Upsample', options, ['size', 'scaleFactor', 'mode', 'alignCorners']);
    this.options = { ...options };
  }

  forward(x: Tensor): Tensor {
    return interpolate(x, this.options);
  }
}

/** torch.nn.PixelShuffle. */
export class PixelShuffle extends Module {
  constructor(readonly upscaleFactor: number) {
    super();
    positiveInt(upscaleFactor, 'upscaleFactor', 'PixelShuffle');
  }

  forward(x: Tensor): Tensor {
    return pixelShuffle(x, this.upscaleFactor);
  }
}

/** torch.nn.PixelUnshuffle. */
export class PixelUnshuffle extends Module {
  constructor(readonly downscaleFactor: number) {
    super();
    positiveInt(downscaleFactor, 'downscaleFactor', 'PixelUnshuffle');
  }

  forward(x: Tensor): Tensor {
    return pixelUnshuffle(x, this.downscaleFactor);
  }
}

/** torch.nn.Unfold (im2col). */
export class Unfold extends Module {
  constructor(readonly kernelSize: Pair, readonly options: FoldOptions = {}) {
    super();
    checkOptions('Unfold', options, ['dilation', 'padding', 'stride']);
  }

  forward(x: Tensor): Tensor {
    return unfold(x, this.kernelSize, this.options);
  }
}

/** torch.nn.Fold (col2im). */
export class Fold extends Module {
  constructor(readonly outputSize: Pair, readonly kernelSize: Pair, readonly options: FoldOptions = {}) {
    super();
    checkOptions('Fold', options, ['dilation', 'padding', 'stride']);
  }

  forward(x: Tensor): Tensor {
    return fold(x, this.outputSize, this.kernelSize, this.options);
  }
}
