/** Shared by the optim tests: the fixture problems rebuilt with descent tensors, and trajectories. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tensor } from '../../src/tensor/index.js';
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
