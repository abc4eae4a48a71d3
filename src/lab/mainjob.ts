/**
 * The main job (`descent` with no arguments): the same MLP trained on the built-in
 * Fashion-MNIST subset with six optimizers (SGD, momentum, Nesterov, Adam, AMSGrad, AdaShift),
 * a few seeds each, each at its own tuned learning rate; a table of the tuned lr, final train
 * loss, test accuracy and time (mean ± std over seeds) and an HTML report with plots.
 */
import { resolveMethod, type Method } from './methods.js';
import type { ReportSection } from './report.js';
import type { TrialConfig, TrialRecord } from './trial.js';
import { mainJobTunedLrs, mainJobTuning } from './tuned/mainjob-lrs.js';
import { fmt, fmtMeanStdColumn, textTable, type JsonObject } from './util.js';

export { mainJobTunedLrs, mainJobTuning };

export interface MainJobOptions {
  seeds: number;
  epochs: number;
  hidden: number[];
  batchSize: number;
  /** Training examples used from the built-in subset (null: all 6,000). */
  trainLimit: number | null;
}

export const mainJobDefaults: MainJobOptions = { seeds: 2, epochs: 3, hidden: [256, 256], batchSize: 64, trainLimit: null };

/** The main job's methods in table order. */
export const MAIN_JOB_METHODS = ['sgd', 'momentum', 'nesterov', 'adam', 'amsgrad', 'adashift'] as const;

/**
 * The methods compared, each at the learning rate the lab's tuning study chose for it
 * (./tuned/mainjob-lrs.ts, from the study ./tuned/mainjob.yaml): a fair comparison tunes every
 * method rather than running all at one rate. Momentum and Nesterov keep momentum 0.9.
 */
export function mainJobMethods(): Method[] {
  return MAIN_JOB_METHODS.map((name) => {
    const lr = mainJobTunedLrs[name].lr;
    return resolveMethod(name, name === 'momentum' || name === 'nesterov' ? { lr, momentum: 0.9 } : { lr }, name);
  });
}

export function mainJobTrials(o: MainJobOptions): TrialConfig[] {
  const taskOptions: JsonObject = { dataset: 'builtin', epochs: o.epochs, hidden: o.hidden, batchSize: o.batchSize, trainLimit: o.trainLimit };
  const trials: TrialConfig[] = [];
  for (const method of mainJobMethods()) {
    for (let seed = 0; seed < o.seeds; seed++) trials.push({ task: 'mlp', taskOptions, method, seed });
  }
  return trials;
}

/** One line saying where the learning rates come from. */
export function mainJobLrNote(): string {
  return `learning rates: tuned per method by the lab's study ${mainJobTuning.spec} (${mainJobTuning.grid}; chosen by ${mainJobTuning.selection}); re-derive: ${mainJobTuning.command}`;
}

/** The report section on the learning rates: which, chosen how, and the rate each replaced. */
export function mainJobLrSection(): ReportSection {
  return {
    title: 'Learning rates: tuned per method',
    text: [
      `Every method runs at its own learning rate, chosen by the lab's tuning study ${mainJobTuning.spec}: ${mainJobTuning.grid}, each scored by ${mainJobTuning.selection}. The test set played no part in the choice. Re-derive them with: ${mainJobTuning.command}`,
    ],
    tables: [
      {
        headers: ['method', 'tuned lr', 'validation accuracy (%) at it', 'lr before tuning'],
        rows: MAIN_JOB_METHODS.map((m) => [m, fmt(mainJobTunedLrs[m].lr), fmt(100 * mainJobTunedLrs[m].validationAccuracy), fmt(mainJobTunedLrs[m].before)]),
      },
    ],
  };
}

/** The main job's text table: per method its tuned lr, final train loss, test accuracy and time. */
export function mainJobTable(records: readonly TrialRecord[]): string {
  const groups = new Map<string, TrialRecord[]>();
  for (const r of records) {
    if (r.status !== 'done') continue;
    const k = r.config.method.label;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const runs = [...groups.values()];
  const columns = [
    fmtMeanStdColumn(runs.map((rs) => rs.map((r) => (r.final.trainLoss ?? NaN) as number))),
    fmtMeanStdColumn(runs.map((rs) => rs.map((r) => 100 * ((r.final.testAccuracy ?? NaN) as number)))),
    fmtMeanStdColumn(runs.map((rs) => rs.map((r) => r.seconds)), 3),
  ];
  const rows = [...groups.keys()].map((label, i) => [label, fmt(runs[i][0].config.method.options.lr as number), String(runs[i].length), ...columns.map((c) => c[i])]);
  return textTable(['method', 'tuned lr', 'seeds', 'final train loss', 'test accuracy (%)', 'time per trial (s)'], rows);
}
