/** Numeric comparisons for tests: elementwise closeness with a message that says where it failed. */
import assert from 'node:assert/strict';
import type { Tensor } from '../../src/tensor/tensor.js';

export type Numbers = Tensor | ArrayLike<number> | number;

function flat(x: Numbers): ArrayLike<number> {
  if (typeof x === 'number') return [x];
  if ('data' in x && 'shape' in x) return (x as Tensor).data;
  return x as ArrayLike<number>;
}

/**
 * Asserts |actual - expected| <= atol + rtol |expected| elementwise (NaN only matches NaN, an
 * infinity only the same infinity), and equal shapes when both are tensors.
 */
export function assertClose(actual: Numbers, expected: Numbers, options: { atol?: number; rtol?: number; what?: string } = {}): void {
  const { atol = 1e-12, rtol = 1e-10, what = 'value' } = options;
  if (typeof actual === 'object' && typeof expected === 'object' && 'shape' in actual && 'shape' in expected) {
    assert.deepEqual([...(actual as Tensor).shape], [...(expected as Tensor).shape], `${what}: shapes differ`);
  }
  const a = flat(actual);
  const e = flat(expected);
  assert.equal(a.length, e.length, `${what}: ${a.length} elements, expected ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = e[i];
    if (Number.isNaN(y) || !Number.isFinite(y)) {
      assert.ok(Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)), `${what}[${i}]: got ${x}, expected ${y}`);
      continue;
    }
    const tol = atol + rtol * Math.abs(y);
    assert.ok(Math.abs(x - y) <= tol, `${what}[${i}]: got ${x}, expected ${y} (difference ${Math.abs(x - y)} > tolerance ${tol})`);
  }
}
