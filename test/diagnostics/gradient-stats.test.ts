/**
 * Gradient statistics on constructed sequences whose correlations are known: white noise
 * (ρ = 0 at every lag), an AR(1) process (ρ(n) = φⁿ), a copy of one coordinate into another one
 * step later (spatial ρ = 1), and Adam's v_t, which holds (1 − β₂) g_t² and so correlates with it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GradientMonitor, laggedCorrelation, noiseScaleFromGradients, pearson, spatialCorrelation } from '../../src/diagnostics/gradient-stats.js';
import { createOptimizer, fit, Linear, ReLU, Sequential, Tensor, twoMoons } from '../../src/index.js';
import { Generator } from '../../src/tensor/index.js';

function noiseRows(steps: number, width: number, seed: number): Float64Array[] {
  const g = new Generator(seed);
  return Array.from({ length: steps }, () => Float64Array.from({ length: width }, () => g.normal()));
}

describe('diagnostics: gradient statistics', () => {
  it('pearson gives ±1 for linear relations, 0 for orthogonal centred series, NaN for a constant', () => {
    assert.equal(pearson([1, 2, 3, 4], [3, 5, 7, 9]), 1);
    assert.equal(pearson([1, 2, 3, 4], [4, 3, 2, 1]), -1);
    assert.equal(pearson([1, -1, 1, -1], [1, 1, -1, -1]), 0);
    assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
    assert.throws(() => pearson([1, 2], [1]), /2 and 1 values/);
  });

  it('white noise is uncorrelated in time and across coordinates; an AR(1) process has ρ(n) = φⁿ', () => {
    const rows = noiseRows(4000, 20, 1);
    for (const lag of [1, 3]) {
      assert.ok(Math.abs(laggedCorrelation(rows, rows, lag)) < 0.01, `temporal lag ${lag}`);
      assert.ok(Math.abs(spatialCorrelation(rows, lag, 200)) < 0.01, `spatial lag ${lag}`);
    }
    const phi = 0.8;
    const ar = [rows[0]];
    for (let t = 1; t < rows.length; t++) ar.push(ar[t - 1].map((x, i) => phi * x + Math.sqrt(1 - phi * phi) * rows[t][i]));
    assert.ok(Math.abs(laggedCorrelation(ar, ar, 1) - phi) < 0.02);
    assert.ok(Math.abs(laggedCorrelation(ar, ar, 2) - phi * phi) < 0.03);
    assert.equal(laggedCorrelation(ar, ar, 0), 1);
  });

  it('spatial correlation sees a coordinate copied into another one step later', () => {
    const base = noiseRows(500, 1, 2);
    const rows = base.map((r, t) => Float64Array.from([r[0], t > 0 ? base[t - 1][0] : 0]));
    // Pairs are (i, j) with i ≠ j: (0, 1) has ρ(g_t[0], g_{t-1}[1]) = ρ(x_t, x_{t-2}) ≈ 0, (1, 0) has ρ(x_{t-1}, x_{t-1}) = 1.
    const r = spatialCorrelation(rows, 1, 400, 0);
    assert.ok(Math.abs(r - 0.5) < 0.1, `mean over both orders ≈ (0 + 1)/2, got ${r}`);
  });

  it('noiseScaleFromGradients recovers tr Σ / |G|² from batch gradients of known noise', () => {
    const g = new Generator(3);
    const G = Float64Array.from({ length: 10 }, (_, i) => (i % 2 ? 1 : -1) * 0.5);
    const perExampleStd = 2;
    const B = 16;
    const grads = Array.from({ length: 4000 }, () => G.map((x) => x + (perExampleStd / Math.sqrt(B)) * g.normal()));
    const r = noiseScaleFromGradients(grads, B);
    const want = (10 * perExampleStd ** 2) / (10 * 0.25);
    assert.ok(Math.abs(r.noiseScale - want) / want < 0.1, `B_simple ${r.noiseScale} vs ${want}`);
    assert.ok(Math.abs(r.gradNormSq - 2.5) < 0.2);
    assert.throws(() => noiseScaleFromGradients([G], B), /at least 2/);
  });

  it("in a manual loop, Adam's v_t correlates with g_t² and not with g²_{t-5} of white-noise gradients", () => {
    const p = new Tensor(new Float32Array(50), [50]).requiresGrad_();
    const opt = createOptimizer('adam', [p], { lr: 1e-3, betas: [0.9, 0.5] });
    const monitor = new GradientMonitor({ params: [p], coordinates: 50, noiseWindow: 0 });
    const g = new Generator(4);
    for (let t = 0; t < 400; t++) {
      p.grad = new Tensor(Float32Array.from({ length: 50 }, () => g.normal()), [50]);
      monitor.recordGradients();
      opt.step();
      monitor.recordSecondMoment(opt);
    }
    assert.equal(monitor.gradNorms.length, 400);
    assert.equal(monitor.sampledSecondMoments.length, 400);
    const now = monitor.secondMomentCorrelation(0);
    assert.ok(now > 0.5, `ρ(g_t², v_t) = ${now}`);
    assert.ok(Math.abs(monitor.secondMomentCorrelation(5)) < 0.05, `ρ(g²_{t-5}, v_t) = ${monitor.secondMomentCorrelation(5)}`);
    const table = monitor.correlations(3, 50);
    assert.deepEqual(table.map((r) => r.lag), [1, 2, 3]);
    assert.ok(table.every((r) => Math.abs(r.temporal) < 0.05));
  });

  it('as a fit callback it records every step, per-layer norms by name and noise scales', () => {
    const data = twoMoons({ n: 128, seed: 1, noise: 0.1 });
    const g = new Generator(0);
    const model = new Sequential(new Linear(2, 8, { generator: g }), new ReLU(), new Linear(8, 2, { generator: g }));
    const monitor = new GradientMonitor({ coordinates: 20, noiseWindow: 4, from: 8 });
    fit(model, data, { optimizer: 'adam', optimizerOptions: { lr: 0.01 }, epochs: 2, batchSize: 16, seed: 1, callbacks: [monitor] });
    assert.equal(monitor.gradNorms.length, 16);
    assert.deepEqual(Object.keys(monitor.layerNorms), ['0.weight', '0.bias', '2.weight', '2.bias']);
    const l0 = monitor.layerNorms['0.weight'][0];
    const total = Math.sqrt(Object.values(monitor.layerNorms).reduce((s, v) => s + v[0] ** 2, 0));
    assert.ok(Math.abs(total - monitor.gradNorms[0]) < 1e-6 && l0 > 0);
    assert.equal(monitor.sampledGradients.length, 8);
    assert.equal(monitor.sampledSecondMoments.length, 8);
    assert.equal(monitor.noiseScales.length, 4);
    assert.ok(monitor.sampledSecondMoments.every((row) => row.every((v) => v >= 0)));
  });

  it('refuses bad options', () => {
    assert.throws(() => new GradientMonitor({ coordinates: 0 }), /coordinates must be a positive integer/);
    assert.throws(() => new GradientMonitor({ noiseWindow: 1 }), /noiseWindow/);
    assert.throws(() => new GradientMonitor().recordGradients(), /no parameters to watch/);
  });
});

describe('diagnostics: gradient noise scale at fixed parameters', () => {
  it('gradientNoiseScale of a mean-squared loss matches tr Σ / |G|² of the per-example gradients', async () => {
    const { gradientNoiseScale } = await import('../../src/diagnostics/gradient-stats.js');
    // L(w) = mean_k (w − x_k)² / 2 over a batch: per-example gradient w − x_k, with x ~ N(μ, s²).
    const g = new Generator(7);
    const w = new Tensor(Float64Array.from([0, 0]), [2]).requiresGrad_();
    const mu = [1, -2];
    const s = 3;
    const B = 8;
    const batches = Array.from({ length: 3000 }, () => new Tensor(Float64Array.from({ length: 2 * B }, (_, i) => mu[i % 2] + s * g.normal()), [B, 2]));
    const r = gradientNoiseScale((x: Tensor) => w.sub(x).square().sum(1).mean().mul(0.5), [w], batches, B);
    const want = (2 * s * s) / (1 + 4);
    assert.ok(Math.abs(r.noiseScale - want) / want < 0.1, `${r.noiseScale} vs ${want}`);
  });
});
