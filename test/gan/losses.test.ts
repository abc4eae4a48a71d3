/** GAN objectives on hand-worked values, and the loss-metric check of thesis equation (2-11). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLossMetric, discriminatorLoss, ganLoss, type GanLossSpec, generatorLoss, listGanLosses, listLossMetrics, lossMetric, LossMetricError } from '../../src/gan/index.js';
import { tensor, type Tensor } from '../../src/tensor/index.js';
import { assertClose } from '../helpers/close.js';

const r = tensor([0, 1], { dtype: 'float64' });
const f = tensor([-1, 2], { dtype: 'float64' });
const sp = (x: number): number => Math.log1p(Math.exp(x));

test('each objective matches its formula on hand-worked outputs', () => {
  // d_r = [0, 1], d_f = [-1, 2]; every term is averaged over the batch.
  const dGan = (sp(-0) + sp(-1)) / 2 + (sp(-1) + sp(2)) / 2; // -log σ(d_r) - log(1 - σ(d_f))
  const cases: [GanLossSpec, number, number][] = [
    ['minimax', dGan, -(sp(-1) + sp(2)) / 2],
    ['nonsaturating', dGan, (sp(1) + sp(-2)) / 2],
    ['lsgan', (0.5 * (1 + 0)) / 2 + (0.5 * (1 + 4)) / 2, (0.5 * (4 + 1)) / 2],
    ['wasserstein', 0.5 - 0.5, -0.5],
    ['hinge', (1 + 0) / 2 + (0 + 3) / 2, -0.5],
    [{ name: 'lgan', metric: 'linear' }, 0.5 - 0.5, -0.5],
    [{ name: 'lgan', metric: 'exp' }, (Math.exp(-1) + Math.exp(2)) / 2 + (Math.exp(0) + Math.exp(-1)) / 2, -0.5],
    [{ name: 'lgan', metric: 'logsigmoid' }, (sp(-1) + sp(2)) / 2 + (sp(0) + sp(-1)) / 2, -0.5],
    [{ name: 'lgan', metric: 'sqrt' }, (-1 + Math.SQRT2 + 2 + Math.sqrt(5)) / 2 + (0 + 1 + -1 + Math.SQRT2) / 2, -0.5],
    [{ name: 'lgan', metric: 'exp', generator: 'nonsaturating' }, NaN, (Math.exp(1) + Math.exp(-2)) / 2],
    [{ name: 'lgan', metric: 'exp', generator: 'minimax' }, NaN, -(Math.exp(-1) + Math.exp(2)) / 2],
    [{ name: 'lsgan', a: -1, b: 1, c: 0 }, (0.5 * (1 + 0)) / 2 + (0.5 * (0 + 9)) / 2, (0.5 * (1 + 4)) / 2],
  ];
  for (const [spec, d, g] of cases) {
    const what = JSON.stringify(spec);
    if (!Number.isNaN(d)) assertClose(discriminatorLoss(spec, r, f).item(), d, { rtol: 1e-12, what: `${what} D` });
    assertClose(generatorLoss(spec, f).item(), g, { rtol: 1e-12, what: `${what} G` });
  }
  assert.deepEqual(listGanLosses(), ['minimax', 'nonsaturating', 'lsgan', 'wasserstein', 'hinge', 'lgan']);
  assert.equal(ganLoss({ name: 'lgan', metric: 'sqrt' }).label, 'lgan(sqrt)');
});

test('objectives are stable for large outputs', () => {
  const big = tensor([80, -80], { dtype: 'float32' });
  for (const name of ['minimax', 'nonsaturating'] as const) {
    const l = ganLoss(name);
    assert.ok(Number.isFinite(l.discriminator(big, big).item()), name);
    assert.ok(Number.isFinite(l.generator(big).item()), name);
  }
});

test('the built-in loss metrics satisfy equation (2-11); the balance point is found', () => {
  assert.deepEqual(listLossMetrics(), ['linear', 'logsigmoid', 'sqrt', 'exp']);
  for (const m of listLossMetrics()) {
    const c = checkLossMetric(lossMetric(m));
    assert.ok(c.ok, `${m}: ${c.violations.join('; ')}`);
  }
  // ϕ(x) = φ(-x) = exp(x): ϕ'(a) + φ'(a) = e^a - e^-a = 0 at a = 0.
  assertClose(checkLossMetric(lossMetric('exp')).a!, 0, { atol: 1e-9 });
});

test('a user metric is accepted when it satisfies (2-11) and refused with the failed conditions otherwise', () => {
  // A linear combination of valid metrics is valid (thesis §2.C.1).
  const ok = lossMetric({ name: 'x+exp', phi: (x: Tensor) => x.add(x.exp()) });
  assert.equal(ok.name, 'x+exp');
  assertClose(ok.varphi(tensor([1], { dtype: 'float64' })).item(), -1 + Math.exp(-1), { rtol: 1e-12 });
  // The hinge loss max(0, 1 + x): flat for x < -1.
  assert.throws(() => lossMetric({ name: 'hinge', phi: (x: Tensor) => x.add(1).relu() }), (e: unknown) => {
    assert.ok(e instanceof LossMetricError);
    assert.match(e.message, /hinge.*\(2-11\)/);
    assert.match(e.message, /ϕ'\(x\) > 0 fails at x = -10/);
    return true;
  });
  // The quadratic (x + 1)²: decreasing for x < -1.
  assert.throws(() => lossMetric({ name: 'quadratic', phi: (x: Tensor) => x.add(1).square() }), /quadratic.*ϕ'\(x\) > 0 fails/);
  // Concave: -exp(-x) is increasing but concave.
  assert.throws(() => lossMetric({ name: 'concave', phi: (x: Tensor) => x.neg().exp().neg() }), /ϕ''\(x\) ≥ 0 fails/);
  // A pair with no balance point: ϕ' = 2, φ' = -1 everywhere.
  assert.throws(() => lossMetric({ name: 'unbalanced', phi: (x: Tensor) => x.mul(2), varphi: (x: Tensor) => x.neg() }), /no a in \[-10, 10\]/);
  // check: false skips the test.
  assert.equal(lossMetric({ name: 'quadratic', phi: (x: Tensor) => x.square() }, { check: false }).name, 'quadratic');
  // The objective uses the checked metric.
  assert.throws(() => ganLoss({ name: 'lgan', metric: { phi: (x: Tensor) => x.relu() } }), LossMetricError);
});

test('unknown names are refused with the valid ones listed', () => {
  assert.throws(() => ganLoss('wgan' as never), /unknown loss 'wgan'; available: minimax, nonsaturating, lsgan, wasserstein, hinge, lgan/);
  assert.throws(() => lossMetric('square' as never), /unknown loss metric 'square'; built-in: linear, logsigmoid, sqrt, exp/);
  assert.throws(() => ganLoss({ name: 'lgan', metric: 'exp', generator: 'other' as never }), /generator loss must be/);
});
