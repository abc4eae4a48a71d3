/**
 * Normalizing the discriminator (survey tables 1 and 2): what each normalization guarantees,
 * checked on the ready-made discriminators; and self-modulation against its formula.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inputGradients, MLPDiscriminator, SelfModulatedBatchNorm } from '../../src/gan/index.js';
import { Generator, noGrad, normal, Tensor } from '../../src/tensor/index.js';
import { assertClose } from '../helpers/close.js';

const points = (n: number, seed: number): Tensor => normal([n, 2], 0, 2, { generator: new Generator(seed) });

function scale(t: Tensor, s: number): void {
  noGrad(() => {
    for (let i = 0; i < t.data.length; i++) t.data[i] *= s;
  });
}

function maxGradNorm(d: MLPDiscriminator, x: Tensor): number {
  const { grads } = inputGradients((p) => d.forward(p).reshape(p.shape[0]), x);
  const [n, k] = grads.shape;
  let m = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += grads.data[i * k + j] ** 2;
    m = Math.max(m, Math.sqrt(s));
  }
  return m;
}

test('spectral normalization makes the discriminator 1-Lipschitz whatever the weights’ scale', () => {
  const x = points(256, 1);
  const sn = new MLPDiscriminator({ norm: 'spectral', generator: new Generator(2) });
  const plain = new MLPDiscriminator({ generator: new Generator(2) });
  // Power iterations run on training forwards; a few dozen converge σ(W).
  const settle = (): void => {
    for (let i = 0; i < 50; i++) noGrad(() => sn.forward(x));
  };
  settle();
  const k1 = maxGradNorm(sn, x);
  for (const d of [sn, plain]) for (const [name, p] of d.namedParameters()) if (name.endsWith('weight') || name.endsWith('weight_orig')) scale(p, 10);
  settle();
  const k10 = maxGradNorm(sn, x);
  const kPlain = maxGradNorm(plain, x);
  assert.ok(k10 <= 1 + 1e-3, `spectral: max ‖∇f‖ = ${k10}`);
  assertClose(k10, k1, { rtol: 1e-3, what: 'W/σ(W) does not see the scale of W' });
  assert.ok(kPlain > 10, `without normalization the same weights give max ‖∇f‖ = ${kPlain}`);
});

test('weight normalization: the output depends on the direction of v only (w = g·v/‖v‖)', () => {
  const x = points(16, 3);
  const d = new MLPDiscriminator({ norm: 'weight', generator: new Generator(4) });
  const before = Array.from(d.forward(x).data);
  const v = d.namedParameters().find(([n]) => n === 'layers.0.weight_v')![1];
  scale(v, 10);
  assertClose(Array.from(d.forward(x).data), before, { rtol: 1e-4, atol: 1e-5 });
  const g = d.namedParameters().find(([n]) => n === 'layers.0.weight_g')![1];
  scale(g, 2);
  assert.ok(Math.max(...Array.from(d.forward(x).data, (o, i) => Math.abs(o - before[i]))) > 1e-3, 'g sets the scale');
});

test('batch and layer normalization: rescaling a layer before the normalization leaves the output unchanged', () => {
  const x = points(32, 5);
  for (const norm of ['batch', 'layer', 'none'] as const) {
    const d = new MLPDiscriminator({ norm, generator: new Generator(6) });
    d.train();
    const before = Array.from(noGrad(() => d.forward(x)).data);
    scale(d.layers[0].weight, 7);
    scale(d.layers[0].bias!, 7);
    const after = Array.from(noGrad(() => d.forward(x)).data);
    const change = Math.max(...after.map((o, i) => Math.abs(o - before[i])));
    if (norm === 'none') assert.ok(change > 1e-2, `no normalization: the output moves (${change})`);
    else assert.ok(change < 1e-3, `${norm}: the output moved by ${change}`);
  }
});

test('self-modulation: y = γ(z)·BN(x) + β(z) with γ(z) = 1 + W_γ relu(W z), β(z) = W_β relu(W z)', () => {
  const sm = new SelfModulatedBatchNorm(2, 3, { hidden: 4, generator: new Generator(7) });
  // Give γ and β a dependence on z (they start at γ = 1, β = 0).
  noGrad(() => {
    sm.toGamma.weight.data.set(normal([2, 4], 0, 0.5, { generator: new Generator(8) }).data);
    sm.toBeta.weight.data.set(normal([2, 4], 0, 0.5, { generator: new Generator(9) }).data);
  });
  const x = normal([4, 2, 3], 1, 2, { generator: new Generator(10) });
  const z = normal([4, 3], 0, 1, { generator: new Generator(11) });
  const y = sm.forward(x, z);
  const h = noGrad(() => sm.hidden.forward(z).relu());
  const gamma = noGrad(() => sm.toGamma.forward(h).add(1)).data;
  const beta = noGrad(() => sm.toBeta.forward(h)).data;
  for (let c = 0; c < 2; c++) {
    const vals: number[] = [];
    for (let n = 0; n < 4; n++) for (let l = 0; l < 3; l++) vals.push(x.data[n * 6 + c * 3 + l]);
    const mu = vals.reduce((a, b) => a + b, 0) / vals.length;
    const variance = vals.reduce((a, b) => a + (b - mu) ** 2, 0) / vals.length;
    for (let n = 0; n < 4; n++) {
      for (let l = 0; l < 3; l++) {
        const bn = (x.data[n * 6 + c * 3 + l] - mu) / Math.sqrt(variance + 1e-5);
        assertClose(y.data[n * 6 + c * 3 + l], gamma[n * 2 + c] * bn + beta[n * 2 + c], { rtol: 1e-4, atol: 1e-5 });
      }
    }
  }
  // Different latents modulate differently.
  assert.notEqual(gamma[0], gamma[2]);
});
