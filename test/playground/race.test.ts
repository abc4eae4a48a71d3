// The optimizer race in headless Chromium: it renders with no console errors (screenshots in
// test-artifacts/playground/), its runs come from the registry, and play/step move the runs.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { closePlayground, openPlayground, playgroundSkip, screenshot } from './harness.js';

after(closePlayground);

test('race: renders the contours, three runs and their loss curves, no console errors', { skip: playgroundSkip }, async () => {
  const { page, consoleErrors, close } = await openPlayground('view=race');
  await page.waitForFunction('document.querySelectorAll(".run-summary li").length === 3 && !document.querySelector(".run-summary li").textContent.includes("…")');
  await page.click('#race-play');
  await page.waitForFunction('document.querySelector("#race-play").textContent === "Play"', { timeout: 20000 });
  const info = await page.evaluate(`({
    lines: document.querySelectorAll('.loss-chart polyline').length,
    points: [...document.querySelectorAll('.loss-chart polyline')].map((p) => p.getAttribute('points').split(' ').length),
    step: document.querySelector('.step-label').textContent,
    pickers: document.querySelectorAll('.optimizer-picker').length,
    choices: document.querySelector('.optimizer-picker').options.length,
  })`) as { lines: number; points: number[]; step: string; pickers: number; choices: number };
  await screenshot(page, 'race');
  assert.equal(info.lines, 3);
  assert.deepEqual(info.points, [301, 301, 301], 'each curve has the start and 300 steps');
  assert.equal(info.step, 'step 300 of 300');
  assert.equal(info.pickers, 3);
  assert.ok(info.choices >= 25, `the picker lists the registry (${info.choices} entries)`);
  assert.deepEqual(consoleErrors, []);
  await close();
});
