/**
 * The backward pass recycles the arrays of interior gradients (src/tensor/pool.ts). These tests
 * check that it recycles them and never an array someone can still see: a leaf's .grad, a
 * gradient returned by grad(), a gradient passed through unchanged to a kept tensor, the seed.
 * A leaf's .grad goes back to the pool when it is replaced only if nothing ever read it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { grad } from '../../src/tensor/index.js';
import { allocate, clearPool, pooledByteCount, poolStatistics, recycle } from '../../src/tensor/pool.js';
import * as nn from '../../src/nn/index.js';
import { createOptimizer } from '../../src/optim/index.js';
import { clipGradNorm } from '../../src/optim/clip.js';
import { crossEntropy } from '../../src/nn/loss.js';
import { Generator } from '../../src/tensor/random.js';

const N = 20000; // above the pool's minimum size

function ramp(n: number, scale = 1): Tensor {
  return new Tensor(Float32Array.from({ length: n }, (_, i) => ((i % 97) - 48) * scale), [n]);
}

/** Allocates and scribbles on every pooled array of n floats, as the next forward pass would. */
function scribble(n: number): void {
  const taken: Float32Array[] = [];
  for (;;) {
    const before = pooledByteCount();
    const a = allocate('float32', n) as Float32Array;
    assert.ok(a.every((v) => v === 0), 'a pooled array comes back zero-filled');
    taken.push(a);
    a.fill(12345);
    if (pooledByteCount() === before) break;
  }
}

describe('gradient recycling', () => {
  test('interior gradients go back to the pool and come out zeroed', () => {
    clearPool();
    const x = ramp(N).requiresGrad_();
    const loss = x.mul(3).relu().mul(ramp(N, 0.5)).sum();
    loss.backward();
    assert.ok(pooledByteCount() >= N * 4, `expected recycled arrays, pool holds ${pooledByteCount()} bytes`);
    scribble(N);
  });

  test('leaf gradients, gradients passed through unchanged, and seeds survive recycling', () => {
    clearPool();
    const a = ramp(N).requiresGrad_();
    const b = ramp(N, 2).requiresGrad_();
    // add passes its gradient unchanged to both a (a leaf) and the product's other branch.
    const h = a.mul(b);
    const loss = h.add(a).relu().mul(ramp(N, 0.25)).sum();
    loss.backward();
    const wantA = Float32Array.from(a.grad!.data);
    const wantB = Float32Array.from(b.grad!.data);
    scribble(N);
    assert.deepEqual(a.grad!.data, wantA);
    assert.deepEqual(b.grad!.data, wantB);

    // Here the leaf's gradient is the very array add passed on, also held by the product's node.
    const d = ramp(N).requiresGrad_();
    const e = ramp(N, 3).requiresGrad_();
    const r = ramp(N, 0.25);
    d.add(e.mul(2)).relu().mul(r).sum().backward();
    // d(sum(relu(d + 2e) r))/dd = r where d + 2e > 0, else 0 (and twice that for e).
    const wantD = r.data.map((ri, i) => (d.data[i] + 2 * e.data[i] > 0 ? ri : 0));
    assert.deepEqual(d.grad!.data, wantD);
    assert.deepEqual(e.grad!.data, wantD.map((v) => 2 * v));
    scribble(N);
    assert.deepEqual(d.grad!.data, wantD);

    const seed = ramp(N, 0.1);
    const seedCopy = Float32Array.from(seed.data);
    const c = ramp(N).requiresGrad_();
    c.mul(2).add(1).backward(seed);
    scribble(N);
    assert.deepEqual(seed.data, seedCopy);
  });

  test('grad() keeps the gradients of the tensors asked for, interior ones included', () => {
    clearPool();
    const x = ramp(N).requiresGrad_();
    const h = x.mul(2).relu();
    const out = h.mul(ramp(N, 0.5)).add(h).sum();
    const [gh, gx] = grad(out, [h, x]);
    const wantH = Float32Array.from(gh.data);
    const wantX = Float32Array.from(gx.data);
    scribble(N);
    assert.deepEqual(gh.data, wantH);
    assert.deepEqual(gx.data, wantX);
  });

  test('createGraph passes recycle nothing (their gradients are graph nodes)', () => {
    clearPool();
    const x = ramp(N).requiresGrad_();
    const [g] = grad(x.square().mul(ramp(N)).sum(), [x], { createGraph: true });
    assert.equal(pooledByteCount(), 0);
    const [h] = grad(g.sum(), [x]);
    assert.equal(h.data[5], 2 * ramp(N).data[5]);
  });
});

