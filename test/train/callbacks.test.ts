import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  createOptimizer, Dropout, EarlyStopping, evaluate, fit, Linear, loadCheckpoint, ModelCheckpoint, mseLoss, crossEntropy, Sequential, Tensor,
  type Callback, type Module,
} from '../../src/node.js';
import { EarlyStopping as RegularizeEarlyStopping } from '../../src/regularize/index.js';
import { Generator } from '../../src/tensor/index.js';
import { throwsWith } from '../regularize/fixtures.js';

const tiny = { x: new Tensor(Float32Array.from({ length: 10 }, (_, i) => i / 10), [10, 1]), y: new Tensor(Float32Array.from({ length: 10 }, (_, i) => (2 * i) / 10), [10, 1]) };
const snapshot = (m: Module): Record<string, number[]> => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.data)]));
/** Feeds a scripted validation loss, one value per epoch, and snapshots the weights at each epoch's end. */
const scripted = (values: number[], weights: Record<string, number[]>[]): Callback => ({
  onEpochEnd: (ctx) => {
    ctx.metrics.valLoss = values[ctx.epoch - 1];
    weights.push(snapshot(ctx.model));
  },
});

const dir = mkdtempSync(join(tmpdir(), 'descent-train-callbacks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('EarlyStopping as a fit callback', () => {
  it('stops at the epoch patience runs out and restores the best epoch’s exact weights', () => {
    const model = new Linear(1, 1, { generator: new Generator(0) });
    const weights: Record<string, number[]>[] = [];
    const stopper = new EarlyStopping({ monitor: 'valLoss', patience: 2 });
    // best at epoch 2 (0.8); epochs 3 and 4 do not improve: stop after epoch 4
    const r = fit(model, tiny, { optimizer: 'sgd', optimizerOptions: { lr: 0.1 }, epochs: 10, batchSize: 5, loss: mseLoss, callbacks: [scripted([1.0, 0.8, 0.85, 0.9, 0.1, 0.1], weights), stopper] });
    assert.deepEqual({ epochs: r.epochs, stopped: r.stopped, bestEpoch: stopper.bestEpoch, bestValue: stopper.bestValue, restored: stopper.restored }, { epochs: 4, stopped: true, bestEpoch: 1, bestValue: 0.8, restored: true });
    assert.match(r.stopReason!, /valLoss did not improve for 2 epochs/);
    assert.notDeepEqual(weights[3], weights[1], 'training moved the weights after the best epoch');
    assert.deepEqual(snapshot(model), weights[1], 'the model ends with epoch 2’s weights');
  });

  it('max mode with minDelta on a validation metric of fit; restoreBest false keeps the last weights', () => {
    const model = new Linear(1, 1, { generator: new Generator(0) });
    const weights: Record<string, number[]>[] = [];
    const stopper = new EarlyStopping({ monitor: 'valAccuracy', mode: 'max', patience: 1, minDelta: 0.05, restoreBest: false });
    const acc: Callback = { onEpochEnd: (ctx) => ((ctx.metrics.valAccuracy = [0.5, 0.53, 0.9][ctx.epoch - 1]), weights.push(snapshot(ctx.model))) };
    const r = fit(model, tiny, { optimizer: 'sgd', epochs: 3, batchSize: 5, loss: mseLoss, callbacks: [acc, stopper] });
    assert.equal(r.epochs, 2, 'a gain of 0.03 is within minDelta: stop after epoch 2');
    assert.equal(stopper.restored, false);
    assert.deepEqual(snapshot(model), weights[1]);
  });

  it('is the same class regularize exports, and a missing metric is an error naming the ones there are', () => {
    assert.equal(RegularizeEarlyStopping, EarlyStopping);
    const model = new Linear(1, 1, { generator: new Generator(0) });
    throwsWith(() => fit(model, tiny, { optimizer: 'sgd', loss: mseLoss, callbacks: [new EarlyStopping()] }), "EarlyStopping: the monitored metric 'valLoss' is not among this epoch's metrics ('loss')");
    const viaFit = new EarlyStopping({ patience: 1 });
    const r = fit(model, tiny, { optimizer: 'sgd', epochs: 3, loss: mseLoss, validation: tiny, callbacks: [viaFit] });
    assert.equal(r.history.valLoss.length, r.epochs, 'fit computed valLoss from the validation data');
    throwsWith(() => new EarlyStopping({ monitr: 'valLoss' } as never), "EarlyStopping: unknown option 'monitr'", "'monitor'");
  });
});

