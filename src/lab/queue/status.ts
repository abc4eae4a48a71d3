/**
 * What `descent runs status RUN` shows: the run's trials from its store (done, failed, declared)
 * and, when its trials went to a queue that is reachable now, the queue's counts (active,
 * waiting, failed, and completed but not yet collected into the store).
 */
import { openRun } from '../store.js';
import { readRunQueueInfo, type RunQueueInfo } from './run-queue-file.js';
import { bullConnection, bullmq, connectRedis } from './peers.js';

/** The status of one run. */
export interface QueueStatus {
  dir: string;
  declared?: number;
  done: number;
  failed: number;
  queue: (RunQueueInfo & { counts?: Record<string, number>; unreachable?: string }) | null;
}

/** The status of the run in `dir`; the queue's counts when it can be reached. */
export async function queueStatus(dir: string): Promise<QueueStatus> {
  const store = openRun(dir);
  const trials = store.trials();
  const status: QueueStatus = {
    dir: store.dir,
    declared: store.info()?.trials,
    done: trials.filter((r) => r.status === 'done').length,
    failed: trials.filter((r) => r.status !== 'done').length,
    queue: readRunQueueInfo(store.dir),
  };
  if (!status.queue) return status;
  try {
    const redis = await connectRedis(status.queue.url);
    const { Queue } = bullmq();
    const q = new Queue(status.queue.queue, { connection: bullConnection(status.queue.url) });
    try {
      const c = await q.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'failed', 'completed');
      status.queue.counts = { active: c.active, waiting: c.waiting + c.delayed + c.prioritized, failed: c.failed, completed: c.completed };
    } finally {
      await q.close();
      redis.disconnect();
    }
  } catch (err) {
    status.queue.unreachable = err instanceof Error ? err.message : String(err);
  }
  return status;
}
