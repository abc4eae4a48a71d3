/**
 * What a study shows: per task, a DeepOBS-style table (per method the tuned configuration, its
 * performance over the final seeds, speed as time to the target, tuneability), the learning-rate
 * sensitivity curves, and AlgoPerf-style performance profiles over the tasks. The same rows make
 * the CLI's text table and the HTML report's tables.
 */
import { curvesChart, writePlot, type Plot, type Series } from '../plots.js';
import type { ReportSection, Table } from '../report.js';
import { describeOptions, fmt, fmtMeanStdColumn, mean, textTable } from '../util.js';
import { performanceProfiles, profileTaus, timeToTarget, tuneability, type TimeToTarget } from './measures.js';
import { scoreOf, type MethodStudyResult, type StudyResult } from './study.js';

/** The tolerance of the tuneability column: within 5 % of the method's best score. */
export const TUNEABILITY_TOLERANCE = 0.05;

/** Per task entry: the target used (the spec's, else the weakest method's final mean, so every method can reach it). */
export function taskTargets(r: StudyResult): (number | null)[] {
  return r.plan.targets.map((t, ti) => {
    if (t !== undefined) return t;
    const means = r.methods.filter((m) => m.study.taskIndex === ti).map((m) => finalScores(m, r.plan.metric)).filter((xs) => xs.length).map((xs) => mean(xs)).filter(Number.isFinite);
    if (!means.length) return null;
    return r.plan.goal === 'max' ? Math.min(...means) : Math.max(...means);
  });
}

function finalScores(m: MethodStudyResult, metric: string): number[] {
  return m.finals.map((f) => scoreOf(f, metric)).filter((s): s is number => s !== null);
}

/** The first-rung score of each candidate (every candidate ran it; one budget for all). */
function firstRungScores(m: MethodStudyResult): (number | null)[] {
  return m.candidates.map((c) => c.scores[0] ?? null);
}

/** One method's row figures. */
export interface MethodRow {
  task: string;
  method: string;
  tuned: string;
  scores: number[];
  time: TimeToTarget | null;
  tuneability: number;
  completed: number;
  stopped: number;
  /** Asha and successive halving: stopped configurations per rung budget they stopped at, ascending. */
  stoppedAt?: [number, number][];
  /** Budget units the tuning trials trained, and what training every configuration's trials to the full budget once would take. */
  trained?: number | null;
  fullBudget?: number | null;
}

/** The early-stopping figures of a method's candidates (null figures without a budget). */
function stoppingFigures(m: MethodStudyResult, r: StudyResult): Pick<MethodRow, 'stoppedAt' | 'trained' | 'fullBudget'> {
  const budget = r.plan.spec.search.budget;
  const halving = r.plan.spec.search.method === 'asha' || r.plan.spec.search.method === 'successive-halving';
  if (!budget || !halving) return { stoppedAt: [], trained: null, fullBudget: null };
  const counts = new Map<number, number>();
  for (const c of m.candidates) if (c.status === 'stopped' && c.stoppedAt !== undefined) counts.set(c.stoppedAt, (counts.get(c.stoppedAt) ?? 0) + 1);
  return {
    stoppedAt: [...counts.entries()].sort((a, b) => a[0] - b[0]),
    trained: m.candidates.reduce((n, c) => n + (c.trained ?? 0), 0),
    fullBudget: m.candidates.length * r.plan.spec.tuningSeeds.length * budget.max,
  };
}

/** One line per method on what early stopping saved: where configurations stopped, and the budget trained against the full one. */
export function stoppingLine(row: MethodRow, option: string): string | null {
  if (row.trained === null || row.trained === undefined || row.fullBudget === null || row.fullBudget === undefined) return null;
  const at = row.stoppedAt?.length ? row.stoppedAt.map(([b, n]) => `${n} at ${option}=${b}`).join(', ') : 'none';
  const saved = row.fullBudget > 0 ? Math.round((100 * (row.fullBudget - row.trained)) / row.fullBudget) : 0;
  return `${row.method}: ${row.completed} completed, ${row.stopped} stopped (${at}); ${row.trained} of ${row.fullBudget} ${option} trained (${saved}% saved against the full budget for every configuration)`;
}

