/**
 * Faithful resume: every registered optimizer (wrappers included), in float32 and float64,
 * saved to a checkpoint file after k steps and loaded into a fresh optimizer over fresh
 * parameters, continues bit for bit like the run that was never interrupted.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createOptimizer, listOptimizers, type ParamGroupInput } from '../../src/optim/index.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/io/checkpoint.js';
import { tensor } from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import type { DType } from '../../src/tensor/dtype.js';
import { loadFixture, type FixtureProblem } from './problems.js';

const fixture = loadFixture<{ problems: Record<string, FixtureProblem> }>('first_order.json');
const dir = fs.mkdtempSync(join(os.tmpdir(), 'descent-resume-'));
const K = 4;

/** Options that exercise each method's state; the defaults are run too. */
const OPTIONS: Record<string, Record<string, unknown>> = {
  sgd: { lr: 0.05, momentum: 0.9, nesterov: true },
  rmsprop: { centered: true, momentum: 0.5 },
  adagrad: { lrDecay: 0.01 },
  asgd: { t0: 2 },
  adashift: { keepNum: 3, phi: 'max', lr: 0.01 },
  adafactor: { beta1: 0.5 },
  adamnc: { beta1Decay: 0.9 },
  lookahead: { optimizer: 'adashift', optimizerOptions: { lr: 0.01 }, k: 3 },
  swa: { optimizer: 'sgd', optimizerOptions: { lr: 0.01, momentum: 0.9 }, swaStart: 2, swaLr: 0.005 },
  ema: { optimizer: 'adamw', decay: 0.9 },
  sam: { optimizer: 'sgd', optimizerOptions: { lr: 0.05, momentum: 0.5 } },
  gradnoise: { optimizer: 'rmsprop', optimizerOptions: { lr: 0.001 }, eta: 0.01 },
};

function problem(dtype: DType) {
  const fx = fixture.problems.mlp;
  const t = (name: string) => tensor(fx.tensors[name].data, { shape: fx.tensors[name].shape, dtype });
  const params = new Map<string, Tensor>(fx.params.map((p) => [p.name, tensor(p.data, { shape: p.shape, dtype, requiresGrad: true })]));
  const [X, Y] = [t('X'), t('Y')];
  const [W1, b1, W2, b2] = ['W1', 'b1', 'W2', 'b2'].map((n) => params.get(n)!);
  return { params, loss: () => X.matmul(W1.T).add(b1).tanh().matmul(W2.T).add(b2).sub(Y).square().mean() };
}

function build(name: string, params: Map<string, Tensor>, options: Record<string, unknown>) {
  const groups: ParamGroupInput[] = [{ params: [params.get('W1')!, params.get('b1')!] }, { params: [params.get('W2')!, params.get('b2')!] }];
  try {
    return createOptimizer(name, groups, options);
  } catch (e) {
    if (!/parameter groups/.test((e as Error).message)) throw e;
    return createOptimizer(name, [...params.values()], options);
  }
}

describe('every optimizer resumes bit-identically from a checkpoint, in both dtypes', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const name of listOptimizers()) {
      for (const options of [{}, ...(OPTIONS[name] ? [OPTIONS[name]] : [])]) {
        if (Object.keys(options).length === 0 && ['lookahead', 'swa', 'ema', 'sam', 'gradnoise'].includes(name)) continue; // wrappers need an inner optimizer
        test(`${name} ${dtype} ${JSON.stringify(options)}`, () => {
          const a = problem(dtype);
          const optA = build(name, a.params, options);
          const closure = (prob: ReturnType<typeof problem>, opt: { zeroGrad(): void }) => () => {
            opt.zeroGrad();
            const loss = prob.loss();
            loss.backward();
            return loss;
          };
          const stepA = closure(a, optA);
          for (let i = 0; i < K; i++) optA.step(stepA);
          const path = join(dir, `${name}-${dtype}.ckpt`);
          saveCheckpoint(path, { model: Object.fromEntries(a.params), optimizer: optA.stateDict() });

          const b = problem(dtype);
          const optB = build(name, b.params, options);
          const loaded = loadCheckpoint(path, { optimizer: optB });
          for (const [k, p] of b.params) p.data.set(loaded.model![k].data);
          const stepB = closure(b, optB);
          for (let i = 0; i < K; i++) {
            optA.step(stepA);
            optB.step(stepB);
            for (const [k, p] of a.params) {
              const got = b.params.get(k)!.data;
              const bad = p.data.findIndex((v, j) => !Object.is(v, got[j]));
              assert.equal(bad, -1, `${name} ${dtype}: ${k}[${bad}] is ${got[bad]} after resuming, ${p.data[bad]} uninterrupted (step ${K + i + 1})`);
            }
          }
          // The state too, array by array, in the same dtype: nothing was rounded on the way.
          const [sa, sb] = [optA.stateDict(), optB.stateDict()];
          assert.deepEqual(sb.config, sa.config);
          assert.deepEqual(Object.keys(sb.tensors).sort(), Object.keys(sa.tensors).sort());
          for (const [k, t] of Object.entries(sa.tensors)) {
            assert.equal(sb.tensors[k].data.constructor, t.data.constructor, `${name} ${dtype}: state ${k} changed dtype`);
            assert.ok(t.data.every((v, j) => Object.is(v, sb.tensors[k].data[j])), `${name} ${dtype}: state ${k} differs`);
          }
        });
      }
    }
  }
});

