/** AC-GAN and AM-GAN (thesis 004 chapter 4): the objectives on hand-worked logits, and class-conditional training. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  acganDiscriminatorLoss, acganGeneratorLoss, amganAdversarial, amganDiscriminatorLoss, amganDynamicLabels, amganGeneratorLoss, ganLoss, GANTrainer, MLPDiscriminator, MLPGenerator,
} from '../../src/gan/index.js';
import { Module } from '../../src/nn/index.js';
import { Generator, normal, Tensor, tensor } from '../../src/tensor/index.js';
import { assertClose } from '../helpers/close.js';
import { fastBackend } from './helpers.js';

fastBackend();

const sp = (x: number): number => Math.log1p(Math.exp(x));
const lse = (xs: number[]): number => Math.log(xs.reduce((s, v) => s + Math.exp(v), 0));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const t64 = (rows: number[][]): Tensor => tensor(rows, { dtype: 'float64' });

test('AC-GAN objectives: GAN loss on the adversarial logit plus the classifier cross-entropies (eq. 4-7 to 4-11, 4-24)', () => {
  // K = 2; rows are [adversarial, class 0, class 1].
  const outR = [[0.5, 1, -1], [-0.2, 0, 2]];
  const outF = [[-1, 0.3, 0.1], [0.4, -0.5, 0.5]];
  const yR = [0, 1];
  const yF = [1, 0];
  const ce = (rows: number[][], ys: number[]): number => mean(rows.map((r, i) => lse(r.slice(1)) - r[1 + ys[i]]));
  const adversarialD = mean(outR.map((r) => sp(-r[0]))) + mean(outF.map((r) => sp(r[0]))); // -log σ(d_r) - log(1 - σ(d_f))
  const uniformH = mean(outF.map((r) => lse(r.slice(1)) - mean(r.slice(1)))); // H(u(·), C(G(z)))
  const loss = ganLoss('nonsaturating');
  const args = [loss, t64(outR), t64(outF), tensor(yR), tensor(yF)] as const;
  assertClose(acganDiscriminatorLoss(...args, { numClasses: 2 }).item(), adversarialD + ce(outR, yR), { rtol: 1e-12 });
  assertClose(acganDiscriminatorLoss(...args, { numClasses: 2, classWeight: 0.5, fakeClassLoss: true }).item(), adversarialD + 0.5 * (ce(outR, yR) + ce(outF, yF)), { rtol: 1e-12 });
  assertClose(acganDiscriminatorLoss(...args, { numClasses: 2, adversarialClassifier: true }).item(), adversarialD + ce(outR, yR) + uniformH, { rtol: 1e-12 });
  // G: -log σ(d_f) + H(u(y), C(G(z))).
  assertClose(acganGeneratorLoss(loss, t64(outF), tensor(yF), { numClasses: 2 }).item(), mean(outF.map((r) => sp(-r[0]))) + ce(outF, yF), { rtol: 1e-12 });
});

test('AM-GAN objectives: K + 1 logits, the fake class last; dynamic labels are the argmax over the K real classes (eq. 4-17, 4-18, 4-23)', () => {
  const outR = [[1, 0, -1], [0.2, 2, 0.5]];
  const outF = [[0.1, 0.9, 0.3], [1.5, -0.5, 2]];
  const ce = (rows: number[][], ys: number[]): number => mean(rows.map((r, i) => lse(r) - r[ys[i]]));
  assertClose(amganDiscriminatorLoss(t64(outR), t64(outF), tensor([0, 1]), 2).item(), ce(outR, [0, 1]) + ce(outF, [2, 2]), { rtol: 1e-12 });
  assertClose(amganGeneratorLoss(t64(outF), tensor([0, 0]), 2).item(), ce(outF, [0, 0]), { rtol: 1e-12 });
  // Dynamic labels: argmax of [0.1, 0.9] is 1, of [1.5, -0.5] is 0 (the fake logit 2 is not a candidate).
  assert.deepEqual(Array.from(amganDynamicLabels(t64(outF), 2).data), [1, 0]);
  assertClose(amganGeneratorLoss(t64(outF), tensor([0, 0]), 2, true).item(), ce(outF, [1, 0]), { rtol: 1e-12 });
  // The adversarial output log(D_r / D_{K+1}).
  assertClose(Array.from(amganAdversarial(t64(outF), 2).data), outF.map((r) => lse(r.slice(0, 2)) - r[2]), { rtol: 1e-12 });
});

/** A "generator" that always returns the same points (so the fake batch is known in advance). */
class FixedPoints extends Module {
  constructor(readonly points: Tensor) {
    super();
    // An unused parameter: the trainer's generator optimizer needs one.
    this.registerParameter('unused', tensor([0]));
  }
  forward(z: Tensor): Tensor {
    return this.points.narrow(0, 0, z.shape[0]);
  }
}

