import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstPrimes, halton, radicalInverse, sobol, SOBOL_MAX_DIMS } from '../../src/lab/tune/index.js';

test('the plain Halton sequence: radical inverses in bases 2, 3, 5 (SciPy qmc.Halton from index 1)', () => {
  assert.deepEqual(firstPrimes(6), [2, 3, 5, 7, 11, 13]);
  const pts = halton(4, 3);
  const expected = [
    [0.5, 1 / 3, 0.2],
    [0.25, 2 / 3, 0.4],
    [0.75, 1 / 9, 0.6],
    [0.125, 4 / 9, 0.8],
  ];
  pts.forEach((p, i) => p.forEach((x, j) => assert.ok(Math.abs(x - expected[i][j]) < 1e-15, `point ${i} coordinate ${j}: ${x}`)));
  assert.equal(radicalInverse(11, 3), 2 / 3 + 0 / 9 + 1 / 27); // 11 = 102 in base 3
});

test('the plain Sobol sequence matches SciPy qmc.Sobol(scramble=False) (Joe-Kuo directions, Gray-code order)', () => {
  assert.deepEqual(sobol(8, 3), [
    [0, 0, 0],
    [0.5, 0.5, 0.5],
    [0.75, 0.25, 0.25],
    [0.25, 0.75, 0.75],
    [0.375, 0.375, 0.625],
    [0.875, 0.875, 0.125],
    [0.625, 0.125, 0.875],
    [0.125, 0.625, 0.375],
  ]);
  const s = sobol(64, 16);
  assert.deepEqual(s[13], [0.8125, 0.6875, 0.8125, 0.0625, 0.4375, 0.9375, 0.5625, 0.5625, 0.5625, 0.4375, 0.8125, 0.9375, 0.0625, 0.8125, 0.1875, 0.5625]);
  assert.deepEqual(s[37], [0.921875, 0.640625, 0.578125, 0.921875, 0.765625, 0.296875, 0.171875, 0.796875, 0.609375, 0.171875, 0.015625, 0.078125, 0.578125, 0.859375, 0.109375, 0.484375]);
  assert.deepEqual(s[63], [0.015625, 0.796875, 0.359375, 0.453125, 0.859375, 0.140625, 0.578125, 0.140625, 0.828125, 0.578125, 0.421875, 0.671875, 0.546875, 0.765625, 0.328125, 0.765625]);
});

test('scrambling is seeded and keeps the stratification', () => {
  assert.deepEqual(halton(8, 3, 5), halton(8, 3, 5));
  assert.notDeepEqual(halton(8, 3, 5), halton(8, 3, 6));
  // Base 2 has one nonzero digit, so its permutation fixing 0 is the identity.
  assert.deepEqual(halton(8, 3, 5).map((p) => p[0]), halton(8, 3).map((p) => p[0]));
  // Base 3, indices 1..8: leading digits 1,2,0,1,2,0,1,2; a permutation fixing 0 keeps two points in [0, 1/3).
  const thirds = [0, 0, 0];
  for (const p of halton(8, 3, 5)) thirds[Math.floor(p[1] * 3)]++;
  assert.equal(thirds[0], 2);
  assert.deepEqual(thirds.slice(1).sort(), [3, 3]);
  // A digital shift keeps Sobol's net property: each of 8 equal intervals holds one of the first 8 points.
  const shifted = sobol(8, 4, 11);
  assert.notDeepEqual(shifted, sobol(8, 4));
  for (let d = 0; d < 4; d++) {
    const cells = shifted.map((p) => Math.floor(p[d] * 8)).sort((a, b) => a - b);
    assert.deepEqual(cells, [0, 1, 2, 3, 4, 5, 6, 7], `dimension ${d}`);
  }
  for (const p of [...halton(50, 5, 1), ...sobol(50, 5, 1)]) for (const x of p) assert.ok(x >= 0 && x < 1);
});

test('sobol refuses more dimensions than its direction numbers, naming the alternative', () => {
  assert.equal(SOBOL_MAX_DIMS, 16);
  assert.throws(() => sobol(4, 17), /dimensions must be from 1 to 16.*halton/);
});
