import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, type Tensor } from '../../src/tensor/index.js';
import { Newton, NewtonCG } from '../../src/optim/second-order/index.js';
import { spdQuadratic } from './problems.js';

// ---- problems (float64) ------------------------------------------------------------------

function rosenbrock(xy: Tensor): Tensor {
  const x = xy.index(0);
  const y = xy.index(1);
  return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100));
}


const dist = (x: ArrayLike<number>, y: ArrayLike<number>): number => Math.sqrt(Array.from(x).reduce((s, v, i) => s + (v - y[i]) ** 2, 0));

// ---- Newton --------------------------------------------------------------------------------

test('Newton: one step solves a quadratic exactly', () => {
  const { f, xStar, n } = spdQuadratic(6, 50, 1);
  const x = tensor(new Float64Array(n), { dtype: 'float64', requiresGrad: true });
  const opt = new Newton([x]);
  opt.step(() => f(x));
  assert.ok(dist(x.data, xStar) <= 1e-12 * Math.max(1, dist(xStar, new Float64Array(n))), `‖x - x*‖ = ${dist(x.data, xStar)}`);
  assert.equal(opt.globalState.hvps, n);
  assert.equal(opt.globalState.lastShift, 0);

  // A PyTorch-style closure (zeroGrad + backward) works too, and so do float32 parameters.
  const y = tensor(new Float32Array(n), { requiresGrad: true });
  const opt32 = new Newton([y], { lineSearch: 'backtracking' });
  opt32.step(() => {
    opt32.zeroGrad();
    const loss = f(y.double());
    loss.backward();
    return loss;
  });
  assert.equal(y.dtype, 'float32');
  assert.ok(dist(y.data, xStar) <= 1e-5 * dist(xStar, new Float64Array(n)), `float32: ‖y - x*‖ = ${dist(y.data, xStar)}`);
});

test('Newton converges quadratically on Rosenbrock from (-1.2, 1)', () => {
  const xy = tensor([-1.2, 1], { dtype: 'float64', requiresGrad: true });
  const opt = new Newton([xy], { toleranceGrad: 0 });
  const errors = [dist(xy.data, [1, 1])];
  let iters = 0;
  while (errors[errors.length - 1] > 1e-10 && iters < 50) {
    opt.step(() => rosenbrock(xy));
    errors.push(dist(xy.data, [1, 1]));
    iters++;
  }
  // Pure Newton from the standard start: 6 iterations to 1e-10 (the Hessian stays positive definite).
  assert.ok(iters <= 7, `took ${iters} iterations: ${errors.map((e) => e.toExponential(2)).join(' ')}`);
  assert.equal(opt.globalState.lastShift, 0);
  // Quadratic convergence: e_{k+1} <= C e_k² once close (C ~ |H⁻¹| |∇³f| / 2).
  const tail = errors.filter((e) => e < 0.1);
  for (let k = 0; k + 1 < tail.length && tail[k + 1] > 0; k++) {
    assert.ok(tail[k + 1] <= 10 * tail[k] ** 2, `e_{k+1} = ${tail[k + 1]} vs e_k² = ${tail[k] ** 2}`);
  }
});

test('Newton with backtracking: monotone decrease and quadratic finish on Rosenbrock', () => {
  const xy = tensor([-1.2, 1], { dtype: 'float64', requiresGrad: true });
  const opt = new Newton([xy], { lineSearch: 'backtracking', toleranceGrad: 0 });
  let prev = Infinity;
  const errors: number[] = [];
  for (let k = 0; k < 40 && dist(xy.data, [1, 1]) > 1e-10; k++) {
    const loss = opt.step(() => rosenbrock(xy));
    assert.ok(loss <= prev, `loss went up at iteration ${k}: ${loss} > ${prev}`);
    prev = loss;
    errors.push(dist(xy.data, [1, 1]));
  }
  assert.ok(dist(xy.data, [1, 1]) <= 1e-10, `did not converge: ${errors.slice(-5).map((e) => e.toExponential(2)).join(' ')}`);
  assert.ok(errors.length <= 25, `${errors.length} iterations`);
  assert.equal(opt.globalState.lastStep, 1, 'full Newton steps near the solution');
});

