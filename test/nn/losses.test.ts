/** Every loss, reduction and option against PyTorch (test/fixtures/nn/losses.json), in float64. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, type Tensor } from '../../src/tensor/index.js';
import * as nn from '../../src/nn/index.js';
import { close, decodeOptions, loadFixture, T, type TensorJSON } from './fixtures.js';

interface LossCase {
  name: string;
  fn: string;
  options: Record<string, unknown>;
  input: TensorJSON;
  target: TensorJSON;
  output: TensorJSON;
  gradOut?: TensorJSON;
  inputGrad: TensorJSON;
  targetGrad?: TensorJSON;
}

type LossFn = (input: Tensor, target: Tensor, options: any) => Tensor;
const fns: Record<string, LossFn> = {
  mseLoss: nn.mseLoss, l1Loss: nn.l1Loss, huberLoss: nn.huberLoss, smoothL1Loss: nn.smoothL1Loss,
  crossEntropy: nn.crossEntropy, nllLoss: nn.nllLoss, binaryCrossEntropy: nn.binaryCrossEntropy,
  binaryCrossEntropyWithLogits: nn.binaryCrossEntropyWithLogits, klDiv: nn.klDiv, multiMarginLoss: nn.multiMarginLoss,
  hingeLoss: nn.hingeLoss, hingeEmbeddingLoss: nn.hingeEmbeddingLoss,
};

const cases = loadFixture<{ cases: LossCase[] }>('losses.json').cases;

describe('losses match PyTorch (value and input gradient, every reduction)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const fn = fns[c.fn];
      assert.ok(fn, `loss ${c.fn} exists`);
      const x = T(c.input, true);
      const t = T(c.target, Boolean(c.targetGrad));
      const y = fn(x, t, decodeOptions(c.options));
      close(y, c.output, `${c.name} value`);
      (c.gradOut ? y.mul(T(c.gradOut)).sum() : y).backward();
      close(x.grad!, c.inputGrad, `${c.name} input gradient`);
      if (c.targetGrad) close(t.grad!, c.targetGrad, `${c.name} target gradient`);
    });
  }
});

describe('loss errors and modules', () => {
  const a = tensor([[1, 2], [3, 4]]);
  it('refuses shape mismatches with both shapes in the message', () => {
    assert.throws(() => nn.mseLoss(a, tensor([1, 2])), /mseLoss: input shape \[2, 2\] and target shape \[2\] differ/);
    assert.throws(() => nn.binaryCrossEntropyWithLogits(a, tensor([[1, 0, 1]])), /input shape \[2, 2\] and target shape \[1, 3\]/);
    assert.throws(() => nn.crossEntropy(a, tensor([0, 1, 1])), /class-index targets must have shape \[2\]/);
    assert.throws(() => nn.crossEntropy(a, tensor([0, 2])), /target 2 at flat position 1 is not a class index in \[0, 1\]/);
    assert.throws(() => nn.crossEntropy(a, tensor([0, 0.5])), /not a class index/);
    assert.throws(() => nn.crossEntropy(a, tensor([0, 1]), { weight: tensor([1, 2, 3]) }), /weight must be a tensor of shape \[2\]/);
    assert.throws(() => nn.binaryCrossEntropy(tensor([0.5, 1.5]), tensor([0, 1])), /probabilities in \[0, 1\]/);
    assert.throws(() => nn.hingeLoss(a, tensor([[1, 0], [1, 1]])), /targets must be -1 or \+1/);
    assert.throws(() => nn.mseLoss(a, a, { reduction: 'avg' as never }), /reduction must be 'mean', 'sum' or 'none'/);
  });

  it('modules call the functions with their options', () => {
    const logits = tensor([[2, 0.5, -1], [0.1, 0.2, 3]]);
    const target = tensor([0, 2]);
    const m = new nn.CrossEntropyLoss({ labelSmoothing: 0.1, reduction: 'sum' });
    assert.equal(m.forward(logits, target).item(), nn.crossEntropy(logits, target, { labelSmoothing: 0.1, reduction: 'sum' }).item());
    assert.equal(new nn.MSELoss().forward(a, a.mul(2)).item(), nn.mseLoss(a, a.mul(2)).item());
    assert.equal(m.parameters().length, 0);
  });

  it('cross-entropy equals NLL of log-softmax', () => {
    const logits = tensor([[2, 0.5, -1], [0.1, 0.2, 3]], { dtype: 'float64' });
    const target = tensor([1, 2]);
    assert.ok(Math.abs(nn.crossEntropy(logits, target).item() - nn.nllLoss(logits.logSoftmax(1), target).item()) < 1e-12);
  });
});
