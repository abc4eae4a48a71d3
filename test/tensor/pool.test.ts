/**
 * The backward pass recycles the arrays of interior gradients (src/tensor/pool.ts). These tests
 * check that it recycles them and never an array someone can still see: a leaf's .grad, a
 * gradient returned by grad(), a gradient passed through unchanged to a kept tensor, the seed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { grad } from '../../src/tensor/index.js';
import { allocate, clearPool, pooledByteCount } from '../../src/tensor/pool.js';

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