test('the trainer optimizes exactly these objectives', () => {
  const k = 3;
  const fake = normal([4, 2], 0, 1, { generator: new Generator(1) });
  const real = normal([4, 2], 1, 1, { generator: new Generator(2) });
  const labels = tensor([0, 2, 1, 2]);
  for (const kind of ['acgan', 'amgan'] as const) {
    const D = new MLPDiscriminator({ hidden: 8, layers: 2, head: kind, numClasses: k, generator: new Generator(3) });
    const t = new GANTrainer({ generator: new FixedPoints(fake), discriminator: D, latentDim: 2, conditional: { kind, numClasses: k, fakeClassLoss: true }, seed: 0 });
    const expected = kind === 'amgan'
      ? amganDiscriminatorLoss(D.forward(real), D.forward(fake), labels, k).item()
      : acganDiscriminatorLoss(t.loss, D.forward(real), D.forward(fake), labels, labels, { numClasses: k, fakeClassLoss: true }).item();
    assertClose(t.discriminatorStep(real, labels).objective, expected, { rtol: 1e-6, what: kind });
  }
});

/** Three labeled clusters; class c sits at CENTERS[c]. */
const CENTERS = [[-2, 0], [0, 2], [2, 0]];

function labeledClusters(n: number, seed: number): { x: Tensor; y: Tensor } {
  const x = normal([n, 2], 0, 0.15, { generator: new Generator(seed) });
  const y = tensor(Array.from({ length: n }, (_, i) => i % 3));
  for (let i = 0; i < n; i++) {
    x.data[2 * i] += CENTERS[i % 3][0];
    x.data[2 * i + 1] += CENTERS[i % 3][1];
  }
  return { x, y };
}

/** Share of samples generated for each label whose nearest cluster is that label's. */
function labelAccuracy(t: GANTrainer): number {
  const labels = tensor(Array.from({ length: 300 }, (_, i) => i % 3));
  const s = t.generate(300, { labels });
  let right = 0;
  for (let i = 0; i < 300; i++) {
    const d = CENTERS.map(([cx, cy]) => Math.hypot(s.data[2 * i] - cx, s.data[2 * i + 1] - cy));
    if (d.indexOf(Math.min(...d)) === labels.data[i]) right++;
  }
  return right / 300;
}

test('AC-GAN and AM-GAN learn class-conditional generation: samples for label c land in cluster c', () => {
  const data = labeledClusters(600, 0);
  for (const kind of ['acgan', 'amgan'] as const) {
    const G = new MLPGenerator({ latentDim: 2, hidden: 32, layers: 2, numClasses: 3, generator: new Generator(1) });
    const D = new MLPDiscriminator({ hidden: 32, layers: 2, head: kind, numClasses: 3, generator: new Generator(2) });
    const t = new GANTrainer({ generator: G, discriminator: D, latentDim: 2, conditional: { kind, numClasses: 3 }, seed: 4, generatorLr: 2e-3, discriminatorLr: 2e-3 });
    const before = labelAccuracy(t);
    t.fit(data, { iterations: 300, batchSize: 48 });
    const after = labelAccuracy(t);
    assert.ok(after > 0.9 && after > before + 0.3, `${kind}: label accuracy ${before} -> ${after}`);
  }
});
