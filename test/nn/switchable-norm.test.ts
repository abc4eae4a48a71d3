/**
 * Switchable normalization against the paper's formulas (Luo et al. 2019, equations 1-5),
 * worked by hand on a [2, 2, 1, 2] input.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchNorm, instanceNorm, layerNorm, SwitchableNorm2d, switchableStatistics } from '../../src/nn/index.js';
import { tensor, type Tensor } from '../../src/tensor/index.js';

// n0: c0 [1, 3], c1 [2, 6]; n1: c0 [0, 4], c1 [5, 5].
const X = [1, 3, 2, 6, 0, 4, 5, 5];
const input = (): Tensor => tensor(X, { shape: [2, 2, 1, 2], dtype: 'float64', requiresGrad: true });
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};
const layer = (): SwitchableNorm2d => new SwitchableNorm2d(2, { dtype: 'float64', eps: 1e-5 });
const setLogits = (t: Tensor, v: number[]): void => t.data.set(v);

describe('SwitchableNorm2d (Luo et al. 2019)', () => {
  it('statistics: IN over H, W; LN and BN from IN\'s mean and second moment (hand-worked)', () => {
    const s = switchableStatistics(input());
    // IN: means 2, 4 | 2, 5; biased variances 1, 4 | 4, 0.
    close(s.mean.in.data, [2, 4, 2, 5], 0, 'μ_in');
    close(s.variance.in.data, [1, 4, 4, 0], 0, 'σ²_in');
    // LN per sample: values 1,3,2,6 → 3, 3.5; values 0,4,5,5 → 3.5, 4.25.
    close(s.mean.ln.data, [3, 3.5], 0, 'μ_ln');
    close(s.variance.ln.data, [3.5, 4.25], 1e-15, 'σ²_ln');
    // BN per channel: values 1,3,0,4 → 2, 2.5; values 2,6,5,5 → 4.5, 2.25.
    close(s.mean.bn.data, [2, 4.5], 0, 'μ_bn');
    close(s.variance.bn.data, [2.5, 2.25], 1e-15, 'σ²_bn');
  });
  it('equal weights at initialization: the mean and variance are the plain averages of the three', () => {
    const sn = layer();
    const y = sn.forward(input());
    // Element (n0, c0, w0), x = 1: μ = (2 + 3 + 2)/3, σ² = (1 + 3.5 + 2.5)/3.
    assert.ok(Math.abs(y.data[0] - (1 - 7 / 3) / Math.sqrt(7 / 3 + 1e-5)) < 1e-14, `y = ${y.data[0]}`);
    // Element (n1, c1, w1), x = 5: μ = (5 + 3.5 + 4.5)/3, σ² = (0 + 4.25 + 2.25)/3.
    assert.ok(Math.abs(y.data[7] - (5 - 13 / 3) / Math.sqrt(6.5 / 3 + 1e-5)) < 1e-14, `y = ${y.data[7]}`);
    close(sn.switchWeights().mean, [1 / 3, 1 / 3, 1 / 3], 1e-15, 'w');
  });
  it('one-hot weights give instance, layer and batch normalization', () => {
    const cases: [number[], (x: Tensor) => Tensor][] = [
      [[0, -Infinity, -Infinity], (x) => instanceNorm(x, { eps: 1e-5 })],
      [[-Infinity, 0, -Infinity], (x) => layerNorm(x, [2, 1, 2], null, null, 1e-5)],
      [[-Infinity, -Infinity, 0], (x) => batchNorm(x, null, null, null, null, { training: true, eps: 1e-5 })],
    ];
    for (const [logits, reference] of cases) {
      const sn = layer();
      setLogits(sn.meanWeight, logits);
      setLogits(sn.varWeight, logits);
      close(sn.forward(input()).data, reference(input()).data, 1e-13, `λ = ${logits}`);
    }
  });
  it('evaluation uses the running BN statistics; training updates them with momentum', () => {
    const sn = new SwitchableNorm2d(2, { dtype: 'float64', momentum: 0.5 });
    sn.forward(input());
    // r <- 0.5 r + 0.5 batch, from mean 0 and variance 1.
    close(sn.runningMean.data, [1, 2.25], 1e-15, 'running mean');
    close(sn.runningVar.data, [1.75, 1.625], 1e-15, 'running var');
    setLogits(sn.meanWeight, [-Infinity, -Infinity, 0]);
    setLogits(sn.varWeight, [-Infinity, -Infinity, 0]);
    sn.eval();
    const y = sn.forward(input());
    // (x - 1) / √(1.75 + ε) for channel 0; IN/LN weights are 0 so batch statistics play no part.
    assert.ok(Math.abs(y.data[0] - 0 / Math.sqrt(1.75 + 1e-5)) < 1e-15);
    assert.ok(Math.abs(y.data[1] - 2 / Math.sqrt(1.75 + 1e-5)) < 1e-14, `y = ${y.data[1]}`);
    close(sn.runningMean.data, [1, 2.25], 0, 'eval leaves the running mean');
    // The default momentum is the authors' 0.997 on the old value.
    const d = layer();
    d.forward(input());
    close(d.runningMean.data, [0.003 * 2, 0.003 * 4.5], 1e-15, 'default momentum');
  });
  it('the switch logits, γ and β are learned (they get gradients)', () => {
    const sn = layer();
    setLogits(sn.meanWeight, [0.3, -0.2, 0.1]);
    const x = input();
    sn.forward(x).mul(tensor(X.map((v, i) => (i % 3) - v / 7), { shape: [2, 2, 1, 2], dtype: 'float64' })).sum().backward();
    for (const p of [sn.meanWeight, sn.varWeight, sn.weight!, sn.bias!]) {
      assert.ok(p.grad && Array.from(p.grad.data).some((g) => g !== 0 && Number.isFinite(g)), 'a parameter without a gradient');
    }
    assert.equal(sn.parameters().length, 4);
  });
  it('rejects bad input naming what was expected', () => {
    assert.throws(() => layer().forward(tensor([1, 2], { shape: [1, 2] })), /expected input \[N, 2, H, W\], got shape \[1, 2\]/);
    assert.throws(() => new SwitchableNorm2d(0), /numFeatures must be a positive integer/);
    assert.throws(() => new SwitchableNorm2d(2, { momentum: 2 }), /momentum must be in \[0, 1\]/);
  });
});
