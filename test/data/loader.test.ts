/**
 * The DataLoader (batches, per-epoch seeded shuffles, drop-last, resuming, transforms and the
 * augmentation hook), splits (random and stratified) and transforms.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { Generator } from '../../src/tensor/random.js';
import {
  DataLoader, classCounts, deriveSeed, randomSplit, stratifiedSplit, subset, takeRows, tensorDataset, transforms,
  type Batch, type TensorDataset,
} from '../../src/data/index.js';

const { compose, flatten, meanStd, normalize, oneHot } = transforms;

/** x[i] = [i, 10 i] so every row says which example it is; y[i] = i % 3. */
function indexed(n: number): TensorDataset {
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = i;
    x[2 * i + 1] = 10 * i;
    y[i] = i % 3;
  }
  return { x: new Tensor(x, [n, 2]), y: new Tensor(y, [n]) };
}

const ids = (batches: Batch[]): number[][] => batches.map((b) => Array.from({ length: b.x.shape[0] }, (_, i) => b.x.data[2 * i]));

describe('DataLoader', () => {
  test('batches in order without shuffling; length counts the last partial batch', () => {
    const loader = new DataLoader(indexed(10), { batchSize: 4 });
    assert.equal(loader.length, 3);
    const batches = [...loader];
    assert.deepEqual(ids(batches), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    assert.deepEqual(batches[0].x.shape, [4, 2]);
    assert.deepEqual(batches[2].y.shape, [2]);
    assert.deepEqual(Array.from(batches[1].y.data), [1, 2, 0, 1]);
    assert.deepEqual(Array.from(batches[1].x.data.subarray(0, 2)), [4, 40]);
  });

  test('dropLast drops the partial batch', () => {
    const loader = new DataLoader(indexed(10), { batchSize: 4, dropLast: true, shuffle: true, seed: 3 });
    assert.equal(loader.length, 2);
    const batches = [...loader];
    assert.equal(batches.length, 2);
    assert.ok(batches.every((b) => b.x.shape[0] === 4));
    assert.equal(new DataLoader(indexed(8), { batchSize: 4, dropLast: true }).length, 2);
    assert.equal(new DataLoader(indexed(3), { batchSize: 4, dropLast: true }).length, 0);
    assert.equal(new DataLoader(indexed(3), { batchSize: 4 }).length, 1);
  });

  test('every example exactly once per epoch, and epochs differ', () => {
    const loader = new DataLoader(indexed(103), { batchSize: 10, shuffle: true, seed: 42 });
    const epochs: number[][] = [];
    for (let e = 0; e < 3; e++) {
      const seen = ids([...loader]).flat();
      assert.equal(seen.length, 103);
      assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 103 }, (_, i) => i));
      epochs.push(seen);
    }
    assert.equal(loader.epoch, 3);
    assert.notDeepEqual(epochs[0], epochs[1]);
    assert.notDeepEqual(epochs[1], epochs[2]);
    assert.notDeepEqual(epochs[0], Array.from({ length: 103 }, (_, i) => i));
  });

  test('the same seed gives the same batches; different seeds differ', () => {
    const run = (seed: number) => {
      const loader = new DataLoader(indexed(50), { batchSize: 8, shuffle: true, seed });
      return [ids([...loader]), ids([...loader])];
    };
    assert.deepEqual(run(7), run(7));
    assert.notDeepEqual(run(7)[0], run(8)[0]);
    assert.notDeepEqual(run(7)[1], run(8)[1]);
  });

  test('resuming at epoch k reproduces epoch k (setEpoch, the epoch option, iterate(k))', () => {
    const a = new DataLoader(indexed(40), { batchSize: 6, shuffle: true, seed: 5 });
    const history = [0, 1, 2, 3].map(() => ids([...a]));
    const b = new DataLoader(indexed(40), { batchSize: 6, shuffle: true, seed: 5, epoch: 2 });
    assert.deepEqual(ids([...b]), history[2]);
    assert.deepEqual(ids([...b]), history[3]);
    b.setEpoch(1);
    assert.deepEqual(ids([...b]), history[1]);
    assert.deepEqual(ids([...a.iterate(0)]), history[0]);
    assert.equal(a.epoch, 4, 'iterate(k) leaves the epoch counter alone');
    assert.deepEqual(Array.from(a.order(3)), history[3].flat());
  });

  test('an interrupted epoch still advances the counter', () => {
    const loader = new DataLoader(indexed(20), { batchSize: 5, shuffle: true, seed: 1 });
    for (const _ of loader) break;
    assert.equal(loader.epoch, 1);
    assert.deepEqual(ids([...loader]), ids([...loader.iterate(1)]));
  });

  test('transform runs on every batch; augment gets a reproducible generator and runs only in training', () => {
    const calls: number[] = [];
    const augment = (batch: Batch, g: Generator): Batch => {
      const r = g.random();
      calls.push(r);
      return { x: batch.x.add(r), y: batch.y };
    };
    const make = () => new DataLoader(indexed(12), { batchSize: 4, seed: 9, augment, transform: flatten() });
    const first = make();
    const e0 = [...first].map((b) => Array.from(b.x.data));
    const e1 = [...first].map((b) => Array.from(b.x.data));
    const draws = calls.splice(0);
    assert.equal(draws.length, 6);
    assert.equal(new Set(draws).size, 6, 'a fresh stream per (epoch, batch)');
    assert.notDeepEqual(e0, e1);
    const again = make();
    assert.deepEqual([...again].map((b) => Array.from(b.x.data)), e0);
    assert.deepEqual(calls.splice(0), draws.slice(0, 3));
    again.eval();
    const plain = [...again.iterate(0)];
    assert.equal(calls.length, 0, 'no augmentation in eval mode');
    assert.deepEqual(Array.from(plain[0].x.data), [0, 0, 1, 10, 2, 20, 3, 30]);
    again.train();
    [...again.iterate(0)];
    assert.equal(calls.length, 3);
  });

  test('invalid options and datasets are refused', () => {
    assert.throws(() => new DataLoader(indexed(4), { batchSize: 0 }), /batchSize must be a positive integer/);
    assert.throws(() => new DataLoader(indexed(4), { batchSize: 1.5 }), /batchSize/);
    assert.throws(() => new DataLoader({ x: indexed(4).x, y: indexed(5).y }), /x has 4 examples .* but y has 5/);
    assert.throws(() => tensorDataset(indexed(3).x, indexed(2).y), /first axes must match/);
  });

  test('an epoch at the 20k x 784 scale yields every example once (speed is measured in bench/)', () => {
    const n = 20000;
    const ds = { x: new Tensor(new Float32Array(n * 784), [n, 1, 28, 28]), y: new Tensor(new Float32Array(n), [n]) };
    const loader = new DataLoader(ds, { batchSize: 128, shuffle: true });
    let count = 0;
    for (const b of loader) count += b.x.shape[0];
    assert.equal(count, n);
  });
});

