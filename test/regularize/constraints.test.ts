import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Conv2d, Linear, mseLoss, Sequential } from '../../src/nn/index.js';
import { createOptimizer } from '../../src/optim/index.js';
import { Generator, randn, tensor } from '../../src/tensor/index.js';
import { composeConstraints, MaxNorm, maxNormProject, NonNeg, UnitNorm, unitNorms } from '../../src/regularize/index.js';
import { assertClose } from '../helpers/close.js';
import { T, throwsWith, torchFixture } from './fixtures.js';

describe('norm constraints', () => {
  it('max-norm projection matches torch.renorm (rows of a Linear weight, conv filters, other dims)', () => {
    for (const c of torchFixture().maxNorm) {
      const w = T(c.w);
      maxNormProject(w, c.maxnorm, c.dim);
      assertClose(w, T(c.out), { rtol: 1e-12, atol: 1e-15, what: `renorm dim ${c.dim}` });
    }
  });

  it('MaxNorm.apply after optimizer.step keeps every unit inside the ball and leaves biases alone', () => {
    const g = new Generator(1);
    const model = new Sequential(new Linear(5, 8, { generator: g }), new Linear(8, 2, { generator: g }));
    const opt = createOptimizer('sgd', model.parameters(), { lr: 5 });
    const constraint = new MaxNorm(0.5);
    const x = randn([16, 5], { generator: g });
    const y = randn([16, 2], { generator: g });
    const bias = (model.at(0) as Linear).bias!;
    for (let t = 0; t < 5; t++) {
      opt.zeroGrad();
      mseLoss(model.forward(x), y).backward();
      opt.step();
      const before = Array.from(bias.data);
      constraint.apply(model);
      assert.deepEqual(Array.from(bias.data), before);
      for (const l of [model.at(0), model.at(1)] as Linear[]) for (const n of unitNorms(l.weight)) assert.ok(n <= 0.5 + 1e-6, `unit norm ${n}`);
    }
  });

  it('per output filter of a convolution', () => {
    const conv = new Conv2d(3, 4, 3, { generator: new Generator(2) });
    conv.weight.data.forEach((_, i, d) => (d[i] *= 10));
    new MaxNorm(1).apply(conv);
    unitNorms(conv.weight).forEach((n) => assertClose(n, 1, { rtol: 1e-5 }));
  });

  it('unit norm rescales every unit to norm 1; non-negativity clamps at 0', () => {
    const lin = new Linear(3, 2, { bias: false, dtype: 'float64' });
    lin.weight.data.set([3, 0, 4, -1, 2, -2]);
    composeConstraints(new UnitNorm()).apply(lin);
    assertClose(lin.weight, [0.6, 0, 0.8, -1 / 3, 2 / 3, -2 / 3], { rtol: 1e-12 });
    new NonNeg().apply(lin);
    assertClose(lin.weight, [0.6, 0, 0.8, 0, 2 / 3, 0], { rtol: 1e-12 });
  });

  it('rejects bad options, naming them', () => {
    throwsWith(() => new MaxNorm(0), 'MaxNorm', 'maxValue', '> 0', '0');
    throwsWith(() => new MaxNorm(-2), 'maxValue', '-2');
    throwsWith(() => maxNormProject(tensor([[1, 2]]), 1, 2), 'dim', '2');
  });
});
