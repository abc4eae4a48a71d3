/**
 * stateDict()/loadStateDict(): for every optimizer in the registry, a state dict saved mid-run
 * (passed through JSON like a checkpoint would be) and loaded into a fresh optimizer over
 * fresh parameters continues the exact same trajectory, bit for bit.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createOptimizer, createSchedule, listOptimizers, type OptimizerStateDict, type ParamGroupInput } from '../../src/optim/index.js';
import { tensor } from '../../src/tensor/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { buildProblem, loadFixture, type FixtureProblem } from './problems.js';

const fixture = loadFixture<{ problems: Record<string, FixtureProblem> }>('first_order.json');

/** Options that exercise each method's state (defaults otherwise). */
const OPTIONS: Record<string, Record<string, unknown>> = {
  sgd: { lr: 0.05, momentum: 0.9, nesterov: true },
  rmsprop: { centered: true, momentum: 0.5 },
  adagrad: { lrDecay: 0.01 },
  asgd: { t0: 2 },
  adashift: { keepNum: 3, phi: 'none' },
  adafactor: { beta1: 0.5 },
  adamnc: { beta1Decay: 0.9 },
  lookahead: { optimizer: 'adam', optimizerOptions: { lr: 0.01 }, k: 3 },
  swa: { optimizer: 'sgd', optimizerOptions: { lr: 0.01, momentum: 0.9 }, swaStart: 2, swaLr: 0.005 },
  ema: { optimizer: 'adamw', decay: 0.9 },
  sam: { optimizer: 'sgd', optimizerOptions: { lr: 0.05, momentum: 0.5 } },
  gradnoise: { optimizer: 'rmsprop', optimizerOptions: { lr: 0.001 }, eta: 0.01 },
};

function freshProblem() {
  return buildProblem('mlp', fixture.problems.mlp);
}

function groupsOf(params: Map<string, Tensor>): ParamGroupInput[] {
  return [{ params: [params.get('W1')!, params.get('b1')!] }, { params: [params.get('W2')!, params.get('b2')!] }];
}

/** Two parameter groups, or one list of tensors for the methods that take no groups (L-BFGS and the other second-order methods). */
function build(name: string, params: Map<string, Tensor>, options: Record<string, unknown>) {
  try {
    return createOptimizer(name, groupsOf(params), options);
  } catch (e) {
    if (!/parameter groups/.test((e as Error).message)) throw e;
    return createOptimizer(name, [...params.values()], options);
  }
}

/** A checkpoint in transit: the config through JSON, the tensors copied. */
function throughJSON(sd: OptimizerStateDict): OptimizerStateDict {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(sd.tensors)) tensors[k] = new Tensor(t.data.slice(), t.shape);
  return { tensors, config: JSON.parse(JSON.stringify(sd.config)) };
}

describe('a state dict saved mid-run continues the same trajectory', () => {
  for (const name of listOptimizers()) {
    test(name, () => {
      const options = OPTIONS[name] ?? {};
      const a = freshProblem();
      const optA = build(name, a.params, options);
      const closureFor = (prob: ReturnType<typeof freshProblem>, opt: { zeroGrad(): void }) => () => {
        opt.zeroGrad();
        const loss = prob.loss();
        loss.backward();
        return loss;
      };
      const stepA = closureFor(a, optA);
      for (let i = 0; i < 5; i++) optA.step(stepA);

      const sd = throughJSON(optA.stateDict());
      const b = freshProblem();
      for (const [k, p] of b.params) p.data.set(a.params.get(k)!.data);
      const optB = build(name, b.params, options);
      optB.loadStateDict(sd);
      const stepB = closureFor(b, optB);
      for (let i = 0; i < 5; i++) {
        optA.step(stepA);
        optB.step(stepB);
        for (const [k, p] of a.params) {
          assert.deepEqual(Array.from(b.params.get(k)!.data), Array.from(p.data), `${name}: ${k} differs ${i + 1} steps after loading`);
        }
      }
      assert.deepEqual(JSON.parse(JSON.stringify(optB.stateDict().config)), JSON.parse(JSON.stringify(optA.stateDict().config)));
    });
  }
});

describe('state dict format', () => {
  test('{ tensors, config }: arrays as copied tensors, everything else JSON', () => {
    const p = tensor([1, 2, 3], { requiresGrad: true });
    const opt = createOptimizer('adam', [p], { lr: 0.1 });
    p.grad = tensor([0.1, 0.2, 0.3]);
    opt.step();
    const sd = opt.stateDict();
    assert.deepEqual(Object.keys(sd.tensors).sort(), ['state.0.expAvg', 'state.0.expAvgSq']);
    const cfg = sd.config as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(cfg.name, 'adam');
    assert.deepEqual(cfg.paramGroups[0].params, [0]);
    assert.equal(cfg.paramGroups[0].lr, 0.1);
    assert.equal(cfg.state['0'].step, 1);
    assert.deepEqual(cfg.state['0'].expAvg, { $tensor: 'state.0.expAvg' });
    assert.equal(cfg.state['0'].maxExpAvgSq, null);
    const saved = Array.from(sd.tensors['state.0.expAvg'].data);
    opt.step();
    assert.deepEqual(Array.from(sd.tensors['state.0.expAvg'].data), saved, 'the saved arrays are copies');
  });

  test('group options changed by a schedule are restored, and the scheduler state too', () => {
    const mk = () => tensor([1, 2], { requiresGrad: true });
    const p = mk();
    const opt = createOptimizer('sgd', [p], { lr: 0.1, momentum: 0.9 });
    const sched = createSchedule('onecycle', { maxLr: 1, totalSteps: 20 }).attach(opt);
    for (let i = 0; i < 4; i++) {
      p.grad = tensor([1, -1]);
      opt.step();
      sched.step();
    }
    const q = mk();
    q.data.set(p.data);
    const opt2 = createOptimizer('sgd', [q], { lr: 0.1, momentum: 0.9 });
    const sched2 = createSchedule('onecycle', { maxLr: 1, totalSteps: 20 }).attach(opt2);
    opt2.loadStateDict(throughJSON(opt.stateDict()));
    sched2.loadStateDict(JSON.parse(JSON.stringify(sched.stateDict())));
    assert.deepEqual(opt2.paramGroups[0], { ...opt.paramGroups[0], params: [q] });
    for (let i = 0; i < 4; i++) {
      p.grad = tensor([1, -1]);
      q.grad = tensor([1, -1]);
      opt.step();
      opt2.step();
      sched.step();
      sched2.step();
      assert.deepEqual(Array.from(q.data), Array.from(p.data));
      assert.deepEqual(sched2.getLastLr(), sched.getLastLr());
    }
  });

  test('plateau scheduler state round-trips', () => {
    const p = tensor([1], { requiresGrad: true });
    const opt = createOptimizer('sgd', [p], { lr: 1 });
    const s = createSchedule('plateau', { patience: 1 }).attach(opt);
    [1, 1, 1, 0.5, 0.5].forEach((m) => s.step(m));
    const s2 = createSchedule('plateau', { patience: 1 }).attach(opt);
    s2.loadStateDict(JSON.parse(JSON.stringify(s.stateDict())));
    assert.deepEqual(s2.stateDict(), s.stateDict());
  });
});