export function methodRows(r: StudyResult): MethodRow[] {
  const targets = taskTargets(r);
  return r.methods.map((m) => {
    const target = targets[m.study.taskIndex];
    return {
      task: m.study.taskLabel,
      method: m.study.method.label,
      tuned: m.best === null ? 'every configuration failed' : describeOptions(m.candidates[m.best].options) || '(nothing searched)',
      scores: finalScores(m, r.plan.metric),
      time: target === null ? null : timeToTarget(m.finals, r.plan.metric, target, r.plan.goal),
      tuneability: tuneability(firstRungScores(m), r.plan.goal, TUNEABILITY_TOLERANCE),
      completed: m.candidates.filter((c) => c.status === 'completed').length,
      stopped: m.candidates.filter((c) => c.status === 'stopped').length,
      ...stoppingFigures(m, r),
    };
  });
}

/** The DeepOBS-style table of one task's rows. */
export function studyTable(rows: readonly MethodRow[], metric: string, target: number | null, nSeeds: number): Table {
  const perf = fmtMeanStdColumn(rows.map((x) => x.scores));
  const unit = rows.find((x) => x.time)?.time?.unit ?? 'epoch';
  const headers = ['method', 'tuned configuration', `performance: ${metric} (mean ± std, ${nSeeds} seeds)`, `speed: ${unit}s to target ${fmt(target)}`, 'seconds to target', `tuneability (share within ${100 * TUNEABILITY_TOLERANCE}% of best)`, 'configurations (completed / stopped)'];
  const body = rows.map((x, i) => [
    x.method,
    x.tuned,
    perf[i],
    x.time?.at === null || !x.time ? 'not reached' : fmt(x.time.at),
    x.time?.seconds === null || !x.time ? '-' : fmt(x.time.seconds, 3),
    `${Math.round(100 * x.tuneability)}%`,
    `${x.completed} / ${x.stopped}`,
  ]);
  return { headers, rows: body };
}

/** Sensitivity series of one task: per method, its first-rung score against its lr (the best score per lr value). */
export function lrSeries(methods: readonly MethodStudyResult[], goal: 'min' | 'max'): Series[] {
  const better = goal === 'max' ? Math.max : Math.min;
  const out: Series[] = [];
  for (const m of methods) {
    const best = new Map<number, number>();
    m.candidates.forEach((c) => {
      const lr = c.options.lr;
      const s = c.scores[0];
      if (typeof lr !== 'number' || s === null || s === undefined) return;
      best.set(lr, best.has(lr) ? better(best.get(lr)!, s) : s);
    });
    if (best.size === 0) continue;
    const xs = [...best.keys()].sort((a, b) => a - b);
    out.push({ label: m.study.method.label, x: xs, mean: xs.map((x) => best.get(x)!) });
  }
  return out;
}

/** What the tuning trials ran with besides the task's options (a validation split), or ''. */
function tuneNote(m: MethodStudyResult): string {
  const extra = Object.entries(m.study.tuneTaskOptions).filter(([k, v]) => JSON.stringify(m.study.taskOptions[k]) !== JSON.stringify(v));
  return extra.length ? ` The tuning trials ran with ${describeOptions(Object.fromEntries(extra))} (the spec's tuneOptions); the final runs without.` : '';
}

