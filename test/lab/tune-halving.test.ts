import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore, trialId, type TrialRecord } from '../../src/lab/index.js';
import { planStudies, promote, rungBudgets, runStudy, validateTuneSpec, type TrialRunner } from '../../src/lab/tune/index.js';

test('rung budgets grow by η up to the maximum; promotion keeps the best ⌊n/η⌋, never a failure', () => {
  assert.deepEqual(rungBudgets(1, 9, 3), [1, 3, 9]);
  assert.deepEqual(rungBudgets(1, 10, 3), [1, 3, 9, 10]);
  assert.deepEqual(rungBudgets(2, 2, 3), [2]);
  assert.deepEqual(rungBudgets(10, 90, 2), [10, 20, 40, 80, 90]);
  assert.deepEqual(promote([5, 1, null, 3, 2, 4, 6, 7, 8], 'min', 3), [1, 4, 3]);
  assert.deepEqual(promote([0.5, 0.9, 0.7], 'max', 2), [1]);
  assert.deepEqual(promote([null, null, 1], 'min', 3), [2]);
  assert.deepEqual(promote([null, null], 'min', 2), []);
});

/**
 * A synthetic task through the injectable runner: the loss of a configuration is
 * |log10(lr) + 2| + 10 / budget, so the ranking is known (lr = 0.01 best, then by distance to it)
 * and the budget only shifts every score alike.
 */
function syntheticRunner(calls: string[][]): TrialRunner {
  return async (o) => {
    calls.push(o.trials.map((t) => `${t.method.options.lr}@${t.taskOptions.steps}`));
    const records: TrialRecord[] = o.trials.map((config) => {
      const lr = config.method.options.lr as number;
      const loss = Math.abs(Math.log10(lr) + 2) + 10 / (config.taskOptions.steps as number);
      return { type: 'trial', id: trialId(config), status: 'done', config, final: { loss }, seconds: 0, finishedAt: '' };
    });
    return { records, ran: records.length, skipped: 0, failed: 0 };
  };
}

test('successive halving on a synthetic task with a known ranking: 9 → 3 → 1, the rest recorded as stopped', async () => {
  const spec = validateTuneSpec({
    tasks: [{ name: 'quadratic', options: { steps: 5 } }],
    optimizers: [{ name: 'sgd', search: { lr: { log: [1e-4, 1] } } }],
    search: { method: 'successive-halving', trials: 9, budget: { option: 'steps', min: 1, max: 9 }, eta: 3 },
    seeds: 2,
  });
  const plan = planStudies({ ...spec, name: 'sh' });
  const lrs = plan.studies[0].candidates.map((c) => c.lr as number);
  // The first Halton coordinate: 1/2, 1/4, 3/4, 1/8, 5/8, 3/8, 7/8, 1/16, 9/16 of four decades.
  assert.deepEqual(lrs, [0.01, 0.001, 0.1, 0.000316, 0.0316, 0.00316, 0.316, 0.000178, 0.0178]);
  const calls: string[][] = [];
  const dir = mkdtempSync(join(tmpdir(), 'descent-sh-'));
  const r = await runStudy(plan, { store: new RunStore(dir), runner: syntheticRunner(calls) });
  assert.deepEqual(calls.map((c) => c.length), [9, 3, 1, 2], 'rungs of 9, 3 and 1 configurations, then 2 final seeds');
  // Rung 2: the three closest to 0.01, best first: 0.01, 0.0178 (a quarter decade), 0.0316 (0.4997
  // decades; rounding to 3 digits puts 0.00316 at 0.5003, so it is stopped).
  assert.deepEqual(calls[1], ['0.01@3', '0.0178@3', '0.0316@3']);
  assert.deepEqual(calls[2], ['0.01@9']);
  assert.deepEqual(calls[3], ['0.01@9', '0.01@9'], 'the final runs get the full budget');
  const m = r.methods[0];
  assert.equal(m.best, 0);
  assert.deepEqual(m.candidates.map((c) => c.status), ['completed', 'stopped', 'stopped', 'stopped', 'stopped', 'stopped', 'stopped', 'stopped', 'stopped']);
  assert.deepEqual(m.candidates[0].budgets, [1, 3, 9]);
  assert.deepEqual(m.candidates[8].budgets, [1, 3], '0.0178 stopped at the second rung');
  assert.deepEqual(m.candidates[4].budgets, [1, 3], '0.0316 too');
  assert.deepEqual(m.candidates[5].budgets, [1], '0.00316 at the first');
  assert.equal(m.candidates[0].scores[2], 10 / 9);
  const study = JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8'));
  assert.deepEqual(study.methods[0].best, { lr: 0.01 });
  assert.equal(study.methods[0].candidates.filter((c: { status: string }) => c.status === 'stopped').length, 8);
});
