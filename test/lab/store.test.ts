import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, fsyncSync, mkdtempSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useFileSystemCalls } from '../../src/io/atomic.js';
import { RunStore, findRuns, openRun, resolveMethod, trialId, type TrialRecord, type TrialConfig } from '../../src/lab/index.js';

function record(seed: number): TrialRecord {
  const config: TrialConfig = { task: 'rosenbrock', taskOptions: { steps: 5 }, method: resolveMethod('sgd', { lr: 0.001 }), seed };
  return { type: 'trial', id: trialId(config), status: 'done', config, final: { loss: seed }, steps: { step: [0, 1], loss: [2, 1] }, seconds: 0.1, finishedAt: new Date().toISOString() };
}

test('the store appends one line per trial and survives a half-written last line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'descent-store-'));
  const s = new RunStore(join(dir, 'run'));
  s.open({ name: 'x', kind: 'compare', command: 'descent compare x.yaml', createdAt: new Date().toISOString(), machine: {} });
  s.append(record(0));
  s.append(record(1));
  // A crash in the middle of writing the third record.
  appendFileSync(s.trialsPath, '{"type":"trial","id":"abc","sta');
  const again = openRun(join(dir, 'run'));
  assert.equal(again.trials().length, 2);
  assert.deepEqual([...again.doneIds()].sort(), [record(0).id, record(1).id].sort());
  // The next append starts on a fresh line, so it is readable too.
  again.append(record(2));
  assert.equal(openRun(join(dir, 'run')).trials().length, 3);
  const lines = readFileSync(s.trialsPath, 'utf8').split('\n').filter(Boolean);
  assert.equal(lines.length, 4);
  assert.equal(again.info()?.name, 'x');
  assert.deepEqual(findRuns(dir), [join(dir, 'run')]);
  assert.throws(() => openRun(dir), /not a run directory/);
});

test('trial ids depend on the configuration, not on the order of keys', () => {
  const a = record(0).config;
  const b: TrialConfig = { seed: 0, method: { options: { lr: 0.001 }, optimizer: 'sgd', label: 'sgd' }, taskOptions: { steps: 5 }, task: 'rosenbrock' };
  assert.equal(trialId(a), trialId(b));
  assert.notEqual(trialId(a), trialId({ ...a, seed: 1 }));
});

test('every store write goes through the one atomic write path: whole, fsync\'ed, and refused cleanly on a full disk', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'descent-store-')), 'run');
  const s = new RunStore(dir);
  const seen: string[] = [];
  const restore = useFileSystemCalls({
    fsyncSync: (fd) => {
      seen.push('fsync');
      fsyncSync(fd);
    },
    writeSync: (fd, b, o, l) => writeSync(fd, b, o, Math.min(l, 5)), // short writes
  });
  try {
    s.open({ name: 'x', kind: 'compare', command: 'descent compare x.yaml', createdAt: new Date().toISOString(), machine: {} });
    s.append(record(0));
  } finally {
    restore();
  }
  assert.deepEqual(seen, ['fsync', 'fsync'], 'run.json and the record were each flushed to disk');
  assert.equal(openRun(dir).trials()[0].final.loss, 0);
  const before = readFileSync(s.trialsPath);
  const full = useFileSystemCalls({ writeSync: () => { throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }); } });
  try {
    assert.throws(() => s.append(record(1)), /^FileWriteError: results store: could not append to '.*trials\.jsonl': the disk is full \(ENOSPC\); the file is intact \(nothing was appended\)$/);
  } finally {
    full();
  }
  assert.deepEqual(readFileSync(s.trialsPath), before);
});
