import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { appendFileDurable, FileWriteError, useFileSystemCalls, writeFileAtomic } from '../../src/io/atomic.js';
import { removeOrphanedTempFiles, tempFileOwner } from '../../src/io/temp-files.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/io/checkpoint.js';
import { RunStore } from '../../src/lab/store.js';
import type { TrialRecord } from '../../src/lab/trial.js';
import { tensor } from '../../src/tensor/index.js';

const root = fs.mkdtempSync(join(os.tmpdir(), 'descent-atomic-'));

function record(id: string, n = 10): TrialRecord {
  return {
    type: 'trial', id, status: 'done', seconds: 1, finishedAt: '2026-01-01T00:00:00.000Z', final: { loss: 0.5 },
    config: { task: 'rosenbrock', taskOptions: {}, method: { name: 'sgd', label: 'sgd', options: {} } as never, seed: 0 },
    steps: { loss: Array.from({ length: n }, (_, i) => i / 7) },
  };
}

/** A write call that writes at most `max` bytes each time (what a nearly full disk or a signal does). */
function shortWrites(max: number) {
  return (fd: number, b: Uint8Array, o: number, l: number) => fs.writeSync(fd, b, o, Math.min(l, max));
}

/** A write call that fails with `code` after `okBytes` bytes (a disk filling up midway). */
function failingAfter(okBytes: number, code = 'ENOSPC') {
  let written = 0;
  return (fd: number, b: Uint8Array, o: number, l: number) => {
    const room = okBytes - written;
    if (room <= 0) throw Object.assign(new Error(`${code}: simulated, write`), { code });
    const n = fs.writeSync(fd, b, o, Math.min(l, room));
    written += n;
    return n;
  };
}

describe('the atomic write path', () => {
  it('continues short writes: the store appends whole lines and writes whole run.json', () => {
    const dir = join(root, 'short');
    const store = new RunStore(dir);
    const restore = useFileSystemCalls({ writeSync: shortWrites(7) });
    try {
      store.open({ name: 'short', kind: 'compare', command: 'descent compare x', createdAt: 'now', machine: { cpu: 'x'.repeat(500) } });
      for (const id of ['a', 'b', 'c']) store.append(record(id, 50));
    } finally {
      restore();
    }
    assert.equal(JSON.parse(fs.readFileSync(join(dir, 'run.json'), 'utf8')).machine.cpu.length, 500);
    const lines = fs.readFileSync(store.trialsPath, 'utf8').trim().split('\n');
    assert.deepEqual(lines.map((l) => JSON.parse(l).id), ['a', 'b', 'c']);
    assert.equal(new RunStore(dir).trials()[2].steps!.loss.length, 50);
  });

  it('ENOSPC while appending leaves trials.jsonl byte for byte as it was, with one clear line', () => {
    const dir = join(root, 'append-full');
    const store = new RunStore(dir);
    store.open({ name: 'x', kind: 'compare', command: 'c', createdAt: 'now', machine: {} });
    store.append(record('a'));
    const before = fs.readFileSync(store.trialsPath);
    const restore = useFileSystemCalls({ writeSync: failingAfter(100) });
    let err: unknown;
    try {
      store.append(record('b', 200));
    } catch (e) {
      err = e;
    } finally {
      restore();
    }
    assert.ok(err instanceof FileWriteError, String(err));
    assert.equal(err.code, 'ENOSPC');
    assert.match(err.message, /trials\.jsonl.*the disk is full \(ENOSPC\).*the file is intact/);
    assert.doesNotMatch(err.message, /\n/, 'one line');
    assert.deepEqual(fs.readFileSync(store.trialsPath), before);
    store.append(record('c'));
    assert.deepEqual([...new RunStore(dir).load().keys()], ['a', 'c']);
  });

  it('ENOSPC or EIO while replacing run.json leaves the previous file and no temporary file', () => {
    const dir = join(root, 'replace-full');
    const store = new RunStore(dir);
    store.open({ name: 'x', kind: 'compare', command: 'first', createdAt: 'then', machine: {} });
    const before = fs.readFileSync(join(dir, 'run.json'));
    for (const code of ['ENOSPC', 'EIO']) {
      const restore = useFileSystemCalls({ writeSync: failingAfter(40, code) });
      try {
        assert.throws(
          () => store.open({ name: 'x', kind: 'compare', command: 'second '.repeat(100), createdAt: 'now', machine: {} }),
          (e: Error) => e instanceof FileWriteError && e.code === code && /run\.json.*previous file at that path is unchanged/.test(e.message),
        );
      } finally {
        restore();
      }
      assert.deepEqual(fs.readFileSync(join(dir, 'run.json')), before);
      assert.deepEqual(fs.readdirSync(dir).sort(), ['run.json']);
    }
  });

  it('appendFileDurable cuts a failed append back and says so', () => {
    const path = join(root, 'log.txt');
    fs.writeFileSync(path, 'one\n');
    const restore = useFileSystemCalls({ writeSync: failingAfter(3, 'EIO') });
    try {
      assert.throws(() => appendFileDurable(path, 'two two two\n', 'log'), /log: could not append to .*log\.txt.*input\/output error from the disk \(EIO\); the file is intact/);
    } finally {
      restore();
    }
    assert.equal(fs.readFileSync(path, 'utf8'), 'one\n');
  });

  it('a write call that makes no progress is an error, not an endless loop', () => {
    const restore = useFileSystemCalls({ writeSync: () => 0 });
    try {
      assert.throws(() => writeFileAtomic(join(root, 'zero.txt'), 'abc'), /ENOSPC/);
    } finally {
      restore();
    }
    assert.ok(!fs.existsSync(join(root, 'zero.txt')));
  });
});

