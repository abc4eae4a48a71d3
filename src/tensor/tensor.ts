/**
 * The Tensor: a contiguous row-major typed array with a shape, and its place in the autograd
 * graph. Storage is an ordinary garbage-collected typed array: nothing needs disposing.
 *
 * Methods are thin: each forwards to the op of the same name in ./ops, where its forward
 * kernel call and backward rule live.
 */
import { noGrad, propagate, type GradFn } from './autograd.js';
import { releaseConsumedActivations } from './activations.js';
import { allocate, assertDType, dtypeOf, isFloating, storeAs, type DType, type Storage } from './dtype.js';
import { checkOptions } from './options.js';
import { recycle } from './pool.js';
import { formatTensor } from './print.js';
import { sizeOf, shapeToString, type Shape } from './shape.js';
import * as binary from './ops/binary.js';
import * as unary from './ops/unary.js';
import * as act from './ops/activation.js';
import * as red from './ops/reduce.js';
import * as shp from './ops/shape.js';
import * as idx from './ops/indexing.js';
import * as mm from './ops/matmul.js';
// shape, sort and index ops; elementwise ops and reductions (the PyTorch names)
import * as arr from './ops/arrange.js';
import * as tri from './ops/triangular.js';
import * as srt from './ops/sort.js';
import * as ixx from './ops/index-extra.js';
import * as products from './ops/products.js';
import * as trig from './ops/trig.js';
import * as ew from './ops/elementwise-extra.js';
import * as scan from './ops/scan.js';
import * as logical from './ops/logical.js';
import * as masks from './ops/masks.js';

let peekGradOf: (t: Tensor) => Tensor | null;

/**
 * `t.grad` as the engine reads it inside one call (an optimizer step, clipping): unlike the
 * getter, this does not count as handing the gradient out, so its array can still be recycled.
 * The caller must not keep the tensor or its storage beyond the call.
 */
export function peekGrad(t: Tensor): Tensor | null {
  return peekGradOf(t);
}

/** Nested plain arrays of numbers, as returned by {@link Tensor.toArray}. */
export type NestedArray = number | NestedArray[];

type Operand = Tensor | number;
type Axes = number | readonly number[];

export class Tensor {
  /** The elements in row-major order. Optimizers update it in place. */
  readonly data: Storage;
  readonly shape: readonly number[];
  private requiresGradFlag = false;
  #grad: Tensor | null = null;
  /**
   * Whether only the engine has ever held `#grad`'s storage: `backward()` made it and nothing
   * has read `.grad` since. Such an array goes back to the pool when the gradient is replaced
   * (`zeroGrad()`, `p.grad = null`), since nothing else can read it (see pool.ts).
   */
  #gradPrivate = false;
  /** The op that produced this tensor, when its graph was recorded; null for leaves. */
  gradFn: GradFn | null = null;
  /** Optional name, used in error messages and summaries. */
  name?: string;

