/**
 * Summaries over seeds: trials that differ only by their seed form a group; a group has the
 * mean ± std of each final figure and mean/std curves of each history column.
 */
import { groupKey, type Columns, type TrialRecord } from './trial.js';
import { mean, std } from './util.js';
import type { Series } from './plots.js';

export interface Group {
  key: string;
  task: string;
  label: string;
  records: TrialRecord[];
}

/** Groups finished trials by everything but the seed, in first-seen order. */
export function groupTrials(records: readonly TrialRecord[]): Group[] {
  const groups = new Map<string, Group>();
  for (const r of records) {
    if (r.status !== 'done') continue;
    const k = groupKey(r.config);
    let g = groups.get(k);
    if (!g) {
      g = { key: k, task: r.config.task, label: r.config.method.label, records: [] };
      groups.set(k, g);
    }
    g.records.push(r);
  }
  return [...groups.values()];
}

/** The values of a final figure over a group's seeds (non-finite values kept). */
export function finals(g: Group, metric: string): number[] {
  return g.records.map((r) => r.final[metric]).filter((v): v is number => v !== null && v !== undefined);
}

export function finalStats(g: Group, metric: string): { mean: number; std: number; values: number[] } {
  const v = finals(g, metric);
  return { mean: mean(v), std: std(v), values: v };
}

/**
 * Mean and std over seeds of history column `y` against column `x` (from 'steps' or 'epochs'),
 * aligned by index and truncated to the shortest run.
 */
export function meanCurve(g: Group, table: 'steps' | 'epochs', x: string, y: string): Series | null {
  const cols = g.records.map((r) => r[table]).filter((c): c is Columns => !!c && Array.isArray(c[x]) && Array.isArray(c[y]));
  if (cols.length === 0) return null;
  const n = Math.min(...cols.map((c) => Math.min(c[x].length, c[y].length)));
  const xs: number[] = [];
  const ms: number[] = [];
  const ss: number[] = [];
  for (let i = 0; i < n; i++) {
    const vals = cols.map((c) => c[y][i]).filter((v) => v !== null && Number.isFinite(v));
    if (vals.length === 0) continue;
    xs.push(mean(cols.map((c) => c[x][i])));
    ms.push(mean(vals));
    ss.push(std(vals));
  }
  return { label: g.label, x: xs, mean: ms, std: ss };
}

export function curves(groups: readonly Group[], table: 'steps' | 'epochs', x: string, y: string): Series[] {
  return groups.map((g) => meanCurve(g, table, x, y)).filter((s): s is Series => s !== null && s.x.length > 0);
}
