// The race's pure pieces for the window and the wrappers, without a browser: the window's
// validation and URL text, a wrapper's inner optimizer in `runs=` and in the `--set` flags,
// and `descent trace` taking the same flags (dotted keys into the inner optimizer's options).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parseSetFlags, runTrace } from '../../src/lab/trace.js';
import { checkWindow, formatWindow, inWindow, parseWindow, WindowError } from '../../playground/src/views/race/plot-window.js';
import { formatRuns, parseRuns, setFlags } from '../../playground/src/views/race/run-spec.js';

test('the window: four finite bounds, min below max, within ±1e6, drawable; its URL text round-trips', () => {
  assert.deepEqual(parseWindow('-5,5,-5,5'), [-5, 5, -5, 5]);
  assert.deepEqual(parseWindow(formatWindow([-0.5, 1e-3, 2, 2.5])), [-0.5, 1e-3, 2, 2.5]);
  assert.deepEqual(checkWindow([' 1 ', '2', 3, 4]), [1, 2, 3, 4]);
  const bad: [string, RegExp][] = [
    ['1,2,3', /^window: expected 4 numbers \(x min, x max, y min, y max\), got 3$/],
    ['1,x,0,1', /^x max: expected a finite number, got 'x'$/],
    ['0,1,,1', /^y min: expected a finite number, got ''$/],
    ['0,1,0,Infinity', /^y max: expected a finite number, got 'Infinity'$/],
    ['2,1,0,1', /^x range: the min \(2\) must be less than the max \(1\)$/],
    ['0,1,1,1', /^y range: the min \(1\) must be less than the max \(1\)$/],
    ['0,1,0,2e6', /^y max: expected a number within ±1000000, got 2000000$/],
    ['1000,1000.0000000001,0,1', /^x range: \[1000, 1000.0000000001\] is too narrow to draw/],
  ];
  for (const [text, message] of bad) assert.throws(() => parseWindow(text), (e: Error) => e instanceof WindowError && message.test(e.message), text);
  assert.ok(inWindow([0, 10, -2, 2], 5, 0) && inWindow([0, 10, -2, 2], 0, 2) && !inWindow([0, 10, -2, 2], 5, 3));
});

test("a wrapper's inner optimizer and its options: dotted keys in runs= and in the --set flags", () => {
  const runs = parseRuns('lookahead(optimizer=adam,optimizerOptions.lr=0.05,optimizerOptions.betas=0.8/0.99,k=3);momentum');
  assert.deepEqual(runs, [
    { optimizer: 'lookahead', options: { optimizer: 'adam', optimizerOptions: { lr: 0.05, betas: [0.8, 0.99] }, k: 3 } },
    { optimizer: 'momentum', options: {} },
  ]);
  assert.equal(formatRuns(runs), 'lookahead(optimizer=adam,optimizerOptions.lr=0.05,optimizerOptions.betas=0.8/0.99,k=3);momentum');
  const flags = setFlags(runs[0].options);
  assert.equal(flags, ' --set optimizer=adam --set optimizerOptions.lr=0.05 --set optimizerOptions.betas=0.8,0.99 --set k=3');
  // descent trace reads those flags back to the same options.
  assert.deepEqual(parseSetFlags(flags.trim().split(/\s*--set\s+/).filter(Boolean), 'lookahead'), runs[0].options);
});

test('descent trace --set: dotted keys typed by the inner optimizer, JSON for an object option, clear errors', () => {
  assert.deepEqual(parseSetFlags(['optimizer=adam', 'optimizerOptions.betas=0.9', 'optimizerOptions.amsgrad=true'], 'swa'), { optimizer: 'adam', optimizerOptions: { betas: 0.9, amsgrad: true } });
  // Without optimizer=..., the wrapper's default inner optimizer (sgd) types the entries.
  assert.deepEqual(parseSetFlags(['optimizerOptions.momentum=0.5', 'optimizerOptions.nesterov=true'], 'lookahead'), { optimizerOptions: { momentum: 0.5, nesterov: true } });
  assert.deepEqual(parseSetFlags(['optimizerOptions={"lr":0.1}', 'optimizerOptions.momentum=0.5'], 'lookahead'), { optimizerOptions: { lr: 0.1, momentum: 0.5 } });
  assert.throws(() => parseSetFlags(['lr.x=1'], 'adam'), /--set lr.x=1: 'lr' is not an option of adam that takes an object \(it has none\)/);
  assert.throws(() => parseSetFlags(['optimizerOptions=[1]'], 'lookahead'), /'optimizerOptions' takes an object: JSON such as \{"lr":0.01\}, or one entry at a time with --set optimizerOptions.lr=0.01/);
  assert.throws(() => parseSetFlags(['k.a=1'], 'lookahead'), /'k' is not an option of lookahead that takes an object \(those are: optimizerOptions\)/);
});

test("a wrapper traces with its inner optimizer's options, and the problem's default lr goes to the inner optimizer", () => {
  const r = runTrace({ problem: 'rosenbrock', optimizer: 'lookahead', options: { optimizer: 'adam', k: 3 }, steps: 10 });
  assert.deepEqual(r.options, { optimizer: 'adam', k: 3, optimizerOptions: { lr: 0.02 } });
  const sgd = runTrace({ problem: 'rosenbrock', optimizer: 'ema', steps: 10 });
  assert.deepEqual(sgd.options, { optimizerOptions: { lr: 1e-3 } });
  const given = runTrace({ problem: 'rosenbrock', optimizer: 'swa', options: { optimizer: 'adam', optimizerOptions: { lr: 0.1 } }, steps: 5 });
  assert.deepEqual(given.options, { optimizer: 'adam', optimizerOptions: { lr: 0.1 } });
  // Lookahead with k = 1 and α = 1 is its inner optimizer.
  const plain = runTrace({ problem: 'beale', optimizer: 'adam', options: { lr: 0.05 }, steps: 30 });
  const wrapped = runTrace({ problem: 'beale', optimizer: 'lookahead', options: { optimizer: 'adam', optimizerOptions: { lr: 0.05 }, k: 1, alpha: 1 }, steps: 30 });
  assert.deepStrictEqual(wrapped.iterates, plain.iterates);
});

test("no engine pow left on the trace's path: scripts/codemods/deterministic-pow.cjs --check finds nothing to rewrite", () => {
  // A new `b ** t` or Math.pow in src/optim (or the 2D problems) would make the browser's trace
  // drift from the CLI's again; rerun the codemod (node scripts/codemods/deterministic-pow.cjs).
  const r = spawnSync(process.execPath, ['scripts/codemods/deterministic-pow.cjs', '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^0 files to change$/m);
});