describe('leaf gradients nobody read', () => {
  const loss = (x: Tensor): Tensor => x.mul(ramp(N, 0.5)).sum();

  test('an unread .grad goes back to the pool when cleared; one that was read keeps its values', () => {
    clearPool();
    const x = ramp(N).requiresGrad_();
    loss(x).backward();
    let before = pooledByteCount();
    x.zeroGrad();
    assert.equal(pooledByteCount(), before + N * 4, 'the unread gradient was recycled');

    loss(x).backward();
    const seen = x.grad!;
    const want = Float32Array.from(seen.data);
    before = pooledByteCount();
    x.zeroGrad();
    assert.equal(pooledByteCount(), before, 'a gradient the caller read is left to the garbage collector');
    scribble(N);
    assert.deepEqual(seen.data, want);
  });

  test('a gradient the caller assigned is never recycled', () => {
    clearPool();
    const x = ramp(N).requiresGrad_();
    const mine = ramp(N, 2);
    const want = Float32Array.from(mine.data);
    x.grad = mine;
    x.grad = null;
    loss(x).backward();
    x.grad = mine;
    scribble(N);
    assert.deepEqual(mine.data, want);
  });

  test('accumulating into .grad recycles the added array, never one another leaf took', () => {
    clearPool();
    const a = ramp(N).requiresGrad_();
    const b = ramp(N, 3).requiresGrad_();
    const r = ramp(N, 0.25);
    a.mul(r).sum().backward(); // a.grad = r
    // add passes the same gradient array to a (which accumulates) and to b (which takes it).
    a.add(b).mul(r).sum().backward();
    scribble(N);
    assert.deepEqual(a.grad!.data, r.data.map((v) => 2 * v));
    assert.deepEqual(b.grad!.data, r.data);
  });

  test('a training loop allocates no new gradient arrays after its first steps, with the same numbers as one that reads every gradient', () => {
    const run = (readGrads: boolean): { params: Float32Array[]; freshPerStep: number[] } => {
      clearPool();
      const generator = new Generator(3);
      const model = new nn.Sequential(new nn.Linear(160, 128, { generator }), new nn.ReLU(), new nn.Linear(128, 130, { generator }), new nn.ReLU(), new nn.Linear(130, 10, { generator }));
      const optimizer = createOptimizer('adam', model.parameters(), { lr: 1e-2 });
      const x = new Tensor(Float32Array.from({ length: 64 * 160 }, (_, i) => Math.sin(i)), [64, 160]);
      const y = new Tensor(Int32Array.from({ length: 64 }, (_, i) => i % 10), [64]);
      const freshPerStep: number[] = [];
      for (let step = 0; step < 6; step++) {
        const before = poolStatistics().fresh;
        optimizer.zeroGrad();
        crossEntropy(model.forward(x), y).backward();
        if (readGrads) for (const p of model.parameters()) assert.ok(p.grad);
        clipGradNorm(model.parameters(), 1);
        optimizer.step();
        freshPerStep.push(poolStatistics().fresh - before);
      }
      return { params: model.parameters().map((p) => Float32Array.from(p.data as Float32Array)), freshPerStep };
    };
    const read = run(true);
    const unread = run(false);
    assert.deepEqual(unread.params, read.params);
    assert.deepEqual(unread.freshPerStep.slice(2), [0, 0, 0, 0], `new arrays per step: ${unread.freshPerStep}`);
    assert.ok(read.freshPerStep.slice(2).every((n) => n >= 2), `the read gradients (two of pooled size) are new each step: ${read.freshPerStep}`);
  });
});

describe('outputs written in full take pooled arrays as they are', () => {
  test('a product in a pooled array full of NaN: every element overwritten, the numbers of a fresh one', () => {
    const a = new Tensor(Float32Array.from({ length: 160 * 7 }, (_, i) => (i % 13) - 6), [160, 7]);
    const b = new Tensor(Float32Array.from({ length: 7 * 150 }, (_, i) => (i % 5) - 2), [7, 150]);
    clearPool();
    const want = Array.from(a.matmul(b).data);
    const empty = new Tensor(new Float32Array(160 * 150), [160, 150]).requiresGrad_();
    // A backward pass through a product leaves interior gradients of 160 x 150 in the pool; fill them with NaN.
    empty.mul(2).mul(3).sum().backward();
    assert.ok(pooledByteCount() >= 160 * 150 * 4, 'the backward pass recycled arrays of the product\'s size');
    const poisoned: Float32Array[] = [];
    for (;;) {
      const before = pooledByteCount();
      const p = allocate('float32', 160 * 150) as Float32Array;
      if (pooledByteCount() === before) break; // a fresh array: the pool has no more of this size
      poisoned.push(p.fill(NaN));
    }
    assert.ok(poisoned.length > 0);
    for (const p of poisoned) recycle(p);
    assert.deepEqual(Array.from(a.matmul(b).data), want);
    assert.deepEqual(Array.from(a.reshape(1, 160, 7).matmul(b.reshape(1, 7, 150)).data), want, 'batched');
  });
});
