import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functions2d, largeGradientProbability, runOnline, onlineDefaults, runQuadratic, tunedOptions, eigenvalues, resolveMethod } from '../../src/lab/index.js';

test('2D functions: exact gradients match central differences, minima are stationary', () => {
  for (const fn of functions2d) {
    const pts: [number, number][] = [fn.start, [0.3, -0.7], [1.1, 0.4]];
    for (const [x, y] of pts) {
      const [gx, gy] = fn.grad(x, y);
      const h = 1e-6;
      const nx = (fn.f(x + h, y) - fn.f(x - h, y)) / (2 * h);
      const ny = (fn.f(x, y + h) - fn.f(x, y - h)) / (2 * h);
      assert.ok(Math.abs(gx - nx) <= 1e-4 * Math.max(1, Math.abs(nx)), `${fn.name} d/dx at (${x}, ${y}): ${gx} vs ${nx}`);
      assert.ok(Math.abs(gy - ny) <= 1e-4 * Math.max(1, Math.abs(ny)), `${fn.name} d/dy at (${x}, ${y}): ${gy} vs ${ny}`);
    }
    for (const [x, y] of fn.minima) {
      assert.ok(Math.abs(fn.f(x, y) - fn.fmin) < 1e-6, `${fn.name}: f at a listed minimum is ${fn.f(x, y)}, expected ${fn.fmin}`);
      const [gx, gy] = fn.grad(x, y);
      assert.ok(Math.hypot(gx, gy) < 1e-3, `${fn.name}: gradient at a minimum is (${gx}, ${gy})`);
    }
  }
});

test('online counterexample: the stochastic stream has the stated probability and the projection holds', () => {
  assert.equal(largeGradientProbability(101, 0.02), 1.02 / 102);
  // SGD with a small fixed step follows the expected gradient δ > 0: θ goes down and stays in [-1, 1].
  const r = runOnline(resolveMethod('sgd', { lr: 1e-4 }), { ...onlineDefaults.stochastic, steps: 50000, copies: 64 }, 3);
  assert.ok(r.final.thetaMean < 0, `SGD mean θ ${r.final.thetaMean}`);
  assert.ok(r.min.every((v) => v >= -1) && r.max.every((v) => v <= 1));
  assert.equal(r.step[0], 0);
  assert.equal(r.mean[0], 0);
  // The sequential problem is deterministic: every copy is the same.
  const s = runOnline(resolveMethod('adam', { lr: 0.001 }), { ...onlineDefaults.sequential, steps: 600, copies: 3 }, 0, { trace: false });
  assert.equal(s.final.thetaStd, 0);
});

test('quadratic: tuned gradient descent meets the (κ/4)·ln(1/tol) bound and momentum beats it', () => {
  const lam = eigenvalues(10, 100);
  assert.equal(lam[0], 1);
  assert.ok(Math.abs(lam[9] - 100) < 1e-9);
  const opts = { dim: 20, kappa: 100, tol: 1e-6, maxSteps: 100000, points: 50 };
  const gd = runQuadratic(resolveMethod('sgd', tunedOptions('sgd', 100)), opts, 0);
  const hb = runQuadratic(resolveMethod('sgd', tunedOptions('momentum', 100)), opts, 0);
  assert.ok(gd.final.iterations !== null && gd.final.iterations <= (100 / 4) * Math.log(1e6) + 5, `GD took ${gd.final.iterations}`);
  assert.ok(hb.final.iterations !== null && hb.final.iterations < gd.final.iterations / 3, `momentum took ${hb.final.iterations}, GD ${gd.final.iterations}`);
});
