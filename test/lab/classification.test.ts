import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel, evaluate, loadData, resolveMethod, runClassification } from '../../src/lab/index.js';

test('the classification tasks build, train and evaluate (logistic learns; MLP and CNN run)', () => {
  const base = { dataset: 'builtin' as const, trainLimit: 256, testLimit: 128, epochs: 2, batchSize: 32, hidden: [32], evalTrain: true, logPoints: 4 };
  const lr = runClassification('logistic', resolveMethod('sgd', { lr: 0.1 }), base, 0);
  assert.equal(lr.epochs!.epoch.length, 3, 'epoch 0 (untrained) and two epochs');
  assert.ok((lr.final.fullTrainLoss as number) < lr.epochs!.fullTrainLoss[0], 'training lowers the loss on the training set');
  assert.ok((lr.final.testAccuracy as number) > 0.3);
  assert.equal(lr.final.steps, 16);
  assert.ok(lr.steps!.loss.length >= 4);
  const mlp = runClassification('mlp', resolveMethod('adam', { lr: 1e-3 }), base, 1);
  assert.ok(Number.isFinite(mlp.final.trainLoss as number));
  const cnn = runClassification('cnn', resolveMethod('adashift'), { ...base, trainLimit: 64, testLimit: 32, epochs: 1 }, 2);
  assert.ok(Number.isFinite(cnn.final.testLoss as number));
  // The same seed gives the same model.
  const data = loadData('builtin', null, 64);
  assert.equal(evaluate(buildModel('mlp', [16], 5), data.test).loss, evaluate(buildModel('mlp', [16], 5), data.test).loss);
  // A diverging run stops and says so instead of carrying NaN.
  const bad = runClassification('mlp', resolveMethod('sgd', { lr: Infinity }), base, 0);
  assert.equal(bad.final.diverged, 1);
});
