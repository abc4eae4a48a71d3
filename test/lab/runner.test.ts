import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore, runTrials, resolveMethod, openRun, executeTrial, type TrialConfig, type RunnerEvent } from '../../src/lab/index.js';
import { workerEnv } from '../../src/lab/runner.js';
import { describeDivergence } from '../../src/lab/divergence.js';
import { tensor } from '../../src/tensor/index.js';
import { initBackend } from '../../src/backend/load.js';
import { backendInfo, setBackend } from '../../src/backend/registry.js';

function trials(): TrialConfig[] {
  const out: TrialConfig[] = [];
  for (const name of ['sgd', 'momentum', 'adam']) {
    for (const seed of [0, 1]) out.push({ task: 'rosenbrock', taskOptions: { steps: 50 }, method: resolveMethod(name), seed });
  }
  out.push({ task: 'rosenbrock', taskOptions: { steps: 50 }, method: resolveMethod('adam', { lr: -1 }), seed: 0 });
  return out;
}

test('trials run in worker threads, land in the store, and a re-run skips the finished ones', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'descent-runner-')), 'run');
  const events: RunnerEvent[] = [];
  const first = await runTrials({ store: new RunStore(dir), trials: trials(), workers: 2, onEvent: (e) => events.push(e) });
  assert.equal(first.ran, 7);
  assert.equal(first.failed, 1, 'the invalid learning rate fails its trial, not the run');
  const failed = first.records.find((r) => r.status === 'failed')!;
  assert.match(failed.error ?? '', /lr/);
  assert.equal(events[0].type, 'start');
  assert.equal((events[0] as { workers: number }).workers, 2);
  const done = first.records.filter((r) => r.status === 'done');
  assert.equal(done.length, 6);
  for (const r of done) assert.equal(r.steps!.x.length, 51, 'the start plus one point per step');
  // Same trials again into the same directory: the finished ones are skipped, the failed one retried.
  const second = await runTrials({ store: new RunStore(dir), trials: trials(), workers: 2 });
  assert.equal(second.skipped, 6);
  assert.equal(second.ran, 1);
  assert.equal(openRun(dir).trials().length, 7);
});

test('an interrupted run resumes without redoing finished trials (in-process runner)', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'descent-resume-')), 'run');
  const all = trials().slice(0, 6);
  // The first half finished before the "crash".
  await runTrials({ store: new RunStore(dir), trials: all.slice(0, 3), workers: 0 });
  const resumed = await runTrials({ store: new RunStore(dir), trials: all, workers: 0 });
  assert.equal(resumed.skipped, 3);
  assert.equal(resumed.ran, 3);
  assert.equal(resumed.records.length, 6);
  // Same seed, same trajectory: a trial run in a worker or in-process gives the same numbers.
  const a = resumed.records[0].final.loss;
  const b = (await runTrials({ store: new RunStore(`${dir}-2`), trials: [all[0]], workers: 1 })).records[0].final.loss;
  assert.equal(a, b);
});

test('workers run one BLAS thread each unless the user chose a count', () => {
  assert.equal(workerEnv(2, { PATH: '/bin' }).DESCENT_BLAS_THREADS, '1');
  assert.equal(workerEnv(2, { DESCENT_BLAS_THREADS: '4' }).DESCENT_BLAS_THREADS, '4');
  assert.equal(workerEnv(1, {}).DESCENT_BLAS_THREADS, '1', 'a single worker runs one BLAS thread too');
});

test('workers run one wasm thread each unless the user chose a count', () => {
  assert.equal(workerEnv(2, { PATH: '/bin' }).DESCENT_WASM_THREADS, '1');
  assert.equal(workerEnv(2, { DESCENT_WASM_THREADS: '2' }).DESCENT_WASM_THREADS, '2');
  assert.equal(workerEnv(2, { DESCENT_BLAS_THREADS: '4' }).DESCENT_WASM_THREADS, '1');
  assert.equal(workerEnv(0, {}).DESCENT_WASM_THREADS, undefined);
});

