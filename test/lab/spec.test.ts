import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandSpec, loadSpecFile, validateSpec } from '../../src/lab/index.js';

const dir = mkdtempSync(join(tmpdir(), 'descent-spec-'));
function specFile(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('a YAML spec expands into tasks x optimizers x grid x seeds', () => {
  const p = specFile(
    'grid.yaml',
    `tasks:
  - name: rosenbrock
    options: { steps: 20 }
  - beale
optimizers:
  - sgd
  - name: adam
    grid: { lr: [0.01, 0.1], betas: [[0.9, 0.999], [0, 0.999]] }
seeds: 2
`,
  );
  const spec = loadSpecFile(p);
  assert.equal(spec.name, 'grid');
  const trials = expandSpec(spec, p);
  assert.equal(trials.length, 2 * (1 + 4) * 2);
  const labels = new Set(trials.map((t) => t.method.label));
  assert.ok(labels.has('adam lr=0.1 betas=0,0.999'), [...labels].join('; '));
  // The task's default learning rate is filled in where none is given.
  assert.equal(trials.find((t) => t.method.label === 'sgd' && t.task === 'rosenbrock')!.method.options.lr, 1e-3);
});

test('JSON specs work and seeds may be a list', () => {
  const p = specFile('s.json', JSON.stringify({ name: 'js', tasks: ['saddle'], optimizers: [{ name: 'nesterov', options: { lr: 0.01 } }], seeds: [3, 7] }));
  const trials = expandSpec(loadSpecFile(p), p);
  assert.deepEqual(trials.map((t) => t.seed), [3, 7]);
  assert.equal(trials[0].method.options.nesterov, true);
});

function rejects(text: string, pattern: RegExp, ext = 'yaml'): void {
  const p = specFile(`bad-${Math.random().toString(36).slice(2)}.${ext}`, text);
  assert.throws(() => expandSpec(loadSpecFile(p), p), (err: Error) => {
    assert.match(err.message, pattern);
    assert.ok(err.message.includes(p), `the error names the file: ${err.message}`);
    return true;
  });
}

test('malformed specs get errors naming the field', () => {
  rejects('tasks: [rosenbrock]\n', /optimizers/);
  rejects('tasks: [rosenbrock]\noptimizers: [sgd]\nsede: 3\n', /unknown field 'sede'/);
  rejects('tasks: [rosenbrock]\noptimizers: [sgd]\nseeds: -1\n', /seeds/);
  rejects('tasks: [nosuchtask]\noptimizers: [sgd]\n', /tasks\[0\]\.name: unknown task 'nosuchtask'/);
  rejects('tasks: [{name: mlp, options: {epochs: "three"}}]\noptimizers: [sgd]\n', /tasks\[0\]\.options\.epochs/);
  rejects('tasks: [{name: mlp, options: {epoch: 3}}]\noptimizers: [sgd]\n', /tasks\[0\]\.options.*epoch/);
  rejects('tasks: [rosenbrock]\noptimizers: [{name: adamm}]\n', /optimizers\[0\]\.name: unknown optimizer 'adamm'/);
  rejects('tasks: [rosenbrock]\noptimizers: [{name: adam, options: {lrr: 0.1}}]\n', /optimizers\[0\]\.options: .*lrr/);
  rejects('tasks: [rosenbrock]\noptimizers: [{name: adam, grid: {lr: [0.1, -1]}}]\n', /optimizers\[0\] \(grid lr=-1\)/);
  rejects('tasks: [rosenbrock]\noptimizers: [{name: adam, grid: {lr: 0.1}}]\n', /optimizers\[0\]\.grid\.lr/);
  rejects('tasks: [rosenbrock\noptimizers: [sgd]\n', /not valid YAML/);
  rejects('{"tasks": ["rosenbrock"], ', /not valid JSON/, 'json');
  assert.throws(() => validateSpec([1, 2], 'x.yaml'), /x\.yaml: a spec must be an object/);
  assert.throws(() => loadSpecFile(join(dir, 'missing.yaml')), /cannot read spec .*no such file/);
});
