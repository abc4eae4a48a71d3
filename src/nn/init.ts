/**
 * Weight initialization (survey section 2.1.1): naive (zeros, constants, uniform, normal),
 * variance-scaled (LeCun, Xavier/Glorot, He/Kaiming), orthogonal (Saxe et al. 2014) and the
 * data-dependent LSUV (Mishkin and Matas 2016).
 *
 * Every initializer overwrites the tensor's values in place (like PyTorch's `nn.init.*_`),
 * records no graph, and returns the tensor. Random ones take `{ generator }` for seeding
 * (default: the global generator). Conventions (fans, gains) follow PyTorch.
 */
import { defaultGenerator, noGrad, Tensor, type Generator } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';
import type { Module } from './module.js';

export interface RandomInitOptions {
  generator?: Generator;
}

export type FanMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';

export type Nonlinearity =
  | 'linear' | 'identity' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'leakyRelu' | 'selu';

function check(t: Tensor, op: string): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`init.${op}: expected a Tensor`);
  return t;
}

function fillWith(t: Tensor, sample: () => number): Tensor {
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = sample();
  return t;
}

/**
 * The recommended gain for a nonlinearity (PyTorch's calculate_gain): 1 for linear, conv and
 * sigmoid; 5/3 for tanh; sqrt(2) for ReLU; sqrt(2 / (1 + slope^2)) for leaky ReLU (slope
 * `param`, default 0.01); 3/4 for SELU.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'identity': case 'sigmoid':
    case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': case 'leakyRelu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new TypeError(`calculateGain: negative slope ${slope} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new RangeError(`calculateGain: unsupported nonlinearity '${String(nonlinearity)}'; expected one of linear, conv1d, conv2d, conv3d, conv_transpose1d/2d/3d, sigmoid, tanh, relu, leaky_relu, selu`);
  }
}

/**
 * fanIn = size(1) * receptive field, fanOut = size(0) * receptive field, where the receptive
 * field is the product of the dimensions after the first two (PyTorch's convention; a Linear
 * weight [out, in] has fanIn = in).
 */
export function calculateFanInAndFanOut(t: Tensor | readonly number[]): { fanIn: number; fanOut: number } {
  const shape = t instanceof Tensor ? t.shape : t;
  if (shape.length < 2) {
    throw new RangeError(`calculateFanInAndFanOut: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape [${shape.join(', ')}])`);
  }
  const receptive = shape.slice(2).reduce((p, d) => p * d, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

function fan(t: Tensor, mode: FanMode, op: string): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  if (mode === 'fanIn' || mode === 'fan_in') return fanIn;
  if (mode === 'fanOut' || mode === 'fan_out') return fanOut;
  throw new RangeError(`init.${op}: mode must be 'fanIn' or 'fanOut', got '${String(mode)}'`);
}

export function constant(t: Tensor, value: number): Tensor {
  check(t, 'constant').data.fill(value);
  return t;
}
export const zeros = (t: Tensor): Tensor => constant(check(t, 'zeros'), 0);
export const ones = (t: Tensor): Tensor => constant(check(t, 'ones'), 1);

/** U(low, high). */
export function uniform(t: Tensor, low = 0, high = 1, options: RandomInitOptions = {}): Tensor {
  checkOptions('init.uniform', options, ['generator']);
  check(t, 'uniform');
  if (!(high >= low)) throw new RangeError(`init.uniform: expected low <= high, got ${low} and ${high}`);
  const g = options.generator ?? defaultGenerator();
  return fillWith(t, () => g.uniform(low, high));
}

/** N(mean, std^2). */
export function normal(t: Tensor, mean = 0, std = 1, options: RandomInitOptions = {}): Tensor {
  checkOptions('init.normal', options, ['generator']);
  check(t, 'normal');
  if (!(std >= 0)) throw new RangeError(`init.normal: std must be non-negative, got ${std}`);
  // One bulk fill: the numbers of t.numel() calls to g.normal(mean, std), faster.
  (options.generator ?? defaultGenerator()).fillNormal(t.data, mean, std);
  return t;
}

/** N(mean, std^2) redrawn until inside [a, b] (defaults to mean +- 2 std, as PyTorch's trunc_normal_ with its default bounds [-2, 2]). */
export function truncNormal(t: Tensor, options: RandomInitOptions & { mean?: number; std?: number; a?: number; b?: number } = {}): Tensor {
  checkOptions('init.truncNormal', options, ['generator', 'mean', 'std', 'a', 'b']);
  check(t, 'truncNormal');
  const { mean = 0, std = 1, a = -2, b = 2 } = options;
  if (!(std > 0) || !(b > a)) throw new RangeError(`init.truncNormal: need std > 0 and a < b, got std=${std}, a=${a}, b=${b}`);
  const g = options.generator ?? defaultGenerator();
  return fillWith(t, () => {
    for (let tries = 0; tries < 1000; tries++) {
      const v = g.normal(mean, std);
      if (v >= a && v <= b) return v;
    }
    throw new RangeError(`init.truncNormal: [${a}, ${b}] lies too far in the tails of N(${mean}, ${std}^2)`);
  });
}

export interface XavierOptions extends RandomInitOptions {
  gain?: number;
}

/** Glorot and Bengio (2010): U(-a, a) with a = gain sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform(t: Tensor, options: XavierOptions = {}): Tensor {
  checkOptions('init.xavierUniform', options, ['generator', 'gain']);
  const { fanIn, fanOut } = calculateFanInAndFanOut(check(t, 'xavierUniform'));
  const std = (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
  const a = Math.sqrt(3) * std;
  return uniform(t, -a, a, { generator: options.generator });
}

/** Glorot and Bengio (2010): N(0, std^2) with std = gain sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal(t: Tensor, options: XavierOptions = {}): Tensor {
  checkOptions('init.xavierNormal', options, ['generator', 'gain']);
  const { fanIn, fanOut } = calculateFanInAndFanOut(check(t, 'xavierNormal'));
  return normal(t, 0, (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)), { generator: options.generator });
}

export interface KaimingOptions extends RandomInitOptions {
  /** Negative slope of the leaky ReLU that follows (used by the 'leaky_relu' gain), default 0. */
  a?: number;
  /** 'fanIn' (default) preserves the forward pass's variance, 'fanOut' the backward pass's. */
  mode?: FanMode;
  /** Default 'leaky_relu' (with a = 0 this is ReLU's gain sqrt(2)), as PyTorch. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, o: KaimingOptions, op: string): number {
  const gain = calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0);
  return gain / Math.sqrt(fan(t, o.mode ?? 'fanIn', op));
}

/** He et al. (2015): U(-b, b) with b = gain sqrt(3 / fan). */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  checkOptions('init.kaimingUniform', options, ['generator', 'a', 'mode', 'nonlinearity']);
  const bound = Math.sqrt(3) * kaimingStd(check(t, 'kaimingUniform'), options, 'kaimingUniform');
  return uniform(t, -bound, bound, { generator: options.generator });
}

