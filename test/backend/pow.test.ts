// The deterministic pow (src/backend/math/pow.ts): within 1 ulp of Math.pow on many inputs
// (the optimizers' β^t, random bases and exponents, huge and tiny results, subnormals, negative
// bases with integer exponents, x near 1 with huge exponents) and exactly Math.pow's value on
// the special cases (0, -0, ±Inf, NaN, ±1, integer and half exponents).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pow } from '../../src/backend/math/pow.js';

const f = new Float64Array(1);
const b = new BigInt64Array(f.buffer);
/** The double's position on the number line, in ulps (monotone in x, -0 and +0 both 0). */
function order(x: number): bigint {
  f[0] = x;
  const v = b[0];
  return v < 0n ? -(v & 0x7fffffffffffffffn) : v;
}
function ulps(a: number, c: number): number {
  if (Object.is(a, c) || (Number.isNaN(a) && Number.isNaN(c))) return 0;
  if (Number.isNaN(a) || Number.isNaN(c)) return Infinity;
  return Math.abs(Number(order(a) - order(c)));
}

let seed = 7;
const rnd = (): number => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
};

test('pow is within 1 ulp of Math.pow on 150,000 inputs', () => {
  let worst = 0;
  let worstAt = '';
  let n = 0;
  const check = (x: number, y: number): void => {
    const u = ulps(pow(x, y), Math.pow(x, y));
    n++;
    if (u > worst) [worst, worstAt] = [u, `${x} ** ${y}: ${pow(x, y)} vs Math.pow ${Math.pow(x, y)}`];
  };
  for (const beta of [0.9, 0.999, 0.99, 0.5, 0.96, 0.95, 0.9999]) for (let t = 1; t <= 3000; t++) check(beta, t);
  for (let i = 0; i < 50000; i++) check(rnd() * 10, (rnd() - 0.5) * 40);
  for (let i = 0; i < 30000; i++) check(Math.exp((rnd() - 0.5) * 1400), (rnd() - 0.5) * 4); // results from subnormal to overflow
  for (let i = 0; i < 25000; i++) check(-(rnd() * 10), Math.floor((rnd() - 0.5) * 60)); // negative bases, integer exponents
  for (let i = 0; i < 10000; i++) check(rnd() * 1e-310, rnd() * 2); // subnormal bases
  for (let i = 0; i < 10000; i++) check(1 + (rnd() - 0.5) * 1e-9, (rnd() - 0.5) * 1e12); // |y| > 2^31, x near 1
  for (let i = 0; i < 5000; i++) check(rnd() * 4, (rnd() - 0.5) * 1e20); // |y| > 2^64
  assert.ok(n > 150000);
  assert.ok(worst <= 1, `worst error ${worst} ulp at ${worstAt}`);
});

test('pow gives exactly what Math.pow gives on the special cases', () => {
  const values = [0, -0, 1, -1, 2, -2, 0.5, -0.5, 3, -3, 1.5, -1.5, 10, Infinity, -Infinity, NaN, 5e-324, -5e-324, 1e-320,
    2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 31, 2 ** 64, 1 + 2 ** -52, 1 - 2 ** -53];
  const wrong: string[] = [];
  for (const x of values) {
    for (const y of values) {
      const a = pow(x, y);
      const c = Math.pow(x, y);
      // Special values (0, ±Inf, NaN, and results exactly representable) must match exactly;
      // the rest within 1 ulp like every other input.
      const exact = !Number.isFinite(c) || c === 0 || (Number.isInteger(c) && Math.abs(c) < 2 ** 53) || !Number.isFinite(x) || !Number.isFinite(y) || x === 0 || y === 0;
      if (exact ? !(Object.is(a, c) || (Number.isNaN(a) && Number.isNaN(c))) : ulps(a, c) > 1) wrong.push(`${x} ** ${y}: ${a}, Math.pow ${c}`);
    }
  }
  assert.deepEqual(wrong, []);
  // ECMAScript's choices where C99's pow differs.
  assert.ok(Number.isNaN(pow(1, NaN)) && Number.isNaN(pow(1, Infinity)) && Number.isNaN(pow(-1, -Infinity)));
  assert.equal(pow(NaN, 0), 1);
  assert.ok(Object.is(pow(-0, 3), -0) && Object.is(pow(-0, -3), -Infinity) && Object.is(pow(-0, 2), 0) && Object.is(pow(-Infinity, 3), -Infinity));
  assert.ok(Number.isNaN(pow(-2, 0.5)) && Number.isNaN(pow(-8, 1 / 3)));
  assert.equal(pow(-2, 3), -8);
  assert.equal(pow(2, -1074), 5e-324);
  assert.equal(pow(2, -1075), 0);
  assert.equal(pow(2, 1023), 8.98846567431158e307);
  assert.equal(pow(2, 1024), Infinity);
});

test('pow is exact where the result is representable, and the half exponent is the square root', () => {
  for (let k = -1074; k <= 1023; k++) assert.equal(pow(2, k), 2 ** k, `2 ** ${k}`);
  for (let n = 0; n <= 30; n++) assert.equal(pow(3, n), 3 ** n, `3 ** ${n}`);
  for (let i = 0; i < 1000; i++) {
    const x = rnd() * 100;
    assert.equal(pow(x, 0.5), Math.sqrt(x));
    assert.equal(pow(x, 2), x * x);
    assert.equal(pow(x, 1), x);
    assert.equal(pow(x, -1), 1 / x);
  }
});
