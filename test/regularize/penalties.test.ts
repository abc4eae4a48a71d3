import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchNorm1d, LayerNorm, Linear, mseLoss, ReLU, Sequential, type Module } from '../../src/nn/index.js';
import { createOptimizer } from '../../src/optim/index.js';
import { Generator, grad, tensor, Tensor } from '../../src/tensor/index.js';
import {
  DecoupledWeightDecay, elasticNetPenalty, L1Proximal, l1Penalty, l2Penalty, combinePenalties, selectParameters,
  sharedParameters, snapshotParameters, softTiePenalty, weightDecayGroups,
} from '../../src/regularize/index.js';
import { assertClose } from '../helpers/close.js';
import { T, throwsWith, torchFixture } from './fixtures.js';

function net(seed = 0): Sequential {
  const g = new Generator(seed);
  return new Sequential(new Linear(3, 4, { generator: g, dtype: 'float64' }), new LayerNorm([4]), new ReLU(), new Linear(4, 2, { generator: g, dtype: 'float64' }), new BatchNorm1d(2)).double();
}

describe('parameter selection', () => {
  it('defaults to weights: no biases, no normalization parameters', () => {
    const names = selectParameters(net()).map(([n]) => n);
    assert.deepEqual(names, ['0.weight', '3.weight']);
  });

  it('selects by glob, RegExp, predicate, all, and include/exclude', () => {
    const m = net();
    assert.deepEqual(selectParameters(m, '*.bias').map(([n]) => n), ['0.bias', '1.bias', '3.bias', '4.bias']);
    assert.deepEqual(selectParameters(m, /^3\./).map(([n]) => n), ['3.weight', '3.bias']);
    assert.deepEqual(selectParameters(m, (n, p) => p.numel() === 8).map(([n]) => n), ['3.weight']);
    assert.equal(selectParameters(m, 'all').length, 8);
    assert.deepEqual(selectParameters(m, { include: 'all', exclude: /^(1|4)\./ }).map(([n]) => n), ['0.weight', '0.bias', '3.weight', '3.bias']);
  });

  it('weightDecayGroups puts the weights in a decayed group and the rest at 0', () => {
    const m = net();
    const groups = weightDecayGroups(m, 0.01);
    assert.equal(groups.length, 2);
    assert.equal(groups[0].weightDecay, 0.01);
    assert.equal(groups[0].params.length, 2);
    assert.equal(groups[1].weightDecay, 0);
    assert.equal(groups[1].params.length, 6);
    const opt = createOptimizer('adamw', groups, { lr: 1e-3 });
    assert.equal(opt.paramGroups.length, 2);
  });
});

describe('norm penalties', () => {
  const m = net(1);
  const weights = selectParameters(m).map(([, p]) => p);
  const sq = weights.reduce((s, p) => s + Array.from(p.data).reduce((a, v) => a + v * v, 0), 0);
  const ab = weights.reduce((s, p) => s + Array.from(p.data).reduce((a, v) => a + Math.abs(v), 0), 0);

  it('L2 is (λ/2) Σw² with gradient λw; L1 is λΣ|w| with gradient λ sign(w); elastic net sums them', () => {
    assertClose(l2Penalty(0.3).loss(m), 0.15 * sq, { rtol: 1e-12 });
    assertClose(l1Penalty(0.2).loss(m), 0.2 * ab, { rtol: 1e-12 });
    assertClose(elasticNetPenalty(0.2, 0.3).loss(m), 0.2 * ab + 0.15 * sq, { rtol: 1e-12 });
    const w = weights[0];
    const [g2] = grad(l2Penalty(0.3).loss(m), w);
    assertClose(g2, Array.from(w.data, (v) => 0.3 * v), { rtol: 1e-12 });
    const [g1] = grad(l1Penalty(0.2).loss(m), w);
    assertClose(g1, Array.from(w.data, (v) => 0.2 * Math.sign(v)), { rtol: 1e-12 });
    assertClose(combinePenalties(l2Penalty(0.3), l1Penalty(0.2)).loss(m), 0.2 * ab + 0.15 * sq, { rtol: 1e-12 });
  });

  it('addGradient adds exactly the gradient of loss() and returns its value', () => {
    for (const pen of [l2Penalty(0.3), l1Penalty(0.2), elasticNetPenalty(0.1, 0.4)]) {
      const a = net(2);
      const b = net(2);
      pen.loss(a).backward();
      const value = pen.addGradient(b);
      assertClose(value, pen.loss(a).item(), { rtol: 1e-12 });
      for (const [[name, pa], [, pb]] of a.namedParameters().map((e, i) => [e, b.namedParameters()[i]] as const)) {
        if (pa.grad === null) assert.equal(pb.grad, null, `${name} should have no gradient`);
        else assertClose(pb.grad!, pa.grad, { rtol: 1e-12, what: name });
      }
    }
  });

  it('rejects a negative coefficient, naming it', () => {
    throwsWith(() => l2Penalty(-1), 'l2Penalty', 'coef', '>= 0', '-1');
    throwsWith(() => elasticNetPenalty(0.1, -0.5), 'elasticNetPenalty', 'l2', '-0.5');
    throwsWith(() => new DecoupledWeightDecay(-0.1), 'DecoupledWeightDecay', 'coef', '-0.1');
  });
});

