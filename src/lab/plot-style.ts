/**
 * How plots look, decided from their data: a colour-blind-safe palette with a dash pattern and a
 * point shape per method (so curves drawn over each other stay visible), axis scales ranged
 * from the data (log where the data spans decades), and a note naming curves that coincide.
 */

/** Okabe-Ito colours, ordered so the first ones contrast most on white (yellow last). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#F0E442'] as const;

/** Dash patterns per method, in palette order: solid first, then ones that differ at a glance. */
export const DASHES: readonly (readonly number[])[] = [[1, 0], [7, 3], [2, 2], [9, 3, 2, 3], [12, 3, 2, 3, 2, 3], [5, 5], [1, 4], [16, 4]];

/** Vega point shapes per method, in palette order. */
export const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-right', 'triangle-left'] as const;

const cycle = <T>(xs: readonly T[], n: number): T[] => Array.from({ length: n }, (_, i) => xs[i % xs.length]);

/**
 * The Vega-Lite colour, dash and shape encodings of a `method` field with this order of
 * labels; one legend (the three share a title), its symbols drawn as strokes.
 */
export function methodEncodings(labels: readonly string[], o: { dash?: boolean; shape?: boolean } = {}): Record<string, unknown> {
  const domain = [...labels];
  const enc: Record<string, unknown> = {
    color: { field: 'method', type: 'nominal', title: 'method', sort: domain, scale: { domain, range: cycle(PALETTE, domain.length) } },
  };
  if (o.dash) enc.strokeDash = { field: 'method', type: 'nominal', title: 'method', sort: domain, scale: { domain, range: cycle(DASHES, domain.length) } };
  if (o.shape) enc.shape = { field: 'method', type: 'nominal', title: 'method', sort: domain, scale: { domain, range: cycle(SHAPES, domain.length) } };
  return enc;
}

/** A scale chosen from the data: its type, and a domain that fits the data with nice ends. */
export interface AxisScale {
  type: 'linear' | 'log';
  domain: [number, number];
  nice: boolean;
  /** Linear scales only (Vega-Lite drops it, with a warning, on log ones). */
  zero?: false;
}

/** The data span, in decades, above which a positive axis becomes logarithmic. */
export const LOG_SPAN_DECADES = 1.5;

/** The largest of 1, 2, 5 times a power of ten that is <= x (x > 0). */
export function niceFloor125(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [5, 2, 1]) if (m * p <= x * (1 + 1e-12)) return m * p;
  return p;
}

/** The smallest of 1, 2, 5 times a power of ten that is >= x (x > 0). */
export function niceCeil125(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x * (1 - 1e-12)) return m * p;
  return 10 * p;
}

/**
 * The axis for `values`: logarithmic when `allowLog`, every value is positive and they span
 * more than {@link LOG_SPAN_DECADES} decades (domain from the 1-2-5 steps around the data);
 * linear otherwise, from the data's range with a little margin (Vega rounds it to ticks).
 */
export function axisScale(values: readonly number[], allowLog = false): AxisScale {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { type: 'linear', domain: [0, 1], nice: true, zero: false };
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (allowLog && lo > 0 && Math.log10(hi / lo) > LOG_SPAN_DECADES) return { type: 'log', domain: [niceFloor125(lo), niceCeil125(hi)], nice: false };
  const pad = hi > lo ? 0.04 * (hi - lo) : Math.abs(hi) * 0.05 || 1;
  lo -= pad;
  hi += pad;
  // A non-negative quantity's axis does not dip below 0 for the margin's sake.
  if (Math.min(...v) >= 0 && lo < 0) lo = 0;
  return { type: 'linear', domain: [lo, hi], nice: true, zero: false };
}

/** A curve as the coincidence check sees it. */
export interface CurveValues {
  label: string;
  values: readonly number[];
}

/**
 * The largest relative difference |a - b| / max(|a|, |b|) between two curves over their common
 * length (NaN where they share no finite point).
 */
export function maxRelativeDifference(a: readonly number[], b: readonly number[]): number {
  let worst = NaN;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) continue;
    const scale = Math.max(Math.abs(a[i]), Math.abs(b[i]));
    const d = scale === 0 ? 0 : Math.abs(a[i] - b[i]) / scale;
    worst = Number.isNaN(worst) ? d : Math.max(worst, d);
  }
  return worst;
}

/** The relative difference under which two curves count as drawn over each other. */
export const COINCIDE_TOLERANCE = 1e-3;

/**
 * Notes for the pairs of curves that coincide (max relative difference < `tolerance`), e.g.
 * "adam and amsgrad coincide (max relative difference 2.1e-6)".
 */
export function coincidenceNotes(curves: readonly CurveValues[], tolerance = COINCIDE_TOLERANCE): string[] {
  const notes: string[] = [];
  for (let i = 0; i < curves.length; i++) {
    for (let j = i + 1; j < curves.length; j++) {
      const d = maxRelativeDifference(curves[i].values, curves[j].values);
      if (d < tolerance) notes.push(`${curves[i].label} and ${curves[j].label} coincide (max relative difference ${d === 0 ? '0' : d.toExponential(1)}); their curves are drawn over each other, told apart by dash pattern and marker`);
    }
  }
  return notes;
}
