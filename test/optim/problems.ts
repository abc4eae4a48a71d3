/** Shared by the optim tests: the fixture problems rebuilt with descent tensors, and trajectories. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Generator, tensor } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/optim/', import.meta.url));

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(FIXTURES + name, 'utf8')) as T;
}

export interface FixtureTensor {
  shape: number[];
  data: number[];
}

export interface FixtureProblem {
  description: string;
  tensors: Record<string, FixtureTensor>;
  params: (FixtureTensor & { name: string })[];
}

export interface Problem {
  params: Map<string, Tensor>;
  loss(): Tensor;
}

/** Rebuilds a fixture problem: fresh float32 parameters (requiresGrad) and its loss. */
export function buildProblem(kind: string, fx: FixtureProblem): Problem {
  const t = (f: FixtureTensor): Tensor => tensor(f.data, { shape: f.shape });
  const params = new Map<string, Tensor>();
  for (const p of fx.params) params.set(p.name, tensor(p.data, { shape: p.shape, requiresGrad: true }));
  if (kind === 'quadratic') {
    const A = t(fx.tensors.A);
    const b = t(fx.tensors.b);
    const x = params.get('x')!;
    return { params, loss: () => x.dot(A.matmul(x.reshape([3, 1])).reshape([3])).mul(0.5).sub(b.dot(x)) };
  }
  const X = t(fx.tensors.X);
  const Y = t(fx.tensors.Y);
  const [W1, b1, W2, b2] = ['W1', 'b1', 'W2', 'b2'].map((n) => params.get(n)!);
  return {
    params,
    loss: () => X.matmul(W1.T).add(b1).tanh().matmul(W2.T).add(b2).sub(Y).square().mean(),
  };
}

/** Relative-and-absolute closeness of flat arrays with a message naming the position. */
export function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rtol = 1e-5, atol = 1e-6): void {
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= atol + rtol * Math.abs(expected[i]))) {
      throw new Error(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (difference ${d.toExponential(3)})`);
    }
  }
}

/**
 * f(x) = ½ xᵀAx - bᵀx with A = Q diag(eigs) Qᵀ, Q a product of seeded Householder reflections,
 * eigenvalues spaced geometrically from 1 to `cond` (`distinct` different values), b random.
 */
export function spdQuadratic(n: number, cond: number, seed: number, distinct = n) {
  const gen = new Generator(seed);
  const eigs = Array.from({ length: n }, (_, i) => Math.pow(cond, (i % distinct) / (distinct - 1)));
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let r = 0; r < 3; r++) {
    const v = Array.from({ length: n }, () => gen.normal());
    const vv = v.reduce((s, x) => s + x * x, 0);
    // Q <- Q (I - 2 v vᵀ / vᵀv)
    for (let i = 0; i < n; i++) {
      let qv = 0;
      for (let k = 0; k < n; k++) qv += q[i * n + k] * v[k];
      for (let k = 0; k < n; k++) q[i * n + k] -= (2 * qv * v[k]) / vv;
    }
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += q[i * n + k] * eigs[k] * q[j * n + k];
    a[i * n + j] = s;
  }
  const b = Float64Array.from({ length: n }, () => gen.normal());
  // x* = Q diag(1/eigs) Qᵀ b
  const qtb = Array.from({ length: n }, (_, k) => { let s = 0; for (let i = 0; i < n; i++) s += q[i * n + k] * b[i]; return s / eigs[k]; });
  const xStar = Array.from({ length: n }, (_, i) => { let s = 0; for (let k = 0; k < n; k++) s += q[i * n + k] * qtb[k]; return s; });
  const A = tensor(a, { dtype: 'float64', shape: [n, n] });
  const B = tensor(b, { dtype: 'float64' });
  const f = (x: Tensor): Tensor => A.matmul(x.reshape([n, 1])).reshape([n]).mul(x).sum().mul(0.5).sub(B.mul(x).sum());
  return { f, xStar, n, a, A, B };
}
