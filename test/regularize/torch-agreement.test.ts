/**
 * Agreement with PyTorch (scripts/fixtures/regularize_fixtures.py) for the arithmetic the other
 * test files check by hand: penalty values and gradients, mixup/CutMix inputs and soft targets
 * with cross-entropy on probability targets, and the semi-supervised terms.
 */
import { describe, it } from 'node:test';
import { crossEntropy } from '../../src/nn/index.js';
import { grad, tensor } from '../../src/tensor/index.js';
import { consistencyLoss, cutmixBatch, elasticNetPenalty, entropyMinimization, l1Penalty, l2Penalty, mixupBatch, pseudoLabelLoss, pseudoLabels } from '../../src/regularize/index.js';
import { assertClose } from '../helpers/close.js';
import { T, torchFixture } from './fixtures.js';

describe('PyTorch agreement: parameter penalties', () => {
  it('L2, L1 and elastic net: value and autograd gradient (L1 subgradient 0 at w = 0, like torch.abs)', () => {
    const fx = torchFixture().penalties;
    for (const c of fx.cases) {
      const w = T(fx.w, true);
      const pen = c.l1 === 0 ? l2Penalty(c.l2, { select: 'all' }) : c.l2 === 0 ? l1Penalty(c.l1, { select: 'all' }) : elasticNetPenalty(c.l1, c.l2, { select: 'all' });
      const value = pen.loss([w]);
      assertClose(value, c.value, { rtol: 1e-12, what: `${pen.name} value` });
      assertClose(grad(value, w)[0], T(c.grad), { rtol: 1e-12, atol: 1e-15, what: `${pen.name} gradient` });
      // the in-place form used by the training loops adds the same gradient
      const w2 = T(fx.w, true);
      assertClose(pen.addGradient([w2]), c.value, { rtol: 1e-12 });
      assertClose(w2.grad!, T(c.grad), { rtol: 1e-12, atol: 1e-15, what: `${pen.name} addGradient` });
    }
  });
});

describe('PyTorch agreement: mixup and CutMix', () => {
  const fx = torchFixture().mix;
  const x = T(fx.x);
  const y = tensor(fx.y, { dtype: 'float64' });
  const logits = T(fx.logits);

  it('mixup: λx + (1-λ)x[perm], λ·onehot + (1-λ)·onehot[perm], and F.cross_entropy on the soft targets', () => {
    const out = mixupBatch({ x, y }, fx.mixup.lambda, fx.perm, 3);
    assertClose(out.x, T(fx.mixup.x), { rtol: 1e-12, atol: 1e-15 });
    assertClose(out.y, T(fx.mixup.y), { rtol: 1e-12, atol: 1e-15 });
    assertClose(crossEntropy(logits, out.y), fx.mixup.ce, { rtol: 1e-12 });
    // the soft-target loss is the λ-weighted pair of hard-target losses (why mixup needs no special loss)
    assertClose(crossEntropy(logits, out.y), fx.mixup.cePair, { rtol: 1e-12 });
  });

  it('CutMix: the partner\'s box pasted in, targets mixed by the exact pasted area', () => {
    const out = cutmixBatch({ x, y }, fx.cutmix.box, fx.perm, 3);
    assertClose(out.lambda, fx.cutmix.lambda, { rtol: 1e-15 });
    assertClose(out.x, T(fx.cutmix.x), { rtol: 0, atol: 0 });
    assertClose(out.y, T(fx.cutmix.y), { rtol: 1e-12, atol: 1e-15 });
    assertClose(crossEntropy(logits, out.y), fx.cutmix.ce, { rtol: 1e-12 });
  });
});

describe('PyTorch agreement: semi-supervised terms', () => {
  const fx = torchFixture().semiSupervised;

  it('pseudo-labels and their masked cross-entropy (mean over all N), from the same or other logits, with the gradient', () => {
    const a = T(fx.a);
    const pl = pseudoLabels(a, fx.threshold);
    assertClose(pl.mask, fx.mask, { atol: 0 });
    assertClose(pl.labels, fx.labels, { atol: 0 });
    assertClose(pseudoLabelLoss(a, fx.threshold), fx.pseudoSelf, { rtol: 1e-12 });
    const b = T(fx.b, true);
    const loss = pseudoLabelLoss(b, fx.threshold, { from: a });
    assertClose(loss, fx.pseudoFrom, { rtol: 1e-12 });
    assertClose(grad(loss, b)[0], T(fx.pseudoFromGrad), { rtol: 1e-10, atol: 1e-15 });
  });

  it('entropy minimization, Π-model MSE and KL consistency', () => {
    const a = T(fx.a);
    const b = T(fx.b);
    assertClose(entropyMinimization(a), fx.entropy, { rtol: 1e-12 });
    assertClose(consistencyLoss(a, b), fx.mse, { rtol: 1e-12 });
    // KL(softmax(b) ‖ softmax(a)), batch mean: F.kl_div(log_softmax(a), log_softmax(b), log_target=True, reduction='batchmean')
    assertClose(consistencyLoss(a, b, { kind: 'kl' }), fx.kl, { rtol: 1e-12 });
  });
});
