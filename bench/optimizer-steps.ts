/**
 * The cost of one optimizer step, method by method, on the parameters of the benchmark's MLP
 * (784-256-256-10: 269,322 float32 parameters in 6 tensors), on one backend:
 *
 *   npx tsx bench/optimizer-steps.ts [blas|wasm|js]
 *
 * Prints a table (milliseconds per step, median of repeated runs). Not part of `npm run bench`:
 * PyTorch and TF.js have no counterpart for most of these methods.
 */
import { initBackend } from '../src/backend/load.js';
import { createOptimizer, listOptimizers } from '../src/optim/index.js';
import { Generator } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { timeit } from './lib/timing.js';

const backend = process.argv[2] ?? 'blas';
if (backend !== 'js' && backend !== 'wasm' && backend !== 'blas') throw new Error(`bench/optimizer-steps.ts: unknown backend ${backend}`);
const info = initBackend({ backend });
const SHAPES = [[256, 784], [256], [256, 256], [256], [10, 256], [10]];
const gen = new Generator(0);

function parameters(): Tensor[] {
  return SHAPES.map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const p = new Tensor(Float32Array.from({ length: n }, () => gen.uniform(-0.1, 0.1)), shape).requiresGrad_();
    p.grad = new Tensor(Float32Array.from({ length: n }, () => gen.uniform(-1, 1)), shape);
    return p;
  });
}

console.log(`optimizer step on the MLP's 269,322 parameters, backend ${info.name} (${info.detail})\n`);
console.log('| method | ms per step |\n|---|---:|');
for (const name of listOptimizers()) {
  let opt;
  try {
    opt = createOptimizer(name, parameters(), {});
    opt.step();
  } catch {
    continue; // methods that need a closure (second-order, line searches) or more options
  }
  const t = timeit(() => opt.step(), { minTime: 300, minReps: 10, warmup: 5 });
  console.log(`| ${name} | ${t.ms.toFixed(3)} |`);
}
