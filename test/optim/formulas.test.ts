/**
 * Methods PyTorch lacks, checked against their papers' formulas: each reference below is written
 * from the formula in plain float64 arithmetic, independently of src/optim, and the optimizer
 * (run on float64 parameters) must follow it step by step. A few cases are worked by hand.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TransformOptimizer, addWeightDecay, adashiftStep, chain, createOptimizer, flipSign, type Optimizer } from '../../src/optim/index.js';
import { Generator, tensor } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const A = [1, 2, 0.5];
const B = [0.3, -0.2, 0.1];
const THETA0 = [0.5, -1.0, 2.0];
/** The gradient of f(θ) = Σ a_i θ_i²/2 - b_i θ_i. */
const gradOf = (th: ArrayLike<number>): number[] => Array.from(th, (x, i) => A[i % 3] * x - B[i % 3]);
const lossOf = (th: ArrayLike<number>): number => Array.from(th).reduce((s, x, i) => s + 0.5 * A[i % 3] * x * x - B[i % 3] * x, 0);

const norm = (x: number[]): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0));

/** Runs a registered optimizer on a float64 parameter with the gradient set by hand; returns θ after each step. */
function run(name: string, options: Record<string, unknown>, steps: number, theta0 = THETA0, shape = [theta0.length]): number[][] {
  const p = tensor(theta0, { dtype: 'float64', shape, requiresGrad: true });
  const opt = createOptimizer(name, [p], options);
  const out: number[][] = [];
  const closure = () => {
    p.grad = tensor(gradOf(p.data), { dtype: 'float64', shape });
    return lossOf(p.data);
  };
  for (let t = 0; t < steps; t++) {
    closure();
    opt.step(closure);
    out.push(Array.from(p.data));
  }
  return out;
}

