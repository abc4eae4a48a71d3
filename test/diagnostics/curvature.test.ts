/**
 * Curvature against known answers: the quadratic ½ xᵀ A x has Hessian A, so its eigenvalues,
 * trace and spectral density are known exactly; a small MLP's HVP is checked against finite
 * differences of its gradient.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hessianVectorProduct, hutchinsonTrace, spectralDensity, topHessianEigen } from '../../src/diagnostics/curvature.js';
import { flattenParams, assignParams, flattenTensors } from '../../src/diagnostics/vectors.js';
import { crossEntropy, grad, Linear, Sequential, Tanh, Tensor } from '../../src/index.js';
import { Generator } from '../../src/tensor/index.js';

/** A = Q diag(λ) Qᵀ with a seeded random orthogonal Q (Gram-Schmidt of normals). */
function symmetric(lambdas: number[], seed: number): Float64Array {
  const n = lambdas.length;
  const g = new Generator(seed);
  const q: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const v = Float64Array.from({ length: n }, () => g.normal());
    for (const u of q) {
      const c = u.reduce((s, x, j) => s + x * v[j], 0);
      for (let j = 0; j < n; j++) v[j] -= c * u[j];
    }
    const nv = Math.hypot(...v);
    q.push(v.map((x) => x / nv));
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += q[k][i] * lambdas[k] * q[k][j];
  return a;
}

function quadratic(lambdas: number[], seed = 1) {
  const n = lambdas.length;
  const a = new Tensor(symmetric(lambdas, seed), [n, n]);
  const x = new Tensor(Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1)), [n]).requiresGrad_();
  const objective = () => x.reshape([1, n]).matmul(a).matmul(x.reshape([n, 1])).sum().mul(0.5);
  return { a, x, objective, params: [x] };
}

const LAMBDAS = [10, 7, 5, 3, 2, 1, 0.5, -0.25, -1, 0.1, 0.2, 0.3];

describe('diagnostics: curvature', () => {
  it('hessianVectorProduct of ½ xᵀAx is A v', () => {
    const { a, objective, params } = quadratic(LAMBDAS);
    const n = LAMBDAS.length;
    const v = Float64Array.from({ length: n }, (_, i) => i - 3);
    const hv = hessianVectorProduct(objective, params, v);
    for (let i = 0; i < n; i++) {
      let want = 0;
      for (let j = 0; j < n; j++) want += a.data[i * n + j] * v[j];
      assert.ok(Math.abs(hv[i] - want) < 1e-10, `row ${i}: ${hv[i]} vs ${want}`);
    }
  });

  it('hessianVectorProduct of an MLP matches finite differences of its gradient', () => {
    const g = new Generator(3);
    const model = new Sequential(new Linear(3, 5, { generator: g }), new Tanh(), new Linear(5, 3, { generator: g })).double();
    const params = model.parameters();
    const x = new Tensor(Float64Array.from({ length: 12 }, () => g.normal()), [4, 3]);
    const y = new Tensor(Float64Array.from([0, 2, 1, 2]), [4]);
    const objective = () => crossEntropy(model.forward(x), y);
    const theta = flattenParams(params);
    const v = Float64Array.from({ length: theta.length }, () => g.normal());
    const hv = hessianVectorProduct(objective, params, v);
    const gradAt = (s: number) => {
      assignParams(params, theta.map((t, i) => t + s * v[i]));
      return flattenTensors(grad(objective(), params), params);
    };
    const h = 1e-5;
    const gp = gradAt(h);
    const gm = gradAt(-h);
    assignParams(params, theta);
    for (let i = 0; i < theta.length; i++) assert.ok(Math.abs(hv[i] - (gp[i] - gm[i]) / (2 * h)) < 1e-6, `entry ${i}`);
  });

  it('topHessianEigen finds the 3 largest eigenvalues of a quadratic and unit eigenvectors A u = λ u', () => {
    const { objective, params } = quadratic(LAMBDAS);
    const top = topHessianEigen(objective, params, { k: 3, iterations: 12 });
    assert.deepEqual(top.eigenvalues.map((l) => Number(l.toFixed(8))), [10, 7, 5]);
    for (const [i, u] of top.eigenvectors.entries()) {
      assert.ok(Math.abs(Math.hypot(...u) - 1) < 1e-10);
      assert.ok(top.residuals[i] < 1e-8, `residual ${top.residuals[i]}`);
    }
  });

  it('topHessianEigen converges on the top eigenvalue in fewer iterations than the dimension', () => {
    const lambdas = Array.from({ length: 200 }, (_, i) => (i === 0 ? 50 : (i % 20) / 2));
    const { objective, params } = quadratic(lambdas, 2);
    const top = topHessianEigen(objective, params, { k: 1, iterations: 30, seed: 4 });
    assert.ok(Math.abs(top.eigenvalues[0] - 50) < 1e-6, `λ₁ = ${top.eigenvalues[0]}`);
  });

  it('hutchinsonTrace estimates tr A within its standard error, and is exact for a diagonal A', () => {
    const { objective, params } = quadratic(LAMBDAS);
    const trace = LAMBDAS.reduce((a, b) => a + b, 0);
    const est = hutchinsonTrace(objective, params, { samples: 400, seed: 1 });
    assert.ok(Math.abs(est.trace - trace) < 3 * est.stdError + 1e-9, `${est.trace} ± ${est.stdError} vs ${trace}`);
    const diag = { size: 3, apply: (v: Float64Array) => Float64Array.from([2 * v[0], 3 * v[1], -1 * v[2]]) };
    const exact = hutchinsonTrace(diag, undefined, { samples: 5 });
    assert.equal(exact.trace, 4);
    assert.equal(exact.stdError, 0);
  });

  it('spectralDensity puts its nodes on the eigenvalues, with weights summing to 1 and about 1/n mass at each', () => {
    const lambdas = [1, 2, 3, 4, 5, 6, 7, 8];
    const { objective, params } = quadratic(lambdas, 5);
    const d = spectralDensity(objective, params, { runs: 200, iterations: 8, sigma: 0.05, points: 400 });
    for (const node of d.nodes) assert.ok(lambdas.some((l) => Math.abs(node - l) < 1e-8), `node ${node} is no eigenvalue`);
    assert.ok(Math.abs(d.weights.reduce((a, b) => a + b, 0) - 1) < 1e-10);
    for (const l of lambdas) {
      const mass = d.nodes.reduce((s, node, k) => s + (Math.abs(node - l) < 1e-6 ? d.weights[k] : 0), 0);
      assert.ok(Math.abs(mass - 1 / 8) < 0.03, `mass at ${l}: ${mass}`);
    }
    const step = d.grid[1] - d.grid[0];
    const integral = d.density.reduce((a, b) => a + b, 0) * step;
    assert.ok(Math.abs(integral - 1) < 0.01, `∫φ = ${integral}`);
    const peak = d.grid[d.density.indexOf(Math.max(...d.density))];
    assert.ok(lambdas.some((l) => Math.abs(peak - l) < 0.05), `the density peaks at ${peak}`);
  });

  it('refuses bad input with a message naming it', () => {
    const { objective, params } = quadratic(LAMBDAS);
    assert.throws(() => topHessianEigen(objective, params, { k: 0 }), /k must be a positive integer/);
    assert.throws(() => topHessianEigen(objective, params, { k: 20 }), /exceeds the dimension 12/);
    assert.throws(() => topHessianEigen(objective), /needs the parameters/);
    assert.throws(() => hessianVectorProduct(objective, params, new Float64Array(3)), /v has 3 entries but the parameters have 12/);
    assert.throws(() => hutchinsonTrace(objective, params, { sample: 3 } as never), /sample/);
  });
});

