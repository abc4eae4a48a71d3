/**
 * Forward semantics of the ops at their edges (ties, kinks, infinities, empty and 0-d tensors,
 * storage sharing), each pinned to PyTorch's behaviour where PyTorch defines one.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import {
  arange, chunk, conv2d, grad, gradcheck, maxPool2d, pad, stack, tensor, upsampleNearest, where, zeros,
} from '../../src/tensor/index.js';
import { Conv2d } from '../../src/nn/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { assertClose } from '../helpers/close.js';
import { f64 } from '../helpers/data.js';

const list = (t: Tensor): number[] => [...t.data];

/** The gradient of sum(f(x) * w) (w = 1 when omitted) at x. */
function gradAt(f: (x: Tensor) => Tensor, values: number[], w?: number[]): number[] {
  const x = f64(values);
  x.requiresGrad = true;
  const y = f(x);
  const [g] = grad((w ? y.mul(f64(w)) : y).sum(), [x]);
  return list(g);
}

describe('elementwise edges', () => {
  test('gradients at kinks follow PyTorch: relu(0) and abs(0) get 0, clamp passes at its bounds', () => {
    assert.deepEqual(gradAt((x) => x.relu(), [0, 1, -1]), [0, 1, 0]);
    assert.deepEqual(gradAt((x) => x.abs(), [0, -2, 3]), [0, -1, 1]);
    assert.deepEqual(gradAt((x) => x.clamp(-1, 1), [-1, 1, 0, 2, -3]), [1, 1, 1, 0, 0]);
    assert.deepEqual(gradAt((x) => x.leakyRelu(0.2), [0, 1, -1]), [0.2, 1, 0.2]);
  });

  test('relu keeps NaN and passes its gradient there, as PyTorch does, in both dtypes on every backend', () => {
    forEachBackend(() => {
      for (const dtype of ['float32', 'float64'] as const) {
        const n = 300; // past the wasm kernels' size threshold
        const x = Tensor.fill([n], -1, dtype);
        x.data[1] = Number.NaN;
        x.data[2] = 2;
        x.requiresGrad = true;
        const y = x.relu();
        assert.ok(Number.isNaN(y.data[1]), `${dtype}: relu(NaN) should be NaN, got ${y.data[1]}`);
        assert.deepEqual([y.data[0], y.data[2]], [0, 2]);
        const [g] = grad(y.mul(Tensor.fill([n], 3, dtype)).sum(), [x]);
        assert.deepEqual([g.data[0], g.data[1], g.data[2]], [0, 3, 3]);
      }
    });
  });

  test('maximum/minimum split the gradient in half on ties', () => {
    assert.deepEqual(gradAt((x) => x.maximum(f64([2, 3, 1])), [1, 3, 4]), [0, 0.5, 1]);
    assert.deepEqual(gradAt((x) => x.minimum(f64([2, 3, 1])), [1, 3, 4]), [1, 0.5, 0]);
  });

  test('stable at extreme inputs: sigmoid, softplus, logSigmoid, elu, gelu', () => {
    forEachBackend(() => {
      assertClose(f64([-1000, 1000, -40]).sigmoid(), [0, 1, 4.248354255291589e-18], { rtol: 1e-14 });
      assertClose(f64([-1000, 1000]).softplus(), [0, 1000]);
      assertClose(f64([-1000, 1000]).logSigmoid(), [-1000, 0]);
      assert.deepEqual(gradAt((x) => x.softplus(), [-1000, 1000, 0]), [0, 1, 0.5]);
      assert.deepEqual(gradAt((x) => x.elu(), [-1000, 1000]), [0, 1]);
      assertClose(f64([-40, 40]).gelu(), [0, 40]);
      assertClose(f64([1e-10]).expm1(), [1.00000000005e-10], { rtol: 1e-15 });
      assertClose(f64([1e-10]).log1p(), [9.9999999995e-11], { rtol: 1e-15 });
    });
  });

  test('round halves to even; sign of 0 is 0 and of NaN is NaN', () => {
    assert.deepEqual(list(f64([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, -2.6]).round()), [0, 2, 2, -0, -2, 2, -3]);
    const s = list(f64([0, -2, Number.NaN, 3]).sign());
    assert.deepEqual([s[0], s[1], s[3]], [0, -1, 1]);
    assert.ok(Number.isNaN(s[2]));
    assert.deepEqual(list(f64([1.5, -1.5]).floor()), [1, -2]);
    assert.deepEqual(list(f64([1.5, -1.5]).ceil()), [2, -1]);
    assert.deepEqual(list(f64([1, Number.NaN]).isnan()), [0, 1]);
  });

  test('pow: integer powers of negative bases; gradients at base 0 as in PyTorch', () => {
    assert.deepEqual(list(f64([-2]).pow(3)), [-8]);
    assert.deepEqual(list(f64([-2]).pow(f64([3]))), [-8]);
    assert.deepEqual(gradAt((x) => x.pow(0), [0, 2]), [0, 0]);
    // d/db 0^b = 0 for b >= 0 (not 0 * log 0 = NaN)
    const x = f64([0, 2]);
    const e = f64([2, 2]);
    x.requiresGrad = true;
    e.requiresGrad = true;
    const [gx, ge] = grad(x.pow(e).sum(), [x, e]);
    assertClose(gx, [0, 4]);
    assertClose(ge, [0, 4 * Math.log(2)]);
    // and its own derivative stays finite there too
    const [gge] = grad(grad(x.pow(e).sum(), [e], { createGraph: true })[0].sum(), [e]);
    assert.ok(list(gge).every(Number.isFinite), `${list(gge)}`);
  });

  test('where broadcasts its condition and both sides; numbers are accepted', () => {
    assert.deepEqual(where(tensor([[1], [0]]), tensor([1, 2, 3]), -1).toArray(), [[1, 2, 3], [-1, -1, -1]]);
    assert.deepEqual(list(where(tensor([1, 0]), 5, 6)), [5, 6]);
    // the condition's dtype does not leak into the result: a float64 mask with float32 values
    const mask64 = tensor([1, 0], { dtype: 'float64' });
    assert.equal(where(mask64, tensor([1, 2]), 5).dtype, 'float32');
    assert.equal(where(mask64, 5, tensor([1, 2])).dtype, 'float32');
    assert.equal(where(mask64, tensor([1, 2]), tensor([1, 2], { dtype: 'float64' })).dtype, 'float64');
    assert.equal(where(tensor([1, 0]), 5, 6).dtype, 'float32');
    // the unchosen side gets exactly zero gradient, even where it is infinite
    assert.deepEqual(gradAt((x) => where(x.gt(0), x.log(), x), [-1, 2]), [1, 0.5]);
  });
});

