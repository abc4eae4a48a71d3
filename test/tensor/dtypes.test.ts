// int32, uint8 and bool tensors: creation, casts, PyTorch's promotion table, integer arithmetic,
// comparisons and masks, integer indices, and the errors of float-only ops and of gradients.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  arange, argsort, floorDivide, full, gather, isfinite, logicalAnd, logicalNot, logicalOr, logicalXor, maskedSelect, matmul, ones, randint, scatter, sort,
  take, tensor, topk, uniform, where, zeros, grad, type DType,
} from '../../src/tensor/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { crossEntropy, nllLoss } from '../../src/nn/index.js';

const fixture = JSON.parse(fs.readFileSync(fileURLToPath(new URL('../fixtures/tensor/dtypes.json', import.meta.url)), 'utf8')) as {
  promotion: { op: string; a: DType; b: DType; result: string }[];
  scalars: { op: string; a: DType; scalar: number; result: string }[];
  values: Record<string, (number | string)[] | number | string>;
};
/** descent has no int64: where PyTorch gives int64, descent gives int32. */
const descentDType = (torchName: string): string => (torchName === 'int64' ? 'int32' : torchName);
const list = (t: Tensor): number[] => Array.from(t.data);
const sample = (dtype: DType): Tensor => tensor([1, 0, 1], { dtype });
const apply = (op: string, a: Tensor, b: Tensor | number): Tensor =>
  op === 'add' ? a.add(b) : op === 'mul' ? a.mul(b) : op === 'div' ? a.div(b) : a.eq(b);

