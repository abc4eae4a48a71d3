// The race in headless Chromium: a typed f(x, y)'s window (x and y ranges: validated, in the URL
// and the shown command, and the window the contours and clicks use), and a wrapper's inner
// optimizer (picked, its options validated by its own table, in the URL and in the command,
// which `descent trace` runs to the same trajectory). Skips without Chromium or puppeteer-core.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/program.js';
import { closePlayground, openPlayground, playgroundSkip } from './harness.js';

after(closePlayground);

const skip = playgroundSkip;
const RACE_READY = 'document.querySelectorAll(".run-summary li").length > 0 && ![...document.querySelectorAll(".run-summary li")].some((l) => l.textContent.includes("…"))';
const setValue = (selector: string, value: string): string =>
  `(() => { const el = document.querySelector(${JSON.stringify(selector)}); el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('change')); })()`;

async function cliJson(argv: string[]): Promise<{ iterates: number[][]; options: Record<string, unknown> }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s), progress: () => {} });
  assert.equal(code, 0, err);
  return JSON.parse(out);
}

test("race: a typed f(x, y)'s window is the user's, validated, in the URL and the command", { skip }, async () => {
  const { page, consoleErrors, url, close } = await openPlayground('view=race&problem=custom&expr=(x-5)%5E2%2By%5E2&window=0,10,-2,2&steps=50&runs=momentum;lookahead(optimizer=adam)');
  await page.waitForFunction(RACE_READY);
  // Both run (a wrapper on a typed function gets the default lr in its inner optimizer's options).
  const summary = await page.$$eval('.run-summary li', (els) => els.map((e) => e.textContent ?? ''));
  assert.ok(summary.length === 2 && summary.every((t) => /f = /.test(t)), summary.join(' | '));
  assert.deepEqual((await page.evaluate('window.descentPlayground.exportJson().records[1].config.method.options')), { optimizer: 'adam', optimizerOptions: { lr: 0.02 } });
  const bounds = await page.$$eval('.window-field input', (els) => els.map((e) => (e as unknown as { value: string }).value));
  assert.deepEqual(bounds, ['0', '10', '-2', '2']);
  // The default start is inside the window (a tenth in from the top-left corner).
  assert.deepEqual([await page.$eval('#race-start-x', (e) => (e as unknown as { value: string }).value), await page.$eval('#race-start-y', (e) => (e as unknown as { value: string }).value)], ['1', '1.6']);
  assert.match((await page.evaluate('location.search')) as string, /window=0%2C10%2C-2%2C2/);
  assert.match((await page.$eval('#command', (el) => el.textContent)) ?? '', /on x in \[0, 10\], y in \[-2, 2\] \(window=0,10,-2,2\)/);
  // A click in the middle of the plot is the middle of the window.
  const box = (await (await page.$('#race-contour'))!.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction('document.querySelector("#race-start-x").value !== "1"');
  const clicked = [Number(await page.$eval('#race-start-x', (e) => (e as unknown as { value: string }).value)), Number(await page.$eval('#race-start-y', (e) => (e as unknown as { value: string }).value))];
  assert.ok(Math.abs(clicked[0] - 5) < 0.05 && Math.abs(clicked[1]) < 0.02, `the click lands at the window's middle (5, 0), within a pixel: ${clicked.join(', ')}`);

  // Invalid ranges get a message naming the bound, and change nothing.
  for (const [sel, v, message] of [
    ['#race-win-x1', '-1', /^x range: the min \(0\) must be less than the max \(-1\)$/],
    ['#race-win-y0', 'abc', /^y min: expected a finite number, got 'abc'$/],
    ['#race-win-x0', '-2e7', /^x min: expected a number within ±1000000, got -20000000$/],
  ] as const) {
    await page.evaluate(setValue(sel, v));
    await page.waitForFunction('document.querySelector("#race-window-error").textContent !== ""');
    assert.match((await page.$eval('#race-window-error', (e) => e.textContent)) ?? '', message);
    assert.equal(await page.$eval(sel, (e) => e.getAttribute('aria-invalid')), 'true');
    assert.match((await page.evaluate('location.search')) as string, /window=0%2C10%2C-2%2C2/);
  }
  // Fixing the boxes applies the window; the start (about (5, 0)) is still inside, so it stays.
  await page.evaluate(setValue('#race-win-x0', '-10'));
  await page.evaluate(setValue('#race-win-x1', '20'));
  await page.evaluate(setValue('#race-win-y0', '-3'));
  await page.waitForFunction('location.search.includes("window=-10%2C20%2C-3%2C2")');
  assert.equal(await page.$eval('#race-window-error', (e) => e.textContent), '');
  assert.equal(Number(await page.$eval('#race-start-x', (e) => (e as unknown as { value: string }).value)), clicked[0]);
  await page.waitForFunction(RACE_READY);
  assert.match((await page.$eval('#command', (el) => el.textContent)) ?? '', /\(window=-10,20,-3,2\)/);
  // Reloading the URL gives the same window.
  const query = (await page.evaluate('location.search')) as string;
  await page.goto(`${url}${query}`, { waitUntil: 'load' });
  await page.waitForFunction(RACE_READY);
  assert.deepEqual(await page.$$eval('.window-field input', (els) => els.map((e) => (e as unknown as { value: string }).value)), ['-10', '20', '-3', '2']);
  // A malformed window in a link opens on the default, saying why.
  await page.goto(`${url}?view=race&problem=custom&window=3,1,0,1&runs=momentum&steps=20`, { waitUntil: 'load' });
  await page.waitForFunction(RACE_READY);
  assert.deepEqual(await page.$$eval('.window-field input', (els) => els.map((e) => (e as unknown as { value: string }).value)), ['-5', '5', '-5', '5']);
  assert.match((await page.$eval('#race-window-error', (e) => e.textContent)) ?? '', /^window=3,1,0,1 in the link: x range: the min \(3\) must be less than the max \(1\); showing -5,5,-5,5$/);
  // The window fields are only for a typed function.
  await page.select('#race-problem', 'beale');
  assert.equal(await page.$eval('.window-field', (e) => (e as unknown as { hidden: boolean }).hidden), true);
  await page.waitForFunction('!location.search.includes("window=")');
  assert.deepEqual(consoleErrors, []);
  await close();
});

test("race: a wrapper gets an inner-optimizer picker and the inner optimizer's options; the command runs to the same path", { skip }, async () => {
  const { page, consoleErrors, url, close } = await openPlayground('view=race&problem=rosenbrock&steps=60&start=-1,1.5&runs=lookahead(optimizer=adam,optimizerOptions.lr=0.05,k=3)');
  await page.waitForFunction(RACE_READY);
  assert.equal(await page.$eval('#race-inner-0', (e) => (e as unknown as { value: string }).value), 'adam');
  const inner = await page.$$eval('#race-inner-0 option', (els) => els.map((e) => (e as unknown as { value: string }).value));
  assert.ok(inner.includes('adam') && inner.includes('sgd') && !inner.includes('lookahead') && !inner.includes('swa'), `inner choices: ${inner.join(', ')}`);
  assert.equal(await page.$eval('.inner-options [data-option=lr]', (e) => (e as unknown as { value: string }).value), '0.05');
  assert.ok(await page.$('.inner-options [data-option=betas]'), "adam's own options are offered for the inner optimizer");
  assert.equal(await page.$('.own-options [data-option=optimizer]'), null, 'no free-text optimizer field');
  assert.equal(await page.$eval('.own-options [data-option=k]', (e) => (e as unknown as { value: string }).value), '3');
  const command = ((await page.$eval('#command', (el) => el.textContent)) ?? '').split('\n')[0];
  assert.equal(command, 'npx descent trace rosenbrock --optimizer lookahead --set optimizer=adam --set optimizerOptions.lr=0.05 --set k=3 --steps 60 --start -1,1.5 --json');
  // The CLI runs the shown command to the page's trajectory, bit for bit.
  const cli = await cliJson(command.split(' ').slice(2));
  const rec = (await page.evaluate('window.descentPlayground.exportJson().records[0]')) as { steps: { x: number[]; y: number[] } };
  assert.deepStrictEqual(rec.steps.x.map((x, i) => [x, rec.steps.y[i]]), cli.iterates);
  assert.deepEqual(cli.options, { optimizer: 'adam', optimizerOptions: { lr: 0.05 }, k: 3 });

  // A bad inner option gets the inner optimizer's own message and reaches neither the run nor the URL.
  await page.evaluate(setValue('.inner-options [data-option=betas]', '0.9, 1.5'));
  await page.waitForFunction('document.querySelector(".inner-options [data-option=betas] ~ .error").textContent !== ""');
  assert.match((await page.$eval('.inner-options [data-option=betas] ~ .error', (e) => e.textContent)) ?? '', /^adam: option 'betas' must be a pair of numbers in \[0, 1\), got \[0\.9,1\.5\]$/);
  assert.ok(!((await page.evaluate('location.search')) as string).includes('betas'));
  await page.evaluate(setValue('.inner-options [data-option=betas]', '0.8, 0.99'));
  await page.waitForFunction('location.search.includes("optimizerOptions.betas%3D0.8%2F0.99")');
  // The wrapper's own options keep their validation too.
  await page.evaluate(setValue('.own-options [data-option=k]', '0'));
  await page.waitForFunction('document.querySelector(".own-options [data-option=k] ~ .error").textContent !== ""');
  assert.match((await page.$eval('.own-options [data-option=k] ~ .error', (e) => e.textContent)) ?? '', /^lookahead: option 'k'/);
  // Another inner optimizer starts from its own defaults (its lr the problem's).
  await page.select('#race-inner-0', 'radam');
  await page.waitForFunction('new URLSearchParams(location.search).get("runs") === "lookahead(optimizer=radam,k=3)"');
  await page.waitForFunction(RACE_READY);
  assert.equal(await page.$eval('.inner-options [data-option=lr]', (e) => (e as unknown as { value: string }).value), '');
  const command2 = ((await page.$eval('#command', (el) => el.textContent)) ?? '').split('\n')[0];
  assert.equal(command2, 'npx descent trace rosenbrock --optimizer lookahead --set optimizer=radam --set k=3 --steps 60 --start -1,1.5 --json');
  const cli2 = await cliJson(command2.split(' ').slice(2));
  const rec2 = (await page.evaluate('window.descentPlayground.exportJson().records[0]')) as { steps: { x: number[]; y: number[] } };
  assert.deepStrictEqual(rec2.steps.x.map((x, i) => [x, rec2.steps.y[i]]), cli2.iterates);
  // A link naming an inner optimizer that does not exist opens with the wrapper's default.
  await page.goto(`${url}?view=race&steps=20&runs=ema(optimizer=nosuch,optimizerOptions.lr=0.1,decay=0.9)`, { waitUntil: 'load' });
  await page.waitForFunction(RACE_READY);
  assert.equal(await page.$eval('#race-inner-0', (e) => (e as unknown as { value: string }).value), 'sgd');
  await page.waitForFunction('new URLSearchParams(location.search).get("runs") === "ema(decay=0.9)"');
  // Picking a wrapper from the optimizer list shows its picker with the registry's default inner optimizer.
  await page.select('#race-opt-0', 'swa');
  await page.waitForFunction('document.querySelector("#race-inner-0") && document.querySelector("#race-inner-0").value === "sgd"');
  assert.deepEqual(consoleErrors, []);
  await close();
});
