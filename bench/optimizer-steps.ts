/**
 * The cost of one optimizer step, method by method, on the parameters of the benchmark's MLP
 * (784-256-256-10: 269,322 float32 parameters in 6 tensors), on one backend, against the fused
 * Adam step on the same backend:
 *
 *   npx tsx bench/optimizer-steps.ts [blas|wasm|js]
 *
 * Prints a table: milliseconds per step (median), and the ratio to Adam's step timed in the same
 * window (each method's steps alternate with Adam's, so a machine whose load drifts moves both).
 * The target of issue 16 is every first-order method within 2x of Adam; rows over it are marked.
 * Wrappers (ema, swa, lookahead, gradnoise) step their default inner optimizer too. Not part of
 * `npm run bench`: PyTorch and TF.js have no counterpart for most of these methods.
 */
import { initBackend } from '../src/backend/load.js';
import { createOptimizer, listOptimizers, type Optimizer } from '../src/optim/index.js';
import { getOptimizerEntry } from '../src/optim/registry.js';
import { Generator } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { QUICK } from './lib/timing.js';

const backend = process.argv[2] ?? 'blas';
if (backend !== 'js' && backend !== 'wasm' && backend !== 'blas') throw new Error(`bench/optimizer-steps.ts: unknown backend ${backend}`);
const info = initBackend({ backend });
const SHAPES = [[256, 784], [256], [256, 256], [256], [10, 256], [10]];
const gen = new Generator(0);
/** The target: each method's step within this many Adam steps. */
const TARGET = 2;

function parameters(): Tensor[] {
  return SHAPES.map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const p = new Tensor(Float32Array.from({ length: n }, () => gen.uniform(-0.1, 0.1)), shape).requiresGrad_();
    p.grad = new Tensor(Float32Array.from({ length: n }, () => gen.uniform(-1, 1)), shape);
    return p;
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Medians of `opt`'s and Adam's steps, alternating, over at least `minTime` ms (after warmup). */
function versusAdam(opt: Optimizer<object>, adam: Optimizer<object>): { ms: number; adamMs: number } {
  const minTime = QUICK ? 150 : 400;
  const minReps = QUICK ? 5 : 15;
  for (let i = 0; i < 5; i++) {
    opt.step();
    adam.step();
  }
  const mine: number[] = [];
  const theirs: number[] = [];
  const start = performance.now();
  while (mine.length < minReps || performance.now() - start < minTime) {
    let t = performance.now();
    opt.step();
    mine.push(performance.now() - t);
    t = performance.now();
    adam.step();
    theirs.push(performance.now() - t);
  }
  return { ms: median(mine), adamMs: median(theirs) };
}

const adam = createOptimizer('adam', parameters(), {});
const rows: string[] = [];
const adamTimes: number[] = [];
let over = 0;
for (const name of listOptimizers()) {
  let opt;
  try {
    opt = createOptimizer(name, parameters(), {});
    opt.step();
  } catch {
    continue; // methods that need a closure (second-order, line searches) or more options
  }
  const { ms, adamMs } = versusAdam(opt, adam);
  adamTimes.push(adamMs);
  const ratio = ms / adamMs;
  const wrapper = getOptimizerEntry(name).wrapper ? ' (wrapper)' : '';
  if (ratio > TARGET && !wrapper) over++;
  rows.push(`| ${name}${wrapper} | ${ms.toFixed(3)} | ${ratio.toFixed(2)}${ratio > TARGET ? ' **over 2x**' : ''} |`);
}

console.log(`optimizer step on the MLP's 269,322 parameters, backend ${info.name} (${info.detail})\n`);
console.log(`fused Adam: ${median(adamTimes).toFixed(3)} ms per step (median of its windows)\n`);
console.log('| method | ms per step | x Adam |\n|---|---:|---:|');
for (const r of rows) console.log(r);
console.log(`\n${over === 0 ? 'every first-order method' : `${over} first-order method(s) not`} within ${TARGET}x of fused Adam`);
