/**
 * A study end to end into one run directory: hold its writer lock, record what the run is in
 * run.json, run the study (each batch with its own progress display), then write the tables,
 * plots and HTML report. What `descent tune` calls; the runner is injectable (`runner`), so a
 * queue-backed one can spread the trials over machines with the same store and ids.
 */
import { join, resolve } from 'node:path';
import { ensureDirectory } from '../../io/atomic.js';
import { lockRunDir } from '../lock.js';
import { machineInfo } from '../machine.js';
import { createProgress } from '../progress.js';
import { writeReport } from '../report.js';
import { RunStore } from '../store.js';
import { summarize } from '../summary.js';
import type { StudyPlan } from './plan.js';
import { studyReport } from './report.js';
import { runStudy, type StudyResult, type TrialRunner } from './study.js';
import { runTrials } from '../runner.js';

export interface TuneRunOptions {
  plan: StudyPlan;
  outDir: string;
  command: string;
  /** Executes each batch of trials; default {@link runTrials} (worker threads on this host). */
  runner?: TrialRunner;
  workers?: number;
  fresh?: boolean;
  quiet?: boolean;
  log?: (s: string) => void;
  machineDetails?: boolean;
}

export interface TuneRunOutput {
  result: StudyResult;
  store: RunStore;
  reportPath: string;
  text: string;
}

export async function runTuneStudy(o: TuneRunOptions): Promise<TuneRunOutput> {
  const store = new RunStore(o.outDir);
  ensureDirectory(store.dir);
  const log = o.log ?? ((s: string) => process.stderr.write(s));
  const lock = lockRunDir(store.dir, o.command, (line) => log(`${line}\n`));
  try {
    const trials = o.plan.studies.reduce((n, s) => n + s.candidates.length * o.plan.spec.tuningSeeds.length, 0) + o.plan.studies.length * o.plan.seeds.length;
    store.open({ name: o.plan.name, kind: 'tune', command: o.command, createdAt: new Date().toISOString(), machine: machineInfo({ details: o.machineDetails }), spec: o.plan.spec, trials });
    const runner = o.runner ?? runTrials;
    // Each batch (a rung, the final runs) gets its own progress display.
    const withProgress: TrialRunner = async (opts) => {
      const progress = createProgress({ quiet: o.quiet, write: o.log });
      try {
        return await runner({ ...opts, onEvent: (e) => progress.onEvent(e) });
      } finally {
        progress.stop();
      }
    };
    const result = await runStudy(o.plan, { store, runner: withProgress, workers: o.workers, fresh: o.fresh, onPhase: o.quiet ? undefined : (line) => log(`${line}\n`) });
    const plotDir = join(store.dir, 'plots');
    const study = await studyReport(result, plotDir);
    const finals = await summarize(result.methods.flatMap((m) => m.finals), plotDir);
    const reportPath = resolve(join(store.dir, 'report.html'));
    writeReport(reportPath, {
      title: `descent tune: ${o.plan.name}`,
      subtitle: o.plan.spec.description,
      command: o.command,
      machine: machineInfo({ details: o.machineDetails }),
      runDirs: [store.dir],
      sections: [...study.sections, ...finals.sections.map((s) => ({ ...s, title: `Final runs: ${s.title}` }))],
    });
    return { result, store, reportPath, text: study.text };
  } finally {
    lock.release();
  }
}