test('Newton: the identity shift gives descent on an indefinite Hessian', () => {
  // f = x² - y² + y⁴/4 has a saddle at the origin and minima at (0, ±√2).
  const p = tensor([0.5, 0.1], { dtype: 'float64', requiresGrad: true });
  const f = (v: Tensor): Tensor => v.index(0).square().sub(v.index(1).square()).add(v.index(1).pow(4).mul(0.25));
  const opt = new Newton([p], { lineSearch: 'backtracking' });
  const first = opt.step(() => f(p));
  assert.ok((opt.globalState.lastShift as number) > 0, 'the Hessian was shifted');
  assert.ok(f(p).item() < first, 'the first step decreased the loss');
  for (let k = 0; k < 30; k++) opt.step(() => f(p));
  assert.ok(Math.abs(p.data[0]) < 1e-8 && Math.abs(p.data[1] - Math.SQRT2) < 1e-8, `ended at ${Array.from(p.data)}`);

  // Pure Newton ('none') jumps to the saddle instead.
  const s = tensor([0.5, 0.1], { dtype: 'float64', requiresGrad: true });
  const pure = new Newton([s], { hessianModification: 'none' });
  for (let k = 0; k < 10; k++) pure.step(() => f(s));
  assert.ok(Math.abs(s.data[0]) < 1e-8 && Math.abs(s.data[1]) < 1e-8, `pure Newton ended at ${Array.from(s.data)}`);
});

test('Newton: Levenberg-Marquardt damping adapts and never accepts an increase', () => {
  const xy = tensor([-1.2, 1], { dtype: 'float64', requiresGrad: true });
  const opt = new Newton([xy], { damping: 10, adaptiveDamping: true, toleranceGrad: 0 });
  let prev = rosenbrock(xy).item();
  for (let k = 0; k < 100 && dist(xy.data, [1, 1]) > 1e-10; k++) {
    opt.step(() => rosenbrock(xy));
    const now = rosenbrock(xy).item();
    assert.ok(now <= prev, `loss went up: ${now} > ${prev}`);
    prev = now;
  }
  assert.ok(dist(xy.data, [1, 1]) <= 1e-10, `ended at ${Array.from(xy.data)}`);
  assert.ok((opt.globalState.damping as number) < 10, 'λ shrank as the model became trustworthy');
});

test('Newton and NewtonCG: clear errors', () => {
  const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  const opt = new Newton([x]);
  assert.throws(() => (opt.step as () => number)(), /needs a closure/);
  assert.throws(() => opt.step(() => 3), /must return the loss as a Tensor/);
  assert.throws(() => opt.step(() => x.square()), /scalar loss/);
  assert.throws(() => opt.step(() => tensor(1)), /does not depend on the parameters/);
  assert.throws(() => new Newton([x], { damping: -1 } as never), /damping/);
  assert.throws(() => new Newton([x], { dampng: 1 } as never), /unknown option 'dampng'.*valid options: lr, damping/);
  assert.throws(() => new Newton([x], { adaptiveDamping: true }), /adaptiveDamping needs an initial damping > 0/);
  assert.throws(() => new Newton([x], { lineSearch: 'armijo' } as never), /lineSearch.*'backtracking', 'strongWolfe'/);
  assert.throws(() => new Newton([x], { maxSize: 1 }).step(() => x.square().sum()), /exceed maxSize 1.*newtonCG/);
  assert.throws(() => new NewtonCG([x], { maxCgIter: 0 }), /maxCgIter/);
  assert.throws(() => new NewtonCG([{ params: [x] }, { params: [tensor([1], { requiresGrad: true })] }]), /parameter groups/);
});

// ---- Newton-CG ---------------------------------------------------------------------------

test('NewtonCG: n = 50 quadratic (condition number 10) solved in <= n CG iterations', () => {
  const { f, xStar, n } = spdQuadratic(50, 10, 7);
  const x = tensor(new Float64Array(n), { dtype: 'float64', requiresGrad: true });
  const opt = new NewtonCG([x], { cgTol: 1e-12, toleranceGrad: 1e-9 });
  for (let k = 0; k < 5; k++) opt.step(() => f(x));
  const st = opt.globalState;
  assert.ok((st.cgIterations as number) <= n, `${st.cgIterations} CG iterations in total`);
  assert.equal(st.nIter, 1, 'one outer step, then the gradient test stops');
  assert.equal(st.lastCgStop, 'tolerance');
  const scale = dist(xStar, new Float64Array(n));
  assert.ok(dist(x.data, xStar) <= 1e-10 * scale, `relative error ${dist(x.data, xStar) / scale}`);
});