describe('orphaned temporary files', () => {
  it('are removed on the next write or load in that directory, and nothing else is', () => {
    const dir = join(root, 'orphans');
    fs.mkdirSync(dir);
    saveCheckpoint(join(dir, 'model.ckpt'), { model: { w: tensor([1, 2]) } });
    const dead = 2 ** 22 + 12345; // above Linux's default pid_max: never a running process
    const past = new Date(Date.now() - 3600_000);
    const orphan = `.model.ckpt.${dead}.0123456789ab.tmp`;
    const legacy = `run.json.tmp-${dead}`;
    const alive = `.model.ckpt.${process.ppid}.0123456789ab.tmp`; // its writer still runs
    const fresh = `.other.ckpt.${dead}.abcdefabcdef.tmp`; // written after this process started
    const users = ['notes.tmp', '.model.ckpt.tmp', `.x.${dead}.tmp`];
    for (const name of [orphan, legacy, alive, fresh, ...users]) fs.writeFileSync(join(dir, name), 'x'.repeat(1000));
    for (const name of [orphan, legacy, alive, ...users]) fs.utimesSync(join(dir, name), past, past);
    assert.equal(tempFileOwner(orphan), dead);
    assert.equal(tempFileOwner('notes.tmp'), null);
    loadCheckpoint(join(dir, 'model.ckpt'));
    const left = fs.readdirSync(dir).sort();
    assert.deepEqual(left, [alive, fresh, 'model.ckpt', ...users].sort());
    assert.deepEqual(removeOrphanedTempFiles(dir), []);
    // The results store cleans up on load too.
    const runDir = join(root, 'orphans-run');
    fs.mkdirSync(runDir);
    fs.writeFileSync(join(runDir, legacy), '{');
    fs.utimesSync(join(runDir, legacy), past, past);
    new RunStore(runDir).load();
    assert.deepEqual(fs.readdirSync(runDir), []);
  });
});

describe('a real full disk (a 256 KiB tmpfs; needs root)', () => {
  const mnt = join(root, 'tmpfs');
  fs.mkdirSync(mnt);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]).status === 0;
  after(() => {
    if (mounted) spawnSync('umount', [mnt]);
  });
  it('keeps run.json and trials.jsonl intact and says the disk is full', { skip: mounted ? false : 'cannot mount a tmpfs here (not root?)' }, () => {
    const store = new RunStore(join(mnt, 'run'));
    store.open({ name: 'x', kind: 'compare', command: 'c', createdAt: 'then', machine: {} });
    store.append(record('a'));
    const runJson = fs.readFileSync(join(store.dir, 'run.json'));
    const trials = fs.readFileSync(store.trialsPath);
    // Fill the file system to the last byte.
    const fd = fs.openSync(join(mnt, 'filler'), 'w');
    const block = Buffer.alloc(4096, 1);
    try {
      for (;;) fs.writeSync(fd, block);
    } catch (e) {
      assert.equal((e as { code?: string }).code, 'ENOSPC');
    } finally {
      fs.closeSync(fd);
    }
    assert.throws(
      () => store.open({ name: 'x', kind: 'compare', command: 'c'.repeat(20000), createdAt: 'now', machine: {} }),
      (e: Error) => e instanceof FileWriteError && /run\.json': the disk is full \(ENOSPC\); the previous file at that path is unchanged$/.test(e.message),
    );
    assert.throws(() => store.append(record('b', 5000)), (e: Error) => e instanceof FileWriteError && e.code === 'ENOSPC');
    assert.deepEqual(fs.readFileSync(join(store.dir, 'run.json')), runJson);
    assert.deepEqual(fs.readFileSync(store.trialsPath), trials);
    assert.deepEqual(fs.readdirSync(store.dir).sort(), ['run.json', 'trials.jsonl']);
  });
});
