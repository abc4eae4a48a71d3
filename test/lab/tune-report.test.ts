import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lrSeries, studyTable, type MethodRow, type MethodStudyResult } from '../../src/lab/tune/index.js';

const study = (label: string, points: [number, number | null, number | null][]): MethodStudyResult =>
  ({
    study: { method: { label } },
    candidates: points.map(([lr, m, s]) => ({ options: { lr, momentum: m }, scores: [s], budgets: [null], status: 'completed', trialIds: [] })),
    best: 0,
    finals: [],
  }) as unknown as MethodStudyResult;

test('the sensitivity curve: per lr value the best score of its configurations, sorted by lr; failures left out', () => {
  const m = study('sgd', [
    [0.1, 0.9, 3],
    [0.01, 0.9, 5],
    [0.1, 0.5, 2],
    [1, 0.9, null],
  ]);
  assert.deepEqual(lrSeries([m], 'min'), [{ label: 'sgd', x: [0.01, 0.1], mean: [5, 2] }]);
  assert.deepEqual(lrSeries([m], 'max'), [{ label: 'sgd', x: [0.01, 0.1], mean: [5, 3] }]);
});

test('the DeepOBS-style table: performance over seeds, speed, tuneability and completed / stopped per method', () => {
  const rows: MethodRow[] = [
    { task: 't', method: 'sgd', tuned: 'lr=0.1', scores: [0.8, 0.82], time: { unit: 'epoch', at: 2, seconds: 1.5 }, tuneability: 0.25, completed: 4, stopped: 0 },
    { task: 't', method: 'adam', tuned: 'lr=0.001', scores: [0.7], time: { unit: 'epoch', at: null, seconds: null }, tuneability: 0.5, completed: 1, stopped: 8 },
  ];
  const t = studyTable(rows, 'testAccuracy', 0.75, 2);
  assert.deepEqual(t.headers, ['method', 'tuned configuration', 'performance: testAccuracy (mean ± std, 2 seeds)', 'speed: epochs to target 0.75', 'seconds to target', 'tuneability (share within 5% of best)', 'configurations (completed / stopped)']);
  assert.deepEqual(t.rows, [
    ['sgd', 'lr=0.1', '0.8100 ± 0.0141', '2', '1.5', '25%', '4 / 0'],
    ['adam', 'lr=0.001', '0.7000', 'not reached', '-', '50%', '1 / 8'],
  ]);
});
