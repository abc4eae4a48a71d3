/**
 * Runs one trial in the current thread and packages its record. Used by the worker threads
 * and, with `workers: 0`, in-process. A trial stopped by its `onEpoch` hook (a pruner) is an
 * ordinary 'done' record with `extra.pruned = { epoch }`: the epoch it stopped after.
 */
import { getTask } from './catalog.js';
import { parseTaskOptions, withDefaultLr, type TaskHooks } from './tasks.js';
import { trialId, type TrialConfig, type TrialRecord } from './trial.js';

export async function executeTrial(config: TrialConfig, hooks: TaskHooks = {}): Promise<TrialRecord> {
  const t0 = performance.now();
  const id = trialId(config);
  try {
    const task = getTask(config.task);
    const options = parseTaskOptions(task, config.taskOptions, `${config.task}.options`);
    const method = withDefaultLr(task, config.method, options);
    let prunedAt: number | null = null;
    const onEpoch = hooks.onEpoch;
    const taskHooks: TaskHooks = onEpoch
      ? {
          ...hooks,
          onEpoch: (epoch, values) => {
            const stop = onEpoch(epoch, values) === true;
            if (stop) prunedAt = epoch;
            return stop;
          },
        }
      : hooks;
    const out = await task.run({ ...config, method }, options, taskHooks);
    if (prunedAt !== null) out.extra = { ...(out.extra ?? {}), pruned: { epoch: prunedAt } };
    return { type: 'trial', id, status: 'done', config, ...out, seconds: (performance.now() - t0) / 1000, finishedAt: new Date().toISOString() };
  } catch (err) {
    return {
      type: 'trial',
      id,
      status: 'failed',
      config,
      final: {},
      error: err instanceof Error ? err.message : String(err),
      seconds: (performance.now() - t0) / 1000,
      finishedAt: new Date().toISOString(),
    };
  }
}
