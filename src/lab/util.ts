/**
 * Small helpers the lab shares: JSON types, stable hashing of configurations, statistics over
 * seeds, number formatting and plain-text tables.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

export { canonicalJson };

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A short stable hash of a value's canonical JSON. */
export function stableHash(value: unknown, length = 16): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, length);
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n - 1); 0 for a single value. */
export function std(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Least-squares line y = slope * x + intercept, with the coefficient of determination. */
export function linearFit(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number; r2: number } {
  const n = xs.length;
  if (n < 2 || ys.length !== n) return { slope: NaN, intercept: NaN, r2: NaN };
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

/** A number in a short, readable form (4 significant digits, exponent for tiny/huge values). */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(Math.max(0, digits - 2));
  return Number(x.toPrecision(digits)).toString();
}

/** "mean ± std" of a list (just the value for one element). */
export function fmtMeanStd(xs: readonly number[], digits = 4): string {
  const finite = xs.filter((x) => Number.isFinite(x));
  if (finite.length === 0) return xs.length ? fmt(xs[0], digits) : '-';
  if (xs.length === 1) return fmt(xs[0], digits);
  return `${fmt(mean(xs), digits)} ± ${fmt(std(xs), digits - 1)}`;
}

/**
 * One number format for a whole table column, so a reader compares digits, not notations:
 * fixed-point with the decimals that give the column's largest magnitude `digits` significant
 * digits; scientific with `digits` significant digits for every entry when the column holds
 * tiny (< 0.01) or huge (>= 1e5) values or spans more than three decades.
 */
export function columnFormat(values: readonly number[], digits = 4): (x: number) => string {
  const mags = values.filter((v) => Number.isFinite(v) && v !== 0).map((v) => Math.abs(v));
  const special = (x: number): string | null => (Number.isNaN(x) ? '-' : !Number.isFinite(x) ? (x > 0 ? 'inf' : '-inf') : null);
  if (mags.length === 0) return (x) => special(x) ?? (x === 0 ? '0' : fmt(x, digits));
  const max = Math.max(...mags);
  const min = Math.min(...mags);
  if (max >= 1e5 || max < 1e-2 || max / min > 1e3) return (x) => special(x) ?? (x === 0 ? '0' : x.toExponential(digits - 1));
  const decimals = Math.min(8, Math.max(0, digits - 1 - Math.floor(Math.log10(max))));
  return (x) => special(x) ?? x.toFixed(decimals);
}

/**
 * "mean ± std" for each sample of a table column, all in the column's one format
 * ({@link columnFormat} of the means); just the mean for a single value, '-' for none.
 */
export function fmtMeanStdColumn(samples: readonly (readonly number[])[], digits = 4): string[] {
  const finite = samples.map((xs) => xs.filter((x) => Number.isFinite(x)));
  const means = finite.map((xs, i) => (xs.length ? mean(xs) : samples[i].length ? samples[i][0] : NaN));
  const f = columnFormat(means, digits);
  return samples.map((xs, i) => {
    if (xs.length === 0) return '-';
    if (finite[i].length < 2 || finite[i].length < xs.length) return f(means[i]);
    return `${f(means[i])} ± ${f(std(finite[i]))}`;
  });
}

/** A plain-text table with aligned columns (numbers right-aligned). */
export function textTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+0-9.e ±infa]*$/i.test(r[i] ?? '') && /\d/.test(r[i] ?? '')));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A Markdown table. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    `| ${headers.map(esc).join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** Seconds as "1m 23s" / "4.2s". */
export function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '-';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m ${Math.round(seconds - 60 * m)}s`;
}

/** A compact description of an optimizer's options, e.g. "lr=0.001 betas=0,0.999". */
export function describeOptions(options: Record<string, unknown>): string {
  return Object.entries(options)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join(' ');
}

export class LabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabError';
  }
}
