/**
 * Plots: Vega-Lite (and Vega, for contours) specifications rendered headless in Node to SVG,
 * and to PNG with resvg. Nothing is fetched at run time; fonts are the system's.
 *
 * Builders:
 * - curvesChart: mean curves with a band of ± one standard deviation over seeds;
 * - barChart: a final figure per method with error bars;
 * - contourChart: trajectories over the contours of a 2D function;
 * - fitChart: points and fitted lines on log-log axes (iterations vs condition number).
 *
 * Each plot keeps, beside its static SVG, the specification of its live version (tooltips,
 * zoom and pan, a legend that toggles methods) that the HTML report embeds; styles and axis
 * ranges come from ./plot-style.ts.
 */
import { ensureDirectory, writeFileAtomic } from '../io/atomic.js';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Function2D } from './problems/functions2d.js';
import { axisScale, coincidenceNotes, methodEncodings, DASHES, PALETTE, SHAPES } from './plot-style.js';

export interface Plot {
  /** File stem, e.g. 'loss'. */
  name: string;
  title: string;
  svg: string;
  /** Paths written, when written. */
  files?: { svg: string; png: string };
  /**
   * The live chart's specification for a browser (the HTML report renders it with vega-embed
   * in place of the SVG); `data` names the dataset holding the plotted points.
   */
  live?: { mode: 'vega-lite' | 'vega'; spec: Record<string, unknown>; data: string };
  /** Remarks shown under the plot, e.g. which curves coincide. */
  notes?: string[];
}

/** The width of static plots: the report scales their SVG to the page width. */
export const STATIC_WIDTH = 900;

const CONFIG = {
  background: 'white',
  config: {
    font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
    title: { fontSize: 14, anchor: 'start' as const },
    axis: { labelFontSize: 11, titleFontSize: 12 },
    legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  },
};

/** Renders a Vega specification to SVG. */
export async function renderVega(spec: vega.Spec): Promise<string> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders a Vega-Lite specification to SVG. */
export async function renderVegaLite(spec: TopLevelSpec): Promise<string> {
  return renderVega(compile({ ...CONFIG, ...spec } as TopLevelSpec).spec as vega.Spec);
}

/** The name of the dataset holding a Vega-Lite plot's points (what the browser test checks). */
export const DATA = 'table';

/**
 * The live version of a Vega-Lite plot: as wide as its container, with the page's config.
 * `spec` already carries its interactive parameters and tooltips.
 */
export function liveVegaLite(spec: Record<string, unknown>): Plot['live'] {
  return { mode: 'vega-lite', data: DATA, spec: { ...CONFIG, ...spec, width: 'container', autosize: { type: 'fit-x', contains: 'padding' } } };
}

/** Zoom and pan on both axes (drag, wheel; double-click resets). */
export const ZOOM = { name: 'zoom', select: 'interval', bind: 'scales' };
/** A click on a legend entry shows that method alone (shift-click adds more; double-click resets). */
const PICK = { name: 'pick', select: { type: 'point', fields: ['method'] }, bind: 'legend' };
/** Full opacity for the picked methods (all when none is picked), faint for the others. */
const picked = (on: number, off = 0.08): Record<string, unknown> => ({ condition: { param: 'pick', value: on }, value: off });

/** Rasterizes an SVG to PNG at `scale` times its size. */
export function svgToPng(svg: string, scale = 2): Buffer {
  const r = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return r.render().asPng();
}

/** Writes plot.svg and plot.png into `dir`; returns the plot with its file paths. */
export function writePlot(dir: string, plot: Plot): Plot {
  ensureDirectory(dir, 'writePlot');
  const svg = join(dir, `${plot.name}.svg`);
  const png = join(dir, `${plot.name}.png`);
  writeFileAtomic(svg, plot.svg, 'writePlot');
  writeFileAtomic(png, svgToPng(plot.svg), 'writePlot');
  return { ...plot, files: { svg, png } };
}

/** Keeps at most `max` evenly spaced indices of 0..n-1 (always the first and last). */
export function sampleIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out = new Set<number>();
  for (let k = 0; k < max; k++) out.add(Math.round((k * (n - 1)) / (max - 1)));
  return [...out].sort((a, b) => a - b);
}

