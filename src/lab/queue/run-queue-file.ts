/**
 * `queue.json` in a run directory: which Redis server and queue the run's trials went to, so
 * `descent runs status RUN` can ask the queue without being told again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDirectory, writeFileAtomic } from '../../io/atomic.js';

export const QUEUE_FILE = 'queue.json';

/** Where a run's trials were enqueued. */
export interface RunQueueInfo {
  url: string;
  queue: string;
  /** Trials enqueued (pending when enqueued). */
  enqueued: number;
  enqueuedAt: string;
}

export function writeRunQueueInfo(runDir: string, info: RunQueueInfo): void {
  ensureDirectory(runDir);
  writeFileAtomic(join(runDir, QUEUE_FILE), JSON.stringify(info, null, 2) + '\n', 'results store');
}

/** The run's queue.json, or null when its trials never went to a queue. */
export function readRunQueueInfo(runDir: string): RunQueueInfo | null {
  const path = join(runDir, QUEUE_FILE);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunQueueInfo;
  } catch {
    return null;
  }
}
