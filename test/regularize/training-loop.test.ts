/**
 * The training loop of docs/regularization.md, as written there (through the package root):
 * each regularizer is one or two lines in a hand-written loop.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossEntropy, createOptimizer, DataLoader, Generator, nn, noGrad, rand, regularize as R, Tensor } from '../../src/index.js';

describe('regularizers in a hand-written training loop (the docs example)', () => {
  it('augmentation, L2, label smoothing, max-norm and early stopping, one or two lines each', () => {
    const g = new Generator(0);
    // 64 random 1×12×12 "images" of 3 classes; the class shifts the mean so there is something to learn
    const y = new Tensor(Float32Array.from({ length: 64 }, (_, i) => i % 3), [64]);
    const x = rand([64, 1, 12, 12], { generator: g }).add(y.reshape([64, 1, 1, 1]).mul(0.3));
    const train = { x: x.narrow(0, 0, 48), y: y.narrow(0, 0, 48) };
    const val = { x: x.narrow(0, 48, 16), y: y.narrow(0, 48, 16) };
    const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(144, 32, { generator: g }), new nn.ReLU(), new nn.Linear(32, 3, { generator: g }));

    const loader = new DataLoader(train, {
      batchSize: 16, shuffle: true, seed: 0,
      augment: R.composeAugment(R.randomCrop({ padding: 2 }), R.horizontalFlip(), R.cutout({ size: 4 })),
    });
    const l2 = R.l2Penalty(1e-4);
    const maxNorm = new R.MaxNorm(1.5);
    const stopper = new R.EarlyStopping({ patience: 3 });
    const opt = createOptimizer('adam', model.parameters(), { lr: 1e-2 });
    const validationLoss = (): number => noGrad(() => crossEntropy(model.forward(val.x), val.y).item());

    let epochs = 0;
    for (let epoch = 0; epoch < 40; epoch++) {
      model.train();
      for (const { x: bx, y: by } of loader) {
        opt.zeroGrad();
        const loss = crossEntropy(model.forward(bx), by, { labelSmoothing: 0.1 }).add(l2.loss(model));
        loss.backward();
        opt.step();
        maxNorm.apply(model);
      }
      epochs++;
      model.eval();
      if (stopper.step(validationLoss(), model)) break;
    }
    assert.ok(stopper.restore(model), 'the best weights are restored');
    assert.ok(Math.abs(validationLoss() - stopper.bestValue) < 1e-6, 'the restored model has the best validation loss');
    for (const n of R.unitNorms((model.at(1) as nn.Linear).weight)) assert.ok(n <= 1.5 + 1e-5, `unit norm ${n} within the max-norm ball`);
    assert.ok(epochs >= 2);
  });
});
