// The reproductions' tables share the report's number format: one notation and one number of
// decimals per column, mean ± std for per-seed cells, counts as integers, text untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formattedTable } from '../../src/lab/reproductions/table.js';

test('a numeric column gets one format; seeds give mean ± std; counts stay integers', () => {
  const t = formattedTable(['method', 'seeds', 'loss', 'accuracy (%)'], [
    ['adam', 3, [0.1, 0.2, 0.3], [90, 91, 92]],
    ['sgd', 3, [0.0001, 0.0001, 0.0001], [85.5, 85.5, 85.5]],
    ['baseline', 1, 1.5, null],
  ]);
  assert.deepEqual(t.headers, ['method', 'seeds', 'loss', 'accuracy (%)']);
  // loss spans more than three decades: scientific with 4 significant digits down the column.
  assert.deepEqual(t.rows.map((r) => r[2]), ['2.000e-1 ± 1.000e-1', '1.000e-4 ± 0', '1.500e+0']);
  assert.deepEqual(t.rows.map((r) => r[3]), ['91.00 ± 1.00', '85.50 ± 0.00', '-']);
  assert.deepEqual(t.rows.map((r) => r[1]), ['3', '3', '1']);
  assert.deepEqual(t.rows.map((r) => r[0]), ['adam', 'sgd', 'baseline']);
});

test('digits per column, text cells kept inside a numeric column, caption passed on', () => {
  const t = formattedTable(['a', 'b'], [[1.23456, ''], [2.5, 0.5]], { digits: { 0: 3 }, caption: 'c' });
  assert.deepEqual(t.rows, [['1.23', ''], ['2.50', '0.5000']]);
  assert.equal(t.caption, 'c');
  assert.throws(() => formattedTable(['a', 'b'], [[1]]), /formattedTable: row 0 has 1 cells for 2 headers/);
});
