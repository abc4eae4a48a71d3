/**
 * The backend kernels behind the SWA and EMA averages (src/backend/wasm/averaging.c) and
 * AdaShift's pass (adashift.c) give the bits of the js loops, on arrays long enough for their
 * SIMD bodies and tails (fused.test.ts checks AdaShift on small shapes). The averages are
 * checked kernel against loop: the wrappers' inner Adam is a float32 kernel on wasm, within
 * rounding of js's, so whole wrapper runs differ by backend before any averaging.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backendInfo, optimizerKernels, setBackend } from '../../src/backend/registry.js';
import { createOptimizer } from '../../src/optim/index.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { forEachBackend } from '../helpers/backends.js';

const SHAPES = [[37, 29], [1003], [3], [64, 16]];
const STEPS = 5;

function sameBits(got: number[][], want: number[][], what: string): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} arrays vs ${want.length}`);
  got.forEach((x, k) => x.forEach((v, i) => {
    if (!Object.is(v, want[k][i])) assert.fail(`${what}: array ${k}[${i}] is ${v}, the js loop gives ${want[k][i]}`);
  }));
}

/** The parameters after each of STEPS steps of `name`. */
function run(name: string, options: Record<string, unknown>): number[][] {
  const gen = new Generator(9);
  const params = SHAPES.map((shape) => new Tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => gen.uniform(-1, 1)), shape).requiresGrad_());
  const opt = createOptimizer(name, params, options);
  const out: number[][] = [];
  for (let t = 0; t < STEPS; t++) {
    for (const p of params) p.grad = new Tensor(Float32Array.from({ length: p.numel() }, () => gen.uniform(-3, 3)), p.shape);
    opt.step();
    for (const p of params) out.push(Array.from(p.data));
  }
  return out;
}

/** `run` on the js backend. */
function reference(name: string, options: Record<string, unknown>): number[][] {
  const previous = backendInfo().name;
  setBackend('js');
  try {
    return run(name, options);
  } finally {
    setBackend(previous);
  }
}

const CASES: [string, Record<string, unknown>][] = [
  ['adashift', { keepNum: 2 }],
  ['adashift', { keepNum: 2, phi: 'none', lr: 37 }],
  ['adashift', { keepNum: 1, phi: 'mean', lr: 5 }],
];

describe('the SWA and EMA kernels equal the wrappers\' loops bit for bit', () => {
  const gen = new Generator(4);
  for (const n of [0, 1, 3, 4, 1003, 40_000]) {
    test(`${n} elements`, () => {
      const w = Float32Array.from({ length: n }, () => gen.uniform(-2, 2));
      const start = Float32Array.from({ length: n }, () => gen.uniform(-2, 2));
      forEachBackend((b) => {
        const k = optimizerKernels();
        for (const decay of [0.999, 0.3, 0, 1]) {
          const want = start.slice();
          for (let i = 0; i < n; i++) want[i] = decay * want[i] + (1 - decay) * w[i];
          const got = start.slice();
          if (k.ema?.(got, w, decay)) sameBits([Array.from(got)], [Array.from(want)], `ema ${decay} on ${b}`);
        }
        for (const count of [2, 3, 7, 1e6]) {
          const want = start.slice();
          for (let i = 0; i < n; i++) want[i] += (w[i] - want[i]) / count;
          const got = start.slice();
          if (k.swa?.(got, w, count)) sameBits([Array.from(got)], [Array.from(want)], `swa ${count} on ${b}`);
        }
      });
    });
  }
});

describe('the AdaShift kernel equals the method\'s loop bit for bit on long arrays', () => {
  for (const [name, options] of CASES) {
    test(`${name} ${JSON.stringify(options)}`, () => {
      const want = reference(name, options);
      forEachBackend((b) => sameBits(run(name, options), want, `${name} on ${b}`));
    });
  }
});
