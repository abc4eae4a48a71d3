/**
 * AdaShift's `zeroVSafeguard`, the authors' public code (ZhimingZhou/AdaShift-LGANs-MaxGP-refactored,
 * common/optimizer.py): no update while an element's v is 0, bias correction 1 - β2^k counted
 * from the step its v first became positive, floored at 1e-8. Worked by hand on scalars.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TransformOptimizer, addWeightDecay, adashiftStep, chain, createOptimizer, flipSign } from '../../src/optim/index.js';
import { Generator, tensor } from '../../src/tensor/index.js';

/** θ after each step of AdaShift on one float64 parameter fed the given gradients. */
function thetas(grads: number[][], options: Record<string, unknown>): number[][] {
  const p = tensor(grads[0].map(() => 0), { dtype: 'float64', requiresGrad: true });
  const opt = createOptimizer('adashift', [p], options);
  return grads.map((g) => {
    p.grad = tensor(g, { dtype: 'float64' });
    opt.step();
    return Array.from(p.data);
  });
}

describe('AdaShift zeroVSafeguard (the authors\' code)', () => {
  test('hand-worked: n = 1, β = (0, 0.5), g = 0, 1, 2, 3', () => {
    const grads = [[0], [1], [2], [3]];
    const got = thetas(grads, { lr: 0.1, keepNum: 1, betas: [0, 0.5], eps: 0, phi: 'none', zeroVSafeguard: true }).map((r) => r[0]);
    // t = 1: only enqueue. t = 2: v = 0 (g_1 = 0): no update (the printed algorithm steps lr·1/ε).
    // t = 3: v = 0.5·1 = 0.5, first positive: β2^1, bc = 0.5, θ = -0.1·2/√(0.5/0.5) = -0.2.
    // t = 4: v = 0.25 + 0.5·4 = 2.25, bc = 1 - 0.25, θ = -0.2 - 0.1·3/√3.
    assert.deepEqual(got.slice(0, 2), [0, 0]);
    assert.ok(Math.abs(got[2] - -0.2) < 1e-15, `θ_3 = ${got[2]}`);
    assert.ok(Math.abs(got[3] - (-0.2 - 0.1 * Math.sqrt(3))) < 1e-15, `θ_4 = ${got[3]}`);
    // The printed algorithm, same gradients: the first update is lr·g_2/ε.
    const printed = thetas(grads, { lr: 0.1, keepNum: 1, betas: [0, 0.5], eps: 1e-10, phi: 'none' }).map((r) => r[0]);
    assert.ok(Math.abs(printed[1] - -0.1 / 1e-10) < 1, `printed θ_2 = ${printed[1]}`);
  });
  test('elementwise: each element counts from its own first positive v', () => {
    // Element 0 sees g = 1 from the start, element 1 sees 0 then 1: element 1's correction lags one step.
    const got = thetas([[1, 0], [1, 1], [1, 1]], { lr: 0.1, keepNum: 1, betas: [0, 0.5], eps: 0, phi: 'none', zeroVSafeguard: true });
    // t = 2: element 0: v = 0.5, bc = 0.5 → step 0.1; element 1: v = 0 → none.
    // t = 3: element 0: v = 0.75, bc = 0.75 → step 0.1; element 1: v = 0.5, bc = 0.5 (its k = 1) → 0.1.
    assert.deepEqual(got[1], [-0.1, 0]);
    assert.ok(Math.abs(got[2][0] - -0.2) < 1e-15 && Math.abs(got[2][1] - -0.1) < 1e-15, `θ_3 = ${got[2]}`);
  });
  test('the bias correction is floored at 1e-8', () => {
    const b2 = 1 - 1e-9;
    const got = thetas([[1], [1]], { lr: 0.1, keepNum: 1, betas: [0, b2], eps: 0, phi: 'none', zeroVSafeguard: true });
    // v_2 = (1-β2)·1; 1 - β2^1 = 1 - β2 < 1e-8, so the divisor is √((1-β2)/1e-8) and not 1.
    const want = -0.1 / Math.sqrt((1 - b2) / 1e-8);
    assert.ok(Math.abs(got[1][0] - want) < 1e-12, `θ_2 = ${got[1][0]}, want ${want}`);
    const printed = thetas([[1], [1]], { lr: 0.1, keepNum: 1, betas: [0, b2], eps: 0, phi: 'none' });
    assert.ok(Math.abs(printed[1][0] - -0.1) < 1e-9, `printed θ_2 = ${printed[1][0]}`);
  });
  test('spatial φ: a tensor whose shifted gradients were all 0 makes no update', () => {
    const got = thetas([[0, 0], [1, -2], [1, 1]], { lr: 0.1, keepNum: 1, betas: [0, 0.5], eps: 0, phi: 'max', zeroVSafeguard: true });
    assert.deepEqual(got[1], [0, 0]);
    // t = 3: v = 0.5·max(1, 4) = 2, first positive, bc = 0.5: divisor 2, θ = -0.1·g_3/2.
    assert.deepEqual(got[2], [-0.05, -0.05]);
  });
  test('where every shifted gradient is nonzero it equals the printed algorithm', () => {
    const gen = new Generator(5);
    const grads = Array.from({ length: 9 }, () => Array.from({ length: 4 }, () => gen.normal()));
    for (const phi of ['none', 'max', 'mean']) {
      const options = { lr: 0.05, keepNum: 3, betas: [0.8, 0.9] as [number, number], eps: 1e-8, phi };
      const a = thetas(grads, { ...options, zeroVSafeguard: true });
      const b = thetas(grads, options);
      a.forEach((row, t) => row.forEach((x, i) => assert.ok(Math.abs(x - b[t][i]) < 1e-14, `φ=${phi} step ${t + 1}`)));
    }
  });
  test('the one-pass path moves exactly as the transform chain, and a resumed run as an uninterrupted one', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const phi of ['none', 'max'] as const) {
        const gen = new Generator(7);
        const size = 11;
        const fast = tensor(new Array(size).fill(0.5), { dtype, requiresGrad: true });
        const slow = tensor(new Array(size).fill(0.5), { dtype, requiresGrad: true });
        const options = { lr: 0.05, keepNum: 2, betas: [0.8, 0.9] as [number, number], eps: 1e-8, phi, zeroVSafeguard: true };
        const fastOpt = createOptimizer('adashift', [fast], options);
        const slowOpt = new TransformOptimizer('adashift', [slow], options, chain(flipSign(), addWeightDecay(), adashiftStep()), fastOpt.optionSpecs);
        const resumed = tensor(new Array(size).fill(0.5), { dtype, requiresGrad: true });
        let resumedOpt = createOptimizer('adashift', [resumed], options);
        for (let t = 0; t < 10; t++) {
          // Elements 0-3 get exact zeros for the first five steps (phi none: their v stays 0).
          const g = Array.from({ length: size }, (_, i) => (i < 4 && t < 5 ? 0 : gen.normal()));
          for (const p of [fast, slow, resumed]) p.grad = tensor(g, { dtype });
          fastOpt.step();
          slowOpt.step();
          resumedOpt.step();
          if (t === 3) {
            const sd = resumedOpt.stateDict();
            resumedOpt = createOptimizer('adashift', [resumed], options);
            resumedOpt.loadStateDict(sd);
          }
          assert.deepEqual(fast.data, slow.data, `${dtype} φ=${phi} step ${t + 1}`);
          assert.deepEqual(resumed.data, fast.data, `${dtype} φ=${phi} resumed, step ${t + 1}`);
        }
        if (phi === 'none') assert.ok(Array.from(fast.data).every(Number.isFinite));
      }
    }
  });
});
