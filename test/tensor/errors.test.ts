/**
 * Error messages: each names the op, the shapes (or values) involved, and what was expected, so
 * that a user can fix the call without reading the engine.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  concat, conv2d, convTranspose2d, eye, grad, hvp, linear, matmul, setDebug, stack, tensor, zeros, ones,
} from '../../src/tensor/index.js';
import type { DType } from '../../src/tensor/dtype.js';

/** Asserts fn throws an error of `type` whose message contains every fragment. */
function throwsWith(fn: () => unknown, type: new (...args: never[]) => Error, ...fragments: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof type, `expected a ${type.name}, got ${String(e)}`);
    for (const f of fragments) assert.ok(e.message.includes(f), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(f)}`);
    return true;
  });
}

describe('shape errors', () => {
  test('matmul of [2,3] and [4,5] names both shapes and the mismatched dimensions', () => {
    throwsWith(() => zeros([2, 3]).matmul(zeros([4, 5])), RangeError, 'matmul', '[2,3]', '[4,5]', 'not aligned', '(3)', '(4)');
    throwsWith(() => matmul(zeros([3]), zeros([4])), RangeError, 'matmul', '[3]', '[4]', 'only dimension');
  });

  test('matmul batch dimensions that do not broadcast', () => {
    throwsWith(() => matmul(zeros([2, 2, 3]), zeros([3, 3, 5])), RangeError, 'matmul', 'batch dimensions', '[2,2,3]', '[3,3,5]', '[2]', '[3]');
  });

  test('matmul of a 0-d tensor', () => {
    throwsWith(() => matmul(tensor(2), zeros([2])), RangeError, 'matmul', 'at least one dimension', '[]');
  });

  test('reshape to an incompatible size', () => {
    throwsWith(() => zeros([2, 3]).reshape(4, 2), RangeError, 'reshape', '[2,3]', '6 elements', '[4,2]', 'holds 8');
    throwsWith(() => zeros([2, 3]).reshape(4, -1), RangeError, 'reshape', '[4,-1]', 'not divisible by 4');
    throwsWith(() => zeros([2, 3]).reshape(-1, -1), RangeError, 'reshape', 'at most one dimension can be -1');
  });

  test('broadcasting failure names the op, both shapes and the dimension', () => {
    throwsWith(() => zeros([2, 3]).add(zeros([4, 3])), RangeError, 'add', '[2,3]', '[4,3]', 'cannot be broadcast', 'dimension -2 is 2 vs 4');
    throwsWith(() => zeros([2, 3, 4]).mul(zeros([3, 5])), RangeError, 'mul', '[2,3,4]', '[3,5]', 'dimension -1 is 4 vs 5');
    throwsWith(() => zeros([3]).broadcastTo([2, 2]), RangeError, 'broadcastTo', '[3]', '[2,2]');
    throwsWith(() => zeros([2, 3]).broadcastTo([3]), RangeError, 'broadcastTo', '[2,3]', '[3]');
  });

  test('conv2d channel mismatch names both shapes and channel counts', () => {
    throwsWith(() => conv2d(zeros([1, 3, 5, 5]), zeros([4, 2, 3, 3])), RangeError, 'conv2d', '[4,2,3,3]', '[1,3,5,5]', 'expects 2 input channels', 'has 3');
    throwsWith(() => conv2d(zeros([1, 4, 5, 5]), zeros([4, 1, 3, 3]), null, { groups: 2 }), RangeError, 'conv2d', 'expects 2 input channels', 'groups=2', 'has 4');
    throwsWith(() => conv2d(zeros([1, 3, 5, 5]), zeros([4, 1, 3, 3]), null, { groups: 2 }), RangeError, 'conv2d', 'divisible by groups (2)');
    throwsWith(() => conv2d(zeros([1, 2, 5, 5]), zeros([4, 2, 3, 3]), zeros([3])), RangeError, 'conv2d', 'bias must have shape [4]', '[3]');
    throwsWith(() => conv2d(zeros([5, 5]), zeros([4, 2, 3, 3])), RangeError, 'conv2d', 'input must be [N, C, H, W]', '[5,5]');
    throwsWith(() => conv2d(zeros([1, 2, 2, 2]), zeros([4, 2, 3, 3])), RangeError, 'conv2d', 'larger than the padded input');
    throwsWith(() => convTranspose2d(zeros([1, 3, 5, 5]), zeros([2, 2, 3, 3])), RangeError, 'convTranspose2d', '[2,2,3,3]', 'expects 2 input channels', 'has 3');
    throwsWith(() => convTranspose2d(zeros([1, 2, 3, 3]), zeros([2, 2, 3, 3]), null, { stride: 2, outputPadding: 2 }), RangeError, 'convTranspose2d', 'outputPadding (2)');
  });

  test('linear with the wrong number of features', () => {
    throwsWith(() => linear(zeros([2, 3]), zeros([5, 4])), RangeError, 'linear', '[2,3]', 'end in 4 features', '[5,4]');
  });

  test('out-of-range axes name the op, the axis and the valid range', () => {
    throwsWith(() => zeros([2, 3]).sum(2), RangeError, 'sum', 'axis 2', 'rank 2', '[-2, 1]');
    throwsWith(() => zeros([2, 3]).softmax(-3), RangeError, 'softmax', 'axis -3', '[-2, 1]');
    throwsWith(() => zeros([2, 3]).select(5, 0), RangeError, 'select', 'axis 5');
    throwsWith(() => zeros([2, 3]).transpose(0, 2), RangeError, 'transpose', 'axis 2');
    throwsWith(() => zeros([2, 3]).unsqueeze(4), RangeError, 'unsqueeze', 'axis 4', 'rank 3');
    throwsWith(() => concat([zeros([2, 3]), zeros([2, 3])], 2), RangeError, 'concat', 'axis 2');
    throwsWith(() => zeros([2, 3]).sum(0.5), RangeError, 'sum', 'axis 0.5');
    throwsWith(() => tensor(1).slice(0, 0, 1), RangeError, 'slice', '0-d tensor');
    throwsWith(() => tensor(1).sum(1), RangeError, 'sum', '0-d tensor');
    throwsWith(() => zeros([2, 3]).sum([1, -1]), RangeError, 'sum', 'repeated axis');
  });

  test('index errors', () => {
    throwsWith(() => zeros([2, 3]).select(1, 3), RangeError, 'select', 'index 3', 'axis 1 of size 3', '[2,3]');
    throwsWith(() => zeros([2, 3]).indexSelect(0, [0, 2]), RangeError, 'indexSelect', 'index 2', 'axis 0 of size 2');
    throwsWith(() => zeros([2, 3]).gather(1, tensor([[0, 3]])), RangeError, 'gather', 'index 3', 'size 3');
    throwsWith(() => zeros([2, 3]).gather(1, tensor([1])), RangeError, 'gather', 'rank 1', 'rank 2');
    throwsWith(() => zeros([2, 3]).gather(1, tensor([[0.5]])), TypeError, 'gather', 'integers', '0.5');
    throwsWith(() => zeros([2, 3]).squeeze(0), RangeError, 'squeeze', 'axis 0', '[2,3]', 'size 2, not 1');
    throwsWith(() => zeros([2, 3]).permute(0, 0), RangeError, 'permute', '[0,0]', 'not a permutation');
    throwsWith(() => zeros([5]).split([2, 2]), RangeError, 'split', '[2,2]', 'add up to 4', 'size 5');
    throwsWith(() => concat([zeros([2, 3]), zeros([3, 2])], 0), RangeError, 'concat', 'tensor 1', '[3,2]', '[2,3]', 'outside axis 0');
    throwsWith(() => concat([tensor(1), tensor(2)]), RangeError, 'concat', '0-d', 'stack');
    throwsWith(() => stack([zeros([2]), zeros([3])]), RangeError, 'stack', 'tensor 1', '[3]', '[2]');
    throwsWith(() => zeros([2]).item(), RangeError, 'item', '[2]', '2 elements', 'exactly 1');
    throwsWith(() => zeros([2, 2]).pad([[1, -1]]), RangeError, 'pad', 'non-negative');
  });
});

describe('dtype and creation errors', () => {
  test('unknown dtype', () => {
    throwsWith(() => tensor([1], { dtype: 'int64' as DType }), TypeError, 'tensor', 'unknown dtype "int64"', "integer dtype is 'int32'", "'float32', 'float64', 'int32', 'uint8', 'bool'");
    throwsWith(() => zeros([2], { dtype: 'float16' as DType }), TypeError, 'full', 'unknown dtype "float16"');
    throwsWith(() => ones([2]).to('bfloat16' as DType), TypeError, 'to', 'unknown dtype "bfloat16"');
  });

  test('ragged nested arrays say where', () => {
    throwsWith(() => tensor([[1, 2], [3]]), RangeError, 'tensor', 'ragged', 'element [1]', 'length 1', 'length 2');
    throwsWith(() => tensor([[[1], [2]], [[3], [4, 5]]]), RangeError, 'tensor', 'ragged', 'element [1][1]', 'length 2', 'length 1');
    throwsWith(() => tensor([[1, 2], 3] as never), RangeError, 'tensor', 'ragged', 'element [1]', 'value 3');
    throwsWith(() => tensor([1, [2]] as never), TypeError, 'tensor', 'at [1]', 'ragged');
    throwsWith(() => tensor([1, 'a'] as never), TypeError, 'tensor', 'at [1]', 'string');
  });

  test('bad shapes', () => {
    throwsWith(() => zeros([2, -1]), TypeError, 'full', 'non-negative integers', '[2,-1]');
    throwsWith(() => eye(-1), RangeError, 'eye', 'non-negative integers', 'n=-1');
    throwsWith(() => tensor([1, 2, 3], { shape: [2, 2] }), RangeError, 'tensor: 3 values', 'cannot fill shape [2,2]');
    throwsWith(() => tensor(new Float32Array(3), { shape: [2, 2] }), RangeError, 'tensor: 3 values', 'cannot fill shape [2,2]');
  });

  test('a non-tensor operand', () => {
    throwsWith(() => zeros([2]).add('1' as never), TypeError, 'add', 'Tensor or a number', 'string');
  });
});

describe('autograd errors', () => {
  test('backward on a non-scalar without a seed gradient', () => {
    const y = zeros([2, 3], { requiresGrad: true }).mul(2);
    throwsWith(() => y.backward(), Error, 'backward', '[2,3]', 'without a seed gradient', 'scalar');
    throwsWith(() => y.backward(zeros([3, 2])), RangeError, 'backward', 'seed gradient has shape [3,2]', '[2,3]');
  });

  test('grad with respect to a tensor that does not require gradients says so', () => {
    const x = zeros([2], { requiresGrad: true });
    const plain = ones([2]);
    throwsWith(() => grad(x.mul(plain).sum(), [plain]), Error, 'grad: input 0 (shape [2]) does not require gradients', 'set requiresGrad');
  });

  test('hvp with a vector of the wrong shape', () => {
    throwsWith(() => hvp((a) => a.square().sum(), [zeros([3])], [zeros([2])]), RangeError, 'hvp', 'vector 0 has shape [2]', 'input 0 has shape [3]');
    throwsWith(() => hvp((a) => a.square().sum(), [zeros([3])], []), RangeError, 'hvp', '1 inputs but 0 vectors');
  });

  test('backward on a tensor that does not require gradients', () => {
    throwsWith(() => zeros([1]).backward(), Error, 'backward', 'does not require gradients');
  });

  test('grad of an output without a graph, or a non-scalar output without a seed', () => {
    const x = zeros([2], { requiresGrad: true });
    throwsWith(() => grad(zeros([1]), [x]), Error, 'grad', 'output 0', 'does not require gradients');
    throwsWith(() => grad(x.mul(2), [x]), Error, 'grad', 'output 0 has shape [2]', 'gradOutputs');
    const y = zeros([2, 3], { requiresGrad: true }).mul(2);
    throwsWith(() => grad(y, [x], { gradOutputs: [zeros([3, 2])] }), RangeError, 'grad: gradOutputs[0] has shape [3,2]', 'output 0 has shape [2,3]');
  });

  test('debug mode reports a NaN produced in backward, naming the op', () => {
    setDebug(true);
    try {
      // d/dx sqrt(x) at 0 is inf; times the zero gradient from mul(0) it is NaN
      const x = tensor([0, 1], { requiresGrad: true });
      throwsWith(() => x.sqrt().mul(0).sum().backward(), Error, "backward of 'sqrt'", 'NaN', 'input 0', 'shape [2]', 'flat index 0', 'debug mode');
      // log at 0: 1/0 = Infinity is reported too
      const z = tensor([1, 0], { requiresGrad: true });
      throwsWith(() => z.log().sum().backward(), Error, "backward of 'log'", 'Infinity', 'flat index 1');
      // through the functional API as well
      throwsWith(() => grad(z.log().mul(0).sum(), [z]), Error, "backward of 'log'", 'NaN');
    } finally {
      setDebug(false);
    }
    // with debug mode off the same computation silently gives NaN, as in PyTorch
    const x = tensor([0, 1], { requiresGrad: true });
    x.sqrt().mul(0).sum().backward();
    assert.ok(Number.isNaN(x.grad!.data[0]));
    assert.equal(x.grad!.data[1], 0);
  });
});
