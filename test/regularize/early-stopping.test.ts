import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchNorm1d, Linear, Sequential } from '../../src/nn/index.js';
import { Generator } from '../../src/tensor/index.js';
import { cloneStateDict, EarlyStopping } from '../../src/regularize/index.js';
import { throwsWith } from './fixtures.js';

describe('early stopping', () => {
  it('stops after `patience` epochs without improvement (min mode) and remembers the best epoch', () => {
    const es = new EarlyStopping({ patience: 2 });
    const losses = [1.0, 0.8, 0.85, 0.7, 0.75, 0.72, 0.9];
    const stops = losses.map((v) => es.step(v));
    assert.deepEqual(stops, [false, false, false, false, false, true, true]);
    assert.equal(es.bestValue, 0.7);
    assert.equal(es.bestEpoch, 3);
    assert.equal(es.stopped, true);
  });

  it('max mode and minDelta: an improvement must beat the best by more than minDelta', () => {
    const es = new EarlyStopping({ patience: 1, mode: 'max', minDelta: 0.01 });
    assert.equal(es.step(0.5), false);
    assert.equal(es.step(0.505), true, 'a gain of 0.005 is not an improvement');
    assert.equal(es.bestValue, 0.5);
    const es2 = new EarlyStopping({ patience: 3, mode: 'max', minDelta: 0.01 });
    [0.5, 0.52, 0.525, 0.6].forEach((v) => es2.step(v));
    assert.equal(es2.bestValue, 0.6);
    assert.equal(es2.bestEpoch, 3);
    const zero = new EarlyStopping({ patience: 0 });
    assert.equal(zero.step(1), false);
    assert.equal(zero.step(1), true);
  });

  it('restores the best weights and buffers from a deep copy, unaffected by later training', () => {
    const g = new Generator(1);
    const model = new Sequential(new Linear(3, 2, { generator: g }), new BatchNorm1d(2));
    const es = new EarlyStopping({ patience: 5 });
    es.step(1.0, model);
    const best = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, Array.from(t.data)]));
    // train on: change every parameter and buffer in place
    for (const t of Object.values(model.stateDict())) t.data.forEach((_, i, d) => (d[i] += 1));
    es.step(2.0, model);
    assert.notDeepEqual(Array.from(model.stateDict()['0.weight'].data), best['0.weight']);
    assert.equal(es.restore(model), true);
    for (const [k, t] of Object.entries(model.stateDict())) assert.deepEqual(Array.from(t.data), best[k], k);
    const copy = cloneStateDict(model);
    copy['0.weight'].data[0] = 123;
    assert.notEqual(model.stateDict()['0.weight'].data[0], 123);
    assert.equal(new EarlyStopping().restore(model), false);
  });

  it('rejects bad options, naming them', () => {
    throwsWith(() => new EarlyStopping({ patience: -1 }), 'EarlyStopping', 'patience', 'non-negative integer', '-1');
    throwsWith(() => new EarlyStopping({ patience: 1.5 }), 'patience', '1.5');
    throwsWith(() => new EarlyStopping({ minDelta: -0.1 }), 'minDelta', '>= 0', '-0.1');
    throwsWith(() => new EarlyStopping({ mode: 'up' as 'max' }), 'mode', "'min', 'max'", '"up"');
  });
});
