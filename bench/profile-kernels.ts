/**
 * Where a training step's time goes, kernel by kernel: wraps every kernel of a backend with a
 * timer and runs the benchmark's MLP or CNN step.
 *
 *   npx tsx bench/profile-kernels.ts mlp|cnn|mnist [js|wasm|blas]
 *
 * mnist is the CNN of PyTorch's MNIST example (bench/lib/user-workloads.ts), trained with Adadelta.
 */
import { loadBackends } from '../src/backend/load.js';
import { setBackend, kernels } from '../src/backend/registry.js';
import { Tensor } from '../src/tensor/tensor.js';
import { Generator } from '../src/tensor/random.js';
import { createOptimizer } from '../src/optim/index.js';
import { mlp, cnn, adam, trainStep } from './lib/models.js';
import { mnistCnn } from './lib/user-workloads.js';
loadBackends();
const which = process.argv[2] ?? 'mlp';
setBackend(process.argv[3] ?? 'wasm');
const k = kernels() as unknown as Record<string, unknown>;
const stats = new Map<string, [number, number]>();
for (const key of Object.keys(k)) {
  const f = k[key];
  if (typeof f !== 'function') continue;
  k[key] = (...args: unknown[]) => {
    const t = performance.now();
    const r = (f as (...a: unknown[]) => unknown)(...args);
    const label = key === 'unary' || key === 'binary' || key === 'binaryScalar' || key === 'reduce' ? `${key}:${args[0]}` : key === 'gemm' ? `gemm ${JSON.stringify([(args[0] as any).m, (args[0] as any).n, (args[0] as any).k, +(args[0] as any).transA, +(args[0] as any).transB])}` : key;
    const s = stats.get(label) ?? [0, 0];
    s[0] += performance.now() - t; s[1]++;
    stats.set(label, s);
    return r;
  };
}
const gen = new Generator(1);
const N = which === 'mlp' ? 128 : 64;
const x = new Tensor(new Float32Array(N * 784).map(() => gen.uniform()), which === 'mlp' ? [N, 784] : [N, 1, 28, 28]);
const y = new Tensor(new Float32Array(N).map(() => Math.floor(gen.uniform() * 10)), [N]);
const model = which === 'mlp' ? mlp() : which === 'mnist' ? mnistCnn(new Generator(0)) : cnn();
const opt = which === 'mnist' ? createOptimizer('adadelta', model.parameters(), { lr: 1 }) : adam(model);
for (let i = 0; i < 10; i++) trainStep(model, opt, x, y);
stats.clear();
const reps = which === 'mlp' ? 100 : 10;
const t = performance.now();
for (let i = 0; i < reps; i++) trainStep(model, opt, x, y);
const total = (performance.now() - t) / reps;
let inK = 0;
for (const [label, [ms, n]] of [...stats].sort((a, b) => b[1][0] - a[1][0])) { inK += ms / reps; console.log((ms / reps).toFixed(3).padStart(8), 'ms', String(n / reps).padStart(4), 'x', label); }
console.log('total', total.toFixed(3), 'in kernels', inK.toFixed(3));