describe('diagnostics: CurvatureMonitor', () => {
  it('records λ₁ at initialization and each epoch of fit; on a fixed quadratic it stays the Hessian’s top eigenvalue', async () => {
    const { CurvatureMonitor } = await import('../../src/diagnostics/curvature-monitor.js');
    const { fit, Module } = await import('../../src/index.js');
    // A model whose loss is ½ xᵀAx whatever the batch: the Hessian never changes.
    const lambdas = [6, 3, 1];
    const { x, objective } = quadratic(lambdas, 2);
    class Bowl extends Module {
      constructor() {
        super();
        this.registerParameter('x', x);
      }
      forward(): Tensor {
        return objective();
      }
    }
    const model = new Bowl();
    const data = { x: new Tensor(new Float32Array(4), [4, 1]), y: new Tensor(new Float32Array(4), [4]) };
    const monitor = new CurvatureMonitor(objective, { iterations: 3, traceSamples: 4 });
    fit(model, data, { optimizer: 'sgd', optimizerOptions: { lr: 0.1 }, epochs: 2, batchSize: 2, loss: (out: Tensor) => out, callbacks: [monitor] });
    assert.deepEqual(monitor.records.map((r) => [r.epoch, r.step]), [[0, 0], [1, 2], [2, 4]]);
    for (const r of monitor.records) assert.ok(Math.abs(r.eigenvalues[0] - 6) < 1e-9);
    const stepped = new CurvatureMonitor(objective, { everySteps: 3, iterations: 3 });
    fit(model, data, { optimizer: 'sgd', optimizerOptions: { lr: 0.1 }, epochs: 3, batchSize: 2, loss: (out: Tensor) => out, callbacks: [stepped] });
    assert.deepEqual(stepped.records.map((r) => r.step), [0, 3, 6]);
    assert.throws(() => new CurvatureMonitor(objective, { everySteps: -1 }), /everySteps must be a non-negative integer/);
  });
});
