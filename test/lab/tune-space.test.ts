import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candidatesOf, gridPoints, gridValues, planStudies, roundSignificant, toParam, tuneSpecSchema, validateTuneSpec, valueAt, type Param } from '../../src/lab/tune/index.js';

const search = (o: Record<string, unknown>) => tuneSpecSchema.shape.search.parse(o);

test('a grid enumerates log, linear, integer and choice params, the first varying slowest', () => {
  const params: Param[] = [toParam('lr', { log: [1e-3, 1e-1] }, 'lr'), toParam('momentum', { choice: [0.9, 0.99] }, 'momentum')];
  assert.deepEqual(gridValues(params[0], 3), [0.001, 0.01, 0.1]);
  assert.deepEqual(gridPoints(params, 3), [
    { lr: 0.001, momentum: 0.9 },
    { lr: 0.001, momentum: 0.99 },
    { lr: 0.01, momentum: 0.9 },
    { lr: 0.01, momentum: 0.99 },
    { lr: 0.1, momentum: 0.9 },
    { lr: 0.1, momentum: 0.99 },
  ]);
  assert.deepEqual(gridValues(toParam('lr', { log: [1e-4, 1e-1], points: 7 }, 'lr'), 3), [0.0001, 0.000316, 0.001, 0.00316, 0.01, 0.0316, 0.1]);
  assert.deepEqual(gridValues(toParam('w', { linear: [0, 10], integer: true }, 'w'), 3), [0, 5, 10]);
  assert.deepEqual(gridValues(toParam('b', [[0.9, 0.999], [0.9, 0.99]], 'b'), 5), [[0.9, 0.999], [0.9, 0.99]]);
});

test('unit coordinates map onto each scale, rounded to three significant digits', () => {
  assert.equal(roundSignificant(0.0031622776), 0.00316);
  assert.equal(valueAt(toParam('lr', { log: [1e-4, 1] }, 'lr'), 0.5), 0.01);
  assert.equal(valueAt(toParam('m', { linear: [0.5, 1] }, 'm'), 0.25), 0.625);
  const ints = toParam('k', { linear: [1, 3], integer: true }, 'k');
  assert.deepEqual([0, 0.33, 0.34, 0.67, 0.999].map((u) => valueAt(ints, u)), [1, 1, 2, 3, 3]);
  const choice = toParam('phi', { choice: ['max', 'none'] }, 'phi');
  assert.deepEqual([0, 0.49, 0.5, 0.99].map((u) => valueAt(choice, u)), ['max', 'max', 'none', 'none']);
  assert.throws(() => toParam('lr', { log: [0, 1] }, 'optimizers[0].search.lr'), /optimizers\[0\]\.search\.lr: a log range needs positive bounds/);
  assert.throws(() => toParam('lr', { linear: [2, 1] }, 'x'), /low <= high/);
});

test('quasi-random candidates: the lr of the first Halton coordinate (base 2, the same for every scrambling seed)', () => {
  const lr = [toParam('lr', { log: [1e-4, 1] }, 'lr')];
  const want = [0.01, 0.001, 0.1, 0.000316];
  for (const seed of [0, 7]) assert.deepEqual(candidatesOf(lr, search({ trials: 4, seed })).map((c) => c.lr), want);
  const sob = candidatesOf(lr, search({ trials: 4, sequence: 'sobol' })).map((c) => c.lr as number);
  assert.equal(sob.length, 4);
  for (const x of sob) assert.ok(x >= 1e-4 && x <= 1);
  // A digital shift keeps one point in each quarter of the log range.
  assert.deepEqual(sob.map((x) => Math.floor(Math.log10(x) + 4)).sort(), [0, 1, 2, 3]);
});

test('planning a spec: lr searched by default over DeepOBS range; options checked against the registry table', () => {
  const plan = planStudies({ ...validateTuneSpec({ tasks: ['quadratic'], optimizers: ['sgd', { name: 'adam', options: { lr: 0.01 } }], search: { method: 'grid', points: 8 } }), name: 't' });
  assert.deepEqual(plan.studies[0].params.map((p) => p.name), ['lr']);
  assert.deepEqual(plan.studies[0].candidates.map((c) => c.lr), [1e-5, 1e-4, 0.001, 0.01, 0.1, 1, 10, 100]);
  assert.equal(plan.studies[1].candidates.length, 1, "adam's lr is fixed: nothing to search");
  assert.equal(plan.metric, 'loss');
  assert.equal(plan.goal, 'min');
  assert.deepEqual(plan.seeds, [0, 1, 2]);
  assert.throws(
    () => planStudies({ ...validateTuneSpec({ tasks: ['quadratic'], optimizers: [{ name: 'adam', search: { lrr: { log: [1e-3, 1] } } }] }), name: 't' }, 's.yaml'),
    /s\.yaml: optimizers\[0\]\.search\.lrr: 'adam' has no option 'lrr'; its options: lr, /,
  );
  assert.throws(() => validateTuneSpec({ tasks: ['quadratic'], optimizers: ['sgd'], search: { method: 'asha' } }, 's.yaml'), /s\.yaml: search\.budget: asha needs a budget/);
  assert.throws(() => validateTuneSpec({ tasks: ['quadratic'], optimizers: ['sgd'], search: { method: 'random' } }, 's.yaml'), /s\.yaml: search\.method: .*grid.*quasirandom.*asha/);
  assert.throws(() => validateTuneSpec({ tasks: ['quadratic'], optimizers: ['sgd'], search: { method: 'asha', budget: { option: 'steps', min: 9, max: 3 } } }, 's'), /expected min <= max/);
  assert.throws(
    () => planStudies({ ...validateTuneSpec({ tasks: ['quadratic'], optimizers: ['sgd'], search: { method: 'asha', budget: { option: 'epochs', min: 1, max: 3 } } }), name: 't' }, 's'),
    /s: search\.budget\.option \(as 'epochs' of tasks\[0\]\)/,
  );
});
