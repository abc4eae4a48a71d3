/**
 * Layers: Linear, convolutions, pooling, Flatten, Dropout, Embedding, containers (Sequential,
 * ModuleList) and residual blocks (survey section 2.1.3: "change the architecture").
 *
 * Default initializations match PyTorch: Linear and convolution weights are
 * kaimingUniform(a = sqrt(5)), i.e. U(-1/sqrt(fanIn), 1/sqrt(fanIn)), and biases
 * U(-1/sqrt(fanIn), 1/sqrt(fanIn)); Embedding is N(0, 1).
 */
import {
  avgPool2d, conv2d, convTranspose2d, linear, maxPool2d, noGrad, Tensor, zeros,
  type DType, type Generator, type Pair,
} from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';
import { dropout, dropout2d } from './functional.js';
import { calculateFanInAndFanOut, kaimingUniform, normal, uniform } from './init.js';
import { declareOwnModules, keepsNoActivations, Module } from './module.js';
import { ForwardScope } from '../tensor/activations.js';
import { BatchNorm2d } from './norm.js';
import { ReLU } from './activation.js';
import { lookUpRows } from './embedding.js';
import { checkPaddingMode, padForConvolution, type PaddingMode } from './padding-mode.js';

export interface LayerOptions {
  /** Default true. */
  bias?: boolean;
  /** Parameter dtype, default float32. */
  dtype?: DType;
  /** Generator for the default initialization (default: the global one). */
  generator?: Generator;
}