/** He et al. (2015): N(0, std^2) with std = gain / sqrt(fan). */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  checkOptions('init.kaimingNormal', options, ['generator', 'a', 'mode', 'nonlinearity']);
  return normal(t, 0, kaimingStd(check(t, 'kaimingNormal'), options, 'kaimingNormal'), { generator: options.generator });
}

/** LeCun et al. (1998/2012): U(-b, b) with b = sqrt(3 / fanIn), variance 1/fanIn. */
export function lecunUniform(t: Tensor, options: RandomInitOptions = {}): Tensor {
  checkOptions('init.lecunUniform', options, ['generator']);
  const bound = Math.sqrt(3 / fan(check(t, 'lecunUniform'), 'fanIn', 'lecunUniform'));
  return uniform(t, -bound, bound, { generator: options.generator });
}

/** LeCun: N(0, 1/fanIn) (the initialization SELU networks assume). */
export function lecunNormal(t: Tensor, options: RandomInitOptions = {}): Tensor {
  checkOptions('init.lecunNormal', options, ['generator']);
  return normal(t, 0, 1 / Math.sqrt(fan(check(t, 'lecunNormal'), 'fanIn', 'lecunNormal')), { generator: options.generator });
}

/**
 * A (semi-)orthogonal matrix scaled by `gain` (Saxe et al. 2014), as PyTorch's orthogonal_: the
 * tensor is viewed as [rows = size(0), cols = the rest]; a Gaussian matrix of the taller
 * orientation is orthonormalized by QR (modified Gram-Schmidt, in float64) with the signs fixed
 * so that R has a positive diagonal, so Q is uniformly (Haar) distributed.
 */
export function orthogonal(t: Tensor, options: RandomInitOptions & { gain?: number } = {}): Tensor {
  checkOptions('init.orthogonal', options, ['generator', 'gain']);
  check(t, 'orthogonal');
  if (t.ndim < 2) throw new RangeError(`init.orthogonal: only tensors with 2 or more dimensions are supported, got shape [${t.shape.join(', ')}]`);
  const rows = t.shape[0];
  const cols = t.numel() / rows;
  if (t.numel() === 0) return t;
  const g = options.generator ?? defaultGenerator();
  const gain = options.gain ?? 1;
  // Work on a tall m x n matrix (m >= n) stored by columns; transpose back when rows < cols.
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  const q: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const col = new Float64Array(m);
    g.fillNormal(col); // m calls to g.normal()
    q.push(col);
  }
  for (let j = 0; j < n; j++) {
    const v = q[j];
    // Two passes of modified Gram-Schmidt keep the columns orthogonal to working precision.
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const u = q[k];
        let dot = 0;
        for (let i = 0; i < m; i++) dot += u[i] * v[i];
        for (let i = 0; i < m; i++) v[i] -= dot * u[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (norm === 0) throw new Error('init.orthogonal: degenerate random matrix (zero column); try again with another seed');
    for (let i = 0; i < m; i++) v[i] /= norm;
  }
  const d = t.data;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // rows >= cols: Q is rows x cols, element (r, c) = q[c][r]; otherwise Q^T, element (r, c) = q[r][c].
      d[r * cols + c] = gain * (rows >= cols ? q[c][r] : q[r][c]);
    }
  }
  return t;
}

