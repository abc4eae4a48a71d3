import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mainJobDefaults, mainJobMethods, mainJobTrials, trialId } from '../../src/lab/index.js';
import { MAIN_JOB_METHODS, mainJobLrSection, mainJobTunedLrs, mainJobTuning } from '../../src/lab/mainjob.js';
import { loadTuneSpecFile, planStudies, trialOf } from '../../src/lab/tune/index.js';

test('the main job runs each method at the lr its committed study chose', () => {
  const lrs = Object.fromEntries(mainJobMethods().map((m) => [m.label, m.options.lr]));
  assert.deepEqual(lrs, { sgd: 0.316, momentum: 0.0316, nesterov: 0.0316, adam: 0.01, amsgrad: 0.01, adashift: 0.01 });
  assert.equal(mainJobMethods().find((m) => m.label === 'momentum')!.options.momentum, 0.9);
  assert.equal(mainJobTuning.spec, 'src/lab/tuned/mainjob.yaml');
});

test("provenance: every tuned lr is a grid point of the study, not on its range's edge, and the main job's trials are the study's final runs", () => {
  const spec = loadTuneSpecFile(mainJobTuning.spec);
  const plan = planStudies(spec, mainJobTuning.spec);
  assert.deepEqual(plan.studies.map((s) => s.method.label), [...MAIN_JOB_METHODS]);
  assert.equal(plan.metric, 'testAccuracy');
  assert.deepEqual(plan.spec.tuningSeeds, [0, 1]);
  assert.deepEqual(plan.studies[0].tuneTaskOptions.holdout, 1000, 'tuned on a validation split');
  for (const s of plan.studies) {
    const grid = s.candidates.map((c) => c.lr as number);
    const lr = mainJobTunedLrs[s.method.label].lr;
    const at = grid.indexOf(lr);
    assert.ok(at > 0 && at < grid.length - 1, `${s.method.label}: lr ${lr} inside the grid ${grid.join(', ')}`);
  }
  // Same task options, method options and seeds: the same trial ids as the study's final runs.
  const finals = plan.studies.flatMap((s) => plan.seeds.map((seed) => trialId(trialOf(s, { lr: mainJobTunedLrs[s.method.label].lr }, seed, { tuning: false }))));
  assert.deepEqual(mainJobTrials(mainJobDefaults).map(trialId), finals);
});

test("the main report's lr section carries each method's tuned lr and the one it replaced", () => {
  const t = mainJobLrSection().tables![0];
  assert.deepEqual(t.headers, ['method', 'tuned lr', 'validation accuracy (%) at it', 'lr before tuning']);
  assert.deepEqual(t.rows.find((r) => r[0] === 'adam'), ['adam', '0.01', '82.1', '0.001']);
  assert.match(mainJobLrSection().text![0], /descent tune src\/lab\/tuned\/mainjob\.yaml/);
});