describe('L2 in the loss vs decoupled weight decay (docs/regularization.md)', () => {
  const fx = torchFixture().weightDecay;
  const X = T(fx.X);
  const y = T(fx.y);
  const lam: number = fx.lambda;
  const lr: number = fx.lr;
  function run(optimizer: string, l2: number, wd: number): number[][] {
    const w = T(fx.w0).detach().requiresGrad_();
    const opt = createOptimizer(optimizer, [w], { lr, weightDecay: wd });
    const pen = l2Penalty(l2, { select: 'all' });
    const traj: number[][] = [];
    for (let t = 0; t < 5; t++) {
      opt.zeroGrad();
      mseLoss(X.matmul(w.T), y).add(pen.loss([w])).backward();
      opt.step();
      traj.push(Array.from(w.data));
    }
    return traj;
  }

  it('with plain SGD, L2 coefficient λ and weight decay λ give the same trajectory (and PyTorch\'s)', () => {
    const a = run('sgd', lam, 0);
    const b = run('sgd', 0, lam);
    assertClose(a.flat(), b.flat(), { rtol: 1e-12, atol: 1e-15 });
    assertClose(a.flat(), fx.sgdL2.flat(), { rtol: 1e-10, atol: 1e-13 });
    assertClose(b.flat(), fx.sgdWd.flat(), { rtol: 1e-10, atol: 1e-13 });
  });

  it('with Adam, L2 in the loss (= Adam\'s coupled weightDecay) differs from AdamW\'s decoupled decay', () => {
    const l2 = run('adam', lam, 0);
    const coupled = run('adam', 0, lam);
    const decoupled = run('adamw', 0, lam);
    assertClose(l2.flat(), coupled.flat(), { rtol: 1e-10, atol: 1e-13 });
    assertClose(l2.flat(), fx.adamL2.flat(), { rtol: 1e-9, atol: 1e-12 });
    assertClose(decoupled.flat(), fx.adamwWd.flat(), { rtol: 1e-9, atol: 1e-12 });
    const diff = Math.max(...l2.at(-1)!.map((v, i) => Math.abs(v - decoupled.at(-1)![i])));
    assert.ok(diff > 0.05, `Adam+L2 and AdamW should differ clearly after 5 steps, max difference ${diff}`);
  });

  it('DecoupledWeightDecay after an SGD step equals SGD\'s weightDecay', () => {
    const w1 = T(fx.w0).detach().requiresGrad_();
    const w2 = T(fx.w0).detach().requiresGrad_();
    const o1 = createOptimizer('sgd', [w1], { lr });
    const o2 = createOptimizer('sgd', [w2], { lr, weightDecay: lam });
    const decay = new DecoupledWeightDecay(lam, { select: 'all' });
    for (let t = 0; t < 3; t++) {
      // decay first: SGD's weight decay uses θ before the gradient step
      o1.zeroGrad();
      mseLoss(X.matmul(w1.T), y).backward();
      decay.apply([w1], lr);
      o1.step();
      o2.zeroGrad();
      mseLoss(X.matmul(w2.T), y).backward();
      o2.step();
    }
    assertClose(w1, w2, { rtol: 1e-12, atol: 1e-15 });
  });

  it('the L1 proximal step soft-thresholds: exact zeros for |w| <= lr·λ', () => {
    const w = tensor([0.5, -0.05, 0.02, -0.3], { dtype: 'float64' });
    new L1Proximal(0.1, { select: 'all' }).apply([w], 1);
    assertClose(w, [0.4, 0, 0, -0.2], { atol: 1e-15 });
  });
});

