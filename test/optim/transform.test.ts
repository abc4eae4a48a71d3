/**
 * Chains keep one state per stage: two transforms of the same kind chain (each with its own
 * state, saved and restored under its own keys), namedChain keys the state by stage name,
 * built-in layouts stay flat, and TransformOptimizer alone hands fused steps their kernels.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backendInfo } from '../../src/backend/registry.js';
import {
  addWeightDecay, chain, emaMomentum, namedChain, scale, scaleByAdam, scaleByLr, TransformOptimizer, type Transform,
} from '../../src/optim/index.js';
import { tensor } from '../../src/tensor/index.js';

const grads = [[1, -2], [0.5, 4], [-3, 1], [2, 2]];
const b = 0.5;
const lr = 0.1;

/** θ after each step of a doubly smoothed momentum: m1 = b m1 + (1-b) g, m2 = b m2 + (1-b) m1, θ -= lr m2. */
function doubleEmaReference(): number[][] {
  const theta = [1, 1];
  const m1 = [0, 0];
  const m2 = [0, 0];
  return grads.map((g) => {
    for (let i = 0; i < 2; i++) {
      m1[i] = b * m1[i] + (1 - b) * g[i];
      m2[i] = b * m2[i] + (1 - b) * m1[i];
      theta[i] -= lr * m2[i];
    }
    return [...theta];
  });
}

function run(opt: TransformOptimizer, p: ReturnType<typeof tensor>, from: number, to: number): number[][] {
  const out: number[][] = [];
  for (let k = from; k < to; k++) {
    p.grad = tensor(grads[k], { dtype: 'float64' });
    opt.step();
    out.push(Array.from(p.data));
  }
  return out;
}

const param = () => tensor([1, 1], { dtype: 'float64', requiresGrad: true });

describe('chain: one state per stage', () => {
  test('two transforms of the same kind chain, each with its own state', () => {
    const p = param();
    const opt = new TransformOptimizer('double-ema', [p], { momentum: b, lr }, chain(emaMomentum(), emaMomentum(), scaleByLr()));
    const got = run(opt, p, 0, grads.length);
    const want = doubleEmaReference();
    got.forEach((row, k) => row.forEach((x, i) => assert.ok(Math.abs(x - want[k][i]) < 1e-12, `step ${k}: ${x} vs ${want[k][i]}`)));
    const s = opt.state.get(p)!;
    assert.deepEqual(Object.keys(s), ['momentumBuffer', 'stage1']);
    assert.deepEqual(Object.keys(s.stage1 as object), ['momentumBuffer']);
  });

  test('the second stage\'s state is saved under its own keys and resumes the same trajectory', () => {
    const p = param();
    const make = (q: ReturnType<typeof tensor>) =>
      new TransformOptimizer('double-ema', [q], { momentum: b, lr }, chain(emaMomentum(), emaMomentum(), scaleByLr()));
    const opt = make(p);
    run(opt, p, 0, 2);
    const sd = opt.stateDict();
    assert.deepEqual(Object.keys(sd.tensors).sort(), ['state.0.momentumBuffer', 'state.0.stage1.momentumBuffer']);
    const q = tensor(Array.from(p.data), { dtype: 'float64', requiresGrad: true });
    const resumed = make(q);
    resumed.loadStateDict(sd);
    assert.deepEqual(run(resumed, q, 2, grads.length), doubleEmaReference().slice(2));
  });

  test('stateful stages of the same kind count their own steps', () => {
    const p = tensor([1], { dtype: 'float64', requiresGrad: true });
    const opt = new TransformOptimizer('scaled', [p], {}, chain(scale((t) => t + 1), scale((t) => 10 ** t)));
    const steps: number[] = [];
    for (let k = 0; k < 3; k++) {
      p.grad = tensor([1], { dtype: 'float64' });
      const before = p.data[0];
      opt.step();
      steps.push(p.data[0] - before);
    }
    assert.deepEqual(steps, [1, 20, 300]);
    assert.deepEqual(opt.state.get(p), { scaleStep: 3, stage1: { scaleStep: 3 } });
  });

  test('stages with distinct keys keep the flat layout of every saved state dict', () => {
    const p = param();
    const opt = new TransformOptimizer('adam-like', [p], { lr, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false, weightDecay: 0 },
      chain(addWeightDecay(), scaleByAdam(), scaleByLr()));
    run(opt, p, 0, 1);
    assert.deepEqual(Object.keys(opt.state.get(p)!), ['step', 'expAvg', 'expAvgSq', 'maxExpAvgSq']);
  });
});

describe('namedChain', () => {
  test('keeps each stage\'s state under its name, with the numbers of the plain chain', () => {
    const p = param();
    const opt = new TransformOptimizer('double-ema', [p], { momentum: b, lr },
      namedChain({ fast: emaMomentum(), slow: emaMomentum(), lr: scaleByLr() }));
    const got = run(opt, p, 0, 2);
    const sd = opt.stateDict();
    assert.deepEqual(Object.keys(sd.tensors).sort(), ['state.0.fast.momentumBuffer', 'state.0.slow.momentumBuffer']);
    assert.deepEqual(Object.keys(opt.state.get(p)!), ['fast', 'slow', 'lr']);
    const q = tensor(Array.from(p.data), { dtype: 'float64', requiresGrad: true });
    const resumed = new TransformOptimizer('double-ema', [q], { momentum: b, lr }, namedChain({ fast: emaMomentum(), slow: emaMomentum(), lr: scaleByLr() }));
    resumed.loadStateDict(sd);
    const want = doubleEmaReference();
    [...got, ...run(resumed, q, 2, grads.length)].forEach((row, k) =>
      row.forEach((x, i) => assert.ok(Math.abs(x - want[k][i]) < 1e-12, `step ${k}: ${x} vs ${want[k][i]}`)));
  });

  test('refuses no stages, a stage that is not a transform, and a state without the stage', () => {
    assert.throws(() => namedChain({}), /namedChain: expected at least one stage, got none/);
    assert.throws(() => namedChain({ lr: scaleByLr(), oops: 3 as unknown as Transform }), /namedChain: stage 'oops' is not a transform/);
    const t = namedChain({ ema: emaMomentum() });
    assert.throws(() => t.update(new Float64Array(1), {}, new Float64Array(1), { momentum: 0.5 }, { shape: [1] }),
      /namedChain: the state has no record for stage 'ema'/);
  });
});

describe('the fused path is chosen in one place', () => {
  test('TransformOptimizer hands a fused step the active backend\'s optimizer kernels, and runs the chain when it declines', () => {
    const seen: string[] = [];
    const transform: Transform<{ lr: number }> = {
      ...chain(scaleByLr()),
      fused(param, grad, _state, _h, kernels) {
        seen.push(kernels.name);
        if (param.length > 1) return false;
        param[0] -= 100 * grad[0];
        return true;
      },
    };
    const one = tensor([1], { requiresGrad: true });
    const two = tensor([1, 1], { requiresGrad: true });
    const opt = new TransformOptimizer('fusable', [one, two], { lr: 0.5 }, transform);
    one.grad = tensor([1]);
    two.grad = tensor([1, 2]);
    opt.step();
    assert.deepEqual(seen, [backendInfo().name, backendInfo().name]);
    assert.deepEqual(Array.from(one.data), [-99]);
    assert.deepEqual(Array.from(two.data), [0.5, 0]);
  });
});
