import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, closeSync, openSync, writeSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { LOCK_FILE } from '../../src/lab/lock.js';
import { describeFailures, errorClass, failureKinds } from '../../src/lab/failures.js';
import type { TrialRecord } from '../../src/lab/trial.js';

const root = mkdtempSync(join(tmpdir(), 'descent-crash-'));
const mounts: string[] = [];
after(() => {
  for (const m of mounts) spawnSync('umount', [m]);
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s), progress: (s) => (err += s) });
  return { code, out, err };
}

/** The executable, as a user runs it. */
function descent(args: string[], options: { input?: string } = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', ...options });
}

function tinySpec(name: string, optimizers: string): string {
  const path = join(root, `${name}.yaml`);
  writeFileSync(path, `name: ${name}\ntasks:\n  - name: rosenbrock\n    options: { steps: 10 }\noptimizers:\n${optimizers}seeds: 1\n`);
  return path;
}

/** A tmpfs at a new directory (root only); null where mounting is not allowed. */
function tmpfs(name: string, options: string): string | null {
  const dir = join(root, name);
  mkdirSync(dir);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]).status !== 0) return null;
  mounts.push(dir);
  return dir;
}

test('compare exits 3 when trials failed and prints the first error of each kind', async () => {
  // quadratic-nd with 1e10 dimensions passes the spec's checks and fails when the trial allocates.
  const spec = join(root, 'failing.yaml');
  writeFileSync(spec, 'name: failing\ntasks:\n  - name: rosenbrock\n    options: { steps: 10 }\n  - name: quadratic-nd\n    options: { dim: 10000000000 }\noptimizers: [sgd, adam]\nseeds: 1\n');
  const r = await cli('compare', spec, '--out', join(root, 'failing'), '--quiet', '--workers', '0');
  assert.equal(r.code, 3, r.err);
  assert.match(r.err, /^descent: 2 trial\(s\) failed, 1 kind\(s\) of error:\ndescent: {3}2 x .+ \(first: sgd seed 0 \(quadratic-nd\)\)\n$/);
  assert.match(r.out, /2 trial\(s\) failed/);
  assert.ok(existsSync(join(root, 'failing', 'report.html')), 'the report is still written');
  // A re-run retries the failed trials; failing again, it exits 3 again.
  assert.equal((await cli('compare', spec, '--out', join(root, 'failing'), '--quiet', '--workers', '0')).code, 3);
});

test('failures are grouped by the class of their message, most frequent first', () => {
  const rec = (error: string, seed: number) => ({ status: 'failed', error, config: { task: 't', method: { label: 'adam' }, seed } }) as unknown as TrialRecord;
  assert.equal(errorClass("adam: option 'lr' must be a number in [0, inf), got -1"), errorClass("adam: option 'lr' must be a number in [0, inf), got -2.5e-3"));
  assert.notEqual(errorClass("option 'lr' must be positive"), errorClass('no data folder'));
  const kinds = failureKinds([rec('no data folder at /x', 0), rec("bad 'lr' -1", 1), rec("bad 'lr' -2", 2), { status: 'done' } as TrialRecord]);
  assert.deepEqual(kinds.map((k) => [k.count, k.error, k.example]), [[2, "bad 'lr' -1", 'adam seed 1 (t)'], [1, 'no data folder at /x', 'adam seed 0 (t)']]);
  assert.deepEqual(describeFailures([rec('boom', 0)]), ['1 trial(s) failed, 1 kind(s) of error:', '  1 x boom (first: adam seed 0 (t))']);
});

test('a second writer is refused naming the holder; a dead holder is taken over; --break-lock breaks a foreign one', async () => {
  const spec = tinySpec('locked', '  - sgd\n');
  const out = join(root, 'locked');
  mkdirSync(out);
  const lockPath = join(out, LOCK_FILE);
  const holder = spawn('sleep', ['60']);
  try {
    writeFileSync(lockPath, JSON.stringify({ pid: holder.pid, host: hostname(), startedAt: '2026-12-01T10:00:00.000Z', command: 'descent compare locked.yaml' }));
    const refused = await cli('compare', spec, '--out', out, '--quiet', '--workers', '0');
    assert.equal(refused.code, 1);
    assert.match(refused.err, new RegExp(`in use by another descent process: pid ${holder.pid} on host ${hostname()}, since 2026-12-01T10:00:00.000Z`));
    assert.match(refused.err, /--break-lock/);
    assert.ok(!existsSync(join(out, 'trials.jsonl')), 'the refused run trained nothing');
  } finally {
    holder.kill();
  }
  await new Promise((r) => holder.once('exit', r));
  const takenOver = await cli('compare', spec, '--out', out, '--quiet', '--workers', '0');
  assert.equal(takenOver.code, 0, takenOver.err);
  assert.match(takenOver.err, new RegExp(`took over the stale lock of pid ${holder.pid} on host ${hostname()}`));
  assert.ok(!existsSync(lockPath), 'the lock is released at the end');
  // A lock from another host cannot be checked from here: refused until broken.
  writeFileSync(lockPath, JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: '2026-12-01T11:00:00.000Z', command: 'descent compare' }));
  const foreign = await cli('compare', spec, '--out', out, '--quiet', '--workers', '0', '--fresh');
  assert.equal(foreign.code, 1);
  assert.match(foreign.err, /pid 1 on host elsewhere, since 2026-12-01T11:00:00.000Z/);
  const broken = await cli('compare', spec, '--out', out, '--quiet', '--workers', '0', '--fresh', '--break-lock');
  assert.equal(broken.code, 0, broken.err);
  assert.match(broken.err, /broke the lock of .* held by pid 1 on host elsewhere/);
  assert.ok(!existsSync(lockPath));
});

test('a closed pipe ends the command quietly with status 0', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'list'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // the reader (`| head`) is gone before the first line is written
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  assert.equal(code, 0, err);
  assert.doesNotMatch(err, /EPIPE|\n\s+at /);
});

test('a read-only output directory is named as not writable', () => {
  let dir = tmpfs('readonly', 'ro,size=64k');
  if (dir === null) {
    dir = join(root, 'readonly');
    spawnSync('chmod', ['555', dir]);
  }
  const r = descent(['compare', tinySpec('ro', '  - sgd\n'), '--out', join(dir, 'runs', 'ro'), '--quiet']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`^descent: error: output directory '${join(dir, 'runs', 'ro')}' is not writable \\('${dir}' cannot be written to: (the file system is read-only \\(EROFS\\)|permission denied)`));
  assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
});

test('a full disk: the command exits 1 with one line and the previous file is intact', { skip: process.getuid?.() === 0 ? false : 'needs root to mount a tmpfs' }, () => {
  const dir = tmpfs('full', 'size=64k');
  if (dir === null) return;
  const out = join(dir, 'trace.json');
  const first = descent(['trace', 'rosenbrock', '--steps', '5', '--json', '--out', out]);
  assert.equal(first.status, 0, first.stderr);
  const before = readFileSync(out);
  const fd = openSync(join(dir, 'filler'), 'w');
  try {
    for (;;) writeSync(fd, Buffer.alloc(4096));
  } catch {
    // full
  } finally {
    closeSync(fd);
  }
  const r = descent(['trace', 'rosenbrock', '--steps', '2000', '--json', '--out', out]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `descent: error: trace: could not write '${out}': the disk is full (ENOSPC); the previous file at that path is unchanged\n`);
  assert.deepEqual(readFileSync(out), before);
});
