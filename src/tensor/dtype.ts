/** Element types a tensor can hold. float32 is the default; float64 serves gradient checks. */
import type { Storage } from '../backend/storage.js';

export type DType = 'float32' | 'float64';

/** The typed array behind a tensor of either dtype (defined beside the kernels that take it). */
export type { Storage } from '../backend/storage.js';

export const DTYPES: readonly DType[] = ['float32', 'float64'];

export { allocate } from './pool.js';

export function dtypeOf(data: Storage): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

/** The wider of two dtypes: mixing float32 and float64 gives float64, as in PyTorch. */
export function promote(a: DType, b: DType): DType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}

export function assertDType(dtype: unknown, op: string): asserts dtype is DType {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new TypeError(`${op}: unknown dtype ${JSON.stringify(dtype)}; expected 'float32' or 'float64'`);
  }
}
