import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Dropout, Linear, SELU } from '../../src/nn/index.js';
import { Generator, ones, randn, tensor, zeros } from '../../src/tensor/index.js';
import {
  ALPHA_PRIME, AlphaDropout, alphaDropout, alphaDropoutConstants, classicDropout, ClassicDropout, DropConnect, dropoutMask,
  gaussianDropout, InvertedDropout, invertedDropout, SELU_ALPHA, SELU_SCALE, SpatialDropout, spatialDropout, GaussianDropout,
} from '../../src/regularize/index.js';
import { assertClose } from '../helpers/close.js';
import { T, throwsWith, torchFixture } from './fixtures.js';

function stats(d: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < d.length; i++) {
    s += d[i];
    s2 += d[i] * d[i];
  }
  const mean = s / d.length;
  return { mean, variance: s2 / d.length - mean * mean };
}

describe('inverted and classic dropout', () => {
  it('inverted: survivors scaled by 1/(1-p), zeros elsewhere; keep fraction ≈ 1-p; identity in evaluation', () => {
    const p = 0.3;
    const x = ones([200, 100]);
    const y = invertedDropout(x, p, { generator: new Generator(1) });
    let kept = 0;
    for (const v of y.data) {
      assert.ok(v === 0 || Math.abs(v - 1 / (1 - p)) < 1e-6, `value ${v}`);
      if (v !== 0) kept++;
    }
    const frac = kept / y.numel();
    assert.ok(Math.abs(frac - (1 - p)) < 4 * Math.sqrt(p * (1 - p) / y.numel()), `keep fraction ${frac}`);
    assertClose(stats(y.data).mean, 1, { atol: 0.02 });
    assert.equal(invertedDropout(x, p, { training: false }), x);
    const m = new InvertedDropout(p, { generator: 5 });
    m.eval();
    assert.equal(m.forward(x), x);
  });

  it('nn.Dropout is the inverted form (the same scaling)', () => {
    const y = new Dropout(0.5, { generator: new Generator(3) }).forward(ones([1000]));
    for (const v of y.data) assert.ok(v === 0 || v === 2);
  });

  it('classic: training multiplies by the 0/1 mask, evaluation scales by 1-p; the same expectation as inverted', () => {
    const p = 0.25;
    const x = randn([100, 50], { generator: new Generator(2) });
    const yt = classicDropout(x, p, { generator: new Generator(4) });
    for (let i = 0; i < x.numel(); i++) assert.ok(yt.data[i] === 0 || yt.data[i] === x.data[i]);
    const ye = classicDropout(x, p, { training: false });
    assertClose(ye, Array.from(x.data, (v) => v * (1 - p)), { rtol: 1e-6 });
    const m = new ClassicDropout(p, { generator: 8 });
    const c = ones([400, 250]);
    assertClose(stats(m.forward(c).data).mean, 1 - p, { atol: 0.01 });
    m.eval();
    assertClose(stats(m.forward(c).data).mean, 1 - p, { atol: 1e-7 });
  });

  it('the same generator seed gives the same mask', () => {
    const a = dropoutMask([50], 0.5, 123);
    const b = dropoutMask([50], 0.5, new Generator(123));
    assert.deepEqual(Array.from(a.data), Array.from(b.data));
  });

  it('rejects a rate outside [0, 1), naming it', () => {
    throwsWith(() => new InvertedDropout(1), 'InvertedDropout', 'p', '[0, 1)', '1');
    throwsWith(() => new AlphaDropout(-0.1), 'AlphaDropout', 'p', '-0.1');
    throwsWith(() => new SpatialDropout(1.5), 'SpatialDropout', '1.5');
    throwsWith(() => new DropConnect(new Linear(2, 2), 1), 'DropConnect', 'p');
    throwsWith(() => invertedDropout(ones([2]), Number.NaN), 'invertedDropout', 'p', 'NaN');
    throwsWith(() => new GaussianDropout(2), 'GaussianDropout');
  });
});