  constructor(data: Storage, shape: Shape) {
    if (data.length !== sizeOf(shape)) {
      throw new RangeError(`Tensor: ${data.length} elements cannot have shape ${shapeToString(shape)} (which holds ${sizeOf(shape)})`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
  }

  /** The accumulated gradient of a leaf after `backward()`. */
  get grad(): Tensor | null {
    this.#gradPrivate = false; // handed out: from now on only the garbage collector frees it
    return this.#grad;
  }

  set grad(g: Tensor | null) {
    this.#setGrad(g, false);
  }

  /** Sets the gradient; `engineOnly`: its storage is the engine's alone (made by backward). */
  #setGrad(g: Tensor | null, engineOnly: boolean): void {
    const old = this.#grad;
    if (old && this.#gradPrivate && old.data !== g?.data) recycle(old.data);
    this.#grad = g;
    this.#gradPrivate = engineOnly && g !== null;
  }

  static {
    peekGradOf = (t) => t.#grad;
  }

  /**
   * Whether gradients flow to this tensor; set on leaves you want `.grad` for. Only floating
   * tensors can require gradients (as in PyTorch): setting it on an int32, uint8 or bool tensor
   * is an error.
   */
  get requiresGrad(): boolean {
    return this.requiresGradFlag;
  }
  set requiresGrad(on: boolean) {
    if (on && !isFloating(this.dtype)) {
      throw new TypeError(`requiresGrad: only floating tensors (float32, float64) can require gradients, this one is ${this.dtype}; convert it with .float() first`);
    }
    this.requiresGradFlag = on;
  }

  get dtype(): DType {
    return dtypeOf(this.data);
  }
  /** Whether the dtype is float32 or float64 (torch's is_floating_point). */
  isFloatingPoint(): boolean {
    return isFloating(this.dtype);
  }
  get ndim(): number {
    return this.shape.length;
  }
  /** True for tensors not produced by a recorded op (parameters, inputs). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  // ---- conversion -------------------------------------------------------------------------

  /** The elements as nested plain arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const build = (offset: number, dim: number): NestedArray => {
      if (dim === this.shape.length) return this.data[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(offset + i * stride, dim + 1));
    };
    return build(0, 0);
  }

  /** The single element of a one-element tensor. */
  item(): number {
    if (this.numel() !== 1) throw new RangeError(`item: tensor of shape ${shapeToString(this.shape)} has ${this.numel()} elements; expected exactly 1`);
    return this.data[0];
  }

  /**
   * This tensor in `dtype` (itself when already so); differentiable between floating dtypes.
   * To int32 and uint8 values truncate toward zero (and wrap, as in PyTorch); to bool every
   * non-zero value, NaN included, becomes 1.
   */
  to(dtype: DType): Tensor {
    assertDType(dtype, 'to');
    return unary.cast(this, dtype);
  }
  /** `to('float32')`. */
  float(): Tensor {
    return this.to('float32');
  }
  /** `to('float64')`. */
  double(): Tensor {
    return this.to('float64');
  }
  /** `to('int32')` (torch's `.int()`; descent has no int64, so also the dtype for `.long()` code). */
  int(): Tensor {
    return this.to('int32');
  }
  /** `to('bool')`: 1 where non-zero, else 0. */
  bool(): Tensor {
    return this.to('bool');
  }

  /** A copy with its own storage; differentiable. */
  clone(): Tensor {
    return unary.clone(this);
  }

  /** The same storage, cut from the graph: gradients do not flow through it. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /** Marks a leaf as requiring gradients (in place) and returns it. */
  requiresGrad_(on = true): this {
    if (!this.isLeaf && !on) throw new Error(`requiresGrad_: cannot turn gradients off on a non-leaf tensor made by '${this.gradFn?.name}'; use detach()`);
    this.requiresGrad = on;
    return this;
  }

  /**
   * Computes the gradient of this tensor with respect to every leaf that requires one and adds
   * it to the leaf's `.grad`. A non-scalar tensor needs `gradient`, the seed of the same shape.
   *
   * As in PyTorch, the pass frees what the graph saved: the intermediate activations of
   * descent's containers (activations.ts) go back to the memory pool, and a second backward
   * through the same graph is an error, unless `retainGraph` (or `createGraph`) is set.
   */
  backward(gradient?: Tensor, options: { createGraph?: boolean; retainGraph?: boolean } = {}): void {
    checkOptions('backward', options, ['createGraph', 'retainGraph']);
    if (!this.requiresGrad) {
      throw new Error('backward: this tensor does not require gradients (no input had requiresGrad set, or it was computed inside noGrad)');
    }
    let seed = gradient;
    if (!seed) {
      if (this.numel() !== 1) {
        throw new Error(`backward: called on a tensor of shape ${shapeToString(this.shape)} without a seed gradient; backward() without arguments needs a scalar (reduce with sum() or mean() first, or pass a gradient of shape ${shapeToString(this.shape)})`);
      }
      seed = Tensor.fill(this.shape, 1, this.dtype);
    } else if (seed.numel() !== this.numel() || seed.ndim !== this.ndim || seed.shape.some((d, i) => d !== this.shape[i])) {
      throw new RangeError(`backward: seed gradient has shape ${shapeToString(seed.shape)} but the tensor has shape ${shapeToString(this.shape)}; they must match`);
    }
    const release = !options.createGraph && !options.retainGraph;
    const owned = new Set<Storage>();
    const grads = propagate([this], [seed.to(this.dtype)], { createGraph: options.createGraph }, (t) => t.isLeaf, release ? releaseConsumedActivations : undefined, owned);
    // Backward rules pass gradients through unchanged where they can (add, reshape, clone), so
    // two leaves' gradients, or a leaf's gradient and the caller's seed, may share storage.
    // Each new `.grad` gets storage of its own, since optimizers and clipping write to it.
    // Without createGraph, a gradient whose array this pass made (or backward copied) is the
    // engine's alone until someone reads `.grad`; it is recycled when replaced.
    const taken = new Set<Storage>(gradient ? [gradient.data] : []);
    const added: Storage[] = [];
    for (const [t, g] of grads) {
      if (!t.isLeaf || !t.requiresGrad) continue;
      if (options.createGraph) {
        t.#gradPrivate = false; // the sum's graph may refer to the old gradient
        t.#setGrad(t.#grad ? t.#grad.add(g) : taken.has(g.data) ? g.clone() : g, false);
        taken.add(t.#grad!.data);
        continue;
      }
      const old = t.#grad;
      if (old) {
        t.#setGrad(noGrad(() => old.add(g)), true);
        if (owned.has(g.data)) added.push(g.data);
        continue;
      }
      let gt = g.detach();
      let mine = owned.has(gt.data);
      if (taken.has(gt.data)) {
        gt = noGrad(() => gt.clone());
        mine = true;
      }
      taken.add(gt.data);
      t.#setGrad(gt, mine);
    }
    // A gradient added into an existing `.grad` is dead, unless another leaf took it as its own.
    for (const data of added) if (!taken.has(data)) recycle(data);
  }

  /** Clears `.grad`. */
  zeroGrad(): void {
    this.grad = null;
  }

  /** A tensor of `shape` filled with `value`. */
  static fill(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
    const data = allocate(dtype, sizeOf(shape));
    if (value !== 0) data.fill(storeAs(dtype, value));
    return new Tensor(data, shape);
  }

  // ---- elementwise ------------------------------------------------------------------------

  add(other: Operand): Tensor { return binary.add(this, other); }
  sub(other: Operand): Tensor { return binary.sub(this, other); }
  mul(other: Operand): Tensor { return binary.mul(this, other); }
  div(other: Operand): Tensor { return binary.div(this, other); }
  pow(exponent: Operand): Tensor { return binary.pow(this, exponent); }
  maximum(other: Operand): Tensor { return binary.maximum(this, other); }
  minimum(other: Operand): Tensor { return binary.minimum(this, other); }
  eq(other: Operand): Tensor { return binary.eq(this, other); }
  ne(other: Operand): Tensor { return binary.ne(this, other); }
  lt(other: Operand): Tensor { return binary.lt(this, other); }
  le(other: Operand): Tensor { return binary.le(this, other); }
  gt(other: Operand): Tensor { return binary.gt(this, other); }
  ge(other: Operand): Tensor { return binary.ge(this, other); }

  neg(): Tensor { return unary.neg(this); }
  abs(): Tensor { return unary.abs(this); }
  sign(): Tensor { return unary.sign(this); }
  exp(): Tensor { return unary.exp(this); }
  expm1(): Tensor { return unary.expm1(this); }
  log(): Tensor { return unary.log(this); }
  log1p(): Tensor { return unary.log1p(this); }
  sqrt(): Tensor { return unary.sqrt(this); }
  rsqrt(): Tensor { return unary.rsqrt(this); }
  reciprocal(): Tensor { return unary.reciprocal(this); }
  square(): Tensor { return unary.square(this); }
  sin(): Tensor { return unary.sin(this); }
  cos(): Tensor { return unary.cos(this); }
  tanh(): Tensor { return unary.tanh(this); }
  sigmoid(): Tensor { return unary.sigmoid(this); }
  relu(): Tensor { return unary.relu(this); }
  erf(): Tensor { return unary.erf(this); }
  floor(): Tensor { return unary.floor(this); }
  ceil(): Tensor { return unary.ceil(this); }
  round(): Tensor { return unary.round(this); }
  isnan(): Tensor { return unary.isnan(this); }
  clamp(min?: number, max?: number): Tensor { return unary.clamp(this, min, max); }
  leakyRelu(negativeSlope = 0.01): Tensor { return unary.leakyRelu(this, negativeSlope); }
  elu(alpha = 1): Tensor { return act.elu(this, alpha); }
  selu(): Tensor { return act.selu(this); }
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor { return act.gelu(this, approximate); }
  softplus(beta = 1): Tensor { return act.softplus(this, beta); }
  silu(): Tensor { return act.silu(this); }
  logSigmoid(): Tensor { return act.logSigmoid(this); }

  // ---- reductions -------------------------------------------------------------------------

  sum(axes?: Axes, keepDims = false): Tensor { return red.sum(this, axes, keepDims); }
  mean(axes?: Axes, keepDims = false): Tensor { return red.mean(this, axes, keepDims); }
  max(axes?: Axes, keepDims = false): Tensor { return red.max(this, axes, keepDims); }
  min(axes?: Axes, keepDims = false): Tensor { return red.min(this, axes, keepDims); }
  argmax(axis?: number, keepDims = false): Tensor { return red.argmax(this, axis, keepDims); }
  argmin(axis?: number, keepDims = false): Tensor { return red.argmin(this, axis, keepDims); }
  var(axes?: Axes, options: red.VarianceOptions = {}): Tensor { return red.variance(this, axes, options); }
  std(axes?: Axes, options: red.VarianceOptions = {}): Tensor { return red.std(this, axes, options); }
  logSumExp(axes?: Axes, keepDims = false): Tensor { return red.logSumExp(this, axes, keepDims); }
  norm(p: 1 | 2 | 'inf' = 2, axes?: Axes, keepDims = false): Tensor { return red.norm(this, p, axes, keepDims); }
  softmax(axis = -1): Tensor { return red.softmax(this, axis); }
  logSoftmax(axis = -1): Tensor { return red.logSoftmax(this, axis); }

  // ---- shape ------------------------------------------------------------------------------

  reshape(...shape: (number | readonly number[])[]): Tensor { return shp.reshape(this, shape.flat()); }
  view(...shape: (number | readonly number[])[]): Tensor { return shp.reshape(this, shape.flat()); }
  flatten(startAxis = 0, endAxis = -1): Tensor { return shp.flatten(this, startAxis, endAxis); }
  squeeze(axes?: Axes): Tensor { return shp.squeeze(this, axes); }
  unsqueeze(axis: number): Tensor { return shp.unsqueeze(this, axis); }
  permute(...perm: (number | readonly number[])[]): Tensor { return shp.permute(this, perm.flat()); }
  transpose(axis0 = -2, axis1 = -1): Tensor { return shp.transpose(this, axis0, axis1); }
  /** The matrix transpose of the last two axes. */
  get T(): Tensor { return shp.transpose(this, -2, -1); }
  broadcastTo(shape: readonly number[]): Tensor { return shp.broadcastTo(this, shape); }
  expand(shape: readonly number[]): Tensor { return shp.broadcastTo(this, shape); }
  sumTo(shape: readonly number[]): Tensor { return shp.sumTo(this, shape); }

  // ---- indexing ---------------------------------------------------------------------------

  slice(axis: number, start: number, end?: number, step = 1): Tensor { return idx.slice(this, axis, start, end, step); }
  narrow(axis: number, start: number, length: number): Tensor {
    if (!Number.isInteger(start) || !Number.isInteger(length) || length < 0) {
      throw new RangeError(`narrow: start must be an integer and length a non-negative integer, got start=${start}, length=${length}`);
    }
    return idx.slice(this, axis, start, start + length);
  }
  select(axis: number, index: number): Tensor { return idx.select(this, axis, index); }
  /** Row `i` of the first axis (`x.index(i)` is `x[i]`). */
  index(i: number): Tensor { return idx.select(this, 0, i); }
  indexSelect(axis: number, indices: idx.IndexLike): Tensor { return idx.indexSelect(this, axis, indices); }
  gather(axis: number, indices: idx.IndexLike | Tensor): Tensor { return idx.gather(this, axis, indices); }
  scatter(axis: number, indices: Tensor, src: Tensor | number): Tensor { return idx.scatter(this, axis, indices, src); }
  scatterAdd(axis: number, indices: Tensor, src: Tensor): Tensor { return idx.scatterAdd(this, axis, indices, src); }
  split(sizes: number | readonly number[], axis = 0): Tensor[] { return idx.split(this, sizes, axis); }
  chunk(chunks: number, axis = 0): Tensor[] { return idx.chunk(this, chunks, axis); }
  /** See {@link idx.pad}: a constant fill, a mode ('reflect', 'replicate', 'circular') or `{ mode, value }`. */
  pad(pads: readonly (readonly [number, number])[], fill: number | idx.PadMode | idx.PadOptions = 0): Tensor { return idx.pad(this, pads, fill); }
  where(condition: Tensor, other: Operand): Tensor { return idx.where(condition, this, other); }

  // ---- linear algebra ---------------------------------------------------------------------

  matmul(other: Tensor): Tensor { return mm.matmul(this, other); }
  dot(other: Tensor): Tensor { return mm.dot(this, other); }

  // ---- shape, sort and index ops (PyTorch names) ------------------------------------------

  flip(axes: Axes): Tensor { return arr.flip(this, axes); }
  roll(shifts: number | readonly number[], axes?: Axes): Tensor { return arr.roll(this, shifts, axes); }
  /** PyTorch's Tensor.repeat: tiles the tensor `repeats[d]` times along axis d (see {@link arr.repeat}). */
  repeat(...repeats: (number | readonly number[])[]): Tensor { return arr.repeat(this, repeats.flat()); }
  tile(...reps: (number | readonly number[])[]): Tensor { return arr.tile(this, reps.flat()); }
  repeatInterleave(repeats: number | idx.IndexLike, axis?: number): Tensor { return arr.repeatInterleave(this, repeats, axis); }
  unfold(axis: number, size: number, step: number): Tensor { return arr.unfold(this, axis, size, step); }
  tril(diagonal = 0): Tensor { return tri.tril(this, diagonal); }
  triu(diagonal = 0): Tensor { return tri.triu(this, diagonal); }
  diag(diagonal = 0): Tensor { return tri.diag(this, diagonal); }
  trace(): Tensor { return tri.trace(this); }
  maskedFill(mask: Tensor, value: number | Tensor): Tensor { return ixx.maskedFill(this, mask, value); }
  /** The elements at flat positions `index` (torch.take). */
  take(index: idx.IndexLike): Tensor { return ixx.take(this, index); }
  indexAdd(axis: number, index: idx.IndexLike, source: Tensor, options: ixx.IndexAddOptions = {}): Tensor { return ixx.indexAdd(this, axis, index, source, options); }
  sort(axis = -1, descending = false): srt.ValuesAndIndices { return srt.sort(this, axis, descending); }
  argsort(axis = -1, descending = false): Tensor { return srt.argsort(this, axis, descending); }
  topk(k: number, axis = -1, largest = true, sorted = true): srt.ValuesAndIndices { return srt.topk(this, k, axis, largest, sorted); }
  median(): Tensor;
  median(axis: number, keepDims?: boolean): srt.ValuesAndIndices;
  median(axis?: number, keepDims = false): Tensor | srt.ValuesAndIndices { return axis === undefined ? srt.median(this) : srt.median(this, axis, keepDims); }
  outer(other: Tensor): Tensor { return products.outer(this, other); }
  kron(other: Tensor): Tensor { return products.kron(this, other); }

  // ---- elementwise ops and reductions (PyTorch names) -------------------------------------

  tan(): Tensor { return trig.tan(this); }
  asin(): Tensor { return trig.asin(this); }
  acos(): Tensor { return trig.acos(this); }
  atan(): Tensor { return trig.atan(this); }
  /** atan2(this, other): the angle of the point (other, this). */
  atan2(other: Operand): Tensor { return ew.atan2(this, other); }
  sinh(): Tensor { return trig.sinh(this); }
  cosh(): Tensor { return trig.cosh(this); }
  asinh(): Tensor { return trig.asinh(this); }
  acosh(): Tensor { return trig.acosh(this); }
  atanh(): Tensor { return trig.atanh(this); }
  lerp(end: Operand, weight: Operand): Tensor { return ew.lerp(this, end, weight); }
  fmod(other: Operand): Tensor { return ew.fmod(this, other); }
  remainder(other: Operand): Tensor { return ew.remainder(this, other); }
  /** Python's `//` (torch.floor_divide); int32 stays int32. */
  floorDivide(other: Operand): Tensor { return ew.floorDivide(this, other); }
  logAddExp(other: Operand): Tensor { return ew.logAddExp(this, other); }
  prod(axis?: number, keepDims = false): Tensor { return scan.prod(this, axis, keepDims); }
  cumsum(axis: number): Tensor { return scan.cumsum(this, axis); }
  cumprod(axis: number): Tensor { return scan.cumprod(this, axis); }
  nansum(axes?: Axes, keepDims = false): Tensor { return logical.nansum(this, axes, keepDims); }
  /** A bool tensor: whether some element along `axes` is non-zero. */
  any(axes?: Axes, keepDims = false): Tensor { return logical.any(this, axes, keepDims); }
  /** A bool tensor: whether every element along `axes` is non-zero. */
  all(axes?: Axes, keepDims = false): Tensor { return logical.all(this, axes, keepDims); }
  allclose(other: Tensor, options: logical.AllcloseOptions = {}): boolean { return logical.allclose(this, other, options); }

  // ---- bool tensors -----------------------------------------------------------------------

  logicalAnd(other: Tensor): Tensor { return masks.logicalAnd(this, other); }
  logicalOr(other: Tensor): Tensor { return masks.logicalOr(this, other); }
  logicalXor(other: Tensor): Tensor { return masks.logicalXor(this, other); }
  logicalNot(): Tensor { return masks.logicalNot(this); }
  /** A bool tensor: 1 where the element is finite. */
  isfinite(): Tensor { return masks.isfinite(this); }
  /** The elements where `mask` is true, as a 1-D tensor (torch.masked_select). */
  maskedSelect(mask: Tensor): Tensor { return masks.maskedSelect(this, mask); }

  // ---- PyTorch names and printing ---------------------------------------------------------

  /** The number of elements (PyTorch's `numel()`). */
  numel(): number { return this.data.length; }
  /** The number of axes (PyTorch's `dim()`; the same as {@link ndim}). */
  dim(): number { return this.shape.length; }
  /**
   * PyTorch's `size()`: the shape, or with `dim` (negative counts from the end) that axis's
   * length. The element count is {@link numel}.
   */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return [...this.shape];
    const n = this.shape.length;
    if (!Number.isInteger(dim) || dim < -n || dim >= n) {
      throw new RangeError(`size: dim ${dim} is out of range for a tensor of ${n} axes; expected an integer in [${-n}, ${n - 1}]`);
    }
    return this.shape[dim < 0 ? dim + n : dim];
  }
  /** The values as PyTorch prints them (see {@link setPrintOptions}). */
  toString(): string { return formatTensor(this); }
  /** `console.log(t)` in Node prints {@link toString}, not the fields (a registered symbol, so no Node import). */
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.toString(); }
}
