/**
 * The spread of one training step's time over many steps (percentiles), to tell a slow step
 * from a slow tail (GC, a late worker thread):
 *
 *   npx tsx bench/step-spread.ts mlp|cnn [blas|wasm|js] [wasm threads]
 */
import { initBackend } from '../src/backend/load.js';
import { Generator } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { adam, cnn, mlp, trainStep } from './lib/models.js';

const which = process.argv[2] ?? 'mlp';
initBackend({ backend: (process.argv[3] ?? 'wasm') as 'wasm', wasmThreads: Number(process.argv[4] ?? 2) });
const gen = new Generator(1);
const n = which === 'mlp' ? 128 : 64;
const x = new Tensor(Float32Array.from({ length: n * 784 }, () => gen.uniform()), which === 'mlp' ? [n, 784] : [n, 1, 28, 28]);
const y = new Tensor(Float32Array.from({ length: n }, () => gen.randint(0, 10)), [n]);
const model = which === 'mlp' ? mlp() : cnn();
const opt = adam(model);
for (let i = 0; i < 50; i++) trainStep(model, opt, x, y);
const times: number[] = [];
for (let i = 0; i < 300; i++) {
  const t = performance.now();
  trainStep(model, opt, x, y);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(2);
console.log(`${which} ${process.argv[3] ?? 'wasm'}: p10 ${at(0.1)} p50 ${at(0.5)} p90 ${at(0.9)} p99 ${at(0.99)} ms`);
