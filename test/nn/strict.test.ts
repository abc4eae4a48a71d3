/**
 * Issue 15, nn's part: every layer, loss and initializer refuses unknown option keys, and
 * crossEntropy with label smoothing and every target ignored matches PyTorch (loss NaN,
 * gradient 0; test/fixtures/nn/cross_entropy_ignored.json from scripts/fixtures/strict_fixtures.py).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, ones, tensor, zeros, grad } from '../../src/tensor/index.js';
import {
  AvgPool2d, BatchNorm2d, Conv2d, ConvTranspose2d, CrossEntropyLoss, Dropout, Embedding, GroupNorm, LayerNorm, Linear, MaxPool2d,
  MSELoss, crossEntropy, dropout, init, mseLoss, nllLoss, spectralNorm, weightNorm, batchNorm, huberLoss, binaryCrossEntropyWithLogits,
} from '../../src/nn/index.js';
import { T, loadFixture, type TensorJSON } from './fixtures.js';
import { assertClose } from '../helpers/close.js';

function refused(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Error, String(e));
    for (const f of fragments) assert.ok(e.message.includes(f), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(f)}`);
    return true;
  });
}

describe('nn refuses unknown option keys, naming the valid ones', () => {
  const x = zeros([2, 3]);
  const cases: [string, () => unknown, string[]][] = [
    ['Linear', () => new Linear(2, 3, { biass: false } as never), ["Linear: unknown option 'biass'", "did you mean 'bias'", "'dtype'", "'generator'"]],
    ['Conv2d', () => new Conv2d(1, 2, 3, { padding_mode: 'zeros' } as never), ["Conv2d: unknown option 'padding_mode'", "'padding'"]],
    ['ConvTranspose2d', () => new ConvTranspose2d(1, 2, 3, { output_padding: 1 } as never), ["did you mean 'outputPadding'"]],
    ['MaxPool2d', () => new MaxPool2d(2, { ceil: true } as never), ["MaxPool2d: unknown option 'ceil'"]],
    ['AvgPool2d', () => new AvgPool2d(2, { divisor_override: 2 } as never), ["did you mean 'divisorOverride'"]],
    ['Dropout', () => new Dropout(0.5, { inplace: true } as never), ["Dropout: unknown option 'inplace'"]],
    ['Embedding', () => new Embedding(3, 2, { padding_idx: 0 } as never), ["did you mean 'paddingIdx'"]],
    ['BatchNorm2d', () => new BatchNorm2d(3, { track_running_stats: false } as never), ["BatchNorm2d: unknown option", "did you mean 'trackRunningStats'"]],
    ['LayerNorm', () => new LayerNorm(3, { elementwise_affine: false } as never), ["did you mean 'elementwiseAffine'"]],
    ['GroupNorm', () => new GroupNorm(1, 3, { esp: 1e-3 } as never), ["did you mean 'eps'"]],
    ['batchNorm', () => batchNorm(ones([2, 3]), null, null, null, null, { train: true } as never), ["batchNorm: unknown option 'train'"]],
    ['crossEntropy', () => crossEntropy(x, tensor([0, 1]), { reduce: 'sum' } as never), ["crossEntropy: unknown option 'reduce'", "did you mean 'reduction'", "'labelSmoothing'"]],
    ['CrossEntropyLoss', () => new CrossEntropyLoss({ label_smoothing: 0.1 } as never), ["CrossEntropyLoss: unknown option 'label_smoothing'", "did you mean 'labelSmoothing'"]],
    ['nllLoss', () => nllLoss(x, tensor([0, 1]), { ignore_index: 1 } as never), ["did you mean 'ignoreIndex'"]],
    ['mseLoss', () => mseLoss(x, x, { size_average: true } as never), ["mseLoss: unknown option 'size_average'", "'reduction'"]],
    ['MSELoss', () => new MSELoss([] as never), ['MSELoss: options must be an object']],
    ['huberLoss', () => huberLoss(x, x, { beta: 1 } as never), ["huberLoss: unknown option 'beta'", "'delta'"]],
    ['binaryCrossEntropyWithLogits', () => binaryCrossEntropyWithLogits(x, x, { pos_weight: x } as never), ["did you mean 'posWeight'"]],
    ['dropout', () => dropout(x, 0.5, { train: false } as never), ["dropout: unknown option 'train'", "'training'"]],
    ['init.kaimingUniform', () => init.kaimingUniform(zeros([2, 2]), { nonlinear: 'relu' } as never), ["did you mean 'nonlinearity'"]],
    ['init.uniform', () => init.uniform(zeros([2]), 0, 1, { seed: 1 } as never), ["init.uniform: unknown option 'seed'", "'generator'"]],
    ['weightNorm', () => weightNorm(new Linear(2, 2), { axis: 0 } as never), ["weightNorm: unknown option 'axis'", "'dim'"]],
    ['spectralNorm', () => spectralNorm(new Linear(2, 2), { n_power_iterations: 2 } as never), ["did you mean 'nPowerIterations'"]],
    ['loadStateDict', () => new Linear(2, 2).loadStateDict({}, { strictly: false } as never), ["loadStateDict: unknown option 'strictly'", "did you mean 'strict'"]],
  ];
  for (const [name, run, says] of cases) test(name, () => refused(run, ...says));

  test('the valid spellings still work (defaults unchanged)', () => {
    const l = new Linear(2, 3, { bias: false, generator: new Generator(0) });
    assert.equal(l.bias, null);
    const [values, indices] = new MaxPool2d(2, { ceilMode: true }).forwardWithIndices(tensor([[[1, 5, 2], [3, 4, 9]]]));
    assert.deepEqual(values.toArray(), [[[5, 9]]]);
    assert.deepEqual(indices.toArray(), [[[1, 5]]]);
    assert.deepEqual(new AvgPool2d(2, { ceilMode: true, countIncludePad: false }).forward(ones([1, 1, 3, 3])).toArray(), [[[[1, 1], [1, 1]]]]);
  });
});

interface IgnoredCase { labelSmoothing: number; weight: TensorJSON | null; target: number[]; logits: TensorJSON; loss: number | 'NaN'; grad: TensorJSON }
const fx = loadFixture<{ torch: string; cases: IgnoredCase[] }>('cross_entropy_ignored.json');

describe(`crossEntropy with ignored targets matches PyTorch ${fx.torch}`, () => {
  for (const c of fx.cases) {
    const allIgnored = c.target.every((t) => t === -100);
    test(`labelSmoothing ${c.labelSmoothing}${c.weight ? ', weighted' : ''}, ${allIgnored ? 'every target ignored' : 'some ignored'}`, () => {
      const logits = T(c.logits, true);
      const loss = crossEntropy(logits, tensor(c.target, { dtype: 'float64' }), { labelSmoothing: c.labelSmoothing, weight: c.weight ? T(c.weight) : null });
      if (c.loss === 'NaN') assert.ok(Number.isNaN(loss.item()), `loss ${loss.item()}, PyTorch gives NaN`);
      else assertClose(loss, c.loss, { what: 'loss' });
      const [g] = grad(loss, [logits]);
      assertClose(g, T(c.grad), { what: 'gradient' }); // 0, not NaN, when every target is ignored
    });
  }
});