export interface Series {
  label: string;
  x: number[];
  mean: number[];
  /** Standard deviation over seeds (or copies); the band is mean ± std. */
  std?: number[];
}

export interface CurvesOptions {
  name: string;
  title: string;
  xTitle: string;
  yTitle: string;
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
  /** Maximum points per series. */
  maxPoints?: number;
  /** A horizontal reference line (e.g. the starting θ). */
  rule?: { y: number; label: string };
}

/**
 * Mean curves with their ± std bands. Axes are ranged from the data; `logY` (and `logX`) allow
 * a log axis, taken when the data spans more than 1.5 decades. Each method has its colour,
 * dash pattern and marker; curves that coincide are named in the plot's notes.
 */
export async function curvesChart(series: Series[], o: CurvesOptions): Promise<Plot> {
  const rows: Record<string, number | string | boolean>[] = [];
  for (const [n, s] of series.entries()) {
    const kept = sampleIndices(s.x.length, o.maxPoints ?? 300);
    // Markers on at most ~12 points per curve: enough to tell curves apart, few enough not to clutter.
    const every = Math.max(1, Math.ceil(kept.length / 12));
    kept.forEach((i, k) => {
      const m = s.mean[i];
      if (!Number.isFinite(m) || !Number.isFinite(s.x[i])) return;
      if (o.logY && m <= 0) return;
      if (o.logX && s.x[i] <= 0) return;
      const sd = s.std?.[i] ?? 0;
      // On a log axis a band reaching 0 or below is cut at the mean rather than stretching the axis.
      const lo = o.logY && m - sd <= 0 ? m : m - sd;
      rows.push({ method: s.label, shape: SHAPES[n % SHAPES.length], x: s.x[i], mean: m, lo, hi: m + sd, marker: k % every === 0 || k === kept.length - 1 });
    });
  }
  const labels = series.map((s) => s.label);
  const hasBand = series.some((s) => s.std && s.std.some((v) => v > 0));
  const yScale = axisScale(rows.flatMap((r) => (hasBand ? [r.lo as number, r.hi as number, r.mean as number] : [r.mean as number])).concat(o.rule ? [o.rule.y] : []), o.logY);
  const xScale = axisScale(rows.map((r) => r.x as number), o.logX);
  // The x axis runs exactly over the data (epochs 1..n, steps 0..n), without margins.
  const xs = rows.map((r) => r.x as number);
  if (xScale.type === 'linear' && xs.length) xScale.domain = [Math.min(...xs), Math.max(...xs)];
  xScale.nice = false;
  // Epochs, steps and iterations: whole-number ticks (a 1..5 step axis otherwise gets 41 ticks of 0.1).
  const integerX = xs.length > 0 && xs.every((v) => Number.isInteger(v));
  const x = { field: 'x', type: 'quantitative' as const, title: o.xTitle, scale: xScale, ...(integerX ? { axis: { tickMinStep: 1, format: 'd' } } : {}) };
  const y = (field: string): Record<string, unknown> => ({ field, type: 'quantitative', scale: yScale, title: o.yTitle });
  const style = methodEncodings(labels, { dash: true, shape: true });
  const legend = { legend: { symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolOpacity: 1, symbolSize: 400 } };
  const color = { ...(style.color as object), ...legend };
  const strokeDash = { ...(style.strokeDash as object), ...legend };
  // The legend shows colour and dash; the marker shape is taken as is from each row (no scale,
  // so no second legend for Vega-Lite to merge).
  const shape = { field: 'shape', type: 'nominal', scale: null };
  const build = (live: boolean): Record<string, unknown> => {
    const layers: unknown[] = [];
    if (hasBand) layers.push({ mark: { type: 'area', opacity: 0.15, clip: true }, encoding: { x, y: y('lo'), y2: { field: 'hi' }, color, ...(live ? { opacity: picked(0.15, 0.02) } : {}) } });
    layers.push({
      mark: { type: 'line', strokeWidth: 2, clip: true },
      encoding: { x, y: y('mean'), color, strokeDash, ...(live ? { opacity: picked(1) } : {}) },
      ...(live ? { params: [ZOOM, PICK] } : {}),
    });
    layers.push({
      transform: [{ filter: 'datum.marker' }],
      mark: { type: 'point', filled: true, size: 40, opacity: 1, clip: true },
      encoding: { x, y: y('mean'), color, shape, ...(live ? { opacity: picked(1) } : {}) },
    });
    if (live) {
      // Invisible points on every sampled row carry the tooltips.
      const tooltip = [{ field: 'method' }, { field: 'x', title: o.xTitle, format: '~g' }, { field: 'mean', title: o.yTitle, format: '.4~g' }, ...(hasBand ? [{ field: 'lo', title: 'mean − std', format: '.4~g' }, { field: 'hi', title: 'mean + std', format: '.4~g' }] : [])];
      layers.push({ mark: { type: 'point', size: 80, opacity: 0, clip: true }, encoding: { x, y: y('mean'), tooltip } });
    }
    if (o.rule) layers.push({ data: { values: [{ y: o.rule.y }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#666' }, encoding: { y: { field: 'y', type: 'quantitative' } } });
    return { title: o.title, width: o.width ?? STATIC_WIDTH, height: o.height ?? 340, data: { name: DATA, values: rows }, layer: layers };
  };
  const notes = coincidenceNotes(series.map((s) => ({ label: s.label, values: s.mean })));
  return { name: o.name, title: o.title, svg: await renderVegaLite(build(false) as unknown as TopLevelSpec), live: liveVegaLite(build(true)), ...(notes.length ? { notes } : {}) };
}

export interface Bar {
  label: string;
  mean: number;
  std?: number;
}

/**
 * A final figure per method: a dot at the mean with a ± std whisker, on an axis ranged from the
 * data (a dot, unlike a bar, does not claim the axis starts at 0, so close results stay apart).
 */
export async function barChart(bars: Bar[], o: { name: string; title: string; yTitle: string; logY?: boolean; width?: number }): Promise<Plot> {
  const rows = bars.filter((b) => Number.isFinite(b.mean)).map((b) => ({ method: b.label, mean: b.mean, lo: b.mean - (b.std ?? 0), hi: b.mean + (b.std ?? 0) }));
  const labels = bars.map((b) => b.label);
  const x = { field: 'method', type: 'nominal' as const, sort: labels, title: null, axis: { labelAngle: labels.some((l) => l.length > 12) ? -30 : 0, labelLimit: 200 } };
  const yScale = axisScale(rows.flatMap((r) => [r.lo, r.hi, r.mean]), o.logY);
  const y = (field: string): Record<string, unknown> => ({ field, type: 'quantitative', title: o.yTitle, scale: yScale });
  const style = methodEncodings(labels, { shape: true });
  const build = (live: boolean): Record<string, unknown> => ({
    title: o.title,
    width: o.width ?? Math.min(STATIC_WIDTH, Math.max(320, 110 * bars.length)),
    height: 280,
    data: { name: DATA, values: rows },
    layer: [
      { mark: { type: 'rule', color: '#444', strokeWidth: 1.5 }, encoding: { x, y: y('lo'), y2: { field: 'hi' } } },
      {
        mark: { type: 'point', filled: true, size: 140, opacity: 1 },
        encoding: {
          x,
          y: y('mean'),
          color: { ...(style.color as object), legend: null },
          shape: { ...(style.shape as object), legend: null },
          ...(live ? { tooltip: [{ field: 'method' }, { field: 'mean', title: o.yTitle, format: '.4~g' }, { field: 'lo', title: 'mean − std', format: '.4~g' }, { field: 'hi', title: 'mean + std', format: '.4~g' }] } : {}),
        },
      },
      { mark: { type: 'text', align: 'left', dx: 10, fontSize: 11 }, encoding: { x, y: y('mean'), text: { field: 'mean', type: 'quantitative', format: '.4~g' } } },
    ],
  });
  return { name: o.name, title: o.title, svg: await renderVegaLite(build(false) as unknown as TopLevelSpec), live: liveVegaLite(build(true)) };
}

export interface FitLine {
  label: string;
  points: { x: number; y: number }[];
  slope: number;
  intercept: number;
}

/** Points and their fitted lines y = exp(intercept) x^slope on log-log axes. */
export async function fitChart(lines: FitLine[], o: { name: string; title: string; xTitle: string; yTitle: string }): Promise<Plot> {
  const pts: Record<string, unknown>[] = [];
  const fits: Record<string, unknown>[] = [];
  for (const l of lines) {
    const legend = `${l.label} (slope ${l.slope.toFixed(2)})`;
    for (const p of l.points) pts.push({ method: legend, x: p.x, y: p.y });
    const xs = l.points.map((p) => p.x);
    for (const x of [Math.min(...xs), Math.max(...xs)]) fits.push({ method: legend, x, y: Math.exp(l.intercept + l.slope * Math.log(x)) });
  }
  const labels = [...new Set(pts.map((p) => p.method as string))];
  const style = methodEncodings(labels, { dash: true, shape: true });
  const enc = {
    x: { field: 'x', type: 'quantitative', scale: { type: 'log' }, title: o.xTitle },
    y: { field: 'y', type: 'quantitative', scale: { type: 'log' }, title: o.yTitle },
    color: { ...(style.color as object), title: 'method (fitted log-log slope)' },
  };
  const build = (live: boolean): Record<string, unknown> => ({
    title: o.title,
    width: STATIC_WIDTH,
    height: 360,
    layer: [
      { data: { values: fits }, mark: { type: 'line' }, encoding: { ...enc, strokeDash: { ...(style.strokeDash as object), title: 'method (fitted log-log slope)' } } },
      {
        data: { name: DATA, values: pts },
        mark: { type: 'point', filled: true, size: 70, opacity: 1 },
        encoding: { ...enc, shape: { ...(style.shape as object), title: 'method (fitted log-log slope)' }, ...(live ? { tooltip: [{ field: 'method' }, { field: 'x', title: o.xTitle, format: '.4~g' }, { field: 'y', title: o.yTitle, format: '.4~g' }] } : {}) },
        ...(live ? { params: [ZOOM] } : {}),
      },
    ],
  });
  return { name: o.name, title: o.title, svg: await renderVegaLite(build(false) as unknown as TopLevelSpec), live: liveVegaLite(build(true)) };
}

export interface TrajectorySeries {
  label: string;
  points: [number, number][];
}

/**
 * Trajectories over filled contours of a 2D function (a Vega spec with an isocontour
 * transform), with a colour scale for the contour levels and a legend for the start, end and
 * minimum markers; each method has its colour and dash pattern.
 */
export async function contourChart(fn: Function2D, trajectories: TrajectorySeries[], o: { name: string; title?: string; width?: number } = { name: 'trajectory' }): Promise<Plot> {
  const [x0, x1, y0, y1] = fn.window;
  const width = o.width ?? 600;
  const cell = 4;
  const height = Math.round((width * (y1 - y0)) / (x1 - x0) / cell) * cell;
  const gw = width / cell;
  const gh = height / cell;
  const values = new Array<number>(gw * gh);
  for (let j = 0; j < gh; j++) {
    const y = y1 - ((j + 0.5) / gh) * (y1 - y0);
    for (let i = 0; i < gw; i++) {
      const x = x0 + ((i + 0.5) / gw) * (x1 - x0);
      const f = fn.f(x, y);
      // Four significant digits are plenty for contour levels, and keep the report's inline copy small.
      values[j * gw + i] = Number((fn.logContours ? Math.log10(1 + Math.max(0, f - fn.fmin)) : f).toPrecision(4));
    }
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const levels = 18;
  const thresholds = Array.from({ length: levels }, (_, k) => lo + ((k + 0.5) * (hi - lo)) / levels);
  const traj: Record<string, unknown>[] = [];
  for (const t of trajectories) {
    for (const i of sampleIndices(t.points.length, 600)) {
      const [x, y] = t.points[i];
      if (Number.isFinite(x) && Number.isFinite(y)) traj.push({ method: t.label, step: i, x, y });
    }
  }
  const starts = trajectories.map((t) => ({ method: t.label, x: t.points[0][0], y: t.points[0][1] }));
  const ends = trajectories
    .map((t) => {
      const p = t.points[t.points.length - 1];
      return { method: t.label, x: p[0], y: p[1] };
    })
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && p.x >= x0 && p.x <= x1 && p.y >= y0 && p.y <= y1);
  const labels = trajectories.map((t) => t.label);
  const colors = labels.map((_, i) => PALETTE[i % PALETTE.length]);
  const markers = ['start', 'end', 'minimum'];
  const tooltip = (live: boolean, what: string): Record<string, unknown> =>
    live ? { tooltip: { signal: `{title: ${what}, x: format(datum.x, '.4~g'), y: format(datum.y, '.4~g')}` } } : {};
  const build = (live: boolean): Record<string, unknown> => ({
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    ...CONFIG,
    width,
    height,
    padding: 8,
    title: { text: o.title ?? fn.title, anchor: 'start', fontSize: 14 },
    data: [
      {
        name: 'grid',
        values: [{ width: gw, height: gh, values }],
        transform: [{ type: 'isocontour', scale: cell, smooth: true, thresholds }],
      },
      { name: 'traj', values: traj },
      { name: 'starts', values: starts.slice(0, 1) },
      { name: 'ends', values: ends },
      { name: 'minima', values: fn.minima.map(([x, y]) => ({ x, y })) },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: [x0, x1], range: 'width', zero: false, nice: false },
      { name: 'y', type: 'linear', domain: [y0, y1], range: 'height', zero: false, nice: false },
      { name: 'fill', type: 'linear', domain: [lo, hi], range: { scheme: 'greys' }, reverse: false },
      { name: 'color', type: 'ordinal', domain: labels, range: colors },
      { name: 'dash', type: 'ordinal', domain: labels, range: labels.map((_, i) => DASHES[i % DASHES.length]) },
      { name: 'markerShape', type: 'ordinal', domain: markers, range: ['circle', 'cross', 'diamond'] },
      { name: 'markerFill', type: 'ordinal', domain: markers, range: ['black', '#777777', '#D55E00'] },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'x' },
      { orient: 'left', scale: 'y', title: 'y' },
    ],
    legends: [
      ...(trajectories.length > 0 ? [{ stroke: 'color', strokeDash: 'dash', title: 'method', symbolType: 'stroke', symbolStrokeWidth: 2.5, orient: 'right' }] : []),
      { shape: 'markerShape', fill: 'markerFill', title: 'markers', orient: 'right', symbolStrokeWidth: 0, encode: { labels: { update: { text: { signal: "datum.value === 'end' ? 'end (method colour)' : datum.value" } } } } },
      { fill: 'fill', type: 'gradient', title: fn.logContours ? 'log10(1 + f − f_min)' : 'f', orient: 'right', direction: 'vertical', gradientLength: Math.min(200, height - 40), gradientOpacity: 0.45, format: '.3~g', titleLimit: 300 },
    ],
    marks: [
      {
        type: 'shape',
        from: { data: 'grid' },
        clip: true,
        encode: { enter: { stroke: { value: '#ffffff' }, strokeWidth: { value: 0.6 }, fill: { scale: 'fill', field: 'contour.value' }, fillOpacity: { value: 0.45 } } },
        transform: [{ type: 'geoshape', field: 'datum.contour' }],
      },
      {
        type: 'group',
        clip: true,
        encode: { enter: { width: { signal: 'width' }, height: { signal: 'height' } } },
        marks: [
          {
            type: 'group',
            from: { facet: { name: 'series', data: 'traj', groupby: 'method' } },
            marks: [
              {
                type: 'line',
                from: { data: 'series' },
                encode: { enter: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, stroke: { scale: 'color', field: 'method' }, strokeDash: { scale: 'dash', field: 'method' }, strokeWidth: { value: 2 }, strokeOpacity: { value: 0.9 } } },
              },
            ],
          },
          {
            type: 'symbol',
            from: { data: 'minima' },
            encode: { enter: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, shape: { value: 'diamond' }, size: { value: 90 }, fill: { value: '#D55E00' }, stroke: { value: 'white' }, ...tooltip(live, "'minimum'") } },
          },
          {
            type: 'symbol',
            from: { data: 'starts' },
            encode: { enter: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, shape: { value: 'circle' }, size: { value: 80 }, fill: { value: 'black' }, ...tooltip(live, "'start'") } },
          },
          {
            type: 'symbol',
            from: { data: 'ends' },
            encode: { enter: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, shape: { value: 'cross' }, size: { value: 70 }, fill: { scale: 'color', field: 'method' }, stroke: { value: 'black' }, strokeWidth: { value: 0.5 }, ...tooltip(live, "'end: ' + datum.method") } },
          },
        ],
      },
    ],
  });
  return { name: o.name, title: o.title ?? fn.title, svg: await renderVega(build(false) as unknown as vega.Spec), live: { mode: 'vega', spec: build(true), data: 'traj' } };
}
