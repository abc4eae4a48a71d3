// int32 labels through the data pipeline: batches keep their dtype and rows, splits stratify by
// them, oneHot turns them into float32 rows, and a training step's loss matches float labels.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../src/tensor/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { DataLoader, classCounts, stratifiedSplit, tensorDataset, transforms } from '../../src/data/index.js';
import { crossEntropy } from '../../src/nn/index.js';

function dataset(n: number) {
  const x = Float32Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? i / 2 : -i));
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  return tensorDataset(new Tensor(x, [n, 2]), new Tensor(y, [n]));
}

describe('int32 labels', () => {
  test('the DataLoader keeps int32 labels, shuffled with their rows', () => {
    const batches = [...new DataLoader(dataset(10), { batchSize: 4, shuffle: true, seed: 5 })];
    assert.equal(batches.length, 3);
    for (const b of batches) {
      assert.equal(b.y.dtype, 'int32');
      for (let i = 0; i < b.y.numel(); i++) assert.equal(b.y.data[i], b.x.data[2 * i] % 3);
    }
    assert.deepEqual(batches.flatMap((b) => Array.from(b.x.data.filter((_, i) => i % 2 === 0))).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('stratified splits and classCounts read int32 labels', () => {
    const [a, b] = stratifiedSplit(dataset(30), [0.5, 0.5], 1);
    assert.deepEqual(classCounts(a.y), [5, 5, 5]);
    assert.deepEqual(classCounts(b.y), [5, 5, 5]);
    assert.equal(a.y.dtype, 'int32');
  });

  test('oneHot of int32 labels gives float32 rows (smoothing is fractional)', () => {
    const out = transforms.oneHot(3, { smoothing: 0.3 })({ x: tensor([[0]]), y: tensor([2, 0], { dtype: 'int32' }) });
    assert.equal(out.y.dtype, 'float32');
    assert.deepEqual(Array.from(out.y.data), [0.1, 0.1, 0.8, 0.8, 0.1, 0.1].map(Math.fround));
  });

  test('a batch with int32 labels gives the loss of the same labels as floats', () => {
    const [batch] = new DataLoader(dataset(6), { batchSize: 6 });
    const logits = batch.x.matmul(tensor([[0.1, -0.2, 0.3], [0.05, 0.01, -0.02]]));
    assert.equal(crossEntropy(logits, batch.y).item(), crossEntropy(logits, batch.y.float()).item());
  });
});