describe('splits', () => {
  test('randomSplit: counts or fractions, disjoint, covering, seeded, original order kept', () => {
    const ds = indexed(100);
    const [a, b] = randomSplit(ds, [80, 20], 1);
    assert.equal(a.x.shape[0], 80);
    assert.equal(b.y.shape[0], 20);
    const all = [...a.indices, ...b.indices].sort((p, q) => p - q);
    assert.deepEqual(all, Array.from({ length: 100 }, (_, i) => i));
    assert.deepEqual(Array.from(a.indices), [...a.indices].sort((p, q) => p - q));
    for (let k = 0; k < 80; k++) assert.equal(a.x.data[2 * k], a.indices[k]);
    const [c] = randomSplit(ds, [0.8, 0.2], 1);
    assert.deepEqual(c.indices, a.indices);
    assert.deepEqual(randomSplit(ds, [0.8, 0.2], new Generator(1))[0].indices, a.indices);
    assert.notDeepEqual(randomSplit(ds, [80, 20], 2)[0].indices, a.indices);
    const parts = randomSplit(indexed(10), [1 / 3, 1 / 3, 1 / 3], 0);
    assert.deepEqual(parts.map((p) => p.x.shape[0]).sort(), [3, 3, 4]);
    assert.throws(() => randomSplit(ds, [50, 40]), /sizes \[50,40\] must be integer counts summing to the dataset's 100/);
  });

  test('stratified: each part keeps the class proportions', () => {
    // unbalanced classes: 60 / 30 / 10
    const n = 100;
    const y = new Float32Array(n).map((_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2));
    const ds = { x: new Tensor(Float32Array.from({ length: n }, (_, i) => i), [n, 1]), y: new Tensor(y, [n]) };
    const [train, val] = randomSplit(ds, [0.8, 0.2], 4, { stratify: true });
    assert.deepEqual(classCounts(train.y, 3), [48, 24, 8]);
    assert.deepEqual(classCounts(val.y, 3), [12, 6, 2]);
    const [p, q, r] = stratifiedSplit(ds, [50, 30, 20], 4);
    assert.deepEqual([p, q, r].map((s) => s.x.shape[0]), [50, 30, 20]);
    for (const [part, frac] of [[p, 0.5], [q, 0.3], [r, 0.2]] as const) {
      classCounts(part.y, 3).forEach((c, k) => assert.ok(Math.abs(c - frac * [60, 30, 10][k]) <= 1, `class ${k}: ${c}`));
    }
    assert.deepEqual([...p.indices, ...q.indices, ...r.indices].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
    assert.notDeepEqual(stratifiedSplit(ds, [50, 50], 1)[0].indices, stratifiedSplit(ds, [50, 50], 2)[0].indices);
    assert.throws(() => randomSplit({ x: ds.x, y: ds.y.reshape([n, 1]) }, [50, 50], 0, { stratify: true }), /stratify: true needs class indices y of shape \[N\]/);
  });

  test('takeRows and subset copy the chosen rows', () => {
    const ds = indexed(6);
    const s = subset(ds, [5, 0, 5]);
    assert.deepEqual(Array.from(s.x.data), [5, 50, 0, 0, 5, 50]);
    assert.deepEqual(Array.from(s.y.data), [2, 0, 2]);
    assert.throws(() => takeRows(ds.x, [6]), /index 6 at position 0 is out of range for 6 rows/);
  });
});

describe('transforms', () => {
  const x = new Tensor(Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => i), [2, 2, 3]);
  const y = new Tensor(Float32Array.from([2, 0]), [2]);

  test('normalize: scalar and per channel (axis 1)', () => {
    const a = normalize(1, 2)({ x, y });
    assert.deepEqual(Array.from(a.x.data.subarray(0, 3)), [-0.5, 0, 0.5]);
    const b = normalize([1, 4], [1, 2])({ x, y });
    assert.deepEqual(Array.from(b.x.data), [-1, 0, 1, -0.5, 0, 0.5, 5, 6, 7, 2.5, 3, 3.5]);
    assert.throws(() => normalize([0, 0, 0], [1, 1, 1])({ x, y }), /3 per-channel values but x has shape \[2,2,3\]/);
    assert.throws(() => normalize(0, 0), /std must be positive/);
  });

  test('meanStd feeds normalize: the result has mean 0 and std 1', () => {
    const { mean, std } = meanStd(x, { perChannel: true });
    assert.deepEqual(mean, [4, 7]);
    const out = normalize(mean, std)({ x, y }).x;
    const again = meanStd(out, { perChannel: true });
    again.mean.forEach((m) => assert.ok(Math.abs(m) < 1e-6));
    again.std.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-6));
    const all = meanStd(x);
    assert.equal(all.mean[0], 5.5);
  });

  test('oneHot, with label smoothing', () => {
    assert.deepEqual(oneHot(3)({ x, y }).y.toArray(), [[0, 0, 1], [1, 0, 0]]);
    const s = oneHot(4, { smoothing: 0.2 })({ x, y }).y;
    assert.ok(Math.abs(s.data[2] - 0.85) < 1e-6 && Math.abs(s.data[0] - 0.05) < 1e-6);
    assert.throws(() => oneHot(2)({ x, y }), /label 2 at 0 is not a class index below 2/);
  });

  test('flatten and compose', () => {
    const out = compose(normalize(0, 1), flatten(), oneHot(3))({ x, y });
    assert.deepEqual(out.x.shape, [2, 6]);
    assert.deepEqual(out.y.shape, [2, 3]);
  });

  test('deriveSeed separates epochs and streams deterministically', () => {
    assert.equal(deriveSeed(1, 2, 0), deriveSeed(1, 2, 0));
    const seeds = new Set<number>();
    for (let s = 0; s < 4; s++) for (let e = 0; e < 50; e++) for (const k of [0, 1]) seeds.add(deriveSeed(s, e, k));
    assert.equal(seeds.size, 400);
    for (const v of seeds) assert.ok(Number.isSafeInteger(v) && v >= 0);
  });
});
