/**
 * Failed trials, grouped by the kind of their error, for a run's closing lines: a hundred
 * trials failing for one reason (a missing data folder) read as one line with a count, not a
 * hundred lines, while two different reasons both show.
 */
import type { TrialRecord } from './trial.js';

/** One kind of failure: how many trials failed so, and the first of them. */
export interface FailureKind {
  count: number;
  /** The first failing trial's error, in full. */
  error: string;
  /** The first failing trial, e.g. 'adam seed 0 (mlp)'. */
  example: string;
}

/**
 * The class of an error message: its first line with the parts that vary between trials of
 * one cause (quoted names and paths, numbers) blanked, so "lr must be positive, got -1" and
 * "... got -2" are one kind.
 */
export function errorClass(message: string): string {
  return message
    .split('\n')[0]
    .replace(/'[^']*'|"[^"]*"|`[^`]*`/g, "'…'")
    .replace(/[-+]?\d+(\.\d+)?(e[-+]?\d+)?/gi, 'N')
    .trim();
}

/** The failed trials of `records` grouped by {@link errorClass}, most frequent first. */
export function failureKinds(records: readonly TrialRecord[]): FailureKind[] {
  const kinds = new Map<string, FailureKind>();
  for (const r of records) {
    if (r.status === 'done') continue;
    const error = r.error ?? 'unknown error';
    const key = errorClass(error);
    const kind = kinds.get(key);
    if (kind) kind.count++;
    else kinds.set(key, { count: 1, error, example: `${r.config.method.label} seed ${r.config.seed} (${r.config.task})` });
  }
  return [...kinds.values()].sort((a, b) => b.count - a.count);
}

/** Lines saying how many trials failed and the first error of each kind. */
export function describeFailures(records: readonly TrialRecord[]): string[] {
  const kinds = failureKinds(records);
  const total = kinds.reduce((n, k) => n + k.count, 0);
  if (total === 0) return [];
  return [
    `${total} trial(s) failed, ${kinds.length} kind(s) of error:`,
    ...kinds.map((k) => `  ${k.count} x ${k.error.split('\n')[0]} (first: ${k.example})`),
  ];
}