describe('dtypes: creation and casts', () => {
  test('each dtype has its typed array, and data are stored as a cast stores them', () => {
    assert.ok(tensor([1.9, -1.9], { dtype: 'int32' }).data instanceof Int32Array);
    assert.deepEqual(list(tensor([1.9, -1.9], { dtype: 'int32' })), [1, -1]);
    assert.ok(tensor([1, 300], { dtype: 'uint8' }).data instanceof Uint8Array);
    assert.deepEqual(list(tensor([1, 300], { dtype: 'uint8' })), [1, 44]);
    const b = tensor([0, 0.5, -2, NaN], { dtype: 'bool' });
    assert.equal(b.dtype, 'bool');
    assert.deepEqual(list(b), [0, 1, 1, 1]);
    assert.equal(tensor([[true, false]]).dtype, 'bool');
    assert.deepEqual(tensor([[true, false]]).toArray(), [[1, 0]]);
    assert.equal(tensor(true).item(), 1);
    assert.equal(tensor([true], { dtype: 'float32' }).dtype, 'float32');
  });

  test('zeros, ones, full and arange take integer dtypes', () => {
    assert.equal(zeros([2], { dtype: 'int32' }).dtype, 'int32');
    assert.deepEqual(list(ones([2], { dtype: 'bool' })), [1, 1]);
    assert.deepEqual(list(full([2], 3, { dtype: 'bool' })), [1, 1]);
    assert.deepEqual(list(full([2], -7.5, { dtype: 'int32' })), [-7, -7]);
    const r = arange(0, 5, 2, { dtype: 'int32' });
    assert.equal(r.dtype, 'int32');
    assert.deepEqual(list(r), [0, 2, 4]);
    assert.throws(() => arange(0, 1, 0.5, { dtype: 'int32' }), /arange: a int32 range needs an integer start and step, got start=0, step=0.5/);
    assert.deepEqual(list(randint(0, 3, [4], { dtype: 'int32', generator: undefined })).every((v) => v >= 0 && v < 3), true);
    assert.throws(() => uniform([2], 0, 1, { dtype: 'int32' }), /uniform: needs a floating dtype \(float32 or float64\), got int32/);
  });

  test('casts truncate toward zero to int32 and keep non-zero (NaN too) as 1 in bool, as PyTorch', () => {
    const v = fixture.values;
    const f = tensor(v.f as number[]);
    assert.deepEqual(list(f.to('int32')), v.fToInt32);
    assert.deepEqual(list(f.int()), v.fToInt32);
    const withNan = tensor((v.fNan as (number | string)[]).map(Number));
    assert.deepEqual(list(withNan.bool()), v.fToBool);
    assert.equal(tensor([1, 2], { dtype: 'int32' }).float().dtype, 'float32');
    assert.equal(tensor([1, 2], { dtype: 'bool' }).double().dtype, 'float64');
    assert.equal(tensor([1, 2]).isFloatingPoint(), true);
    assert.equal(tensor([1, 2]).int().isFloatingPoint(), false);
  });

  test('only floating tensors can require gradients; casts to integers carry none', () => {
    assert.throws(() => tensor([1], { dtype: 'int32', requiresGrad: true }), /tensor: requiresGrad needs a floating dtype \(float32 or float64\), got int32/);
    assert.throws(() => { tensor([1], { dtype: 'bool' }).requiresGrad = true; }, /requiresGrad: only floating tensors \(float32, float64\) can require gradients, this one is bool/);
    assert.throws(() => zeros([2], { dtype: 'uint8' }).requiresGrad_(), /this one is uint8/);
    const x = tensor([1.5, -2.5], { requiresGrad: true });
    const i = x.int();
    assert.equal(i.requiresGrad, false);
    assert.equal(x.gt(0).requiresGrad, false);
    // an int tensor in a float computation: the float side still gets its gradient
    const [g] = grad(x.mul(tensor([2, 3], { dtype: 'int32' })).sum(), [x]);
    assert.deepEqual(list(g), [2, 3]);
  });

  test("unknown dtypes are named, and 'int64' points to int32", () => {
    assert.throws(() => tensor([1], { dtype: 'int64' as DType }), /tensor: unknown dtype "int64" \(descent's integer dtype is 'int32'\); expected one of 'float32', 'float64', 'int32', 'uint8', 'bool'/);
    assert.throws(() => ones([1]).to('long' as DType), /to: unknown dtype "long"/);
  });
});

describe('dtypes: promotion (PyTorch fixture)', () => {
  test('tensor op tensor gives PyTorch\'s dtype for every pair of dtypes', () => {
    assert.equal(fixture.promotion.length, 100);
    for (const p of fixture.promotion) {
      if (p.op === 'add' || p.op === 'mul' || p.op === 'div' || p.op === 'eq') {
        const out = apply(p.op, sample(p.a), sample(p.b));
        assert.equal(out.dtype, descentDType(p.result), `${p.a} ${p.op} ${p.b}`);
      }
    }
  });

  test('tensor op number gives PyTorch\'s dtype (a fractional number makes integers float32)', () => {
    assert.equal(fixture.scalars.length, 60);
    for (const s of fixture.scalars) assert.equal(apply(s.op, sample(s.a), s.scalar).dtype, descentDType(s.result), `${s.a} ${s.op} ${s.scalar}`);
  });

  test('bool add is OR and bool mul AND (as PyTorch); bool minus bool is refused', () => {
    const p = tensor([true, true, false]);
    const q = tensor([true, false, false]);
    assert.deepEqual(list(p.add(q)), [1, 1, 0]);
    assert.deepEqual(list(p.mul(q)), [1, 0, 0]);
    assert.throws(() => p.sub(q), /sub: subtracting two bool tensors is not supported \(as in PyTorch\); use logicalXor/);
    assert.deepEqual(list(p.add(1)), [2, 2, 1]);
    assert.equal(p.add(1).dtype, 'int32');
  });

  test('where, concat and stack promote like arithmetic', () => {
    const c = tensor([true, false]);
    assert.equal(where(c, 1, 0).dtype, 'float32'); // two numbers: float32 (float 0/1 conditions keep theirs)
    assert.equal(where(c, tensor([1, 2], { dtype: 'int32' }), 0).dtype, 'int32');
    assert.equal(where(c, tensor([1, 2], { dtype: 'int32' }), 0.5).dtype, 'float32');
    assert.deepEqual(list(where(c, tensor([1, 2], { dtype: 'int32' }), 0.5)), [1, 0.5]);
    assert.equal(where(tensor([1, 0], { dtype: 'float64' }), 1, 0).dtype, 'float64');
  });
});

describe('dtypes: integer arithmetic', () => {
  const v = fixture.values;
  const x = tensor(v.x as number[], { dtype: 'int32' });
  const y = tensor(v.y as number[], { dtype: 'int32' });

  test('add, sub, mul stay int32 and wrap like int32; true division gives float32', () => {
    assert.equal(x.add(y).dtype, 'int32');
    assert.deepEqual(list(x.sub(y)), [-9, -5, -3, 8, 4]);
    assert.deepEqual(list(x.mul(y)), [-14, -6, 0, -15, 21]);
    assert.deepEqual(list(tensor([2147483647], { dtype: 'int32' }).add(1)), [-2147483648]);
    const q = x.div(y);
    assert.equal(q.dtype, 'float32');
    assert.deepEqual(list(q), v.trueDivide);
  });

  test('floorDivide, remainder and fmod of int32 match PyTorch and stay int32', () => {
    assert.equal(floorDivide(x, y).dtype, 'int32');
    assert.deepEqual(list(floorDivide(x, y)), v.floorDivide);
    assert.deepEqual(list(x.remainder(y)), v.remainder);
    assert.equal(x.remainder(y).dtype, 'int32');
    assert.deepEqual(list(x.fmod(y)), v.fmod);
    assert.deepEqual(list(tensor([2147483647, -2147483648], { dtype: 'int32' }).floorDivide(2147483646)), [1, -2]);
    assert.throws(() => x.floorDivide(0), /floorDivide: integer division by zero/);
    assert.deepEqual(list(tensor([7, -7], { dtype: 'float64' }).floorDivide(2)), [3, -4]);
    assert.equal(x.remainder(2.5).dtype, 'float32');
  });

  test('sum counts in int32 (bool and uint8 too); max, min, abs, neg, clamp keep the dtype', () => {
    assert.equal(x.sum().dtype, 'int32');
    assert.equal(x.sum().item(), v.sum);
    const b = tensor([true, true, false, true]);
    assert.equal(b.sum().dtype, 'int32');
    assert.equal(b.sum().item(), 3);
    assert.equal(tensor([200, 100], { dtype: 'uint8' }).sum().item(), 300);
    assert.deepEqual(list(b.cumsum(0)), [1, 2, 2, 3]);
    assert.equal(x.max().item(), 7);
    assert.equal(x.min().dtype, 'int32');
    assert.deepEqual(list(x.abs()), [7, 3, 0, 5, 7]);
    assert.deepEqual(list(x.neg()), [7, 3, 0, -5, -7]);
    assert.deepEqual(list(x.clamp(-4, 4)), [-4, -3, 0, 4, 4]);
    assert.equal(x.clamp(-4, 4).dtype, 'int32');
  });

  test('ops that need floats name the op and the dtype', () => {
    const cases: [string, () => unknown][] = [
      ['exp', () => x.exp()], ['log', () => x.log()], ['sqrt', () => x.sqrt()], ['sigmoid', () => x.sigmoid()], ['tanh', () => x.tanh()],
      ['mean', () => x.mean()], ['var', () => x.var()], ['softmax', () => x.softmax()], ['logSoftmax', () => x.logSoftmax()],
      ['logSumExp', () => x.logSumExp()], ['norm', () => x.norm()], ['tan', () => x.tan()], ['atan2', () => x.atan2(x)],
      ['matmul', () => matmul(x.reshape(1, 5), x.reshape(5, 1))], ['leakyRelu', () => x.leakyRelu()],
    ];
    for (const [op, run] of cases) {
      assert.throws(run, (e: Error) => e instanceof TypeError && e.message.startsWith(`${op}: needs a floating`) && e.message.includes('got int32') && e.message.includes('.float()'), op);
    }
    assert.throws(() => tensor([true]).mean(), /mean: needs a floating input \(float32 or float64\), got bool/);
    assert.equal(x.float().mean().item(), 0.4000000059604645);
  });
});

describe('dtypes: comparisons, masks and logical ops give bool', () => {
  const a = tensor([1, 2, 3, NaN]);
  test('comparisons, isnan and isfinite', () => {
    for (const t of [a.eq(2), a.ne(2), a.lt(2), a.le(2), a.gt(2), a.ge(2), a.isnan(), a.isfinite(), isfinite(a)]) assert.equal(t.dtype, 'bool');
    assert.deepEqual(list(a.ge(2)), [0, 1, 1, 0]);
    assert.deepEqual(list(a.isnan()), [0, 0, 0, 1]);
    assert.deepEqual(list(tensor([1, Infinity, -Infinity, NaN]).isfinite()), [1, 0, 0, 0]);
    assert.deepEqual(list(tensor([1], { dtype: 'int32' }).isfinite()), [1]);
    // an int tensor compares with a float one in float32, as PyTorch
    assert.deepEqual(list(tensor([1, 2], { dtype: 'int32' }).lt(tensor([1.5, 1.5]))), [1, 0]);
  });

  test('logical and/or/xor/not, any and all', () => {
    const p = tensor([true, true, false, false]);
    const q = tensor([1, 0, 1, 0]);
    assert.deepEqual(list(logicalAnd(p, q)), [1, 0, 0, 0]);
    assert.deepEqual(list(logicalOr(p, q)), [1, 1, 1, 0]);
    assert.deepEqual(list(logicalXor(p, q)), [0, 1, 1, 0]);
    assert.deepEqual(list(logicalNot(p)), [0, 0, 1, 1]);
    assert.deepEqual(list(p.logicalAnd(q.reshape(4, 1)).sum(0)), [2, 2, 0, 0]);
    assert.equal(logicalOr(p, q).dtype, 'bool');
    assert.equal(p.any().dtype, 'bool');
    assert.equal(p.all().item(), 0);
    assert.equal(p.any().item(), 1);
  });

  test('where takes a bool condition (or a float 0/1 one), with gradients to the chosen side', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = where(x.gt(1.5), x, x.mul(10));
    assert.deepEqual(list(y), [10, 2, 3]);
    const [g] = grad(y.sum(), [x]);
    assert.deepEqual(list(g), [10, 1, 1]);
    assert.deepEqual(list(where(x.gt(1.5).float(), x, 0)), [0, 2, 3]);
  });

  test('maskedFill keeps the dtype; maskedSelect picks and differentiates', () => {
    const x = tensor([1, 2, 3, 4], { requiresGrad: true });
    const mask = tensor([true, false, true, false]);
    assert.deepEqual(list(x.maskedFill(mask, -1)), [-1, 2, -1, 4]);
    const i = tensor([1, 2, 3], { dtype: 'int32' });
    assert.equal(i.maskedFill(tensor([true, false, false]), 2.5).dtype, 'int32');
    assert.deepEqual(list(i.maskedFill(tensor([true, false, false]), 2.5)), [2, 2, 3]);
    const picked = maskedSelect(x, mask);
    assert.deepEqual(list(picked), [1, 3]);
    const [g] = grad(picked.mul(tensor([5, 7])).sum(), [x]);
    assert.deepEqual(list(g), [5, 0, 7, 0]);
    assert.deepEqual(list(x.reshape(2, 2).maskedSelect(tensor([true, false]))), [1, 3]);
    assert.throws(() => maskedSelect(x, tensor([1, 0, 1, 0], { dtype: 'int32' })), /maskedSelect: mask must be a bool tensor, got int32/);
  });
});

describe('dtypes: int32 indices', () => {
  const x = tensor([[10, 11, 12], [20, 21, 22]], { requiresGrad: true });
  test('gather, scatter and indexSelect take int32 indices (float indices still work)', () => {
    const idx = tensor([[2, 0], [1, 1]], { dtype: 'int32' });
    assert.deepEqual(gather(x, 1, idx).toArray(), [[12, 10], [21, 21]]);
    assert.deepEqual(gather(x, 1, idx.float()).toArray(), [[12, 10], [21, 21]]);
    assert.deepEqual(x.indexSelect(0, tensor([1], { dtype: 'int32' })).toArray(), [[20, 21, 22]]);
    assert.deepEqual(scatter(zeros([2, 3]), 1, idx, 1).toArray(), [[1, 0, 1], [0, 1, 0]]);
    const [g] = grad(gather(x, 1, idx).sum(), [x]);
    assert.deepEqual(g.toArray(), [[1, 0, 1], [0, 2, 0]]);
    assert.deepEqual(take(x, tensor([[5, -6]], { dtype: 'int32' })).toArray(), [[22, 10]]);
    assert.deepEqual(x.take([1]).toArray(), [11]);
    assert.throws(() => x.take(tensor([6], { dtype: 'int32' })), /take: index 6 at position 0 is out of range for a tensor of 6 elements/);
    assert.throws(() => gather(x, 1, tensor([[true, false]])), /gather: indices must be int32 \(or integral floats\), got a bool tensor; to select with a mask use maskedSelect or where/);
  });

  test('argmax, argmin, argsort, sort and topk give int32 indices that index directly', () => {
    const v = tensor([[3, 1, 2], [0, 5, 4]]);
    assert.equal(v.argmax().dtype, descentDType(fixture.values.argmaxDtype as string));
    assert.deepEqual(list(v.argmax(1)), [0, 1]);
    assert.equal(v.argmin(1, true).dtype, 'int32');
    assert.equal(argsort(v).dtype, 'int32');
    assert.equal(sort(v).indices.dtype, 'int32');
    const top = topk(v, 2);
    assert.equal(top.indices.dtype, 'int32');
    assert.deepEqual(gather(v, 1, top.indices).toArray(), top.values.toArray());
    assert.deepEqual(gather(v, 1, v.argmax(1, true)).toArray(), [[3], [5]]);
  });

  test('crossEntropy and nllLoss take int32 class indices, with the numbers of float indices', () => {
    const logits = tensor([[1, 2, 0.5], [0.1, -1, 3], [2, 2, 2]], { dtype: 'float64', requiresGrad: true });
    const labels = tensor([1, 2, 0], { dtype: 'int32' });
    const a = crossEntropy(logits, labels);
    const b = crossEntropy(logits, labels.double());
    assert.equal(a.item(), b.item());
    assert.deepEqual(list(grad(a, [logits])[0]), list(grad(b, [logits])[0]));
    assert.equal(crossEntropy(logits, labels, { labelSmoothing: 0.1, ignoreIndex: 2 }).item(), crossEntropy(logits, labels.double(), { labelSmoothing: 0.1, ignoreIndex: 2 }).item());
    const logp = logits.logSoftmax(1);
    assert.equal(nllLoss(logp, labels).item(), nllLoss(logp, labels.float()).item());
    assert.equal(crossEntropy(logits, labels).dtype, 'float64');
  });
});