/** PyTorch's reset_parameters for Linear and convolutions (also ./spatial-layers.ts). */
export function defaultInit(weight: Tensor, bias: Tensor | null, generator?: Generator): void {
  noGrad(() => {
    kaimingUniform(weight, { a: Math.sqrt(5), generator });
    if (bias) {
      const { fanIn } = calculateFanInAndFanOut(weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform(bias, -bound, bound, { generator });
    }
  });
}

const LAYER_KEYS = ['bias', 'dtype', 'generator'] as const satisfies readonly (keyof LayerOptions)[];
const CONV_LAYER_KEYS = [...LAYER_KEYS, 'stride', 'padding', 'dilation', 'groups', 'paddingMode'] as const satisfies readonly (keyof Conv2dLayerOptions)[];
const CONV_TRANSPOSE_LAYER_KEYS = [...LAYER_KEYS, 'stride', 'padding', 'dilation', 'groups', 'outputPadding'] as const satisfies readonly (keyof ConvTranspose2dLayerOptions)[];

export function positiveInt(v: number, name: string, op: string): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${op}: ${name} must be a positive integer, got ${v}`);
  return v;
}

const pairOf = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/** y = x W^T + b with W of shape [outFeatures, inFeatures]. */
export class Linear extends Module {
  weight!: Tensor;
  bias!: Tensor | null;
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(inFeatures: number, outFeatures: number, options: LayerOptions = {}) {
    super();
    checkOptions('Linear', options, LAYER_KEYS);
    this.inFeatures = positiveInt(inFeatures, 'inFeatures', 'Linear');
    this.outFeatures = positiveInt(outFeatures, 'outFeatures', 'Linear');
    const dtype = options.dtype ?? 'float32';
    this.registerParameter('weight', zeros([outFeatures, inFeatures], { dtype }));
    this.registerParameter('bias', options.bias === false ? null : zeros([outFeatures], { dtype }));
    defaultInit(this.weight, this.bias, options.generator);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

export interface Conv2dLayerOptions extends LayerOptions {
  stride?: Pair;
  /** Zeros on each side, or 'same' / 'valid' as in PyTorch (see conv2d). */
  padding?: Pair | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
  /** How the padding is filled: 'zeros' (default), or 'reflect', 'replicate', 'circular' (PyTorch's padding_mode). */
  paddingMode?: PaddingMode;
}

/** 2-D convolution with weight [outChannels, inChannels/groups, kh, kw]. */
export class Conv2d extends Module {
  weight!: Tensor;
  bias!: Tensor | null;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'same' | 'valid';
  readonly dilation: [number, number];
  readonly groups: number;
  readonly paddingMode: PaddingMode;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: Conv2dLayerOptions = {}) {
    super();
    checkOptions('Conv2d', options, CONV_LAYER_KEYS);
    this.inChannels = positiveInt(inChannels, 'inChannels', 'Conv2d');
    this.outChannels = positiveInt(outChannels, 'outChannels', 'Conv2d');
    this.kernelSize = pairOf(kernelSize);
    this.stride = pairOf(options.stride ?? 1);
    const padding = options.padding ?? 0;
    this.padding = typeof padding === 'string' ? padding : pairOf(padding);
    if (this.padding === 'same' && this.stride.some((s) => s !== 1)) throw new RangeError(`Conv2d: padding 'same' needs stride 1, got stride [${this.stride}]`);
    this.dilation = pairOf(options.dilation ?? 1);
    this.groups = positiveInt(options.groups ?? 1, 'groups', 'Conv2d');
    this.paddingMode = checkPaddingMode(options.paddingMode, 'Conv2d');
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new RangeError(`Conv2d: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${this.groups})`);
    }
    this.kernelSize.forEach((k) => positiveInt(k, 'kernelSize', 'Conv2d'));
    const dtype = options.dtype ?? 'float32';
    this.registerParameter('weight', zeros([outChannels, inChannels / this.groups, ...this.kernelSize], { dtype }));
    this.registerParameter('bias', options.bias === false ? null : zeros([outChannels], { dtype }));
    defaultInit(this.weight, this.bias, options.generator);
  }

  forward(x: Tensor): Tensor {
    const options = { stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (this.paddingMode === 'zeros') return conv2d(x, this.weight, this.bias, { ...options, padding: this.padding });
    return conv2d(padForConvolution(x, this.padding, this.kernelSize, this.dilation, this.paddingMode), this.weight, this.bias, options);
  }

  override extraRepr(): string {
    const padding = typeof this.padding === 'string' ? `'${this.padding}'` : `[${this.padding}]`;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}], stride=[${this.stride}], padding=${padding}` +
      `${this.dilation.some((d) => d !== 1) ? `, dilation=[${this.dilation}]` : ''}${this.groups !== 1 ? `, groups=${this.groups}` : ''}, bias=${this.bias !== null}` +
      `${this.paddingMode !== 'zeros' ? `, paddingMode='${this.paddingMode}'` : ''}`;
  }
}

export interface ConvTranspose2dLayerOptions extends Omit<Conv2dLayerOptions, 'padding' | 'paddingMode'> {
  padding?: Pair;
  outputPadding?: Pair;
}

