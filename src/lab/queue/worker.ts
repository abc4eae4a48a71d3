/**
 * `descent worker`: serves every descent queue on a Redis server (the set naming them is
 * watched, so runs enqueued later are served too). Trials train in worker threads
 * (./trial-threads.ts), so the main thread is free for BullMQ's lock renewals. A worker that
 * dies (SIGKILL, a lost machine) stops renewing: once its locks expire, another worker's stalled
 * check puts its trials back on the queue. A job from another descent version is refused.
 */
import type { Job, Queue as BullQueue, Worker } from 'bullmq';
import { descentVersion } from '../machine.js';
import type { TrialRecord } from '../trial.js';
import { LabError } from '../util.js';
import { pruneKey, versionMismatch, type TrialJobData, type TrialJobProgress } from './job.js';
import { QUEUES_KEY, metaKey } from './naming.js';
import { bullConnection, bullmq, connectRedis } from './peers.js';
import { TrialThreads } from './trial-threads.js';
import type { QueueMeta } from './coordinator.js';

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  url: string;
  /** Trials at a time (worker threads). Default 1. */
  concurrency?: number;
  /**
   * How long a job's lock lasts without renewal, in ms (renewed every half of it while the trial
   * runs). A killed worker's trials are retried once it expires. Default 30000.
   */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (locks expired), in ms. Default 15000. */
  stalledIntervalMs?: number;
  /** How many times a job may stall before it fails. Default 2. */
  maxStalledCount?: number;
  /** How often the set of queues is re-read, in ms. Default 1000. */
  discoveryMs?: number;
  /**
   * How long a trial waits for the coordinator's pruning decision (asha) before it goes on, in
   * ms. Default 600000.
   */
  decisionTimeoutMs?: number;
  /** How often the decision is looked for, in ms. Default 50. */
  decisionPollMs?: number;
  /** Exit once every queue is empty and no trial runs here (a batch job's worker). */
  untilEmpty?: boolean;
  log?: (line: string) => void;
}

/** A running worker. */
export interface QueueWorker {
  /** Resolves when the worker stops (closed, or empty queues with `untilEmpty`). */
  readonly done: Promise<void>;
  /** Stops taking jobs, waits for the running ones, and disconnects. */
  close(): Promise<void>;
}

