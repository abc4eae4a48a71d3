/**
 * The fused one-pass steps of the methods without a backend kernel of their own equal their
 * transform chains bit for bit: the same float64 arithmetic in the same order, in float32 and
 * float64, with every option that changes the loop (maximize, weight decay, AMSGrad, ...).
 * The chain stays the reference: it is the same optimizer with `fused` taken out.
 *
 * On the js backend the loops run themselves; on a backend with a float32 SIMD kernel for the
 * method (wasm: see WITH_KERNELS) the kernel must stay within float32 rounding of them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backendInfo, setBackend } from '../../src/backend/registry.js';
import { createOptimizer, TransformOptimizer } from '../../src/optim/index.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { forEachBackend } from '../helpers/backends.js';

type Dtype = 'float32' | 'float64';
const SHAPES = [[6, 5], [7], [1], [2, 3, 4]];
const STEPS = 6;

/** Parameters and a gradient sequence (with exact zeros, and signs that flip, for Rprop and the sign methods). */
function problem(dtype: Dtype, seed: number): { params: Tensor[]; grads: Float64Array[][] } {
  const gen = new Generator(seed);
  const params = SHAPES.map((shape) => {
    const values = Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => gen.uniform(-1, 1));
    return new Tensor(dtype === 'float32' ? Float32Array.from(values) : values, shape).requiresGrad_();
  });
  const grads = Array.from({ length: STEPS }, () =>
    params.map((p) => Float64Array.from({ length: p.numel() }, (_, i) => (i % 5 === 3 ? 0 : gen.uniform(-2, 2)))));
  return { params, grads };
}

/** The parameters after every step, and the final state dict's arrays. */
function trajectory(name: string, options: Record<string, unknown>, dtype: Dtype, path: 'fused' | 'chain'): number[][] {
  const { params, grads } = problem(dtype, 7);
  let opt = createOptimizer(name, params, options) as TransformOptimizer;
  assert.ok(opt.transform.fused, `${name} has no fused step`);
  // The chain alone: the same method with `fused` taken out (its defaults, as an alias resolves them).
  if (path === 'chain') opt = new TransformOptimizer(opt.name, params, { ...opt.defaults }, { ...opt.transform, fused: undefined }, opt.optionSpecs);
  const out: number[][] = [];
  for (const step of grads) {
    params.forEach((p, i) => (p.grad = new Tensor(dtype === 'float32' ? Float32Array.from(step[i]) : Float64Array.from(step[i]), p.shape)));
    opt.step();
    for (const p of params) out.push(Array.from(p.data));
  }
  const sd = opt.stateDict();
  for (const t of Object.values(sd.tensors)) out.push(Array.from(t.data));
  out.push([JSON.stringify(sd.config).length]);
  return out;
}

/** AdaShift with a short queue (it makes no update in its first keepNum steps). */
const ADASHIFT = [{ keepNum: 2 }, { keepNum: 3, phi: 'none' }, { keepNum: 2, phi: 'mean', betas: [0.5, 0.9] }, { keepNum: 2, phi: 'none', zeroVSafeguard: true }];

