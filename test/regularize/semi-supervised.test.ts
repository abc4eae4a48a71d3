import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossEntropy, Linear, Sequential, Tanh } from '../../src/nn/index.js';
import { Generator, grad, tensor } from '../../src/tensor/index.js';
import { gaussianMixture } from '../../src/data/index.js';
import { buildMLP, consistencyLoss, entropyMinimization, fitSemiSupervised, linearRampUp, pseudoLabelLoss, pseudoLabelQuality, pseudoLabels, rampUp } from '../../src/regularize/index.js';
import { assertClose } from '../helpers/close.js';
import { throwsWith } from './fixtures.js';

const logits = tensor([[4, 0, 0], [0.1, 0.2, 0.0], [0, 0, 5], [1, 3, 0]], { dtype: 'float64', requiresGrad: true });
const softmaxRow = (r: number[]): number[] => {
  const m = Math.max(...r);
  const e = r.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const rows = [[4, 0, 0], [0.1, 0.2, 0.0], [0, 0, 5], [1, 3, 0]];

describe('pseudo-labels', () => {
  it('takes the argmax of confident predictions (max probability >= threshold)', () => {
    const pl = pseudoLabels(logits, 0.8);
    assert.deepEqual(Array.from(pl.labels.data), [0, 1, 2, 1]);
    const conf = rows.map((r) => Math.max(...softmaxRow(r)));
    assert.deepEqual(Array.from(pl.mask.data), conf.map((c) => (c >= 0.8 ? 1 : 0)));
    assert.equal(pl.count, conf.filter((c) => c >= 0.8).length);
    assertClose(pl.confidence, conf, { rtol: 1e-12 });
  });

  it('the loss is the masked cross-entropy against the pseudo-labels, averaged over all N, targets without gradient', () => {
    const loss = pseudoLabelLoss(logits, 0.8);
    const mask = rows.map((r) => (Math.max(...softmaxRow(r)) >= 0.8 ? 1 : 0));
    const ce = crossEntropy(logits.detach(), tensor([0, 1, 2, 1], { dtype: 'float64' }), { reduction: 'none' });
    const expected = mask.reduce((s: number, m: number, i: number) => s + m * ce.data[i], 0) / 4;
    assertClose(loss, expected, { rtol: 1e-12 });
    // the gradient is that of CE with fixed targets
    const [g] = grad(loss, logits);
    const p = rows.map(softmaxRow);
    for (let i = 0; i < 4; i++) for (let c = 0; c < 3; c++) assertClose(g.data[i * 3 + c], (mask[i] * (p[i][c] - (c === [0, 1, 2, 1][i] ? 1 : 0))) / 4, { rtol: 1e-10, atol: 1e-15 });
    assertClose(pseudoLabelLoss(logits, 1), 0, { atol: 0 });
    // with `from`, labels and mask come from other logits, the cross-entropy is on these
    const other = tensor([[0, 9, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]], { dtype: 'float64' });
    const ceFrom = crossEntropy(logits.detach(), tensor([1, 0, 0, 0], { dtype: 'float64' }), { reduction: 'none' });
    assertClose(pseudoLabelLoss(logits, 0.9, { from: other }), ceFrom.data[0] / 4, { rtol: 1e-12 });
    throwsWith(() => pseudoLabels(logits, 1.5), 'pseudoLabels', 'threshold', '[0, 1]', '1.5');
  });
});

describe('entropy minimization and consistency', () => {
  it('entropy is the mean of -Σ p log p', () => {
    const expected = rows.map(softmaxRow).reduce((s, p) => s - p.reduce((a, v) => a + v * Math.log(v), 0), 0) / 4;
    assertClose(entropyMinimization(logits), expected, { rtol: 1e-12 });
    assertClose(entropyMinimization(tensor([[0, 0]], { dtype: 'float64' })), Math.log(2), { rtol: 1e-12 });
  });

  it('Π-model consistency: mean squared difference of the softmax outputs; KL variant; zero for equal passes', () => {
    const a = tensor([[1, 0], [0, 2]], { dtype: 'float64' });
    const b = tensor([[0, 0], [0, 0]], { dtype: 'float64' });
    const pa = [softmaxRow([1, 0]), softmaxRow([0, 2])];
    const mse = (pa[0].reduce((s, v) => s + (v - 0.5) ** 2, 0) + pa[1].reduce((s, v) => s + (v - 0.5) ** 2, 0)) / 4;
    assertClose(consistencyLoss(a, b), mse, { rtol: 1e-12 });
    const kl = pa.reduce((s, p) => s + 0.5 * Math.log(0.5 / p[0]) + 0.5 * Math.log(0.5 / p[1]), 0) / 2;
    assertClose(consistencyLoss(a, b, { kind: 'kl' }), kl, { rtol: 1e-12 });
    assertClose(consistencyLoss(a, a), 0, { atol: 1e-15 });
    // two dropout passes of a model disagree, so the term has a gradient
    const model = new Sequential(new Linear(3, 8, { generator: new Generator(1), dtype: 'float64' }), new Tanh(), new Linear(8, 2, { generator: new Generator(2), dtype: 'float64' }));
    const x = tensor([[1, 2, 3], [0, -1, 0.5]], { dtype: 'float64' });
    const noisy = (): ReturnType<typeof model.forward> => model.forward(x.add(tensor([[0.1, 0, 0], [0, 0.2, 0]], { dtype: 'float64' })));
    assert.ok(consistencyLoss(model.forward(x), noisy()).item() > 0);
    throwsWith(() => consistencyLoss(a, tensor([[1, 2, 3]])), 'consistencyLoss', 'shapes');
  });

  it('the Gaussian ramp-up goes from exp(-5) to 1', () => {
    assertClose(rampUp(0, 10), Math.exp(-5), { rtol: 1e-12 });
    assertClose(rampUp(5, 10), Math.exp(-5 * 0.25), { rtol: 1e-12 });
    assert.equal(rampUp(10, 10), 1);
    assert.equal(rampUp(3, 0), 1);
  });
});

describe('the semi-supervised training loop', () => {
  const centers = [[2, 0], [-2, 0], [0, 2]];
  const pool = gaussianMixture({ n: 300, centers, std: 0.7, seed: 1 });
  const labeled = { x: pool.x.narrow(0, 0, 30), y: pool.y.narrow(0, 0, 30) };
  const unlabeled = { x: pool.x.narrow(0, 30, 270), y: pool.y.narrow(0, 30, 270) };
  const test = gaussianMixture({ n: 200, centers, std: 0.7, seed: 2 });
  const run = (method: 'none' | 'pseudo-label', extra: Record<string, unknown> = {}) =>
    fitSemiSupervised(buildMLP({ inputs: 2, hidden: [8], outputs: 3, generator: new Generator(3) }), {
      labeled, unlabeled, test, numClasses: 3, steps: 8, batchSize: 10, unlabeledBatchSize: 30, method, seed: 4, evalEvery: 1, ...extra,
    });

  it("Lee's linear ramp: 0 during warm-up, then α_f (t - T1)/(T2 - T1), then α_f", () => {
    assert.equal(linearRampUp(0, 10), 0);
    assert.equal(linearRampUp(5, 10), 0.5);
    assert.equal(linearRampUp(12, 10), 1);
    const r = run('pseudo-label', { weight: 3, warmupSteps: 2, rampSteps: 4, ramp: 'linear', threshold: 0 });
    assertClose(r.epochs.unlabeledWeight, [0, 0, 0, 0.75, 1.5, 2.25, 3, 3, 3], { atol: 1e-15 });
    const g = run('pseudo-label', { weight: 2, warmupSteps: 2, rampSteps: 4 });
    assertClose(g.epochs.unlabeledWeight.slice(3, 6), [1, 2, 3].map((t) => 2 * rampUp(t, 4)), { rtol: 1e-12 });
  });

  it('both arms are paired: with the unlabeled weight at 0, pseudo-labeling trains exactly the labeled-only model', () => {
    const base = run('none');
    const zero = run('pseudo-label', { weight: 0 });
    assert.deepEqual(zero.epochs.testLoss, base.epochs.testLoss);
    assert.ok(base.epochs.unlabeledWeight.every((w) => w === 0));
  });

  it('reports the share of confident pseudo-labels on the unlabeled set and their accuracy (labels used for measuring only)', () => {
    const r = run('pseudo-label', { threshold: 0.5, warmupSteps: 0, rampSteps: 0 });
    assert.ok(r.final.unlabeledConfident >= 0 && r.final.unlabeledConfident <= 1);
    const model = buildMLP({ inputs: 2, hidden: [8], outputs: 3, generator: new Generator(5) });
    const q = pseudoLabelQuality(model, unlabeled.x, unlabeled.y, 0);
    assert.equal(q.confident, 1, 'threshold 0: every example is pseudo-labeled');
    model.eval();
    const pred = model.forward(unlabeled.x).argmax(1).data;
    let correct = 0;
    for (let i = 0; i < 270; i++) if (pred[i] === unlabeled.y.data[i]) correct++;
    assertClose(q.accuracy, correct / 270, { rtol: 1e-12 });
    assert.ok(Number.isNaN(pseudoLabelQuality(model, unlabeled.x, undefined, 0).accuracy));
    throwsWith(() => run('pseudo-label', { ramp: 'cosine' }), 'fitSemiSupervised', 'ramp', "'gaussian', 'linear'", 'cosine');
    throwsWith(() => run('pseudo-label', { threshold: 1.5 }), 'fitSemiSupervised: threshold must lie in [0, 1], got 1.5');
    throwsWith(() => run('pseudo-label', { rampup: 3 }), "fitSemiSupervised: unknown option 'rampup'");
  });
});

