// The deterministic log (src/backend/math/log.ts): within 1 ulp of Math.log (Node 20's V8 uses
// fdlibm's too, so in Node they agree exactly), and Math.log's special values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { log } from '../../src/backend/math/log.js';

const f = new Float64Array(1);
const b = new BigInt64Array(f.buffer);
const order = (x: number): bigint => {
  f[0] = x;
  return b[0] < 0n ? -(b[0] & 0x7fffffffffffffffn) : b[0];
};

test('log is within 1 ulp of Math.log from the subnormals to the largest double', () => {
  let seed = 9;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  let worst = 0;
  for (let i = 0; i < 150000; i++) {
    const x = i % 3 === 0 ? rnd() : i % 3 === 1 ? Math.exp((rnd() - 0.5) * 1400) : 1 + (rnd() - 0.5) * 1e-5;
    worst = Math.max(worst, Math.abs(Number(order(log(x)) - order(Math.log(x)))));
  }
  for (const x of [5e-324, 1e-310, 2.2250738585072014e-308, 1.7976931348623157e308, 1 + 2 ** -52, 1 - 2 ** -53, 2, 10, Math.E]) {
    worst = Math.max(worst, Math.abs(Number(order(log(x)) - order(Math.log(x)))));
  }
  assert.ok(worst <= 1, `worst ${worst} ulp`);
});

test("log's special values are Math.log's", () => {
  assert.equal(log(0), -Infinity);
  assert.equal(log(-0), -Infinity);
  assert.ok(Number.isNaN(log(-1)) && Number.isNaN(log(-Infinity)) && Number.isNaN(log(NaN)));
  assert.equal(log(Infinity), Infinity);
  assert.ok(Object.is(log(1), 0));
  for (let k = -1074; k <= 1023; k += 7) assert.ok(Math.abs(log(2 ** k) - k * Math.LN2) <= Math.abs(k) * 2.3e-16 + 1e-300, `log(2^${k})`);
});
