/**
 * Reduced versions of the regularization reproductions (the 'quick' scale: small models, few
 * epochs, fixed seeds, two seeds averaged) asserting the direction each one claims, and their
 * analysis (tables, plots, claims) on the records they produce.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initBackend } from '../../../src/backend/index.js';
import type { TrialConfig, TrialRecord } from '../../../src/lab/trial.js';
import { adversarialTraining, adversarialTrials } from '../../../src/lab/reproductions/regularize/adversarial.js';
import { FMNIST_REGULARIZERS, fmnistTrials, regularizationFmnist } from '../../../src/lab/reproductions/regularize/overfit-fmnist.js';
import { REGRESSION_REGULARIZERS, regressionTrials, regularizationRegression } from '../../../src/lab/reproductions/regularize/overfit-regression.js';
import { pseudoLabeling, semiSupervisedTrials } from '../../../src/lab/reproductions/regularize/semi-supervised.js';
import { regularizationTasks } from '../../../src/lab/catalog.js';

function run(config: TrialConfig): TrialRecord {
  const task = regularizationTasks.find((t) => t.name === config.task)!;
  const options = task.schema.parse(config.taskOptions);
  const t0 = performance.now();
  const out = task.run(config, options, {}) as ReturnType<typeof task.run> & { final: Record<string, number> };
  return { type: 'trial', id: `${config.task}-${config.seed}-${config.tags?.regularizer}`, status: 'done', config, ...(out as object), final: (out as { final: Record<string, number> }).final, seconds: (performance.now() - t0) / 1000, finishedAt: new Date().toISOString() } as TrialRecord;
}

function meanGap(records: TrialRecord[], key: string): number {
  const rs = records.filter((r) => r.config.tags?.regularizer === key);
  assert.ok(rs.length > 0, `no trials for ${key}`);
  return rs.reduce((s, r) => s + (r.final.gap as number), 0) / rs.length;
}

before(() => initBackend({ quiet: true }));

describe('reproduction (reduced): regularization on an over-fitting MLP on Fashion-MNIST', () => {
  let records: TrialRecord[] = [];
  before(() => {
    records = fmnistTrials('quick').map(run);
  });

  it('every method narrows the train/test loss gap against the baseline (mean of 2 seeds)', () => {
    const base = meanGap(records, 'baseline');
    assert.ok(base > 0.5, `the baseline over-fits (gap ${base})`);
    for (const r of FMNIST_REGULARIZERS.slice(1)) {
      const gap = meanGap(records, r.key);
      assert.ok(gap < base, `${r.label}: gap ${gap.toFixed(4)} should be below the baseline's ${base.toFixed(4)}`);
    }
  });

  it('the analysis tabulates every method and checks one claim per method, all holding', async () => {
    const a = await regularizationFmnist.analyze(records, null, 'quick');
    assert.equal(a.tables[0].rows.length, FMNIST_REGULARIZERS.length);
    assert.equal(a.claims.length, FMNIST_REGULARIZERS.length - 1);
    assert.ok(a.claims.every((c) => c.holds), a.claims.filter((c) => !c.holds).map((c) => c.detail).join('; '));
    assert.ok(a.plots.length >= 4 && a.plots.every((p) => p.svg.startsWith('<svg')));
    assert.equal(typeof a.figures['gap.baseline'], 'number');
  });
});

describe('reproduction (reduced): regularization on the noisy 1D regression', () => {
  let records: TrialRecord[] = [];
  before(() => {
    records = regressionTrials('quick').map(run);
  });

  it('every method narrows the train/test MSE gap against the baseline', async () => {
    const base = meanGap(records, 'baseline');
    assert.ok(base > 0.05, `the baseline over-fits (gap ${base})`);
    for (const r of REGRESSION_REGULARIZERS.slice(1)) {
      const gap = meanGap(records, r.key);
      assert.ok(gap < base, `${r.label}: gap ${gap.toFixed(4)} should be below the baseline's ${base.toFixed(4)}`);
    }
    const a = await regularizationRegression.analyze(records, null, 'quick');
    assert.ok(a.claims.every((c) => c.holds));
    assert.ok(a.plots.some((p) => p.name === 'regression-fits'));
  });
});

describe('reproduction (reduced): adversarial training', () => {
  it('FGSM adversarial training raises accuracy under FGSM', async () => {
    const records = adversarialTrials('quick').map(run);
    const acc = (key: string): number => records.find((r) => r.config.tags?.regularizer === key)!.final['fgsmAccuracy@0.1'] as number;
    assert.ok(acc('fgsm') > acc('baseline') + 0.05, `FGSM-trained ${acc('fgsm')} vs standard ${acc('baseline')}`);
    const a = await adversarialTraining.analyze(records, null, 'quick');
    assert.ok(a.claims[0].holds, a.claims[0].detail);
  });
});

describe('reproduction (reduced): semi-supervised learning with 10% of the labels', () => {
  it('pseudo-labeling (and entropy minimization) beat training on the labeled tenth alone: Gaussian clusters and Fashion-MNIST', async () => {
    const records = semiSupervisedTrials('quick').map(run);
    const acc = (setting: string, variant: string): number => {
      const rs = records.filter((r) => r.config.tags?.setting === setting && r.config.tags?.variant === variant);
      assert.ok(rs.length > 0, `no trials for ${setting}/${variant}`);
      return rs.reduce((s, r) => s + (r.final.testAccuracy as number), 0) / rs.length;
    };
    assert.ok(acc('clusters', 'pseudo-label') > acc('clusters', 'none'), `clusters: pseudo-labels ${acc('clusters', 'pseudo-label')} vs labeled only ${acc('clusters', 'none')}`);
    assert.ok(acc('clusters', 'entropy') > acc('clusters', 'none'), `clusters: entropy minimization ${acc('clusters', 'entropy')} vs labeled only ${acc('clusters', 'none')}`);
    // Fashion-MNIST, 600 labels + 5,400 unlabeled, Lee's schedule, one seed (the full run has five).
    // At one seed the two arms end within about half a point, and which one is ahead depends on
    // the BLAS kernel's rounding: on the AMD EPYC machine of earlier runs pseudo-labels won, on an
    // Intel Xeon with AVX-512 the labeled-only arm wins by 0.5 points (78.6 vs 79.1 %). One seed cannot carry
    // the claim, so the quick run only checks that the report judges it and names both figures;
    // the full run judges it over five seeds.
    assert.ok(Math.abs(acc('fmnist', 'pseudo-label') - acc('fmnist', 'none')) < 0.03, `Fashion-MNIST: pseudo-labels ${acc('fmnist', 'pseudo-label')} vs labeled only ${acc('fmnist', 'none')}`);
    const a = await pseudoLabeling.analyze(records, null, 'quick');
    assert.equal(a.claims.length, 3);
    const [fmnist, ...clusters] = [...a.claims].sort((p, q) => Number(q.claim.startsWith('Fashion')) - Number(p.claim.startsWith('Fashion')));
    assert.ok(fmnist.claim.startsWith('Fashion-MNIST') && /% vs .*% on average; per seed [+-]/.test(fmnist.detail), fmnist.detail);
    assert.ok(clusters.every((c) => c.holds), clusters.map((c) => c.detail).join('; '));
  });
});
