/**
 * What a queue job carries and what it returns. The data names the descent version that made
 * it, since a worker of another version could train differently; a worker refuses such a job
 * (see ./worker.ts). The return value is the trial's record, as the local runner stores it.
 */
import type { TrialConfig } from '../trial.js';

/** The data of one job: a trial and where it came from. */
export interface TrialJobData {
  /** The descent version of the coordinator that enqueued the trial. */
  version: string;
  /** The run directory's name (for the worker's log). */
  run: string;
  /** The trial id (equal to the job id, see jobIdOf). */
  id: string;
  config: TrialConfig;
  /** The coordinator's engine backend, so the worker trains on the same one (same numbers). */
  backend: string;
  /**
   * With a pruner (`descent tune`'s asha): the epochs after which the trial waits for the
   * coordinator's decision (see {@link pruneKey}).
   */
  prune?: { asks: number[] };
}

/** The progress a worker reports on a job (job.updateProgress). */
export interface TrialJobProgress {
  fraction: number;
  status?: string;
  /** A per-epoch report of a trial with a pruner; `ask`: it waits for the coordinator's decision. */
  report?: { epoch: number; values: Record<string, number>; ask: boolean };
}

/**
 * The Redis hash of a job's pruning decisions: field = epoch, value 'stop' or 'go'. The
 * coordinator writes it when the job reports at an asked epoch; the worker polls it. A retried
 * job (its worker killed) finds the decisions already made and gets the same answers.
 */
export function pruneKey(queueName: string, jobId: string): string {
  return `descent:prune:${queueName}:${jobId}`;
}

/** BullMQ's job name for trials. */
export const TRIAL_JOB = 'trial';

/** The message of a worker refusing a job made by another descent version. */
export function versionMismatch(jobVersion: string, workerVersion: string): string {
  return `this trial was enqueued by descent ${jobVersion} but the worker runs descent ${workerVersion}; run workers of descent ${jobVersion} (npm install descent@${jobVersion}), or re-run the coordinator with descent ${workerVersion}`;
}
