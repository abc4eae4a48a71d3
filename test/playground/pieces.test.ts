// The playground's pure pieces, without a browser: the f(x, y) parser (values, autodiff
// gradients, errors), the race's runs in the URL, and the counterexample's CLI command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { expandSpec, validateSpec } from '../../src/lab/spec.js';
import { compileGradient, compileNumeric, parseExpression } from '../../playground/src/views/race/expression.js';
import { formatRuns, parseRuns, setFlags, type RunSpec } from '../../playground/src/views/race/run-spec.js';
import { commandFor, DEFAULTS, readSettings } from '../../playground/src/views/counterexample/settings.js';

test('f(x, y): precedence, right-associative powers, functions and constants', () => {
  const f = (src: string, x = 0, y = 0): number => compileNumeric(parseExpression(src))(x, y);
  assert.equal(f('1 + 2 * 3 ^ 2'), 19);
  assert.equal(f('2 ^ 3 ^ 2'), 512);
  assert.equal(f('-x^2', 3), -9);
  assert.equal(f('x ** 2 + y', 2, 1), 5);
  assert.equal(f('sin(pi / 2) + log(e)'), 2);
  assert.equal(f('(1 - x)^2 + 100*(y - x^2)^2', 1, 1), 0);
});

test('f(x, y): the gradient comes from autodiff and matches the exact one', () => {
  const g = compileGradient(parseExpression('(1 - x)^2 + 100*(y - x^2)^2'));
  const [gx, gy] = g(-1.5, 2);
  assert.ok(Math.abs(gx - (-2 * 2.5 - 400 * -1.5 * (2 - 2.25))) < 1e-9);
  assert.ok(Math.abs(gy - 200 * (2 - 2.25)) < 1e-9);
  assert.deepEqual(compileGradient(parseExpression('3'))(1, 1), [0, 0]);
  const [sx, sy] = compileGradient(parseExpression('x * sin(y) + exp(x / 2)'))(0.5, 1);
  assert.ok(Math.abs(sx - (Math.sin(1) + 0.5 * Math.exp(0.25))) < 1e-12 && Math.abs(sy - 0.5 * Math.cos(1)) < 1e-12);
});

test('f(x, y): bad input is an error naming what and where', () => {
  assert.throws(() => parseExpression('x + sinn(y)'), /unknown name 'sinn' at position 5; names: x, y, pi, e, sin/);
  assert.throws(() => parseExpression('x + ;'), /unexpected ';' at position 5/);
  assert.throws(() => parseExpression('(x + y'), /expected '\)' at the end/);
  assert.throws(() => parseExpression(''), /empty/);
  assert.throws(() => parseExpression('x'.repeat(301)), /at most 300/);
  assert.throws(() => parseExpression('alert(1)'), /unknown name 'alert'/);
});

test('race runs in the URL: format and parse round-trip; --set flags use commas', () => {
  const runs: RunSpec[] = [{ optimizer: 'adam', options: { lr: 0.02, betas: [0.9, 0.99], amsgrad: true } }, { optimizer: 'momentum', options: {} }];
  const text = formatRuns(runs);
  assert.equal(text, 'adam(lr=0.02,betas=0.9/0.99,amsgrad=true);momentum');
  assert.deepEqual(parseRuns(text), runs);
  assert.deepEqual(parseRuns('adam(lr=0.1);;bad part(;sgd'), [{ optimizer: 'adam', options: { lr: 0.1 } }, { optimizer: 'sgd', options: {} }]);
  assert.equal(setFlags({ lr: 0.02, betas: [0.9, 0.99] }), ' --set lr=0.02 --set betas=0.9,0.99');
});

test("counterexample: settings from the URL, and a command the CLI accepts", () => {
  assert.deepEqual(readSettings({ C: '50', b2: '1.5', n: '2.5' }), { ...DEFAULTS, C: 50 });
  const one = commandFor({ ...DEFAULTS, copies: 1, steps: 500 });
  assert.equal(one.split('\n').length, 3);
  assert.match(one.split('\n')[2], /^npx descent trace online-stochastic --optimizer adashift --set lr=0\.001 --set betas=0,0\.999 --set keepNum=1 --set phi=none --set eps=1e-8 --steps 500 --seed 0 --json$/);
  const spec = commandFor({ ...DEFAULTS, C: 51 }).split('\n').filter((l) => !l.startsWith('#')).join('\n');
  const trials = expandSpec(validateSpec(parseYaml(spec), 'counterexample.yaml'), 'counterexample.yaml');
  assert.equal(trials.length, 3);
  assert.deepEqual(trials.map((t) => [t.method.optimizer, t.taskOptions.C, t.taskOptions.copies]), [['adam', 51, 32], ['amsgrad', 51, 32], ['adashift', 51, 32]]);
});
