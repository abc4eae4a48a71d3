/**
 * The figures a study reports, as pure functions of its records (so tests check them by hand):
 *
 * - time to target: the first epoch (or step) at which a run's metric reaches the target, and
 *   the training seconds by then (DeepOBS's "speed");
 * - tuneability: the share of a method's configurations that come within a tolerance of its
 *   best (DeepOBS reads it off the learning-rate sensitivity plot; a number is comparable);
 * - performance profiles (Dolan and Moré 2002, as AlgoPerf scores): for each method, the
 *   fraction of tasks on which its measure is within a factor τ of the best method's.
 */
import type { TrialRecord } from '../trial.js';
import { mean } from '../util.js';

/** Whether `value` reaches `target` under `goal`. */
export function reaches(value: number, target: number, goal: 'min' | 'max'): boolean {
  return Number.isFinite(value) && (goal === 'min' ? value <= target : value >= target);
}

/** When a run first reaches the target: epoch (or step) and seconds; nulls when it never does. */
export interface TimeToTarget {
  /** 'epoch' or 'step': the unit of `at`. */
  unit: 'epoch' | 'step';
  at: number | null;
  seconds: number | null;
}

/**
 * The first point of the mean curve of `records` (one configuration, several seeds) at which
 * `metric` reaches `target`: from the per-epoch table when it has the metric, else per step.
 */
export function timeToTarget(records: readonly TrialRecord[], metric: string, target: number, goal: 'min' | 'max'): TimeToTarget | null {
  const done = records.filter((r) => r.status === 'done');
  if (done.length === 0) return null;
  const table = done.every((r) => r.epochs?.[metric]) ? 'epochs' : done.every((r) => r.steps?.[metric]) ? 'steps' : null;
  if (!table) return null;
  const unit = table === 'epochs' ? 'epoch' : 'step';
  const cols = done.map((r) => r[table]!);
  const n = Math.min(...cols.map((c) => c[metric].length));
  for (let k = 0; k < n; k++) {
    const v = mean(cols.map((c) => c[metric][k]));
    if (!reaches(v, target, goal)) continue;
    const at = mean(cols.map((c) => c[unit]?.[k] ?? k));
    const times = cols.map((c) => c.time?.[k]);
    return { unit, at, seconds: times.every((t) => typeof t === 'number') ? mean(times as number[]) : null };
  }
  return { unit, at: null, seconds: null };
}

/**
 * The share of `scores` within `tolerance` of the best (relative to the best's magnitude;
 * failed configurations, null, count as not within). 0 for an empty list.
 */
export function tuneability(scores: readonly (number | null)[], goal: 'min' | 'max', tolerance = 0.05): number {
  const finite = scores.filter((s): s is number => s !== null && Number.isFinite(s));
  if (scores.length === 0 || finite.length === 0) return 0;
  const best = goal === 'min' ? Math.min(...finite) : Math.max(...finite);
  const slack = tolerance * Math.abs(best);
  const within = finite.filter((s) => (goal === 'min' ? s <= best + slack : s >= best - slack)).length;
  return within / scores.length;
}

/**
 * Performance profiles: `cost[task][method]` is a cost (>= 0), lower better (time to target;
 * Infinity or NaN when the method never got there). ρ_m(τ) is the fraction of tasks where
 * cost ≤ τ · the task's best cost. A task no method solved counts against every method.
 */
export function performanceProfiles(cost: readonly (readonly number[])[], taus: readonly number[]): number[][] {
  const methods = cost[0]?.length ?? 0;
  const ratios = cost.map((row) => {
    const finite = row.filter((c) => Number.isFinite(c) && c >= 0);
    const best = finite.length ? Math.min(...finite) : NaN;
    // A best cost of 0 (the target met at the start): only the methods also at 0 are within any τ.
    return row.map((c) => (!Number.isFinite(c) || c < 0 || !Number.isFinite(best) ? Infinity : c === best ? 1 : best === 0 ? Infinity : c / best));
  });
  return Array.from({ length: methods }, (_, m) => taus.map((tau) => ratios.filter((r) => r[m] <= tau).length / cost.length));
}

/** τ values for a profile: 1 to `max`, log-spaced (`count` points). */
export function profileTaus(max = 10, count = 41): number[] {
  return Array.from({ length: count }, (_, k) => Number((max ** (k / (count - 1))).toPrecision(6)));
}
