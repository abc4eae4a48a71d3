import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Linear, mseLoss, Sequential } from '../../src/nn/index.js';
import { createOptimizer } from '../../src/optim/index.js';
import { Generator, randn, tensor } from '../../src/tensor/index.js';
import { applyMask, magnitudePrune, maskDensity, maskOptimizer, rewindWeights, snapshotWeights } from '../../src/regularize/index.js';

const named = (a: number[], b: number[]) => {
  const ta = tensor(a, { shape: [2, a.length / 2], dtype: 'float64', requiresGrad: true });
  const tb = tensor(b, { shape: [2, b.length / 2], dtype: 'float64', requiresGrad: true });
  return { ta, tb, source: [['a', ta], ['b', tb]] as [string, typeof ta][] };
};

describe('magnitude pruning', () => {
  it('global: one threshold over every tensor', () => {
    const { ta, tb, source } = named([0.1, -5, 3, 0.2], [-0.3, 4, 0.05, 2]);
    const mask = magnitudePrune(source, { amount: 0.5 });
    // The 4 smallest |w| of the 8: 0.05, 0.1, 0.2, 0.3.
    assert.deepEqual(Array.from(mask.get(ta)!), [0, 1, 1, 0]);
    assert.deepEqual(Array.from(mask.get(tb)!), [0, 1, 0, 1]);
    applyMask(mask);
    assert.deepEqual(Array.from(ta.data), [0, -5, 3, 0]);
    assert.equal(maskDensity(mask), 0.5);
  });
  it('per layer: the same fraction of each tensor', () => {
    const { ta, tb, source } = named([0.1, -5, 3, 0.2], [-30, 40, 0.05, 20]);
    const mask = magnitudePrune(source, { amount: 0.25, scope: 'layer' });
    assert.deepEqual(Array.from(mask.get(ta)!), [0, 1, 1, 1]);
    assert.deepEqual(Array.from(mask.get(tb)!), [1, 1, 0, 1]);
    // Globally the same amount would take the two smallest: 0.05 and 0.1.
    const g = magnitudePrune(source, { amount: 0.25 });
    assert.deepEqual([...g.get(ta)!, ...g.get(tb)!], [0, 1, 1, 1, 1, 1, 0, 1]);
  });
  it('iterated: amount is a fraction of the survivors, and pruned weights stay pruned', () => {
    const { ta, source } = named(Array.from({ length: 10 }, (_, i) => i + 1), [100, 100]);
    let mask = magnitudePrune([source[0]], { amount: 0.2 });
    assert.equal(maskDensity(mask), 0.8);
    // Pruned weights are not zeroed here; a large one stays pruned anyway.
    ta.data[0] = 1000;
    mask = magnitudePrune([source[0]], { amount: 0.25, mask });
    assert.deepEqual(Array.from(mask.get(ta)!), [0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
  });
  it('defaults to the weights of a model (no biases)', () => {
    const g = new Generator(2);
    const model = new Sequential(new Linear(4, 3, { generator: g }), new Linear(3, 2, { generator: g }));
    const mask = magnitudePrune(model, { amount: 0.5 });
    assert.equal(mask.size, 2);
    for (const t of mask.keys()) assert.equal(t.ndim, 2);
  });
  it('rejects bad input naming what was expected', () => {
    const { source } = named([1, 2], [3, 4]);
    assert.throws(() => magnitudePrune(source, { amount: 1.5 }), /amount must be a fraction in \[0, 1\], got 1.5/);
    assert.throws(() => magnitudePrune(source, { amount: 0.5, scope: 'row' as 'layer' }), /scope must be 'global' or 'layer'/);
    assert.throws(() => magnitudePrune([], { amount: 0.5 }), /no parameters selected/);
  });
});

describe('optimizers respect a mask', () => {
  for (const method of ['sgd', 'momentum', 'adam', 'adashift'] as const) {
    it(`${method}: pruned weights stay 0 after steps, and so does their state`, () => {
      const g = new Generator(4);
      const model = new Sequential(new Linear(6, 5, { generator: g }), new Linear(5, 1, { generator: g }));
      const opts = method === 'momentum' ? { lr: 0.05, momentum: 0.9 } : method === 'adashift' ? { lr: 0.01, keepNum: 2, phi: 'none' } : { lr: 0.05 };
      const opt = createOptimizer(method === 'momentum' ? 'sgd' : method, model.parameters(), opts);
      const x = randn([16, 6], { generator: g });
      const y = randn([16, 1], { generator: g });
      const step = () => {
        opt.zeroGrad();
        mseLoss(model.forward(x), y).backward();
        opt.step();
      };
      for (let t = 0; t < 3; t++) step(); // momentum built up before pruning
      const mask = magnitudePrune(model, { amount: 0.6 });
      applyMask(mask);
      const release = maskOptimizer(opt, mask);
      for (let t = 0; t < 4; t++) step();
      let moving = 0;
      for (const [w, keep] of mask) {
        const s = opt.state.get(w)!;
        const arrays = Object.values(s).filter((v): v is Float32Array => v instanceof Float32Array && v.length % keep.length === 0);
        if (method !== 'sgd') assert.ok(arrays.length > 0, `${method} keeps per-element state`);
        for (let i = 0; i < keep.length; i++) {
          if (keep[i]) { moving++; continue; }
          assert.equal(w.data[i], 0, `${method}: pruned weight ${i} moved`);
          for (const a of arrays) for (let j = i; j < a.length; j += keep.length) assert.equal(a[j], 0, `${method}: state of pruned weight ${i}`);
        }
      }
      assert.ok(moving > 0);
      // Released, the pruned weights train again.
      release();
      step();
      step();
      const [w, keep] = [...mask][0];
      assert.ok(Array.from(w.data).some((v, i) => !keep[i] && v !== 0), `${method}: released weights stayed 0`);
    });
  }
  it('with a closure the gradients are masked after it runs', () => {
    const w = tensor([1, 2, 3, 4], { shape: [2, 2], dtype: 'float64', requiresGrad: true });
    const opt = createOptimizer('sgd', [w], { lr: 0.1, momentum: 0.5 });
    const mask = magnitudePrune([['w', w]], { amount: 0.5 });
    applyMask(mask);
    maskOptimizer(opt, mask);
    opt.step(() => {
      w.grad = tensor([1, 1, 1, 1], { shape: [2, 2], dtype: 'float64' });
      return 0;
    });
    assert.deepEqual(Array.from(w.data), [0, 0, 2.9, 3.9]);
  });
  it('rewinding restores the snapshot and re-applies the mask', () => {
    const w = tensor([1, -2, 3, -4], { shape: [2, 2], dtype: 'float64', requiresGrad: true });
    const snap = snapshotWeights([['w', w]]);
    w.data.fill(7);
    const mask = magnitudePrune([['w', tensor([1, -2, 3, -4], { shape: [2, 2], dtype: 'float64' })]], { amount: 0.5 });
    rewindWeights(snap, new Map([[w, [...mask.values()][0]]]));
    assert.deepEqual(Array.from(w.data), [0, 0, 3, -4]);
  });
});
