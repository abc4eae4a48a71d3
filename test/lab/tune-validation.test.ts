import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeTrial, resolveMethod } from '../../src/lab/index.js';

test('holdout: the last N training examples become the evaluation split; too many is an error saying how many there are', async () => {
  const base = { dataset: 'builtin', epochs: 1, hidden: [8], trainLimit: 300 };
  const r = await executeTrial({ task: 'mlp', taskOptions: { ...base, holdout: 100 }, method: resolveMethod('adam', { lr: 0.001 }), seed: 0 });
  assert.equal(r.status, 'done');
  assert.match(String(r.extra?.data), /validation: the last 100 training examples, trained on the first 200/);
  assert.equal(r.final.steps, 4, '200 training examples in batches of 64');
  const plain = await executeTrial({ task: 'mlp', taskOptions: base, method: resolveMethod('adam', { lr: 0.001 }), seed: 0 });
  assert.equal(plain.final.steps, 5, 'all 300');
  assert.notEqual(plain.final.testAccuracy, r.final.testAccuracy);
  const bad = await executeTrial({ task: 'mlp', taskOptions: { ...base, holdout: 300 }, method: resolveMethod('adam', { lr: 0.001 }), seed: 0 });
  assert.equal(bad.status, 'failed');
  assert.match(bad.error ?? '', /holdout: 300 validation examples leave none of the 300 training examples to train on; expected fewer than 300/);
});
