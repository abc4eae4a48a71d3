// The README's example must be the file examples/quickstart.ts, and that file must run and learn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
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
