/** Creating tensors, reading them back, and dtype rules. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import {
  arange, concat, eye, full, linspace, matmul, ones, onesLike, tensor, where, zeros, zerosLike,
} from '../../src/tensor/index.js';

const list = (t: Tensor): number[] => [...t.data];

describe('tensor()', () => {
  test('from nested arrays: shape, row-major order, float32 by default', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual([...t.shape], [2, 3]);
    assert.equal(t.dtype, 'float32');
    assert.ok(t.data instanceof Float32Array);
    assert.deepEqual(list(t), [1, 2, 3, 4, 5, 6]);
    assert.equal(t.ndim, 2);
    assert.equal(t.numel(), 6);
    const t3 = tensor([[[1], [2]], [[3], [4]]], { dtype: 'float64' });
    assert.deepEqual([...t3.shape], [2, 2, 1]);
    assert.ok(t3.data instanceof Float64Array);
  });

  test('float32 rounds, float64 keeps every digit', () => {
    assert.equal(tensor([0.1]).data[0], Math.fround(0.1));
    assert.notEqual(tensor([0.1]).data[0], 0.1);
    assert.equal(tensor([0.1], { dtype: 'float64' }).data[0], 0.1);
  });

  test('from a number: a 0-d tensor', () => {
    const t = tensor(3.5);
    assert.deepEqual([...t.shape], []);
    assert.equal(t.item(), 3.5);
    assert.equal(t.toArray(), 3.5);
  });

  test('from typed arrays and array-likes, with or without a shape', () => {
    const flat = tensor(new Float64Array([1, 2, 3, 4, 5, 6]));
    assert.deepEqual([...flat.shape], [6]);
    assert.equal(flat.dtype, 'float32'); // dtype comes from the options, not the source
    const shaped = tensor(new Int32Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2], dtype: 'float64' });
    assert.deepEqual(shaped.toArray(), [[1, 2], [3, 4], [5, 6]]);
    const src = new Float32Array([7, 8]);
    const copy = tensor(src);
    src[0] = 0;
    assert.equal(copy.data[0], 7); // copied, not shared
    assert.deepEqual(list(tensor({ length: 2, 0: 4, 1: 5 } as ArrayLike<number>)), [4, 5]);
    assert.deepEqual(tensor([1, 2, 3, 4], { shape: [2, 2] }).toArray(), [[1, 2], [3, 4]]);
  });

  test('empty arrays', () => {
    assert.deepEqual([...tensor([]).shape], [0]);
    assert.deepEqual([...tensor([[], []]).shape], [2, 0]);
    assert.deepEqual(tensor([[], []]).toArray(), [[], []]);
  });

  test('requiresGrad option', () => {
    assert.equal(tensor([1], { requiresGrad: true }).requiresGrad, true);
    assert.equal(tensor([1]).requiresGrad, false);
  });

  test('the constructor checks the element count against the shape', () => {
    assert.throws(() => new Tensor(new Float32Array(5), [2, 3]), /Tensor: 5 elements cannot have shape \[2,3\] \(which holds 6\)/);
    const t = new Tensor(new Float32Array(6), [2, 3]);
    assert.ok(Object.isFrozen(t.shape));
  });
});

describe('fills and ranges', () => {
  test('zeros, ones, full and the *Like variants', () => {
    assert.deepEqual(zeros([2, 2]).toArray(), [[0, 0], [0, 0]]);
    assert.deepEqual(ones([3]).toArray(), [1, 1, 1]);
    const f = full([2, 1], -2.5, { dtype: 'float64' });
    assert.deepEqual(f.toArray(), [[-2.5], [-2.5]]);
    assert.equal(f.dtype, 'float64');
    const z = zerosLike(f);
    assert.deepEqual([...z.shape], [2, 1]);
    assert.equal(z.dtype, 'float64');
    assert.deepEqual(list(onesLike(f, { dtype: 'float32' })), [1, 1]);
    assert.equal(onesLike(f, { dtype: 'float32' }).dtype, 'float32');
    assert.deepEqual(zeros([]).toArray(), 0);
    assert.equal(zeros([0, 3]).numel(), 0);
  });

  test('arange: one, two and three arguments, negative and fractional steps', () => {
    assert.deepEqual(list(arange(5)), [0, 1, 2, 3, 4]);
    assert.deepEqual(list(arange(2, 6)), [2, 3, 4, 5]);
    assert.deepEqual(list(arange(1, 10, 3)), [1, 4, 7]);
    assert.deepEqual(list(arange(5, 0, -2)), [5, 3, 1]);
    assert.deepEqual(list(arange(0, 0.3, 0.1, { dtype: 'float64' })), [0, 0.1, 0.2]);
    assert.deepEqual(list(arange(3, 3)), []);
    assert.deepEqual(list(arange(3, 1)), []);
    assert.throws(() => arange(0, 1, 0), /arange: step must be a finite non-zero number, got 0/);
  });

  test('linspace includes both ends', () => {
    assert.deepEqual(list(linspace(0, 1, 5)), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(list(linspace(2, -2, 3)), [2, 0, -2]);
    assert.deepEqual(list(linspace(7, 9, 1)), [7]);
    assert.deepEqual(list(linspace(0, 1, 0)), []);
    assert.equal(linspace(0, 1, 11, { dtype: 'float64' }).data[10], 1);
    assert.throws(() => linspace(0, 1, 2.5), /linspace: count must be a non-negative integer, got 2.5/);
  });

  test('eye: square and rectangular', () => {
    assert.deepEqual(eye(3).toArray(), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    assert.deepEqual(eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
    assert.deepEqual(eye(3, 2).toArray(), [[1, 0], [0, 1], [0, 0]]);
    assert.equal(eye(2, 2, { dtype: 'float64' }).dtype, 'float64');
  });
});

describe('reading values back', () => {
  test('toArray nests by shape', () => {
    assert.deepEqual(arange(6).reshape(2, 3).toArray(), [[0, 1, 2], [3, 4, 5]]);
    assert.deepEqual(arange(6).reshape(3, 1, 2).toArray(), [[[0, 1]], [[2, 3]], [[4, 5]]]);
    assert.deepEqual(arange(3).toArray(), [0, 1, 2]);
  });

  test('item reads a one-element tensor of any rank', () => {
    assert.equal(tensor([[4.5]]).item(), 4.5);
    assert.equal(tensor([7]).item(), 7);
  });

  // toString prints like PyTorch now (issue 19): test/tensor/print.test.ts checks it against torch.
});

describe('dtypes', () => {
  test('float32 with float64 promotes to float64 in binary ops, matmul, concat and where', () => {
    const a = tensor([1, 2]);
    const b = tensor([0.1, 0.2], { dtype: 'float64' });
    for (const t of [a.add(b), b.add(a), a.mul(b), a.sub(b), a.div(b), a.pow(b), a.maximum(b)]) assert.equal(t.dtype, 'float64');
    assert.equal(a.add(b).data[0], 1.1); // b's digits survive
    assert.equal(matmul(a, b).dtype, 'float64');
    assert.equal(concat([a, b]).dtype, 'float64');
    assert.equal(where(tensor([1, 0]), a, b).dtype, 'float64');
    assert.equal(a.add(a).dtype, 'float32');
    assert.equal(a.add(0.1).dtype, 'float32'); // a number takes the tensor's dtype
  });

  test('to / float / double convert; to the same dtype returns the tensor itself', () => {
    const a = tensor([0.1, 2]);
    assert.equal(a.to('float32'), a);
    const d = a.double();
    assert.equal(d.dtype, 'float64');
    assert.equal(d.data[0], Math.fround(0.1));
    assert.equal(d.float().dtype, 'float32');
  });

  test('comparisons give bool 0/1', () => {
    const t = tensor([1, 2, 3], { dtype: 'float64' });
    const c = t.gt(1.5);
    assert.equal(c.dtype, 'bool');
    assert.deepEqual(list(c), [0, 1, 1]);
    assert.deepEqual(list(t.eq(tensor([1, 0, 3]))), [1, 0, 1]);
    assert.deepEqual(list(t.le(2)), [1, 1, 0]);
    assert.deepEqual(list(t.ne(2)), [1, 0, 1]);
    assert.deepEqual(list(t.lt(2)), [1, 0, 0]);
    assert.deepEqual(list(t.ge(2)), [0, 1, 1]);
  });
});
