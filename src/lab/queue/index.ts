/**
 * Sweeps on a real queue: BullMQ on Redis. The coordinator ({@link queueRunner}) has the local
 * runner's signature and is the run store's only writer; workers ({@link startQueueWorker}, the
 * `descent worker` command) train the trials anywhere that reaches Redis. docs/distributed.md
 * describes the design and how to run workers under Kubernetes and Slurm.
 */
export { queueRunner, type QueueRunnerOptions, type QueueMeta } from './coordinator.js';
export { startQueueWorker, type QueueWorker, type QueueWorkerOptions } from './worker.js';
export { queueStatus, type QueueStatus } from './status.js';
export { connectRedis, checkRedisUrl } from './peers.js';
export { queueNameFor, jobIdOf } from './naming.js';
export { type TrialJobData, versionMismatch } from './job.js';
export { readRunQueueInfo, type RunQueueInfo } from './run-queue-file.js';
