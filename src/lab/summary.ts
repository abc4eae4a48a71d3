/**
 * Tables and plots for a set of trial records: what `descent compare`, the main job and
 * `descent report` show. Trials are grouped per task (with its options), then per method.
 */
import { join } from 'node:path';
import { curves, finalStats, groupTrials, type Group } from './aggregate.js';
import { barChart, contourChart, curvesChart, writePlot, type Plot } from './plots.js';
import { getFunction2D } from './problems/functions2d.js';
import type { ReportSection, Table } from './report.js';
import { canonicalJson, fmt, fmtMeanStdColumn, mean, textTable, type JsonObject } from './util.js';
import type { TrialRecord } from './trial.js';

const CLASSIFICATION = new Set(['logistic', 'mlp', 'cnn']);

interface MetricColumn {
  key: string;
  /** The header, its unit in parentheses where it has one. */
  header: string;
  /** Multiplies the stored value for display (a fraction shown in %). */
  scale?: number;
}

function metricColumns(task: string): MetricColumn[] {
  if (CLASSIFICATION.has(task)) {
    return [
      { key: 'trainLoss', header: 'final train loss' },
      { key: 'testAccuracy', header: 'test accuracy (%)', scale: 100 },
      { key: 'testLoss', header: 'test loss' },
    ];
  }
  if (task.startsWith('online-')) return [{ key: 'thetaMean', header: 'final θ' }, { key: 'averageRegret', header: 'average regret' }];
  if (task === 'quadratic-nd') return [{ key: 'iterations', header: 'iterations to tol' }, { key: 'relLoss', header: 'final f/f0' }];
  return [{ key: 'loss', header: 'final f' }, { key: 'distance', header: 'distance to minimum' }];
}

export interface TaskSummary {
  task: string;
  taskOptions: JsonObject;
  groups: Group[];
  table: Table;
}

/** Splits records by task and task options, in first-seen order. */
export function byTask(records: readonly TrialRecord[]): { task: string; taskOptions: JsonObject; records: TrialRecord[] }[] {
  const out = new Map<string, { task: string; taskOptions: JsonObject; records: TrialRecord[] }>();
  for (const r of records) {
    const k = `${r.config.task} ${canonicalJson(r.config.taskOptions)}`;
    if (!out.has(k)) out.set(k, { task: r.config.task, taskOptions: r.config.taskOptions, records: [] });
    out.get(k)!.records.push(r);
  }
  return [...out.values()];
}

/**
 * The per-method table of one task: mean ± std over seeds, each column in one number format
 * (see {@link fmtMeanStdColumn}), units in the headers.
 */
export function summaryTable(task: string, groups: Group[]): Table {
  const cols = metricColumns(task);
  const meanStd = (h: string): string => (h.endsWith(')') ? `${h.slice(0, -1)}, mean ± std)` : `${h} (mean ± std)`);
  const headers = ['method', 'seeds', ...cols.map((c) => meanStd(c.header)), meanStd('time per trial (s)')];
  const columns = [
    ...cols.map((c) => fmtMeanStdColumn(groups.map((g) => finalStats(g, c.key).values.map((v) => (c.scale ?? 1) * v)))),
    fmtMeanStdColumn(groups.map((g) => g.records.map((r) => r.seconds)), 3),
  ];
  const rows = groups.map((g, i) => [g.label, String(g.records.length), ...columns.map((col) => col[i])]);
  return { headers, rows };
}

function optionsText(o: JsonObject): string {
  const s = Object.entries(o)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join(', ');
  return s ? ` (${s})` : '';
}

