// The reproductions' sample scatters follow the report's style: data-ranged axes (one domain
// for both), the palette's colours, a legend, and a live chart beside the static SVG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { samplesChart } from '../../src/lab/reproductions/samples-chart.js';
import { PALETTE } from '../../src/lab/plot-style.js';

test('samplesChart: one data-ranged domain for both axes, palette colours, live spec with data', async () => {
  const plot = await samplesChart([0, 0, 1, 2, -1, 0.5], [2, 2, -2, -2], { name: 'ring', title: 'ring' });
  assert.match(plot.svg, /^<svg/);
  const spec = plot.live!.spec as { data: { name: string; values: unknown[] }; encoding: Record<string, { scale: { domain: number[]; range?: string[] } }> };
  assert.equal(plot.live!.data, spec.data.name);
  assert.equal(spec.data.values.length, 5);
  const x = spec.encoding.x.scale.domain;
  assert.deepEqual(spec.encoding.y.scale.domain, x);
  // -2..2 with the 4 % margin of axisScale: not the old fixed [-5.5, 5.5].
  assert.ok(Math.abs(x[0] + 2.16) < 1e-9 && Math.abs(x[1] - 2.16) < 1e-9, String(x));
  assert.deepEqual(spec.encoding.color.scale.range, [PALETTE[0], PALETTE[3]]);
  assert.ok(plot.svg.includes('mode centre'), 'the legend names the marked points');
});

test('curvesChart: an x axis of whole numbers (steps, iterations) gets whole-number ticks', async () => {
  const { curvesChart } = await import('../../src/lab/plots.js');
  const steps = await curvesChart([{ label: 'a', x: [1, 2, 3, 4, 5], mean: [3, 2, 1.5, 1.2, 1] }], { name: 's', title: 's', xTitle: 'step', yTitle: 'loss' });
  const axisOf = (p: typeof steps) => (p.live!.spec as { layer: { encoding: { x: { axis?: unknown } } }[] }).layer[1].encoding.x.axis;
  assert.deepEqual(axisOf(steps), { tickMinStep: 1, format: 'd' });
  const time = await curvesChart([{ label: 'a', x: [0.5, 1.25, 2], mean: [3, 2, 1] }], { name: 't', title: 't', xTitle: 'seconds', yTitle: 'loss' });
  assert.equal(axisOf(time), undefined);
});
