/**
 * The queue's commands: `descent worker` (serve a Redis server's descent queues until stopped)
 * and `descent runs status RUN` (a run's progress from its store and its queue). Registered in
 * program.ts; the work is src/lab/queue's.
 */
import { textTable } from '../lab/util.js';
import { queueStatus, startQueueWorker, type QueueWorkerOptions } from '../lab/queue/index.js';

/** Options of `descent worker`, as parsed. */
export interface WorkerCommandOptions {
  queue: string;
  concurrency?: number;
  lockDuration?: number;
  stalledInterval?: number;
  untilEmpty?: boolean;
}

/**
 * Runs a worker until it is stopped: SIGTERM (what Kubernetes and Slurm send) finishes the
 * running trials first; SIGINT or SIGKILL stop at once, and the trials it held are retried by
 * another worker once their locks expire.
 */
export async function runWorkerCommand(o: WorkerCommandOptions, log: (line: string) => void): Promise<void> {
  const opts: QueueWorkerOptions = {
    url: o.queue,
    concurrency: o.concurrency,
    lockDurationMs: o.lockDuration,
    stalledIntervalMs: o.stalledInterval,
    untilEmpty: o.untilEmpty,
    log,
  };
  const worker = await startQueueWorker(opts);
  const onTerm = (): void => {
    log('descent worker: SIGTERM: finishing the running trials, then stopping');
    void worker.close();
  };
  process.once('SIGTERM', onTerm);
  try {
    await worker.done;
  } finally {
    process.off('SIGTERM', onTerm);
  }
  log('descent worker: stopped');
}

/** `descent runs status RUN`: done / failed from the store; active / waiting / failed / uncollected from the queue. */
export async function runsStatusText(dir: string): Promise<string> {
  const s = await queueStatus(dir);
  const lines = [`${s.dir}: ${s.done} done, ${s.failed} failed in the store${s.declared !== undefined ? ` (of ${s.declared} declared)` : ''}`];
  if (!s.queue) {
    lines.push('not run on a queue (no queue.json)');
  } else if (s.queue.unreachable) {
    lines.push(`queue ${s.queue.queue} at ${s.queue.url}: not reachable now (${s.queue.unreachable})`);
  } else if (s.queue.counts) {
    const c = s.queue.counts;
    lines.push(`queue ${s.queue.queue} at ${s.queue.url} (${s.queue.enqueued} enqueued ${s.queue.enqueuedAt}):`);
    lines.push(textTable(['active', 'waiting', 'failed', 'finished, not collected'], [[String(c.active), String(c.waiting), String(c.failed), String(c.completed)]]));
    if (c.completed > 0) lines.push('collect the finished ones into the store with the same `descent compare SPEC --queue URL` (without --detach)');
  }
  return lines.join('\n') + '\n';
}
