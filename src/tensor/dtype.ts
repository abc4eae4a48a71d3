/**
 * Element types a tensor can hold, and how they combine. float32 is the default; float64 serves
 * gradient checks; int32, uint8 and bool hold labels, indices, comparisons and masks. Only the
 * floating dtypes are differentiable.
 *
 * The dtype is read off the storage's class (no flag to keep in step): bool is a
 * Uint8ClampedArray so it can be told apart from uint8's Uint8Array.
 */
import type { Storage } from '../backend/storage.js';

export type DType = 'float32' | 'float64' | 'int32' | 'uint8' | 'bool';

/** The dtypes gradients can flow through. */
export type FloatDType = 'float32' | 'float64';

/** The typed array behind a tensor (defined beside the kernels that take it). */
export type { Storage } from '../backend/storage.js';

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'uint8', 'bool'];

export { allocate, allocateForWrite } from './pool.js';

export function dtypeOf(data: Storage): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return data instanceof Uint8ClampedArray ? 'bool' : 'uint8';
}

/** Whether `dtype` is float32 or float64 (the differentiable dtypes). */
export function isFloating(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

/** The order of promotion: each dtype can hold every value of those before it (as in PyTorch). */
const RANK: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, float32: 3, float64: 4 };

/**
 * The common dtype of two operands, as in PyTorch: the later of the two in bool < uint8 < int32 <
 * float32 < float64 (int32 with float32 gives float32; bool with int32 gives int32).
 */
export function promote(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The dtype `dtype` takes when combined with a plain number, as PyTorch does with a Python
 * scalar: a non-integral number (or NaN, ±inf) makes an integer or bool tensor float32; any
 * number leaves a floating tensor's dtype as it is; an integral number makes bool int32 (PyTorch:
 * int64) and leaves int32 and uint8 as they are (uint8 then wraps, as in PyTorch).
 */
export function promoteWithScalar(dtype: DType, scalar: number): DType {
  if (isFloating(dtype)) return dtype;
  if (!Number.isInteger(scalar)) return 'float32';
  return dtype === 'bool' ? 'int32' : dtype;
}

export function assertDType(dtype: unknown, op: string): asserts dtype is DType {
  if (typeof dtype !== 'string' || !DTYPES.includes(dtype as DType)) {
    const hint = dtype === 'int64' || dtype === 'long' ? " (descent's integer dtype is 'int32')" : '';
    throw new TypeError(`${op}: unknown dtype ${JSON.stringify(dtype)}${hint}; expected one of ${DTYPES.map((d) => `'${d}'`).join(', ')}`);
  }
}

/**
 * Throws unless `dtype` is floating: ops like exp, log, mean or matmul need floats (as in
 * PyTorch, where mean of an integer tensor is an error too). The message names the op, the
 * dtype and the fix.
 */
export function requireFloating(dtype: DType, op: string, what = 'input'): void {
  if (!isFloating(dtype)) {
    throw new TypeError(`${op}: needs a floating ${what} (float32 or float64), got ${dtype}; convert it first with .float() or .to('float64')`);
  }
}

/** Stores `value` as a `dtype` element: bool keeps "non-zero" (NaN included), int32 and uint8 truncate toward zero and wrap, as a cast in PyTorch. */
export function storeAs(dtype: DType, value: number): number {
  return dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
}