export interface LsuvOptions extends RandomInitOptions {
  /** Stop when |var(output) - 1| < tol (default 0.1, as in the paper). */
  tol?: number;
  /** Iterations per layer (default 10). */
  maxIter?: number;
  /** Start from orthogonal weights (the paper's step 1; default true). */
  orthogonalInit?: boolean;
  /** Which modules to normalize (default: those with a `weight` parameter of 2 or more dimensions). */
  filter?: (name: string, module: Module) => boolean;
  /** The target output variance (default 1). */
  targetVariance?: number;
}

export interface LsuvLayerReport {
  name: string;
  type: string;
  /** The output variance before and after scaling. */
  varianceBefore: number;
  varianceAfter: number;
  iterations: number;
}

/**
 * Layer-sequential unit-variance initialization (Mishkin and Matas 2016): pre-initialize every
 * weight layer orthogonally, then, layer by layer in the order the forward pass reaches them,
 * feed the data batch through the model and divide the layer's weight by the standard
 * deviation of its output until that output has unit variance. Runs without gradients; the
 * modes of the model are restored afterwards (the forward passes run in training mode, where
 * they would update BatchNorm statistics, so these are snapshotted and restored too).
 */
export function lsuv(model: Module, batch: Tensor | readonly Tensor[], options: LsuvOptions = {}): LsuvLayerReport[] {
  checkOptions('init.lsuv', options, ['generator', 'tol', 'maxIter', 'orthogonalInit', 'filter', 'targetVariance']);
  const { tol = 0.1, maxIter = 10, orthogonalInit = true, targetVariance = 1 } = options;
  const inputs = batch instanceof Tensor ? [batch] : [...batch];
  const isWeightLayer = (m: Module): boolean => {
    const w = (m as unknown as Record<string, unknown>).weight;
    return w instanceof Tensor && w.ndim >= 2 && m.parameters({ recurse: false }).includes(w);
  };
  const filter = options.filter ?? ((_name: string, m: Module) => isWeightLayer(m));
  const candidates = model.namedModules().filter(([name, m]) => filter(name, m) && isWeightLayer(m));
  if (candidates.length === 0) throw new Error('lsuv: the model has no layers with a weight parameter of 2 or more dimensions');
  // Order the layers as the forward pass reaches them.
  const order: Module[] = [];
  const outputs = new Map<Module, Tensor>();
  const handles = candidates.map(([, m]) =>
    m.registerForwardHook((mod, _in, out) => {
      if (!order.includes(mod)) order.push(mod);
      outputs.set(mod, out);
    }),
  );
  const snapshot = model.buffers().map((b) => b.data.slice());
  const run = (): void => void noGrad(() => model.forward(...inputs));
  const reports: LsuvLayerReport[] = [];
  try {
    noGrad(() => {
      if (orthogonalInit) {
        for (const [, m] of candidates) orthogonal((m as unknown as { weight: Tensor }).weight, { generator: options.generator });
      }
      run();
      const names = new Map(candidates.map(([name, m]) => [m, name]));
      for (const m of [...order]) {
        const w = (m as unknown as { weight: Tensor }).weight;
        let variance = outputVariance(outputs.get(m)!);
        const before = variance;
        let iterations = 0;
        while (Math.abs(variance - targetVariance) >= tol && iterations < maxIter) {
          if (!(variance > 0) || !Number.isFinite(variance)) {
            throw new Error(`lsuv: the output of layer '${names.get(m)}' has variance ${variance}; cannot rescale it`);
          }
          const scale = Math.sqrt(targetVariance / variance);
          for (let i = 0; i < w.data.length; i++) w.data[i] *= scale;
          run();
          variance = outputVariance(outputs.get(m)!);
          iterations++;
        }
        reports.push({ name: names.get(m) ?? '', type: m.constructor.name, varianceBefore: before, varianceAfter: variance, iterations });
      }
    });
  } finally {
    handles.forEach((h) => h.remove());
    model.buffers().forEach((b, i) => b.data.set(snapshot[i]));
  }
  return reports;
}

function outputVariance(t: Tensor): number {
  const d = t.data;
  let mean = 0;
  for (let i = 0; i < d.length; i++) mean += d[i];
  mean /= d.length;
  let v = 0;
  for (let i = 0; i < d.length; i++) v += (d[i] - mean) ** 2;
  return v / Math.max(d.length - 1, 1);
}
