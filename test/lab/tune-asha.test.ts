import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore, runTrials, type RunnerEvent, type RunTrialsOptions, type TrialRecord } from '../../src/lab/index.js';
import { queueRunner, startQueueWorker, type QueueWorker } from '../../src/lab/queue/index.js';
import { bullConnection, bullmq, connectRedis } from '../../src/lab/queue/peers.js';
import { pruneKey } from '../../src/lab/queue/job.js';
import { jobIdOf } from '../../src/lab/queue/naming.js';
import { descentVersion } from '../../src/lab/machine.js';
import { backendInfo } from '../../src/backend/registry.js';
import { trialId } from '../../src/lab/trial.js';
import { createProgress } from '../../src/lab/progress.js';
import { redisServerMissing, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { ashaContinues, AshaRungs, planStudies, trialOf, prunedEpoch, runStudy, runTuneStudy, validateTuneSpec, type StudyResult } from '../../src/lab/tune/index.js';

const root = mkdtempSync(join(tmpdir(), 'descent-asha-'));

test('the ASHA rule: a report goes on when it is in the top ⌊n/η⌋ (at least one) of the n reported at its rung so far', () => {
  // The first report at a rung always goes on; the second only if it beats the first (η 2).
  assert.equal(ashaContinues([0.5], 0.5, 2, 'max'), true);
  assert.equal(ashaContinues([0.5, 0.4], 0.4, 2, 'max'), false);
  assert.equal(ashaContinues([0.5, 0.6], 0.6, 2, 'max'), true);
  // Four reported, η 2: the best two go on; a tie goes on.
  assert.equal(ashaContinues([0.9, 0.1, 0.5, 0.5], 0.5, 2, 'max'), true);
  assert.equal(ashaContinues([0.9, 0.6, 0.5, 0.3], 0.3, 2, 'max'), false);
  assert.equal(ashaContinues([3, 1, 2], 1, 3, 'min'), true);
  assert.equal(ashaContinues([3, 1, 2], 2, 3, 'min'), false);
  assert.equal(ashaContinues([1, null], null, 2, 'min'), false, 'a failed report never goes on');
  const rungs = new AshaRungs([1, 3], 3, 'max');
  rungs.record('a', 1, 0.9);
  assert.equal(rungs.report('a', 1, 0.8), false, 'a stored report counts');
  assert.equal(rungs.report('b', 1, 0.1), true, 'groups are separate');
  assert.deepEqual(rungs.reported('a', 1), [0.9, 0.8]);
});

/**
 * Logistic regression on 200 built-in examples (validated on 200 more), sgd at five learning
 * rates. Asha takes its configurations from the quasi-random sequence: the first Halton
 * coordinate (1/2, 1/4, 3/4, 1/8, 7/8 of the choice list) orders them lr 0.1 (it goes on at
 * every rung, being the first to report there), the hopeless 1e-6, 10, then 0.3 and 1e-3.
 * Rungs at epochs 1 and 2 of 4 (η 2).
 */
function spec(workers = 0) {
  return validateTuneSpec({
    tasks: [{ name: 'logistic', options: { dataset: 'builtin', trainLimit: 400, testLimit: 100, epochs: 2 }, tuneOptions: { holdout: 200 } }],
    optimizers: [{ name: 'sgd', search: { lr: { choice: [0.3, 1e-6, 0.1, 10, 1e-3] } } }],
    search: { method: 'asha', budget: { option: 'epochs', min: 1, max: 4 }, eta: 2 },
    seeds: 1,
    workers,
  });
}
const plan = () => planStudies({ ...spec(), name: 'asha' });

function outcome(r: StudyResult) {
  return r.methods[0].candidates.map((c) => ({ lr: c.options.lr, status: c.status, budgets: c.budgets, stoppedAt: c.stoppedAt ?? null, trained: c.trained }));
}

function tuningRecords(dir: string): TrialRecord[] {
  return readFileSync(join(dir, 'trials.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TrialRecord)
    .filter((x) => x.config.taskOptions.holdout === 200);
}

let reference: ReturnType<typeof outcome> | undefined;
let referenceRecords: TrialRecord[] | undefined;

test('asha stops poor configurations at the first rung from their per-epoch reports; the best reaches the full budget; a resume runs nothing', async () => {
  const dir = join(root, 'in-process');
  const events: RunnerEvent[] = [];
  const r = await runStudy(plan(), { store: new RunStore(dir), workers: 0, onEvent: (e) => events.push(e) });
  const o = outcome(r);
  reference = o;
  // lr 0.1 reports first at every rung and goes on; 1e-6 and 10 score below it after epoch 1.
  assert.deepEqual(o[0], { lr: 0.1, status: 'completed', budgets: [1, 2, 4], stoppedAt: null, trained: 4 });
  assert.deepEqual(o[1], { lr: 1e-6, status: 'stopped', budgets: [1], stoppedAt: 1, trained: 1 });
  assert.deepEqual(o[2], { lr: 10, status: 'stopped', budgets: [1], stoppedAt: 1, trained: 1 });
  // 0.3 is second best of four after epoch 1 (η 2 keeps two) and best of two after epoch 2; 1e-3 is fourth of five.
  assert.deepEqual(o.slice(3).map((x) => [x.lr, x.status, x.stoppedAt]), [[0.3, 'completed', null], [0.001, 'stopped', 1]]);
  assert.equal(r.methods[0].candidates[r.methods[0].best!].status, 'completed', 'the winner is one that ran the full budget');
  const recs = tuningRecords(dir);
  referenceRecords = recs;
  assert.equal(recs.length, 5, 'one record per configuration: asha trains each once');
  for (const rec of recs) {
    const lr = rec.config.method.options.lr as number;
    const c = o.find((x) => x.lr === lr)!;
    assert.equal(rec.status, 'done');
    assert.equal(rec.config.taskOptions.epochs, 4, 'every asha trial is the full-budget trial');
    // Epochs recorded: 0 (untrained) through the epoch it stopped after.
    assert.deepEqual(rec.epochs!.epoch, Array.from({ length: (c.stoppedAt ?? 4) + 1 }, (_, i) => i), `lr ${lr}`);
    assert.equal(prunedEpoch(rec), c.stoppedAt, `lr ${lr}`);
    assert.equal(rec.final.testAccuracy, rec.epochs!.testAccuracy.at(-1));
  }
  // Every epoch of every trial was reported (but the last), and the stops are the decisions.
  const reports = events.filter((e): e is Extract<RunnerEvent, { type: 'report' }> => e.type === 'report');
  assert.equal(reports.filter((e) => e.stop).length, o.filter((x) => x.status === 'stopped').length);
  assert.ok(reports.every((e) => typeof e.values.testAccuracy === 'number'));
  // Resuming runs nothing, changes nothing, stores nothing twice.
  const again = await runStudy(plan(), { store: new RunStore(dir), workers: 0 });
  assert.equal(again.ran, 0);
  assert.deepEqual(outcome(again), o);
  assert.equal(tuningRecords(dir).length, 5);
});

test('asha in one worker thread decides as in-process (the Atomics channel), bit for bit', async () => {
  assert.ok(reference && referenceRecords, 'runs after the in-process test');
  const dir = join(root, 'thread');
  const r = await runStudy(plan(), { store: new RunStore(dir), workers: 1 });
  assert.deepEqual(outcome(r), reference);
  const byId = new Map(tuningRecords(dir).map((x) => [x.id, x]));
  const figures = (x: TrialRecord) => ({ ...x.epochs, time: undefined });
  for (const rec of referenceRecords) assert.deepEqual(figures(byId.get(rec.id)!), figures(rec));
});

test('asha over two worker threads: the decisions depend on arrival order, the invariants do not', async () => {
  const dir = join(root, 'two-threads');
  const r = await runStudy(plan(), { store: new RunStore(dir), workers: 2 });
  const o = outcome(r);
  const recs = tuningRecords(dir);
  assert.equal(recs.length, 5, 'each trial stored once');
  assert.ok(o.some((x) => x.status === 'completed') && o.some((x) => x.status === 'stopped'));
  for (const rec of recs) {
    const c = o.find((x) => x.lr === rec.config.method.options.lr)!;
    assert.equal(rec.epochs!.epoch.at(-1), c.stoppedAt ?? 4);
    assert.equal(c.trained, c.stoppedAt ?? 4);
  }
  // Which ones: lr 0.1 and 1e-6 start together, and whichever reports first at epoch 1 goes on
  // (seen both ways), so nothing is asserted about it.
});

test('an interrupted asha study resumes with the same decisions (the stored reports enter the rungs first)', async () => {
  assert.ok(reference && referenceRecords);
  const dir = join(root, 'interrupted');
  mkdirSync(dir, { recursive: true });
  // As if it stopped after its first two trials.
  writeFileSync(join(dir, 'trials.jsonl'), referenceRecords.slice(0, 2).map((x) => JSON.stringify(x)).join('\n') + '\n');
  const counted: number[] = [];
  const runner = (o: RunTrialsOptions) => runTrials(o).then((x) => (counted.push(x.ran), x));
  const r = await runStudy(plan(), { store: new RunStore(dir), workers: 0, runner });
  assert.deepEqual(counted, [3, 1], 'the three missing tuning trials, then the final run');
  assert.deepEqual(outcome(r), reference);
});

test('a pruned record counts as done only for a run with a pruner: asked for without one, the trial runs in full', async () => {
  assert.ok(referenceRecords);
  const dir = join(root, 'pruned-then-full');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'trials.jsonl'), referenceRecords.map((x) => JSON.stringify(x)).join('\n') + '\n');
  const r = await runTrials({ store: new RunStore(dir), trials: referenceRecords.map((x) => x.config), workers: 0 });
  const pruned = referenceRecords.filter((x) => prunedEpoch(x) !== null).length;
  assert.equal(r.ran, pruned);
  assert.equal(r.skipped, referenceRecords.length - pruned);
  for (const rec of r.records) assert.deepEqual([prunedEpoch(rec), rec.epochs!.epoch.at(-1)], [null, 4]);
});

test('the tune report says per method where trials were stopped and the epochs saved', async () => {
  const dir = join(root, 'report');
  const out = await runTuneStudy({ plan: plan(), outDir: dir, command: 'test', workers: 0, quiet: true });
  const stopped = reference!.filter((x) => x.status === 'stopped');
  const trained = reference!.reduce((n, x) => n + (x.trained ?? 0), 0);
  assert.match(out.text, /early stopping \(asha\):/);
  assert.match(out.text, new RegExp(`sgd: ${5 - stopped.length} completed, ${stopped.length} stopped \\(.*at epochs=1.*\\); ${trained} of 20 epochs trained`));
  const study = JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8'));
  assert.equal(study.methods[0].candidates[1].stoppedAt, 1);
  assert.match(readFileSync(out.reportPath, 'utf8'), /ASHA/);
});

test("the progress lines say where a pruned trial stopped", () => {
  assert.ok(referenceRecords);
  const lines: string[] = [];
  const progress = createProgress({ write: (s) => lines.push(s) });
  const pruned = referenceRecords.find((x) => prunedEpoch(x) === 1)!;
  const full = referenceRecords.find((x) => prunedEpoch(x) === null)!;
  progress.onEvent({ type: 'start', total: 2, pending: 2, skipped: 0, workers: 0 });
  progress.onEvent({ type: 'trial-done', record: pruned, done: 1, pending: 2 });
  progress.onEvent({ type: 'trial-done', record: full, done: 2, pending: 2 });
  progress.stop();
  assert.match(lines.join(''), /\[1\/2\] .*, stopped after epoch 1 \(pruned\)/);
  assert.doesNotMatch(lines.find((l) => l.startsWith('[2/2]'))!, /pruned/);
});

test('asha with two tuning seeds: rungs per seed; a configuration completes when both its trials do, and scores their mean', async () => {
  const dir = join(root, 'two-seeds');
  const p = planStudies({ ...spec(), tuningSeeds: [0, 1], name: 'asha2' });
  const r = await runStudy(p, { store: new RunStore(dir), workers: 0 });
  const recs = tuningRecords(dir);
  assert.equal(recs.length, 10);
  for (const c of r.methods[0].candidates) {
    const mine = recs.filter((x) => x.config.method.options.lr === c.options.lr);
    assert.equal(mine.length, 2);
    const stops = mine.map((x) => prunedEpoch(x));
    assert.equal(c.status, stops.every((e) => e === null) ? 'completed' : 'stopped');
    assert.equal(c.trained, stops.reduce<number>((n, e) => n + (e ?? 4), 0));
    const first = mine.map((x) => x.epochs!.testAccuracy[1]);
    assert.equal(c.scores[0], (first[0] + first[1]) / 2);
  }
  // Seed 0's rungs are the one-seed study's: its trials stop where they stopped there.
  for (const rec of recs.filter((x) => x.config.seed === 0)) {
    assert.equal(prunedEpoch(rec), reference!.find((x) => x.lr === rec.config.method.options.lr)!.stoppedAt);
  }
});

test('asha needs a task that reports per epoch, and a metric it reports', () => {
  const quadratic = validateTuneSpec({ tasks: [{ name: 'quadratic' }], optimizers: ['sgd'], search: { method: 'asha', budget: { option: 'steps', min: 1, max: 9 } } });
  assert.throws(() => planStudies({ ...quadratic, name: 'q' }, 'q.yaml'), /q\.yaml: search\.method asha stops trials from their per-epoch reports, and task 'quadratic' \(tasks\[0\]\) does not report per epoch; use search\.method successive-halving/);
  const steps = validateTuneSpec({ tasks: [{ name: 'logistic' }], optimizers: ['sgd'], search: { method: 'asha', budget: { option: 'batchSize', min: 1, max: 9 } } });
  assert.throws(() => planStudies({ ...steps, name: 'q' }, 'q.yaml'), /reports per 'epochs', not per 'batchSize'; set search\.budget\.option to 'epochs'/);
  const metric = validateTuneSpec({ tasks: [{ name: 'logistic' }], optimizers: ['sgd'], metric: 'trainSeconds', search: { method: 'asha', budget: { option: 'epochs', min: 1, max: 3 } } });
  assert.throws(() => planStudies({ ...metric, name: 'q' }, 'q.yaml'), /reports trainLoss, testLoss, testAccuracy, fullTrainLoss per epoch, not 'trainSeconds'/);
});

const missing = redisServerMissing();

describe('asha on a BullMQ queue: reports by job progress, decisions by a Redis hash', { skip: missing }, () => {
  let redis: RedisServer;
  let worker: QueueWorker;
  const lines: string[] = [];

  before(async () => {
    redis = await startRedisServer();
    worker = await startQueueWorker({ url: redis.url, concurrency: 1, discoveryMs: 100, log: (l) => lines.push(l) });
  });

  after(async () => {
    await worker?.close();
    await redis?.stop();
  });

  test('one worker of concurrency 1 takes the jobs in order and stops the same trials as a local run', async () => {
    assert.ok(reference && referenceRecords, 'runs after the in-process test');
    const dir = join(root, 'queue');
    const events: RunnerEvent[] = [];
    const r = await runStudy(plan(), { store: new RunStore(dir), runner: queueRunner(redis.url, { pollMs: 200 }), onEvent: (e) => events.push(e) });
    assert.deepEqual(outcome(r), reference);
    const recs = tuningRecords(dir);
    assert.equal(recs.length, 5, 'each trial stored once');
    const byId = new Map(recs.map((x) => [x.id, x]));
    for (const rec of referenceRecords) assert.equal(prunedEpoch(byId.get(rec.id)), prunedEpoch(rec));
    assert.equal(events.filter((e) => e.type === 'report' && e.stop).length, reference.filter((x) => x.status === 'stopped').length);
    // Resumed: nothing enqueued again.
    const again = await runStudy(plan(), { store: new RunStore(dir), runner: queueRunner(redis.url, { pollMs: 200 }) });
    assert.equal(again.ran, 0);
    assert.deepEqual(outcome(again), reference);
  });

  test("a job's worker obeys the decision already in its Redis hash (what a retried job finds): stopped after epoch 1", async () => {
    const name = 'descent.asha-retry';
    const client = await connectRedis(redis.url);
    const q = new (bullmq().Queue)(name, { connection: bullConnection(redis.url) });
    const config = trialOf(plan().studies[0], { lr: 0.1 }, 0, { tuning: true, budget: { option: 'epochs', value: 4 } });
    const id = trialId(config);
    await client.hset(pruneKey(name, jobIdOf(id)), '1', 'stop');
    await q.add('trial', { version: descentVersion(), run: 'asha-retry', id, config, backend: backendInfo().name, prune: { asks: [1, 2] } }, { jobId: jobIdOf(id) });
    await client.sadd('descent:queues', name);
    let record: TrialRecord | undefined;
    for (let i = 0; i < 600 && !record; i++) {
      const job = await q.getJob(jobIdOf(id));
      if (job?.returnvalue) record = job.returnvalue as TrialRecord;
      else await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(record, 'the job finished');
    assert.equal(prunedEpoch(record), 1);
    assert.deepEqual(record.epochs!.epoch, [0, 1]);
    await q.close();
    client.disconnect();
  });

  test('asha refuses --detach: its decisions need the coordinator', async () => {
    const dir = join(root, 'detach');
    await assert.rejects(runStudy(plan(), { store: new RunStore(dir), runner: queueRunner(redis.url, { detach: true }) }), /--detach only enqueues, but asha decides while the trials run/);
  });
});
