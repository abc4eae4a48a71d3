import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Generator, rand, tensor } from '../../src/tensor/index.js';
import { DropConnect, GaussianNoise, InvertedDropout, augmentationOf, buildMLP, describeRegularization, regularizationSchema, validateRegularization } from '../../src/regularize/index.js';
import { throwsWith } from './fixtures.js';

describe('the regularization configuration', () => {
  it('validates every field with a message naming it, its range and the value', () => {
    throwsWith(() => validateRegularization({ dropout: 1 }), 'dropout', '[0, 1)', 'got 1');
    throwsWith(() => validateRegularization({ l2: -0.01 }), 'l2', '>= 0', '-0.01');
    throwsWith(() => validateRegularization({ labelSmoothing: 2 }), 'labelSmoothing', '[0, 1]', '2');
    throwsWith(() => validateRegularization({ earlyStopping: { patience: -3 } }), 'patience', 'non-negative integer', '-3');
    throwsWith(() => validateRegularization({ adversarial: { epsilon: -0.1 } }), 'epsilon', '>= 0', '-0.1');
    throwsWith(() => validateRegularization({ augment: { cutout: 0 } }), 'cutout', 'positive integer', '0');
    assert.deepEqual(validateRegularization({}), {});
  });

  it('the zod schema reports the field path and the same message; unknown fields are refused', () => {
    const bad = regularizationSchema.safeParse({ dropout: 1.2 });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error!.issues[0].path, ['dropout']);
    assert.match(bad.error!.issues[0].message, /dropout must lie in \[0, 1\), got 1\.2/);
    const nested = regularizationSchema.safeParse({ earlyStopping: { patience: -1 } });
    assert.deepEqual(nested.error!.issues[0].path, ['earlyStopping', 'patience']);
    assert.equal(regularizationSchema.safeParse({ dropuot: 0.5 }).success, false);
    assert.equal(regularizationSchema.safeParse({ l2: 1e-3, augment: { crop: 2, flip: true } }).success, true);
  });

  it('describes a configuration in a short label', () => {
    assert.equal(describeRegularization({}), 'baseline');
    assert.equal(describeRegularization({ l2: 0.001, dropout: 0.5 }), 'L2 0.001 + dropout 0.5');
    assert.equal(describeRegularization({ augment: { crop: 2, flip: true }, earlyStopping: { patience: 5 } }), 'augment (crop 2, flip) + early stopping (patience 5)');
  });

  it('buildMLP puts dropout, hidden noise and DropConnect in the model; augmentationOf composes the batch augmentations', () => {
    const m = buildMLP({ inputs: 4, hidden: [8, 8], outputs: 2, generator: new Generator(1), regularization: { dropout: 0.5, inputDropout: 0.2, hiddenNoise: 0.1, dropConnect: 0.3 } });
    const kinds = m.children().map((c) => c.constructor.name);
    assert.deepEqual(kinds, ['InvertedDropout', 'DropConnect', 'ReLU', 'GaussianNoise', 'InvertedDropout', 'DropConnect', 'ReLU', 'GaussianNoise', 'InvertedDropout', 'Linear']);
    assert.ok(m.children()[1] instanceof DropConnect && m.children()[3] instanceof GaussianNoise && m.children()[0] instanceof InvertedDropout);
    assert.equal(augmentationOf({}), undefined);
    const aug = augmentationOf({ augment: { crop: 1, flip: true, mixup: 0.4 }, inputNoise: 0.1 }, 3)!;
    const out = aug({ x: rand([4, 1, 5, 5], { generator: new Generator(2) }), y: tensor([0, 1, 2, 0]) }, new Generator(3));
    assert.deepEqual(out.x.shape, [4, 1, 5, 5]);
    assert.deepEqual(out.y.shape, [4, 3]);
    throwsWith(() => augmentationOf({ augment: { mixup: 1 } }), 'mixup', 'classification');
  });
});