/** Connects to `url` (a LabError when unreachable) and starts serving its descent queues. */
export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorker> {
  const concurrency = o.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new LabError(`worker concurrency must be a positive integer, got ${concurrency}`);
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { Worker: BullWorker, Queue, UnrecoverableError } = bullmq();
  const redis = await connectRedis(o.url);
  const version = descentVersion();
  const threads = new TrialThreads(concurrency);
  const workers = new Map<string, Worker<TrialJobData, TrialRecord>>();
  const refused = new Map<string, string>();
  /** With untilEmpty: the queues whose job counts say when to stop. */
  const counters = new Map<string, BullQueue>();
  let running = 0;
  let emptyTicks = 0;
  let closing: Promise<void> | undefined;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const processJob = async (job: Job<TrialJobData, TrialRecord>): Promise<TrialRecord> => {
    const d = job.data;
    if (d.version !== version) {
      log(`descent worker: refused trial ${d.id} of run ${d.run}: ${versionMismatch(d.version, version)}`);
      throw new UnrecoverableError(versionMismatch(d.version, version));
    }
    running++;
    log(`descent worker: started trial ${d.id} (run ${d.run}, attempt ${job.attemptsMade + 1})`);
    try {
      const epochs = typeof d.config.taskOptions.epochs === 'number' ? d.config.taskOptions.epochs : null;
      const progress = (p: TrialJobProgress): void => void job.updateProgress(p).catch(() => {});
      const pruning = d.prune
        ? {
            asks: d.prune.asks,
            onReport: (epoch: number, values: Record<string, number>, ask: boolean) => progress({ fraction: epochs ? epoch / epochs : 0, report: { epoch, values, ask } }),
            decide: (epoch: number) => awaitDecision(job.queueName, job.id!, epoch, d.id),
          }
        : undefined;
      const record = await threads.run(d.id, d.config, d.backend, (fraction, status) => progress({ fraction, status }), pruning);
      log(`descent worker: finished trial ${d.id} (${record.status}, ${record.seconds.toFixed(2)} s)`);
      return record;
    } finally {
      running--;
    }
  };

  /** Polls the job's decision hash until the coordinator answers (true: stop), or gives up and goes on. */
  const awaitDecision = async (queueName: string, jobId: string, epoch: number, id: string): Promise<boolean> => {
    const limit = o.decisionTimeoutMs ?? 600000;
    for (const t0 = Date.now(); Date.now() - t0 < limit && !closing; ) {
      const v = await redis.hget(pruneKey(queueName, jobId), String(epoch));
      if (v !== null) return v === 'stop';
      await new Promise((r) => setTimeout(r, o.decisionPollMs ?? 50));
    }
    log(`descent worker: trial ${id}: no pruning decision for epoch ${epoch} within ${limit} ms (is its coordinator running?); it goes on`);
    return false;
  };

  const serve = (name: string, meta: QueueMeta | null): void => {
    if (meta && meta.version !== version) {
      if (refused.get(name) !== meta.version) log(`descent worker: not serving queue ${name} (run ${meta.run}): ${versionMismatch(meta.version, version)}`);
      refused.set(name, meta.version);
      return;
    }
    refused.delete(name);
    const w = new BullWorker<TrialJobData, TrialRecord>(name, processJob, {
      connection: bullConnection(o.url),
      concurrency,
      lockDuration: o.lockDurationMs ?? 30000,
      stalledInterval: o.stalledIntervalMs ?? 15000,
      maxStalledCount: o.maxStalledCount ?? 2,
    });
    w.on('error', (err) => log(`descent worker: queue ${name}: ${err.message}`));
    workers.set(name, w);
    log(`descent worker: serving queue ${name}${meta ? ` (run ${meta.run})` : ''} with ${concurrency} trial thread(s)`);
  };

  const discover = async (): Promise<void> => {
    const names = await redis.smembers(QUEUES_KEY);
    for (const name of names.sort()) {
      if (workers.has(name) || closing) continue;
      const raw = await redis.get(metaKey(name));
      if (closing) return;
      serve(name, raw ? (JSON.parse(raw) as QueueMeta) : null);
    }
    if (o.untilEmpty) {
      let queued = 0;
      for (const name of workers.keys()) {
        if (closing) return;
        if (!counters.has(name)) counters.set(name, new Queue(name, { connection: bullConnection(o.url) }));
        const c = await counters.get(name)!.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        queued += Object.values(c).reduce((a, b) => a + b, 0);
      }
      emptyTicks = queued === 0 && running === 0 ? emptyTicks + 1 : 0;
      if (emptyTicks >= 2 && !closing) void close();
    }
  };

  // One discovery at a time (a timeout chain, not an interval), none once closing: a queue served
  // or counted after close() would keep the process alive.
  let timer: NodeJS.Timeout | undefined;
  const tick = async (): Promise<void> => {
    if (closing) return;
    try {
      await discover();
    } catch (err) {
      log(`descent worker: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!closing) timer = setTimeout(() => void tick(), o.discoveryMs ?? 1000);
  };
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearTimeout(timer);
      await Promise.all([...workers.values()].map((w) => w.close()));
      await Promise.all([...counters.values()].map((q) => q.close()));
      await threads.close();
      redis.disconnect();
      finish();
    })();
    return closing;
  };
  await discover();
  timer = setTimeout(() => void tick(), o.discoveryMs ?? 1000);
  log(`descent worker: descent ${version}, Redis ${o.url}`);
  return { done, close };
}
