/**
 * The landscape functions on functions whose landscape is known exactly: a quadratic bowl
 * L(θ) = ½ Σ a_i θ_i² (its line profile is a parabola, its slice a quadratic form, its
 * ε-sharpness at the minimum is reached at a corner of the box).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterNormalizedDirection, interpolate1d, sharpness, slice2d } from '../../src/diagnostics/landscape.js';
import { flattenParams } from '../../src/diagnostics/vectors.js';
import { Tensor } from '../../src/index.js';

const A = [1, 4, 9];
function bowl(start: number[]) {
  const x = new Tensor(Float64Array.from(start), [3]).requiresGrad_();
  const a = new Tensor(Float64Array.from(A), [3]);
  return { x, params: [x], objective: () => x.square().mul(a).sum().mul(0.5) };
}
const exact = (t: ArrayLike<number>) => 0.5 * A.reduce((s, a, i) => s + a * t[i] ** 2, 0);

describe('diagnostics: landscape', () => {
  it('interpolate1d traces the exact parabola between two points and restores the parameters', () => {
    const { x, params, objective } = bowl([1, 1, 1]);
    const from = Float64Array.from([1, 1, 1]);
    const to = Float64Array.from([-1, 0, 2]);
    const p = interpolate1d(objective, params, from, to, { points: 9, range: [-0.5, 1.5] });
    assert.equal(p.alpha.length, 9);
    p.alpha.forEach((a, k) => {
      const t = from.map((f, i) => (1 - a) * f + a * to[i]);
      assert.ok(Math.abs(p.loss[k] - exact(t)) < 1e-12);
    });
    assert.deepEqual([...x.data], [1, 1, 1]);
  });

  it('slice2d is L(θ* + x δ + y η) on the grid; along coordinate axes it is ½(a₁x² + a₂y²)', () => {
    const { params, objective } = bowl([0, 0, 0]);
    const d1 = Float64Array.from([1, 0, 0]);
    const d2 = Float64Array.from([0, 1, 0]);
    const s = slice2d(objective, params, { directions: [d1, d2], range: [-2, 2], points: 5 });
    assert.deepEqual(s.x, [-2, -1, 0, 1, 2]);
    s.y.forEach((y, r) => s.x.forEach((x, c) => assert.ok(Math.abs(s.loss[r][c] - 0.5 * (x * x + 4 * y * y)) < 1e-12)));
  });

  it('filter-normalized directions have each filter’s norm equal to the weights’ filter norm, biases zero', () => {
    const w = new Tensor(Float32Array.from([3, 4, 0, 0, 1, 0]), [3, 2]);
    const b = new Tensor(Float32Array.from([5, 5, 5]), [3]);
    const d = filterNormalizedDirection([w, b], { seed: 2 });
    assert.ok(Math.abs(Math.hypot(d[0], d[1]) - 5) < 1e-9);
    assert.ok(d[2] === 0 && d[3] === 0, 'a zero filter gets a zero direction');
    assert.ok(Math.abs(Math.hypot(d[4], d[5]) - 1) < 1e-9);
    assert.ok(d.subarray(6).every((v) => v === 0), 'biases are left out');
    const withBias = filterNormalizedDirection([w, b], { seed: 2, vectors: 'filter' });
    assert.ok(Math.abs(Math.hypot(...withBias.subarray(6)) - Math.hypot(5, 5, 5)) < 1e-9);
  });

  it("sharpness at the bowl's minimum finds the box corner: φ = 100 · ½ Σ a_i ε²", () => {
    const { params, objective } = bowl([0, 0, 0]);
    const eps = 1e-2;
    const r = sharpness(objective, params, { epsilon: eps, steps: 10 });
    const want = 100 * 0.5 * A.reduce((s, a) => s + a * eps * eps, 0);
    assert.ok(Math.abs(r.sharpness - want) < 1e-9, `${r.sharpness} vs ${want}`);
    assert.equal(r.loss, 0);
  });

  it('sharpness away from the minimum scales the box by |θ_i| + 1 and divides by 1 + L(θ)', () => {
    const start = [1, -2, 0.5];
    const { params, objective } = bowl(start);
    const eps = 1e-3;
    const r = sharpness(objective, params, { epsilon: eps, steps: 10 });
    const corner = start.map((t) => t + Math.sign(t) * eps * (Math.abs(t) + 1));
    const want = (100 * (exact(corner) - exact(start))) / (1 + exact(start));
    assert.ok(Math.abs(r.sharpness - want) < 1e-9, `${r.sharpness} vs ${want}`);
    assert.deepEqual([...flattenParams(params)], start);
  });

  it('a sharper bowl has a larger sharpness', () => {
    const flat = new Tensor(Float64Array.from([0.3, 0.3]), [2]).requiresGrad_();
    const sharp = new Tensor(Float64Array.from([0.3, 0.3]), [2]).requiresGrad_();
    const f = sharpness(() => flat.square().sum(), [flat]).sharpness;
    const s = sharpness(() => sharp.square().sum().mul(50), [sharp]).sharpness;
    assert.ok(s > f, `${s} vs ${f}`);
  });

  it('refuses mismatched vectors and bad ranges', () => {
    const { params, objective } = bowl([0, 0, 0]);
    assert.throws(() => interpolate1d(objective, params, new Float64Array(2), new Float64Array(3)), /from has 2 entries but the parameters have 3/);
    assert.throws(() => slice2d(objective, params, { range: [1, -1] }), /low < high/);
    assert.throws(() => sharpness(objective, params, { epsilon: 0 }), /epsilon must be positive/);
  });
});
