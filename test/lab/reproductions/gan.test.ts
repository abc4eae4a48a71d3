/**
 * Reduced versions of the GAN reproductions (tiny models, few steps, fixed seeds), asserting
 * the direction of each claim. The full versions run with `descent reproduce NAME`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ganReproductions, ganTasks } from '../../../src/lab/catalog.js';
import { criticDrift } from '../../../src/lab/reproductions/gan/critic-drift.js';
import { criticOptimizers } from '../../../src/lab/reproductions/gan/critic-optimizers.js';
import { fixedPoints } from '../../../src/lab/reproductions/gan/fixed-points.js';
import { mixtureModes } from '../../../src/lab/reproductions/gan/mixture-modes.js';
import { optimalDirection } from '../../../src/lab/reproductions/gan/optimal-direction.js';
import { spearman, surveyTable } from '../../../src/lab/reproductions/gan/survey-table.js';
import type { Analysis, Claim } from '../../../src/lab/reproductions/types.js';
import { fastBackend, reproduce } from '../../gan/helpers.js';

fastBackend();

function claim(a: Analysis, pattern: RegExp): Claim {
  const c = a.claims.find((x) => pattern.test(x.claim));
  assert.ok(c, `no claim matching ${pattern}; claims: ${a.claims.map((x) => x.claim).join(' | ')}`);
  return c;
}

function holds(a: Analysis, pattern: RegExp): void {
  const c = claim(a, pattern);
  assert.ok(c.holds, `${c.claim}: ${c.detail}`);
}

test('the six reproductions and their tasks are declared for the lab', () => {
  assert.deepEqual(ganReproductions.map((r) => r.name), ['gan-fixed-points', 'gan-optimal-direction', 'gan-critic-drift', 'gan-mixture-modes', 'gan-critic-optimizers', 'gan-survey-table']);
  const tasks = new Set(ganTasks.map((t) => t.name));
  for (const r of ganReproductions) for (const scale of ['quick', 'full'] as const) for (const c of r.trials(scale)) assert.ok(tasks.has(c.task), `${r.name}: task ${c.task}`);
  assert.equal(surveyTable.trials('full').length, 14);
});

test('figure 2-2: MaxGP converges to the optimal critic; GP oscillates more; SN stops short', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'descent-gan-fig22-'));
  const { analysis } = await reproduce(fixedPoints, 'quick', { plotDir: dir });
  holds(analysis, /^MaxGP converges to the optimal critic/);
  holds(analysis, /^GP oscillates: over the second half its gradients/);
  holds(analysis, /^GP oscillates: its critic’s value gaps/);
  holds(analysis, /^SN does not reach the optimal critic/);
  assert.ok(analysis.figures['maxgp:cosPartner']! > 0.9);
  assert.ok(existsSync(join(dir, 'fig2-2-maxgp-600.png')) && existsSync(join(dir, 'fig2-2-cos-partner.svg')));
});

test('figure 2-4: for each LGAN loss metric the critic’s gradients at the fake samples point at real samples', async () => {
  const { analysis } = await reproduce(optimalDirection, 'quick', { adjust: (c) => ({ ...c, taskOptions: { ...c.taskOptions, steps: 250 } }) });
  assert.equal(analysis.claims.length, 4);
  for (const c of analysis.claims) assert.ok(c.holds, `${c.claim}: ${c.detail}`);
  for (const m of ['linear', 'logsigmoid', 'sqrt', 'exp']) assert.ok(analysis.figures[`${m}:cosBest`]! > 0.9, m);
});

test('§2.6.4: the WGAN critic’s level drifts more than the LGAN critic’s', async () => {
  const { analysis } = await reproduce(criticDrift, 'quick', { adjust: (c) => (c.taskOptions.variant === 'wgan-gp' ? null : c) });
  holds(analysis, /^Every WGAN critic’s level moves more/);
  holds(analysis, /^With the same penalty \(MaxGP\)/);
});

test('mixtures: the LGAN with MaxGP covers at least as many modes of the ring and of the grid as the original GAN', async () => {
  const { analysis } = await reproduce(mixtureModes, 'quick', { adjust: (c) => (['gan', 'lgan-maxgp'].includes(c.taskOptions.variant as string) ? { ...c, taskOptions: { ...c.taskOptions, iterations: 200, evalEvery: 100 } } : null) });
  holds(analysis, /^ring: the LGAN with MaxGP covers at least as many modes/);
  holds(analysis, /^grid: the LGAN with MaxGP covers at least as many modes/);
  assert.ok(analysis.figures['ring:lgan-maxgp:modesCovered']! >= 4);
  assert.ok(analysis.figures['grid:lgan-maxgp:modesCovered']! > analysis.figures['grid:gan:modesCovered']!);
});

test('figure 3-7a: with the generator fixed, AdaShift lowers the WGAN-GP critic loss below Adam’s', async () => {
  const { analysis } = await reproduce(criticOptimizers, 'quick', { adjust: (c) => ({ ...c, taskOptions: { ...c.taskOptions, steps: 100 } }) });
  holds(analysis, /^AdaShift reaches a lower critic loss than Adam/);
  // AMSGrad's claim is not asserted here: while Adam's v still grows from 0 (the first
  // ~1/(1 - β2) = 1000 steps) AMSGrad's max(v) is almost always v itself, so at 100 steps the
  // two losses differ by about 1e-7, rounding's size. The full run (1,500 steps) reports it.
  assert.equal(analysis.tables[0].rows.length, 3);
});

test('survey tables 1 and 2: a reduced DCGAN table scored with the descent classifier, beside the survey’s numbers', async () => {
  const { analysis } = await reproduce(surveyTable, 'quick', { adjust: (c) => (c.taskOptions.row === 'lgan-maxgp' ? null : { ...c, taskOptions: { ...c.taskOptions, iterations: 30 } }) });
  holds(analysis, /^Every method trains/);
  const t = analysis.tables[0];
  assert.deepEqual(t.rows.map((r) => r[0]), ['wgan-gp', 'sn']);
  assert.equal(t.rows[0][4], '6.68±0.06');
  assert.equal(t.rows[1][6], '25.5');
  assert.ok(Number.isFinite(analysis.figures['sn:fid']!) && Number.isFinite(analysis.figures['sn:is']!));
  assert.equal(spearman([1, 2, 3], [10, 30, 20]), 0.5);
  assert.equal(spearman([1, 2, 3], [3, 2, 1]), -1);
});
