/** Creating tensors: from data, constant fills, ranges and seeded random draws. */
import { allocate, assertDType, isFloating, requireFloating, storeAs, type DType, type Storage } from './dtype.js';
import { checkOptions } from './options.js';
import { defaultGenerator, type Generator } from './random.js';
import { checkShape, shapeToString, sizeOf } from './shape.js';
import { Tensor, type NestedArray } from './tensor.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends CreateOptions {
  /** Defaults to the global generator (see manualSeed). */
  generator?: Generator;
}

const CREATE_KEYS = ['dtype', 'requiresGrad'] as const satisfies readonly (keyof CreateOptions)[];
const RANDOM_KEYS = [...CREATE_KEYS, 'generator'] as const satisfies readonly (keyof RandomOptions)[];

/** Storage for a new tensor of `shape`; a size past what memory allows names the op and the shape. */
function storageFor(op: string, dtype: DType, shape: readonly number[]): Storage {
  try {
    return allocate(dtype, sizeOf(shape));
  } catch (e) {
    if (e instanceof RangeError) throw new RangeError(`${op}: shape ${shapeToString(shape)}: ${e.message}`);
    throw e;
  }
}

function finish(data: Storage, shape: readonly number[], o: CreateOptions, op: string): Tensor {
  const t = new Tensor(data, shape);
  if (o.requiresGrad && !isFloating(t.dtype)) {
    throw new TypeError(`${op}: requiresGrad needs a floating dtype (float32 or float64), got ${t.dtype}; only floating tensors are differentiable`);
  }
  if (o.requiresGrad) t.requiresGrad = true;
  return t;
}

function dtypeFrom(o: CreateOptions, op: string, keys: readonly string[] = CREATE_KEYS): DType {
  checkOptions(op, o, keys);
  const dtype = o.dtype ?? 'float32';
  assertDType(dtype, op);
  return dtype;
}

/** Nested arrays of booleans, as `tensor` takes for a bool tensor. */
export type NestedBooleans = boolean | NestedBooleans[];

/** The first leaf of nested arrays (undefined when some array on the way is empty). */
function firstLeaf(values: unknown): unknown {
  let v = values;
  while (Array.isArray(v)) v = v[0];
  return v;
}

/**
 * A tensor from nested arrays of numbers (or of booleans, which make a bool tensor unless
 * `dtype` says otherwise), a number or boolean (0-d), or a typed array (1-d, or reshaped by
 * `shape`). Ragged nesting is an error. Values are stored as a cast would store them: truncated
 * toward zero in int32/uint8, non-zero as 1 in bool.
 */
export function tensor(values: NestedArray | readonly NestedArray[] | NestedBooleans | ArrayLike<number>, options: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  if (options?.dtype === undefined && typeof firstLeaf(values) === 'boolean') options = { ...options, dtype: 'bool' };
  const dtype = dtypeFrom(options, 'tensor', [...CREATE_KEYS, 'shape']);
  if (typeof values === 'number' || typeof values === 'boolean') {
    const data = allocate(dtype, 1);
    data[0] = storeAs(dtype, Number(values));
    return finish(data, [], options, 'tensor');
  }
  if (ArrayBuffer.isView(values) || (!Array.isArray(values) && typeof (values as ArrayLike<number>).length === 'number')) {
    const flat = values as ArrayLike<number>;
    const shape = options.shape ? checkShape(options.shape, 'tensor') : [flat.length];
    if (sizeOf(shape) !== flat.length) throw new RangeError(`tensor: ${flat.length} values cannot fill shape ${shapeToString(shape)}`);
    const data = allocate(dtype, flat.length);
    if (dtype === 'bool') for (let i = 0; i < flat.length; i++) data[i] = storeAs(dtype, flat[i]);
    else data.set(flat);
    return finish(data, shape, options, 'tensor');
  }
  const shape: number[] = [];
  for (let level: unknown = values; Array.isArray(level); level = level[0]) shape.push(level.length);
  const data = storageFor('tensor', dtype, shape);
  let k = 0;
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean') throw new TypeError(`tensor: expected a number at ${path || 'the top'}, got ${Array.isArray(v) ? 'an array (ragged nesting)' : typeof v}`);
      data[k++] = storeAs(dtype, Number(v));
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new RangeError(
        `tensor: ragged nested array: element ${path || '(the top level)'} has ${Array.isArray(v) ? `length ${v.length}` : `the value ${JSON.stringify(v) ?? String(v)}`} ` +
          `where an array of length ${shape[depth]} was expected (every array at one depth must have the same length)`,
      );
    }
    v.forEach((item, i) => walk(item, depth + 1, `${path}[${i}]`));
  };
  walk(values, 0, '');
  if (options.shape) {
    const target = checkShape(options.shape, 'tensor');
    if (sizeOf(target) !== data.length) throw new RangeError(`tensor: ${data.length} values (nested as ${shapeToString(shape)}) cannot fill shape ${shapeToString(target)}`);
    return finish(data, target, options, 'tensor');
  }
  return finish(data, shape, options, 'tensor');
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  const s = checkShape(shape, 'full');
  const dtype = dtypeFrom(options, 'full');
  const data = storageFor('full', dtype, s);
  if (value !== 0) data.fill(storeAs(dtype, value));
  return finish(data, s, options, 'full');
}
/** A tensor of zeros (errors name `full`, which makes it). */
export const zeros = (shape: readonly number[], options: CreateOptions = {}): Tensor => full(shape, 0, options);
/** A tensor of ones. */
export const ones = (shape: readonly number[], options: CreateOptions = {}): Tensor => full(shape, 1, options);
/** Zeros with `t`'s shape and dtype (options override them). */
export const zerosLike = (t: Tensor, options: CreateOptions = {}): Tensor => zeros(t.shape, { dtype: t.dtype, ...options });
/** Ones with `t`'s shape and dtype (options override them). */
export const onesLike = (t: Tensor, options: CreateOptions = {}): Tensor => ones(t.shape, { dtype: t.dtype, ...options });

