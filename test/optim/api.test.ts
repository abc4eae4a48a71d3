/**
 * The optim API: the registry (names, descriptions), validation errors, parameter groups,
 * custom chains, the fused Adam path, schedules beyond PyTorch's, and clipping helpers.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  adaptiveGradClip, Adam, chain, clipByValue, clipGradNormPerParam, createOptimizer, createSchedule, describeOptimizer,
  describeSchedule, flipSign, LambdaSchedule, linearWarmup, SequentialSchedule, listOptimizers, listSchedules, scaleByAdam, scaleByLr, SGD, TransformOptimizer,
} from '../../src/optim/index.js';
import { tensor } from '../../src/tensor/index.js';

const p3 = () => tensor([1, 2, 3], { requiresGrad: true });

describe('registry', () => {
  test('lists every method of the issue by name', () => {
    const names = listOptimizers();
    for (const n of [
      'sgd', 'adagrad', 'adadelta', 'rmsprop', 'adam', 'amsgrad', 'adamw', 'adamax', 'nadam', 'radam', 'adamnc', 'adabound', 'amsbound',
      'adabelief', 'yogi', 'adafactor', 'lamb', 'lars', 'lion', 'novograd', 'signsgd', 'signum', 'rprop', 'asgd', 'adashift',
      'lookahead', 'swa', 'ema', 'sam', 'gradnoise',
    ]) assert.ok(names.includes(n), `${n} is not registered`);
    assert.deepEqual(names, [...names].sort());
  });

  test('names are case-insensitive', () => {
    assert.equal(createOptimizer('AdamW' as string, [p3()]).name, 'adamw');
  });

  test('describeOptimizer gives option names, defaults, types and a doc line for every method', () => {
    for (const n of listOptimizers()) {
      const d = describeOptimizer(n);
      assert.equal(d.name, n);
      assert.ok(d.doc.length > 10, `${n}: no doc line`);
      for (const o of d.options) assert.ok(o.name && o.type && o.doc, `${n}.${o.name}: incomplete description`);
    }
    const adam = describeOptimizer('adam');
    assert.deepEqual(adam.options.map((o) => o.name), ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize']);
    assert.deepEqual(adam.options.find((o) => o.name === 'betas')!.default, [0.9, 0.999]);
    assert.match(adam.source!, /Kingma & Ba 2015/);
    assert.equal(describeOptimizer('amsgrad').options.find((o) => o.name === 'amsgrad')!.default, true);
  });

  test('every option default is accepted, and the optimizer stores it', () => {
    for (const n of listOptimizers()) {
      const opt = createOptimizer(n, [p3()]);
      for (const o of describeOptimizer(n).options) {
        if (['optimizer', 'optimizerOptions'].includes(o.name)) continue;
        assert.deepEqual((opt.defaults as Record<string, unknown>)[o.name], o.default, `${n}.${o.name}`);
      }
    }
  });
});

describe('errors list what is valid', () => {
  test('unknown optimizer', () => {
    // @ts-expect-error not a built-in name: the error under test is the one at run time
    assert.throws(() => createOptimizer('adamm', [p3()]), (e: Error) => /unknown optimizer 'adamm'; available: .*adam, .*sgd/.test(e.message));
    assert.throws(() => describeOptimizer('nope'), /unknown optimizer 'nope'; available/);
  });
  test('unknown option key', () => {
    // @ts-expect-error not an option of adam: the error under test is the one at run time
    assert.throws(() => createOptimizer('adam', [p3()], { learningRate: 1 }), /adam: unknown option 'learningRate'; valid options: lr, betas, eps, weightDecay, amsgrad, maximize/);
    assert.throws(() => createOptimizer('sgd', [{ params: [p3()], mommentum: 0.9 }]), /unknown option 'mommentum'; valid options: lr, momentum/);
  });
  test('a near miss names the option meant', () => {
    assert.throws(() => createOptimizer('sgd', [{ params: [p3()], mommentum: 0.9 }]), /valid options: .*\(did you mean 'momentum'\?\)$/);
    // @ts-expect-error not an option of adam: the error under test is the one at run time
    assert.throws(() => createOptimizer('adam', [p3()], { beta: [0.9, 0.99] }), /did you mean 'betas'\?/);
    // @ts-expect-error not an option of step: the error under test is the one at run time
    assert.throws(() => createSchedule('step', { stepSize: 2, gama: 0.1 }), /did you mean 'gamma'\?/);
  });
  test('negative lr, betas outside [0, 1), wrong types', () => {
    assert.throws(() => createOptimizer('sgd', [p3()], { lr: -0.1 }), /sgd: option 'lr' must be a number in \[0, inf\), got -0.1/);
    assert.throws(() => createOptimizer('adam', [p3()], { betas: [0.9, 1] }), /option 'betas' must be a pair of numbers in \[0, 1\), got \[0.9,1\]/);
    assert.throws(() => createOptimizer('adam', [p3()], { betas: [-0.1, 0.9] }), /betas/);
    // @ts-expect-error betas is a pair: the error under test is the one at run time
    assert.throws(() => createOptimizer('adam', [p3()], { betas: 0.9 }), /must be a pair of numbers/);
    // @ts-expect-error lr is a number: the error under test is the one at run time
    assert.throws(() => createOptimizer('adam', [p3()], { lr: '0.1' }), /option 'lr' must be a number .* got "0.1"/);
    // @ts-expect-error amsgrad is a boolean: the error under test is the one at run time
    assert.throws(() => createOptimizer('adam', [p3()], { amsgrad: 1 }), /option 'amsgrad' must be a boolean, got 1/);
    assert.throws(() => createOptimizer('adam', [p3()], { eps: Number.NaN }), /option 'eps'/);
    // @ts-expect-error not one of adashift's phi values: the error under test is the one at run time
    assert.throws(() => createOptimizer('adashift', [p3()], { phi: 'min' }), /option 'phi' must be one of 'none', 'max', 'mean', got "min"/);
    assert.throws(() => createOptimizer('adashift', [p3()], { keepNum: 2.5 }), /keepNum' must be an integer/);
    assert.throws(() => createOptimizer('adam', [p3()], 'fast' as never), /options must be an object/);
  });
  test('checks between options', () => {
    assert.throws(() => createOptimizer('sgd', [p3()], { nesterov: true }), /nesterov requires momentum > 0 and dampening = 0/);
    assert.throws(() => createOptimizer('rprop', [p3()], { etas: [1.5, 1.2] }), /etas must satisfy 0 < etaminus < 1 < etaplus/);
    assert.throws(() => createOptimizer('sgd', [{ params: [p3()] }, { params: [p3()], nesterov: true }]), /parameter group 1.*nesterov/);
  });
  test('bad parameter lists', () => {
    assert.throws(() => createOptimizer('sgd', []), /empty parameter list/);
    const p = p3();
    assert.throws(() => createOptimizer('sgd', [{ params: [p] }, { params: [p] }]), /more than one parameter group/);
    assert.throws(() => createOptimizer('sgd', [p, { params: [p3()] }] as never), /not a mix/);
    assert.throws(() => createOptimizer('sgd', [{ params: [1] }] as never), /not a Tensor/);
  });
  test('loadStateDict rejects another method or other groups', () => {
    const p = p3();
    const adam = createOptimizer('adam', [p]);
    assert.throws(() => createOptimizer('sgd', [p]).loadStateDict(adam.stateDict()), /saved by optimizer 'adam', not 'sgd'/);
    assert.throws(() => createOptimizer('adam', [{ params: [p] }, { params: [p3()] }]).loadStateDict(adam.stateDict()), /1 parameter groups, this optimizer has 2/);
    assert.throws(() => adam.loadStateDict({ tensors: {}, config: 3 }), /not an optimizer state dict/);
  });
  test('schedules', () => {
    // @ts-expect-error not a schedule's name: the error under test is the one at run time
    assert.throws(() => createSchedule('cosinus', {}), /unknown schedule 'cosinus'; available: constant, cosine/);
    // @ts-expect-error tMax is required: the error under test is the one at run time
    assert.throws(() => createSchedule('cosine', {}), /option 'tMax' is required/);
    // @ts-expect-error not an option of step: the error under test is the one at run time
    assert.throws(() => createSchedule('step', { stepSize: 2, gama: 0.1 }), /unknown option 'gama'; valid options: stepSize, gamma/);
    assert.throws(() => createSchedule('multistep', { milestones: [5, 2] }), /milestones must be increasing/);
    const opt = createOptimizer('adam', [p3()]);
    assert.throws(() => createSchedule('cyclic', { baseLr: 0.1, maxLr: 1 }).attach(createOptimizer('adagrad', [p3()])), /cycleMomentum needs an optimizer with a 'momentum' or 'betas'/);
    assert.throws(() => createSchedule('plateau').attach(opt).step(), /needs the monitored metric/);
  });
});

describe('optimizer behaviour', () => {
  test('parameter groups keep their own options; parameters without gradients are skipped', () => {
    const a = p3();
    const b = p3();
    const c = p3();
    const opt = new SGD([{ params: [a] }, { params: [b, c], lr: 1 }], { lr: 0.1 });
    a.grad = tensor([1, 1, 1]);
    b.grad = tensor([1, 1, 1]);
    opt.step();
    assert.deepEqual(Array.from(a.data), [0.9, 1.9, 2.9].map(Math.fround));
    assert.deepEqual(Array.from(b.data), [0, 1, 2]);
    assert.deepEqual(Array.from(c.data), [1, 2, 3]);
    assert.equal(opt.state.has(c), false);
    opt.zeroGrad();
    assert.equal(a.grad, null);
  });

  test('step(closure) evaluates the closure first and returns its loss', () => {
    const p = tensor([3], { requiresGrad: true });
    const opt = createOptimizer('sgd', [p], { lr: 0.25 });
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = p.square().sum();
      l.backward();
      return l;
    });
    assert.equal(loss, 9);
    assert.deepEqual(Array.from(p.data), [1.5]);
  });

  test('the fused float32 Adam path equals the transform chain', () => {
    const grads = [[0.1, -0.5, 2], [0.3, 0.2, -1], [-0.2, 0.4, 0.1]];
    for (const decoupled of [false, true]) {
      const a = p3();
      const b = p3();
      const opts = { lr: 0.01, weightDecay: 0.1, maximize: true };
      const fused = createOptimizer(decoupled ? 'adamw' : 'adam', [a], opts);
      const plain = new TransformOptimizer('plain', [b], { ...opts, betas: [0.9, 0.999], eps: 1e-8 }, chain(
        flipSign(),
        decoupled ? { name: 'none', init: () => ({}), update() {} } : { name: 'wd', init: () => ({}), update(u, _s, p) { for (let i = 0; i < u.length; i++) u[i] += 0.1 * p[i]; } },
        scaleByAdam(),
        scaleByLr(),
        decoupled ? { name: 'dwd', init: () => ({}), update(u, _s, p) { for (let i = 0; i < u.length; i++) u[i] -= 0.01 * 0.1 * p[i]; } } : { name: 'none2', init: () => ({}), update() {} },
      ));
      for (const g of grads) {
        a.grad = tensor(g);
        b.grad = tensor(g);
        fused.step();
        plain.step();
        Array.from(a.data).forEach((x, i) => assert.ok(Math.abs(x - b.data[i]) < 1e-6, `${decoupled ? 'adamw' : 'adam'}: ${x} vs ${b.data[i]}`));
      }
    }
  });

  test('float64 parameters keep float64 state', () => {
    const p = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const opt = new Adam([p], { lr: 0.1 });
    p.grad = tensor([0.5, -0.5], { dtype: 'float64' });
    opt.step();
    assert.ok(opt.state.get(p)!.expAvg instanceof Float64Array);
  });

  test('a custom chain with clipping', () => {
    const p = tensor([0, 0], { requiresGrad: true });
    const opt = new TransformOptimizer('clipped-sgd', [p], { lr: 1 }, chain(clipByValue(0.5), scaleByLr()));
    p.grad = tensor([2, -0.25]);
    opt.step();
    assert.deepEqual(Array.from(p.data), [-0.5, 0.25]);
  });

  test('addParamGroup after construction', () => {
    const opt = createOptimizer('adam', [p3()]);
    opt.addParamGroup({ params: [p3()], lr: 0.5 });
    assert.equal(opt.paramGroups.length, 2);
    assert.equal((opt.paramGroups[1] as unknown as { lr: number }).lr, 0.5);
    assert.deepEqual((opt.paramGroups[1] as unknown as { betas: number[] }).betas, [0.9, 0.999]);
  });
});

describe('schedules beyond PyTorch', () => {
  test('listSchedules and describeSchedule', () => {
    assert.deepEqual(listSchedules(), ['constant', 'cosine', 'cyclic', 'exponential', 'invsqrt', 'linear', 'multistep', 'onecycle', 'plateau', 'polynomial', 'sgdr', 'step', 'warmup']);
    for (const n of listSchedules()) assert.ok(describeSchedule(n).doc.length > 5);
    assert.equal(describeSchedule('CosineAnnealingLR').name, 'cosine');
  });
  test('linear warmup in front of cosine', () => {
    const s = createSchedule('warmup', { warmupSteps: 4, startFactor: 0.2, schedule: 'cosine', scheduleOptions: { tMax: 10 } });
    const base = 0.5;
    const expected = (t: number) => (t < 4 ? base * (0.2 + (0.8 * t) / 4) : (base * (1 + Math.cos((Math.PI * (t - 4)) / 10))) / 2);
    for (let t = 0; t < 20; t++) assert.ok(Math.abs(s.lrAt(t, base) - expected(t)) < 1e-15, `t = ${t}`);
    const w = linearWarmup(createSchedule('step', { stepSize: 2 }), { warmupSteps: 3 });
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((t) => w.lrAt(t, 1)), [0, 1 / 3, 2 / 3, 1, 1, 0.1].map((x, i) => (i === 5 ? 1 * 0.1 : x)));
  });
  test('inverse square root', () => {
    const s = createSchedule('invsqrt', { timescale: 4 });
    assert.deepEqual([0, 4, 12].map((t) => s.lrAt(t, 2)), [2, 2 / Math.SQRT2, 1]);
  });
  test('attach sets lrAt(0) and step() advances; a function of the step on its own', () => {
    const p = p3();
    const opt = createOptimizer('sgd', [p], { lr: 1 });
    const sched = createSchedule('exponential', { gamma: 0.5 }).attach(opt);
    assert.deepEqual(sched.getLastLr(), [1]);
    sched.step();
    sched.step();
    assert.deepEqual(sched.getLastLr(), [0.25]);
  });
  test('lambda and sequential schedules give PyTorch LambdaLR / SequentialLR learning rates', () => {
    // From torch 1.13: SGD(lr=0.5) with LambdaLR(lambda e: 0.9**e + 0.01*e), and with
    // SequentialLR([LinearLR(start_factor=0.1, total_iters=3), CosineAnnealingLR(T_max=4)], milestones=[3]).
    const lrs = (sched: { getLastLr(): number[]; step(): void }, n: number): number[] =>
      Array.from({ length: n }, (_, i) => (i > 0 && sched.step(), sched.getLastLr()[0]));
    const lambda = new LambdaSchedule((t) => 0.9 ** t + 0.01 * t).attach(createOptimizer('sgd', [p3()], { lr: 0.5 }));
    const want = [0.5, 0.455, 0.415, 0.3795, 0.34805, 0.320245, 0.2957205, 0.27414845];
    lrs(lambda, 8).forEach((lr, i) => assert.ok(Math.abs(lr - want[i]) < 1e-12, `lambda step ${i}: ${lr} vs ${want[i]}`));
    const seq = new SequentialSchedule([createSchedule('linear', { startFactor: 0.1, totalIters: 3 }), createSchedule('cosine', { tMax: 4 })], [3])
      .attach(createOptimizer('sgd', [p3()], { lr: 0.5 }));
    const wantSeq = [0.05, 0.2, 0.35, 0.5, 0.42677669529663687, 0.25, 0.07322330470336313, 0, 0.0732233047033631, 0.25];
    lrs(seq, 10).forEach((lr, i) => assert.ok(Math.abs(lr - wantSeq[i]) < 1e-12, `sequential step ${i}: ${lr} vs ${wantSeq[i]}`));
    assert.throws(() => new SequentialSchedule([createSchedule('linear')], [3]), /one milestone fewer than schedules/);
    assert.throws(() => new SequentialSchedule([createSchedule('linear'), createSchedule('linear')], [0]), /increasing positive integers/);
    assert.throws(() => new LambdaSchedule(() => Number.NaN).lrAt(2, 1), /gave NaN at step 2/);
  });
});

describe('clipping helpers', () => {
  test('per-parameter norm clipping', () => {
    const a = tensor([0, 0], { requiresGrad: true });
    const b = tensor([0], { requiresGrad: true });
    a.grad = tensor([3, 4]);
    b.grad = tensor([0.5]);
    const norms = clipGradNormPerParam([a, b], 1);
    assert.deepEqual(norms, [5, 0.5]);
    assert.ok(Math.abs(a.grad.data[0] - 0.6) < 1e-6 && Math.abs(a.grad.data[1] - 0.8) < 1e-6);
    assert.equal(b.grad.data[0], 0.5);
  });
  test('adaptive gradient clipping (Brock et al. 2021), unit-wise by output row', () => {
    const w = tensor([[3, 4], [0, 0.0001]], { dtype: 'float64', requiresGrad: true });
    w.grad = tensor([[1, 0], [6, 8]], { dtype: 'float64' });
    adaptiveGradClip([w], 0.1, 1e-3);
    // row 0: ‖W‖ = 5, max = 0.5, ‖G‖ = 1 > 0.5 → scaled to 0.5; row 1: ‖W‖ ≈ 1e-4 → max(·, 1e-3)·0.1 = 1e-4, ‖G‖ = 10.
    const g = Array.from(w.grad!.data);
    assert.ok(Math.abs(g[0] - 0.5) < 1e-12 && g[1] === 0);
    assert.ok(Math.abs(g[2] - 6e-5) < 1e-15 && Math.abs(g[3] - 8e-5) < 1e-15);
    const v = tensor([1, 1], { dtype: 'float64', requiresGrad: true });
    v.grad = tensor([0.01, 0], { dtype: 'float64' });
    adaptiveGradClip([v], 0.1);
    assert.deepEqual(Array.from(v.grad!.data), [0.01, 0], 'small gradients are left alone');
  });
  test('clipGradNorm reports non-finite norms when asked', async () => {
    const { clipGradNorm } = await import('../../src/optim/index.js');
    const a = tensor([0, 0], { requiresGrad: true });
    a.grad = tensor([Number.NaN, 1]);
    assert.throws(() => clipGradNorm([a], 1, { errorIfNonfinite: true }), /non-finite gradient/);
  });
});
