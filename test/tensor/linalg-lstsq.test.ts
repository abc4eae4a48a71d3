/**
 * linalg.lstsq's four results (driver 'gelsd') against PyTorch (test/fixtures/tensor/linalg_lstsq.json
 * from scripts/fixtures/linalg_lstsq.py) on every backend, and linalg.svd's fullMatrices.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Tensor } from '../../src/tensor/tensor.js';
import { eye, grad, gradcheck, linalg } from '../../src/tensor/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { assertClose } from '../helpers/close.js';
import { draw } from '../helpers/data.js';

interface Encoded {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  params: { rcond?: number };
  inputs: Record<'A' | 'B', Encoded>;
  outputs: Record<'solution' | 'residuals' | 'rank' | 'singularValues', Encoded>;
  weights?: Record<'solution', Encoded>;
  grads?: Record<'A' | 'B', Encoded>;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/tensor/linalg_lstsq.json', import.meta.url), 'utf8')) as { cases: Case[] };
const decode = (e: Encoded): Tensor => new Tensor(Float64Array.from(e.data), e.shape);
const tol = { atol: 1e-10, rtol: 1e-9 };

describe('linalg.lstsq matches torch.linalg.lstsq (driver gelsd)', () => {
  for (const c of fixture.cases) {
    test(c.name, () => {
      forEachBackend((backend) => {
        const A = decode(c.inputs.A).requiresGrad_();
        const B = decode(c.inputs.B).requiresGrad_();
        const r = linalg.lstsq(A, B, { ...c.params, driver: 'gelsd' });
        for (const key of ['solution', 'residuals', 'rank', 'singularValues'] as const) {
          assertClose(r[key], decode(c.outputs[key]), { ...tol, what: `${c.name} ${key} on ${backend}` });
        }
        if (!c.grads || !c.weights) return;
        const [gA, gB] = grad(r.solution.mul(decode(c.weights.solution)).sum(), [A, B]);
        assertClose(gA, decode(c.grads.A), { ...tol, what: `${c.name} gradient of A on ${backend}` });
        assertClose(gB, decode(c.grads.B), { ...tol, what: `${c.name} gradient of B on ${backend}` });
      });
    });
  }

  test('residuals are differentiable (gradcheck)', () => {
    const r = gradcheck((a, b) => linalg.lstsq(a, b).residuals, [draw([5, 2], 31), draw([5, 2], 32)]);
    assert.ok(r.ok, `worst ${r.worst} at ${r.detail}`);
  });

  test('bad options are named', () => {
    const a = draw([3, 2], 33);
    assert.throws(() => linalg.lstsq(a, a, { driver: 'gelsy' as never }), /driver must be 'gelsd'/);
    assert.throws(() => linalg.lstsq(a, a, { rcond: -1 }), /rcond must be a non-negative number/);
  });
});

describe('linalg.svd with fullMatrices', () => {
  for (const [m, n] of [[5, 3], [2, 4], [3, 3]]) {
    test(`${m}x${n}: U and Vh are square and orthogonal, their first k vectors the reduced SVD's`, () => {
      const a = draw([2, m, n], 40 + m);
      const full = linalg.svd(a, { fullMatrices: true });
      const reduced = linalg.svd(a);
      const k = Math.min(m, n);
      assert.deepEqual(full.U.shape, [2, m, m]);
      assert.deepEqual(full.Vh.shape, [2, n, n]);
      assertClose(full.U.transpose().matmul(full.U), eye(m, m, { dtype: 'float64' }).expand([2, m, m]), { atol: 1e-12, what: 'UᵀU = I' });
      assertClose(full.Vh.matmul(full.Vh.transpose()), eye(n, n, { dtype: 'float64' }).expand([2, n, n]), { atol: 1e-12, what: 'Vh Vhᵀ = I' });
      assertClose(full.U.slice(-1, 0, k), reduced.U, { atol: 0, what: 'leading columns of U' });
      assertClose(full.Vh.slice(-2, 0, k), reduced.Vh, { atol: 0, what: 'leading rows of Vh' });
    });
  }

  test('the gradient flows through the reduced part only (as PyTorch narrows it)', () => {
    const a = draw([4, 2], 50).requiresGrad_();
    const [g] = grad(linalg.svd(a, { fullMatrices: true }).U.slice(-1, 0, 2).sum(), [a]);
    const b = draw([4, 2], 50).requiresGrad_();
    const [want] = grad(linalg.svd(b).U.sum(), [b]);
    assertClose(g, want, { atol: 1e-12, what: 'gradient' });
  });
});