/** The sections, plots (written into `plotDir`) and CLI text of a study. */
export async function studyReport(r: StudyResult, plotDir: string | null): Promise<{ sections: ReportSection[]; text: string }> {
  const rows = methodRows(r);
  const targets = taskTargets(r);
  const write = (p: Plot): Plot => (plotDir ? writePlot(plotDir, p) : p);
  const sections: ReportSection[] = [];
  const texts: string[] = [];
  const search = r.plan.spec.search;
  const how = search.method === 'grid' ? `grid search (${search.points} points per range)` : search.method === 'quasirandom' ? `quasi-random search (${search.trials} ${search.sequence} points, scrambling seed ${search.seed})` : search.method === 'asha'
          ? `ASHA (${search.trials} configurations, each trial stopped at a rung ${search.budget!.option} unless in the top 1/${search.eta} reported there so far, ${search.budget!.option} ${search.budget!.min}..${search.budget!.max})`
          : `successive halving (${search.trials} configurations, η ${search.eta}, ${search.budget!.option} ${search.budget!.min}..${search.budget!.max})`;
  const taskCount = r.plan.spec.tasks.length;
  for (let ti = 0; ti < taskCount; ti++) {
    const taskRows = rows.filter((_, i) => r.methods[i].study.taskIndex === ti);
    const methods = r.methods.filter((m) => m.study.taskIndex === ti);
    if (!methods.length) continue;
    const label = methods[0].study.taskLabel;
    const table = studyTable(taskRows, r.plan.metric, targets[ti], r.plan.seeds.length);
    const stopping = taskRows.map((x) => stoppingLine(x, search.budget?.option ?? 'epochs')).filter((x): x is string => x !== null);
    texts.push([`${label}\n${textTable(table.headers, table.rows)}`, ...(stopping.length ? [`early stopping (${search.method}):`, ...stopping.map((x) => `  ${x}`)] : [])].join('\n'));
    const series = lrSeries(methods, r.plan.goal);
    const plots = series.length
      ? [write(await curvesChart(series, { name: `tune-${ti}-lr-sensitivity`, title: `${label}: ${r.plan.metric} against the learning rate (tuning trials${search.budget && search.method !== 'grid' && search.method !== 'quasirandom' ? `, ${search.budget.option} ${search.budget.min}` : ''})`, xTitle: 'learning rate', yTitle: r.plan.metric, logX: true }))]
      : [];
    sections.push({
      title: `Tuning ${label}: performance, speed, tuneability`,
      text: [
        `Each method tuned by ${how} on ${r.plan.metric} (${r.plan.goal === 'max' ? 'higher' : 'lower'} is better), then its best configuration rerun over seeds ${r.plan.seeds.join(', ')}.${tuneNote(methods[0])}`,
        ...(stopping.length ? [`Early stopping (${search.method}): ${stopping.join('; ')}.`] : []),
        `Target ${fmt(targets[ti])}${r.plan.targets[ti] === undefined ? " (none in the spec: the weakest method's final mean, so every method can reach it)" : ''}; speed is when the mean curve over the seeds first reaches it. Tuneability: the share of a method's configurations within ${100 * TUNEABILITY_TOLERANCE}% of its best.`,
      ],
      tables: [table],
      plots,
    });
  }
  // Performance profiles over the tasks: cost = epochs (steps) to target of the final runs.
  const methodLabels = [...new Set(r.methods.map((m) => m.study.method.label))];
  const cost = Array.from({ length: taskCount }, (_, ti) =>
    methodLabels.map((label) => {
      const row = rows.find((x, i) => r.methods[i].study.taskIndex === ti && x.method === label);
      return row?.time?.at ?? Infinity;
    }),
  );
  const taus = profileTaus();
  const profiles = performanceProfiles(cost, taus);
  const profileSeries: Series[] = methodLabels.map((label, m) => ({ label, x: taus, mean: profiles[m] }));
  const profilePlot = write(await curvesChart(profileSeries, { name: 'tune-performance-profiles', title: `Performance profiles over ${taskCount} task${taskCount === 1 ? '' : 's'}: share of tasks within τ of the fastest to target`, xTitle: 'τ (time to target / best time to target)', yTitle: 'fraction of tasks', logX: true }));
  const atTaus = performanceProfiles(cost, [1, 2, 4, 10]);
  const profileTable: Table = { headers: ['method', 'ρ(1)', 'ρ(2)', 'ρ(4)', 'ρ(10)'], rows: methodLabels.map((label, m) => [label, ...atTaus[m].map((v) => fmt(v))]) };
  sections.push({
    title: 'Performance profiles',
    text: [`ρ(τ): the fraction of the ${taskCount} task${taskCount === 1 ? '' : 's'} on which a method reaches the target within τ times the best method's ${rows.find((x) => x.time)?.time?.unit ?? 'epoch'}s (AlgoPerf's score is the area under this curve).`],
    tables: [profileTable],
    plots: [profilePlot],
  });
  texts.push(`performance profiles (fraction of tasks within τ of the fastest to target)\n${textTable(profileTable.headers, profileTable.rows)}`);
  return { sections, text: texts.join('\n\n') };
}
