import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performanceProfiles, profileTaus, timeToTarget, tuneability } from '../../src/lab/tune/index.js';
import type { TrialRecord } from '../../src/lab/index.js';

test('performance profiles by hand: the share of tasks within τ of the best cost', () => {
  // Three tasks x three methods; Infinity: the target never reached.
  const cost = [
    [10, 20, Infinity], // ratios 1, 2, inf
    [30, 15, 45], //       ratios 2, 1, 3
    [Infinity, Infinity, Infinity], // solved by none: counts against all
  ];
  assert.deepEqual(performanceProfiles(cost, [1, 2, 3]), [
    [1 / 3, 2 / 3, 2 / 3],
    [1 / 3, 2 / 3, 2 / 3],
    [0, 0, 1 / 3],
  ]);
  // A cost of 0 (met at the start) is the best; only another 0 ties with it.
  assert.deepEqual(performanceProfiles([[0, 0, 5]], [1, 100]), [[1, 1], [1, 1], [0, 0]]);
  const taus = profileTaus(10, 3);
  assert.deepEqual(taus, [1, 3.16228, 10]);
});

test('tuneability: the share of configurations within 5% of the best (failures count as not within)', () => {
  assert.equal(tuneability([0.8, 0.79, 0.5, null], 'max'), 0.5);
  assert.equal(tuneability([1.0, 1.04, 1.06, 2], 'min'), 0.5);
  assert.equal(tuneability([null, null], 'min'), 0);
});

const record = (acc: number[], time: number[]): TrialRecord => ({
  type: 'trial',
  id: 'x',
  status: 'done',
  config: { task: 'mlp', taskOptions: {}, method: { label: 'm', optimizer: 'sgd', options: {} }, seed: 0 },
  epochs: { epoch: acc.map((_, i) => i), testAccuracy: acc, time },
  final: { testAccuracy: acc[acc.length - 1] },
  seconds: 1,
  finishedAt: '',
});

test('time to target: the first epoch where the mean curve over seeds reaches it, with its mean seconds', () => {
  const rs = [record([0.1, 0.5, 0.7, 0.8], [0, 1, 2, 3]), record([0.1, 0.6, 0.8, 0.85], [0, 1.5, 3, 4.5])];
  // Mean curve 0.1, 0.55, 0.75, 0.825: 0.7 is first reached at epoch 2.
  assert.deepEqual(timeToTarget(rs, 'testAccuracy', 0.7, 'max'), { unit: 'epoch', at: 2, seconds: 2.5 });
  assert.deepEqual(timeToTarget(rs, 'testAccuracy', 0.9, 'max'), { unit: 'epoch', at: null, seconds: null });
  assert.equal(timeToTarget(rs, 'nothing', 0.9, 'max'), null);
});