describe('alpha dropout', () => {
  it('constants: α′ = −λα and a, b as PyTorch computes them (every output is a x + b or a α′ + b)', () => {
    assertClose(ALPHA_PRIME, -SELU_SCALE * SELU_ALPHA, { rtol: 1e-15 });
    assertClose(ALPHA_PRIME, -1.7580993408473766, { rtol: 1e-15 });
    for (const c of torchFixture().alphaDropout) {
      const { a, b, alphaPrime } = alphaDropoutConstants(c.p);
      const x = T(c.x);
      const y = T(c.y);
      let dropped = 0;
      for (let i = 0; i < x.numel(); i++) {
        const kept = a * x.data[i] + b;
        const drop = a * alphaPrime + b;
        const ok = Math.abs(y.data[i] - kept) < 1e-9 || Math.abs(y.data[i] - drop) < 1e-9;
        assert.ok(ok, `p=${c.p}: torch output ${y.data[i]} is neither a x + b = ${kept} nor a α' + b = ${drop}`);
        if (Math.abs(y.data[i] - drop) < 1e-9 && Math.abs(y.data[i] - kept) >= 1e-9) dropped++;
      }
      assert.ok(dropped > 0, 'the fixture has dropped elements');
    }
  });

  it('keeps mean 0 and variance 1 of standard normal inputs, and of SELU activations of them', () => {
    for (const p of [0.1, 0.3, 0.5]) {
      const x = randn([200000], { generator: new Generator(10), dtype: 'float64' });
      const s = stats(alphaDropout(x, p, { generator: new Generator(11) }).data);
      assertClose(s.mean, 0, { atol: 0.01, what: `mean p=${p}` });
      assertClose(s.variance, 1, { atol: 0.02, what: `variance p=${p}` });
    }
    // A SELU layer on N(0, 1) pre-activations is self-normalizing: its outputs stay near (0, 1), and alpha dropout keeps them there.
    const h = new SELU().forward(randn([200000], { generator: new Generator(12), dtype: 'float64' }));
    const s0 = stats(h.data);
    const s1 = stats(new AlphaDropout(0.2, { generator: 13 }).forward(h).data);
    assertClose(s1.mean, s0.mean, { atol: 0.015 });
    assertClose(s1.variance, s0.variance, { atol: 0.03 });
  });

  it('passes gradients only through kept units, scaled by a', () => {
    const x = randn([1000], { generator: new Generator(14), dtype: 'float64', requiresGrad: true });
    const y = alphaDropout(x, 0.2, { generator: new Generator(15) });
    y.sum().backward();
    const { a, b, alphaPrime } = alphaDropoutConstants(0.2);
    for (let i = 0; i < x.numel(); i++) {
      const g = x.grad!.data[i];
      if (g === 0) assertClose(y.data[i], a * alphaPrime + b, { rtol: 1e-12 });
      else assertClose(g, a, { rtol: 1e-12 });
    }
  });
});

describe('spatial dropout (Dropout2d)', () => {
  it('zeros whole channels like PyTorch: channel-constant masks, values {0, 1/(1-p)}, zero fraction ≈ p', () => {
    for (const c of torchFixture().dropout2d) {
      assert.equal(c.channelConstant, true);
      const y = spatialDropout(ones([400, 8, 3, 3]), c.p, { generator: new Generator(16) });
      const values = new Set<number>();
      let zeros = 0;
      for (let ch = 0; ch < 400 * 8; ch++) {
        const first = y.data[ch * 9];
        for (let k = 1; k < 9; k++) assert.equal(y.data[ch * 9 + k], first, 'a channel is all kept or all dropped');
        values.add(Math.round(first * 1e6) / 1e6);
        if (first === 0) zeros++;
      }
      assert.deepEqual([...values].sort(), c.values.map((v: number) => Math.round(v * 1e6) / 1e6));
      const tol = 4 * Math.sqrt((c.p * (1 - c.p)) / c.channels);
      assert.ok(Math.abs(zeros / c.channels - c.p) < tol, `zero channels ${zeros / c.channels} vs p ${c.p}`);
      assert.ok(Math.abs(c.zeroChannelFraction - c.p) < tol, 'PyTorch\'s fraction is within the same band');
    }
  });

  it('the module is the identity in evaluation', () => {
    const m = new SpatialDropout(0.5, { generator: 1 });
    const x = ones([2, 3, 2, 2]);
    m.eval();
    assert.equal(m.forward(x), x);
  });
});

describe('DropConnect and Gaussian dropout', () => {
  it('DropConnect masks weights (not activations) with inverted scaling; the plain layer in evaluation', () => {
    const g = new Generator(17);
    const lin = new Linear(4, 3, { generator: g, dtype: 'float64' });
    const dc = new DropConnect(lin, 0.5, { generator: 18 });
    const x = tensor([[1, 2, 3, 4], [0.5, -1, 0, 2]], { dtype: 'float64' });
    const y = dc.forward(x);
    const m = dc.lastMask!;
    assert.deepEqual(m.shape, [3, 4]);
    for (let n = 0; n < 2; n++) {
      for (let o = 0; o < 3; o++) {
        let s = lin.bias!.data[o];
        for (let i = 0; i < 4; i++) s += x.data[n * 4 + i] * lin.weight.data[o * 4 + i] * m.data[o * 4 + i] * 2;
        assertClose(y.data[n * 3 + o], s, { rtol: 1e-12 });
      }
    }
    assert.deepEqual(dc.parameters(), [lin.weight, lin.bias]);
    dc.eval();
    assertClose(dc.forward(x), lin.forward(x), { rtol: 1e-15 });
    // the gradient reaches only the kept weights
    dc.train();
    const out = dc.forward(x);
    out.sum().backward();
    const mask = dc.lastMask!;
    for (let k = 0; k < 12; k++) if (mask.data[k] === 0) assert.equal(lin.weight.grad!.data[k], 0);
  });

  it('Gaussian dropout: multiplier of mean 1 and variance p/(1-p)', () => {
    const p = 0.2;
    const s = stats(gaussianDropout(ones([200000], { dtype: 'float64' }), p, { generator: new Generator(19) }).data);
    assertClose(s.mean, 1, { atol: 0.005 });
    assertClose(s.variance, p / (1 - p), { rtol: 0.02 });
    assert.ok(zeros([1]).numel() === 1);
  });
});
