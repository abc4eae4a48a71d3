import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';

const root = mkdtempSync(join(tmpdir(), 'descent-cli-'));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s), progress: (s) => (err += s) });
  return { code, out, err };
}

test('help on every command', async () => {
  const top = await cli('--help');
  assert.equal(top.code, 0);
  for (const c of ['compare', 'trace', 'reproduce', 'report', 'runs', 'info', 'list']) assert.match(top.out, new RegExp(`\\b${c}\\b`));
  for (const c of ['compare', 'trace', 'reproduce', 'report', 'info', 'list']) {
    const r = await cli(c, '--help');
    assert.equal(r.code, 0, c);
    assert.match(r.out, /Usage: descent/);
  }
  assert.match((await cli('trace', '--help')).out, /--set <key=value>/);
  assert.match((await cli('runs', 'show', '--help')).out, /--trial/);
});

test('unknown options, commands and bad values fail with a clear message and no stack trace', async () => {
  for (const argv of [['--bogus'], ['trace', 'rosenbrock', '--bogus'], ['frobnicate'], ['trace', 'rosenbrock', '--steps', 'ten'], ['--seeds', '0']]) {
    const r = await cli(...argv);
    assert.notEqual(r.code, 0, argv.join(' '));
    assert.match(r.err, /error/i, argv.join(' '));
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
  }
  const r = await cli('trace', 'nowhere');
  assert.equal(r.code, 1);
  assert.match(r.err, /^descent: error: unknown problem 'nowhere'/);
});

test('trace --json: problem, optimizer, options and N + 1 iterates', async () => {
  const r = await cli('trace', 'rosenbrock', '--optimizer', 'adam', '--set', 'betas=0.9,0.99', '--set', 'amsgrad=true', '--set', 'lr=0.02', '--steps', '25', '--start', '-1,1', '--json');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.problem, 'rosenbrock');
  assert.equal(j.optimizer, 'adam');
  assert.deepEqual(j.options, { betas: [0.9, 0.99], amsgrad: true, lr: 0.02 });
  assert.equal(j.iterates.length, 26);
  assert.deepEqual(j.iterates[0], [-1, 1]);
  const a = await cli('trace', 'beale', '--optimizer', 'adashift', '--set', 'phi=max', '--steps', '5', '--json');
  assert.deepEqual(JSON.parse(a.out).options.phi, 'max');
  const bad = await cli('trace', 'beale', '--optimizer', 'adam', '--set', 'lrr=1', '--json');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /unknown option 'lrr'/);
});

test('trace writes a plot over the contours', async () => {
  const stem = join(root, 'trace', 'himmel');
  const r = await cli('trace', 'himmelblau', '--optimizer', 'nesterov', '--steps', '60', '--out', stem);
  assert.equal(r.code, 0, r.err);
  for (const ext of ['svg', 'png', 'json']) assert.ok(existsSync(`${stem}.${ext}`), ext);
  assert.match(readFileSync(`${stem}.svg`, 'utf8'), /Himmelblau/);
});

test('compare runs a spec, resumes, and the store is queryable; report rebuilds the HTML', async () => {
  const spec = join(root, 'tiny.yaml');
  writeFileSync(spec, 'name: tiny\ntasks:\n  - name: rosenbrock\n    options: { steps: 30 }\noptimizers:\n  - sgd\n  - name: adam\n    grid: { lr: [0.01, 0.05] }\nseeds: 2\n');
  const out = join(root, 'runs', 'tiny');
  const first = await cli('compare', spec, '--out', out, '--quiet', '--workers', '2');
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /adam lr=0\.05/);
  assert.ok(existsSync(join(out, 'report.html')));
  assert.equal(readFileSync(join(out, 'trials.jsonl'), 'utf8').trim().split('\n').length, 6);
  const again = await cli('compare', spec, '--out', out, '--workers', '2');
  assert.equal(again.code, 0);
  assert.match(again.err, /6 of 6 trials already done/);
  assert.equal(readFileSync(join(out, 'trials.jsonl'), 'utf8').trim().split('\n').length, 6);
  const list = await cli('runs', 'list', join(root, 'runs'));
  assert.match(list.out, /tiny/);
  const show = await cli('runs', 'show', out);
  assert.match(show.out, /rosenbrock/);
  const id = show.out.split('\n').find((l) => l.includes('adam lr=0.01'))!.split(/\s+/)[0];
  const one = await cli('runs', 'show', out, '--trial', id);
  assert.equal(JSON.parse(one.out).config.method.options.lr, 0.01);
  const rep = await cli('report', out, '--out', join(root, 'rep.html'));
  assert.equal(rep.code, 0, rep.err);
  const html = readFileSync(join(root, 'rep.html'), 'utf8');
  assert.match(html, /Machine and versions/);
  assert.match(html, /descent report/);
  assert.match(html, /<svg/);
  const dry = await cli('compare', spec, '--dry-run');
  assert.match(dry.out, /valid; 6 trials/);
  const bad = join(root, 'bad.yaml');
  writeFileSync(bad, 'tasks: [rosenbrock]\noptimizers: [{name: adam, options: {betas: 0.9}}]\n');
  const b = await cli('compare', bad);
  assert.equal(b.code, 1);
  assert.match(b.err, /bad\.yaml: optimizers\[0\]\.options: .*betas/);
});

test('info and list', async () => {
  const i = await cli('info', '--json');
  const j = JSON.parse(i.out);
  assert.equal(typeof j.descent, 'string');
  assert.equal(typeof j.backendName, 'string');
  assert.ok(j.cores >= 1);
  const l = await cli('list');
  assert.match(l.out, /adashift/);
  assert.match(l.out, /adam-counterexample/);
  const r = await cli('reproduce');
  assert.match(r.out, /momentum-condition/);
  assert.equal((await cli('reproduce', 'nope')).code, 1);
});

test('the executable exits non-zero with one line for a usage error', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'trace', 'rosenbrock', '--steps', '-3'], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--steps must be a positive integer/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  const ok = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'info'], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /backend:/);
});