test('NewtonCG: CG takes as many iterations as there are distinct eigenvalues (N&W Theorem 5.4)', () => {
  // n = 50, condition number 100, but only 5 distinct eigenvalues: CG is exact after 5 products.
  const { f, xStar, n } = spdQuadratic(50, 100, 3, 5);
  const x = tensor(new Float64Array(n), { dtype: 'float64', requiresGrad: true });
  const opt = new NewtonCG([x], { cgTol: 1e-10, toleranceGrad: 1e-8 });
  for (let k = 0; k < 3; k++) opt.step(() => f(x));
  assert.equal(opt.globalState.cgIterations, 5);
  const scale = dist(xStar, new Float64Array(n));
  assert.ok(dist(x.data, xStar) <= 1e-8 * scale, `relative error ${dist(x.data, xStar) / scale}`);
});

test('NewtonCG: negative curvature is detected and the step still descends', () => {
  // f = ½ (x₀² - x₁²) + x₁⁴/4 + x₀ x₁ / 10: indefinite Hessian near the origin, where -g
  // points mostly along the negative-curvature direction.
  const p = tensor([0.01, 0.2], { dtype: 'float64', requiresGrad: true });
  const f = (v: Tensor): Tensor => v.index(0).square().sub(v.index(1).square()).mul(0.5).add(v.index(1).pow(4).mul(0.25)).add(v.index(0).mul(v.index(1)).mul(0.1));
  const opt = new NewtonCG([p]);
  const before = f(p).item();
  opt.step(() => f(p));
  assert.equal(opt.globalState.lastCgStop, 'negativeCurvature');
  assert.equal(opt.globalState.negativeCurvature, 1);
  assert.ok(f(p).item() < before);
  for (let k = 0; k < 40; k++) opt.step(() => f(p));
  const g = [p.data[0] + 0.1 * p.data[1], -p.data[1] + p.data[1] ** 3 + 0.1 * p.data[0]];
  assert.ok(Math.hypot(g[0], g[1]) < 1e-8, `gradient ${g}`);
  assert.ok(Math.abs(p.data[1]) > 0.5, 'left the saddle for a minimum');
});

test('NewtonCG converges on Rosenbrock (forcing sequences, strong Wolfe, adaptive damping)', () => {
  const configs = [{}, { forcing: 'quadratic' as const }, { lineSearch: 'strongWolfe' as const }, { damping: 1, adaptiveDamping: true, lineSearch: null }];
  for (const cfg of configs) {
    const xy = tensor([-1.2, 1], { dtype: 'float64', requiresGrad: true });
    const opt = new NewtonCG([xy], { ...cfg, toleranceGrad: 1e-12 });
    let k = 0;
    for (; k < 200 && dist(xy.data, [1, 1]) > 1e-8; k++) opt.step(() => rosenbrock(xy));
    assert.ok(dist(xy.data, [1, 1]) <= 1e-8, `${JSON.stringify(cfg)}: ended at ${Array.from(xy.data)} after ${k} steps`);
  }
});

test('Newton and NewtonCG: stateDict round trip', () => {
  const xy = tensor([-1.2, 1], { dtype: 'float64', requiresGrad: true });
  const opt = new NewtonCG([xy], { damping: 1, adaptiveDamping: true });
  for (let k = 0; k < 3; k++) opt.step(() => rosenbrock(xy));
  const sd = opt.stateDict();
  const xy2 = tensor(Array.from(xy.data), { dtype: 'float64', requiresGrad: true });
  const opt2 = new NewtonCG([xy2]);
  opt2.loadStateDict(JSON.parse(JSON.stringify({ tensors: {}, config: sd.config })));
  assert.equal(opt2.paramGroups[0].adaptiveDamping, true);
  for (let k = 0; k < 3; k++) {
    opt.step(() => rosenbrock(xy));
    opt2.step(() => rosenbrock(xy2));
  }
  assert.deepEqual(Array.from(xy2.data), Array.from(xy.data));
  assert.equal(opt2.globalState.damping, opt.globalState.damping);
});
