import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createOptimizer, createSchedule, fit, History, Linear, mseLoss, Progress, ReLU, Sequential, Tensor, twoMoons,
  type Batch, type Callback, type TrainContext,
} from '../../src/index.js';
import { Generator } from '../../src/tensor/index.js';
import { throwsWith } from '../regularize/fixtures.js';

const moons = twoMoons({ n: 200, seed: 1, noise: 0.1 });
const split = (from: number, n: number) => ({ x: moons.x.narrow(0, from, n), y: moons.y.narrow(0, from, n) });
const mlp = (seed = 0) => new Sequential(new Linear(2, 16, { generator: new Generator(seed) }), new ReLU(), new Linear(16, 2, { generator: new Generator(seed + 1) }));
/** 10 examples of a linear target, batched 4 + 4 + 2. */
const tiny = { x: new Tensor(Float32Array.from({ length: 10 }, (_, i) => i / 10), [10, 1]), y: new Tensor(Float32Array.from({ length: 10 }, (_, i) => (2 * i) / 10), [10, 1]) };
const weightOf = (m: Linear): number => m.weight.data[0];

describe('fit', () => {
  it('learns a tiny seeded problem: the loss falls and the validation accuracy rises', () => {
    const run = () => {
      const model = mlp(3);
      const r = fit(model, split(0, 150), { optimizer: 'adam', optimizerOptions: { lr: 0.03 }, epochs: 15, batchSize: 16, seed: 2, validation: split(150, 50), metrics: ['accuracy'] });
      return { r, model };
    };
    const { r } = run();
    assert.equal(r.epochs, 15);
    assert.equal(r.steps, 15 * 10, '150 examples in batches of 16: 10 steps an epoch');
    assert.deepEqual(r.history.epoch, Array.from({ length: 15 }, (_, i) => i + 1));
    assert.equal(r.history.loss.length, 15);
    assert.ok(r.history.loss[14] < 0.5 * r.history.loss[0], `training loss ${r.history.loss[0]} -> ${r.history.loss[14]}`);
    assert.ok(r.history.valLoss[14] < r.history.valLoss[0]);
    assert.ok(r.history.valAccuracy[14] >= 0.94, `validation accuracy ${r.history.valAccuracy[14]}`);
    assert.equal(r.stopped, false);
    // Seeded: a second run repeats every number.
    assert.deepEqual(run().r.history, r.history);
  });

  it('calls the hooks in order with the epoch, step and batch numbers', () => {
    const events: string[] = [];
    const at = (hook: string) => (ctx: TrainContext) => events.push(`${hook} e${ctx.epoch} s${ctx.step} b${ctx.batchIndex}`);
    const spy: Callback = { onTrainBegin: at('trainBegin'), onEpochBegin: at('epochBegin'), onStepBegin: at('stepBegin'), onAfterBackward: at('afterBackward'), onStepEnd: at('stepEnd'), onEpochEnd: at('epochEnd'), onTrainEnd: at('trainEnd') };
    const model = new Linear(1, 1, { generator: new Generator(0) });
    const seen: { total: number | null; perEpoch: number | null; sizes: number[]; hasGraph: boolean[] } = { total: null, perEpoch: null, sizes: [], hasGraph: [] };
    const probe: Callback = {
      onTrainBegin: (ctx) => Object.assign(seen, { total: ctx.totalSteps, perEpoch: ctx.stepsPerEpoch }),
      onStepBegin: (ctx) => seen.sizes.push(ctx.batch!.x.shape[0]),
      onAfterBackward: (ctx) => seen.hasGraph.push(ctx.loss !== null && Number.isFinite(ctx.lossValue)),
    };
    fit(model, tiny, { optimizer: 'sgd', optimizerOptions: { lr: 0.1 }, epochs: 2, batchSize: 4, shuffle: false, loss: mseLoss, callbacks: [spy, probe] });
    const epoch = (e: number, s0: number) => [0, 1, 2].flatMap((b) => [`stepBegin e${e} s${s0 + b} b${b}`, `afterBackward e${e} s${s0 + b} b${b}`, `stepEnd e${e} s${s0 + b + 1} b${b}`]);
    assert.deepEqual(events, [
      'trainBegin e0 s0 b0',
      'epochBegin e1 s0 b0', ...epoch(1, 0), 'epochEnd e1 s3 b2',
      'epochBegin e2 s3 b2', ...epoch(2, 3), 'epochEnd e2 s6 b2',
      'trainEnd e2 s6 b2',
    ]);
    assert.deepEqual(seen, { total: 6, perEpoch: 3, sizes: [4, 4, 2, 4, 4, 2], hasGraph: [true, true, true, true, true, true] });
  });

  it('the epoch loss is the mean over the examples of the steps, and callbacks add metrics to the history', () => {
    const model = new Linear(1, 1, { generator: new Generator(0) });
    const losses: { value: number; n: number }[] = [];
    const cb: Callback = {
      onStepEnd: (ctx) => losses.push({ value: ctx.lossValue, n: ctx.batch!.x.shape[0] }),
      onEpochEnd: (ctx) => {
        if (ctx.epoch === 2) ctx.metrics.late = 7;
      },
    };
    const r = fit(model, tiny, { optimizer: 'sgd', optimizerOptions: { lr: 0.1 }, epochs: 2, batchSize: 4, shuffle: false, loss: mseLoss, callbacks: [cb] });
    const mean = (ls: typeof losses) => ls.reduce((s, l) => s + l.value * l.n, 0) / 10;
    assert.deepEqual(r.history.loss, [mean(losses.slice(0, 3)), mean(losses.slice(3))]);
    assert.deepEqual(r.history.late, [NaN, 7], 'a metric first seen late is padded with NaN');
  });

  it('stops when a callback asks: after that step, with the epoch end and the train end still run', () => {
    const ends: number[] = [];
    let trainEnded = false;
    const stopper: Callback = {
      onStepEnd: (ctx) => {
        if (ctx.step === 4) ctx.stop('enough');
      },
      onEpochEnd: (ctx) => ends.push(ctx.epoch),
      onTrainEnd: () => (trainEnded = true),
    };
    const r = fit(new Linear(1, 1, { generator: new Generator(0) }), tiny, { optimizer: 'sgd', epochs: 5, batchSize: 4, loss: mseLoss, callbacks: [stopper] });
    assert.deepEqual({ epochs: r.epochs, steps: r.steps, stopped: r.stopped, stopReason: r.stopReason }, { epochs: 2, steps: 4, stopped: true, stopReason: 'enough' });
    assert.deepEqual(ends, [1, 2]);
    assert.equal(trainEnded, true);
    assert.deepEqual(r.history.epoch, [1, 2]);
  });

  it('maxSteps cuts an endless batch source without drawing a batch past the last step', () => {
    let drawn = 0;
    function* endless(): IterableIterator<Batch> {
      for (;;) {
        drawn++;
        yield tiny;
      }
    }
    const ticks: number[] = [];
    const r = fit(new Linear(1, 1, { generator: new Generator(0) }), endless(), {
      optimizer: 'sgd', maxSteps: 7, loss: mseLoss,
      callbacks: [new Progress((f) => ticks.push(f), { updates: Infinity })],
    });
    assert.deepEqual({ epochs: r.epochs, steps: r.steps, drawn, stopped: r.stopped }, { epochs: 1, steps: 7, drawn: 7, stopped: false });
    assert.deepEqual(ticks, [1, 2, 3, 4, 5, 6, 7].map((s) => s / 7), 'the total is maxSteps');
  });

  it('Progress reports about `updates` times with the fraction and status', () => {
    const reports: string[] = [];
    fit(new Linear(1, 1, { generator: new Generator(0) }), tiny, {
      optimizer: 'sgd', epochs: 4, batchSize: 2, loss: mseLoss,
      callbacks: [new Progress((f, s) => reports.push(`${f} ${s}`), { updates: 4 })],
    });
    assert.deepEqual(reports, ['0.25 epoch 1/4', '0.5 epoch 2/4', '0.75 epoch 3/4', '1 epoch 4/4'], '20 steps, a report every 5th');
  });

  it('a non-finite loss throws by default; with nonFinite "stop" the step is not taken and the run says it diverged', () => {
    const model = new Linear(1, 1, { generator: new Generator(0) });
    const bad = { x: tiny.x, y: new Tensor(Float32Array.from({ length: 10 }, () => NaN), [10, 1]) };
    throwsWith(() => fit(model, bad, { optimizer: 'sgd', batchSize: 5, loss: mseLoss }), 'fit: the loss diverged (NaN) at epoch 1');
    const before = weightOf(model);
    const r = fit(model, bad, { optimizer: 'sgd', epochs: 3, batchSize: 5, loss: mseLoss, nonFinite: 'stop' });
    assert.deepEqual({ diverged: r.diverged, steps: r.steps, epochs: r.epochs, stopReason: r.stopReason }, { diverged: true, steps: 0, epochs: 1, stopReason: 'diverged' });
    assert.equal(weightOf(model), before, 'no optimizer step on the diverged batch');
    assert.deepEqual(r.history.loss, [NaN]);
  });

  it('a custom trainStep gives the loss; a built optimizer and a per-step schedule are used as given', () => {
    const model = new Linear(1, 1, { generator: new Generator(0) });
    const opt = createOptimizer('sgd', model.parameters(), { lr: 0.1 });
    const lrs: number[] = [];
    let calls = 0;
    const r = fit(model, tiny, {
      optimizer: opt, epochs: 1, batchSize: 5,
      schedule: createSchedule('step', { stepSize: 1, gamma: 0.5 }),
      trainStep: (batch, ctx) => {
        calls++;
        assert.equal(ctx.optimizer, opt);
        return mseLoss(ctx.model.forward(batch.x), batch.y);
      },
      callbacks: [{ onStepEnd: (ctx) => lrs.push((ctx.optimizer.paramGroups[0] as { lr?: number }).lr!) }],
    });
    assert.equal(calls, 2);
    assert.equal(r.optimizer, opt);
    assert.deepEqual(lrs, [0.05, 0.025], 'the schedule steps after every optimizer step');
  });

  it('a per-epoch schedule steps at epoch ends; reduce-on-plateau steps on the monitored metric', () => {
    const model = new Linear(1, 1, { generator: new Generator(0) });
    const lrs: number[] = [];
    const lrOf = (ctx: TrainContext) => (ctx.optimizer.paramGroups[0] as { lr?: number }).lr!;
    fit(model, tiny, {
      optimizer: 'sgd', optimizerOptions: { lr: 0.1 }, epochs: 3, batchSize: 5, loss: mseLoss,
      schedule: createSchedule('step', { stepSize: 1, gamma: 0.5 }), scheduleInterval: 'epoch',
      callbacks: [{ onEpochBegin: (ctx) => lrs.push(lrOf(ctx)) }],
    });
    assert.deepEqual(lrs, [0.1, 0.05, 0.025]);
    const plateauLrs: number[] = [];
    const flat: Callback = { onEpochBegin: (ctx) => plateauLrs.push(lrOf(ctx)), onEpochEnd: (ctx) => (ctx.metrics.score = 1) };
    fit(model, tiny, {
      optimizer: 'sgd', optimizerOptions: { lr: 0.1 }, epochs: 4, batchSize: 5, loss: mseLoss,
      schedule: createSchedule('plateau', { patience: 1, factor: 0.5 }), scheduleMonitor: 'score', callbacks: [flat],
    });
    assert.deepEqual(plateauLrs, [0.1, 0.1, 0.1, 0.05], 'a flat score: halved after two epochs without improvement');
    throwsWith(() => fit(model, tiny, { optimizer: 'sgd', loss: mseLoss, schedule: createSchedule('plateau') }), 'fit: reduce-on-plateau needs scheduleMonitor');
  });

  it('refuses unknown options, naming the valid ones, and options that do not apply', () => {
    const model = new Linear(1, 1);
    throwsWith(() => fit(model, tiny, { optimizer: 'sgd', epoch: 3 } as never), "fit: unknown option 'epoch'", "'epochs'", "'callbacks'", "'maxSteps'");
    throwsWith(() => fit(model, tiny, { optimizer: 'sgd', epochs: 0 }), 'fit: epochs must be a positive integer, got 0');
    throwsWith(() => fit(model, tiny, { optimizer: 'sgd', nonFinite: 'skip' as never }), 'fit: nonFinite', "'throw', 'stop', 'ignore'");
    throwsWith(() => fit(model, [tiny], { optimizer: 'sgd', batchSize: 4 }), "fit: 'batchSize' only apply when data is a dataset");
    throwsWith(() => fit(model, tiny, { optimizer: 'sgd', metrics: ['accuracy'] }), 'fit: metrics are computed on validation data');
    throwsWith(() => fit(model, tiny, { optimizer: 'sgd', validation: tiny, metrics: ['f1' as never] }), "fit: unknown metric 'f1'", "'accuracy'");
    throwsWith(() => fit(model, tiny, { optimizer: 'sgd', callbacks: {} as never }), 'fit: callbacks must be an array');
    throwsWith(() => fit(model, tiny, { optimizer: createOptimizer('sgd', model.parameters()), optimizerOptions: { lr: 1 } }), 'fit: optimizerOptions apply to an optimizer given by name');
  });

  it('History records each epoch and starts afresh on the next fit', () => {
    const history = new History();
    const model = new Linear(1, 1, { generator: new Generator(0) });
    fit(model, tiny, { optimizer: 'sgd', epochs: 3, batchSize: 5, loss: mseLoss, callbacks: [history] });
    assert.deepEqual(history.records.epoch, [1, 2, 3]);
    fit(model, tiny, { optimizer: 'sgd', epochs: 2, batchSize: 5, loss: mseLoss, callbacks: [history] });
    assert.deepEqual(history.records.epoch, [1, 2]);
    assert.equal(history.records.loss.length, 2);
  });
});
