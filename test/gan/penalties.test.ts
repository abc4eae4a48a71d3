/** Where the penalties sample ∇f, the MaxGP buffer, weight clipping, and the penalties' options. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clipWeights, describePenalty, GradientPenalty, listPenalties, MLPDiscriminator, penaltyPoints } from '../../src/gan/index.js';
import { Generator, normal, Tensor, tensor, uniform } from '../../src/tensor/index.js';
import { assertClose } from '../helpers/close.js';

const real = tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' });
const fake = tensor([[-1, 0], [0, -1], [2, 2]], { dtype: 'float64' });

test('interpolated points: ε x + (1 - ε) x̃ with one ε ~ U[0, 1] per example', () => {
  const pts = penaltyPoints('interpolated', real, fake, new Generator(7));
  const eps = uniform([3, 1], 0, 1, { generator: new Generator(7), dtype: 'float64' });
  for (let i = 0; i < 3; i++) {
    for (let k = 0; k < 2; k++) {
      const e = eps.data[i];
      assertClose(pts.data[2 * i + k], e * real.data[2 * i + k] + (1 - e) * fake.data[2 * i + k], { rtol: 1e-12 });
    }
  }
  // A shorter fake batch is cycled.
  const short = penaltyPoints('interpolated', real, fake.slice(0, 0, 1), new Generator(1));
  assert.deepEqual([...short.shape], [3, 2]);
});

test('real, fake, real-fake and DRAGAN-perturbed points', () => {
  const g = new Generator(0);
  assert.deepEqual(Array.from(penaltyPoints('real', real, fake, g).data), Array.from(real.data));
  assert.deepEqual(Array.from(penaltyPoints('fake', real, fake, g).data), Array.from(fake.data));
  assert.deepEqual(Array.from(penaltyPoints('real-fake', real, fake, g).data), [...real.data, ...fake.data]);
  // x + α·c·std(x)·u with u ~ U[0, 1] elementwise and α ~ U[0, 1] per example.
  const p = penaltyPoints('perturbed', real, fake, new Generator(3), 0.5);
  const g2 = new Generator(3);
  const u = uniform([3, 2], 0, 1, { generator: g2, dtype: 'float64' });
  const a = uniform([3, 1], 0, 1, { generator: g2, dtype: 'float64' });
  const sd = real.std().item();
  for (let i = 0; i < 6; i++) assertClose(p.data[i], real.data[i] + 0.5 * sd * u.data[i] * a.data[Math.floor(i / 2)], { rtol: 1e-12 });
});

test('every row of the survey tables has a penalty with its default coefficient and sampling', () => {
  assert.deepEqual(listPenalties(), ['wgan-gp', 'dragan', 'wgan-div', 'r1', 'r2', 'maxgp', 'zero-gp', 'lp']);
  assert.equal(describePenalty('wgan-gp').weight, 10);
  assert.equal(describePenalty('r1').sampling, 'real');
  assert.equal(describePenalty('dragan').sampling, 'perturbed');
  assert.match(describePenalty('maxgp').row, /Zhou/);
  const p = new GradientPenalty({ name: 'zero-gp', sampling: 'fake', weight: 3 });
  assert.equal(p.sampling, 'fake');
  assert.equal(p.weight, 3);
  assert.throws(() => new GradientPenalty('gp' as never), /unknown penalty 'gp'; available: wgan-gp, dragan/);
  assert.throws(() => new GradientPenalty({ name: 'lp', sampling: 'between' as never }), /sampling must be one of/);
  assert.throws(() => new GradientPenalty({ name: 'lp', weight: -1 }), /non-negative/);
});

test('MaxGP keeps the points of largest ‖∇f‖ and evaluates them again next time', () => {
  const d = new MLPDiscriminator({ inDim: 2, hidden: 8, layers: 2, generator: new Generator(1) }).double();
  const critic = (x: Tensor): Tensor => d.forward(x).reshape(x.shape[0]);
  const p = new GradientPenalty({ name: 'maxgp', bufferSize: 4 });
  const g = new Generator(5);
  const r1 = normal([16, 2], 0, 1, { generator: g, dtype: 'float64' });
  const f1 = normal([16, 2], 0, 1, { generator: g, dtype: 'float64' });
  const a = p.compute(critic, r1, f1, g);
  assert.equal(a.gradNorms.length, 16);
  assert.deepEqual([...p.buffer!.shape], [4, 2]);
  // The buffer holds the 4 largest norms of the first evaluation.
  const top = [...a.gradNorms].sort((x, y) => y - x).slice(0, 4);
  const again = p.at(critic, p.buffer!.clone());
  assertClose([...again.gradNorms].sort((x, y) => y - x), top, { rtol: 1e-9 });
  // The next evaluation sees 16 sampled points plus the buffer, so its max is at least the old one.
  const b = p.compute(critic, r1, f1, g);
  assert.equal(b.gradNorms.length, 16 + 4);
  assert.ok(Math.max(...b.gradNorms) >= top[0] - 1e-12);
  assertClose(b.value, Math.max(...b.gradNorms) ** 2, { rtol: 1e-9 });
  p.reset();
  assert.equal(p.buffer, null);
  // One-sided: no penalty while max ‖∇f‖ is below K.
  const one = new GradientPenalty({ name: 'maxgp', target: 1e6, oneSided: true }).at(critic, r1);
  assert.equal(one.value, 0);
});

test('the penalty is differentiable with respect to the discriminator parameters (second derivatives)', () => {
  const d = new MLPDiscriminator({ inDim: 2, hidden: 6, layers: 2, activation: 'tanh', generator: new Generator(2) }).double();
  const critic = (x: Tensor): Tensor => d.forward(x).reshape(x.shape[0]);
  const x = normal([5, 2], 0, 1, { generator: new Generator(3), dtype: 'float64' });
  const p = new GradientPenalty({ name: 'wgan-gp', weight: 1 });
  const w = d.layers[0].weight;
  d.zeroGrad();
  p.at(critic, x).loss.backward();
  const analytic = Float64Array.from(w.grad!.data);
  // Central differences on a few weights.
  for (const i of [0, 3, 7]) {
    const h = 1e-6;
    const old = w.data[i];
    w.data[i] = old + h;
    const up = p.at(critic, x).value;
    w.data[i] = old - h;
    const down = p.at(critic, x).value;
    w.data[i] = old;
    assertClose(analytic[i], (up - down) / (2 * h), { rtol: 1e-5, atol: 1e-8, what: `d/dw[${i}]` });
  }
});

test('weight clipping clamps every parameter into [-c, c]', () => {
  const d = new MLPDiscriminator({ hidden: 16, generator: new Generator(4) });
  clipWeights(d, 0.05);
  for (const p of d.parameters()) for (const v of p.data) assert.ok(Math.abs(v) <= Math.fround(0.05));
  assert.ok(d.parameters().some((p) => p.data.some((v) => Math.abs(v) === Math.fround(0.05))));
  assert.throws(() => clipWeights(d, 0), /positive/);
});
