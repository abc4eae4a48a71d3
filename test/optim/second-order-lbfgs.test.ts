import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tensor, type Tensor } from '../../src/tensor/index.js';
import type { DType } from '../../src/tensor/dtype.js';
import { LBFGS } from '../../src/optim/second-order/index.js';

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