describe('reductions at their edges', () => {
  test('max/min share the gradient among ties; argmax/argmin take the first', () => {
    assert.deepEqual(gradAt((x) => x.max(), [1, 3, 3]), [0, 0.5, 0.5]);
    assert.deepEqual(gradAt((x) => x.min(), [2, 2, 2, 5]), [1 / 3, 1 / 3, 1 / 3, 0]);
    const m = f64([1, 5, 5, 7, 2, 7], [2, 3]);
    assert.deepEqual(list(m.argmax(1)), [1, 0]);
    assert.deepEqual(m.argmax().item(), 3);
    assert.deepEqual(m.argmin(0, true).toArray(), [[0, 1, 0]]);
    assert.deepEqual([...m.argmax(undefined, true).shape], [1, 1]);
  });

  test('0-d tensors reduce over axis 0 or -1 to themselves', () => {
    assert.equal(tensor(3).sum(0).item(), 3);
    assert.equal(tensor(3).mean(-1).item(), 3);
    assert.equal(tensor(3).max(0).item(), 3);
    assert.equal(tensor(3).sum().item(), 3);
    assert.deepEqual([...tensor(3).squeeze(0).shape], []);
  });

  test('empty tensors: sum is 0, mean is NaN, max throws', () => {
    assert.deepEqual(list(zeros([0, 3]).sum(0)), [0, 0, 0]);
    assert.ok(Number.isNaN(zeros([0]).mean().item()));
    assert.throws(() => zeros([0]).max(), /max: cannot reduce an empty tensor of shape \[0\]/);
    assert.throws(() => zeros([2, 0]).min(1), /min: cannot reduce an empty tensor of shape \[2,0\] over axes \[1\]/);
    // reducing an empty tensor over a non-empty axis gives an empty result
    assert.deepEqual([...zeros([0, 3]).max(1).shape], [0]);
    // the log of an empty sum is -inf
    assert.deepEqual(list(zeros([2, 0]).logSumExp(1)), [-Infinity, -Infinity]);
    const e = zeros([2, 0], { requiresGrad: true });
    e.logSumExp(1, true).sum().backward();
    assert.deepEqual([...e.grad!.shape], [2, 0]);
  });

  test('NaN propagates through max and maxPool2d', () => {
    assert.ok(Number.isNaN(f64([1, Number.NaN, 3]).max().item()));
    assert.ok(Number.isNaN(maxPool2d(f64([1, Number.NaN, 3, 4], [1, 1, 2, 2]), 2).item()));
  });

  test('logSumExp and softmax do not overflow; infinite inputs behave as in PyTorch', () => {
    forEachBackend(() => {
      assertClose(f64([1000, 1000]).logSumExp(), [1000 + Math.LN2]);
      assertClose(f64([1000, 1000, -1000]).softmax(), [0.5, 0.5, 0]);
      assertClose(f64([1000, 0]).logSoftmax(), [0, -1000]);
      assert.equal(f64([-Infinity, -Infinity]).logSumExp().item(), -Infinity);
      assert.equal(f64([Infinity, 1]).logSumExp().item(), Infinity);
      assert.equal(f64([-Infinity, 0]).logSumExp().item(), 0);
      assert.deepEqual(gradAt((x) => x.logSumExp(), [-Infinity, 0]), [0, 1]);
      assert.deepEqual(gradAt((x) => x.logSoftmax(), [-Infinity, 0], [1, 2]), [1, -1]);
    });
  });

  test('the 2-norm has a zero (sub)gradient at 0', () => {
    assert.deepEqual(gradAt((x) => x.norm(), [0, 0]), [0, 0]);
    assertClose(gradAt((x) => x.reshape(2, 2).norm(2, 1), [0, 0, 3, 4]), [0, 0, 0.6, 0.8]);
  });

  test('var and std: correction and keepDims', () => {
    const x = f64([1, 2, 3, 4]);
    assertClose(x.var(), [5 / 3]);
    assertClose(x.var(0, { correction: 0 }), [1.25]);
    assertClose(x.std(undefined, { correction: 0 }), [Math.sqrt(1.25)]);
    assert.deepEqual([...x.reshape(2, 2).var(1, { keepDims: true }).shape], [2, 1]);
    assert.ok(Number.isNaN(f64([3]).var().item())); // one value, Bessel's correction: 0/0
  });
});

