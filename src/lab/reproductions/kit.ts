/**
 * The reproduction kit: everything a reproduction needs from the lab, in one import. One way to
 * collect plots ({@link PlotSink}), one way to assemble the result of `analyze`
 * ({@link analysisOf}), one way to declare task options ({@link optionsSchema}), one set of
 * statistics (`mean`, `std`, `linearFit`), plus the lab's charts, grouping, formatting and types.
 */
import { writePlot, type Plot } from '../plots.js';
import type { ReportSection } from '../report.js';
import type { Analysis } from './types.js';

/** Collects a reproduction's plots in order, writing each (SVG and PNG) into `dir` when one is given. */
export class PlotSink {
  /** The plots added so far (as written, with their file paths, when there is a directory). */
  readonly plots: Plot[] = [];

  constructor(readonly dir: string | null) {}

  /** Awaits a chart, writes it when the sink has a directory, and keeps it. */
  async add(p: Promise<Plot> | Plot): Promise<Plot> {
    const plot = await p;
    const out = this.dir ? writePlot(this.dir, plot) : plot;
    this.plots.push(out);
    return out;
  }
}

/**
 * The {@link Analysis} of a reproduction from its report sections and headline figures: the
 * analysis' tables, plots and claims are those of the sections, concatenated in section order,
 * so the terminal, results.md and claims.json list exactly what the HTML report shows.
 *
 * @example
 * return analysisOf([{ title, text, claims, tables: [table], plots: sink.plots }], figures);
 */
export function analysisOf(sections: ReportSection[], figures: Analysis['figures']): Analysis {
  return {
    sections,
    tables: sections.flatMap((s) => s.tables ?? []),
    plots: sections.flatMap((s) => s.plots ?? []),
    claims: sections.flatMap((s) => s.claims ?? []),
    figures,
  };
}

export { optionsSchema } from '../options-schema.js';
export { mean, std, linearFit, fmt, fmtMeanStd, markdownTable, type Json, type JsonObject } from '../util.js';
export { formattedTable, type Cell } from './table.js';
export { groupTrials, finalStats, finals, meanCurve, curves, type Group } from '../aggregate.js';
export { curvesChart, barChart, fitChart, contourChart, renderVegaLite, type Plot, type Series } from '../plots.js';
export { resolveMethod, isAdaptive, type Method } from '../methods.js';
export type { Table, ReportSection } from '../report.js';
export type { TrialConfig, TrialRecord, TrialOutput } from '../trial.js';
export type { TaskDef, TaskHooks } from '../tasks.js';
export type { Analysis, Claim, Reproduction, Scale } from './types.js';
