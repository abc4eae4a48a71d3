/**
 * A scatter of 2-D samples over marked points (generated samples and a mixture's mode
 * centres), drawn by the report's style rules: both axes ranged from the data (one domain for
 * both, so a ring stays round), the palette's colours, a legend for the two kinds of point, and
 * a live chart (tooltips, zoom and pan) beside the static SVG.
 */
import { DATA, liveVegaLite, renderVegaLite, ZOOM, type Plot } from '../plots.js';
import { axisScale, PALETTE } from '../plot-style.js';
import type { TopLevelSpec } from 'vega-lite';

export interface SamplesChartOptions {
  name: string;
  title: string;
  /** Legend labels of the samples and of the marked points. */
  kinds?: readonly [string, string];
  /** Side of the square plot in pixels (static version). */
  size?: number;
}

/** `samples` and `marks` are flat [x0, y0, x1, y1, ...] lists. */
export async function samplesChart(samples: readonly number[], marks: readonly number[], o: SamplesChartOptions): Promise<Plot> {
  const [sampleKind, markKind] = o.kinds ?? ['generated', 'mode centre'];
  const pts: { x: number; y: number; kind: string }[] = [];
  for (let i = 0; i + 1 < samples.length; i += 2) pts.push({ x: samples[i], y: samples[i + 1], kind: sampleKind });
  for (let i = 0; i + 1 < marks.length; i += 2) pts.push({ x: marks[i], y: marks[i + 1], kind: markKind });
  const { domain } = axisScale(pts.flatMap((p) => [p.x, p.y]));
  // One domain for both axes and no rounding of either end, so both axes keep the same span.
  const scale = { domain, nice: false, zero: false };
  const color = { field: 'kind', type: 'nominal', title: 'points', scale: { domain: [sampleKind, markKind], range: [PALETTE[0], PALETTE[3]] } };
  const build = (live: boolean): Record<string, unknown> => ({
    title: o.title,
    width: o.size ?? 300,
    height: o.size ?? 300,
    data: { name: DATA, values: pts },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'x₁', scale },
      y: { field: 'y', type: 'quantitative', title: 'x₂', scale },
      color,
      shape: { field: 'kind', type: 'nominal', title: 'points', scale: { domain: [sampleKind, markKind], range: ['circle', 'cross'] } },
      ...(live ? { tooltip: [{ field: 'kind' }, { field: 'x', format: '.3~g' }, { field: 'y', format: '.3~g' }] } : {}),
    },
    layer: [
      { transform: [{ filter: { field: 'kind', equal: sampleKind } }], mark: { type: 'point', filled: true, size: 10, opacity: 0.5 }, ...(live ? { params: [ZOOM] } : {}) },
      { transform: [{ filter: { field: 'kind', equal: markKind } }], mark: { type: 'point', size: 90, strokeWidth: 2, opacity: 1 } },
    ],
  });
  const live = liveVegaLite(build(true))!;
  // A square chart: the live one keeps its size rather than filling the page's width.
  live.spec = { ...live.spec, width: o.size ?? 300, autosize: { type: 'pad' } };
  return { name: o.name, title: o.title, svg: await renderVegaLite(build(false) as unknown as TopLevelSpec), live };
}
