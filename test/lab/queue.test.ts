import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { initBackend } from '../../src/backend/load.js';
import { descentVersion } from '../../src/lab/machine.js';
import { RunStore, expandSpec, loadSpecFile, runTrials, type RunnerEvent } from '../../src/lab/index.js';
import { queueRunner, startQueueWorker } from '../../src/lab/queue/index.js';
import { bullConnection, bullmq, connectRedis } from '../../src/lab/queue/peers.js';
import { jobIdOf, metaKey, queueNameFor } from '../../src/lab/queue/naming.js';
import { freePort, redisServerMissing, startRedisServer, type RedisServer } from '../helpers/redis-server.js';

const missing = redisServerMissing();
if (missing) console.log(`# ${missing}`);

/** Short locks, so a killed worker's trial comes back within about a second. */
const LOCK_MS = 1000;
const STALLED_MS = 300;

interface WorkerProc {
  child: ChildProcess;
  lines: string[];
}

function startWorkerProcess(url: string): WorkerProc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker', '--queue', url, '--lock-duration', String(LOCK_MS), '--stalled-interval', String(STALLED_MS)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const w: WorkerProc = { child, lines: [] };
  let buf = '';
  child.stderr!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    w.lines.push(...parts);
  });
  return w;
}

async function waitFor<T>(what: string, f: () => T | undefined, ms = 60000): Promise<T> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 25))) {
    const v = f();
    if (v !== undefined) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}

function startsOf(workers: readonly WorkerProc[], id: string): number {
  return workers.flatMap((w) => w.lines).filter((l) => l.includes(`started trial ${id}`)).length;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (s) => (out += s), err: (s) => (err += s), progress: () => {} });
  return { code, out, err };
}

function storedLines(dir: string): { id: string; final: unknown; steps: unknown }[] {
  return readFileSync(join(dir, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

/** Runs a spec's trials on the queue (as `compare --queue` does, without its report); returns the runner's events. */
async function runOnQueue(url: string, spec: string, run: string): Promise<RunnerEvent[]> {
  const events: RunnerEvent[] = [];
  await queueRunner(url, { pollMs: 500 })({ store: new RunStore(run), trials: expandSpec(loadSpecFile(spec), spec), onEvent: (e) => events.push(e) });
  return events;
}

function writeSpec(dir: string, name: string, steps: number, optimizers: string[], seeds: number): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ name, tasks: [{ name: 'online-stochastic', options: { steps } }], optimizers, seeds }));
  return path;
}

test('queue names, job ids and connection options', () => {
  assert.equal(queueNameFor('/runs/my:run'), 'descent.my_run', 'BullMQ queue names cannot hold a colon');
  assert.equal(jobIdOf('0a1b2c'), '0a1b2c', 'the job id is the trial id');
  assert.equal(jobIdOf('0123456789012345'), 't0123456789012345', 'BullMQ refuses ids that read as integers');
  const c = bullConnection('rediss://u:p%40ss@example.org:6380/2') as Record<string, unknown>;
  assert.deepEqual([c.host, c.port, c.username, c.password, c.db, c.tls !== undefined], ['example.org', 6380, 'u', 'p@ss', 2, true]);
  assert.throws(() => bullConnection('http://example.org'), /not a Redis URL; expected redis:\/\/HOST:PORT/);
});