test('--workers 0, 1 and 2 give bit-identical records (default backend)', async () => {
  // 128x784x256 products: above the size where the adaptive policy uses every BLAS thread.
  const previous = backendInfo().name;
  initBackend({ quiet: true });
  try {
    const taskOptions = { dataset: 'builtin', epochs: 1, batchSize: 128, trainLimit: 768, testLimit: 200, hidden: [256] };
    const all: TrialConfig[] = ['adam', 'sgd'].map((name) => ({ task: 'mlp', taskOptions, method: resolveMethod(name), seed: 3 }));
    const root = mkdtempSync(join(tmpdir(), 'descent-workers-'));
    const numbers = async (workers: number) =>
      (await runTrials({ store: new RunStore(join(root, String(workers))), trials: all, workers })).records.map((r) => ({ status: r.status, final: { ...r.final, trainSeconds: 0 }, loss: r.steps!.loss }));
    const serial = await numbers(0);
    assert.ok(serial.every((r) => r.status === 'done'));
    assert.deepEqual(await numbers(1), serial, 'one worker');
    assert.deepEqual(await numbers(2), serial, 'two workers');
  } finally {
    setBackend(previous);
  }
});

test('concurrent workers give the same numbers on every run (default backend)', async () => {
  // GEMMs of 128x784x256 are above the size where one thread switches OpenBLAS to all of its
  // threads; concurrent workers once changed each other's split mid-product (see workerEnv).
  const previous = backendInfo().name;
  initBackend({ quiet: true });
  try {
    const taskOptions = { dataset: 'builtin', epochs: 1, batchSize: 128, trainLimit: 1536, testLimit: 200, hidden: [256] };
    const all: TrialConfig[] = [];
    for (const name of ['adam', 'adashift']) for (const seed of [0, 1]) all.push({ task: 'mlp', taskOptions, method: resolveMethod(name), seed });
    const root = mkdtempSync(join(tmpdir(), 'descent-determinism-'));
    const run = async (name: string, workers: number) => (await runTrials({ store: new RunStore(join(root, name)), trials: all, workers })).records;
    const [first, second, serial] = [await run('first', 2), await run('second', 2), await run('serial', 0)];
    first.forEach((r, i) => {
      const what = `${r.config.method.label} seed ${r.config.seed}`;
      assert.equal(r.status, 'done', what);
      for (const key of ['trainLoss', 'testLoss', 'testAccuracy'] as const) {
        assert.equal(second[i].final[key], r.final[key], `${what}: ${key} differs between two runs`);
        // One thread in the workers, the adaptive count here: the same up to GEMM rounding.
        assert.ok(Math.abs(serial[i].final[key]! - r.final[key]!) < 1e-5, `${what}: ${key} ${serial[i].final[key]} in-process, ${r.final[key]} in a worker`);
      }
    });
  } finally {
    setBackend(previous);
  }
});

test('a training trial that diverges says at which step and which parameter went non-finite', async () => {
  const taskOptions = { dataset: 'builtin', epochs: 1, batchSize: 64, trainLimit: 512, testLimit: 100, hidden: [32] };
  const blowUp = await executeTrial({ task: 'mlp', taskOptions, method: resolveMethod('sgd', { lr: 1e45 }), seed: 0 });
  assert.equal(blowUp.status, 'done');
  assert.equal(blowUp.final.diverged, 1);
  assert.match(String(blowUp.extra?.divergence), /^the loss was (NaN|Infinity) at step ([2-9]|\d\d+): parameter '[\w.]+' holds (NaN|-?Infinity) at index \d+.*; step \d+ wrote it/);
  const fine = await executeTrial({ task: 'mlp', taskOptions, method: resolveMethod('sgd', { lr: 0.01 }), seed: 0 });
  assert.equal(fine.final.diverged, 0);
  assert.equal(fine.extra?.divergence, undefined);
  // The forward pass overflowing with finite parameters is told apart.
  assert.equal(describeDivergence(3, Infinity, [['w', tensor([1, 2])]]), 'the loss was Infinity at step 3 with every parameter finite: the forward pass overflowed (lower the learning rate or check the inputs)');
  assert.equal(describeDivergence(5, NaN, [['a', tensor([1])], ['b', tensor([0, NaN])], ['c', tensor([Infinity])]]), "the loss was NaN at step 5: parameter 'b' holds NaN at index 1 (and 1 more parameter); step 4 wrote it (a non-finite gradient, or an update that overflowed)");
});