function expectTrajectory(actual: number[][], expected: number[][], what: string, tol = 1e-12): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((row, t) =>
    row.forEach((e, i) => {
      const a = actual[t][i];
      assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${what}: θ[${i}] after step ${t + 1} is ${a}, the formula gives ${e}`);
    }),
  );
}

/** Generic driver for the references: state lives in the closure `step(θ, g, t)`. */
function reference(steps: number, step: (th: number[], g: number[], t: number) => number[], theta0 = THETA0): number[][] {
  let th = [...theta0];
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    th = step(th, gradOf(th), t);
    out.push([...th]);
  }
  return out;
}

const zeros = (n = 3) => new Array<number>(n).fill(0);

describe('AdamNC (Reddi et al. 2018): β2,t = 1 - 1/t', () => {
  test('follows the formula with β1,t = β1 λ^(t-1)', () => {
    const lr = 0.05, b1 = 0.9, lam = 0.95, eps = 1e-8;
    let m = zeros(), v = zeros(), prod = 1;
    const exp = reference(8, (th, g, t) => {
      const b1t = b1 * lam ** (t - 1);
      prod *= b1t;
      m = m.map((x, i) => b1t * x + (1 - b1t) * g[i]);
      v = v.map((x, i) => (1 - 1 / t) * x + (1 / t) * g[i] * g[i]);
      return th.map((x, i) => x - (lr * (m[i] / (1 - prod))) / (Math.sqrt(v[i]) + eps));
    });
    expectTrajectory(run('adamnc', { lr, beta1: b1, beta1Decay: lam }, 8), exp, 'adamnc');
  });
  test('v_t is the plain mean of the squared gradients so far', () => {
    const p = tensor([1, -2], { dtype: 'float64', requiresGrad: true });
    const opt = createOptimizer('adamnc', [p], { lr: 0 });
    const gs = [[1, 2], [3, -1], [-2, 0.5], [0.5, 4]];
    gs.forEach((g) => {
      p.grad = tensor(g, { dtype: 'float64' });
      opt.step();
    });
    const v = opt.state.get(p)!.expAvgSq as Float64Array;
    const mean = [0, 1].map((i) => gs.reduce((s, g) => s + g[i] * g[i], 0) / gs.length);
    assert.ok(Math.abs(v[0] - mean[0]) < 1e-12 && Math.abs(v[1] - mean[1]) < 1e-12, `v = ${[...v]}, mean of g² = ${mean}`);
  });
});

describe('AdaBound / AMSBound (Luo et al. 2019, algorithms 2-3)', () => {
  const lr = 0.01, b1 = 0.9, b2 = 0.999, finalLr = 0.1, gamma = 1e-3, eps = 1e-8;
  function ref(ams: boolean, biasCorrection: boolean, sqrtDecay: boolean) {
    let m = zeros(), v = zeros(), vmax = zeros();
    return reference(10, (th, g, t) => {
      m = m.map((x, i) => b1 * x + (1 - b1) * g[i]);
      v = v.map((x, i) => b2 * x + (1 - b2) * g[i] * g[i]);
      vmax = vmax.map((x, i) => Math.max(x, v[i]));
      const vv = ams ? vmax : v;
      const lo = finalLr * (1 - 1 / (gamma * t + 1));
      const hi = finalLr * (1 + 1 / (gamma * t));
      const base = biasCorrection ? (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t) : lr;
      return th.map((x, i) => {
        const eta = Math.min(hi, Math.max(lo, base / (Math.sqrt(vv[i]) + eps)));
        return x - (sqrtDecay ? eta / Math.sqrt(t) : eta) * m[i];
      });
    });
  }
  test("the paper's form: clip(α/√v, η_l, η_u)/√t · m", () => {
    expectTrajectory(run('adabound', { lr }, 10), ref(false, false, true), 'adabound');
  });
  test("the authors' released code: bias-corrected, no 1/√t", () => {
    expectTrajectory(run('adabound', { lr, biasCorrection: true, sqrtDecay: false }, 10), ref(false, true, false), 'adabound (code form)');
  });
  test('AMSBound uses the running maximum of v', () => {
    expectTrajectory(run('amsbound', { lr }, 10), ref(true, false, true), 'amsbound');
  });
  test('hand-worked first step: the step size is clipped to the upper bound', () => {
    // t = 1: η_u = 0.1 (1 + 1/0.001) = 100.1, η_l = 0.1 (1 - 1/1.001); lr/(√v + ε) with v = 0.001 g²
    // is 0.01/(0.0316|g|): for θ0[0], g = 1·0.5 - 0.3 = 0.2 → 1.581 (inside), m = 0.02 → Δ = -0.03162.
    const [after] = run('adabound', { lr, eps: 0 }, 1);
    const g = 0.2, v = 0.001 * g * g, m = 0.1 * g;
    assert.ok(Math.abs(after[0] - (0.5 - (0.01 / Math.sqrt(v)) * m)) < 1e-12);
    assert.ok(Math.abs(after[0] - (0.5 - 0.0316227766)) < 1e-9);
  });
});

describe('AdaBelief (Zhuang et al. 2020, algorithm 2)', () => {
  const lr = 0.02, b1 = 0.9, b2 = 0.99, eps = 1e-10, wd = 0.1;
  function ref(decoupled: boolean, ams: boolean) {
    let m = zeros(), s = zeros(), smax = zeros();
    return reference(10, (th, g0, t) => {
      const g = decoupled ? g0 : g0.map((x, i) => x + wd * th[i]);
      m = m.map((x, i) => b1 * x + (1 - b1) * g[i]);
      s = s.map((x, i) => b2 * x + (1 - b2) * (g[i] - m[i]) ** 2 + eps);
      smax = smax.map((x, i) => Math.max(x, s[i]));
      const ss = ams ? smax : s;
      return th.map((x, i) => {
        const step = m[i] / (1 - b1 ** t) / (Math.sqrt(ss[i] / (1 - b2 ** t)) + eps);
        return x - lr * step - (decoupled ? lr * wd * x : 0);
      });
    });
  }
  test('decoupled weight decay (default)', () => {
    expectTrajectory(run('adabelief', { lr, betas: [b1, b2], eps, weightDecay: wd }, 10), ref(true, false), 'adabelief');
  });
  test('coupled weight decay with the AMSGrad maximum', () => {
    expectTrajectory(run('adabelief', { lr, betas: [b1, b2], eps, weightDecay: wd, decoupleWeightDecay: false, amsgrad: true }, 10), ref(false, true), 'adabelief');
  });
});

describe('Yogi (Zaheer et al. 2018)', () => {
  const lr = 0.05, b1 = 0.9, b2 = 0.99, eps = 1e-3;
  function ref(bias: boolean, v0: number) {
    let m = zeros(), v = zeros().map(() => v0);
    return reference(10, (th, g, t) => {
      m = m.map((x, i) => b1 * x + (1 - b1) * g[i]);
      v = v.map((x, i) => x - (1 - b2) * Math.sign(x - g[i] * g[i]) * g[i] * g[i]);
      const c1 = bias ? 1 - b1 ** t : 1, c2 = bias ? 1 - b2 ** t : 1;
      return th.map((x, i) => x - (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps));
    });
  }
  test('seed 001 algorithm 7 (bias-corrected)', () => {
    expectTrajectory(run('yogi', { lr, betas: [b1, b2] }, 10), ref(true, 0), 'yogi');
  });
  test("the paper's algorithm (no bias correction, v_0 = 1e-6)", () => {
    expectTrajectory(run('yogi', { lr, betas: [b1, b2], biasCorrection: false, initialAccumulatorValue: 1e-6 }, 10), ref(false, 1e-6), 'yogi');
  });
});

describe('Adafactor (Shazeer & Stern 2018, algorithms 4-5)', () => {
  const eps1 = 1e-30, eps2 = 1e-3, d = 1, c = -0.8;
  const rms = (x: number[]) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
  test('factored second moment of a 2x3 matrix with relative steps', () => {
    const theta0 = [0.5, -1.0, 2.0, 0.1, 0.7, -0.3];
    let R = [0, 0], C = [0, 0, 0];
    const exp = reference(6, (th, g, t) => {
      const rho = Math.min(1e-2, 1 / Math.sqrt(t));
      const alpha = Math.max(eps2, rms(th)) * rho;
      const b2 = 1 - t ** c;
      const G2 = g.map((x) => x * x + eps1);
      R = R.map((x, r) => b2 * x + (1 - b2) * (G2[r * 3] + G2[r * 3 + 1] + G2[r * 3 + 2]));
      C = C.map((x, k) => b2 * x + (1 - b2) * (G2[k] + G2[3 + k]));
      const sumR = R[0] + R[1];
      const U = g.map((x, j) => x / Math.sqrt((R[Math.floor(j / 3)] * C[j % 3]) / sumR));
      const Uc = U.map((x) => x / Math.max(1, rms(U) / d));
      return th.map((x, j) => x - alpha * Uc[j]);
    }, theta0);
    expectTrajectory(run('adafactor', {}, 6, theta0, [2, 3]), exp, 'adafactor (matrix)');
  });
  test('unfactored vector with a fixed lr, no parameter scaling, momentum', () => {
    const lr = 0.05, beta1 = 0.5;
    let V = zeros(), m = zeros();
    const exp = reference(6, (th, g, t) => {
      const b2 = 1 - t ** c;
      V = V.map((x, i) => b2 * x + (1 - b2) * (g[i] * g[i] + eps1));
      const U = g.map((x, i) => x / Math.sqrt(V[i]));
      const Uc = U.map((x) => x / Math.max(1, rms(U) / d));
      m = m.map((x, i) => beta1 * x + (1 - beta1) * Uc[i]);
      return th.map((x, i) => x - lr * m[i]);
    });
    expectTrajectory(run('adafactor', { lr, scaleParameter: false, beta1 }, 6), exp, 'adafactor (vector)');
  });
});

describe('LAMB, LARS (You et al.)', () => {
  test('LAMB: trust ratio ‖θ‖/‖r‖ on the Adam direction plus decay', () => {
    const lr = 0.05, b1 = 0.9, b2 = 0.999, eps = 1e-6, wd = 0.01;
    let m = zeros(), v = zeros();
    const exp = reference(8, (th, g, t) => {
      m = m.map((x, i) => b1 * x + (1 - b1) * g[i]);
      v = v.map((x, i) => b2 * x + (1 - b2) * g[i] * g[i]);
      const r = th.map((x, i) => m[i] / (1 - b1 ** t) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps) + wd * x);
      const ratio = norm(th) / norm(r);
      return th.map((x, i) => x - lr * ratio * r[i]);
    });
    expectTrajectory(run('lamb', { lr, weightDecay: wd }, 8), exp, 'lamb');
  });
  test('LARS: local lr η‖w‖/(‖g‖ + β‖w‖) with momentum', () => {
    const lr = 0.5, mom = 0.9, eta = 0.01, beta = 0.001;
    let buf = zeros();
    const exp = reference(8, (th, g) => {
      const local = (eta * norm(th)) / (norm(g) + beta * norm(th));
      buf = buf.map((x, i) => mom * x + lr * local * (g[i] + beta * th[i]));
      return th.map((x, i) => x - buf[i]);
    });
    expectTrajectory(run('lars', { lr, momentum: mom, trustCoefficient: eta, weightDecay: beta }, 8), exp, 'lars');
  });
});

describe('Lion, NovoGrad, signSGD, Signum', () => {
  test('Lion (Chen et al. 2023): sign of the interpolation, then the momentum update', () => {
    const lr = 0.01, b1 = 0.9, b2 = 0.99, wd = 0.1;
    let m = zeros();
    const exp = reference(8, (th, g) => {
      const c = m.map((x, i) => b1 * x + (1 - b1) * g[i]);
      const next = th.map((x, i) => x - lr * (Math.sign(c[i]) + wd * x));
      m = m.map((x, i) => b2 * x + (1 - b2) * g[i]);
      return next;
    });
    expectTrajectory(run('lion', { lr, weightDecay: wd }, 8), exp, 'lion');
  });
  test('NovoGrad (Ginsburg et al. 2019): v_1 = ‖g_1‖², layer-wise normalization', () => {
    const lr = 0.05, b1 = 0.95, b2 = 0.98, eps = 1e-8, wd = 0.01;
    let m = zeros(), v = 0;
    const exp = reference(8, (th, g, t) => {
      const n2 = g.reduce((s, x) => s + x * x, 0);
      v = t === 1 ? n2 : b2 * v + (1 - b2) * n2;
      m = m.map((x, i) => b1 * x + (g[i] / (Math.sqrt(v) + eps) + wd * th[i]));
      return th.map((x, i) => x - lr * m[i]);
    });
    expectTrajectory(run('novograd', { lr, weightDecay: wd }, 8), exp, 'novograd');
  });
  test('signSGD: θ -= lr sign(g)', () => {
    const exp = reference(5, (th, g) => th.map((x, i) => x - 0.1 * Math.sign(g[i])));
    expectTrajectory(run('signsgd', { lr: 0.1 }, 5), exp, 'signsgd');
    // by hand: g(θ0) = (0.2, -2.2, 0.9) → θ1 = (0.4, -0.9, 1.9)
    expectTrajectory(run('signsgd', { lr: 0.1 }, 1), [[0.4, -0.9, 1.9]], 'signsgd by hand');
  });
  test('Signum: θ -= lr sign(β m + (1-β) g)', () => {
    let m = zeros();
    const exp = reference(8, (th, g) => {
      m = m.map((x, i) => 0.9 * x + 0.1 * g[i]);
      return th.map((x, i) => x - 0.1 * Math.sign(m[i]));
    });
    expectTrajectory(run('signum', { lr: 0.1 }, 8), exp, 'signum');
  });
});

describe('AdaShift (seed 004, algorithm 3-2)', () => {
  const lr = 0.1, n = 3, b1 = 0.8, b2 = 0.9, eps = 1e-10;
  function ref(phi: 'none' | 'max' | 'mean', steps: number) {
    const queue: number[][] = [];
    let v = zeros();
    return reference(steps, (th, g, t) => {
      if (t <= n) {
        queue.push(g);
        return th;
      }
      const old = queue.shift()!;
      queue.push(g);
      // m_t = Σ β1^i g_{t-i} / Σ β1^i; queue[n-1] is g_t, queue[0] is g_{t-n+1}.
      let wsum = 0;
      const m = zeros();
      for (let i = 0; i < n; i++) {
        wsum += b1 ** i;
        for (let j = 0; j < 3; j++) m[j] += b1 ** i * queue[n - 1 - i][j];
      }
      const sq = old.map((x) => x * x);
      const phiV = phi === 'none' ? sq : phi === 'max' ? sq.map(() => Math.max(...sq)) : sq.map(() => sq.reduce((a, b) => a + b) / 3);
      v = v.map((x, j) => b2 * x + (1 - b2) * phiV[j]);
      const pT = b2 ** (t - n);
      return th.map((x, j) => x - (lr * (m[j] / wsum)) / (Math.sqrt(v[j] / (1 - pT)) + eps));
    });
  }
  for (const phi of ['none', 'max', 'mean'] as const) {
    test(`φ = ${phi}`, () => {
      const got = run('adashift', { lr, keepNum: n, betas: [b1, b2], eps, phi }, 10);
      expectTrajectory(got, ref(phi, 10), `adashift φ=${phi}`);
    });
  }
  test('no update while t <= n; the first update uses g_1 for v and g_2..g_{n+1} for m', () => {
    const got = run('adashift', { lr, keepNum: n, betas: [b1, b2], eps, phi: 'none' }, n + 1);
    for (let t = 0; t < n; t++) assert.deepEqual(got[t], THETA0, `θ moved at step ${t + 1} <= n`);
    assert.notDeepEqual(got[n], THETA0);
  });
  test('hand-worked: n = 2, β = (0.5, 0.5), g = 1, 2, 3 on a scalar', () => {
    const p = tensor([0], { dtype: 'float64', requiresGrad: true });
    const opt = createOptimizer('adashift', [p], { lr: 0.1, keepNum: 2, betas: [0.5, 0.5], eps: 0, phi: 'none' });
    const seen: number[] = [];
    for (const g of [1, 2, 3]) {
      p.grad = tensor([g], { dtype: 'float64' });
      opt.step();
      seen.push(p.data[0]);
    }
    // t = 1, 2: no update. t = 3: g_{t-n} = g_1 = 1, v_3 = 0.5·0 + 0.5·1 = 0.5, p_3 = 0.5^(3-2) = 0.5,
    // m_3 = (3 + 0.5·2)/(1 + 0.5) = 8/3, θ = -0.1 · (8/3) / √(0.5/0.5) = -0.26667.
    assert.deepEqual(seen.slice(0, 2), [0, 0]);
    assert.ok(Math.abs(seen[2] - -0.1 * (8 / 3)) < 1e-15, `θ_3 = ${seen[2]}`);
  });
  test('the one-pass path (no decay, no maximize) moves exactly as the transform chain', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const phi of ['none', 'max', 'mean'] as const) {
        const gen = new Generator(3);
        const init = Array.from({ length: 37 }, () => gen.uniform(-1, 1));
        const fast = tensor(init, { dtype, requiresGrad: true });
        const slow = tensor(init, { dtype, requiresGrad: true });
        const options = { lr: 0.05, keepNum: 3, betas: [0.8, 0.9] as [number, number], eps: 1e-8, phi };
        const fastOpt = createOptimizer('adashift', [fast], options);
        // The same optimizer without its fused path: chain() has none.
        const slowOpt = new TransformOptimizer('adashift', [slow], options, chain(flipSign(), addWeightDecay(), adashiftStep()), fastOpt.optionSpecs);
        for (let t = 0; t < 12; t++) {
          const g = Array.from({ length: 37 }, () => gen.normal());
          fast.grad = tensor(g, { dtype });
          slow.grad = tensor(g, { dtype });
          fastOpt.step();
          slowOpt.step();
          assert.deepEqual(fast.data, slow.data, `${dtype} φ=${phi} step ${t + 1}`);
        }
      }
    }
  });
  test('φ = max makes v one scalar per parameter tensor', () => {
    const p = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const q = tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
    const opt = createOptimizer('adashift', [p, q], { keepNum: 1, phi: 'max' });
    for (let t = 0; t < 3; t++) {
      p.grad = tensor([0.1 * t, -1, 2], { dtype: 'float64' });
      q.grad = tensor([[1, 0], [0, -3]], { dtype: 'float64' });
      opt.step();
    }
    assert.equal((opt.state.get(p)!.expAvgSq as Float64Array).length, 1);
    assert.equal((opt.state.get(q)!.expAvgSq as Float64Array).length, 1);
  });
});

// ---- wrappers ---------------------------------------------------------------------------------

function runWrapper(opt: Optimizer<object>, p: Tensor, steps: number, useClosure = false): number[][] {
  const out: number[][] = [];
  const closure = () => {
    p.grad = tensor(gradOf(p.data), { dtype: 'float64' });
    return lossOf(p.data);
  };
  for (let t = 0; t < steps; t++) {
    if (useClosure) opt.step(closure);
    else {
      closure();
      opt.step();
    }
    out.push(Array.from(p.data));
  }
  return out;
}

describe('wrappers', () => {
  test('Lookahead (Zhang et al. 2019): every k steps φ += α(θ - φ), θ = φ', () => {
    const p = tensor(THETA0, { dtype: 'float64', requiresGrad: true });
    const opt = createOptimizer('lookahead', [p], { optimizer: 'sgd', optimizerOptions: { lr: 0.1, momentum: 0.5 }, k: 3, alpha: 0.4 });
    let slow = [...THETA0], buf: number[] | null = null;
    const exp = reference(10, (th, g, t) => {
      buf = buf ? buf.map((x, i) => 0.5 * x + g[i]) : [...g];
      let next = th.map((x, i) => x - 0.1 * buf![i]);
      if (t % 3 === 0) {
        slow = slow.map((x, i) => x + 0.4 * (next[i] - x));
        next = [...slow];
      }
      return next;
    });
    expectTrajectory(runWrapper(opt, p, 10), exp, 'lookahead');
  });

  test('SWA (Izmailov et al. 2018): equal-weight average of the iterates after swaStart, swapAverage', () => {
    const p = tensor(THETA0, { dtype: 'float64', requiresGrad: true });
    const opt = createOptimizer('swa', [p], { optimizer: 'sgd', optimizerOptions: { lr: 0.1 }, swaStart: 2, swaFreq: 2 }) as unknown as {
      step(): void; swapAverage(): void; averagedParams(): Tensor[];
    } & Optimizer<object>;
    const traj = runWrapper(opt, p, 8);
    const mean = [0, 1, 2].map((i) => (traj[3][i] + traj[5][i] + traj[7][i]) / 3); // t = 4, 6, 8
    const avg = Array.from(opt.averagedParams()[0].data);
    avg.forEach((x, i) => assert.ok(Math.abs(x - mean[i]) < 1e-12, `average[${i}] = ${x}, expected ${mean[i]}`));
    const before = Array.from(p.data);
    opt.swapAverage();
    assert.deepEqual(Array.from(p.data), avg);
    opt.swapAverage();
    assert.deepEqual(Array.from(p.data), before);
  });

  test('SWA with swaLr sets a constant lr once averaging starts', () => {
    const p = tensor(THETA0, { dtype: 'float64', requiresGrad: true });
    const opt = createOptimizer('swa', [p], { optimizer: 'sgd', optimizerOptions: { lr: 0.1 }, swaStart: 3, swaLr: 0.01 });
    runWrapper(opt, p, 2);
    assert.equal((opt.paramGroups[0] as unknown as { lr: number }).lr, 0.1);
    runWrapper(opt, p, 1);
    assert.equal((opt.paramGroups[0] as unknown as { lr: number }).lr, 0.01);
  });

  test('EMA: θ_EMA = β θ_EMA + (1-β) θ from the initial parameters', () => {
    const p = tensor(THETA0, { dtype: 'float64', requiresGrad: true });
    const opt = createOptimizer('ema', [p], { optimizer: 'sgd', optimizerOptions: { lr: 0.1 }, decay: 0.8 }) as unknown as Optimizer<object> & { averagedParams(): Tensor[] };
    const traj = runWrapper(opt, p, 6);
    let ema = [...THETA0];
    for (const th of traj) ema = ema.map((x, i) => 0.8 * x + 0.2 * th[i]);
    Array.from(opt.averagedParams()[0].data).forEach((x, i) => assert.ok(Math.abs(x - ema[i]) < 1e-12));
  });

  for (const adaptive of [false, true]) {
    test(`SAM (Foret et al. 2021)${adaptive ? ', adaptive (ASAM)' : ''}: gradient at θ + ρ g/‖g‖`, () => {
      const p = tensor(THETA0, { dtype: 'float64', requiresGrad: true });
      const rho = 0.05;
      const opt = createOptimizer('sam', [p], { optimizer: 'sgd', optimizerOptions: { lr: 0.1 }, rho, adaptive });
      const exp = reference(6, (th, g) => {
        const scaled = adaptive ? g.map((x, i) => Math.abs(th[i]) * x) : g;
        const e = g.map((x, i) => ((rho * (adaptive ? th[i] * th[i] : 1)) / (norm(scaled) + 1e-12)) * x);
        const g2 = gradOf(th.map((x, i) => x + e[i]));
        return th.map((x, i) => x - 0.1 * g2[i]);
      });
      expectTrajectory(runWrapper(opt, p, 6, true), exp, 'sam');
    });
  }

  test('SAM needs a closure', () => {
    const p = tensor(THETA0, { dtype: 'float64', requiresGrad: true });
    const opt = createOptimizer('sam', [p], {});
    p.grad = tensor([1, 1, 1], { dtype: 'float64' });
    assert.throws(() => opt.step(), /needs a closure/);
  });

  test('gradient noise (Neelakantan et al. 2015): σ_t² = η/(1+t)^γ, seeded', () => {
    const p = tensor(THETA0, { dtype: 'float64', requiresGrad: true });
    const eta = 0.3, gamma = 0.55;
    const opt = createOptimizer('gradnoise', [p], { optimizer: 'sgd', optimizerOptions: { lr: 0.1 }, eta, gamma, seed: 7 });
    const gen = new Generator(7);
    const exp = reference(6, (th, g, t) => {
      const sigma = Math.sqrt(eta / (1 + (t - 1)) ** gamma);
      const noisy = g.map((x) => x + sigma * gen.normal());
      return th.map((x, i) => x - 0.1 * noisy[i]);
    });
    expectTrajectory(runWrapper(opt, p, 6), exp, 'gradnoise');
  });
});