describe('shape and indexing semantics', () => {
  test('reshape shares storage; permute, transpose and broadcastTo copy', () => {
    const x = arange(6, undefined, 1, { dtype: 'float64' });
    const r = x.reshape(2, 3);
    assert.equal(r.data, x.data);
    assert.notEqual(r.T.data, x.data);
    assert.deepEqual(r.T.toArray(), [[0, 3], [1, 4], [2, 5]]);
    assert.deepEqual(arange(6).reshape(1, 2, 3).permute(-1, 0, 1).toArray(), [[[0, 3]], [[1, 4]], [[2, 5]]]);
    assert.deepEqual(tensor(2).broadcastTo([2, 2]).toArray(), [[2, 2], [2, 2]]);
    assert.equal(f64([1, 2]).T.ndim, 1);
    assert.deepEqual([...tensor(3).flatten().shape], [1]);
    assert.deepEqual([...zeros([2, 1, 3, 1]).squeeze().shape], [2, 3]);
    assert.deepEqual([...zeros([2, 3]).unsqueeze(-1).shape], [2, 3, 1]);
    assert.deepEqual(f64([1, 2, 3, 4], [2, 2]).sumTo([]).item(), 10);
    assert.deepEqual(f64([1, 2, 3, 4], [2, 2]).sumTo([1, 2]).toArray(), [[4, 6]]);
  });

  test('slice clamps its bounds and steps; select and indexSelect take negative indices', () => {
    assert.deepEqual(list(arange(5).slice(0, -100, 100, 2)), [0, 2, 4]);
    assert.deepEqual(list(arange(5).slice(0, 3, 1)), []);
    assert.deepEqual(list(arange(10).slice(0, -4)), [6, 7, 8, 9]);
    assert.deepEqual(list(arange(6).reshape(2, 3).select(-1, -1)), [2, 5]);
    assert.deepEqual(arange(6).reshape(2, 3).indexSelect(1, [-1, 0, 0]).toArray(), [[2, 0, 0], [5, 3, 3]]);
    assert.deepEqual(list(arange(5).narrow(0, 1, 3)), [1, 2, 3]);
  });

  test('split and chunk sizes follow PyTorch', () => {
    assert.deepEqual(arange(7).chunk(3).map((t) => t.numel()), [3, 3, 1]);
    assert.deepEqual(chunk(arange(6), 4).map((t) => t.numel()), [2, 2, 2]);
    assert.deepEqual(arange(5).split(2).map(list), [[0, 1], [2, 3], [4]]);
    assert.deepEqual(arange(6).reshape(3, 2).split([1, 2], 0).map((t) => t.toArray()), [[[0, 1]], [[2, 3], [4, 5]]]);
  });

  test('stack of 0-d tensors makes a vector', () => {
    assert.deepEqual(stack([tensor(1), tensor(2)]).toArray(), [1, 2]);
    assert.deepEqual(stack([tensor([1, 2]), tensor([3, 4])], -1).toArray(), [[1, 3], [2, 4]]);
  });

  test('pad with a value: NumPy order of pairs (first pair for the first padded axis)', () => {
    assert.deepEqual(pad(arange(4).reshape(2, 2), [[1, 0], [0, 1]], 9).toArray(), [[9, 9, 9], [0, 1, 9], [2, 3, 9]]);
    assert.deepEqual(pad(arange(2), [[0, 2]]).toArray(), [0, 1, 0, 0]);
  });

  test('gather with plain indices on a vector', () => {
    assert.deepEqual(list(f64([5, 6, 7]).gather(0, [2, 0])), [7, 5]);
  });

  test('scatter with repeated targets: the last write wins (as PyTorch on CPU), for numbers and tensors', () => {
    assert.deepEqual(zeros([1, 3]).scatter(1, tensor([[0, 0]]), 5).toArray(), [[5, 0, 0]]);
    assert.deepEqual(zeros([1, 3]).scatter(1, tensor([[0, 0, 2]]), tensor([[1, 2, 3]])).toArray(), [[2, 0, 3]]);
    // the overwritten source element gets no gradient; the overwritten x elements neither
    const x = f64([1, 1, 1], [1, 3]);
    const s = f64([1, 2, 3], [1, 3]);
    x.requiresGrad = true;
    s.requiresGrad = true;
    const [gx, gs] = grad(x.scatter(1, tensor([[0, 0, 2]]), s).mul(f64([5, 6, 7], [1, 3])).sum(), [x, s]);
    assert.deepEqual(gx.toArray(), [[0, 6, 0]]);
    assert.deepEqual(gs.toArray(), [[0, 5, 7]]);
  });

  test('scatterAdd sums repeated targets', () => {
    assert.deepEqual(zeros([1, 3]).scatterAdd(1, tensor([[0, 0, 2]]), tensor([[1, 2, 3]])).toArray(), [[3, 0, 3]]);
  });

  test('upsampleNearest picks floor(i * in / out) (down-sampling too)', () => {
    assert.deepEqual(upsampleNearest(arange(16).reshape(1, 1, 4, 4), { size: [2, 2] }).toArray(), [[[[0, 2], [8, 10]]]]);
    assert.deepEqual(upsampleNearest(arange(2).reshape(1, 1, 2), { scaleFactor: [1, 2] }).toArray(), [[[0, 0, 1, 1]]]);
  });

  test('matmul of two vectors is a 0-d tensor', () => {
    const y = f64([1, 2]).matmul(f64([3, 4]));
    assert.deepEqual([...y.shape], []);
    assert.equal(y.item(), 11);
  });
});

