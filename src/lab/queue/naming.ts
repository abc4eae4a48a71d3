/**
 * How a run maps onto Redis: one BullMQ queue per run, named from the run directory, with a
 * small meta record beside it (which trial set and descent version it holds) and an entry in
 * the set of descent queues that workers watch. Job ids are the trial ids, so a trial enqueued
 * twice (a re-run, a second coordinator) is one job.
 */
import { basename } from 'node:path';
import { stableHash } from '../util.js';

/** The Redis set of every descent queue name; `descent worker` serves the queues in it. */
export const QUEUES_KEY = 'descent:queues';

/** The queue of the run stored in `runDir`: `descent.<directory name>` (BullMQ names cannot hold ':'). */
export function queueNameFor(runDir: string): string {
  const name = basename(runDir).replace(/[^A-Za-z0-9._-]/g, '_') || 'run';
  return `descent.${name}`;
}

/** The Redis key of a queue's meta record. */
export function metaKey(queueName: string): string {
  return `descent:meta:${queueName}`;
}

/**
 * The BullMQ job id of a trial: the trial id itself (a hex hash). BullMQ refuses ids that read
 * as integers, which a hex hash is with a tiny chance, so those get a `t` in front.
 */
export function jobIdOf(trialId: string): string {
  return /^\d+$/.test(trialId) ? `t${trialId}` : trialId;
}

/** What a queue holds, by the set of its trial ids: the same spec gives the same hash however its trials are ordered. */
export function trialSetHash(ids: readonly string[]): string {
  return stableHash([...new Set(ids)].sort());
}