describe('parameter tying and sharing', () => {
  it('soft tie: (λ/2) Σ (wA - wB)², gradient only to B in prior mode, to both in mutual mode', () => {
    const a = net(3);
    const b = net(4);
    const pen = softTiePenalty(a, b, 0.5);
    let expect = 0;
    for (const [[, pa], [, pb]] of selectParameters(a).map((e, i) => [e, selectParameters(b)[i]] as const)) {
      for (let i = 0; i < pa.numel(); i++) expect += (pa.data[i] - pb.data[i]) ** 2;
    }
    assertClose(pen, 0.25 * expect, { rtol: 1e-12 });
    pen.backward();
    const wa = a.namedParameters()[0][1];
    const wb = b.namedParameters()[0][1];
    assert.equal(wa.grad, null);
    assertClose(wb.grad!, Array.from(wb.data, (v, i) => 0.5 * (v - wa.data[i])), { rtol: 1e-12 });
    softTiePenalty(a, b, 0.5, { mode: 'mutual' }).backward();
    assertClose(wa.grad!, Array.from(wa.data, (v, i) => 0.5 * (v - wb.data[i])), { rtol: 1e-12 });
  });

  it('soft tie to a snapshot keeps a model near a fixed earlier state', () => {
    const m = net(5);
    const snap = snapshotParameters(m, { select: 'weights' });
    assert.equal(softTiePenalty(snap, m, 1).item(), 0);
    (m.namedParameters()[0][1].data as Float64Array)[0] += 1;
    assertClose(softTiePenalty(snap, m, 1), 0.5, { rtol: 1e-12 });
    throwsWith(() => softTiePenalty(new Sequential(new Linear(3, 4)), net(0), 1), "'3.weight'");
  });

  it('hard sharing: the same module in two models is one set of tensors, and one backward accumulates both uses', () => {
    const g = new Generator(9);
    const shared = new Linear(3, 3, { generator: g, dtype: 'float64' });
    const modelA = new Sequential(shared, new ReLU(), new Linear(3, 1, { generator: g, dtype: 'float64' }));
    const modelB = new Sequential(shared, new Linear(3, 2, { generator: g, dtype: 'float64' }));
    assert.deepEqual(sharedParameters(modelA, modelB), [shared.weight, shared.bias]);
    class Both extends Sequential {}
    const both = new Both(modelA, modelB);
    assert.equal(both.parameters().length, 2 + 2 + 2, 'the shared weight and bias are listed once');
    const x = tensor([[0.3, -0.2, 0.9], [1.1, 0.4, -0.7]], { dtype: 'float64' });
    const lossA = (): Tensor => modelA.forward(x).square().sum();
    const lossB = (): Tensor => modelB.forward(x).sum();
    const [ga] = grad(lossA(), shared.weight);
    const [gb] = grad(lossB(), shared.weight);
    lossA().add(lossB()).backward();
    assertClose(shared.weight.grad!, Array.from(ga.data, (v, i) => v + gb.data[i]), { rtol: 1e-12 });
  });
});

void (null as unknown as Module);
