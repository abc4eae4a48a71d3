import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSetFlags, runTrace } from '../../src/lab/index.js';

test('trace: N steps give the start plus N points; options are recorded', () => {
  const r = runTrace({ problem: 'rosenbrock', optimizer: 'adam', options: { lr: 0.05 }, steps: 40 });
  assert.equal(r.problem, 'rosenbrock');
  assert.equal(r.iterates.length, 41);
  assert.deepEqual(r.iterates[0], [-1.5, 2]);
  assert.deepEqual(r.options, { lr: 0.05 });
  assert.ok(r.values[40] < r.values[0]);
  const q = runTrace({ problem: 'quadratic', optimizer: 'momentum', steps: 200, start: [3, 1] });
  assert.deepEqual(q.iterates[0], [3, 1]);
  assert.ok(Math.hypot(q.iterates[200][0], q.iterates[200][1]) < 1e-3, 'momentum converges on the quadratic');
  assert.ok('lr' in q.options, 'the default learning rate is reported');
});

test('trace: the online counterexample traces θ, one number per point', () => {
  const r = runTrace({ problem: 'online-stochastic', optimizer: 'adam', options: { betas: [0, 0.999] }, steps: 1000, seed: 2 });
  assert.equal(r.iterates.length, 1001);
  assert.equal(r.iterates[0].length, 1);
  assert.ok(r.iterates.every((p) => p[0] >= -1 && p[0] <= 1));
  assert.throws(() => runTrace({ problem: 'online-stochastic', optimizer: 'adam', start: [0, 1] }), /one-dimensional/);
  assert.throws(() => runTrace({ problem: 'nowhere', optimizer: 'adam' }), /unknown problem 'nowhere'; available: rosenbrock/);
  assert.throws(() => runTrace({ problem: 'beale', optimizer: 'adan' }), /unknown optimizer 'adan'/);
});

test('--set values: lists, flags, numbers and text', () => {
  assert.deepEqual(parseSetFlags(['betas=0.9,0.99', 'amsgrad=true', 'lr=1e-3'], 'adam'), { betas: [0.9, 0.99], amsgrad: true, lr: 0.001 });
  assert.deepEqual(parseSetFlags(['phi=max', 'keepNum=3'], 'adashift'), { phi: 'max', keepNum: 3 });
  assert.throws(() => parseSetFlags(['lr'], 'adam'), /expected key=value/);
  assert.throws(() => parseSetFlags(['betas=0.9,x'], 'adam'), /comma-separated numbers/);
});
