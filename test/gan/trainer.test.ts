/** The GANTrainer: determinism, nCritic, TTUR, EMA, clipping, conditional variants; models and normalizations. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ConditionalBatchNorm, DCGANDiscriminator, DCGANGenerator, GANTrainer, MLPDiscriminator, MLPGenerator, normalizeLayers, oneHot, SelfModulatedBatchNorm,
} from '../../src/gan/index.js';
import { gaussianRing } from '../../src/data/index.js';
import { Generator, normal, tensor } from '../../src/tensor/index.js';
import { fastBackend } from './helpers.js';

fastBackend();

function tiny(seed: number, o: { penalty?: boolean } = {}): GANTrainer {
  const G = new MLPGenerator({ latentDim: 2, hidden: 8, layers: 2, generator: new Generator(seed + 1) });
  const D = new MLPDiscriminator({ hidden: 8, layers: 2, generator: new Generator(seed + 2) });
  return new GANTrainer({ generator: G, discriminator: D, latentDim: 2, loss: 'wasserstein', penalty: o.penalty === false ? null : ['wgan-gp', { name: 'maxgp', weight: 0.1, bufferSize: 4 }], nCritic: 2, seed, emaDecay: 0.9 });
}

test('a GAN step on a tiny model is deterministic for a seed: two runs give identical parameters bit for bit', () => {
  const data = gaussianRing({ n: 256, seed: 0 });
  const runs = [0, 1].map(() => {
    const t = tiny(5);
    t.fit(data, { iterations: 6, batchSize: 32 });
    return [...t.generator.parameters(), ...t.discriminator.parameters()].map((p) => Array.from(p.data)).concat(t.emaParameters()!.map((a) => Array.from(a)));
  });
  assert.equal(runs[0].length, runs[1].length);
  runs[0].forEach((p, i) => p.forEach((v, j) => assert.ok(Object.is(v, runs[1][i][j]), `parameter ${i}[${j}]: ${v} vs ${runs[1][i][j]}`)));
  // A different seed gives a different run.
  const other = tiny(6);
  other.fit(data, { iterations: 6, batchSize: 32 });
  assert.notDeepEqual(Array.from(other.generator.parameters()[0].data), runs[0][0]);
});

test('nCritic discriminator updates per generator update; separate optimizers and learning rates (TTUR)', () => {
  const G = new MLPGenerator({ latentDim: 2, hidden: 8, layers: 1, generator: new Generator(1) });
  const D = new MLPDiscriminator({ hidden: 8, layers: 1, generator: new Generator(2) });
  const t = new GANTrainer({ generator: G, discriminator: D, latentDim: 2, nCritic: 3, generatorLr: 1e-4, discriminatorLr: 4e-4, generatorOptimizer: { name: 'adam', options: { betas: [0, 0.9] } } });
  const opts = (o: { paramGroups: unknown[] }): Record<string, unknown> => o.paramGroups[0] as Record<string, unknown>;
  assert.equal(opts(t.generatorOptimizer).lr, 1e-4);
  assert.equal(opts(t.discriminatorOptimizer).lr, 4e-4);
  assert.deepEqual(opts(t.generatorOptimizer).betas, [0, 0.9]);
  let dSteps = 0;
  let gSteps = 0;
  const dStep = t.discriminatorOptimizer.step.bind(t.discriminatorOptimizer);
  const gStep = t.generatorOptimizer.step.bind(t.generatorOptimizer);
  t.discriminatorOptimizer.step = ((c?: () => number) => (dSteps++, dStep(c))) as typeof dStep;
  t.generatorOptimizer.step = ((c?: () => number) => (gSteps++, gStep(c))) as typeof gStep;
  let batches = 0;
  const data = gaussianRing({ n: 64, seed: 1 });
  const s = t.step(() => (batches++, t.nextBatch(data, 16)));
  assert.equal(dSteps, 3);
  assert.equal(gSteps, 1);
  assert.equal(batches, 3);
  assert.equal(s.iteration, 1);
  // The generator's update leaves the discriminator's parameters alone.
  const before = D.parameters().map((p) => Array.from(p.data));
  t.generatorStep(16);
  assert.deepEqual(D.parameters().map((p) => Array.from(p.data)), before);
  assert.throws(() => new GANTrainer({ generator: G, discriminator: D, latentDim: 2, nCritic: 0 }), /nCritic/);
  assert.throws(() => new GANTrainer({ generator: G, discriminator: D, latentDim: 2, generatorOptimizer: { name: 'adamm' } }), /generator's optimizer.*unknown optimizer 'adamm'/);
});

test('EMA of the generator weights: e ← d·e + (1 - d)·θ after each generator update', () => {
  const G = new MLPGenerator({ latentDim: 2, hidden: 4, layers: 1, generator: new Generator(1) });
  const D = new MLPDiscriminator({ hidden: 4, layers: 1, generator: new Generator(2) });
  const t = new GANTrainer({ generator: G, discriminator: D, latentDim: 2, emaDecay: 0.5, seed: 1 });
  const data = gaussianRing({ n: 64, seed: 1 });
  t.fit(data, { iterations: 1, batchSize: 16 });
  const e1 = t.emaParameters()!;
  assert.deepEqual(e1.map((a) => Array.from(a)), G.parameters().map((p) => Array.from(p.data)));
  t.fit(data, { iterations: 1, batchSize: 16 });
  const e2 = t.emaParameters()!;
  G.parameters().forEach((p, i) => p.data.forEach((v, j) => assert.ok(Math.abs(e2[i][j] - Math.fround(0.5 * e1[i][j] + 0.5 * v)) < 1e-6)));
  // Sampling with the average swaps the weights in and back.
  const z = normal([5, 2], 0, 1, { generator: new Generator(3) });
  const plain = t.generate(5, { latent: z });
  const avg = t.generate(5, { latent: z, ema: true });
  assert.notDeepEqual(Array.from(avg.data), Array.from(plain.data));
  assert.deepEqual(Array.from(t.generate(5, { latent: z }).data), Array.from(plain.data));
});

test('weight clipping is applied after every discriminator update', () => {
  const G = new MLPGenerator({ latentDim: 2, hidden: 8, layers: 1, generator: new Generator(1) });
  const D = new MLPDiscriminator({ hidden: 8, layers: 1, generator: new Generator(2) });
  const t = new GANTrainer({ generator: G, discriminator: D, latentDim: 2, loss: 'wasserstein', clip: 0.01, discriminatorOptimizer: { name: 'rmsprop', options: { lr: 5e-5 } } });
  t.discriminatorStep(gaussianRing({ n: 16, seed: 0 }).x);
  for (const p of D.parameters()) for (const v of p.data) assert.ok(Math.abs(v) <= Math.fround(0.01));
});

test('a GAN learns: the non-saturating loss pulls the generated mean toward the data', () => {
  const data = { x: normal([512, 2], 0, 0.1, { generator: new Generator(0) }).add(tensor([[2, -1]])), y: tensor(new Array(512).fill(0)) };
  const G = new MLPGenerator({ latentDim: 2, hidden: 16, layers: 2, generator: new Generator(1) });
  const D = new MLPDiscriminator({ hidden: 16, layers: 2, generator: new Generator(2) });
  const t = new GANTrainer({ generator: G, discriminator: D, latentDim: 2, seed: 0, generatorLr: 2e-3, discriminatorLr: 2e-3 });
  const dist = (): number => {
    const m = t.generate(256).mean(0);
    return Math.hypot(m.data[0] - 2, m.data[1] + 1);
  };
  const before = dist();
  t.fit(data, { iterations: 150, batchSize: 64 });
  assert.ok(dist() < before / 3, `mean distance ${before} -> ${dist()}`);
});

test('AC-GAN and AM-GAN: losses on the class heads, labels for the generator, dynamic labels', () => {
  const k = 3;
  const g = new Generator(0);
  const x = normal([48, 2], 0, 0.2, { generator: g });
  const y = tensor(Array.from({ length: 48 }, (_, i) => i % k));
  for (let i = 0; i < 48; i++) x.data[2 * i] += 2 * y.data[i];
  const data = { x, y };
  for (const kind of ['acgan', 'amgan'] as const) {
    for (const extra of [{}, kind === 'acgan' ? { fakeClassLoss: true, adversarialClassifier: true } : { dynamicLabels: true }]) {
      const G = new MLPGenerator({ latentDim: 2, hidden: 8, layers: 2, numClasses: k, generator: new Generator(1) });
      const D = new MLPDiscriminator({ hidden: 8, layers: 2, head: kind, numClasses: k, generator: new Generator(2) });
      assert.equal(D.forward(x).shape[1], kind === 'acgan' ? 1 + k : k + 1);
      const t = new GANTrainer({ generator: G, discriminator: D, latentDim: 2, conditional: { kind, numClasses: k, ...extra }, penalty: 'r1', seed: 3 });
      const h = t.fit(data, { iterations: 3, batchSize: 12 });
      assert.ok(h.discriminatorLoss.every(Number.isFinite) && h.generatorLoss.every(Number.isFinite), `${kind} ${JSON.stringify(extra)}`);
      assert.deepEqual([...t.generate(5, { labels: tensor([0, 1, 2, 0, 1]) }).shape], [5, 2]);
      assert.throws(() => t.discriminatorStep(x.slice(0, 0, 4)), /needs the real batch's labels/);
    }
  }
  // The AM-GAN adversarial output is log(D_r / D_{K+1}) = logsumexp(l_1..K) - l_{K+1}.
  const G = new MLPGenerator({ latentDim: 2, hidden: 4, layers: 1 });
  const D = new MLPDiscriminator({ hidden: 4, layers: 1, head: 'amgan', numClasses: 2 });
  const t = new GANTrainer({ generator: G, discriminator: D, latentDim: 2, conditional: { kind: 'amgan', numClasses: 2 } });
  const out = tensor([[0, Math.log(3), Math.log(2)]]);
  assert.ok(Math.abs(t.adversarial(out).item() - Math.log(4 / 2)) < 1e-6);
});

test('conditional GAN with a projection discriminator and a generator with conditional BN', () => {
  const k = 10;
  const G = new DCGANGenerator({ latentDim: 8, channels: 4, norm: 'conditional', numClasses: k, generator: new Generator(1) });
  const D = new DCGANDiscriminator({ channels: 4, norm: 'spectral', head: 'projection', numClasses: k, generator: new Generator(2) });
  const labels = tensor([0, 3, 9, 3]);
  const x = G.forward(normal([4, 8], 0, 1, { generator: new Generator(3) }), labels);
  assert.deepEqual([...x.shape], [4, 1, 28, 28]);
  assert.ok(x.data.every((v) => v >= -1 && v <= 1));
  assert.deepEqual([...D.forward(x, labels).shape], [4, 1]);
  assert.throws(() => D.forward(x), /needs labels/);
  const t = new GANTrainer({ generator: G, discriminator: D, latentDim: 8, loss: 'hinge', conditional: { kind: 'cgan', numClasses: k }, penalty: 'zero-gp', seed: 0 });
  const s = t.discriminatorStep(x.detach(), labels);
  assert.ok(Number.isFinite(s.loss) && s.maxGradNorm !== null);
  assert.ok(Number.isFinite(t.generatorStep(4).loss));
});

test('normalizations: conditional BN, self-modulation, every layer of a discriminator', () => {
  const cbn = new ConditionalBatchNorm(3, 2);
  const x = normal([6, 3, 2, 2], 1, 2, { generator: new Generator(0) });
  const y = cbn.forward(x, tensor([0, 1, 0, 1, 0, 1]));
  // γ = 1, β = 0 at first: plain batch normalization, mean 0 and variance 1 per channel.
  const m = y.mean([0, 2, 3]);
  m.data.forEach((v) => assert.ok(Math.abs(v) < 1e-5));
  cbn.beta.data.set([5, 5, 5], 3); // class 1 shifts by 5
  const y2 = cbn.forward(x, tensor([1, 1, 1, 1, 1, 1]));
  assert.ok(Math.abs(y2.mean().item() - 5) < 1e-4);
  assert.throws(() => cbn.forward(x, tensor([0, 1, 2, 0, 1, 0])), /label 2 is not a class/);
  const sm = new SelfModulatedBatchNorm(3, 4, { generator: new Generator(1) });
  const z = normal([6, 4], 0, 1, { generator: new Generator(2) });
  const ys = sm.forward(x, z);
  assert.deepEqual([...ys.shape], [6, 3, 2, 2]);
  // γ(z) and β(z) are trainable through z's MLP.
  ys.square().sum().backward();
  assert.ok(sm.toGamma.weight.grad!.data.some((v) => v !== 0) && sm.toBeta.weight.grad!.data.some((v) => v !== 0));
  const d = normalizeLayers(new MLPDiscriminator({ hidden: 4, layers: 2, generator: new Generator(3) }), 'spectral', { generator: new Generator(4) });
  assert.ok(d.namedParameters().some(([n]) => n === 'layers.0.weight_orig'));
  const w = normalizeLayers(new MLPDiscriminator({ hidden: 4, layers: 1 }), 'weight');
  assert.ok(w.namedParameters().some(([n]) => n === 'layers.0.weight_g'));
  for (const norm of ['batch', 'layer', 'weight', 'spectral'] as const) {
    const dd = new DCGANDiscriminator({ channels: 2, norm, generator: new Generator(5) });
    assert.deepEqual([...dd.forward(normal([2, 1, 28, 28])).shape], [2, 1], norm);
  }
  assert.deepEqual(Array.from(oneHot(tensor([2, 0]), 3).data), [0, 0, 1, 1, 0, 0]);
});
