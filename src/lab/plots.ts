/**
 * Plots: Vega-Lite (and Vega, for contours) specifications rendered headless in Node to SVG,
 * and to PNG with resvg. Nothing is fetched at run time; fonts are the system's.
 *
 * Builders:
 * - curvesChart: mean curves with a band of ± one standard deviation over seeds;
 * - barChart: a final figure per method with error bars;
 * - contourChart: trajectories over the contours of a 2D function;
 * - fitChart: points and fitted lines on log-log axes (iterations vs condition number).
 */
import { ensureDirectory, writeFileAtomic } from '../io/atomic.js';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Function2D } from './problems/functions2d.js';

export interface Plot {
  /** File stem, e.g. 'loss'. */
  name: string;
  title: string;
  svg: string;
  /** Paths written, when written. */
  files?: { svg: string; png: string };
}

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

export async function curvesChart(series: Series[], o: CurvesOptions): Promise<Plot> {
  const rows: Record<string, number | string>[] = [];
  for (const s of series) {
    for (const i of sampleIndices(s.x.length, o.maxPoints ?? 300)) {
      const m = s.mean[i];
      if (!Number.isFinite(m) || !Number.isFinite(s.x[i])) continue;
      if (o.logY && m <= 0) continue;
      if (o.logX && s.x[i] <= 0) continue;
      const sd = s.std?.[i] ?? 0;
      let lo = m - sd;
      if (o.logY && lo <= 0) lo = m / 10;
      rows.push({ method: s.label, x: s.x[i], mean: m, lo, hi: m + sd });
    }
  }
  const integerX = o.xTitle === 'epoch';
  const x = { field: 'x', type: 'quantitative' as const, title: o.xTitle, scale: o.logX ? { type: 'log' as const } : { zero: false }, ...(integerX ? { axis: { tickMinStep: 1, format: 'd' } } : {}) };
  const yScale = o.logY ? { type: 'log' as const } : { zero: false };
  const color = { field: 'method', type: 'nominal' as const, title: 'method', sort: series.map((s) => s.label), legend: { symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 } };
  const layers: unknown[] = [];
  if (series.some((s) => s.std && s.std.some((v) => v > 0))) {
    layers.push({
      mark: { type: 'area', opacity: 0.18 },
      encoding: { x, y: { field: 'lo', type: 'quantitative', scale: yScale, title: o.yTitle }, y2: { field: 'hi' }, color },
    });
  }
  layers.push({ mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y: { field: 'mean', type: 'quantitative', scale: yScale, title: o.yTitle }, color } });
  if (o.rule) {
    layers.push({ data: { values: [{ y: o.rule.y }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#666' }, encoding: { y: { field: 'y', type: 'quantitative' } } });
  }
  const spec = {
    title: o.title,
    width: o.width ?? 520,
    height: o.height ?? 300,
    data: { values: rows },
    layer: layers,
  } as unknown as TopLevelSpec;
  return { name: o.name, title: o.title, svg: await renderVegaLite(spec) };
}

export interface Bar {
  label: string;
  mean: number;
  std?: number;
}

export async function barChart(bars: Bar[], o: { name: string; title: string; yTitle: string; logY?: boolean; width?: number }): Promise<Plot> {
  const rows = bars.filter((b) => Number.isFinite(b.mean)).map((b) => ({ method: b.label, mean: b.mean, lo: b.mean - (b.std ?? 0), hi: b.mean + (b.std ?? 0) }));
  const x = { field: 'method', type: 'nominal' as const, sort: bars.map((b) => b.label), title: null, axis: { labelAngle: -30, labelLimit: 200 } };
  const yScale = o.logY ? { type: 'log' as const } : {};
  const spec = {
    title: o.title,
    width: o.width ?? Math.max(240, 60 * bars.length),
    height: 260,
    data: { values: rows },
    layer: [
      { mark: { type: 'bar' }, encoding: { x, y: { field: 'mean', type: 'quantitative', title: o.yTitle, scale: yScale }, color: { field: 'method', type: 'nominal', legend: null, sort: bars.map((b) => b.label) } } },
      { mark: { type: 'rule', color: 'black' }, encoding: { x, y: { field: 'lo', type: 'quantitative', scale: yScale }, y2: { field: 'hi' } } },
      { mark: { type: 'text', dy: -8, fontSize: 10 }, encoding: { x, y: { field: 'hi', type: 'quantitative', scale: yScale }, text: { field: 'mean', type: 'quantitative', format: '.4~g' } } },
    ],
  } as unknown as TopLevelSpec;
  return { name: o.name, title: o.title, svg: await renderVegaLite(spec) };
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
  const enc = {
    x: { field: 'x', type: 'quantitative', scale: { type: 'log' }, title: o.xTitle },
    y: { field: 'y', type: 'quantitative', scale: { type: 'log' }, title: o.yTitle },
    color: { field: 'method', type: 'nominal', title: 'method (fitted log-log slope)' },
  };
  const spec = {
    title: o.title,
    width: 480,
    height: 320,
    layer: [
      { data: { values: fits }, mark: { type: 'line', strokeDash: [5, 3] }, encoding: enc },
      { data: { values: pts }, mark: { type: 'point', filled: true, size: 60 }, encoding: enc },
    ],
  } as unknown as TopLevelSpec;
  return { name: o.name, title: o.title, svg: await renderVegaLite(spec) };
}

export interface TrajectorySeries {
  label: string;
  points: [number, number][];
}

/** Trajectories over filled contours of a 2D function (a Vega spec with an isocontour transform). */
export async function contourChart(fn: Function2D, trajectories: TrajectorySeries[], o: { name: string; title?: string; width?: number } = { name: 'trajectory' }): Promise<Plot> {
  const [x0, x1, y0, y1] = fn.window;
  const width = o.width ?? 480;
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
      values[j * gw + i] = fn.logContours ? Math.log10(1 + Math.max(0, f - fn.fmin)) : f;
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
  const spec = {
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
      { name: 'color', type: 'ordinal', domain: trajectories.map((t) => t.label), range: 'category' },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'x' },
      { orient: 'left', scale: 'y', title: 'y' },
    ],
    legends: trajectories.length > 0 ? [{ stroke: 'color', title: 'method', symbolType: 'stroke' }] : [],
    marks: [
      {
        type: 'shape',
        from: { data: 'grid' },
        clip: true,
        encode: { enter: { stroke: { value: '#ffffff' }, strokeWidth: { value: 0.6 }, fill: { scale: 'fill', field: 'contour.value' }, fillOpacity: { value: 0.35 } } },
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
                encode: { enter: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, stroke: { scale: 'color', field: 'method' }, strokeWidth: { value: 2 }, strokeOpacity: { value: 0.9 } } },
              },
            ],
          },
          {
            type: 'symbol',
            from: { data: 'minima' },
            encode: { enter: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, shape: { value: 'diamond' }, size: { value: 90 }, fill: { value: '#d62728' }, stroke: { value: 'white' } } },
          },
          {
            type: 'symbol',
            from: { data: 'starts' },
            encode: { enter: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, shape: { value: 'circle' }, size: { value: 80 }, fill: { value: 'black' } } },
          },
          {
            type: 'symbol',
            from: { data: 'ends' },
            encode: { enter: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, shape: { value: 'cross' }, size: { value: 70 }, fill: { scale: 'color', field: 'method' }, stroke: { value: 'black' }, strokeWidth: { value: 0.5 } } },
          },
        ],
      },
    ],
  };
  return { name: o.name, title: o.title ?? fn.title, svg: await renderVega(spec as unknown as vega.Spec) };
}
