/**
 * Autodiff behaviour: .backward() and .grad, recording switches, the functional API (JAX and
 * torch styles), higher-order gradients, Hessian-vector products and a gradient penalty.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import {
  enableGrad, eye, grad, hvp, isGradEnabled, linear, noGrad, tensor, valueAndGrad, zeros,
} from '../../src/tensor/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { assertClose } from '../helpers/close.js';
import { draw, f64 } from '../helpers/data.js';

describe('backward and .grad', () => {
  test('backward computes leaf gradients', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const w = tensor([0.5, -1, 2], { requiresGrad: true });
    x.mul(w).sum().backward();
    assertClose(x.grad!, [0.5, -1, 2]);
    assertClose(w.grad!, [1, 2, 3]);
  });

  test('.grad accumulates across backward calls until zeroGrad', () => {
    const x = tensor([1, -2], { requiresGrad: true, dtype: 'float64' });
    x.square().sum().backward(); // 2x
    assertClose(x.grad!, [2, -4]);
    x.mul(3).sum().backward(); // + 3
    assertClose(x.grad!, [5, -1]);
    // the same graph can be walked again: it is not freed by backward
    const y = x.exp().sum();
    y.backward();
    y.backward();
    assertClose(x.grad!, [5 + 2 * Math.E, -1 + 2 * Math.exp(-2)]);
    x.zeroGrad();
    assert.equal(x.grad, null);
  });

  test('a tensor used twice gets the sum of both paths', () => {
    const x = tensor([3], { requiresGrad: true, dtype: 'float64' });
    const y = x.mul(x).add(x.mul(2)); // x^2 + 2x
    y.sum().backward();
    assertClose(x.grad!, [8]);
  });

  test('only leaves get .grad; intermediate tensors do not', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(2);
    h.sum().backward();
    assert.equal(h.grad, null);
    assert.equal(h.isLeaf, false);
    assert.equal(x.isLeaf, true);
    assertClose(x.grad!, [2, 2]);
  });

  test('a non-scalar backward with a seed gives the vector-Jacobian product', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true, dtype: 'float64' });
    x.square().backward(f64([1, 0.5, -1]));
    assertClose(x.grad!, [2, 2, -6]);
  });

  test('leaf gradients have storage of their own (no aliasing between leaves or with the seed)', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const seed = tensor([1, 1]);
    a.add(b).backward(seed);
    assert.notEqual(a.grad!.data, b.grad!.data);
    assert.notEqual(a.grad!.data, seed.data);
    a.grad!.data[0] = 100; // an in-place update of one gradient (as clipping does) ...
    assertClose(b.grad!, [1, 1]); // ... leaves the other alone
    assertClose(seed, [1, 1]);
    const [ga, gb] = grad(a.add(b).sum(), [a, b]);
    assert.notEqual(ga.data, gb.data);
  });

  test('gradients keep the dtype of their leaf when computation is promoted', () => {
    const x = tensor([1, 2], { requiresGrad: true }); // float32
    const w = tensor([0.25, 0.5], { dtype: 'float64', requiresGrad: true });
    const y = x.mul(w).sum();
    assert.equal(y.dtype, 'float64');
    y.backward();
    assert.equal(x.grad!.dtype, 'float32');
    assert.equal(w.grad!.dtype, 'float64');
    assertClose(x.grad!, [0.25, 0.5]);
  });

  test('backward with createGraph gives gradients that can be differentiated again', () => {
    const x = tensor([0.5, -1.5], { requiresGrad: true, dtype: 'float64' });
    x.pow(3).sum().backward(undefined, { createGraph: true });
    const g = x.grad!; // 3x^2
    assert.equal(g.requiresGrad, true);
    assertClose(g, [0.75, 6.75]);
    const [h] = grad(g.sum(), [x]); // 6x
    assertClose(h, [3, -9]);
  });

  test('a deep chain (20000 ops) backpropagates without overflowing the stack', () => {
    const x = tensor([1], { requiresGrad: true, dtype: 'float64' });
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.mul(1.0001);
    y.sum().backward();
    assertClose(x.grad!, [1.0001 ** 20000], { rtol: 1e-9 });
  });
});

describe('recording switches: noGrad, enableGrad, detach, requiresGrad_', () => {
  test('results computed inside noGrad do not require gradients', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => x.mul(2));
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    assert.equal(isGradEnabled(), true);
    assert.equal(noGrad(() => isGradEnabled()), false);
  });

  test('noGrad restores recording even when its function throws', () => {
    assert.throws(() => noGrad(() => { throw new Error('boom'); }), /boom/);
    assert.equal(isGradEnabled(), true);
  });

  test('enableGrad records inside noGrad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => enableGrad(() => x.mul(2)));
    assert.equal(y.requiresGrad, true);
    assert.equal(y.gradFn!.name, 'mul');
  });

  test('detach shares storage but cuts the graph', () => {
    const x = tensor([1, 2], { requiresGrad: true, dtype: 'float64' });
    const d = x.mul(3).detach();
    assert.equal(d.requiresGrad, false);
    assert.equal(d.isLeaf, true);
    const y = x.detach();
    assert.equal(y.data, x.data);
    // gradient flows through x.square() only, not through the detached factor
    x.square().mul(x.detach()).sum().backward(); // d/dx (x^2 * c) = 2 x c with c = x
    assertClose(x.grad!, [2, 8]);
  });

  test('requiresGrad_ marks a leaf and returns it; turning it off on a non-leaf throws', () => {
    const x = tensor([2]);
    assert.equal(x.requiresGrad_(), x);
    assert.equal(x.requiresGrad, true);
    x.square().sum().backward();
    assertClose(x.grad!, [4]);
    x.requiresGrad_(false);
    assert.equal(x.square().requiresGrad, false);
    const y = tensor([1], { requiresGrad: true }).mul(2);
    assert.throws(() => y.requiresGrad_(false), /requiresGrad_: cannot turn gradients off on a non-leaf tensor made by 'mul'/);
  });

  test('ops on tensors that do not require gradients record nothing', () => {
    const y = tensor([1, 2]).exp().sum();
    assert.equal(y.requiresGrad, false);
    assert.throws(() => y.backward(), /backward: this tensor does not require gradients/);
  });
});

describe('functional API', () => {
  const f = (x: Tensor, y: Tensor): Tensor => x.square().mul(y).sum().add(y.sin().sum());

  test('grad(f) differentiates with respect to the first argument by default', () => {
    const x = f64([1, 2]);
    const y = f64([3, -1]);
    const g = grad(f)(x, y) as Tensor;
    assertClose(g, [6, -4]); // 2 x y
    assert.equal(g.requiresGrad, false); // nothing outside f requires gradients: no graph kept
    // the arguments are not modified and get no .grad
    assert.equal(x.requiresGrad, false);
    assert.equal(x.grad, null);
  });

  test('grad(f, { argnums }) returns a list in argnums order', () => {
    const x = f64([1, 2]);
    const y = f64([3, -1]);
    const [gy, gx] = grad(f, { argnums: [1, 0] })(x, y) as Tensor[];
    assertClose(gx, [6, -4]);
    assertClose(gy, [1 + Math.cos(3), 4 + Math.cos(-1)]); // x^2 + cos y
    const gOnlyY = grad(f, { argnums: 1 })(x, y) as Tensor;
    assertClose(gOnlyY, gy);
  });

  test('valueAndGrad returns the value too', () => {
    const { value, grad: g } = valueAndGrad(f)(f64([1, 2]), f64([3, -1]));
    assertClose(value, [3 + 4 * -1 + Math.sin(3) + Math.sin(-1)]);
    assert.equal(value.requiresGrad, false);
    assertClose(g as Tensor, [6, -4]);
  });

  test('grad(f) of a function that ignores its argument is zero', () => {
    const g = grad((_x: Tensor) => f64([2]).sum())(f64([1, 2, 3])) as Tensor;
    assertClose(g, [0, 0, 0]);
  });

  test('grad(f) rejects a non-scalar result and a non-tensor argument', () => {
    assert.throws(() => grad((x: Tensor) => x.mul(2))(f64([1, 2])), /grad: the function must return a scalar tensor, got shape \[2\]/);
    assert.throws(() => grad(f)(3 as unknown as Tensor, f64([1])), /grad: argument 0 must be a Tensor/);
  });

  test('nested grad(grad(f)) gives second and third derivatives', () => {
    const cube = (x: Tensor): Tensor => x.pow(3).sum();
    const d1 = grad(cube);
    const d2 = grad((x: Tensor) => (d1(x) as Tensor).sum());
    const d3 = grad((x: Tensor) => (d2(x) as Tensor).sum());
    const x = f64([0.5, -2, 3]);
    assertClose(d1(x) as Tensor, [0.75, 12, 27]);
    assertClose(d2(x) as Tensor, [3, -12, 18]);
    assertClose(d3(x) as Tensor, [6, 6, 6]);
  });

  test('nested grad through mixed second derivatives (d/dy of df/dx)', () => {
    // f = sum(x^2 y) + sum(sin y): d/dy sum(df/dx) = d/dy sum(2 x y) = 2 x
    const mixed = grad((x: Tensor, y: Tensor) => (grad(f)(x, y) as Tensor).sum(), { argnums: 1 });
    assertClose(mixed(f64([1, 2]), f64([3, -1])) as Tensor, [2, 4]);
  });

  test('nested grad through a variable the inner function captures (not an argument)', () => {
    // inner: d/dx (x y)^2 = 2 x y^2 with y captured; outer: d/dy of that at x = 3 is 4 x y = 12 y
    const outer = grad((y: Tensor) => (grad((x: Tensor) => x.mul(y).square().sum())(f64([3])) as Tensor).sum());
    assertClose(outer(f64([2])) as Tensor, [24]);
  });

  test('grad(outputs, inputs) torch style leaves .grad untouched', () => {
    const x = f64([1, 2]);
    x.requiresGrad = true;
    const y = x.exp().sum();
    const [g] = grad(y, [x]);
    assertClose(g, [Math.E, Math.exp(2)]);
    assert.equal(x.grad, null);
    assert.equal(g.requiresGrad, false);
  });

  test('grad(outputs, inputs) with several outputs sums their contributions; gradOutputs seeds them', () => {
    const x = f64([1, 2]);
    x.requiresGrad = true;
    const [g] = grad([x.square().sum(), x.mul(3).sum()], [x]);
    assertClose(g, [5, 7]);
    const [h] = grad(x.square(), x, { gradOutputs: [f64([1, -1])] });
    assertClose(h, [2, -4]);
  });

  test('grad(outputs, inputs, { createGraph }) allows differentiating again', () => {
    const x = f64([0.3, -0.7]);
    x.requiresGrad = true;
    const y = x.tanh().sum();
    const [g] = grad(y, [x], { createGraph: true });
    assert.equal(g.requiresGrad, true);
    const [h] = grad(g.sum(), [x]);
    const t = [Math.tanh(0.3), Math.tanh(-0.7)];
    assertClose(h, t.map((v) => -2 * v * (1 - v * v)), { rtol: 1e-12 });
  });

  test('grad of an intermediate tensor', () => {
    const x = f64([1, 2]);
    x.requiresGrad = true;
    const h = x.mul(2);
    const [gh] = grad(h.square().sum(), [h]);
    assertClose(gh, [4, 8]);
  });

  test('allowUnused: an unused input throws unless allowUnused, which gives zeros', () => {
    const x = f64([1, 2]);
    const z = f64([5, 6, 7]);
    x.requiresGrad = true;
    z.requiresGrad = true;
    const y = x.square().sum();
    assert.throws(() => grad(y, [x, z]), /grad: input 1 \(shape \[3\]\) was not used to compute the outputs; pass allowUnused: true/);
    const [gx, gz] = grad(y, [x, z], { allowUnused: true });
    assertClose(gx, [2, 4]);
    assertClose(gz, [0, 0, 0]);
    assert.equal(gz.dtype, 'float64');
  });
});

describe('Hessian-vector products', () => {
  test('hvp of a quadratic form x^T A x is (A + A^T) v', () => {
    const A = f64([2, 1, 0, -1, 3, 0.5, 4, 0, 1], [3, 3]);
    const x = f64([0.2, -0.4, 1.1]);
    const v = f64([1, -2, 0.5]);
    forEachBackend(() => {
      const [hv] = hvp((z) => z.matmul(A.matmul(z)), [x], [v]);
      const expected = A.add(A.T).matmul(v);
      assertClose(hv, expected, { rtol: 1e-12 });
    });
  });

  test('hvp of the Rosenbrock function matches its analytic Hessian', () => {
    const rosenbrock = (z: Tensor): Tensor => {
      const head = z.slice(0, 0, -1);
      const tail = z.slice(0, 1);
      return tail.sub(head.square()).square().mul(100).add(head.neg().add(1).square()).sum();
    };
    const xs = [-1.2, 1, 0.5, 2];
    const n = xs.length;
    // Analytic Hessian of sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2.
    const H: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let i = 0; i < n - 1; i++) {
      H[i][i] += 1200 * xs[i] ** 2 - 400 * xs[i + 1] + 2;
      H[i][i + 1] += -400 * xs[i];
      H[i + 1][i] += -400 * xs[i];
      H[i + 1][i + 1] += 200;
    }
    forEachBackend(() => {
      for (let j = 0; j < n; j++) {
        const e = zeros([n], { dtype: 'float64' });
        e.data[j] = 1;
        const [col] = hvp(rosenbrock, [f64(xs)], [e]);
        assertClose(col, H.map((row) => row[j]), { rtol: 1e-12, what: `Hessian column ${j}` });
      }
    });
  });

  test('hvp with two inputs returns both blocks of H v', () => {
    // f = sum(x^2 * y): H = [[2 diag(y), 2 diag(x)], [2 diag(x), 0]]
    const x = f64([1, 2]);
    const y = f64([3, 4]);
    const [hx, hy] = hvp((a, b) => a.square().mul(b).sum(), [x, y], [f64([1, 0]), f64([0, 1])]);
    assertClose(hx, [6, 4]); // 2 y1 * 1 + 2 x2 * 1 at the second entry
    assertClose(hy, [2, 0]);
  });

  test('hvp of a linear function is zero', () => {
    const [hv] = hvp((a) => a.mul(3).sum(), [f64([1, 2])], [f64([1, 1])]);
    assertClose(hv, [0, 0]);
  });
});

describe('gradient penalty (WGAN-GP style)', () => {
  // A small MLP discriminator D(x) = w2 . tanh(W1 x + b1) + b2 on a batch of 4 points in R^3.
  const x = draw([4, 3], 11);
  const theta0 = { W1: draw([5, 3], 12), b1: draw([5], 13), w2: draw([1, 5], 14), b2: draw([1], 15) };
  type Theta = typeof theta0;
  const names = Object.keys(theta0) as (keyof Theta)[];

  /** mean over the batch of (||grad_x D(x_i)||_2 - 1)^2, differentiable w.r.t. theta. */
  function penalty(th: Theta): Tensor {
    return enableGrad(() => {
      const xi = x.detach().requiresGrad_();
      const d = linear(linear(xi, th.W1, th.b1).tanh(), th.w2, th.b2);
      const [gx] = grad(d.sum(), [xi], { createGraph: true });
      return gx.norm(2, 1).sub(1).square().mean();
    });
  }

  test('the penalty gradient w.r.t. the parameters matches finite differences', () => {
    forEachBackend(() => {
      const theta = Object.fromEntries(names.map((k) => [k, theta0[k].detach().double().clone().requiresGrad_()])) as Theta;
      const loss = penalty(theta);
      assert.equal(loss.requiresGrad, true);
      loss.backward();
      const eps = 1e-6;
      let checked = 0;
      for (const k of names) {
        const p = theta[k];
        // b2 shifts D by a constant and cannot change grad_x D: it is not in the penalty's
        // graph, so (as in PyTorch) it gets no gradient at all; its finite difference is 0
        const got = (i: number): number => (p.grad ? p.grad.data[i] : 0);
        if (k === 'b2') assert.equal(p.grad, null);
        else assert.ok(p.grad, `${k} has a gradient`);
        for (let i = 0; i < p.numel(); i++) {
          const saved = p.data[i];
          p.data[i] = saved + eps;
          const up = noGrad(() => penalty(theta).item());
          p.data[i] = saved - eps;
          const down = noGrad(() => penalty(theta).item());
          p.data[i] = saved;
          const numeric = (up - down) / (2 * eps);
          assert.ok(Math.abs(got(i) - numeric) <= 1e-7 + 1e-5 * Math.abs(numeric), `${k}[${i}]: autodiff ${got(i)}, finite differences ${numeric}`);
          checked++;
        }
      }
      assert.equal(checked, 15 + 5 + 5 + 1);
      // the gradient is not trivially zero
      assert.ok(theta.W1.grad!.data.some((v) => Math.abs(v) > 1e-3));
      assert.ok(theta.w2.grad!.data.some((v) => Math.abs(v) > 1e-3));
    });
  });

  test('JAX style: grad(f) of a D with captured parameters gives a differentiable penalty', () => {
    // The same penalty written with grad(x => D(x).sum()): the parameters are not arguments,
    // so grad(f) must notice that its result depends on them and keep the graph.
    forEachBackend(() => {
      const thetaA = Object.fromEntries(names.map((k) => [k, theta0[k].detach().clone().requiresGrad_()])) as Theta;
      const thetaB = Object.fromEntries(names.map((k) => [k, theta0[k].detach().clone().requiresGrad_()])) as Theta;
      penalty(thetaA).backward();
      const D = (th: Theta) => (z: Tensor): Tensor => linear(linear(z, th.W1, th.b1).tanh(), th.w2, th.b2).sum();
      const gx = grad(D(thetaB))(x) as Tensor;
      assert.equal(gx.requiresGrad, true);
      gx.norm(2, 1).sub(1).square().mean().backward();
      for (const k of ['W1', 'b1', 'w2'] as const) assertClose(thetaB[k].grad!, thetaA[k].grad!, { rtol: 1e-12, atol: 1e-15, what: k });
    });
  });

  test('grad_x D itself matches the analytic input gradient of the MLP', () => {
    const th = theta0;
    const xi = x.detach().requiresGrad_();
    const d = linear(linear(xi, th.W1, th.b1).tanh(), th.w2, th.b2);
    const [gx] = grad(d.sum(), [xi]);
    // grad_x D = W1^T (w2 * (1 - tanh(W1 x + b1)^2))
    const h = linear(x, th.W1, th.b1).tanh();
    const expected = h.square().neg().add(1).mul(th.w2).matmul(th.W1);
    assertClose(gx, expected, { rtol: 1e-12, atol: 1e-14 });
  });
});

describe('identity check with eye', () => {
  test('d/dX trace(A X) = A^T', () => {
    const A = draw([3, 3], 5);
    const X = eye(3, 3, { dtype: 'float64', requiresGrad: true });
    A.matmul(X).mul(eye(3, 3, { dtype: 'float64' })).sum().backward();
    assertClose(X.grad!, A.T);
  });
});
