// Dropout draws its scaled mask in one pass (Generator.fillBernoulli): the numbers must be those
// of the composition it replaces, bernoulli(keep).mul(1 / keep), in both floating dtypes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, bernoulli, nn, randn } from '../../src/index.js';

test('fillBernoulli gives the stream of repeated bernoulli draws', () => {
  const a = new Generator(7), b = new Generator(7);
  const out = new Float64Array(1001);
  a.fillBernoulli(out, 0.3, 2.5);
  out.forEach((v, i) => assert.equal(v, 2.5 * b.bernoulli(0.3), `element ${i}`));
  assert.equal(a.random(), b.random(), 'the generators are left in the same state');
});

for (const dtype of ['float32', 'float64'] as const) {
  test(`dropout and dropout2d (${dtype}) equal x * bernoulli(keep) * (1 / keep) with the same generator`, () => {
    const x = randn([4, 3, 5, 5], { dtype });
    for (const p of [0.25, 0.5, 0.9]) {
      const old = x.mul(bernoulli(1 - p, x.shape, { generator: new Generator(1), dtype }).mul(1 / (1 - p)));
      assert.deepEqual(nn.functional.dropout(x, p, { generator: new Generator(1) }).data, old.data);
      const old2d = x.mul(bernoulli(1 - p, [4, 3, 1, 1], { generator: new Generator(2), dtype }).mul(1 / (1 - p)));
      assert.deepEqual(nn.functional.dropout2d(x, p, { generator: new Generator(2) }).data, old2d.data);
    }
  });
}
