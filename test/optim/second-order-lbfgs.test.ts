import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tensor, type Tensor } from '../../src/tensor/index.js';
import type { DType } from '../../src/tensor/dtype.js';
import { LBFGS, Newton, NewtonCG, NonlinearCG } from '../../src/optim/second-order/index.js';
import { createOptimizer, describeOptimizer, listOptimizers } from '../../src/optim/registry.js';

interface StepRecord { loss: number; params: number[][]; funcEvals: number; nIter: number; evals: number[] }
interface Case { name: string; problem: 'rosenbrock' | 'leastSquares'; dtype: DType; options: Record<string, unknown>; init: unknown[]; shapes: number[][]; steps: StepRecord[] }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/optim/lbfgs.json', import.meta.url), 'utf8')) as {
  data: { leastSquares: { X: number[][]; Y: number[][] } };
  cases: Case[];
};

function lossFn(c: Case): (ps: Tensor[]) => Tensor {
  if (c.problem === 'rosenbrock') {
    return ([xy]) => {
      const x = xy.index(0);
      const y = xy.index(1);
      return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100));
    };
  }
  const X = tensor(fixture.data.leastSquares.X, { dtype: c.dtype });
  const Y = tensor(fixture.data.leastSquares.Y, { dtype: c.dtype });
  return ([w, b]) => X.matmul(w.T).add(b).sub(Y).square().mean();
}

function setup(c: Case) {
  const params = c.init.map((v) => tensor(v as number[], { dtype: c.dtype, requiresGrad: true }));
  const f = lossFn(c);
  const opt = new LBFGS(params, c.options);
  const evals: number[] = [];
  const closure = () => {
    opt.zeroGrad();
    const loss = f(params);
    loss.backward();
    evals.push(loss.item());
    return loss;
  };
  return { params, opt, evals, closure };
}

function close(actual: number, expected: number, rtol: number, atol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected), `${what}: ${actual} vs PyTorch ${expected}`);
}

for (const c of fixture.cases) {
  test(`LBFGS matches torch.optim.LBFGS: ${c.name} (${c.dtype})`, () => {
    const { params, opt, evals, closure } = setup(c);
    // Rosenbrock trajectories agree bit for bit (both engines round each elementwise op once);
    // the least-squares loss sums in a different order, so it agrees to a few ulps.
    const [rtol, atol] = c.dtype === 'float64' ? [1e-12, 1e-14] : [2e-5, 1e-7];
    c.steps.forEach((rec, k) => {
      evals.length = 0;
      const loss = opt.step(closure);
      close(loss, rec.loss, rtol, atol, `step ${k} loss`);
      const st = opt.globalState;
      assert.equal(st.nIter, rec.nIter, `step ${k} nIter`);
      assert.equal(st.funcEvals, rec.funcEvals, `step ${k} funcEvals`);
      assert.equal(evals.length, rec.evals.length, `step ${k} closure calls`);
      rec.evals.forEach((e, i) => close(evals[i], e, rtol, atol, `step ${k} evaluation ${i}`));
      rec.params.forEach((p, i) => p.forEach((v, j) => close(params[i].data[j], v, rtol, atol, `step ${k} param ${i}[${j}]`)));
    });
  });
}

test('LBFGS: stateDict round trip continues the same (PyTorch) trajectory', () => {
  const c = fixture.cases.find((x) => x.name === 'rosenbrock-wolfe' && x.dtype === 'float32')!;
  const a = setup(c);
  for (let k = 0; k < 3; k++) a.opt.step(a.closure);
  // Through JSON and copied tensors, as a checkpoint would store it.
  const sd = a.opt.stateDict();
  assert.ok(Object.keys(sd.tensors).some((k) => k.includes('oldDirs')), `tensors: ${Object.keys(sd.tensors)}`);
  const b = setup({ ...c, options: {} });
  b.params.forEach((p, i) => p.data.set(a.params[i].data));
  b.opt.loadStateDict({ tensors: sd.tensors, config: JSON.parse(JSON.stringify(sd.config)) });
  assert.equal(b.opt.paramGroups[0].lineSearchFn, 'strongWolfe');
  assert.equal((b.opt.globalState.d as Float32Array).constructor, Float32Array);
  for (let k = 3; k < c.steps.length; k++) {
    const la = a.opt.step(a.closure);
    const lb = b.opt.step(b.closure);
    assert.equal(lb, la);
    assert.deepEqual(Array.from(b.params[0].data), Array.from(a.params[0].data));
    assert.deepEqual(Array.from(b.params[0].data), c.steps[k].params[0], `step ${k} vs PyTorch`);
    assert.equal(b.opt.globalState.funcEvals, c.steps[k].funcEvals);
  }
});

test('LBFGS: clear errors on a missing closure and bad options', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const opt = new LBFGS([x]);
  assert.throws(() => (opt.step as () => number)(), /lbfgs\.step: needs a closure \(got none\).*loss\.backward\(\)/);
  assert.throws(() => opt.step('loss' as never), /needs a closure \(got string\)/);
  assert.throws(() => opt.step(() => x.square().sum()), /no parameter has a gradient after the closure ran/);
  assert.throws(() => opt.step(() => undefined as never), /must return the loss/);
  assert.throws(() => opt.step(() => { const l = x.square(); l.sum().backward(); return l; }), /scalar loss/);
  assert.throws(() => new LBFGS([x], { historySize: 0 }), /historySize.*integer in \[1/);
  assert.throws(() => new LBFGS([x], { lineSearchFn: 'armijo' } as never), /lineSearchFn.*'strongWolfe'/);
  assert.throws(() => new LBFGS([x], { maxiter: 5 } as never), /unknown option 'maxiter'; valid options: lr, maxIter/);
  assert.throws(() => new LBFGS([{ params: [x] }, { params: [tensor([1], { requiresGrad: true })] }]), /does not support parameter groups/);
  // PyTorch's spelling of the line search is accepted.
  assert.equal(new LBFGS([x], { lineSearchFn: 'strong_wolfe' }).paramGroups[0].lineSearchFn, 'strong_wolfe');
});

test('second-order methods are registered by name', () => {
  for (const name of ['lbfgs', 'newton', 'newtoncg', 'nonlinearcg']) assert.ok(listOptimizers().includes(name), `${name} in ${listOptimizers()}`);
  const x = tensor([-1.2, 1], { dtype: 'float64', requiresGrad: true });
  const opt = createOptimizer('LBFGS' as string, [x], { lineSearchFn: 'strongWolfe', maxIter: 100 });
  assert.ok(opt instanceof LBFGS);
  const closure = () => {
    opt.zeroGrad();
    const l = x.index(0).neg().add(1).square().add(x.index(1).sub(x.index(0).square()).square().mul(100));
    l.backward();
    return l;
  };
  opt.step(closure);
  // Where torch.optim.LBFGS(line_search_fn='strong_wolfe', max_iter=100) stops too (the loss
  // changed by less than toleranceChange; later calls stay put, as PyTorch's do).
  assert.deepEqual(Array.from(x.data), [0.9999814210791363, 0.9999619651810985]);
  assert.ok(createOptimizer('newtonCG', [x], { cgTol: 1e-6 }) instanceof NewtonCG);
  assert.ok(createOptimizer('newton', [x]) instanceof Newton);
  assert.ok(createOptimizer('nonlinearCG', [x], { beta: 'DY' }) instanceof NonlinearCG);
  assert.throws(() => createOptimizer('newton', [x], { lr: -1 }), /lr/);
  assert.match(describeOptimizer('newtoncg').source ?? '', /Martens 2010/);
});