describe('loadStateDict refuses state it cannot use, naming the group, parameter and field', () => {
  /** Adam's state after one step on a parameter of `n` values, through JSON like a checkpoint. */
  function saved(n: number, edit: (config: any) => void = () => {}) { // eslint-disable-line @typescript-eslint/no-explicit-any
    const p = tensor(Array.from({ length: n }, (_, i) => i), { requiresGrad: true });
    const opt = createOptimizer('adam', [p], { lr: 0.1 });
    p.grad = tensor(Array.from({ length: n }, () => 1));
    opt.step();
    const sd = opt.stateDict();
    const config = JSON.parse(JSON.stringify(sd.config));
    edit(config);
    return { tensors: sd.tensors, config };
  }
  function target(n: number) {
    const p = tensor(Array.from({ length: n }, () => 0), { requiresGrad: true });
    return { p, opt: createOptimizer('adam', [p], { lr: 0.1 }) };
  }

  test('state saved for a parameter of another size', () => {
    for (const [from, to] of [[8, 4], [2, 4]]) {
      const { opt } = target(to);
      assert.throws(() => opt.loadStateDict(saved(from)), new RegExp(`^RangeError: adam\\.loadStateDict: parameter 0 \\(group 0, parameter 0, shape \\[${to}\\]\\), field 'expAvg': holds ${from} values, expected ${to} for this parameter`));
      assert.equal(opt.state.size, 0, 'nothing was loaded');
    }
  });

  test('a buffer created on first use (SGD momentum) saved for a parameter of another size', () => {
    for (const [from, to] of [[8, 4], [2, 4]]) {
      const p = tensor(Array.from({ length: from }, (_, i) => i), { requiresGrad: true });
      const source = createOptimizer('sgd', [p], { lr: 0.1, momentum: 0.9 });
      p.grad = tensor(Array.from({ length: from }, () => 1));
      source.step();
      const q = tensor(Array.from({ length: to }, () => 0), { requiresGrad: true });
      const opt = createOptimizer('sgd', [q], { lr: 0.1, momentum: 0.9 });
      assert.throws(() => opt.loadStateDict(source.stateDict()), new RegExp(`field 'momentumBuffer': holds ${from} values, expected ${to} \\(one per element of the parameter`));
      assert.equal(opt.state.size, 0, 'nothing was loaded');
    }
  });

  test('wrong types, out-of-range values and unknown keys', () => {
    const cases: [(c: any) => void, RegExp][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
      [(c) => (c.paramGroups[0].lr = 'abc'), /adam\.loadStateDict: parameter group 0: option 'lr' must be a number in \[0, inf\), got "abc" \(in the state dict\)/],
      [(c) => (c.paramGroups[0].lr = -1), /parameter group 0: option 'lr' must be a number in \[0, inf\), got -1/],
      [(c) => (c.paramGroups[0].betas = [0.9]), /parameter group 0: option 'betas' must be/],
      [(c) => (c.paramGroups[0].lrr = 0.1), /parameter group 0: unknown option 'lrr' in the state dict; this optimizer's group options are lr, betas/],
      [(c) => (c.state['0'].step = -5), /parameter 0 \(group 0, parameter 0, shape \[3\]\), field 'step': a step count must be a non-negative integer, got -5/],
      [(c) => (c.state['0'].step = 1.5), /field 'step': a step count must be a non-negative integer, got 1\.5/],
      [(c) => (c.state['0'].expAvg = 3), /field 'expAvg': expected an array of 3 values, got 3/],
      [(c) => (c.state['0'].expAvg = { $tensor: 'nope' }), /field 'expAvg': refers to tensor 'nope', which is missing/],
      [(c) => (c.state['7'] = c.state['0']), /state for parameter 7, but there are only 1 parameters/],
    ];
    for (const [edit, message] of cases) {
      const { p, opt } = target(3);
      assert.throws(() => opt.loadStateDict(saved(3, edit)), message);
      assert.equal(opt.state.size, 0);
      assert.equal((opt.paramGroups[0] as { lr?: number }).lr, 0.1, 'the groups are untouched');
      assert.deepEqual(Array.from(p.data), [0, 0, 0]);
    }
    // The untouched state dict loads.
    const { opt } = target(3);
    opt.loadStateDict(saved(3));
    assert.equal(opt.state.size, 1);
  });
});
