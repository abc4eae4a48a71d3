/**
 * The extra losses (issue 19): every reduction against PyTorch (value and gradients, float64),
 * gradcheck and gradgradcheck on every backend, the modules, and the errors.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ones, tensor } from '../../src/tensor/index.js';
import * as nn from '../../src/nn/index.js';
import { checksGradients, extraFixture, matchesPyTorch, type CaseFn } from './extra-cases.js';
import { decodeOptions } from './fixtures.js';

const withOptions = (p: Record<string, unknown>) => decodeOptions(p) as any;

const fns: Record<string, CaseFn> = {
  marginRankingLoss: ([a, b, y], p) => nn.marginRankingLoss(a, b, y, withOptions(p)),
  cosineEmbeddingLoss: ([a, b, y], p) => nn.cosineEmbeddingLoss(a, b, y, withOptions(p)),
  tripletMarginLoss: ([a, pos, neg], p) => nn.tripletMarginLoss(a, pos, neg, withOptions(p)),
  poissonNllLoss: ([x, t], p) => nn.poissonNllLoss(x, t, withOptions(p)),
  gaussianNllLoss: ([x, t, v], p) => nn.gaussianNllLoss(x, t, v, withOptions(p)),
  softMarginLoss: ([x, t], p) => nn.softMarginLoss(x, t, withOptions(p)),
  multilabelMarginLoss: ([x, t], p) => nn.multilabelMarginLoss(x, t, withOptions(p)),
  multilabelSoftMarginLoss: ([x, t], p) => nn.multilabelSoftMarginLoss(x, t, withOptions(p)),
  // The fixture's inputs are logits: PyTorch's ctc_loss gradient is only the true one through a log-softmax.
  ctcLoss: ([x, t], { inputLengths, targetLengths, ...o }) => nn.ctcLoss(x.logSoftmax(2), t, inputLengths, targetLengths, o),
};

describe('extra losses match PyTorch (value and gradients, every reduction)', () => {
  matchesPyTorch(extraFixture.losses, fns);
});

describe('extra losses: gradcheck and gradgradcheck on every backend', () => {
  // One reduction per loss is enough here: the reductions are checked against PyTorch above.
  // gaussian_var_last1_eps has variances below eps, where PyTorch's gradient is by design not
  // the derivative of the value (the clamp is invisible to autograd); its fixture pins it.
  checksGradients(extraFixture.losses.filter((c) => c.params.reduction === 'sum' && !c.name.startsWith('gaussian_var_last1_eps')), fns);
});

describe('extra loss modules call their functions with their options', () => {
  const a = tensor([[0.5, -1, 2], [1, 0, -0.5]], { dtype: 'float64' });
  const b = tensor([[1, 1, 0], [-1, 0.5, 2]], { dtype: 'float64' });
  const c = tensor([[0, 2, 1], [0.3, 0.3, -2]], { dtype: 'float64' });
  const y = tensor([1, -1], { dtype: 'float64' });
  const eq = (m: number, f: number) => assert.equal(m, f);
  it('each module', () => {
    eq(new nn.MarginRankingLoss({ margin: 0.5 }).forward(a, b, a.sign()).item(), nn.marginRankingLoss(a, b, a.sign(), { margin: 0.5 }).item());
    eq(new nn.CosineEmbeddingLoss({ margin: 0.1, reduction: 'sum' }).forward(a, b, y).item(), nn.cosineEmbeddingLoss(a, b, y, { margin: 0.1, reduction: 'sum' }).item());
    eq(new nn.TripletMarginLoss({ swap: true }).forward(a, b, c).item(), nn.tripletMarginLoss(a, b, c, { swap: true }).item());
    eq(new nn.PoissonNLLLoss({ full: true }).forward(a, b.abs()).item(), nn.poissonNllLoss(a, b.abs(), { full: true }).item());
    eq(new nn.GaussianNLLLoss({ eps: 0.1 }).forward(a, b, c.abs()).item(), nn.gaussianNllLoss(a, b, c.abs(), { eps: 0.1 }).item());
    eq(new nn.SoftMarginLoss().forward(a, b.sign().add(b.eq(0))).item(), nn.softMarginLoss(a, b.sign().add(b.eq(0))).item());
    const labels = tensor([[2, -1, 0], [0, 1, 2]], { dtype: 'float64' });
    eq(new nn.MultiLabelMarginLoss().forward(a, labels).item(), nn.multilabelMarginLoss(a, labels).item());
    const w = tensor([1, 2, 3], { dtype: 'float64' });
    eq(new nn.MultiLabelSoftMarginLoss({ weight: w }).forward(a, a.gt(0)).item(), nn.multilabelSoftMarginLoss(a, a.gt(0), { weight: w }).item());
    assert.throws(() => new nn.TripletMarginLoss({ margn: 1 } as never), /TripletMarginLoss/);
  });
});

describe('gaussianNllLoss clamps the variance as PyTorch does', () => {
  it('the value uses max(var, eps), the gradient is the unclamped one', () => {
    const v = tensor([0.01, 1], { dtype: 'float64', requiresGrad: true });
    const x = tensor([0, 0], { dtype: 'float64' });
    const t = tensor([1, 1], { dtype: 'float64' });
    const loss = nn.gaussianNllLoss(x, t, v, { eps: 0.5, reduction: 'sum' });
    const expected = 0.5 * (Math.log(0.5) + 1 / 0.5) + 0.5 * (0 + 1);
    assert.ok(Math.abs(loss.item() - expected) < 1e-12);
    loss.backward();
    // d/dv of 0.5 (log v + 1 / v) at the clamped value 0.5, passed straight to v.
    assert.ok(Math.abs(v.grad!.data[0] - 0.5 * (1 / 0.5 - 1 / 0.25)) < 1e-12);
  });
});

describe('extra loss errors name the op, the shapes or values and what was expected', () => {
  const x = ones([2, 3], { dtype: 'float64' });
  it('shapes', () => {
    assert.throws(() => nn.marginRankingLoss(x, ones([4]), ones([2])), /marginRankingLoss: the shapes input1 \[2, 3\], input2 \[4\], target \[2\] do not broadcast together/);
    assert.throws(() => nn.cosineEmbeddingLoss(x, x, ones([3])), /cosineEmbeddingLoss: expected inputs \[N, D\] with target \[N\]/);
    assert.throws(() => nn.tripletMarginLoss(x, x, ones([3])), /tripletMarginLoss: anchor, positive and negative must all be \[N, D\] or all \[D\]/);
    assert.throws(() => nn.gaussianNllLoss(x, x, ones([3])), /gaussianNllLoss: var of shape \[3\] must have the input's shape \[2, 3\]/);
    assert.throws(() => nn.softMarginLoss(x, ones([3])), /softMarginLoss: input shape \[2, 3\] and target shape \[3\] differ/);
    assert.throws(() => nn.multilabelMarginLoss(ones([1, 1, 2]), ones([1, 1, 2])), /multilabelMarginLoss: input must be \[N, C\] or \[C\]/);
    assert.throws(() => nn.multilabelSoftMarginLoss(x, x, { weight: ones([4]) }), /multilabelSoftMarginLoss: weight of shape \[4\] does not broadcast to \[2, 3\]/);
  });
  it('values and options', () => {
    assert.throws(() => nn.cosineEmbeddingLoss(x, x, tensor([1, 0])), /cosineEmbeddingLoss: targets must be -1 or \+1, found 0 at flat index 1/);
    assert.throws(() => nn.gaussianNllLoss(x, x, tensor([[1, -1, 1], [1, 1, 1]])), /gaussianNllLoss: var has a negative entry -1 at flat index 1/);
    assert.throws(() => nn.multilabelMarginLoss(x, tensor([[0, 3, -1], [0, -1, 0]])), /multilabelMarginLoss: target 3 at flat position 1 is not a class index in \[0, 2\] or the end marker -1/);
    assert.throws(() => nn.poissonNllLoss(x, x, { logInputs: true } as never), /poissonNllLoss/);
    assert.throws(() => nn.softMarginLoss(x, x, { reduction: 'avg' as never }), /softMarginLoss: reduction must be 'mean', 'sum' or 'none', got 'avg'/);
    assert.throws(() => nn.tripletMarginLoss(x, x, x, { p: 0 }), /pairwiseDistance: p must be a positive number/);
  });
});

describe('ctcLoss', () => {
  const logProbs = tensor(Array.from({ length: 4 * 2 * 3 }, (_, i) => Math.sin(i)), { dtype: 'float64', shape: [4, 2, 3] }).logSoftmax(2);
  const targets = tensor([[1, 2], [1, 1]], { dtype: 'float64' });

  it('is infinite for a target that cannot fit its input (without zeroInfinity)', () => {
    const loss = nn.ctcLoss(logProbs, targets, [4, 2], [2, 2], { reduction: 'none' });
    assert.ok(Number.isFinite(loss.data[0]));
    assert.equal(loss.data[1], Infinity);
    assert.equal(nn.ctcLoss(logProbs, targets, [4, 2], [2, 2], { reduction: 'none', zeroInfinity: true }).data[1], 0);
  });

  it('CTCLoss calls ctcLoss with its options; padded and concatenated targets agree', () => {
    const m = new nn.CTCLoss({ reduction: 'sum' });
    const fromModule = m.forward(logProbs, targets, [4, 3], [2, 2]).item();
    assert.equal(fromModule, nn.ctcLoss(logProbs, targets, [4, 3], [2, 2], { reduction: 'sum' }).item());
    assert.equal(fromModule, nn.ctcLoss(logProbs, tensor([1, 2, 1, 1], { dtype: 'float64' }), tensor([4, 3]), tensor([2, 2]), { reduction: 'sum' }).item());
  });

  it('refuses bad shapes, lengths and labels', () => {
    assert.throws(() => nn.ctcLoss(logProbs.sum(1), targets, [4, 4], [2, 2]), /ctcLoss: logProbs must be \[T, N, C\] \(frames, batch, classes\), got shape \[4, 3\]/);
    assert.throws(() => nn.ctcLoss(logProbs, targets, [5, 4], [2, 2]), /ctcLoss: inputLengths\[0\] is 5, more than the 4 frames of logProbs/);
    assert.throws(() => nn.ctcLoss(logProbs, targets, [4], [2, 2]), /ctcLoss: inputLengths must hold one length per batch element \(2\), got 1/);
    assert.throws(() => nn.ctcLoss(logProbs, targets, [4, 4], [3, 2]), /ctcLoss: targetLengths\[0\] is 3, longer than the padded targets' 2 columns/);
    assert.throws(() => nn.ctcLoss(logProbs, tensor([1, 2, 1]), [4, 4], [2, 2]), /ctcLoss: concatenated targets must hold sum\(targetLengths\) = 4 labels, got 3/);
    assert.throws(() => nn.ctcLoss(logProbs, tensor([[0, 1], [1, 1]]), [4, 4], [2, 2]), /ctcLoss: target 0 \(sample 0, position 0\) must be a class index in \[0, 2\] other than the blank 0/);
    assert.throws(() => nn.ctcLoss(logProbs, targets, [4, 4], [2, 2], { blank: 3 }), /ctcLoss: blank must be a class index in \[0, 2\], got 3/);
    assert.throws(() => nn.ctcLoss(logProbs, targets, [4, 4], [2, 2], { reduction: 'avg' as never }), /ctcLoss: reduction must be 'mean', 'sum' or 'none'/);
  });
});
