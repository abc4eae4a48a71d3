// sinTwoPi / cosTwoPi (src/backend/math/trig.ts): sin(2πx) and cos(2πx) computed the same way on
// every engine, close to Math.sin/Math.cos, exact at the quarter points, periodic exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosTwoPi, sinTwoPi } from '../../src/backend/math/trig.js';

let seed = 3;
const rnd = (): number => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
};

test('sinTwoPi and cosTwoPi are Math.sin(2πx) and Math.cos(2πx) to the rounding of 2πx', () => {
  let worst = 0;
  for (let i = 0; i < 100000; i++) {
    const x = (rnd() - 0.5) * 2;
    // Math.sin(2 * Math.PI * x) first rounds 2πx (an error up to ulp(2π)/2 = 4.4e-16 in the angle).
    worst = Math.max(worst, Math.abs(sinTwoPi(x) - Math.sin(2 * Math.PI * x)), Math.abs(cosTwoPi(x) - Math.cos(2 * Math.PI * x)));
  }
  assert.ok(worst < 1e-15, `worst difference ${worst}`);
  for (let i = 0; i < 20000; i++) {
    const x = (rnd() - 0.5) * 200;
    const d = Math.abs(sinTwoPi(x) - Math.sin(2 * Math.PI * x)) + Math.abs(cosTwoPi(x) - Math.cos(2 * Math.PI * x));
    assert.ok(d < 4 * Number.EPSILON * 2 * Math.PI * Math.abs(x), `at x = ${x}: ${d}`);
    assert.ok(Math.abs(sinTwoPi(x) ** 2 + cosTwoPi(x) ** 2 - 1) < 1e-15);
  }
});

test('exact at the quarter points, periodic, odd and even, NaN off the finite numbers', () => {
  for (let k = -50; k <= 50; k++) {
    assert.equal(sinTwoPi(k), 0);
    assert.equal(cosTwoPi(k), 1);
    assert.equal(sinTwoPi(k + 0.25), 1);
    assert.equal(cosTwoPi(k + 0.5), -1);
    assert.equal(cosTwoPi(k + 0.25), 0);
    // dyadic x, so x + k is exact
    for (const x of [0.3125, 0.0625, 0.15625, -0.21875]) {
      assert.equal(sinTwoPi(x + k), sinTwoPi(x), `sin period at ${x} + ${k}`);
      assert.equal(cosTwoPi(x + k), cosTwoPi(x), `cos period at ${x} + ${k}`);
    }
  }
  for (let i = 0; i < 1000; i++) {
    const x = rnd() * 4;
    assert.equal(sinTwoPi(-x), -sinTwoPi(x));
    assert.equal(cosTwoPi(-x), cosTwoPi(x));
  }
  assert.equal(sinTwoPi(2 ** 60), 0);
  assert.ok(Object.is(sinTwoPi(-0), -0));
  for (const bad of [NaN, Infinity, -Infinity]) assert.ok(Number.isNaN(sinTwoPi(bad)) && Number.isNaN(cosTwoPi(bad)));
});