describe('ModelCheckpoint', () => {
  it('saves every epoch to safetensors files that load back equal (weights and optimizer state)', () => {
    const model = new Linear(1, 1, { generator: new Generator(0) });
    const opt = createOptimizer('adam', model.parameters(), { lr: 0.05 });
    const weights: Record<string, number[]>[] = [];
    const moments: number[][] = [];
    const spy: Callback = {
      onEpochEnd: (ctx) => {
        weights.push(snapshot(ctx.model));
        moments.push(Object.values(ctx.optimizer.stateDict().tensors).flatMap((t) => Array.from(t.data)));
      },
    };
    const checkpoint = new ModelCheckpoint({ path: join(dir, 'every-{epoch}.safetensors') });
    fit(model, tiny, { optimizer: opt, epochs: 3, batchSize: 5, loss: mseLoss, callbacks: [spy, checkpoint] });
    assert.deepEqual(checkpoint.saved, [1, 2, 3].map((e) => join(dir, `every-${e}.safetensors`)));
    for (let e = 0; e < 3; e++) {
      const fresh = new Linear(1, 1);
      const freshOpt = createOptimizer('adam', fresh.parameters(), { lr: 0.05 });
      const ck = loadCheckpoint(checkpoint.saved[e], { model: fresh, optimizer: freshOpt });
      assert.deepEqual(snapshot(fresh), weights[e], `epoch ${e + 1}'s weights`);
      assert.deepEqual(Object.values(freshOpt.stateDict().tensors).flatMap((t) => Array.from(t.data)), moments[e], `epoch ${e + 1}'s optimizer state`);
      assert.deepEqual({ epoch: ck.meta.epoch, step: ck.meta.step }, { epoch: String(e + 1), step: String(2 * (e + 1)) });
    }
    assert.deepEqual(readdirSync(dir).filter((f) => !f.endsWith('.safetensors')), [], 'no temporary files left behind');
  });

  it('saveBestOnly writes only improving epochs; the best file holds the best epoch', () => {
    const model = new Linear(1, 1, { generator: new Generator(0) });
    const weights: Record<string, number[]>[] = [];
    const checkpoint = new ModelCheckpoint({ path: join(dir, 'best.safetensors'), monitor: 'valLoss', saveBestOnly: true, saveOptimizer: false });
    fit(model, tiny, { optimizer: 'sgd', optimizerOptions: { lr: 0.1 }, epochs: 4, batchSize: 5, loss: mseLoss, callbacks: [scripted([0.9, 0.5, 0.7, 0.6], weights), checkpoint] });
    assert.equal(checkpoint.saved.length, 2, 'epochs 1 and 2 improved');
    assert.equal(checkpoint.bestValue, 0.5);
    const fresh = new Linear(1, 1);
    const ck = loadCheckpoint(checkpoint.bestPath!, { model: fresh });
    assert.deepEqual(snapshot(fresh), weights[1]);
    assert.deepEqual({ epoch: ck.meta.epoch, valLoss: ck.meta.valLoss, optimizer: ck.optimizer }, { epoch: '2', valLoss: '0.5', optimizer: undefined });
  });

  it('refuses bad options', () => {
    throwsWith(() => new ModelCheckpoint({ path: 'x', saveBestOnly: true }), 'ModelCheckpoint: saveBestOnly needs a monitor');
    throwsWith(() => new ModelCheckpoint({ path: 'x', every: 0 }), 'ModelCheckpoint: every must be a positive integer, got 0');
    throwsWith(() => new ModelCheckpoint({ path: 'x', montor: 'valLoss' } as never), "ModelCheckpoint: unknown option 'montor'", "'monitor'");
  });
});

describe('evaluate', () => {
  const logits = new Tensor(Float32Array.from([2, 0, 0, 1, 3, 0, 0, 0.5, 0, 1, 1, 0]), [6, 2]);
  const labels = new Tensor(Float32Array.from([0, 1, 0, 1, 0, 1]), [6]);
  const identity = new Sequential(new Linear(2, 2, { bias: false }));
  (identity.at(0) as Linear).weight.data.set([1, 0, 0, 1]);

  it('gives the mean loss and accuracy, the same in any chunking', () => {
    const whole = crossEntropy(logits, labels).item();
    const e = evaluate(identity, { x: logits, y: labels }, { metrics: ['accuracy'] });
    assert.ok(Math.abs(e.loss - whole) < 1e-6);
    // the argmax of each row is 0, 1, 0, 1, 1, 0 against labels 0, 1, 0, 1, 0, 1
    assert.equal(e.accuracy, 4 / 6);
    const chunked = evaluate(identity, { x: logits, y: labels }, { metrics: ['accuracy'], batchSize: 4 });
    assert.ok(Math.abs(chunked.loss - whole) < 1e-6);
    assert.equal(chunked.accuracy, 4 / 6);
  });

  it('restores the training mode, also when the loss throws', () => {
    const model = new Sequential(new Linear(2, 2, { generator: new Generator(0) }), new Dropout(0.5));
    let sawTraining: boolean | null = null;
    const throwing = (out: Tensor): Tensor => {
      sawTraining = model.training;
      throw new Error('loss failed');
    };
    model.train();
    assert.throws(() => evaluate(model, { x: logits, y: labels }, { loss: throwing }), /loss failed/);
    assert.equal(sawTraining, false, 'the loss ran in evaluation mode');
    assert.equal(model.training, true, 'training mode is back');
    model.eval();
    evaluate(model, { x: logits, y: labels });
    assert.equal(model.training, false, 'a model in evaluation mode stays there');
    throwsWith(() => evaluate(model, { x: logits, y: labels }, { chunk: 10 } as never), "evaluate: unknown option 'chunk'", "'batchSize'");
  });
});