test('an unreachable Redis is a clear error naming the URL', async () => {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  await assert.rejects(connectRedis(url), (e: Error) => e.message.includes(`cannot reach Redis at ${url}`) && /start a server there/.test(e.message));
  const dir = mkdtempSync(join(tmpdir(), 'descent-queue-'));
  const r = await cli(['compare', writeSpec(dir, 'unreachable', 100, ['sgd'], 1), '--queue', url, '-o', join(dir, 'run'), '-q']);
  assert.equal(r.code, 1);
  assert.match(r.err, new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port}`));
  const w = await cli(['worker', '--queue', url]);
  assert.equal(w.code, 1);
  assert.match(w.err, /cannot reach Redis at/);
  const d = await cli(['compare', join(dir, 'unreachable.json'), '--detach']);
  assert.match(d.err, /--detach needs --queue URL/);
});

describe('a sweep on a BullMQ queue with worker processes', { skip: missing }, () => {
  let redis: RedisServer;
  let dir: string;
  const workers: WorkerProc[] = [];

  before(async () => {
    initBackend({ quiet: true });
    redis = await startRedisServer();
    dir = mkdtempSync(join(tmpdir(), 'descent-queue-'));
    workers.push(startWorkerProcess(redis.url), startWorkerProcess(redis.url));
    await waitFor('two workers', () => (workers.every((w) => w.lines.some((l) => l.includes('descent worker: descent'))) ? true : undefined));
  });

  after(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) process.kill(w.child.pid!, 'SIGKILL');
    await redis?.stop();
  });

  test('a trial that runs longer than the lock duration runs once (its lock is renewed)', async (t) => {
    // Several seconds of training here: many times the lock, on any machine that runs the suite.
    const spec = writeSpec(dir, 'long', 800000, ['adam'], 1);
    const events = await runOnQueue(redis.url, spec, join(dir, 'long'));
    assert.deepEqual(events.map((e) => e.type).filter((x) => x !== 'progress'), ['start', 'trial-start', 'trial-done']);
    assert.ok(events.some((e) => e.type === 'progress' && e.fraction > 0), "the worker's progress reaches the coordinator");
    const [rec] = storedLines(join(dir, 'long'));
    t.diagnostic(`the trial took ${(rec as unknown as { seconds: number }).seconds.toFixed(2)} s against a ${LOCK_MS} ms lock`);
    assert.equal(startsOf(workers, rec.id), 1);
  });

  test('a worker killed mid-trial: its trial is retried by another, every trial stored once, equal to a local run', async () => {
    const spec = writeSpec(dir, 'sweep', 50000, ['adam', 'sgd'], 2);
    const run = join(dir, 'sweep');
    const coordinator = runOnQueue(redis.url, spec, run);
    const [victim, killedId] = await waitFor('a trial to start', () => {
      for (const w of workers.slice(0, 2)) {
        const hit = w.lines.find((l) => l.includes('started trial') && l.includes('run sweep'));
        if (hit) return [w, /started trial (\w+)/.exec(hit)![1]] as const;
      }
      return undefined;
    });
    process.kill(victim.child.pid!, 'SIGKILL');
    workers.push(startWorkerProcess(redis.url));
    await coordinator;
    const lines = storedLines(run);
    assert.equal(lines.length, 4, 'each trial appended once');
    assert.equal(new Set(lines.map((l) => l.id)).size, 4);
    assert.ok(startsOf(workers, killedId) >= 2, 'the killed trial ran again elsewhere');
    for (const l of lines) if (l.id !== killedId) assert.equal(startsOf(workers, l.id), 1);
    await runTrials({ store: new RunStore(join(dir, 'sweep-local')), trials: expandSpec(loadSpecFile(spec), spec), workers: 1 });
    const localById = new Map(storedLines(join(dir, 'sweep-local')).map((l) => [l.id, l]));
    for (const l of lines) {
      assert.deepEqual(l.final, localById.get(l.id)!.final, 'the same finals bit for bit');
      assert.deepEqual(l.steps, localById.get(l.id)!.steps);
    }
  });

  test('--detach only enqueues; runs status shows the run; a later compare collects', async () => {
    const spec = writeSpec(dir, 'detached', 2000, ['sgd'], 2);
    const run = join(dir, 'detached');
    const d = await cli(['compare', spec, '--queue', redis.url, '-o', run, '--detach']);
    assert.equal(d.code, 0, d.err);
    assert.match(d.out, /2 trial\(s\) enqueued/);
    const s1 = await cli(['runs', 'status', run]);
    assert.match(s1.out, /0 done, 0 failed in the store \(of 2 declared\)/);
    assert.match(s1.out, /queue descent\.detached at redis:\/\//);
    const c = await cli(['compare', spec, '--queue', redis.url, '-o', run, '-q']);
    assert.equal(c.code, 0, c.err);
    assert.equal(storedLines(run).length, 2);
    const s2 = await cli(['runs', 'status', run]);
    assert.match(s2.out, /2 done, 0 failed in the store/);
  });

  test('descent tune --queue runs the study on the workers, with the numbers of a local study', async () => {
    const spec = join(dir, 'tune.yaml');
    writeFileSync(spec, 'tasks: [quadratic]\noptimizers:\n  - name: sgd\n    search: { lr: { log: [1.0e-3, 1.0e-1] } }\nsearch: { method: grid, points: 2 }\nseeds: 1\n');
    const queued = await cli(['tune', spec, '--queue', redis.url, '-o', join(dir, 'tune-q'), '-q']);
    assert.equal(queued.code, 0, queued.err);
    const local = await cli(['tune', spec, '-o', join(dir, 'tune-l'), '-w', '0', '-q']);
    assert.equal(local.code, 0, local.err);
    const byId = (run: string) => new Map(storedLines(join(dir, run)).map((l) => [l.id, l.final]));
    const q = byId('tune-q');
    assert.ok(q.size >= 3, `the study's trials are stored (${q.size})`);
    assert.deepEqual(q, byId('tune-l'), 'the same trials with the same finals as a local study');
  });

  test('a queue left over from a different spec is refused with what to do', async () => {
    const name = queueNameFor(join(dir, 'leftover'));
    const client = await connectRedis(redis.url);
    const q = new (bullmq().Queue)(name, { connection: bullConnection(redis.url) });
    // Not registered in the workers' set, so its job stays waiting.
    await client.set(metaKey(name), JSON.stringify({ run: 'leftover', trialSet: 'other', version: descentVersion(), updatedAt: 'earlier' }));
    await q.add('trial', {}, { jobId: 'x1' });
    const r = await cli(['compare', writeSpec(dir, 'leftover', 100, ['sgd'], 1), '--queue', redis.url, '-o', join(dir, 'leftover'), '-q']);
    assert.equal(r.code, 1);
    assert.match(r.err, /still holds 1 unfinished trial\(s\) of a different spec \(trial set other.*give this run its own directory with -o/);
    await q.close();
    client.disconnect();
  });

  test('a worker with untilEmpty stops once every queue it serves is empty', async () => {
    const lines: string[] = [];
    const w = await startQueueWorker({ url: redis.url, untilEmpty: true, discoveryMs: 100, log: (l) => lines.push(l) });
    await w.done;
    assert.ok(lines.some((l) => l.includes('serving queue descent.sweep')), 'it served the queues there are');
  });

  test('a job from another descent version is refused, naming both versions', async () => {
    const name = 'descent.other-version';
    const client = await connectRedis(redis.url);
    const q = new (bullmq().Queue)(name, { connection: bullConnection(redis.url) });
    await q.add('trial', { version: '0.0.0-old', run: 'old', id: 'abc', config: {}, backend: 'js' }, { jobId: 'abc', attempts: 3 });
    await client.sadd('descent:queues', name);
    const reason = await waitFor('the job to be refused', () => workers.flatMap((w) => w.lines).find((l) => l.includes('refused trial abc')));
    assert.match(reason, new RegExp(`enqueued by descent 0\\.0\\.0-old but the worker runs descent ${descentVersion().replace(/\./g, '\\.')}`));
    for (let i = 0; i < 100 && (await q.getJobState('abc')) !== 'failed'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await q.getJobState('abc'), 'failed', 'refused for good, not retried');
    const meta = 'descent.old-meta';
    await client.set(metaKey(meta), JSON.stringify({ run: 'old', trialSet: 't', version: '0.0.0-old', updatedAt: 'earlier' }));
    await client.sadd('descent:queues', meta);
    await waitFor('the queue to be refused', () => workers.flatMap((w) => w.lines).find((l) => l.includes(`not serving queue ${meta}`)));
    await q.close();
    client.disconnect();
  });
});
