// The reports as a reader sees them: the main job's HTML report and a trace plot opened in
// headless Chromium (Debian's `chromium`, driven by puppeteer-core). Checks that the page logs
// no errors, that every plot became a live chart with data, and that a click on a legend entry
// picks that method. Screenshots go to test-artifacts/report-browser/ (gitignored).
// Skips, saying why, where Chromium or puppeteer-core is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { browserSkip, launchChromium } from '../helpers/chromium.js';
import { runCli } from '../../src/cli/program.js';

const ARTIFACTS = resolve('test-artifacts', 'report-browser');
const skip = browserSkip;

async function cli(...argv: string[]): Promise<void> {
  let err = '';
  const code = await runCli(argv, { out: () => {}, err: (s) => (err += s), progress: () => {} });
  assert.equal(code, 0, err);
}

// The page-side code is given as text: the project's TypeScript has no DOM types.
const WAIT_FOR_CHARTS = 'Promise.all((window.descentCharts || []).map((c) => c.ready))';
const CHART_STATES = `(window.descentCharts || []).map((c) => {
  const el = document.getElementById(c.id);
  return { id: c.id, error: c.error, rows: c.view ? c.view.data(c.data).length : 0,
    marks: el.querySelectorAll('.live svg .role-mark path, .live svg .role-mark line').length, staticLeft: !!el.querySelector('.static') };
})`;
const PICKED = `({ store: window.descentCharts[0].view.data('pick_store').length,
  faded: [...document.querySelectorAll('#plot-1 .live .mark-line path')].filter((p) => Number(p.getAttribute('opacity') ?? 1) < 0.5).length })`;
const TRACE_SVG = `({ contours: document.querySelectorAll('.mark-shape path').length, lines: document.querySelectorAll('.mark-line path').length,
  legends: [...document.querySelectorAll('.role-legend-label text')].map((t) => t.textContent) })`;

interface ChartState {
  id: string;
  error: string | null;
  rows: number;
  marks: number;
  staticLeft: boolean;
}

test('the main report and a trace render in Chromium with data, no console errors, and a working legend toggle', { skip }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'descent-browser-'));
  const run = join(root, 'main');
  await cli('--epochs', '1', '--seeds', '1', '--train-limit', '300', '--out', run, '--quiet', '--workers', '0');
  const trace = join(root, 'trace', 'himmelblau-adam');
  await cli('trace', 'himmelblau', '--optimizer', 'adam', '--steps', '80', '--out', trace);
  mkdirSync(ARTIFACTS, { recursive: true });

  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warn') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    await page.setViewport({ width: 1400, height: 1000 });

    await page.goto(pathToFileURL(join(run, 'report.html')).href, { waitUntil: 'load' });
    await page.evaluate(WAIT_FOR_CHARTS);
    const figures = await page.$$eval('figure', (fs) => fs.length);
    const charts = (await page.evaluate(CHART_STATES)) as ChartState[];
    assert.equal(figures, 4, 'the main report has four plots');
    assert.equal(charts.length, figures, 'every plot has a live chart');
    for (const c of charts) {
      assert.equal(c.error, null, `${c.id}: ${c.error}`);
      assert.ok(c.rows > 0, `${c.id}: an empty dataset`);
      assert.ok(c.marks > 0, `${c.id}: no marks drawn`);
      assert.equal(c.staticLeft, false, `${c.id}: the static SVG was not replaced`);
    }
    // The training-loss chart's legend: a click on the first method picks it and fades the other five lines.
    const first = (await page.$$('#plot-1 .live .role-legend-label text'))[0];
    assert.ok(first, 'a legend label to click');
    await first.click();
    const picked = await page.evaluate(PICKED);
    assert.deepEqual(picked, { store: 1, faded: 5 });
    await page.screenshot({ path: join(ARTIFACTS, 'main-report.png'), fullPage: true });

    await page.goto(pathToFileURL(`${trace}.svg`).href, { waitUntil: 'load' });
    const svg = (await page.evaluate(TRACE_SVG)) as { contours: number; lines: number; legends: string[] };
    assert.ok(svg.contours > 5, `contours: ${svg.contours}`);
    assert.equal(svg.lines, 1);
    for (const label of ['start', 'end (method colour)', 'minimum']) assert.ok(svg.legends.includes(label), `${label} in ${svg.legends.join(', ')}`);
    await page.screenshot({ path: join(ARTIFACTS, 'trace.png') });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
