// The README's example must be the file examples/quickstart.ts, and that file must run and learn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

test('README shows examples/quickstart.ts verbatim', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const example = readFileSync(`${root}examples/quickstart.ts`, 'utf8').trim();
  assert.ok(readme.includes(example), 'README.md must contain examples/quickstart.ts exactly');
});

test('the quickstart trains: the loss after one epoch is far below chance (ln 10 = 2.30)', () => {
  const source = readFileSync(`${root}examples/quickstart.ts`, 'utf8').replace(/from 'descent'/, "from '../src/node.js'");
  const runnable = `${root}examples/.quickstart.run.ts`;
  writeFileSync(runnable, source);
  try {
    const run = spawnSync(process.execPath, ['--import', 'tsx', runnable], { encoding: 'utf8', cwd: root });
    assert.equal(run.status, 0, run.stderr);
    const loss = Number(/final batch loss ([\d.eE+-]+)/.exec(run.stdout)?.[1]);
    assert.ok(loss < 1.0, `loss ${loss}`);
  } finally {
    rmSync(runnable, { force: true });
  }
});

test('README shows examples/fit.ts verbatim, and it trains: validation accuracy rises and the best model is saved', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const example = readFileSync(`${root}examples/fit.ts`, 'utf8').trim();
  assert.ok(readme.includes(example), 'README.md must contain examples/fit.ts exactly');
  const runnable = `${root}examples/.fit.run.ts`;
  writeFileSync(runnable, readFileSync(`${root}examples/fit.ts`, 'utf8').replace(/from 'descent'/, "from '../src/node.js'"));
  try {
    const run = spawnSync(process.execPath, ['--import', 'tsx', runnable], { encoding: 'utf8', cwd: root });
    assert.equal(run.status, 0, run.stderr);
    const perEpoch = JSON.parse(/val accuracy per epoch (\[[^\]]*\])/.exec(run.stdout)?.[1] ?? '[]') as number[];
    assert.equal(perEpoch.length, 3);
    assert.ok(perEpoch[2] > perEpoch[0] && perEpoch[0] > 0.6, `val accuracy ${perEpoch}`);
    const testAccuracy = Number(/test accuracy ([\d.]+)/.exec(run.stdout)?.[1]);
    assert.ok(testAccuracy > 0.75, `test accuracy ${testAccuracy}`);
    assert.ok(existsSync(join(root, 'best.safetensors')), 'the checkpoint callback wrote best.safetensors');
  } finally {
    rmSync(runnable, { force: true });
    rmSync(join(root, 'best.safetensors'), { force: true });
  }
});
