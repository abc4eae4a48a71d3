/**
 * Records what the four internal training loops produce on tiny seeded configurations (a
 * checksum of the final weights, every history array but wall-clock time, the final figures),
 * as JSON on stdout. Run before and after a change to a loop and diff the two files: the
 * numbers of a refactor must be bit-identical.
 *
 *   DESCENT_BACKEND=js npx tsx test/train/record-loops.ts > before.json
 */
import { createHash } from 'node:crypto';
import { loadFashionMNISTSubset, takeRows, twoMoons, type TensorDataset } from '../../src/data/index.js';
import { trainClassifier } from '../../src/gan/index.js';
import { resolveMethod, runClassification } from '../../src/lab/index.js';
import type { Module } from '../../src/nn/index.js';
import { buildMLP, fit, fitSemiSupervised, type RegularizationConfig } from '../../src/regularize/index.js';
import { Generator } from '../../src/tensor/index.js';

const checksum = (model: Module): string => {
  const h = createHash('sha256');
  for (const [name, t] of Object.entries(model.stateDict())) {
    h.update(name);
    h.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  return h.digest('hex').slice(0, 16);
};

/** History without wall-clock fields; numbers as strings so NaN survives JSON. */
const clean = (rec: Record<string, unknown> | undefined): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(rec ?? {})
      .filter(([k]) => !/time|seconds/i.test(k))
      .map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]),
  );

const rows = (d: TensorDataset, from: number, n: number): TensorDataset => {
  const idx = Array.from({ length: n }, (_, i) => from + i);
  return { x: takeRows(d.x, idx), y: takeRows(d.y, idx) };
};

const out: Record<string, unknown> = {};

// The lab's classification loop (dataset, epochs, per-step log, divergence).
const labBase = { dataset: 'builtin' as const, trainLimit: 200, testLimit: 100, epochs: 2, batchSize: 32, hidden: [16], evalTrain: true, logPoints: 3 };
for (const [name, arch, method, extra] of [
  ['mlp-adam', 'mlp', resolveMethod('adam', { lr: 1e-3 }), {}],
  ['logistic-sgd-full', 'logistic', resolveMethod('sgd', { lr: 0.1 }), { batchSize: 'full' as const, evalTrain: false }],
  ['mlp-diverge', 'mlp', resolveMethod('sgd', { lr: Infinity }), {}],
] as const) {
  const r = runClassification(arch, method, { ...labBase, ...extra }, 3);
  out[`lab/${name}`] = { steps: clean(r.steps), epochs: clean(r.epochs), final: clean(r.final as Record<string, unknown>) };
}

// Regularization's fit: every hook it has (noise, penalties, constraints, adversarial, early stopping).
const images = loadFashionMNISTSubset({ split: 'train' });
const imgTrain = rows(images, 0, 96);
const imgTest = rows(images, 96, 48);
const imgVal = rows(images, 144, 48);
const regConfigs: Record<string, RegularizationConfig> = {
  plain: {},
  mix: { dropout: 0.2, l2: 1e-3, l1: 1e-4, weightDecay: 1e-2, maxNorm: 2, weightNoise: 0.01, activationL1: 1e-4, labelSmoothing: 0.1, hiddenNoise: 0.05, dropConnect: 0.1 },
  augment: { augment: { crop: 2, flip: true, mixup: 0.4 }, inputNoise: 0.05, labelNoise: 0.1 },
  adversarial: { adversarial: { epsilon: 0.05, attack: 'pgd', steps: 2 } },
  early: { earlyStopping: { patience: 1 }, dropout: 0.3 },
  earlyAccuracy: { earlyStopping: { patience: 2, metric: 'accuracy' } },
};
for (const [name, regularization] of Object.entries(regConfigs)) {
  const model = buildMLP({ inputs: 784, hidden: [12], outputs: 10, flatten: true, generator: new Generator(5), regularization });
  const r = fit(model, { kind: 'classification', numClasses: 10, train: imgTrain, test: imgTest, validation: imgVal, epochs: 4, batchSize: 20, optimizer: 'adam', optimizerOptions: { lr: 3e-3 }, seed: 7, regularization, evalEvery: 2 });
  out[`regularize/${name}`] = { params: checksum(model), epochs: clean(r.epochs), final: clean(r.final) };
}
{
  const moons = twoMoons({ n: 120, seed: 2 });
  const model = buildMLP({ inputs: 2, hidden: [8], outputs: 1, generator: new Generator(1) });
  const y = moons.y.reshape([120, 1]);
  const r = fit(model, { kind: 'regression', train: { x: moons.x.narrow(0, 0, 80), y: y.narrow(0, 0, 80) }, test: { x: moons.x.narrow(0, 80, 40), y: y.narrow(0, 80, 40) }, epochs: 3, batchSize: 16, optimizer: 'sgd', optimizerOptions: { lr: 0.05 }, seed: 1, regularization: { l2: 1e-3 } });
  out['regularize/regression'] = { params: checksum(model), epochs: clean(r.epochs), final: clean(r.final) };
}

// The semi-supervised loop, every method, with and without augmentation.
{
  const moons = twoMoons({ n: 240, seed: 9 });
  const labeled = rows(moons, 0, 20);
  const unlabeled = rows(moons, 20, 160);
  const test = rows(moons, 180, 60);
  const jitter = (b: { x: import('../../src/tensor/index.js').Tensor; y: import('../../src/tensor/index.js').Tensor }, g: Generator) => ({ x: b.x.add(b.x.mul(0).add(g.normal() * 0.05)), y: b.y });
  for (const method of ['none', 'pseudo-label', 'entropy', 'consistency'] as const) {
    for (const augmented of [false, true]) {
      const model = buildMLP({ inputs: 2, hidden: [8], outputs: 2, generator: new Generator(3), regularization: { dropout: 0.1 } });
      const r = fitSemiSupervised(model, {
        labeled, unlabeled, test, numClasses: 2, steps: 12, batchSize: 8, unlabeledBatchSize: 24, method, seed: 4, evalEvery: 5, threshold: 0.6, optimizerOptions: { lr: 0.05 }, warmupSteps: 3, rampSteps: 4,
        ...(augmented ? { augment: jitter } : {}),
      });
      out[`semi/${method}${augmented ? '-aug' : ''}`] = { params: checksum(model), epochs: clean(r.epochs), final: clean(r.final) };
    }
  }
}

// The GAN scores' classifier.
{
  const test = rows(images, 300, 64);
  const t = trainClassifier({ arch: 'mlp', data: images, trainLimit: 150, epochs: 2, batchSize: 32, seed: 3, test });
  out['gan/classifier'] = { params: checksum(t.model), testAccuracy: String(t.testAccuracy), classDistribution: Array.from(t.trainClassDistribution).map(String) };
}

process.stdout.write(JSON.stringify(out, null, 1) + '\n');
