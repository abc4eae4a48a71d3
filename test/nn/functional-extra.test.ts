/**
 * The extra nn.functional activations, vector functions and normalizations (issue 19): values
 * and gradients against PyTorch, gradcheck and gradgradcheck on every backend, the modules,
 * gumbelSoftmax's sampling, and the errors.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, ones, tensor, zeros } from '../../src/tensor/index.js';
import * as nn from '../../src/nn/index.js';
import * as root from '../../src/index.js';
import { checksGradients, extraFixture, matchesPyTorch, type CaseFn } from './extra-cases.js';

const F = nn.functional;

const fns: Record<string, CaseFn> = {
  hardtanh: ([x], p) => F.hardtanh(x, p.minVal, p.maxVal),
  relu6: ([x]) => F.relu6(x),
  hardswish: ([x]) => F.hardswish(x),
  hardsigmoid: ([x]) => F.hardsigmoid(x),
  mish: ([x]) => F.mish(x),
  softsign: ([x]) => F.softsign(x),
  tanhshrink: ([x]) => F.tanhshrink(x),
  prelu: ([x, w]) => F.prelu(x, w),
  celu: ([x], p) => F.celu(x, p.alpha),
  glu: ([x], p) => F.glu(x, p.dim),
  softmin: ([x], p) => F.softmin(x, p.dim),
  normalize: ([x], p) => F.normalize(x, p),
  cosineSimilarity: ([a, b], p) => F.cosineSimilarity(a, b, p),
  pairwiseDistance: ([a, b], p) => F.pairwiseDistance(a, b, p),
  rmsNorm: ([x, w], p) => F.rmsNorm(x, p.normalizedShape, w ?? null, p.eps),
  localResponseNorm: ([x], { size, ...o }) => F.localResponseNorm(x, size, o),
  instanceNorm: ([x, a, b], p) =>
    p.running ? F.instanceNorm(x, { runningMean: a, runningVar: b, useInputStats: false })
      : F.instanceNorm(x, p.affine ? { weight: a, bias: b } : {}),
  oneHot: ([x], p) => F.oneHot(x, p.numClasses),
};

describe('nn.functional extras match PyTorch (value and gradients, float64)', () => {
  // PyTorch's float64 hardsigmoid backward multiplies by a float32 1/6 (relative error 3e-8).
  matchesPyTorch(extraFixture.functions, fns, { hardsigmoid: 1e-7 });
});

describe('nn.functional extras: gradcheck and gradgradcheck on every backend', () => {
  // The *_at_kinks cases sit where the functions have corners: finite differences cannot check them.
  checksGradients(extraFixture.functions.filter((c) => !c.name.endsWith('_at_kinks')), fns);
});

describe('gumbelSoftmax', () => {
  const logits = tensor([[1, 0.5, -1, 2], [0, 0, 0, 0], [3, -2, 0.1, 0.2]], { dtype: 'float64' });

  it('draws soft samples on the simplex, reproducibly from a seeded generator', () => {
    const a = F.gumbelSoftmax(logits, { tau: 0.5, generator: new Generator(7) });
    const b = F.gumbelSoftmax(logits, { tau: 0.5, generator: new Generator(7) });
    assert.deepEqual(a.toArray(), b.toArray());
    const sums = a.sum(1).toArray() as number[];
    for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-12, `row sums to 1, got ${s}`);
    assert.ok(a.data.every((v) => v > 0 && v < 1));
  });

  it('follows the softmax probabilities: argmax frequencies match softmax(logits)', () => {
    const g = new Generator(3);
    const row = tensor([[1, 0, -1]], { dtype: 'float64' });
    const counts = [0, 0, 0];
    const draws = 4000;
    for (let i = 0; i < draws; i++) counts[F.gumbelSoftmax(row, { generator: g, hard: true }).argmax(1).item()]++;
    const p = row.softmax(1).data;
    counts.forEach((c, k) => assert.ok(Math.abs(c / draws - p[k]) < 0.03, `class ${k}: frequency ${c / draws} vs probability ${p[k]}`));
  });

  it('hard samples are one-hot with the soft sample\'s gradient (straight-through)', () => {
    const x = logits.detach().requiresGrad_();
    const y = F.gumbelSoftmax(x, { hard: true, generator: new Generator(11) });
    for (let r = 0; r < 3; r++) {
      const row = Array.from(y.data.slice(r * 4, r * 4 + 4));
      assert.equal(row.filter((v) => Math.abs(v - 1) < 1e-12).length, 1);
      assert.equal(row.filter((v) => Math.abs(v) < 1e-12).length, 3);
    }
    const w = tensor([[1, 2, 3, 4], [0, 1, 0, 1], [2, 0, 0, 1]], { dtype: 'float64' });
    y.mul(w).sum().backward();
    const x2 = logits.detach().requiresGrad_();
    F.gumbelSoftmax(x2, { hard: false, generator: new Generator(11) }).mul(w).sum().backward();
    assert.deepEqual(Array.from(x.grad!.data), Array.from(x2.grad!.data));
  });

  it('refuses bad options', () => {
    assert.throws(() => F.gumbelSoftmax(logits, { tau: 0 }), /gumbelSoftmax: tau must be a positive finite number, got 0/);
    assert.throws(() => F.gumbelSoftmax(logits, { dim: 2 }), /gumbelSoftmax: dim 2 is out of range/);
    assert.throws(() => F.gumbelSoftmax(logits, { temperature: 1 } as never), /gumbelSoftmax/);
  });
});

describe('modules of the extra activations', () => {
  const x = tensor([[-4, -1.5, -0.2, 0.3, 2, 7]], { dtype: 'float64' });
  const same = (m: nn.Module, expected: ReturnType<typeof F.relu6>) => assert.deepEqual(Array.from(m.forward(x).data), Array.from(expected.data));

  it('call their functions with their arguments', () => {
    same(new nn.Hardtanh(-2, 3), F.hardtanh(x, -2, 3));
    same(new nn.ReLU6(), F.relu6(x));
    same(new nn.Hardswish(), F.hardswish(x));
    same(new nn.Hardsigmoid(), F.hardsigmoid(x));
    same(new nn.Mish(), F.mish(x));
    same(new nn.Softsign(), F.softsign(x));
    same(new nn.Tanhshrink(), F.tanhshrink(x));
    same(new nn.CELU(0.7), F.celu(x, 0.7));
    same(new nn.GLU(1), F.glu(x, 1));
    same(new nn.Softmin(1), F.softmin(x, 1));
    assert.deepEqual(Array.from(F.relu6(x).data), [0, 0, 0, 0.3, 2, 6]);
  });

  it('PReLU has one learnable slope, or one per channel, starting at init', () => {
    const shared = new nn.PReLU();
    assert.equal(shared.numParameters(), 1);
    assert.deepEqual(Array.from(shared.weight.data), [0.25]);
    const perChannel = new nn.PReLU(3, 0.1, { dtype: 'float64' });
    assert.equal(perChannel.numParameters(), 3);
    assert.equal(perChannel.numSlopes, 3);
    const input = tensor([[[-1, 2]], [[-2, 1]], [[-3, -4]]], { dtype: 'float64' }).reshape(1, 3, 2);
    const y = perChannel.forward(input);
    assert.deepEqual(Array.from(y.data).map((v) => Math.round(v * 1e12) / 1e12), [-0.1, 2, -0.2, 1, -0.3, -0.4]);
    y.sum().backward();
    assert.deepEqual(Array.from(perChannel.weight.grad!.data), [-1, -2, -7]);
    assert.throws(() => new nn.PReLU(0), /PReLU: numParameters must be a positive integer, got 0/);
    assert.throws(() => perChannel.forward(zeros([2, 4, 2], { dtype: 'float64' })), /prelu: weight must have 1 element or one per channel \(4 for input of shape \[2, 4, 2\]\), got shape \[3\]/);
  });

  it('RMSNorm scales by its weight, defaulting eps to the machine epsilon', () => {
    const m = new nn.RMSNorm(3, { dtype: 'float64' });
    assert.equal(m.numParameters(), 3);
    const v = tensor([[3, 4, 0]], { dtype: 'float64' });
    const rms = Math.sqrt(25 / 3);
    assert.deepEqual(Array.from(m.forward(v).data).map((d) => Math.round(d * 1e12) / 1e12), [3 / rms, 4 / rms, 0].map((d) => Math.round(d * 1e12) / 1e12));
    m.weight!.data.set([2, 1, 1]);
    assert.ok(Math.abs(m.forward(v).data[0] - 6 / rms) < 1e-12);
    assert.equal(new nn.RMSNorm([2], { elementwiseAffine: false }).numParameters(), 0);
    assert.throws(() => new nn.RMSNorm(0), /RMSNorm: normalizedShape must be positive integers/);
    assert.throws(() => m.forward(ones([2, 4])), /rmsNorm: input of shape \[2, 4\] does not end in the normalized shape \[3\]/);
  });
});

describe('instanceNorm updates running statistics like PyTorch', () => {
  it('with the batch mean of per-instance means and unbiased variances', () => {
    const x = tensor([[[1, 2, 3, 6]], [[0, 0, 2, 2]]], { dtype: 'float64' }); // [2, 1, 4]
    const runningMean = zeros([1], { dtype: 'float64' });
    const runningVar = ones([1], { dtype: 'float64' });
    F.instanceNorm(x, { runningMean, runningVar, momentum: 0.5 });
    // means 3 and 1 -> 2; unbiased variances 14/3 and 4/3 -> 3
    assert.ok(Math.abs(runningMean.data[0] - 1) < 1e-12);
    assert.ok(Math.abs(runningVar.data[0] - 2) < 1e-12);
  });
});

describe('oneHot', () => {
  it('is exported from the package root and nn', () => {
    assert.equal(root.oneHot, F.oneHot);
    assert.equal(nn.oneHot, F.oneHot);
    assert.deepEqual(root.oneHot(tensor([1, 0]), 3).toArray(), [[0, 1, 0], [1, 0, 0]]);
  });
  it('refuses indices that are not classes', () => {
    assert.throws(() => F.oneHot(tensor([0, 1.5]), 3), /oneHot: index 1.5 at flat position 1 is not a non-negative integer/);
    assert.throws(() => F.oneHot(tensor([0, 3]), 3), /oneHot: index 3 is not a class in \[0, 2\] \(numClasses 3\)/);
    assert.throws(() => F.oneHot(tensor([-1]), 3), /not a non-negative integer/);
  });
});

describe('errors name the op, the values and what was expected', () => {
  const x = ones([2, 3], { dtype: 'float64' });
  it('activations', () => {
    assert.throws(() => F.hardtanh(x, 1, -1), /hardtanh: minVal \(1\) must not exceed maxVal \(-1\)/);
    assert.throws(() => F.glu(x, 1), /glu: dimension 1 of input of shape \[2, 3\] has odd size 3/);
    assert.throws(() => F.glu(x, 2), /glu: dim 2 is out of range for a tensor with 2 dimensions/);
    assert.throws(() => F.celu(x, 0), /celu: alpha must be a finite non-zero number, got 0/);
    assert.throws(() => F.prelu(x, ones([2])), /prelu: weight must have 1 element or one per channel \(3/);
  });
  it('vector functions and normalizations', () => {
    assert.throws(() => F.normalize(x, { p: -1 }), /normalize: p must be a positive number/);
    assert.throws(() => F.normalize(x, { axis: 1 } as never), /normalize/);
    assert.throws(() => F.cosineSimilarity(x, ones([2, 4]), {}), /cosineSimilarity/);
    assert.throws(() => F.pairwiseDistance(x, x, { keepdim: true } as never), /pairwiseDistance/);
    assert.throws(() => F.localResponseNorm(x, 2), /localResponseNorm: expected input \[N, C, \.\.\.\] with at least 3 dimensions, got shape \[2, 3\]/);
    assert.throws(() => F.localResponseNorm(ones([1, 2, 2]), 0), /localResponseNorm: size must be a positive integer, got 0/);
    assert.throws(() => F.instanceNorm(ones([1, 2, 1])), /instanceNorm: expected more than 1 value per channel/);
    assert.throws(() => F.instanceNorm(ones([1, 2, 3]), { weight: ones([3]) }), /instanceNorm: weight must be a tensor of shape \[2\]/);
    assert.throws(() => F.instanceNorm(ones([1, 2, 3]), { useInputStats: false }), /needs runningMean and runningVar/);
    assert.throws(() => F.rmsNorm(x, [3], ones([2])), /rmsNorm: weight of shape \[2\] must have the normalized shape \[3\]/);
  });
});