/** Every fused method with the option sets that take different branches of its loop. */
const CASES: [string, Record<string, unknown>[]][] = [
  ['nadam', [{}, { weightDecay: 0.1, maximize: true }, { momentumDecay: 0.1 }]],
  ['radam', [{}, { weightDecay: 0.1 }, { betas: [0.9, 0.5], maximize: true }]],
  ['adamax', [{}, { weightDecay: 0.1, maximize: true }]],
  ['adamnc', [{}, { weightDecay: 0.1, beta1Decay: 0.9, maximize: true }]],
  ['yogi', [{}, { weightDecay: 0.1, biasCorrection: false, maximize: true }]],
  ['adabelief', [{}, { weightDecay: 0.1 }, { weightDecay: 0.1, decoupleWeightDecay: true, amsgrad: true, maximize: true }]],
  ['adabound', [{}, { weightDecay: 0.1, amsbound: true }, { biasCorrection: false, sqrtDecay: true, maximize: true }]],
  ['amsbound', [{}]],
  ['adadelta', [{}, { weightDecay: 0.1, maximize: true }]],
  ['lion', [{}, { weightDecay: 0.1, maximize: true }]],
  ['rprop', [{}, { maximize: true }]],
  ['signsgd', [{}, { weightDecay: 0.1, maximize: true }]],
  ['signum', [{}, { weightDecay: 0.1, maximize: true }]],
  ['asgd', [{}, { weightDecay: 0.1, t0: 2, maximize: true }]],
  ['lamb', [{}, { weightDecay: 0.1, maximize: true }]],
  ['lars', [{}, { weightDecay: 0.1, momentum: 0.5, maximize: true }]],
  ['novograd', [{}, { weightDecay: 0.1, gradAveraging: true, maximize: true }]],
  ['adafactor', [{}, { lr: 0.01, beta1: 0.9, weightDecay: 0.1, maximize: true }, { scaleParameter: false, clipThreshold: 0.01 }]],
  ['adashift', ADASHIFT],
];

/** The methods that the wasm backend runs through a float32 kernel of kernels.c. */
const WITH_KERNELS = [
  'nadam', 'radam', 'adamax', 'adamnc', 'yogi', 'adabelief', 'adabound', 'amsbound', 'adadelta', 'lion', 'signsgd', 'signum', 'rprop', 'asgd',
  'lamb', 'lars', 'novograd', 'adafactor',
];

/** Exact equality, element by element (NaN equal to NaN, and +0 not equal to -0: Object.is). */
function sameBits(a: number[][], b: number[][], what: string): void {
  assert.equal(a.length, b.length, `${what}: ${a.length} arrays vs ${b.length}`);
  a.forEach((x, k) => {
    assert.equal(x.length, b[k].length, `${what}: array ${k} has ${x.length} elements vs ${b[k].length}`);
    x.forEach((v, i) => assert.ok(Object.is(v, b[k][i]), `${what}: array ${k}[${i}] is ${v}, the chain gives ${b[k][i]}`));
  });
}

describe('fused steps equal their transform chains bit for bit (js backend)', () => {
  const previous = backendInfo().name;
  for (const [name, optionSets] of CASES) {
    // A large lr too: with the usual ones the step is far below the parameter's last bit, and
    // a loop that rounded the update differently could still give the same parameters.
    for (const options of [...optionSets, ...optionSets.map((o) => ({ ...o, lr: 37 }))]) {
      for (const dtype of ['float32', 'float64'] as const) {
        test(`${name} ${JSON.stringify(options)} ${dtype}`, () => {
          setBackend('js');
          try {
            sameBits(trajectory(name, options, dtype, 'fused'), trajectory(name, options, dtype, 'chain'), `${name} ${dtype}`);
          } finally {
            setBackend(previous);
          }
        });
      }
    }
  }
});

describe('backend kernels of the fused steps stay within float32 rounding of the loops', () => {
  for (const [name, optionSets] of CASES.filter(([n]) => WITH_KERNELS.includes(n))) {
    for (const options of optionSets) {
      test(`${name} ${JSON.stringify(options)}`, () => {
        const reference = trajectory(name, options, 'float32', 'chain');
        forEachBackend((b) => {
          const got = trajectory(name, options, 'float32', 'fused');
          got.slice(0, STEPS * SHAPES.length).forEach((x, k) =>
            x.forEach((v, i) => {
              const want = reference[k][i];
              assert.ok(Math.abs(v - want) <= 1e-5 * Math.abs(want) + 1e-6, `${name} on ${b}: array ${k}[${i}] is ${v}, the chain gives ${want}`);
            }));
        });
      });
    }
  }
});

describe('the backend kernel of AdaShift computes its loop in float64: the same bits', () => {
  for (const options of ADASHIFT) {
    test(`adashift ${JSON.stringify(options)}`, () => {
      const reference = trajectory('adashift', options, 'float32', 'chain');
      forEachBackend((b) => sameBits(trajectory('adashift', options, 'float32', 'fused'), reference, `adashift on ${b}`));
    });
  }
});
