/**
 * Gradient checks (finite differences in float64) for every differentiable op, on every
 * registered backend; second-derivative checks for the ops that higher-order methods rely on;
 * and proof that the checker itself catches wrong gradients.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { concat, conv2d, convTranspose2d, grad, gradcheck, gradgradcheck, tensor } from '../../src/tensor/index.js';
import { makeResult } from '../../src/tensor/ops/result.js';
import { forEachBackend } from '../helpers/backends.js';
import { draw, f64 } from '../helpers/data.js';
import { groups, second, type Case } from './cases.js';

function check(c: Case, second = false): void {
  forEachBackend((backend) => {
    const r = (second ? gradgradcheck : gradcheck)(c.f, c.inputs, c.options);
    assert.ok(r.ok, `${second ? 'gradgradcheck' : 'gradcheck'} of ${c.name} on backend ${backend}: worst ${r.worst} at ${r.detail}`);
  });
}

describe('gradcheck: every differentiable op, every backend', () => {
  for (const [group, cases] of groups) {
    describe(group, () => {
      for (const c of cases) test(c.name, () => check(c));
    });
  }
});

describe('gradgradcheck: second derivatives, every backend', () => {
  for (const c of second) test(c.name, () => check(c, true));
});

// ---- third derivatives ----------------------------------------------------------------------

/** x -> the gradient of sum(f(x)) (all inputs, flattened and joined): gradgradcheck of it checks third derivatives. */
const firstDerivative = (f: (...xs: Tensor[]) => Tensor) => (...xs: Tensor[]): Tensor => {
  const gs = grad((...a: Tensor[]) => f(...a).sum(), { argnums: xs.map((_, i) => i) })(...xs) as Tensor[];
  return concat(gs.map((g) => g.flatten()));
};

const third: Case[] = [
  { name: 'tanh', f: (a) => a.tanh(), inputs: [draw([4], 201)] },
  { name: 'logSumExp', f: (a) => a.logSumExp(1), inputs: [draw([2, 3], 202)] },
  { name: 'softmax', f: (a) => a.softmax().mul(draw([2, 3], 203)), inputs: [draw([2, 3], 204)] },
  { name: 'norm', f: (a) => a.norm(), inputs: [draw([4], 205)] },
  { name: 'pow', f: (a, b) => a.pow(b), inputs: [draw([3], 206, { low: 0.5, high: 1.5 }), draw([3], 207)] },
  { name: 'div', f: (a, b) => a.div(b), inputs: [draw([3], 208), draw([3], 209, { low: 0.5, high: 1.5 })] },
  { name: 'conv2d', f: (a, w) => conv2d(a, w, null, { padding: 1 }).tanh(), inputs: [draw([1, 1, 3, 3], 210), draw([1, 1, 2, 2], 211)] },
  { name: 'convTranspose2d', f: (a, w) => convTranspose2d(a, w, null, { stride: 2 }).tanh(), inputs: [draw([1, 1, 2, 2], 212), draw([1, 1, 2, 2], 213)] },
  { name: 'matmul', f: (a, b) => a.matmul(b).tanh(), inputs: [draw([2, 3], 214), draw([3, 2], 215)] },
  { name: 'std', f: (a) => a.std(), inputs: [draw([4], 216)] },
];

describe('third derivatives (gradgradcheck of the gradient), every backend', () => {
  for (const c of third) test(c.name, () => check({ ...c, f: firstDerivative(c.f) }, true));
});

// ---- the checker itself ---------------------------------------------------------------------

/** x^2 with a backward rule that is off by `factor`; `detached` also cuts the rule off the graph. */
function wrongSquare(x: Tensor, factor: number, detached = false): Tensor {
  const out = new Float64Array(x.numel());
  for (let i = 0; i < x.numel(); i++) out[i] = x.data[i] * x.data[i];
  return makeResult(out, x.shape, 'wrongSquare', [x], (g) => {
    if (!detached) return [g.mul(x).mul(2 * factor)];
    const d = new Float64Array(x.numel());
    for (let i = 0; i < x.numel(); i++) d[i] = 2 * factor * x.data[i];
    return [g.mul(new Tensor(d, x.shape))];
  });
}

describe('gradcheck catches wrong gradients', () => {
  test('a correct custom op passes', () => {
    const r = gradcheck((a) => wrongSquare(a, 1), [draw([3], 99)]);
    assert.ok(r.ok, r.detail);
  });

  test('a backward off by 1% is reported, with where and both values', () => {
    const input = f64([0.5, -1, 2]);
    const r = gradcheck((a) => wrongSquare(a, 1.01), [input]);
    assert.equal(r.ok, false);
    assert.ok(r.worst > 1e-3, `worst ${r.worst}`);
    // the worst element is x = 2: autodiff 4.04 * w, finite differences 4 * w
    assert.match(r.detail, /input 0, flat index 2/);
    const [, got, numeric] = /autodiff (\S+), finite differences (\S+)/.exec(r.detail)!.map(Number);
    assert.ok(Math.abs(got / numeric - 1.01) < 1e-6, r.detail);
  });

  test('a wrong gradient for the second input only is pinned to that input', () => {
    const r = gradcheck((a, b) => a.mul(wrongSquare(b, 0.5)), [f64([1, 2]), f64([0.5, 1.5])]);
    assert.equal(r.ok, false);
    assert.match(r.detail, /^input 1,/);
  });

  test('a first derivative that is right but not differentiable fails gradgradcheck', () => {
    const f = (a: Tensor): Tensor => wrongSquare(a, 1, true).sum().square();
    assert.ok(gradcheck(f, [f64([0.3, -0.8])]).ok);
    const r = gradgradcheck(f, [f64([0.3, -0.8])]);
    assert.equal(r.ok, false, r.detail);
  });

  test('a NaN from finite differences is not masked by later good elements', () => {
    // log at 1e-8: x - eps < 0 gives NaN; the other elements are fine
    const r = gradcheck((a) => a.log(), [f64([1e-8, 1, 2])]);
    assert.equal(r.ok, false, r.detail);
    assert.match(r.detail, /flat index 0/);
  });

  test('a NaN from autodiff fails the check', () => {
    const nanGrad = (a: Tensor): Tensor =>
      makeResult(Float64Array.from(a.data), a.shape, 'nanGrad', [a], (g) => [g.mul(Number.NaN)]);
    const r = gradcheck(nanGrad, [f64([1, 2])]);
    assert.equal(r.ok, false);
    assert.equal(r.worst, Infinity);
  });

  test('float32 inputs are checked in float64', () => {
    const r = gradcheck((a) => a.exp(), [tensor([0.1, 0.2, 0.3])]);
    assert.ok(r.ok, r.detail);
    assert.ok(r.worst < 1e-8, `worst ${r.worst}`);
  });
});
