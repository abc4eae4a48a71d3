/**
 * Running an experiment end to end: open the run's store, run the trials (resuming), then
 * summarize into tables, plots and an HTML report. Shared by the main job, `compare` and the
 * reproductions.
 */
import { join, resolve } from 'node:path';
import { ensureDirectory } from '../io/atomic.js';
import { lockRunDir } from './lock.js';
import { machineInfo } from './machine.js';
import { createProgress } from './progress.js';
import { writeReport, type ReportSection } from './report.js';
import { runTrials, type RunTrialsOptions, type RunTrialsResult } from './runner.js';
import { RunStore, type RunInfo } from './store.js';
import { summarize } from './summary.js';
import type { TrialConfig, TrialRecord } from './trial.js';

export interface ExperimentOptions {
  name: string;
  kind: RunInfo['kind'];
  outDir: string;
  trials: TrialConfig[];
  command: string;
  spec?: unknown;
  workers?: number;
  fresh?: boolean;
  quiet?: boolean;
  /** Where progress lines go (default: stderr, with a bar on a terminal). */
  log?: (s: string) => void;
  /** Record the hostname and user name in run.json (`--machine-details`); off by default. */
  machineDetails?: boolean;
  /** What runs the trials (default: the local pool, runTrials); e.g. a queue's coordinator (src/lab/queue). */
  runner?: (o: RunTrialsOptions) => Promise<RunTrialsResult>;
}

/**
 * Runs the trials into `outDir` with a progress display; returns the records of all of them.
 * Holds the directory's writer lock (src/lab/lock.ts) throughout: a second writer is refused.
 */
export async function runExperiment(o: ExperimentOptions): Promise<RunTrialsResult & { store: RunStore }> {
  const store = new RunStore(o.outDir);
  ensureDirectory(store.dir);
  const lock = lockRunDir(store.dir, o.command, (line) => (o.log ?? ((s: string) => process.stderr.write(s)))(`${line}\n`));
  try {
    return await runLocked(o, store, lock.release);
  } finally {
    lock.release();
  }
}

async function runLocked(o: ExperimentOptions, store: RunStore, releaseLock: () => void): Promise<RunTrialsResult & { store: RunStore }> {
  store.open({ name: o.name, kind: o.kind, command: o.command, createdAt: new Date().toISOString(), machine: machineInfo({ details: o.machineDetails }), spec: o.spec, trials: o.trials.length });
  const progress = createProgress({ quiet: o.quiet, write: o.log });
  activeRun = { dir: store.dir, progress, releaseLock };
  try {
    const result = await (o.runner ?? runTrials)({ store, trials: o.trials, workers: o.workers, fresh: o.fresh, onEvent: (e) => progress.onEvent(e) });
    return { ...result, store };
  } finally {
    progress.stop();
    activeRun = null;
  }
}

/** The run in progress (for the interrupt handler: stop the bar, release the lock, say where results are). */
export let activeRun: { dir: string; progress: { stop(): void }; releaseLock(): void } | null = null;

export interface ReportOutput {
  reportPath: string;
  text: string;
  sections: ReportSection[];
}

/**
 * Tables and plots of `records` into `<dir>/plots`, the HTML report into `<dir>/report.html`;
 * the hostname and user name appear only with `machineDetails`.
 */
export async function reportRecords(
  records: readonly TrialRecord[],
  dir: string,
  o: { title: string; subtitle?: string; command: string; runDirs?: string[]; intro?: ReportSection[]; reportPath?: string; plotsDir?: string; machineDetails?: boolean },
): Promise<ReportOutput> {
  const { sections, text } = await summarize(records, o.plotsDir ?? join(dir, 'plots'));
  const all = [...(o.intro ?? []), ...sections];
  const reportPath = resolve(o.reportPath ?? join(dir, 'report.html'));
  writeReport(reportPath, { title: o.title, subtitle: o.subtitle, command: o.command, machine: machineInfo({ details: o.machineDetails }), runDirs: o.runDirs ?? [resolve(dir)], sections: all });
  return { reportPath, text, sections: all };
}
