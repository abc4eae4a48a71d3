/**
 * Mode connectivity on a function with a known valley: L(x, y) = (x² + y² − 1)² has a ring of
 * minima; the straight line between (−1, 0) and (1, 0) crosses the bump L(0, 0) = 1, while a
 * trained curve bends around it along the ring.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linePath, pathProfile, pointOnPath, trainPath } from '../../src/diagnostics/paths.js';
import { Tensor } from '../../src/index.js';

function ring() {
  const p = new Tensor(Float64Array.from([0, 0]), [2]).requiresGrad_();
  return { p, params: [p], objective: () => p.square().sum().sub(1).square() };
}
const A = Float64Array.from([-1, 0]);
const B = Float64Array.from([1, 0]);

describe('diagnostics: mode connectivity', () => {
  it('the straight line between two ring minima has barrier 1 (the bump at the origin)', () => {
    const { params, objective } = ring();
    const prof = pathProfile(objective, params, linePath(A, B), 21);
    assert.ok(Math.abs(prof.barrier - 1) < 1e-12);
    assert.equal(prof.loss[0], 0);
    assert.equal(prof.loss[20], 0);
  });

  it('curves pass through their ends and bend: Bezier φ(½) = (θ_a + 2θ + θ_b)/4, polygonal φ(½) = θ', () => {
    const bend = Float64Array.from([0, 2]);
    assert.deepEqual([...pointOnPath({ kind: 'bezier', from: A, to: B, bend }, 0.5)], [0, 1]);
    assert.deepEqual([...pointOnPath({ kind: 'polygonal', from: A, to: B, bend }, 0.5)], [0, 2]);
    assert.deepEqual([...pointOnPath({ kind: 'bezier', from: A, to: B, bend }, 1)], [1, 0]);
  });

  for (const kind of ['bezier', 'polygonal'] as const) {
    it(`a trained ${kind} curve lowers the barrier far below the line's`, () => {
      const { p, params, objective } = ring();
      const path = trainPath(objective, params, A, B, { kind, steps: 400, optimizerOptions: { lr: 0.05 }, init: Float64Array.from([0, 0.1]), seed: 1 });
      const prof = pathProfile(objective, params, path, 41);
      // A two-segment chain cannot follow the circle: its best barrier is (√2 − 1)² ≈ 0.17, and
      // training minimizes the mean loss along the curve, not the maximum.
      assert.ok(prof.barrier < 0.3, `${kind} barrier ${prof.barrier}`);
      assert.ok(path.bend[1] > 0.5, `the bend moved off the line: ${path.bend[1]}`);
      assert.deepEqual([...p.data], [0, 0], 'the parameters are restored');
    });
  }

  it('refuses a path of the wrong size', () => {
    const { params, objective } = ring();
    assert.throws(() => trainPath(objective, params, A, Float64Array.from([1])), /from and to must have 2 entries/);
    assert.throws(() => trainPath(objective, params, A, B, { kind: 'spline' as never }), /kind must be 'bezier' or 'polygonal'/);
  });
});
