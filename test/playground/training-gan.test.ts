// The playground's training and GAN views in headless Chromium (through the shared harness):
// a live training run lowers the loss within seconds, the GAN view paints a heatmap with data
// and counts modes, shows the lab spec and command of its run and exports the record the lab
// writes for that spec, the URL keeps the settings, nothing logs an error, and both views are
// screenshotted (test-artifacts/playground/) at desktop and phone sizes.
import { after, test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { greyPng, zipOf } from './zip-fixture.js';
import { closePlayground, openPlayground, playgroundSkip, screenshot } from './harness.js';
import { backendInfo, initBackend } from '../../src/index.js';
import { executeTrial } from '../../src/lab/execute.js';
import { expandSpec, validateSpec } from '../../src/lab/spec.js';
import { trialId, type TrialRecord } from '../../src/lab/trial.js';

after(() => closePlayground());

const ROWS = `[...document.querySelectorAll('.training-view tr[data-run]')].map((r) => ({ step: Number(r.dataset.step), first: Number(r.dataset.firstTrainLoss), last: Number(r.dataset.trainLoss) }))`;

test('a live training run (SGD and Adam side by side, in workers) lowers the training loss', { skip: playgroundSkip, timeout: 180_000 }, async () => {
  const p = await openPlayground('view=training&runs=sgd:0.05,adam:0.001&n=1000&epochs=3&bs=32&dropout=0.1');
  try {
    await p.page.waitForSelector('.training-view .tv-play');
    await p.page.click('.training-view .tv-play');
    await p.page.waitForFunction(`(${ROWS}).length === 2 && (${ROWS}).every((r) => r.step >= 60 && r.last < r.first - 0.3)`, { timeout: 120_000 });
    const rows = (await p.page.evaluate(ROWS)) as { step: number; first: number; last: number }[];
    for (const r of rows) assert.ok(r.last < r.first - 0.3, `loss ${r.first} -> ${r.last}`);
    const url = new URL(p.page.url());
    assert.equal(url.searchParams.get('runs'), 'sgd:0.05,adam:0.001');
    assert.equal(url.searchParams.get('dropout'), '0.1');
    const command = (await p.page.evaluate(`document.body.innerText`)) as string;
    assert.match(command, /descent compare/);
    await p.page.click('.training-view .tv-play'); // pause
    await screenshot(p.page, 'training');
    assert.deepEqual(p.consoleErrors, []);
  } finally {
    await p.close();
  }
});

test('the GAN view paints the critic heatmap with samples and counts modes as it trains', { skip: playgroundSkip, timeout: 120_000 }, async () => {
  const p = await openPlayground('view=gan&mixture=ring&loss=wasserstein&lipschitz=wgan-gp&ncritic=2');
  try {
    await p.page.waitForSelector('.gan-view .gv-modes[data-iteration]', { timeout: 60_000 });
    await p.page.click('.gan-view .gv-play');
    await p.page.waitForFunction(`Number(document.querySelector('.gan-view .gv-modes').dataset.iteration) >= 30`, { timeout: 90_000 });
    await p.page.click('.gan-view .gv-play');
    // The heatmap has colour (not just white) and the readout counts modes out of 8.
    const painted = (await p.page.evaluate(`(() => { const c = document.querySelector('.gan-view canvas'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.width).data; let coloured = 0; for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - d[i + 2]) > 20) coloured++; return { coloured, total: d.length / 4, text: document.querySelector('.gan-view .gv-modes').textContent }; })()`)) as { coloured: number; total: number; text: string };
    assert.ok(painted.coloured > painted.total * 0.2, `${painted.coloured} of ${painted.total} pixels coloured`);
    assert.match(painted.text, /modes covered: \d+ \/ 8/);
    assert.equal(new URL(p.page.url()).searchParams.get('lipschitz'), 'wgan-gp');
    // Paused short of its 2,000 iterations, the export is a partial lab record.
    const partial = (await p.page.evaluate('window.descentPlayground.exportJson()')) as TrialRecord;
    assert.equal(partial.type, 'trial');
    assert.equal(partial.status, 'failed');
    assert.match(partial.error!, /stopped in the playground at iteration \d+ of 2000/);
    await screenshot(p.page, 'gan');
    // Giving the critic its own optimizer (from the registry's list) goes to the URL and the spec.
    await p.page.click('.gan-view .gv-same');
    await p.page.waitForSelector('.gan-view .gv-opt-discriminator');
    await p.page.select('.gan-view .gv-opt-discriminator', 'rmsprop');
    await p.page.waitForFunction(`new URL(location.href).searchParams.get('dopt') === 'rmsprop'`);
    const options = JSON.parse((await p.page.evaluate(`document.querySelector('.gan-view .gv-spec').value`)) as string).tasks[0].options;
    assert.deepEqual(options.discriminatorOptimizer, { name: 'rmsprop', options: { lr: 0.001 } });
    assert.deepEqual(p.consoleErrors, []);
  } finally {
    await p.close();
  }
});

test('the GAN view shows the lab spec and command of its run, and exports the record a lab run of that spec writes', { skip: playgroundSkip, timeout: 120_000 }, async () => {
  const p = await openPlayground('view=gan&mixture=grid&loss=lsgan&lipschitz=r1&lambda=2&norm=layer&ncritic=2&steps=24&evalevery=10&width=16&batch=32&ganseed=3&dopt=rmsprop&dopts={"lr":0.002}');
  try {
    await p.page.waitForSelector('.gan-view .gv-modes[data-iteration]', { timeout: 60_000 });
    await p.page.click('.gan-view .gv-play');
    await p.page.waitForFunction(`document.querySelector('.gan-view .gv-modes').dataset.done === 'true'`, { timeout: 90_000 });
    const shown = (await p.page.evaluate(`({ spec: document.querySelector('.gan-view .gv-spec').value, page: document.body.innerText, pressed: document.querySelector('.gan-view .gv-play').getAttribute('aria-pressed') })`)) as { spec: string; page: string; pressed: string };
    assert.equal(shown.pressed, 'false', 'the run stops at its last iteration');
    const spec = JSON.parse(shown.spec);
    // The command under the view writes this same spec and runs it.
    const command = /echo '(.*)' > playground-gan\.json && npx descent compare playground-gan\.json/.exec(shown.page);
    assert.ok(command, 'the page shows the descent compare command');
    assert.deepEqual(JSON.parse(command[1]), spec);
    assert.deepEqual(spec.tasks[0].options, { mixture: 'grid', loss: 'lsgan', lipschitz: 'r1', lambda: 2, normalization: 'layer', nCritic: 2, iterations: 24, hidden: 16, layers: 3, batchSize: 32, evalEvery: 10, discriminatorOptimizer: { name: 'rmsprop', options: { lr: 0.002 } } });
    const record = (await p.page.evaluate('window.descentPlayground.exportJson()')) as TrialRecord;
    const [config] = expandSpec(validateSpec(spec, 'playground-gan.json'));
    assert.equal(record.type, 'trial');
    assert.equal(record.status, 'done');
    assert.equal(record.id, trialId(config));
    assert.deepEqual(record.config, config);
    // The lab's run of the spec: the same record. The page trains on the wasm kernels; Node's
    // lab on the same kernels gives the same numbers (another backend, e.g. BLAS, may differ in
    // the last bits of a sum, which can move a sample across a 3σ boundary).
    assert.equal(initBackend({ backend: 'wasm', quiet: true }).name, 'wasm');
    // As the JSON Lines store holds it (JSON has no -0: a rounded -0.0004 reads back 0, as from the page).
    const lab = JSON.parse(JSON.stringify(await executeTrial(config))) as TrialRecord;
    assert.equal(backendInfo().name, 'wasm');
    assert.equal(lab.status, 'done', lab.error);
    assert.deepEqual(Object.keys(record).sort(), Object.keys(lab).sort());
    assert.deepEqual(record.steps, lab.steps);
    assert.deepEqual(record.steps!.iteration, [10, 20, 24]);
    assert.deepEqual(record.final, lab.final);
    assert.deepEqual(record.extra, lab.extra);
    assert.deepEqual(p.consoleErrors, []);
  } finally {
    await p.close();
  }
});

test('a dropped-in CSV becomes the dataset (the CNN falls back to the MLP); a bad one shows an error naming the line', { skip: playgroundSkip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'descent-csv-'));
  const rows = ['a,b,label'];
  for (let i = 0; i < 60; i++) rows.push(`${i % 2},${(i * 7) % 5},${i % 2 ? 'odd' : 'even'}`);
  writeFileSync(join(dir, 'parity.csv'), rows.join('\n'));
  writeFileSync(join(dir, 'bad.csv'), 'a,label\n1,x\n2\n');
  const p = await openPlayground('view=training&arch=cnn&runs=adam:0.01&bs=16&epochs=30');
  try {
    const input = (await p.page.waitForSelector('.training-view input[type=file]:not([webkitdirectory])'))!;
    await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(join(dir, 'bad.csv'));
    await p.page.waitForFunction(`document.querySelector('.training-view .tv-status').textContent.includes('bad.csv: line 3 has 1 columns, expected 2')`, { timeout: 20_000 });
    await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(join(dir, 'parity.csv'));
    await p.page.waitForFunction(`document.querySelector('.training-view .tv-status').textContent.includes('loaded parity.csv: 48 train / 12 test, classes even, odd')`, { timeout: 20_000 });
    assert.equal(new URL(p.page.url()).searchParams.get('arch'), 'mlp');
    await p.page.click('.training-view .tv-play');
    await p.page.waitForFunction(`(${ROWS}).length === 1 && (${ROWS})[0].step >= 20`, { timeout: 60_000 });
    assert.deepEqual(p.consoleErrors, []);
  } finally {
    await p.close();
  }
});

