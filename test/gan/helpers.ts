/** Running a GAN reproduction's trials in this thread (no worker threads, no run directory). */
import { initBackend } from '../../src/backend/load.js';
import { ganTasks } from '../../src/lab/catalog.js';
import type { Analysis, Reproduction, Scale } from '../../src/lab/reproductions/types.js';
import { parseTaskOptions } from '../../src/lab/tasks.js';
import { trialId, type TrialConfig, type TrialRecord } from '../../src/lab/trial.js';

/** The fastest backend available (as the package root and the CLI pick it). */
export function fastBackend(): void {
  initBackend({ quiet: true });
}

/** Runs one trial config through its GAN task, as the lab's executeTrial would. */
export async function runTrial(config: TrialConfig): Promise<TrialRecord> {
  const task = ganTasks.find((t) => t.name === config.task);
  if (!task) throw new Error(`no GAN task '${config.task}'`);
  const t0 = performance.now();
  const options = parseTaskOptions(task, config.taskOptions, `${config.task}.options`);
  const out = await task.run(config, options, {});
  return { type: 'trial', id: trialId(config), status: 'done', config, ...out, seconds: (performance.now() - t0) / 1000, finishedAt: new Date().toISOString() };
}

/**
 * Runs a reproduction's trials at `scale` (each config passed through `adjust`, which may drop
 * it by returning null) and analyzes them, plots into `plotDir` when given.
 */
export async function reproduce(rep: Reproduction, scale: Scale, o: { adjust?: (c: TrialConfig) => TrialConfig | null; plotDir?: string | null } = {}): Promise<{ records: TrialRecord[]; analysis: Analysis }> {
  const configs = rep.trials(scale).map((c) => (o.adjust ? o.adjust(c) : c)).filter((c): c is TrialConfig => c !== null);
  const records: TrialRecord[] = [];
  for (const c of configs) records.push(await runTrial(c));
  return { records, analysis: await rep.analyze(records, o.plotDir ?? null, scale) };
}