describe("conv2d padding 'same' and 'valid'", () => {
  // x = sin(arange) [2, 2, 5, 6], w = cos(arange) [3, 2, kh, kw]; sums of y and y^2 from
  // torch.nn.functional.conv2d(x, w, padding='same', dilation=d) in PyTorch 1.13, float64.
  const x = arange(0, 2 * 2 * 5 * 6, 1, { dtype: 'float64' }).reshape(2, 2, 5, 6).sin();
  const cases: [[number, number], number, number, number][] = [
    [[3, 3], 1, 3.2025780026, 121.2527668223],
    [[2, 4], 1, -0.9007508855, 26.6106640443], // even kernels: the extra zero goes bottom/right
    [[3, 2], 2, 1.5089827156, 74.8368321642],
  ];
  test('matches PyTorch, odd and even kernels, with dilation', () => {
    for (const [k, d, sum, sumSq] of cases) {
      const w = arange(0, 3 * 2 * k[0] * k[1], 1, { dtype: 'float64' }).reshape(3, 2, k[0], k[1]).cos();
      const y = conv2d(x, w, null, { padding: 'same', dilation: d });
      assert.deepEqual([...y.shape], [2, 3, 5, 6]);
      assertClose(y.sum(), [sum], { atol: 1e-9 });
      assertClose(y.square().sum(), [sumSq], { atol: 1e-9 });
      assert.ok(gradcheck((a, b) => conv2d(a, b, null, { padding: 'same', dilation: d }), [x.slice(0, 0, 1), w]).ok);
    }
  });
  test("'valid' is no padding; 'same' with a stride and unknown strings are refused", () => {
    const w = zeros([1, 2, 3, 3], { dtype: 'float64' });
    assert.deepEqual([...conv2d(x, w, null, { padding: 'valid' }).shape], [2, 1, 3, 4]);
    assert.throws(() => conv2d(x, w, null, { padding: 'same', stride: 2 }), /padding 'same' needs stride 1/);
    assert.throws(() => conv2d(x, w, null, { padding: 'full' as 'same' }), /padding must be a number, a pair, 'same' or 'valid', got 'full'/);
    const layer = new Conv2d(2, 3, [2, 4], { padding: 'same', dtype: 'float64' });
    assert.deepEqual([...layer.forward(x).shape], [2, 3, 5, 6]);
    assert.match(layer.toString(), /padding='same'/);
    assert.throws(() => new Conv2d(2, 3, 3, { padding: 'same', stride: 2 }), /Conv2d: padding 'same' needs stride 1/);
  });
});