test('a zip of image folders (one per class) becomes a dataset of 28 x 28 images the CNN trains on', { skip: playgroundSkip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'descent-zip-'));
  const files = [];
  // Two classes a CNN tells apart at once: a bright left half or a bright top half, 20 each.
  for (let i = 0; i < 20; i++) {
    files.push({ path: `shapes/left/${i}.png`, data: greyPng(16, (r, c) => (c < 8 ? 255 - i : i)) });
    files.push({ path: `shapes/top/${i}.png`, data: greyPng(16, (r) => (r < 8 ? 255 - i : i)) });
  }
  writeFileSync(join(dir, 'shapes.zip'), zipOf(files));
  const p = await openPlayground('view=training&arch=cnn&runs=adam:0.01&bs=8&epochs=20');
  try {
    const input = (await p.page.waitForSelector('.training-view input[type=file]:not([webkitdirectory])'))!;
    await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(join(dir, 'shapes.zip'));
    await p.page.waitForFunction(`document.querySelector('.training-view .tv-status').textContent.includes('loaded shapes.zip (40 images): 32 train / 8 test, classes left, top')`, { timeout: 30_000 });
    assert.equal(new URL(p.page.url()).searchParams.get('arch'), 'cnn');
    await p.page.click('.training-view .tv-play');
    await p.page.waitForFunction(`(${ROWS}).length === 1 && (${ROWS})[0].step >= 20`, { timeout: 60_000 });
    await p.page.click('.training-view .tv-play');
    await screenshot(p.page, 'training-user-images');
    assert.deepEqual(p.consoleErrors, []);
  } finally {
    await p.close();
  }
});

test('both views fit a phone-sized viewport without sideways scrolling', { skip: playgroundSkip, timeout: 120_000 }, async () => {
  for (const view of ['training', 'gan']) {
    const p = await openPlayground(`view=${view}`, { viewport: { width: 375, height: 667 } });
    try {
      await p.page.waitForSelector(view === 'gan' ? '.gan-view .gv-modes[data-iteration]' : '.training-view .tv-play', { timeout: 60_000 });
      // The view's own elements (the shell's are the shell's test's): none reaches past the viewport.
      const widest = (await p.page.evaluate(`Math.max(...[...document.querySelectorAll('.${view}-view, .${view}-view *')].map((e) => e.getBoundingClientRect().right))`)) as number;
      assert.ok(widest <= 376, `${view}: an element reaches ${widest}px on a 375px viewport`);
      await screenshot(p.page, `${view}-phone`);
      assert.deepEqual(p.consoleErrors, []);
    } finally {
      await p.close();
    }
  }
});
