/** Shared pieces of the regularization reproductions: regularizer lists, option fields, gap tables and plots. */
import { z } from 'zod';
import { regularizationSchema, type RegularizationConfig } from '../../../regularize/spec.js';
import { barChart, type Claim, curves, curvesChart, finalStats, fmt, fmtMeanStd, type Group, groupTrials, type JsonObject, type Method, PlotSink, resolveMethod, type Table, type TrialConfig, type TrialRecord, formattedTable, type Cell } from '../kit.js';

/** A task option listing hidden-layer widths (at least one), `d` by default. */
export const hiddenOption = (d: number[]) => z.array(z.number().int().positive()).min(1).default(d);

/** A task's `regularization` option (see src/regularize/spec.ts); none by default. */
export const regularizationOption = regularizationSchema.default({});

export interface Regularizer {
  /** Stable key (tags.regularizer). */
  key: string;
  /** Legend and table label. */
  label: string;
  config: RegularizationConfig;
}

/** The method every trial of a reproduction trains with, labelled by its regularizer. */
export function methodFor(r: Regularizer, optimizer: string, options: JsonObject): Method {
  return resolveMethod(optimizer, options, r.label);
}

/**
 * One trial per regularizer and seed on `task`, all trained with Adam at `lr` and tagged with
 * the regularizer's key; `baseOptions` are the task's options besides the regularization.
 */
export function regularizerTrials(task: string, regularizers: readonly Regularizer[], baseOptions: JsonObject, seeds: number, lr: number): TrialConfig[] {
  return regularizers.flatMap((r) => {
    const taskOptions = { ...baseOptions, regularization: r.config as JsonObject };
    const method = methodFor(r, 'adam', { lr });
    return Array.from({ length: seeds }, (_, seed): TrialConfig => ({ task, taskOptions, method, seed, tags: { regularizer: r.key } }));
  });
}

export function groupsByKey(records: readonly TrialRecord[]): Map<string, Group> {
  const out = new Map<string, Group>();
  for (const g of groupTrials(records)) out.set(String(g.records[0].config.tags?.regularizer ?? g.label), g);
  return out;
}

export const meanOf = (g: Group | undefined, metric: string): number => (g ? finalStats(g, metric).mean : NaN);

/** The train/test gap table, the gap claims (each method against the baseline) and the figures. */
export function gapAnalysis(
  groups: Map<string, Group>,
  regularizers: readonly Regularizer[],
  o: { lossName: string; accuracy: boolean; setting: string },
): { table: Table; claims: Claim[]; figures: Record<string, number | null> } {
  const base = groups.get('baseline');
  const baseGap = meanOf(base, 'gap');
  const headers = ['method', `train ${o.lossName}`, `test ${o.lossName}`, 'gap (test - train)', 'gap vs baseline (%)', ...(o.accuracy ? ['train accuracy (%)', 'test accuracy (%)'] : []), 'epochs run', 'best epoch', 'seeds'];
  const rows: Cell[][] = [];
  const claims: Claim[] = [];
  const figures: Record<string, number | null> = {};
  for (const r of regularizers) {
    const g = groups.get(r.key);
    if (!g) continue;
    const gap = finalStats(g, 'gap');
    const pct = r.key === 'baseline' ? '' : (100 * (gap.mean - baseGap)) / Math.abs(baseGap);
    rows.push([
      r.label,
      finalStats(g, 'trainLoss').values,
      finalStats(g, 'testLoss').values,
      gap.values,
      pct,
      ...(o.accuracy ? [finalStats(g, 'trainAccuracy').values.map((v) => 100 * v), finalStats(g, 'testAccuracy').values.map((v) => 100 * v)] : []),
      finalStats(g, 'epochsRun').values,
      finalStats(g, 'bestEpoch').values,
      g.records.length,
    ]);
    figures[`gap.${r.key}`] = gap.mean;
    figures[`testLoss.${r.key}`] = meanOf(g, 'testLoss');
    if (r.key !== 'baseline' && base) {
      claims.push({
        claim: `${o.setting}: ${r.label} narrows the train/test ${o.lossName} gap against the unregularized baseline (same seeds)`,
        holds: gap.mean < baseGap,
        detail: `gap ${fmt(gap.mean)} vs baseline ${fmt(baseGap)} (test ${o.lossName} ${fmt(meanOf(g, 'testLoss'))} vs ${fmt(meanOf(base, 'testLoss'))})`,
      });
    }
  }
  return { table: formattedTable(headers, rows, { caption: `${o.setting}: final figures, mean ± std over seeds (early stopping: the restored best epoch)`, digits: { 4: 3 } }), claims, figures };
}

/** Gap per epoch, test loss per epoch, and final gaps as bars. */
export async function gapPlots(
  groups: Map<string, Group>,
  regularizers: readonly Regularizer[],
  sink: PlotSink,
  o: { prefix: string; setting: string; lossName: string; logY?: boolean },
): Promise<void> {
  const ordered = regularizers.map((r) => groups.get(r.key)).filter((g): g is Group => g !== undefined);
  await sink.add(curvesChart(curves(ordered, 'epochs', 'epoch', 'gap'), { name: `${o.prefix}-gap`, title: `${o.setting}: train/test ${o.lossName} gap per epoch`, xTitle: 'epoch', yTitle: `test ${o.lossName} - train ${o.lossName}` }));
  await sink.add(curvesChart(curves(ordered, 'epochs', 'epoch', 'testLoss'), { name: `${o.prefix}-test-loss`, title: `${o.setting}: test ${o.lossName} per epoch`, xTitle: 'epoch', yTitle: `test ${o.lossName}`, logY: o.logY }));
  await sink.add(curvesChart(curves(ordered, 'epochs', 'epoch', 'trainLoss'), { name: `${o.prefix}-train-loss`, title: `${o.setting}: training ${o.lossName} (whole training set, evaluation mode) per epoch`, xTitle: 'epoch', yTitle: `train ${o.lossName}`, logY: true }));
  await sink.add(barChart(ordered.map((g) => ({ label: g.label, ...finalStats(g, 'gap') })), { name: `${o.prefix}-final-gap`, title: `${o.setting}: final train/test ${o.lossName} gap`, yTitle: 'gap' }));
}

export function claimCount(claims: readonly Claim[]): string {
  return `${claims.filter((c) => c.holds).length} of ${claims.length} claims hold`;
}
