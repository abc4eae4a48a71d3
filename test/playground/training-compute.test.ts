// The playground training view's compute modules, in Node: the built-in subset decoded from its
// bytes, a few live-training steps lowering the loss (MLP and CNN, with regularizers), the
// confusion matrix, CSV and image datasets (bad input named), URL state and the lab's records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { decodeSubset, imagesDataset, parseCsv, userData, DatasetError } from '../../playground/src/views/training/datasets.js';
import { confusionMatrix, LiveRun, type ClassificationData } from '../../playground/src/views/training/run.js';
import { compareSpec, DEFAULT_STATE, parseState, runSpecs, serializeState, trialConfig, trialIdOf, trialRecord } from '../../playground/src/views/training/state.js';
import { trialId } from '../../src/lab/trial.js';
import { expandSpec } from '../../src/lab/spec.js';

const file = (name: string): Uint8Array => new Uint8Array(readFileSync(`data/fashion-mnist-subset/${name}`));
const subset = await decodeSubset(
  { trainImages: file('train-images-idx3-ubyte.gz'), trainLabels: file('train-labels-idx1-ubyte.gz'), testImages: file('t10k-images-idx3-ubyte.gz'), testLabels: file('t10k-labels-idx1-ubyte.gz') },
  async (b) => new Uint8Array(gunzipSync(b)),
  600,
);
const small: ClassificationData = { ...subset, test: { x: subset.test.x, y: subset.test.y } };

test('the built-in subset decodes from its gzip bytes: 600 train images [N, 1, 28, 28], 1,000 test, ten named classes', () => {
  assert.deepEqual(subset.train.x.shape, [600, 1, 28, 28]);
  assert.deepEqual(subset.test.x.shape, [1000, 1, 28, 28]);
  assert.equal(subset.classes.length, 10);
  assert.equal(subset.classes[9], 'Ankle boot');
});

test('a few MLP steps with Adam, dropout, weight decay and label smoothing lower the training loss', () => {
  const [spec] = runSpecs({ ...DEFAULT_STATE, runs: [{ optimizer: 'adam', lr: 1e-3 }], dropout: 0.2, weightDecay: 1e-4, labelSmoothing: 0.1 });
  const run = new LiveRun(spec, small);
  const before = run.curve[0].trainLoss;
  assert.ok(Math.abs(before - Math.log(10)) < 0.3, `an untrained model's loss is near ln 10, got ${before}`);
  assert.equal(run.advance(30, 10), 30);
  assert.equal(run.step, 30);
  assert.equal(run.curve.length, 4);
  const after = run.curve[run.curve.length - 1].trainLoss;
  assert.ok(after < before - 0.5, `loss ${before} -> ${after}`);
  assert.ok(run.curve[run.curve.length - 1].testAccuracy > 0.5);
});

test('the CNN with augmentation (crop, flip) trains on images and refuses a CSV\'s flat inputs', () => {
  const [spec] = runSpecs({ ...DEFAULT_STATE, arch: 'cnn', runs: [{ optimizer: 'adam', lr: 3e-3 }], crop: 2, flip: true });
  const run = new LiveRun(spec, small);
  const before = run.curve[0].trainLoss;
  run.advance(20, 20);
  assert.ok(run.curve[1].trainLoss < before - 0.2, `loss ${before} -> ${run.curve[1].trainLoss}`);
  const flat = userData(parseCsv('a,b,label\n0,1,x\n1,0,y\n0,1,x\n1,0,y\n0,1,x\n1,0,y\n0,1,x\n1,0,y\n0,1,x\n1,0,y\n'));
  assert.throws(() => new LiveRun(spec, flat), /the CNN needs images \[N, C, H, W\].*shape \[\d+,2\]/);
});

test('early stopping ends a run on the held-out tenth, says so, and restores the best epoch\'s weights', () => {
  const [spec] = runSpecs({ ...DEFAULT_STATE, runs: [{ optimizer: 'sgd', lr: 0.5 }], epochs: 50, patience: 1, batchSize: 100 });
  const run = new LiveRun(spec, small);
  run.advance(50 * 6, 1000);
  assert.equal(run.finished, 'early stopping');
  assert.ok(run.epoch < 50);
  const epochEnds = run.curve.slice(1).map((p) => p.valLoss);
  const best = Math.min(...epochEnds);
  assert.ok(epochEnds[epochEnds.length - 1] > best, 'the last epoch was worse than the best');
  assert.ok(Math.abs(run.evaluate().valLoss - best) < 1e-4, 'the best weights are back');
});

test('the confusion matrix counts (true, predicted) pairs, rows by true class', () => {
  assert.deepEqual(confusionMatrix([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], 3), [1, 1, 0, 0, 1, 0, 1, 0, 1]);
});

test('a CSV with a label column parses to features scaled to [0, 1] and sorted classes', () => {
  const d = parseCsv('x1,label,x2\n1,cat,10\n3,dog,20\n2,cat,30\n');
  assert.deepEqual(d.x.shape, [3, 2]);
  assert.deepEqual(Array.from(d.x.data), [0, 0, 1, 0.5, 0.5, 1]);
  assert.deepEqual(Array.from(d.y.data), [0, 1, 0]);
  assert.deepEqual(d.classes, ['cat', 'dog']);
  // No header: the last column is the label; numeric labels sort numerically.
  assert.deepEqual(parseCsv('0,10\n1,2\n2,10\n').classes, ['2', '10']);
});

