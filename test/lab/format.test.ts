import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnFormat, fmtMeanStdColumn } from '../../src/lab/util.js';
import { summaryTable } from '../../src/lab/summary.js';
import type { Group } from '../../src/lab/aggregate.js';
import type { TrialRecord } from '../../src/lab/trial.js';

test('a column has one number format: no 8.0e-4 beside 0.00238', () => {
  // Small values: the whole column in scientific notation, same significant digits.
  assert.deepEqual(fmtMeanStdColumn([[8e-4], [0.00238]]), ['8.000e-4', '2.380e-3']);
  // With a value of 0.01 or more it is fixed-point for all, at the decimals of the largest.
  assert.deepEqual(fmtMeanStdColumn([[8e-4], [0.00238], [0.0134]]), ['0.00080', '0.00238', '0.01340']);
  // Ordinary values: fixed decimals from the largest, for means and stds alike.
  assert.deepEqual(fmtMeanStdColumn([[45.2, 45.8], [75.55, 75.55], [64]], 4), ['45.50 ± 0.42', '75.55 ± 0.00', '64.00']);
  assert.deepEqual(fmtMeanStdColumn([[0.339], [0.17], [0.0475]], 3), ['0.339', '0.170', '0.048']);
  // A column spanning more than three decades goes scientific as a whole.
  assert.deepEqual(fmtMeanStdColumn([[1200], [0.5]], 3), ['1.20e+3', '5.00e-1']);
  assert.deepEqual(fmtMeanStdColumn([[], [NaN], [1, 3]]), ['-', '-', '2.000 ± 1.414']);
  assert.equal(columnFormat([0, 0])(0), '0');
});

function record(label: string, seed: number, final: Record<string, number>, seconds: number): TrialRecord {
  return { config: { task: 'mlp', method: { label } as never, seed } as never, status: 'done', final, seconds } as unknown as TrialRecord;
}

test('summary tables put units in the headers and format each column alike', () => {
  const groups: Group[] = [
    { key: 'a', task: 'mlp', label: 'sgd', records: [record('sgd', 0, { trainLoss: 1.343, testAccuracy: 0.455, testLoss: 1.372 }, 0.77), record('sgd', 1, { trainLoss: 1.303, testAccuracy: 0.48, testLoss: 1.3 }, 0.8)] },
    { key: 'b', task: 'mlp', label: 'adam', records: [record('adam', 0, { trainLoss: 0.0008, testAccuracy: 0.7555, testLoss: 0.661 }, 0.29)] },
  ];
  const t = summaryTable('mlp', groups);
  assert.deepEqual(t.headers, ['method', 'seeds', 'final train loss (mean ± std)', 'test accuracy (%, mean ± std)', 'test loss (mean ± std)', 'time per trial (s, mean ± std)']);
  // The train-loss column holds 1.3 and 8e-4 (over three decades): scientific for both rows.
  assert.deepEqual(t.rows[0], ['sgd', '2', '1.323e+0 ± 2.828e-2', '46.75 ± 1.77', '1.336 ± 0.051', '0.785 ± 0.021']);
  assert.deepEqual(t.rows[1], ['adam', '1', '8.000e-4', '75.55', '0.661', '0.290']);
});
