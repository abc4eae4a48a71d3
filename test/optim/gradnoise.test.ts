/**
 * Gradient noise on float32 parameters: the noise is the generator's float32 normal stream, the
 * inner optimizer steps on the noisy gradients, and the tensors the user holds (each `.grad`,
 * before and after the step, from any earlier step) keep their values although the wrapper
 * reuses its noisy-gradient buffers.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createOptimizer } from '../../src/optim/index.js';
import { Generator, tensor } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import '../helpers/backends.js';
import { forEachBackend } from '../helpers/backends.js';

const f32 = Math.fround;
const SHAPES = [[3, 5], [7], [1]];
const ETA = 0.3, GAMMA = 0.55, LR = 0.1;

function params(): Tensor[] {
  return SHAPES.map((shape, k) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(Array.from({ length: n }, (_, i) => Math.cos(i + k)), { shape, dtype: 'float32', requiresGrad: true });
  });
}

/** A fresh gradient for each parameter and step (never the same values twice). */
function gradient(p: Tensor, k: number, step: number): Tensor {
  return tensor(Array.from({ length: p.data.length }, (_, i) => Math.sin(1 + i + 10 * k + 100 * step)), { shape: p.shape, dtype: 'float32' });
}

describe('gradnoise on float32 parameters', () => {
  test('noise from the float32 normal stream: each step, the parameters in order, g + σ_t z in float32, then the inner step', () => {
    forEachBackend((backend) => {
      const ps = params();
      const opt = createOptimizer('gradnoise', ps, { optimizer: 'sgd', optimizerOptions: { lr: LR }, eta: ETA, gamma: GAMMA, seed: 7 });
      // the reference: plain SGD on noisy gradients made from the raw stream
      const twins = params();
      const sgd = createOptimizer('sgd', twins, { lr: LR });
      const gen = new Generator(7);
      for (let t = 0; t < 4; t++) {
        const sigma = f32(Math.sqrt(ETA / (1 + t) ** GAMMA));
        ps.forEach((p, k) => (p.grad = gradient(p, k, t)));
        opt.step();
        twins.forEach((p, k) => {
          const g = gradient(p, k, t).data;
          const z = new Float32Array(g.length);
          gen.fillNormal32(z);
          p.grad = tensor(Array.from(g, (x, i) => f32(x + f32(sigma * z[i]))), { shape: p.shape, dtype: 'float32' });
        });
        sgd.step();
        ps.forEach((p, k) => assert.deepEqual(Array.from(p.data), Array.from(twins[k].data), `${backend} step ${t + 1} parameter ${k}`));
      }
    });
  });

  test('the user\'s gradient tensors are put back and keep their values, step after step', () => {
    const ps = params();
    const opt = createOptimizer('gradnoise', ps, { optimizer: 'sgd', optimizerOptions: { lr: LR }, eta: ETA, seed: 3 });
    const held: { grad: Tensor; values: number[] }[] = [];
    for (let t = 0; t < 3; t++) {
      const before = ps.map((p) => Array.from(p.data));
      ps.forEach((p, k) => {
        p.grad = gradient(p, k, t);
        held.push({ grad: p.grad, values: Array.from(p.grad.data) });
      });
      const grads = ps.map((p) => p.grad);
      opt.step();
      ps.forEach((p, k) => {
        assert.equal(p.grad, grads[k], `step ${t + 1}: .grad is the user's tensor again`);
        // the step did move the parameter by the noisy gradient, not the clean one
        const clean = before[k].map((x, i) => f32(x - LR * grads[k]!.data[i]));
        assert.notDeepEqual(Array.from(p.data), clean, `step ${t + 1}: the noise reached the inner step`);
      });
      for (const h of held) assert.deepEqual(Array.from(h.grad.data), h.values, `step ${t + 1}: a gradient the user holds changed`);
    }
  });

  test('the state dict restores the noise stream exactly', () => {
    const run = (resumeAt: number | null): number[][] => {
      let ps = params();
      let opt = createOptimizer('gradnoise', ps, { optimizer: 'rmsprop', optimizerOptions: { lr: 0.01 }, eta: 0.05, seed: 11 });
      for (let t = 0; t < 6; t++) {
        if (t === resumeAt) {
          const sd = opt.stateDict();
          const values = ps.map((p) => Array.from(p.data));
          ps = params();
          ps.forEach((p, k) => p.data.set(values[k]));
          opt = createOptimizer('gradnoise', ps, { optimizer: 'rmsprop', optimizerOptions: { lr: 0.01 }, eta: 0.05, seed: 999 });
          opt.loadStateDict(sd);
        }
        ps.forEach((p, k) => (p.grad = gradient(p, k, t)));
        opt.step();
      }
      return ps.map((p) => Array.from(p.data));
    };
    assert.deepEqual(run(3), run(null));
  });
});