test('bad CSVs are errors naming the line, the column and what was expected', () => {
  assert.throws(() => parseCsv('a,b\n1,x\n2', 'my.csv'), (e: Error) => e instanceof DatasetError && /my\.csv: line 3 has 1 columns, expected 2/.test(e.message));
  assert.throws(() => parseCsv('a,b,label\n1,2,x\n1,oops,y\n', 'my.csv'), /my\.csv: line 3, column 2 is "oops", expected a number/);
  assert.throws(() => parseCsv('a,label\n1,x\n2,x\n'), /at least 2 classes.*"x"/);
  assert.throws(() => parseCsv('justone\n1\n'), /at least 2 columns/);
  assert.throws(() => parseCsv(''), /found 0 non-empty line/);
});

test('images in a folder per class stack into [N, 1, S, S]; a wrong size is named', () => {
  const im = (c: string, v: number) => ({ className: c, pixels: new Float32Array(4).fill(v) });
  const d = imagesDataset([im('shoe', 1), im('bag', 0), im('shoe', 0.5)], 2);
  assert.deepEqual(d.x.shape, [3, 1, 2, 2]);
  assert.deepEqual(d.classes, ['bag', 'shoe']);
  assert.deepEqual(Array.from(d.y.data), [1, 0, 1]);
  assert.throws(() => imagesDataset([im('a', 0), { className: 'b', pixels: new Float32Array(3) }], 2), /image 1 of "b" has 3 pixels, expected 4 \(2x2\)/);
  assert.throws(() => imagesDataset([im('a', 0), im('a', 1)], 2), /a folder per class/);
});

test('the URL state round-trips, and invalid keys fall back to their defaults', () => {
  const s = { ...DEFAULT_STATE, arch: 'cnn' as const, runs: [{ optimizer: 'amsgrad', lr: 0.002 }, { optimizer: 'adashift', lr: 0.01 }], hidden: [64, 32], dropout: 0.3, flip: true, patience: 3 };
  assert.deepEqual(parseState(serializeState(s)), s);
  const bad = parseState({ bs: '-3', dropout: '1.5', hidden: '64-x', runs: 'adam:-1' });
  assert.equal(bad.batchSize, DEFAULT_STATE.batchSize);
  assert.equal(bad.dropout, DEFAULT_STATE.dropout);
  assert.deepEqual(bad.hidden, DEFAULT_STATE.hidden);
  assert.deepEqual(bad.runs, DEFAULT_STATE.runs);
});

test('the compare spec is valid for the lab, and a record carries the lab\'s own trial id', async () => {
  const s = { ...DEFAULT_STATE, dropout: 0.5, patience: 2 };
  const trials = expandSpec(compareSpec(s) as never, 'playground');
  assert.equal(trials.length, 2);
  assert.equal(trials[0].task, 'regularize-fmnist');
  assert.deepEqual((trials[0].taskOptions as { regularization: unknown }).regularization, { dropout: 0.5, earlyStopping: { patience: 2 } });
  assert.equal(await trialIdOf(trialConfig(s, s.runs[1])), trialId(trials[1]));
  const record = trialRecord(s, s.runs[1], { curve: [], batchLoss: [], steps: 0, epochs: 0, finished: null, seconds: 0 }, 'built-in', 'abc');
  assert.equal(record.id, 'abc');
  assert.deepEqual(record.config, trials[1]);
  assert.equal(await trialIdOf(trials[0]), trialId(trials[0]));
  assert.equal(record.type, 'trial');
});

test('the optimizer list holds the registry\'s first-order methods, not the wrappers or closure-driven ones', async () => {
  const { minibatchOptimizers } = await import('../../playground/src/views/training/run.js');
  const names = minibatchOptimizers();
  for (const n of ['sgd', 'adam', 'amsgrad', 'adashift', 'rmsprop', 'lion']) assert.ok(names.includes(n), n);
  for (const n of ['lbfgs', 'newton', 'sam', 'lookahead']) assert.ok(!names.includes(n), n);
});

test('a zip archive (deflated or stored entries) is read file by file; a non-zip is named', async () => {
  const { readZip } = await import('../../playground/src/views/training/zip.js');
  const { zipOf } = await import('./zip-fixture.js');
  const files = [
    { path: 'set/cat/a.txt', data: Buffer.from('hello cat') },
    { path: 'set/dog/b.txt', data: Buffer.from('x'.repeat(5000)) },
  ];
  for (const deflate of [true, false]) {
    const entries = await readZip(new Uint8Array(zipOf(files, deflate)));
    assert.deepEqual(entries.map((e) => e.path), ['set/cat/a.txt', 'set/dog/b.txt']);
    assert.equal(Buffer.from(entries[0].bytes).toString(), 'hello cat');
    assert.equal(entries[1].bytes.length, 5000);
  }
  await assert.rejects(readZip(new Uint8Array(100), 'x.zip'), /x\.zip: not a zip archive/);
});
