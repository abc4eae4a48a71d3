import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axisScale, coincidenceNotes, DASHES, maxRelativeDifference, methodEncodings, niceCeil125, niceFloor125, PALETTE } from '../../src/lab/plot-style.js';
import { barChart, contourChart, curvesChart, himmelblau } from '../../src/lab/index.js';

test('axes are ranged from the data: log only past 1.5 decades, with 1-2-5 bounds', () => {
  assert.equal(niceFloor125(0.37), 0.2);
  assert.equal(niceFloor125(7), 5);
  assert.equal(niceCeil125(2.3), 5);
  assert.equal(niceCeil125(0.011), 0.02);
  // A loss from 2.3 down to 0.4 spans less than a decade: linear, from the data, not 0.1..10.
  const loss = axisScale([2.3, 1.1, 0.62, 0.4], true);
  assert.equal(loss.type, 'linear');
  assert.ok(loss.domain[0] > 0.3 && loss.domain[0] < 0.4, `${loss.domain}`);
  assert.ok(loss.domain[1] > 2.3 && loss.domain[1] < 2.4, `${loss.domain}`);
  // f - f_min from 40 down to 3e-5 spans six decades: log, bounded by 2e-5 and 50.
  const gap = axisScale([40, 1, 1e-3, 3e-5], true);
  assert.equal(gap.type, 'log');
  assert.deepEqual(gap.domain.map((v) => Number(v.toPrecision(6))), [2e-5, 50]);
  // The same data without permission for a log axis stays linear; a non-negative one stays >= 0.
  const lin = axisScale([40, 1, 1e-3, 3e-5]);
  assert.equal(lin.type, 'linear');
  assert.equal(lin.domain[0], 0);
  assert.deepEqual(axisScale([5, 5]).domain, [4.75, 5.25]);
});

test('each method gets its own colour-blind-safe colour and dash pattern', () => {
  const enc = methodEncodings(['a', 'b', 'c'], { dash: true, shape: true }) as Record<string, { scale: { domain: string[]; range: unknown[] } }>;
  assert.deepEqual(enc.color.scale.range, PALETTE.slice(0, 3));
  assert.deepEqual(enc.strokeDash.scale.range, DASHES.slice(0, 3));
  assert.equal(new Set(enc.shape.scale.range).size, 3);
  assert.equal(new Set(DASHES.map((d) => d.join(','))).size, DASHES.length);
});

test('coinciding curves are named in a note; close but distinct ones are not', () => {
  assert.ok(Math.abs(maxRelativeDifference([1, 2, 4], [1, 2, 4.002]) - 0.002 / 4.002) < 1e-12);
  const notes = coincidenceNotes([
    { label: 'adam', values: [2.3, 1.2, 0.6] },
    { label: 'amsgrad', values: [2.3, 1.2000001, 0.6000003] },
    { label: 'sgd', values: [2.3, 1.8, 1.3] },
  ]);
  assert.equal(notes.length, 1);
  assert.match(notes[0], /^adam and amsgrad coincide \(max relative difference 5\.0e-7\)/);
  assert.deepEqual(coincidenceNotes([{ label: 'momentum', values: [2, 1] }, { label: 'nesterov', values: [2, 1.01] }]), []);
});

test('curves: the static SVG has the legend, the live spec tooltips, zoom and a legend toggle', async () => {
  const p = await curvesChart(
    [
      { label: 'adam', x: [1, 2, 3], mean: [2.3, 1.2, 0.6], std: [0.1, 0.1, 0.05] },
      { label: 'amsgrad', x: [1, 2, 3], mean: [2.3, 1.2, 0.6] },
      { label: 'sgd', x: [1, 2, 3], mean: [2.3, 1.8, 1.3] },
    ],
    { name: 'loss', title: 'Loss', xTitle: 'epoch', yTitle: 'loss', logY: true },
  );
  assert.match(p.svg, /role-legend/);
  assert.match(p.svg, /stroke-dasharray/);
  assert.deepEqual(p.notes?.length, 1);
  assert.equal(p.live?.mode, 'vega-lite');
  const spec = JSON.stringify(p.live!.spec);
  assert.match(spec, /"width":"container"/);
  assert.match(spec, /"bind":"legend"/);
  assert.match(spec, /"bind":"scales"/);
  assert.match(spec, /"tooltip"/);
  // 0.55..2.4 (bands included) is under a decade: the y axis is linear, from the data (not 0.1..10).
  const layers = (p.live!.spec as { layer: { encoding: { y?: { scale?: { type: string; domain: number[] } } } }[] }).layer;
  const y = layers[1].encoding.y!.scale!;
  assert.equal(y.type, 'linear');
  assert.ok(y.domain[0] > 0.45 && y.domain[0] < 0.55 && y.domain[1] > 2.4 && y.domain[1] < 2.5, `${y.domain}`);
});

test('a final-figure chart is ranged from the data; contours have marker and colour legends', async () => {
  const b = await barChart([{ label: 'sgd', mean: 0.455, std: 0.05 }, { label: 'adam', mean: 0.7555, std: 0.001 }], { name: 'acc', title: 'Accuracy', yTitle: 'accuracy' });
  const y = ((b.live!.spec as { layer: { encoding: { y: { scale: { domain: number[] } } } }[] }).layer[1].encoding.y.scale.domain);
  assert.ok(y[0] > 0.38 && y[0] < 0.41, `${y}`);
  const t = await contourChart(himmelblau, [{ label: 'sgd', points: [[0, 0], [1, 1], [2, 1.5]] }], { name: 'traj' });
  for (const text of ['start', 'end (method colour)', 'minimum', 'markers']) assert.ok(t.svg.includes(`>${text}<`), text);
  assert.match(t.svg, /linearGradient/);
  assert.equal(t.live?.mode, 'vega');
});
