/**
 * The coordinator: runs a run's trials on a BullMQ queue instead of local threads, behind the
 * same signature as the local runner (runTrials), so `compare`, `tune` and the main job take
 * either. It enqueues each pending trial as a job whose id is the trial id, waits for the
 * results (QueueEvents, with a slow poll as a safety net), and is the only writer of the run's
 * store: each record is appended once however often it is delivered, then its job removed.
 * With `detach` it only enqueues; a later call with the same trials collects.
 */
import { basename } from 'node:path';
import type { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis as RedisClient } from 'ioredis';
import { backendInfo } from '../../backend/registry.js';
import { descentVersion } from '../machine.js';
import { finishedIds, type RunTrialsOptions, type RunTrialsResult, type RunnerEvent } from '../runner.js';
import { trialId, type TrialConfig, type TrialRecord } from '../trial.js';
import { LabError } from '../util.js';
import { TRIAL_JOB, pruneKey, type TrialJobData, type TrialJobProgress } from './job.js';
import { QUEUES_KEY, jobIdOf, metaKey, queueNameFor, trialSetHash } from './naming.js';
import { bullConnection, bullmq, connectRedis } from './peers.js';
import { writeRunQueueInfo } from './run-queue-file.js';

/** Options of {@link queueRunner}. */
export interface QueueRunnerOptions {
  /** Only enqueue the pending trials (and write queue.json); do not wait for them. */
  detach?: boolean;
  /** Attempts per job when a worker throws (a trial that fails in training is a record, not a throw). Default 3. */
  attempts?: number;
  /** How often the coordinator re-checks outstanding jobs besides the events, in ms. Default 1000. */
  pollMs?: number;
}

/** A queue's meta record: which trial set it holds, for which descent version. */
export interface QueueMeta {
  run: string;
  trialSet: string;
  version: string;
  updatedAt: string;
}

/** A runner with runTrials' signature that runs the trials on the queue at `url`. */
export function queueRunner(url: string, opts: QueueRunnerOptions = {}): (o: RunTrialsOptions) => Promise<RunTrialsResult> {
  return (o) => runOnQueue(url, opts, o);
}

