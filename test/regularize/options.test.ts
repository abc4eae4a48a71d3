/**
 * Bad options get a clear error naming the option, what was expected and the value (unknown
 * keys included: a misspelt option must not silently fall back to its default), and the
 * regularizers are usable from a lab spec (`descent compare spec.yaml`): validated, expanded
 * and run through the lab's runner.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initBackend } from '../../src/backend/index.js';
import { runExperiment } from '../../src/lab/experiment.js';
import { expandSpec, validateSpec } from '../../src/lab/spec.js';
import { Linear, Sequential } from '../../src/nn/index.js';
import { Generator, ones, rand, tensor } from '../../src/tensor/index.js';
import {
  AlphaDropout, consistencyLoss, cutout, DecoupledWeightDecay, DropConnect, EarlyStopping, fgsm, fit, GaussianNoise, horizontalFlip,
  invertedDropout, l2Penalty, MaxNorm, mixup, pgd, pseudoLabelLoss, randomCrop, robustAccuracy, validateRegularization, WeightNoise,
} from '../../src/regularize/index.js';
import { throwsWith } from './fixtures.js';

before(() => initBackend({ quiet: true }));

describe('bad options', () => {
  const model = new Sequential(new Linear(4, 3, { generator: new Generator(0) }));
  const x = rand([2, 4], { generator: new Generator(1) });
  const y = tensor([0, 2]);

  it('out-of-range values name the method, the option, the valid range and the value', () => {
    throwsWith(() => invertedDropout(ones([2]), 1), 'invertedDropout: p must lie in [0, 1), got 1');
    throwsWith(() => new AlphaDropout(-0.2), 'AlphaDropout: p must lie in [0, 1), got -0.2');
    throwsWith(() => l2Penalty(-3), 'l2Penalty: coef must be >= 0, got -3');
    throwsWith(() => new MaxNorm(0), 'MaxNorm: maxValue must be > 0, got 0');
    throwsWith(() => fgsm(model, x, y, { epsilon: -0.1 }), 'fgsm: epsilon must be >= 0, got -0.1');
    throwsWith(() => new EarlyStopping({ patience: 1.5 }), 'EarlyStopping: patience must be a non-negative integer, got 1.5');
    throwsWith(() => pseudoLabelLoss(x, 1.2), 'threshold must lie in [0, 1], got 1.2');
    throwsWith(() => validateRegularization({ dropout: 1.5 }), 'regularization: dropout must lie in [0, 1), got 1.5');
  });

  it('unknown option keys are refused with the list of valid ones', () => {
    const g = 'generator' as const;
    throwsWith(() => invertedDropout(ones([2]), 0.5, { genrator: 1 } as never), "invertedDropout: unknown option 'genrator'", `'${g}'`);
    throwsWith(() => new AlphaDropout(0.1, { seed: 3 } as never), "AlphaDropout: unknown option 'seed'", "'generator'");
    throwsWith(() => new DropConnect(new Linear(2, 2), 0.5, { rate: 1 } as never), "DropConnect: unknown option 'rate'");
    throwsWith(() => l2Penalty(1e-3, { selct: 'all' } as never), "l2Penalty: unknown option 'selct'", "'select'");
    throwsWith(() => new DecoupledWeightDecay(1e-3, { exclude: 'bias' } as never), "unknown option 'exclude'");
    throwsWith(() => new MaxNorm(3, { axis: 1 } as never), "MaxNorm: unknown option 'axis'", "'select', 'dim'");
    throwsWith(() => new GaussianNoise(0.1, { sigma: 1 } as never), "GaussianNoise: unknown option 'sigma'");
    throwsWith(() => new WeightNoise(0.1, { std: 1 } as never), "WeightNoise: unknown option 'std'");
    throwsWith(() => randomCrop({ pad: 2 } as never), "randomCrop: unknown option 'pad'", "'padding'");
    throwsWith(() => horizontalFlip({ prob: 0.5 } as never), "horizontalFlip: unknown option 'prob'");
    throwsWith(() => cutout({ size: 4, count: 2 } as never), "cutout: unknown option 'count'", "'holes'");
    throwsWith(() => mixup({ numClasses: 3, beta: 1 } as never), "mixup: unknown option 'beta'", "'alpha'");
    throwsWith(() => fgsm(model, x, y, { epsilon: 0.1, eps: 0.1 } as never), "fgsm: unknown option 'eps'");
    throwsWith(() => pgd(model, x, y, { epsilon: 0.1, iterations: 3 } as never), "pgd: unknown option 'iterations'", "'steps'");
    throwsWith(() => robustAccuracy(model, { x, y }, { epsilon: 0.1, attak: 'pgd' } as never), "robustAccuracy: unknown option 'attak'");
    throwsWith(() => new EarlyStopping({ patient: 3 } as never), "EarlyStopping: unknown option 'patient'", "'patience'");
    throwsWith(() => pseudoLabelLoss(x, 0.9, { source: x } as never), "pseudoLabelLoss: unknown option 'source'", "'from'");
    throwsWith(() => consistencyLoss(x, x, { type: 'kl' } as never), "consistencyLoss: unknown option 'type'", "'kind'");
    throwsWith(() => validateRegularization({ dropuot: 0.5 } as never), "regularization: unknown option 'dropuot'", "'dropout'");
    throwsWith(() => validateRegularization({ augment: { flip: true, rotation: 10 } } as never), "regularization.augment: unknown option 'rotation'", "'rotate'");
    throwsWith(() => validateRegularization({ earlyStopping: { patience: 2, delta: 0.1 } } as never), "unknown option 'delta'", "'minDelta'");
    throwsWith(() => validateRegularization({ adversarial: { epsilon: 0.1, eps: 0.1 } } as never), "regularization.adversarial: unknown option 'eps'");
    const data = { x, y };
    throwsWith(() => fit(model, { kind: 'classification', numClasses: 3, train: data, test: data, epochs: 1, batchSize: 2, seed: 0, regularisation: {} } as never), "fit: unknown option 'regularisation'", "'regularization'");
  });

  it('attack() passes only its attack\'s options on (adversarial training options are not errors there)', () => {
    const adv = robustAccuracy(model, { x, y }, { attack: 'pgd', epsilon: 0.05, steps: 2, cleanWeight: 0.5, batchSize: 1, generator: new Generator(2) });
    assert.ok(adv.robust <= adv.clean + 1e-12);
  });
});

describe('regularizers in a lab spec (descent compare)', () => {
  const spec = {
    name: 'regularizers',
    tasks: [
      { name: 'regularize-fmnist', label: 'baseline', options: { trainLimit: 60, valLimit: 40, testLimit: 50, hidden: [16], epochs: 2, batchSize: 20, evalEvery: 1 } },
      { name: 'regularize-fmnist', label: 'L2 + dropout', options: { trainLimit: 60, valLimit: 40, testLimit: 50, hidden: [16], epochs: 2, batchSize: 20, evalEvery: 1, regularization: { l2: 0.003, dropout: 0.5, augment: { crop: 2, flip: true }, earlyStopping: { patience: 1 } } } },
    ],
    optimizers: ['adam'],
    seeds: 1,
  };

  it('a spec naming regularizers validates and expands into trials carrying the configuration', () => {
    const trials = expandSpec(validateSpec(spec));
    assert.equal(trials.length, 2);
    assert.deepEqual((trials[1].taskOptions as { regularization: unknown }).regularization, spec.tasks[1].options.regularization);
  });

  it('a bad value or an unknown field in the spec is refused before anything runs, naming the field', () => {
    const bad = (regularization: unknown) => ({ ...spec, tasks: [{ name: 'regularize-fmnist', options: { regularization } }] });
    throwsWith(() => expandSpec(validateSpec(bad({ dropout: 1.5 }))), 'tasks[0].options.regularization.dropout', 'dropout must lie in [0, 1), got 1.5');
    throwsWith(() => expandSpec(validateSpec(bad({ l2: -1 }))), 'regularization.l2', 'l2 must be >= 0, got -1');
    throwsWith(() => expandSpec(validateSpec(bad({ augment: { flip: true, rotation: 5 } }))), 'regularization.augment', 'rotation');
    throwsWith(() => expandSpec(validateSpec(bad({ dropuot: 0.5 }))), 'regularization', 'dropuot');
  });

  it('the lab runs the trials and records the train/test gap of each configuration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-regularize-spec-'));
    try {
      const trials = expandSpec(validateSpec(spec));
      const res = await runExperiment({ name: 'regularizers', kind: 'compare', outDir: dir, trials, command: 'test', workers: 0, quiet: true, log: () => {} });
      assert.equal(res.failed, 0);
      assert.equal(res.records.length, 2);
      for (const r of res.records) {
        assert.equal(r.status, 'done');
        assert.ok(Number.isFinite(r.final.gap as number), 'the gap is recorded');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