/** Transposed 2-D convolution with weight [inChannels, outChannels/groups, kh, kw] (PyTorch's layout). */
export class ConvTranspose2d extends Module {
  weight!: Tensor;
  bias!: Tensor | null;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: ConvTranspose2dLayerOptions = {}) {
    super();
    checkOptions('ConvTranspose2d', options, CONV_TRANSPOSE_LAYER_KEYS);
    this.inChannels = positiveInt(inChannels, 'inChannels', 'ConvTranspose2d');
    this.outChannels = positiveInt(outChannels, 'outChannels', 'ConvTranspose2d');
    this.kernelSize = pairOf(kernelSize);
    this.stride = pairOf(options.stride ?? 1);
    this.padding = pairOf(options.padding ?? 0);
    this.outputPadding = pairOf(options.outputPadding ?? 0);
    this.dilation = pairOf(options.dilation ?? 1);
    this.groups = positiveInt(options.groups ?? 1, 'groups', 'ConvTranspose2d');
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new RangeError(`ConvTranspose2d: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${this.groups})`);
    }
    const dtype = options.dtype ?? 'float32';
    this.registerParameter('weight', zeros([inChannels, outChannels / this.groups, ...this.kernelSize], { dtype }));
    this.registerParameter('bias', options.bias === false ? null : zeros([outChannels], { dtype }));
    defaultInit(this.weight, this.bias, options.generator);
  }

  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, dilation: this.dilation, groups: this.groups,
    });
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}], stride=[${this.stride}], padding=[${this.padding}]` +
      `${this.outputPadding.some((d) => d !== 0) ? `, outputPadding=[${this.outputPadding}]` : ''}, bias=${this.bias !== null}`;
  }
}

export interface PoolLayerOptions {
  /** Defaults to the kernel size. */
  stride?: Pair;
  padding?: Pair;
  /** Round the output size up (PyTorch's ceil_mode). */
  ceilMode?: boolean;
}

export interface MaxPoolLayerOptions extends PoolLayerOptions {
  dilation?: Pair;
}

export interface AvgPoolLayerOptions extends PoolLayerOptions {
  /** Count padded zeros in each window's divisor (default true). */
  countIncludePad?: boolean;
  /** Divide each window's sum by this instead of its size. */
  divisorOverride?: number;
}

function poolRepr(kernelSize: Pair, o: PoolLayerOptions): string {
  return `kernelSize=${JSON.stringify(kernelSize)}, stride=${JSON.stringify(o.stride ?? kernelSize)}, padding=${JSON.stringify(o.padding ?? 0)}${o.ceilMode ? ', ceilMode=true' : ''}`;
}

/**
 * Max pooling. PyTorch's `return_indices` makes its module return a pair; a descent module
 * returns one tensor, so the indices come from {@link MaxPool2d.forwardWithIndices} instead.
 */
export class MaxPool2d extends Module {
  readonly kernelSize: Pair;
  readonly options: MaxPoolLayerOptions;

  constructor(kernelSize: Pair, options: MaxPoolLayerOptions = {}) {
    super();
    if (options && 'returnIndices' in options) {
      throw new RangeError("MaxPool2d: returnIndices is not a module option here (forward returns one tensor); call forwardWithIndices(x), or maxPool2d(x, kernelSize, { returnIndices: true })");
    }
    checkOptions('MaxPool2d', options, ['stride', 'padding', 'dilation', 'ceilMode']);
    this.kernelSize = kernelSize;
    this.options = { ...options };
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }

  /** [values, indices], the indices being the winners' flat positions in their [H, W] planes. */
  forwardWithIndices(x: Tensor): [Tensor, Tensor] {
    return maxPool2d(x, this.kernelSize, { ...this.options, returnIndices: true });
  }

  override extraRepr(): string {
    return poolRepr(this.kernelSize, this.options);
  }
}

export class AvgPool2d extends Module {
  readonly kernelSize: Pair;
  readonly options: AvgPoolLayerOptions;

  constructor(kernelSize: Pair, options: AvgPoolLayerOptions = {}) {
    super();
    checkOptions('AvgPool2d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
    this.kernelSize = kernelSize;
    this.options = { ...options };
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    return poolRepr(this.kernelSize, this.options);
  }
}

/** Mean over all spatial positions: [N, C, H, W] -> [N, C] (or [N, C, 1, 1] with keepDims). */
export class GlobalAvgPool2d extends Module {
  constructor(readonly keepDims = false) {
    super();
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 3) throw new RangeError(`GlobalAvgPool2d: expected [N, C, H, W] or [C, H, W] input, got shape [${x.shape.join(', ')}]`);
    return x.mean([-2, -1], this.keepDims);
  }
}

/** Merges axes startDim..endDim (default 1..-1, keeping the batch axis, as PyTorch's nn.Flatten). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }

  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

/** Returns its input. */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

export interface DropoutLayerOptions {
  /** Seeds the masks; default the global generator. */
  generator?: Generator;
}

/** Zeros elements with probability p in training, scaling survivors by 1/(1-p); identity in eval mode. */
export class Dropout extends Module {
  readonly p: number;
  generator?: Generator;

  constructor(p = 0.5, options: DropoutLayerOptions = {}) {
    super();
    checkOptions(this.constructor.name, options, ['generator']);
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`Dropout: p must be a probability in [0, 1], got ${p}`);
    this.p = p;
    this.generator = options.generator;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training, generator: this.generator });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/** Zeros whole channels with probability p in training (Tompson et al. 2015); identity in eval mode. */
export class Dropout2d extends Dropout {
  override forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, { training: this.training, generator: this.generator });
  }
}

export interface EmbeddingOptions {
  /** Row whose output is kept at its value (zeros initially) and gets no gradient. */
  paddingIdx?: number;
  dtype?: DType;
  generator?: Generator;
}

/**
 * A lookup table: indices (int32 or a float tensor of integers, any shape) -> rows of weight
 * [numEmbeddings, embeddingDim], output shape [...indices.shape, embeddingDim].
 */
export class Embedding extends Module {
  weight!: Tensor;
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    checkOptions('Embedding', options, ['paddingIdx', 'dtype', 'generator']);
    this.numEmbeddings = positiveInt(numEmbeddings, 'numEmbeddings', 'Embedding');
    this.embeddingDim = positiveInt(embeddingDim, 'embeddingDim', 'Embedding');
    let pad = options.paddingIdx ?? null;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings) {
        throw new RangeError(`Embedding: paddingIdx must be an integer in [${-numEmbeddings}, ${numEmbeddings - 1}], got ${pad}`);
      }
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.registerParameter('weight', zeros([numEmbeddings, embeddingDim], { dtype: options.dtype ?? 'float32' }));
    normal(this.weight, 0, 1, { generator: options.generator });
    if (pad !== null) this.weight.data.fill(0, pad * embeddingDim, (pad + 1) * embeddingDim);
  }

  forward(indices: Tensor): Tensor {
    if (!(indices instanceof Tensor)) throw new TypeError('Embedding: indices must be a Tensor of integers');
    return lookUpRows(indices, this.weight, { paddingIdx: this.paddingIdx }, 'Embedding');
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}`;
  }
}