/** start, start+step, ... below end (one argument: 0..end-1). */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0 || !Number.isFinite(step)) throw new RangeError(`arange: step must be a finite non-zero number, got ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = dtypeFrom(options, 'arange');
  if (!isFloating(dtype) && !(Number.isInteger(start) && Number.isInteger(step))) {
    throw new RangeError(`arange: a ${dtype} range needs an integer start and step, got start=${start}, step=${step}`);
  }
  const data = storageFor('arange', dtype, [n]);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return finish(data, [n], options, 'arange');
}

/** `count` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, count: number, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`linspace: count must be a non-negative integer, got ${count}`);
  const data = storageFor('linspace', dtypeFrom(options, 'linspace'), [count]);
  for (let i = 0; i < count; i++) data[i] = count === 1 ? start : start + ((end - start) * i) / (count - 1);
  return finish(data, [count], options, 'linspace');
}

/** The n x m identity (m defaults to n). */
export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 0 || m < 0) throw new RangeError(`eye: sizes must be non-negative integers, got n=${n}, m=${m}`);
  const data = storageFor('eye', dtypeFrom(options, 'eye'), [n, m]);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return finish(data, [n, m], options, 'eye');
}

function draw(shape: readonly number[], options: RandomOptions, op: string, sample: (g: Generator) => number): Tensor {
  const s = checkShape(shape, op);
  const dtype = dtypeFrom(options, op, RANDOM_KEYS);
  // integer samples (randint, bernoulli) may fill any dtype; continuous ones need floats
  if (op === 'uniform' || op === 'normal') requireFloating(dtype, op, 'dtype');
  const g = options.generator ?? defaultGenerator();
  const data = storageFor(op, dtype, s);
  for (let i = 0; i < data.length; i++) data[i] = sample(g);
  return finish(data, s, options, op);
}

/** Uniform samples in [low, high). */
export function uniform(shape: readonly number[], low = 0, high = 1, options: RandomOptions = {}): Tensor {
  if (!(high >= low)) throw new RangeError(`uniform: expected low <= high, got low=${low}, high=${high}`);
  if ((options.dtype ?? 'float32') !== 'float32' || !(high > low)) return draw(shape, options, 'uniform', (g) => g.uniform(low, high));
  // A double just below `high` can round up to it in float32 (for rand, 1 - 2^-25 <= u < 1 gives
  // 1.0): redraw those, so float32 samples stay in [low, high) too.
  return draw(shape, options, 'uniform', (g) => {
    for (let tries = 0; tries < 64; tries++) {
      const v = g.uniform(low, high);
      if (Math.fround(v) < high) return v;
    }
    return low;
  });
}
/** Uniform samples in [0, 1). */
export const rand = (shape: readonly number[], options: RandomOptions = {}): Tensor => uniform(shape, 0, 1, options);

/** Normal samples with the given mean and standard deviation. */
export function normal(shape: readonly number[], mean = 0, std = 1, options: RandomOptions = {}): Tensor {
  if (!(std >= 0)) throw new RangeError(`normal: std must be non-negative, got ${std}`);
  return draw(shape, options, 'normal', (g) => g.normal(mean, std));
}
/** Standard normal samples. */
export const randn = (shape: readonly number[], options: RandomOptions = {}): Tensor => normal(shape, 0, 1, options);

/** 1 with probability p (a number, or a tensor of per-element probabilities), else 0. */
export function bernoulli(p: number | Tensor, shape?: readonly number[], options: RandomOptions = {}): Tensor {
  if (p instanceof Tensor) {
    checkOptions('bernoulli', options, RANDOM_KEYS);
    if (options.dtype !== undefined) assertDType(options.dtype, 'bernoulli');
    const g = options.generator ?? defaultGenerator();
    const data = allocate(options.dtype ?? p.dtype, p.numel());
    for (let i = 0; i < data.length; i++) {
      const pi = p.data[i];
      if (!(pi >= 0 && pi <= 1)) throw new RangeError(`bernoulli: probabilities must lie in [0, 1], found ${pi} at flat index ${i}`);
      data[i] = g.bernoulli(pi);
    }
    return finish(data, p.shape, options, 'bernoulli');
  }
  if (!(p >= 0 && p <= 1)) throw new RangeError(`bernoulli: p must lie in [0, 1], got ${p}`);
  const s = checkShape(shape ?? [], 'bernoulli');
  const data = storageFor('bernoulli', dtypeFrom(options, 'bernoulli', RANDOM_KEYS), s);
  (options.generator ?? defaultGenerator()).fillBernoulli(data, p);
  return finish(data, s, options, 'bernoulli');
}

/** Integers uniform in [low, high). */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new RangeError(`randint: expected integers low < high, got low=${low}, high=${high}`);
  }
  return draw(shape, options, 'randint', (g) => g.randint(low, high));
}

/** A random permutation of 0..n-1. */
export function permutation(n: number, options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`permutation: n must be a non-negative integer, got ${n}`);
  const dtype = dtypeFrom(options, 'permutation', RANDOM_KEYS);
  const perm = (options.generator ?? defaultGenerator()).permutation(n);
  const data = allocate(dtype, n);
  data.set(perm);
  return finish(data, [n], options, 'permutation');
}
