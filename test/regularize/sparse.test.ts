import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Linear, ReLU, Sequential, Sigmoid } from '../../src/nn/index.js';
import { Generator, grad, randn, tensor } from '../../src/tensor/index.js';
import { activationL1, captureActivations, klSparsity } from '../../src/regularize/index.js';
import { assertClose } from '../helpers/close.js';
import { T, throwsWith, torchFixture } from './fixtures.js';

describe('sparse representations', () => {
  it('activation L1: coef · (1/N) Σ |h|', () => {
    const h = tensor([[1, -2, 0], [0.5, 0, 3]], { dtype: 'float64' });
    assertClose(activationL1(h, 0.1), 0.1 * (3 + 3.5) / 2, { rtol: 1e-12 });
    assertClose(activationL1([h, h], 0.1), 0.1 * 6.5, { rtol: 1e-12 });
    throwsWith(() => activationL1(h, -1), 'activationL1', 'coef', '-1');
  });

  it('KL sparsity Σ_j KL(ρ ‖ ρ̂_j) matches the sparse-autoencoder formula (PyTorch fixture), zero at ρ̂ = ρ', () => {
    const fx = torchFixture().klSparsity;
    assertClose(klSparsity(T(fx.h), fx.rho, 1), fx.kl, { rtol: 1e-10 });
    assertClose(klSparsity(tensor([[0.05, 0.05], [0.05, 0.05]], { dtype: 'float64' }), 0.05, 2), 0, { atol: 1e-15 });
    // its gradient pushes a mean activation above ρ down
    const h = tensor([[0.5], [0.3]], { dtype: 'float64', requiresGrad: true });
    const [g] = grad(klSparsity(h, 0.05, 1), h);
    assert.ok(g.data[0] > 0 && g.data[1] > 0);
    throwsWith(() => klSparsity(h, 1.2, 1), 'klSparsity', 'rho', '(0, 1)', '1.2');
  });

  it('captureActivations records the chosen modules\' outputs at every forward, inside the graph', () => {
    const g = new Generator(1);
    const model = new Sequential(new Linear(4, 6, { generator: g, dtype: 'float64' }), new Sigmoid(), new Linear(6, 5, { generator: g, dtype: 'float64' }), new ReLU(), new Linear(5, 2, { generator: g, dtype: 'float64' }));
    const acts = captureActivations(model, (_n, m) => m instanceof Sigmoid || m instanceof ReLU);
    assert.deepEqual(acts.names, ['1', '3']);
    const x = randn([7, 4], { generator: g, dtype: 'float64' });
    model.forward(x);
    assert.deepEqual(acts.get('1').shape, [7, 6]);
    assert.equal(acts.all().length, 2);
    const w = (model.at(0) as Linear).weight;
    const [gw] = grad(klSparsity(acts.get('1'), 0.05, 1), w);
    assert.ok(Array.from(gw.data).some((v) => v !== 0), 'the penalty reaches the layer below');
    const byName = captureActivations(model, ['3']);
    model.forward(x);
    assertClose(byName.get('3'), acts.get('3'), { rtol: 0 });
    acts.remove();
    acts.clear();
    model.forward(x);
    assert.equal(acts.all().length, 0);
    throwsWith(() => captureActivations(model, ['9']), "no submodule named '9'");
  });
});