/** Applies its modules in order; children are named '0', '1', ... (or by the keys of an object). */
export class Sequential extends Module {
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const named: [string, Module][] =
      modules.length === 1 && !(modules[0] instanceof Module)
        ? Object.entries(modules[0] as Record<string, Module>)
        : (modules as Module[]).map((m, i) => [String(i), m]);
    for (const [name, m] of named) {
      if (!(m instanceof Module)) throw new TypeError(`Sequential: element '${name}' is not a Module`);
      this.registerModule(name, m);
    }
  }

  /** The children in order. */
  get layers(): Module[] {
    return this.children();
  }

  get length(): number {
    return this.children().length;
  }

  /** The i-th child (negative counts from the end). */
  at(i: number): Module {
    const list = this.children();
    const m = list[i < 0 ? i + list.length : i];
    if (!m) throw new RangeError(`Sequential: index ${i} is out of range for ${list.length} modules`);
    return m;
  }

  /** Appends a module (named by the next index). */
  append(m: Module): this {
    this.registerModule(String(this.children().length), m);
    return this;
  }

  /**
   * Runs the children in order. What passes between two of descent's own layers is seen by
   * nothing else, so its memory is recycled once dead: at once under `noGrad`, after the
   * backward pass otherwise (src/tensor/activations.ts).
   */
  forward(x: Tensor): Tensor {
    const children = this.children();
    return ForwardScope.run((scope) => {
      let out = x;
      children.forEach((m, i) => {
        const own = keepsNoActivations(m);
        if (!own) scope.exposed(out);
        out = m.forward(out);
        if (own && i < children.length - 1) scope.intermediate(out);
      });
      scope.final(out);
      return out;
    });
  }
}

/** Holds modules in a list (children '0', '1', ...); it has no forward of its own. */
export class ModuleList extends Module {
  constructor(modules: readonly Module[] = []) {
    super();
    modules.forEach((m) => this.append(m));
  }