/** The plots of one task's groups, written into `plotDir` with names prefixed by `prefix`. */
export async function taskPlots(task: string, groups: Group[], plotDir: string | null, prefix: string): Promise<Plot[]> {
  const plots: Plot[] = [];
  const add = async (p: Promise<Plot>): Promise<void> => {
    const plot = await p;
    plots.push(plotDir ? writePlot(plotDir, plot) : plot);
  };
  if (CLASSIFICATION.has(task)) {
    await add(curvesChart(curves(groups, 'epochs', 'epoch', 'trainLoss'), { name: `${prefix}train-loss`, title: `${task}: training loss per epoch (mean ± std over seeds)`, xTitle: 'epoch', yTitle: 'training loss (epoch mean)', logY: true }));
    // Accuracy in %, as in the table.
    const percent = curves(groups, 'epochs', 'epoch', 'testAccuracy').map((c) => ({ ...c, mean: c.mean.map((v) => 100 * v), std: c.std?.map((v) => 100 * v) }));
    await add(curvesChart(percent, { name: `${prefix}test-accuracy`, title: `${task}: test accuracy per epoch (mean ± std over seeds)`, xTitle: 'epoch', yTitle: 'test accuracy (%)' }));
    await add(curvesChart(curves(groups, 'steps', 'step', 'loss'), { name: `${prefix}step-loss`, title: `${task}: training loss per step (mean ± std over seeds)`, xTitle: 'step', yTitle: 'minibatch loss', logY: true }));
    await add(barChart(groups.map((g) => { const f = finalStats(g, 'testAccuracy'); return { label: g.label, mean: 100 * f.mean, std: 100 * f.std }; }), { name: `${prefix}final-accuracy`, title: `${task}: final test accuracy (mean ± std over seeds)`, yTitle: 'test accuracy (%)' }));
  } else if (task.startsWith('online-')) {
    await add(curvesChart(curves(groups, 'steps', 'step', 'thetaMean'), { name: `${prefix}theta`, title: `${task}: θ over steps`, xTitle: 'step', yTitle: 'θ', rule: { y: 0, label: 'start' } }));
  } else if (task === 'quadratic-nd') {
    await add(curvesChart(curves(groups, 'steps', 'step', 'relLoss'), { name: `${prefix}loss`, title: `${task}: f(x)/f(x0)`, xTitle: 'step', yTitle: 'f/f0', logY: true, logX: false }));
    await add(barChart(groups.map((g) => ({ label: g.label, ...finalStats(g, 'iterations') })), { name: `${prefix}iterations`, title: `${task}: iterations to tolerance`, yTitle: 'iterations' }));
  } else {
    const fn = getFunction2D(task);
    if (fn) {
      const trajectories = groups.map((g) => {
        const s = g.records[0].steps!;
        return { label: g.label, points: s.x.map((x, i) => [x, s.y[i]] as [number, number]) };
      });
      await add(contourChart(fn, trajectories, { name: `${prefix}trajectories`, title: `${fn.title}: trajectories (first seed)` }));
      const loss = curves(groups, 'steps', 'step', 'loss').map((s) => ({ ...s, mean: s.mean.map((v) => v - fn.fmin + 1e-12) }));
      await add(curvesChart(loss, { name: `${prefix}loss`, title: `${fn.title}: f - f_min`, xTitle: 'step', yTitle: 'f - f_min', logY: true }));
    }
  }
  return plots;
}

/** Report sections and the plain-text tables for a set of records. */
export async function summarize(records: readonly TrialRecord[], plotDir: string | null): Promise<{ sections: ReportSection[]; text: string }> {
  const tasks = byTask(records);
  const sections: ReportSection[] = [];
  const texts: string[] = [];
  let i = 0;
  for (const t of tasks) {
    const groups = groupTrials(t.records);
    if (groups.length === 0) continue;
    const table = summaryTable(t.task, groups);
    const title = `${t.task}${optionsText(t.taskOptions)}`;
    const prefix = tasks.length > 1 ? `${String(++i).padStart(2, '0')}-${t.task}-` : '';
    const plots = await taskPlots(t.task, groups, plotDir ? join(plotDir) : null, prefix);
    const failed = t.records.filter((r) => r.status !== 'done');
    const data = t.records.find((r) => r.extra?.data)?.extra?.data;
    const text: string[] = [];
    if (data) text.push(`Data: ${String(data)}.`);
    if (failed.length) text.push(`${failed.length} trial(s) failed: ${failed.slice(0, 3).map((r) => `${r.config.method.label} seed ${r.config.seed}: ${r.error}`).join('; ')}`);
    sections.push({ title, text, tables: [table], plots });
    texts.push(`${title}\n${textTable(table.headers, table.rows)}`);
  }
  return { sections, text: texts.join('\n\n') };
}

export { fmt, mean };
