import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossEntropy, Linear, mseLoss, Sequential } from '../../src/nn/index.js';
import { Generator, ones, randn, tensor, zeros } from '../../src/tensor/index.js';
import { addGaussianNoise, flipLabels, GaussianNoise, inputNoise, labelNoise, smoothLabels, toProbabilities, WeightNoise } from '../../src/regularize/index.js';
import { assertClose } from '../helpers/close.js';
import { T, throwsWith, torchFixture } from './fixtures.js';

describe('Gaussian noise on inputs and hidden units', () => {
  it('adds N(0, σ²) noise elementwise, optionally clipped; seeded', () => {
    const x = zeros([100000], { dtype: 'float64' });
    const y = addGaussianNoise(x, 0.3, { generator: new Generator(1) });
    let s = 0;
    let s2 = 0;
    for (const v of y.data) {
      s += v;
      s2 += v * v;
    }
    assertClose(s / y.numel(), 0, { atol: 0.005 });
    assertClose(Math.sqrt(s2 / y.numel()), 0.3, { rtol: 0.01 });
    const c = addGaussianNoise(ones([1000]), 1, { generator: 2, clip: [0, 1] });
    for (const v of c.data) assert.ok(v >= 0 && v <= 1);
    assert.deepEqual(Array.from(addGaussianNoise(x, 0.3, { generator: 1 }).data), Array.from(y.data));
  });

  it('inputNoise is a DataLoader augmentation; GaussianNoise is a module, the identity in evaluation', () => {
    const batch = { x: zeros([4, 3]), y: tensor([0, 1, 2, 0]) };
    const out = inputNoise(0.5)(batch, new Generator(3));
    assert.deepEqual(out.y, batch.y);
    assert.ok(Array.from(out.x.data).some((v) => v !== 0));
    const m = new GaussianNoise(0.5, { generator: 4 });
    const h = ones([10]);
    assert.notDeepEqual(Array.from(m.forward(h).data), Array.from(h.data));
    m.eval();
    assert.equal(m.forward(h), h);
    throwsWith(() => new GaussianNoise(-1), 'GaussianNoise', 'std', '>= 0', '-1');
  });
});

describe('weight noise', () => {
  it('perturbs the weights for the forward/backward pass and restores them bit for bit', () => {
    const g = new Generator(5);
    const model = new Sequential(new Linear(3, 4, { generator: g, dtype: 'float64' }), new Linear(4, 1, { generator: g, dtype: 'float64' }));
    const before = model.parameters().map((p) => Array.from(p.data));
    const wn = new WeightNoise(0.1, { generator: 6 });
    const x = randn([5, 3], { generator: g, dtype: 'float64' });
    const y = randn([5, 1], { generator: g, dtype: 'float64' });
    const restore = wn.perturb(model);
    const w0 = model.parameters()[0];
    const perturbed = model.parameters().map((p) => Array.from(p.data));
    assert.notDeepEqual(perturbed[0], before[0]);
    assert.notDeepEqual(perturbed[2], before[2]);
    assert.deepEqual(Array.from(model.parameters()[1].data), before[1], 'biases are not perturbed by default');
    mseLoss(model.forward(x), y).backward();
    restore();
    model.parameters().forEach((p, i) => assert.deepEqual(Array.from(p.data), before[i]));
    // the gradient is the one at the perturbed weights
    const ref = new Sequential(new Linear(3, 4, { dtype: 'float64' }), new Linear(4, 1, { dtype: 'float64' }));
    ref.parameters().forEach((p, i) => (p.data as Float64Array).set(perturbed[i]));
    mseLoss(ref.forward(x), y).backward();
    assertClose(w0.grad!, ref.parameters()[0].grad!, { rtol: 1e-12 });
    // run() restores even when the body throws
    assert.throws(() => wn.run(model, () => { throw new Error('boom'); }), /boom/);
    model.parameters().forEach((p, i) => assert.deepEqual(Array.from(p.data), before[i]));
  });
});

describe('label noise and label smoothing', () => {
  it('flips exactly round(fraction·N) labels, each to a different class', () => {
    const n = 1000;
    const y = tensor(Array.from({ length: n }, (_, i) => i % 10));
    const z = flipLabels(y, 0.237, 10, { generator: new Generator(7) });
    let changed = 0;
    const newClasses = new Set<number>();
    for (let i = 0; i < n; i++) {
      if (z.data[i] !== y.data[i]) {
        changed++;
        newClasses.add(z.data[i]);
      }
      assert.ok(Number.isInteger(z.data[i]) && z.data[i] >= 0 && z.data[i] < 10);
    }
    assert.equal(changed, 237);
    assert.equal(newClasses.size, 10, 'targets spread over the classes');
    assert.equal(flipLabels(y, 0, 10).data.every((v, i) => v === y.data[i]), true);
    const aug = labelNoise(0.5, 10)({ x: zeros([n, 1]), y }, new Generator(8));
    assert.equal(Array.from(aug.y.data).filter((v, i) => v !== y.data[i]).length, 500);
    throwsWith(() => flipLabels(y, 1.5, 10), 'flipLabels', 'fraction', '[0, 1]', '1.5');
  });

  it('smoothLabels gives (1-ε) onehot + ε/C; cross-entropy on them equals PyTorch\'s label_smoothing', () => {
    assertClose(smoothLabels(tensor([2, 0]), 0.3, 4), [0.075, 0.075, 0.775, 0.075, 0.775, 0.075, 0.075, 0.075], { rtol: 1e-6 });
    for (const c of torchFixture().labelSmoothing) {
      const logits = T(c.logits);
      const y = tensor(c.target, { dtype: 'float64' });
      const k = logits.shape[1];
      assertClose(crossEntropy(logits, smoothLabels(y, c.eps, k)), c.loss, { rtol: 1e-12, what: `soft targets ε=${c.eps}` });
      assertClose(crossEntropy(logits, y, { labelSmoothing: c.eps }), c.loss, { rtol: 1e-12, what: `labelSmoothing option ε=${c.eps}` });
      assertClose(crossEntropy(logits, smoothLabels(y, c.eps, k), { reduction: 'none' }), T(c.none), { rtol: 1e-12 });
    }
    assert.deepEqual(toProbabilities(tensor([[0.2, 0.8]]), 2).shape, [1, 2]);
    throwsWith(() => smoothLabels(tensor([0]), -0.1, 3), 'smoothLabels', 'epsilon', '-0.1');
  });
});
