/**
 * The reproductions' tables in the report's one number format: each numeric column is written
 * by {@link fmtMeanStdColumn} (mean ± std where a cell holds several seeds' values, the same
 * notation and decimals down the column), counts as plain integers, and units go in the
 * headers ("test accuracy (%)"), not in the cells.
 */
import type { Table } from '../report.js';
import { fmtMeanStdColumn } from '../util.js';

/** A cell: text as it is, one number, the per-seed values of a mean ± std, or nothing ('-'). */
export type Cell = string | number | readonly number[] | null | undefined;

export interface FormattedTableOptions {
  caption?: string;
  /** Significant digits per column index (default 4). */
  digits?: Readonly<Record<number, number>>;
}

/** A report table from raw cells: every column of numbers gets one format. */
export function formattedTable(headers: string[], rows: readonly (readonly Cell[])[], options: FormattedTableOptions = {}): Table {
  rows.forEach((r, i) => {
    if (r.length !== headers.length) throw new RangeError(`formattedTable: row ${i} has ${r.length} cells for ${headers.length} headers`);
  });
  const columns = headers.map((_, c) => formatColumn(rows.map((r) => r[c]), options.digits?.[c] ?? 4));
  const table: Table = { headers, rows: rows.map((_, i) => columns.map((col) => col[i])) };
  if (options.caption !== undefined) table.caption = options.caption;
  return table;
}

function formatColumn(cells: readonly Cell[], digits: number): string[] {
  const samples = cells.map((c): number[] => (typeof c === 'number' ? [c] : Array.isArray(c) ? [...(c as readonly number[])] : []));
  const numeric = samples.flat().filter((v) => Number.isFinite(v));
  const counts = numeric.length > 0 && numeric.every((v) => Number.isInteger(v)) && samples.every((s) => s.length <= 1);
  const formatted = counts ? samples.map((s) => (s.length && Number.isFinite(s[0]) ? String(s[0]) : '-')) : fmtMeanStdColumn(samples, digits);
  return cells.map((c, i) => (typeof c === 'string' ? c : c === null || c === undefined ? '-' : formatted[i]));
}
