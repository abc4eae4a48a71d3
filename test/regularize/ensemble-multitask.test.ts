import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossEntropy, Linear, mseLoss, ReLU, Sequential } from '../../src/nn/index.js';
import { Generator, grad, randn, tensor } from '../../src/tensor/index.js';
import { bagging, bootstrapIndices, bootstrapSample, Ensemble, multiTaskLoss, MultiTaskNet } from '../../src/regularize/index.js';
import { assertClose } from '../helpers/close.js';
import { throwsWith } from './fixtures.js';

describe('bootstrap and bagging', () => {
  it('bootstrap samples draw with replacement: about 1 - 1/e of the rows appear', () => {
    const idx = bootstrapIndices(10000, new Generator(1));
    assert.equal(idx.length, 10000);
    const distinct = new Set(idx).size / 10000;
    assertClose(distinct, 1 - Math.exp(-1), { atol: 0.015 });
    const data = { x: tensor([[0], [1], [2], [3]]), y: tensor([0, 1, 2, 3]) };
    const s = bootstrapSample(data, new Generator(2));
    for (let i = 0; i < 4; i++) assert.equal(s.x.data[i], s.y.data[i], 'rows stay paired');
  });

  it('an ensemble averages the members\' probabilities', () => {
    const g = new Generator(3);
    const members = [0, 1, 2].map(() => new Linear(4, 3, { generator: g, dtype: 'float64' }));
    const ens = new Ensemble(members);
    const x = randn([5, 4], { generator: g, dtype: 'float64' });
    const p = ens.forward(x);
    const manual = members.map((m) => m.forward(x).softmax(-1)).reduce((a, b) => a.add(b)).div(3);
    assertClose(p, manual, { rtol: 1e-12 });
    for (let i = 0; i < 5; i++) assertClose(Array.from(p.data.slice(i * 3, i * 3 + 3)).reduce((a: number, b: number) => a + b, 0), 1, { rtol: 1e-12 });
    assert.equal(ens.parameters().length, 6);
    const reg = new Ensemble(members, { combine: 'mean' });
    assertClose(reg.forward(x), members.map((m) => m.forward(x)).reduce((a, b) => a.add(b)).div(3), { rtol: 1e-12 });
    throwsWith(() => new Ensemble([]), 'Ensemble');
  });

  it('bagging trains K members on their own bootstrap samples; the average beats a typical member on noisy data', () => {
    const g = new Generator(4);
    const n = 60;
    const xs = randn([n, 1], { generator: g, dtype: 'float64' });
    const ys = xs.mul(2).add(randn([n, 1], { generator: g, dtype: 'float64' }).mul(0.5));
    const seen: number[] = [];
    const ens = bagging({
      k: 5, data: { x: xs, y: ys }, seed: 7, combine: 'mean',
      build: (_i, gen) => new Sequential(new Linear(1, 32, { generator: gen, dtype: 'float64' }), new ReLU(), new Linear(32, 1, { generator: gen, dtype: 'float64' })),
      fit: (model, d) => {
        seen.push(d.x.data[0]);
        const params = model.parameters();
        for (let t = 0; t < 300; t++) {
          const loss = mseLoss(model.forward(d.x), d.y);
          const gs = grad(loss, params);
          params.forEach((p, j) => p.data.forEach((v, k, arr) => (arr[k] = v - 0.05 * gs[j].data[k])));
        }
      },
    });
    assert.equal(ens.members.length, 5);
    assert.ok(new Set(seen).size > 1, 'members see different samples');
    const xt = randn([400, 1], { generator: new Generator(5), dtype: 'float64' });
    const yt = xt.mul(2);
    const ensErr = mseLoss(ens.forward(xt), yt).item();
    const memberErr = ens.members.map((m) => mseLoss(m.forward(xt), yt).item());
    assert.ok(ensErr <= memberErr.reduce((a, b) => a + b, 0) / 5, `ensemble ${ensErr} vs mean member ${memberErr}`);
  });
});

describe('multi-task learning', () => {
  it('a shared trunk with per-task heads; the weighted loss trains the trunk with every task\'s gradient', () => {
    const g = new Generator(6);
    const trunk = new Sequential(new Linear(4, 8, { generator: g, dtype: 'float64' }), new ReLU());
    const net = new MultiTaskNet(trunk, { cls: new Linear(8, 3, { generator: g, dtype: 'float64' }), reg: new Linear(8, 1, { generator: g, dtype: 'float64' }) });
    assert.deepEqual(Object.keys(net.stateDict()), ['trunk.0.weight', 'trunk.0.bias', 'heads.cls.weight', 'heads.cls.bias', 'heads.reg.weight', 'heads.reg.bias']);
    const x = randn([6, 4], { generator: g, dtype: 'float64' });
    const targets = { cls: tensor([0, 1, 2, 0, 1, 2], { dtype: 'float64' }), reg: randn([6, 1], { generator: g, dtype: 'float64' }) };
    const out = net.forwardAll(x);
    assert.deepEqual(out.cls.shape, [6, 3]);
    assert.deepEqual(out.reg.shape, [6, 1]);
    assertClose(net.forward(x), out.cls, { rtol: 1e-15 });
    const losses = { cls: (o: typeof x, t: typeof x) => crossEntropy(o, t), reg: mseLoss };
    const total = multiTaskLoss(out, targets, losses, { reg: 0.5 });
    assertClose(total, crossEntropy(out.cls, targets.cls).item() + 0.5 * mseLoss(out.reg, targets.reg).item(), { rtol: 1e-12 });
    const w = (trunk.at(0) as Linear).weight;
    const [g1] = grad(multiTaskLoss(net.forwardAll(x), targets, { cls: losses.cls }), w);
    const [g2] = grad(multiTaskLoss(net.forwardAll(x), targets, { reg: losses.reg }), w);
    const [gt] = grad(multiTaskLoss(net.forwardAll(x), targets, losses, { reg: 0.5 }), w);
    assertClose(gt, Array.from(g1.data, (v, i) => v + 0.5 * g2.data[i]), { rtol: 1e-10 });
    throwsWith(() => multiTaskLoss(out, targets, losses, { reg: -1 }), 'weights.reg', '-1');
    throwsWith(() => net.head('nope'), "unknown task 'nope'");
  });
});
