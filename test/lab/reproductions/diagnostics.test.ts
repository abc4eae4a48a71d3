/**
 * The diagnostics reproductions at their quick scale: each claim that holds there is asserted
 * on the numbers, and the ones that do not are asserted to be reported as not holding (so a
 * report never states more than was measured). Trial ids are pinned, as for the others.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initBackend } from '../../../src/backend/index.js';
import { diagnosticsReproductions, diagnosticsTasks } from '../../../src/lab/catalog.js';
import { expandSpec, stableHash, trialId } from '../../../src/lab/index.js';
import type { TrialConfig, TrialRecord } from '../../../src/lab/trial.js';
import type { Reproduction } from '../../../src/lab/reproductions/types.js';
import { localMinima } from '../../../src/lab/reproductions/diagnostics/landscape.js';
import { stabilityThreshold } from '../../../src/lab/reproductions/diagnostics/edge-of-stability.js';

async function run(config: TrialConfig): Promise<TrialRecord> {
  const task = diagnosticsTasks.find((t) => t.name === config.task)!;
  const out = await task.run(config, task.schema.parse(config.taskOptions), {});
  return { type: 'trial', id: trialId(config), status: 'done', config, ...out, seconds: 0, finishedAt: '' };
}

async function quick(r: Reproduction) {
  const records: TrialRecord[] = [];
  for (const c of r.trials('quick')) records.push(await run(c));
  const analysis = await r.analyze(records, null, 'quick');
  const claim = (pattern: RegExp) => analysis.claims.filter((c) => pattern.test(c.claim));
  return { records, analysis, claim };
}

const byName = (name: string) => diagnosticsReproductions.find((r) => r.name === name)!;
const f = (r: TrialRecord | undefined, key: string) => r!.final[key] as number;

before(() => initBackend({ quiet: true }));

describe('reproductions (quick): diagnostics', () => {
  it('trial ids are pinned', () => {
    const ids: Record<string, string[]> = {};
    for (const r of diagnosticsReproductions) for (const s of ['full', 'quick'] as const) ids[`${r.name}:${s}`] = r.trials(s).map(trialId);
    assert.equal(Object.keys(ids).length, 10);
    assert.equal(stableHash(ids), 'b47dbcb0372de866');
  });

  it('thesis 3.D: spatial correlations under 0.01; Adam v_t tracks g_t² across coordinates; max-AdaShift decorrelated over time', async () => {
    const { records, analysis, claim } = await quick(byName('gradient-correlations'));
    const rec = (label: string) => records.find((r) => r.config.method.label === label);
    assert.ok(f(rec('Adam'), 'spatialMaxAbs') < 0.01, `spatial ${f(rec('Adam'), 'spatialMaxAbs')}`);
    assert.ok(f(rec('Adam'), 'secondMomentAcross') > 0.1);
    assert.ok(Math.abs(f(rec('max-AdaShift'), 'secondMomentNow')) < Math.min(0.05, f(rec('Adam'), 'secondMomentNow')));
    assert.ok(f(rec('Adam'), 'noiseScale') > 0, 'the noise scale at fixed parameters is positive');
    // What does not hold here is reported so: the lag-1 temporal correlation is clearly negative.
    assert.ok(rec('Adam')!.steps!.temporal[0] < -0.05);
    assert.equal(claim(/nearly uncorrelated/)[0].holds, false);
    assert.equal(claim(/Across coordinates too/)[0].holds, true);
    assert.equal(f(rec('non-AdaShift'), 'recordedSteps'), 0, 'non-AdaShift diverges on this MLP (issue 20 item 5)');
    assert.ok(claim(/non-AdaShift/).every((c) => !c.holds && /not measured/.test(c.detail)));
    assert.ok(analysis.tables[1].rows.length >= 20);
  });

  it('Keskar: at equal training loss the large-batch solution is sharper (ε-sharpness and λ₁)', async () => {
    const { records, claim } = await quick(byName('sharp-minima'));
    const m = (kind: string, key: string) => {
      const rs = records.filter((r) => r.config.tags?.kind === kind);
      return rs.reduce((s, r) => s + f(r, key), 0) / rs.length;
    };
    assert.ok(m('large batch', 'sharpness') > 1.5 * m('small batch', 'sharpness'));
    assert.ok(m('large batch', 'topEigenvalue') > 1.5 * m('small batch', 'topEigenvalue'));
    for (const kind of ['small batch', 'large batch']) assert.ok(m(kind, 'trainLoss') < 0.12, `${kind} trained to the target`);
    assert.equal(claim(/sharper minimum/)[0].holds, true);
    assert.equal(claim(/top Hessian eigenvalue is larger/)[0].holds, true);
  });

  it('landscape: skip connections lower λ₁ at every width; widening lowers it for the residual nets', async () => {
    const { analysis, claim } = await quick(byName('landscape'));
    assert.ok(claim(/Skip connections smooth the landscape at width/).every((c) => c.holds));
    assert.equal(claim(/Widening smooths the landscape \(residual\)/)[0].holds, true);
    assert.equal(analysis.plots.length, 4);
    assert.ok(analysis.plots.every((p) => p.svg.startsWith('<svg')));
  });

  it('mode connectivity: the line has a barrier, trained Bezier and polygonal curves almost none', async () => {
    const { records } = await quick(byName('mode-connectivity'));
    for (const r of records) {
      assert.ok(f(r, 'lineBarrier') > 0.1, `line barrier ${f(r, 'lineBarrier')}`);
      assert.ok(f(r, 'curveBarrier') < f(r, 'lineBarrier') / 5, `${r.config.tags?.kind} barrier ${f(r, 'curveBarrier')}`);
    }
  });

  it('edge of stability: λ₁ sharpens up to 2/lr and hovers there; from above it comes down', async () => {
    const { records, analysis } = await quick(byName('edge-of-stability'));
    assert.ok(analysis.claims.every((c) => c.holds), analysis.claims.filter((c) => !c.holds).map((c) => c.detail).join('; '));
    const slow = records.find((r) => r.config.method.options.lr === 0.05)!;
    assert.ok(f(slow, 'initialSharpness') < 0.9 * 40 && f(slow, 'maxSharpness') >= 40);
    assert.ok(Math.abs(f(slow, 'tailRatio') - 1) < 0.1);
  });

  it('edge-of-stability is a spec task: thresholds follow the method (2/lr, (2 + 2β)/lr)', async () => {
    const trials = expandSpec({ tasks: [{ name: 'edge-of-stability', options: { trainLimit: 50, width: 8, steps: 4, evalEvery: 2, lanczosIterations: 4 } }], optimizers: ['sgd', { name: 'sgd', options: { lr: 0.1, momentum: 0.5 } }, 'adam'], seeds: 1 } as never);
    assert.equal(trials.length, 3);
    const out = await Promise.all(trials.map(run));
    assert.equal(out[0].final.threshold, 40);
    assert.ok(Math.abs((out[1].final.threshold as number) - 30) < 1e-9);
    assert.equal(out[2].final.threshold, null);
    assert.deepEqual(out[0].epochs!.step, [0, 2, 4]);
    assert.equal(stabilityThreshold({ label: 'n', optimizer: 'sgd', options: { lr: 0.1, momentum: 0.5, nesterov: true } }), 3 / (0.1 * 2));
  });

  it('localMinima counts strict grid minima', () => {
    assert.equal(localMinima([[3, 2, 3], [2, 1, 2], [3, 2, 3]]), 1);
    assert.equal(localMinima([[1, 2, 1], [2, 3, 2], [1, 2, 1]]), 4);
  });
});
