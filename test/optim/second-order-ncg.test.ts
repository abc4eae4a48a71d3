import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, type Tensor } from '../../src/tensor/index.js';
import { NonlinearCG, cgBeta, type CgBeta } from '../../src/optim/second-order/index.js';
import { spdQuadratic } from './problems.js';

const dot = (u: ArrayLike<number>, v: ArrayLike<number>): number => Array.from(u).reduce((s, x, i) => s + x * v[i], 0);

const BETAS: CgBeta[] = ['fletcherReeves', 'polakRibiere', 'hestenesStiefel', 'daiYuan'];

function rosenbrock(xy: Tensor): Tensor {
  const x = xy.index(0);
  const y = xy.index(1);
  return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100));
}

/**
 * The quadratic of {@link spdQuadratic} with eigenvalues spread geometrically over [1, 10] (all
 * distinct, so CG needs all n iterations), and the residual norms ‖Ax_k - b‖ of linear CG from
 * x = 0, for comparison.
 */
function quadratic(n: number, seed: number) {
  const { f, a, A, B } = spdQuadratic(n, 10, seed);
  const gradNorm = (x: Tensor): number => {
    const g = A.matmul(x.detach().reshape([n, 1])).reshape([n]).sub(B);
    return Math.sqrt(Array.from(g.data).reduce((s, v) => s + v * v, 0));
  };
  // Linear CG (N&W Algorithm 5.2) on A x = b.
  const b = B.data;
  const r = Float64Array.from(b, (v) => -v);
  const p = Float64Array.from(b);
  let rr = dot(r, r);
  const linearCG = [Math.sqrt(rr)];
  for (let k = 0; k < n; k++) {
    const ap = Float64Array.from({ length: n }, (_, i) => { let s = 0; for (let j = 0; j < n; j++) s += a[i * n + j] * p[j]; return s; });
    const alpha = rr / dot(p, ap);
    for (let i = 0; i < n; i++) r[i] += alpha * ap[i];
    const rrNew = dot(r, r);
    for (let i = 0; i < n; i++) p[i] = -r[i] + (rrNew / rr) * p[i];
    rr = rrNew;
    linearCG.push(Math.sqrt(rr));
  }
  return { f, gradNorm, linearCG };
}

function closureFor(opt: NonlinearCG, f: () => Tensor): () => Tensor {
  return () => {
    opt.zeroGrad();
    const loss = f();
    loss.backward();
    return loss;
  };
}

test('NonlinearCG with exact line searches terminates in n steps on a quadratic, for every β', () => {
  const n = 12;
  const { f, gradNorm, linearCG } = quadratic(n, 5);
  for (const beta of BETAS) {
    const x = tensor(new Float64Array(n), { dtype: 'float64', requiresGrad: true });
    // One iteration per step() call: the direction carries over between calls through the state.
    const opt = new NonlinearCG([x], { beta, lineSearch: 'exact', maxIter: 1, toleranceGrad: 0, toleranceChange: 0 });
    const closure = closureFor(opt, () => f(x));
    const history = [gradNorm(x)];
    for (let k = 0; k < n; k++) {
      opt.step(closure);
      history.push(gradNorm(x));
    }
    assert.equal(opt.globalState.nIter, n);
    assert.equal(opt.globalState.restarts, 0, `${beta}: no restart on a quadratic with exact searches`);
    // Every formula reproduces linear CG: the same gradient norms, iteration by iteration ...
    for (let k = 0; k < n; k++) {
      assert.ok(Math.abs(history[k] - linearCG[k]) <= 1e-6 * linearCG[k], `${beta}: |g_${k}| = ${history[k]}, linear CG ${linearCG[k]}`);
    }
    // ... and it is not done after n - 1 steps but is after n.
    assert.ok(history[n - 1] / history[0] > 1e-6, `${beta}: already converged after n - 1 steps`);
    assert.ok(history[n] / history[0] <= 1e-10, `${beta}: |g_n| / |g_0| = ${history[n] / history[0]}`);
  }
});

test('NonlinearCG: all β formulas agree with linear CG on a quadratic', () => {
  // With exact searches gₖ₊₁ᵀgₖ = 0 and dₖᵀgₖ₊₁ = 0, so FR = PR = HS = DY.
  const g0 = Float64Array.from([1, -2, 0.5]);
  const d0 = Float64Array.from(g0, (v) => -v);
  const g1 = Float64Array.from([0.4, 0.3, 0.4]); // g1 ⟂ g0 and ⟂ d0
  const values = BETAS.map((b) => cgBeta(b, g1, g0, d0));
  for (const v of values) assert.ok(Math.abs(v - values[0]) < 1e-15, `${values}`);
  // And they differ in general.
  const g2 = Float64Array.from([0.5, 0.3, 0.1]);
  const distinct = new Set(BETAS.map((b) => cgBeta(b, g2, g0, d0).toFixed(12)));
  assert.equal(distinct.size, 4);
  // PR+ clips negative values.
  assert.equal(cgBeta('polakRibiere', Float64Array.from([0.5, -1, 0]), g0, d0), 0);
});

test('NonlinearCG with the strong Wolfe search minimizes Rosenbrock, for every β', () => {
  for (const beta of BETAS) {
    const xy = tensor([-1.2, 1], { dtype: 'float64', requiresGrad: true });
    const opt = new NonlinearCG([xy], { beta, maxIter: 100, maxEval: 1000, toleranceGrad: 1e-9, toleranceChange: 0 });
    const closure = closureFor(opt, () => rosenbrock(xy));
    let prev = Infinity;
    for (let k = 0; k < 40 && Math.hypot(xy.data[0] - 1, xy.data[1] - 1) > 1e-6; k++) {
      const loss = opt.step(closure);
      assert.ok(loss <= prev, `${beta}: loss rose across steps`);
      prev = loss;
    }
    assert.ok(Math.hypot(xy.data[0] - 1, xy.data[1] - 1) <= 1e-6, `${beta}: ended at ${Array.from(xy.data)} after ${opt.globalState.nIter} iterations`);
  }
});

test('NonlinearCG: stateDict round trip continues the same trajectory', () => {
  const xy = tensor([-1.2, 1], { dtype: 'float64', requiresGrad: true });
  const opt = new NonlinearCG([xy], { beta: 'HS', maxIter: 3 });
  const closure = closureFor(opt, () => rosenbrock(xy));
  opt.step(closure);
  opt.step(closure);
  const sd = opt.stateDict();
  const xy2 = tensor(Array.from(xy.data), { dtype: 'float64', requiresGrad: true });
  const opt2 = new NonlinearCG([xy2]);
  opt2.loadStateDict(sd);
  assert.equal(opt2.paramGroups[0].beta, 'HS');
  const closure2 = closureFor(opt2, () => rosenbrock(xy2));
  for (let k = 0; k < 3; k++) {
    assert.equal(opt2.step(closure2), opt.step(closure));
    assert.deepEqual(Array.from(xy2.data), Array.from(xy.data));
  }
});

test('NonlinearCG: clear errors', () => {
  const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  const opt = new NonlinearCG([x]);
  assert.throws(() => (opt.step as () => number)(), /needs a closure/);
  assert.throws(() => opt.step(() => x.square().sum()), /no parameter has a gradient.*loss\.backward\(\)/);
  assert.throws(() => new NonlinearCG([x], { beta: 'CD' } as never), /beta.*'fletcherReeves'/);
  assert.throws(() => new NonlinearCG([x], { c2: 1 }), /c2/);
  assert.throws(() => new NonlinearCG([x], { lineSearch: 'armijo' } as never), /lineSearch/);
});
