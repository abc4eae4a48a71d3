import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { barChart, contourChart, curvesChart, fitChart, himmelblau, renderReport, svgToPng, writePlot } from '../../src/lab/index.js';

test('plots render to SVG and PNG headless', async () => {
  const c = await curvesChart(
    [
      { label: 'adam', x: [0, 1, 2], mean: [2, 1, 0.5], std: [0.1, 0.1, 0.05] },
      { label: 'sgd', x: [0, 1, 2], mean: [2, 1.6, 1.2], std: [0.1, 0.1, 0.1] },
    ],
    { name: 'loss', title: 'Loss per epoch', xTitle: 'epoch', yTitle: 'loss', logY: true },
  );
  assert.match(c.svg, /^<svg/);
  assert.match(c.svg, /Loss per epoch/);
  assert.match(c.svg, />adam</);
  const png = svgToPng(c.svg);
  assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const dir = mkdtempSync(join(tmpdir(), 'descent-plots-'));
  const written = writePlot(dir, c);
  assert.ok(readFileSync(written.files!.png).length > 1000);
  const b = await barChart([{ label: 'a', mean: 0.8, std: 0.01 }], { name: 'bar', title: 'Accuracy', yTitle: 'accuracy' });
  assert.match(b.svg, /Accuracy/);
  const f = await fitChart([{ label: 'gd', points: [{ x: 10, y: 30 }, { x: 100, y: 300 }], slope: 1, intercept: Math.log(3) }], { name: 'fit', title: 'Fit', xTitle: 'κ', yTitle: 'iterations' });
  assert.match(f.svg, /slope 1\.00/);
  const t = await contourChart(himmelblau, [{ label: 'sgd', points: [[0, 0], [1, 1], [2, 1.5]] }], { name: 'traj' });
  assert.match(t.svg, /<path/);
  const html = renderReport({ title: 'T', command: 'descent x', machine: { node: 'v20' }, sections: [{ title: 'S', plots: [t], tables: [{ headers: ['a'], rows: [['<1>']] }] }] });
  assert.match(html, /descent x/);
  assert.match(html, /&lt;1&gt;/);
  assert.match(html, /<svg/);
});
