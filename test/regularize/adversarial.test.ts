import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossEntropy, Linear, Module } from '../../src/nn/index.js';
import { Generator, tensor, Tensor } from '../../src/tensor/index.js';
import { adversarialLoss, fgsm, inputGradient, pgd, projectL2, projectLinf, robustAccuracy } from '../../src/regularize/index.js';
import { assertClose } from '../helpers/close.js';
import { T, throwsWith, torchFixture } from './fixtures.js';

const fx = torchFixture().adversarial;

/** The fixture's linear classifier x W^T + b. */
function fixedModel(): Linear {
  const lin = new Linear(6, 3, { dtype: 'float64' });
  lin.weight.data.set(T(fx.W).data);
  lin.bias!.data.set(T(fx.b).data);
  return lin;
}
const x = T(fx.x);
const y = tensor(fx.y, { dtype: 'float64' });

describe('FGSM', () => {
  it('is x + ε sign(∇x L), clipped to [0, 1], as PyTorch computes it', () => {
    const model = fixedModel();
    const { grad } = inputGradient(model, x, y);
    assertClose(grad, T(fx.fgsm.grad), { rtol: 1e-10, atol: 1e-14 });
    const adv = fgsm(model, x, y, { epsilon: fx.fgsm.eps });
    assertClose(adv, T(fx.fgsm.adv), { rtol: 1e-12, atol: 1e-14 });
    // the step itself, elementwise, before clipping
    const raw = fgsm(model, x, y, { epsilon: 0.1, clip: null });
    for (let i = 0; i < x.numel(); i++) assertClose(raw.data[i], x.data[i] + 0.1 * Math.sign(grad.data[i]), { rtol: 1e-12 });
    assert.equal(model.weight.grad, null, 'the attack leaves the model\'s .grad alone');
    assert.equal(adv.requiresGrad, false);
  });

  it('increases the loss, and rejects a negative epsilon', () => {
    const model = fixedModel();
    const adv = fgsm(model, x, y, { epsilon: 0.05, clip: null });
    assert.ok(crossEntropy(model.forward(adv), y).item() > crossEntropy(model.forward(x), y).item());
    throwsWith(() => fgsm(model, x, y, { epsilon: -0.1 }), 'fgsm', 'epsilon', '>= 0', '-0.1');
    throwsWith(() => pgd(model, x, y, { epsilon: -1 }), 'pgd', 'epsilon', '-1');
    throwsWith(() => pgd(model, x, y, { epsilon: 0.1, norm: 'l3' as 'l2' }), 'pgd', 'norm', "'linf', 'l2'");
  });
});

describe('PGD', () => {
  it('L∞ and L2 PGD without random start match a PyTorch implementation step for step', () => {
    const model = fixedModel();
    const a = pgd(model, x, y, { epsilon: fx.pgdLinf.eps, stepSize: fx.pgdLinf.alpha, steps: fx.pgdLinf.steps, randomStart: false });
    assertClose(a, T(fx.pgdLinf.adv), { rtol: 1e-10, atol: 1e-12 });
    const b = pgd(model, x, y, { epsilon: fx.pgdL2.eps, stepSize: fx.pgdL2.alpha, steps: fx.pgdL2.steps, norm: 'l2', randomStart: false });
    assertClose(b, T(fx.pgdL2.adv), { rtol: 1e-10, atol: 1e-12 });
  });

  it('projections: L∞ clamps x - x0 to [-ε, ε]; L2 rescales each example\'s δ to norm ε when outside', () => {
    const x0 = tensor([[0, 0], [1, 1]], { dtype: 'float64' });
    const p = tensor([[0.5, -0.05], [1.3, 0.6]], { dtype: 'float64' });
    assertClose(projectLinf(p, x0, 0.1), [0.1, -0.05, 1.1, 0.9], { rtol: 1e-12 });
    const q = projectL2(p, x0, 0.1);
    const n0 = Math.hypot(0.5, -0.05);
    assertClose(q.data.slice(0, 2), [(0.5 * 0.1) / n0, (-0.05 * 0.1) / n0], { rtol: 1e-12 });
    assertClose(Math.hypot(q.data[2] - 1, q.data[3] - 1), 0.1, { rtol: 1e-12 });
    const inside = tensor([[0.01, 0.02], [1, 1]], { dtype: 'float64' });
    assertClose(projectL2(inside, x0, 0.1), inside, { rtol: 1e-15 });
  });

  it('stays in the ball and the valid range from a random start, and is at least as strong as FGSM here', () => {
    const model = fixedModel();
    for (const norm of ['linf', 'l2'] as const) {
      const eps = norm === 'linf' ? 0.1 : 0.3;
      const adv = pgd(model, x, y, { epsilon: eps, steps: 10, norm, generator: new Generator(1) });
      for (let i = 0; i < 5; i++) {
        let s = 0;
        let m = 0;
        for (let k = 0; k < 6; k++) {
          const d = adv.data[i * 6 + k] - x.data[i * 6 + k];
          s += d * d;
          m = Math.max(m, Math.abs(d));
          assert.ok(adv.data[i * 6 + k] >= 0 && adv.data[i * 6 + k] <= 1);
        }
        if (norm === 'linf') assert.ok(m <= eps + 1e-12);
        else assert.ok(Math.sqrt(s) <= eps + 1e-12);
      }
    }
    const lf = crossEntropy(model.forward(fgsm(model, x, y, { epsilon: 0.1 })), y).item();
    const lp = crossEntropy(model.forward(pgd(model, x, y, { epsilon: 0.1, steps: 20, stepSize: 0.02, randomStart: false })), y).item();
    assert.ok(lp >= lf - 1e-9, `PGD loss ${lp} vs FGSM loss ${lf}`);
  });
});

describe('adversarial training helpers', () => {
  it('adversarialLoss is α L(x) + (1 - α) L(x_adv) and trains the model', () => {
    const model = fixedModel();
    const adv = fgsm(model, x, y, { epsilon: 0.1 });
    const expected = 0.3 * crossEntropy(model.forward(x), y).item() + 0.7 * crossEntropy(model.forward(adv), y).item();
    const loss = adversarialLoss(model, x, y, { epsilon: 0.1, cleanWeight: 0.3 });
    assertClose(loss, expected, { rtol: 1e-12 });
    loss.backward();
    assert.ok(model.weight.grad !== null);
  });

  it('robustAccuracy measures clean and attacked accuracy in evaluation mode and restores the mode', () => {
    class Net extends Module {
      lin = fixedModel();
      seenTraining: boolean[] = [];
      forward(t: Tensor): Tensor {
        this.seenTraining.push(this.training);
        return this.lin.forward(t);
      }
    }
    const net = new Net();
    const r = robustAccuracy(net, { x, y }, { epsilon: 0.2, batchSize: 2 });
    const pred = net.lin.forward(x).argmax(1).data;
    const clean = Array.from(pred).filter((p, i) => p === y.data[i]).length / 5;
    assertClose(r.clean, clean, { rtol: 1e-12 });
    assert.ok(r.robust <= r.clean);
    assert.equal(net.training, true);
    assert.ok(net.seenTraining.every((t) => t === false));
  });
});