async function runOnQueue(url: string, opts: QueueRunnerOptions, o: RunTrialsOptions): Promise<RunTrialsResult> {
  const { store } = o;
  const emit = o.onEvent ?? ((_: RunnerEvent) => {});
  const unique = [...new Map(o.trials.map((config) => [trialId(config), config])).entries()].map(([id, config]) => ({ id, config }));
  const done = finishedIds(store, o);
  const pending = unique.filter((t) => !done.has(t.id));
  const skipped = unique.length - pending.length;
  const pruner = o.pruner;
  if (pruner && opts.detach) {
    throw new LabError('--detach only enqueues, but asha decides while the trials run (each stops or goes on when it reports at a rung): run the coordinator without --detach, or use search.method successive-halving');
  }
  const queueName = queueNameFor(store.dir);
  const { Queue, QueueEvents } = bullmq();
  const redis = await connectRedis(url);
  const queue = new Queue<TrialJobData, TrialRecord, string>(queueName, { connection: bullConnection(url) });
  let events: QueueEvents | undefined;
  try {
    await claimQueue(redis, queue, { run: basename(store.dir), trialSet: trialSetHash(unique.map((t) => t.id)), version: descentVersion(), updatedAt: new Date().toISOString() }, url);
    emit({ type: 'start', total: unique.length, pending: pending.length, skipped, workers: 0 });
    const byJob = new Map(pending.map((t) => [jobIdOf(t.id), t]));
    const outstanding = new Set(byJob.keys());
    let finished = 0;
    let failed = 0;
    let settle: ((err?: Error) => void) | undefined;
    // A queue call that fails stops the run while it waits; one still in flight when the run has
    // settled (and the connections are closing) is dropped rather than left unhandled.
    const failRun = (e: unknown): void => settle?.(e instanceof Error ? e : new Error(String(e)));
    const stored = new Set<string>();
    const onRecord = (jobId: string, record: TrialRecord): void => {
      if (!outstanding.has(jobId) || stored.has(record.id)) return; // delivered twice: stored once
      stored.add(record.id);
      outstanding.delete(jobId);
      store.append(record);
      finished++;
      if (record.status !== 'done') failed++;
      emit({ type: 'trial-done', record, done: finished, pending: pending.length });
      void queue.remove(jobId).catch(() => {});
      if (pruner) void redis.del(pruneKey(queueName, jobId)).catch(() => {});
      if (outstanding.size === 0) settle?.();
    };
    // Pruning: each (job, epoch) decided once, in the order the reports arrive; the answer goes
    // to the job's decision hash, where its worker (or a retry of it) reads it.
    const decided = new Set<string>();
    const onReport = async (jobId: string, report: NonNullable<TrialJobProgress['report']>): Promise<void> => {
      const t = byJob.get(jobId);
      if (!t || !pruner || !outstanding.has(jobId)) return;
      if (!report.ask) {
        emit({ type: 'report', id: t.id, config: t.config, epoch: report.epoch, values: report.values, stop: false });
        return;
      }
      const key = `${jobId}@${report.epoch}`;
      if (decided.has(key)) return;
      decided.add(key);
      const stop = pruner.decide(t.id, t.config, report.epoch, report.values);
      emit({ type: 'report', id: t.id, config: t.config, epoch: report.epoch, values: report.values, stop });
      await redis.hset(pruneKey(queueName, jobId), String(report.epoch), stop ? 'stop' : 'go');
    };
    if (!opts.detach) {
      events = new QueueEvents(queueName, { connection: bullConnection(url) });
      // Listen before enqueueing, so no completion is missed.
      await events.waitUntilReady();
      events.on('active', ({ jobId }) => {
        const t = byJob.get(jobId);
        if (t) emit({ type: 'trial-start', id: t.id, config: t.config });
      });
      events.on('progress', ({ jobId, data }) => {
        const t = byJob.get(jobId);
        const p = data as TrialJobProgress;
        if (!t || typeof p !== 'object' || p === null) return;
        if (p.report) void onReport(jobId, p.report).catch(failRun);
        else emit({ type: 'progress', id: t.id, config: t.config, fraction: p.fraction, status: p.status });
      });
      events.on('completed', ({ jobId, returnvalue }) => {
        const rv: unknown = typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue;
        if (rv && typeof rv === 'object') onRecord(jobId, rv as TrialRecord);
      });
      events.on('failed', ({ jobId, failedReason }) => void checkFailed(jobId, failedReason).catch(failRun));
    }
    const checkFailed = async (jobId: string, reason: string): Promise<void> => {
      // 'failed' fires per attempt; only a job out of attempts stops the run.
      const job = await queue.getJob(jobId);
      if (job && (await job.getState()) === 'failed') settle?.(new LabError(`trial ${byJob.get(jobId)?.id ?? jobId} failed on the queue ${queueName} at ${url}: ${reason}`));
    };
    // A job left failed by an earlier attempt of this run would block its re-add: run it afresh.
    for (const jobId of byJob.keys()) {
      const old = await queue.getJob(jobId);
      if (old && (await old.getState()) === 'failed') await old.remove();
      // Decisions left by an earlier coordinator are not this one's rungs' (a running job keeps those it read).
      if (pruner && (!old || (await old.getState()) !== 'active')) await redis.del(pruneKey(queueName, jobId));
    }
    const backend = backendInfo().name;
    const version = descentVersion();
    await queue.addBulk(
      pending.map((t) => ({
        name: TRIAL_JOB,
        data: { version, run: basename(store.dir), id: t.id, config: t.config, backend, ...(pruner ? { prune: { asks: [...pruner.asks(t.id, t.config)] } } : {}) },
        opts: { jobId: jobIdOf(t.id), attempts: opts.attempts ?? 3, removeOnComplete: false, removeOnFail: false },
      })),
    );
    writeRunQueueInfo(store.dir, { url, queue: queueName, enqueued: pending.length, enqueuedAt: new Date().toISOString() });
    if (!opts.detach && outstanding.size > 0) {
      await new Promise<void>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        settle = (err) => {
          clearInterval(timer);
          settle = undefined;
          if (err) reject(err);
          else resolve();
        };
        // Jobs finished before we listened (a detached run collected now), and a safety net for missed events.
        // Asks for the finished jobs only, so a poll costs what is uncollected, not the sweep's size.
        const poll = async (): Promise<void> => {
          const finished: Job<TrialJobData, TrialRecord>[] = await queue.getJobs(['completed', 'failed']);
          for (const job of finished) {
            if (!job?.id || !outstanding.has(job.id)) continue;
            if (job.returnvalue) onRecord(job.id, job.returnvalue);
            else if (job.failedReason) await checkFailed(job.id, job.failedReason);
          }
          // A report whose progress event was missed (or made before this coordinator listened) waits on an active job.
          if (pruner) {
            const active: Job<TrialJobData, TrialRecord>[] = await queue.getJobs(['active']);
            for (const job of active) {
              const p = job?.progress as TrialJobProgress | undefined;
              if (job?.id && p && typeof p === 'object' && p.report?.ask) await onReport(job.id, p.report);
            }
          }
        };
        const tick = (): void => void poll().catch(failRun);
        timer = setInterval(tick, opts.pollMs ?? 1000);
        tick();
      });
    }
  } finally {
    await events?.close();
    await queue.close();
    redis.disconnect();
  }
  store.load();
  const all = new Map(store.trials().map((r) => [r.id, r]));
  const records = unique.map((t) => all.get(t.id)).filter((r): r is TrialRecord => r !== undefined);
  const pendingIds = new Set(pending.map((t) => t.id));
  const ranNow = records.filter((r) => pendingIds.has(r.id));
  return { records, ran: ranNow.length, skipped, failed: ranNow.filter((r) => r.status !== 'done').length };
}

/**
 * Makes the queue this run's: refused when it still holds unfinished jobs of another trial set
 * (a leftover of a different spec run into a directory of the same name), else its meta is
 * (re)written and the queue registered for the workers.
 */
async function claimQueue(redis: RedisClient, queue: Queue, meta: QueueMeta, url: string): Promise<void> {
  const raw = await redis.get(metaKey(queue.name));
  const old = raw ? (JSON.parse(raw) as QueueMeta) : null;
  if (old && old.trialSet !== meta.trialSet) {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused');
    const unfinished = Object.values(c).reduce((a, b) => a + b, 0);
    if (unfinished > 0) {
      throw new LabError(
        `the queue ${queue.name} at ${url} still holds ${unfinished} unfinished trial(s) of a different spec (trial set ${old.trialSet}, enqueued by descent ${old.version} at ${old.updatedAt}; this one is ${meta.trialSet}): ` +
          `finish that run first (its compare with --queue collects it), or give this run its own directory with -o (a directory's name is its queue's)`,
      );
    }
    // A finished leftover: its completed jobs are not ours.
    await queue.obliterate({ force: true });
  }
  await redis.set(metaKey(queue.name), JSON.stringify(meta));
  await redis.sadd(QUEUES_KEY, queue.name);
}
