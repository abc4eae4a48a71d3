/**
 * The kernel interface: every hot loop of the engine runs through one of these functions.
 *
 * Kernels work on contiguous row-major typed arrays and know nothing of tensors, autodiff or
 * shapes beyond the numbers they are given. The `js` backend implements all of them and is the
 * reference; a faster backend (WebAssembly SIMD, system BLAS) implements any subset and
 * inherits the rest from `js` (see registry.ts). Every kernel must accept both Float32Array
 * and Float64Array; a backend that only accelerates float32 delegates float64 to `js`.
 */
import type { Storage } from './storage.js';

export type UnaryOp =
  | 'neg' | 'abs' | 'sign' | 'exp' | 'expm1' | 'log' | 'log1p' | 'sqrt' | 'rsqrt' | 'reciprocal'
  | 'square' | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'relu' | 'erf' | 'floor' | 'ceil' | 'round'
  | 'step' | 'isnan';

/**
 * `reluGrad(g, x)` is 0 where x <= 0, else g: ReLU's backward in one pass (rather than
 * g * step(x), two passes and a temporary); g passes where x is NaN, as in PyTorch.
 */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'reluGrad';

export type ReduceOp = 'sum' | 'max' | 'min';

/** Arguments of a general matrix product C = alpha * op(A) * op(B) + beta * C (BLAS sgemm/dgemm, row-major). */
export interface GemmArgs {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  a: Storage;
  aOffset: number;
  lda: number;
  b: Storage;
  bOffset: number;
  ldb: number;
  beta: number;
  c: Storage;
  cOffset: number;
  ldc: number;
}

/** Geometry of a 2D convolution over one image, shared by im2col and col2im. */
export interface ConvGeometry {
  channels: number;
  height: number;
  width: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
  outH: number;
  outW: number;
}

/**
 * A whole batch of 2D convolutions: x [n, groups * geometry.channels, height, width], weight
 * [outChannels, geometry.channels, kernelH, kernelW], y [n, outChannels, outH, outW].
 */
export interface ConvBatch {
  n: number;
  groups: number;
  outChannels: number;
  /** One group of one image. */
  geometry: ConvGeometry;
}

export interface Kernels {
  readonly name: string;
  /** out[i] = op(x[i]). */
  unary(op: UnaryOp, x: Storage, out: Storage): void;
  /** out[i] = op(a[i], b[i]) with a scalar on the right: out[i] = op(x[i], s). */
  binaryScalar(op: BinaryOp, x: Storage, scalar: number, out: Storage): void;
  /**
   * out = op(a, b) broadcast to `outShape`; aStrides/bStrides are a's and b's strides seen in
   * outShape's rank, 0 along broadcast dimensions.
   */
  binary(op: BinaryOp, a: Storage, aStrides: readonly number[], b: Storage, bStrides: readonly number[], out: Storage, outShape: readonly number[]): void;
  /** Reduces x viewed as [outer, n, inner] along the middle axis into out of [outer, inner]. */
  reduce(op: ReduceOp, x: Storage, outer: number, n: number, inner: number, out: Storage): void;
  /** Index (as a float) of the first max/min along the middle axis of [outer, n, inner]. */
  argReduce(op: 'argmax' | 'argmin', x: Storage, outer: number, n: number, inner: number, out: Storage): void;
  /**
   * C = alpha * op(A) * op(B) + beta * C. With beta 0, C's old values are never read (NaN
   * included, as BLAS specifies), so C may be an unzeroed array; k = 0 then writes zeros.
   */
  gemm(args: GemmArgs): void;
  /** out = x with its axes permuted: out.shape[i] = shape[perm[i]]. */
  permute(x: Storage, shape: readonly number[], perm: readonly number[], out: Storage): void;
  /** out[i] = index[i] < 0 ? 0 : x[index[i]]. */
  take(x: Storage, index: Int32Array, out: Storage): void;
  /** out[index[i]] += g[i] for index[i] >= 0 (out is not cleared first). */
  scatterAdd(g: Storage, index: Int32Array, out: Storage): void;
  /**
   * Unfolds one image [C, H, W] into columns [C*kh*kw, outH*outW], written at cols[colsOffset
   * + row * ldCols + column] (defaults 0 and outH*outW; a larger ldCols lays several images side
   * by side, so a whole batch becomes one GEMM).
   */
  im2col(x: Storage, xOffset: number, geometry: ConvGeometry, cols: Storage, colsOffset?: number, ldCols?: number): void;
  /** Folds columns [C*kh*kw, outH*outW] (laid out as in im2col) back into an image, adding into out at outOffset. */
  col2im(cols: Storage, geometry: ConvGeometry, out: Storage, outOffset: number, colsOffset?: number, ldCols?: number): void;
  /**
   * y = conv2d(x, w) (+ bias[o], when bias is given) over a whole batch, y overwritten. Returns
   * an opaque value that conv2dWeightGrad may take back to skip unfolding x again (or null).
   */
  conv2d(x: Storage, w: Storage, bias: Storage | null, batch: ConvBatch, y: Storage): unknown;
  /** gx = the gradient of conv2d with respect to x given gy (also the transposed convolution); gx overwritten. */
  conv2dInputGrad(gy: Storage, w: Storage, batch: ConvBatch, gx: Storage): void;
  /** gw = the gradient of conv2d with respect to w given x and gy; gw overwritten. `saved`: conv2d's return value for this x. */
  conv2dWeightGrad(x: Storage, gy: Storage, batch: ConvBatch, gw: Storage, saved?: unknown): void;
  /**
   * Max pooling of `planes` images [H, W] stacked in x (geometry.channels is ignored; padding
   * counts as -inf), out overwritten. argmax receives, for each output, the flat index into x of its winner.
   */
  maxPool2d(x: Storage, planes: number, geometry: ConvGeometry, out: Storage, argmax: Int32Array): void;
  /** The running sum along the middle axis of x viewed as [outer, n, inner] (accumulated in double precision). */
  cumsum(x: Storage, outer: number, n: number, inner: number, out: Storage): void;
  /**
   * The stable sort order of each line of x viewed as [outer, n, inner] along the middle axis:
   * order[(o * inner + i) * n + r] is the position along n of line (o, i)'s r-th smallest (or,
   * `descending`, largest) value. NaN counts as larger than every number; ties keep their order.
   */
  sortOrder(x: Storage, outer: number, n: number, inner: number, descending: boolean, order: Int32Array): void;
  /**
   * Adaptive max pooling (PyTorch's window bounds) of `planes` images [height, width] in x to
   * [outH, outW]; argmax receives each winner's flat index into x (NaN wins, as in PyTorch).
   */
  adaptiveMaxPool2d(x: Storage, planes: number, height: number, width: number, outH: number, outW: number, out: Storage, argmax: Int32Array): void;
  /** Row-wise softmax (or log-softmax) of x viewed as [rows, cols]. */
  softmax(x: Storage, rows: number, cols: number, out: Storage, log: boolean): void;
}