  append(m: Module): this {
    if (!(m instanceof Module)) throw new TypeError('ModuleList: can only hold Modules');
    this.registerModule(String(this.children().length), m);
    return this;
  }

  at(i: number): Module {
    const list = this.children();
    const m = list[i < 0 ? i + list.length : i];
    if (!m) throw new RangeError(`ModuleList: index ${i} is out of range for ${list.length} modules`);
    return m;
  }

  get length(): number {
    return this.children().length;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  forward(): Tensor {
    throw new Error('ModuleList has no forward; iterate over its modules');
  }
}

export interface ResidualOptions {
  /** Maps the input to the body's output shape (default: the identity skip connection). */
  shortcut?: Module | null;
  /** Applied after the sum (default none). */
  activation?: Module | null;
}

/**
 * The residual connection of He et al. (2016): y = activation(body(x) + shortcut(x)), with the
 * identity as the default shortcut, so the body only has to learn the residual.
 */
export class Residual extends Module {
  body: Module;
  shortcut: Module | null;
  activation: Module | null;

  constructor(body: Module, options: ResidualOptions = {}) {
    super();
    checkOptions('Residual', options, ['shortcut', 'activation']);
    if (!(body instanceof Module)) throw new TypeError('Residual: body must be a Module');
    this.body = body;
    this.shortcut = options.shortcut ?? null;
    this.activation = options.activation ?? null;
  }

  forward(x: Tensor): Tensor {
    const main = this.body.forward(x);
    const skip = this.shortcut ? this.shortcut.forward(x) : x;
    if (main.ndim !== skip.ndim || main.shape.some((d, i) => d !== skip.shape[i])) {
      throw new RangeError(`Residual: the body's output [${main.shape}] and the shortcut's [${skip.shape}] differ in shape; give a shortcut that maps one to the other`);
    }
    const sum = main.add(skip);
    return this.activation ? this.activation.forward(sum) : sum;
  }
}

export interface BasicBlockOptions {
  stride?: number;
  dtype?: DType;
  generator?: Generator;
}

/**
 * ResNet's basic block (He et al. 2016, as torchvision's BasicBlock): conv3x3-BN-ReLU-conv3x3-BN
 * plus the input, then ReLU. When the stride or the channel count changes, the shortcut is a
 * 1x1 convolution with BatchNorm (`downsample`). Convolutions have no bias (BN follows).
 */
export class BasicBlock extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu = new ReLU();
  conv2: Conv2d;
  bn2: BatchNorm2d;
  downsample: Sequential | null;

  constructor(inChannels: number, outChannels: number, options: BasicBlockOptions = {}) {
    super();
    checkOptions('BasicBlock', options, ['stride', 'dtype', 'generator']);
    const stride = options.stride ?? 1;
    const o = { bias: false, dtype: options.dtype, generator: options.generator };
    this.conv1 = new Conv2d(inChannels, outChannels, 3, { ...o, stride, padding: 1 });
    this.bn1 = new BatchNorm2d(outChannels, { dtype: options.dtype });
    this.conv2 = new Conv2d(outChannels, outChannels, 3, { ...o, padding: 1 });
    this.bn2 = new BatchNorm2d(outChannels, { dtype: options.dtype });
    this.downsample = stride !== 1 || inChannels !== outChannels
      ? new Sequential(new Conv2d(inChannels, outChannels, 1, { ...o, stride }), new BatchNorm2d(outChannels, { dtype: options.dtype }))
      : null;
  }

  forward(x: Tensor): Tensor {
    let out = this.relu.forward(this.bn1.forward(this.conv1.forward(x)));
    out = this.bn2.forward(this.conv2.forward(out));
    const skip = this.downsample ? this.downsample.forward(x) : x;
    return this.relu.forward(out.add(skip));
  }
}

declareOwnModules(Linear, Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d, GlobalAvgPool2d, Flatten, Identity, Dropout, Dropout2d, Embedding, Sequential, Residual, BasicBlock);
