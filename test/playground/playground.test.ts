// The playground in headless Chromium (one file, so one process builds the site and opens one
// browser): the race and the counterexample render with no console errors (screenshots in
// test-artifacts/playground/), `descentPlayground.trace` equals `descent trace --json`, the URL
// round-trips the state, a phone-sized viewport has no horizontal overflow, and the keyboard
// alone reaches and works the controls. Skips, saying why, without Chromium or puppeteer-core.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/program.js';
import { runTrace } from '../../src/lab/trace.js';
import { closePlayground, openPlayground, playgroundSkip, screenshot } from './harness.js';

after(closePlayground);

const skip = playgroundSkip;
const RACE_READY = 'document.querySelectorAll(".run-summary li").length > 0 && ![...document.querySelectorAll(".run-summary li")].some((l) => l.textContent.includes("…"))';
const CE_READY = 'document.querySelectorAll(".counterexample .run-summary li").length === 3';

async function cliJson(...argv: string[]): Promise<{ iterates: number[][]; options: Record<string, unknown> }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s), progress: () => {} });
  assert.equal(code, 0, err);
  return JSON.parse(out);
}

// The counterexample view runs its own copies (not the lab's trace): compared to a tolerance.
function assertClose(a: number[][], b: number[][], what: string, tol: number): void {
  assert.equal(a.length, b.length, `${what}: as many iterates`);
  let worst = 0;
  a.forEach((p, i) => p.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i][j]) / Math.max(1, Math.abs(b[i][j]))))));
  assert.ok(worst <= tol, `${what}: the page's iterates are the CLI's to ${tol} (worst relative difference ${worst})`);
}

test('race: renders the contours, three runs and their loss curves, no console errors', { skip }, async () => {
  const { page, consoleErrors, close } = await openPlayground('view=race');
  await page.waitForFunction(RACE_READY);
  // A first visit plays the race by itself.
  await page.waitForFunction('document.querySelector(".step-label").textContent === "step 300 of 300"', { timeout: 20000 });
  assert.equal(await page.$eval('#race-play', (el) => el.textContent), 'Play');
  const info = (await page.evaluate(`({
    points: [...document.querySelectorAll('.loss-chart polyline')].map((p) => p.getAttribute('points').split(' ').length),
    step: document.querySelector('.step-label').textContent,
    pickers: document.querySelectorAll('.optimizer-picker').length,
    choices: document.querySelector('.optimizer-picker').options.length,
    command: document.querySelector('#command').textContent,
  })`)) as { points: number[]; step: string; pickers: number; choices: number; command: string };
  await screenshot(page, 'race');
  // The toolbar's exports run to the end (the files go to the browser's downloads).
  for (const [id, said] of [['#export-json', 'saved descent-race.json'], ['#export-png', 'saved 2 PNG files'], ['#export-svg', 'saved 1 SVG file']]) {
    await page.click(id);
    await page.waitForFunction(`document.querySelector('.toolbar-status').textContent === ${JSON.stringify(said)}`);
  }
  assert.deepEqual(info.points, [301, 301, 301], 'each curve has the start and 300 steps');
  assert.equal(info.step, 'step 300 of 300');
  assert.equal(info.pickers, 3);
  assert.ok(info.choices >= 25, `the picker lists the registry (${info.choices} entries)`);
  assert.equal(info.command.split('\n')[1], 'npx descent trace rosenbrock --optimizer adam --steps 300 --start -1.5,2 --json');
  assert.deepEqual(consoleErrors, []);
  await close();
});

test('race: a typed f(x, y) gets contours and autodiff gradients; a bad one an error naming the problem', { skip }, async () => {
  const { page, consoleErrors, close } = await openPlayground('view=race&problem=custom&expr=(x-1)%5E2%2B2*(y%2B0.5)%5E2&start=-3,3&steps=400&runs=momentum');
  await page.waitForFunction(RACE_READY);
  const end = (await page.evaluate('window.descentPlayground.exportJson().records[0].final')) as { x: number; y: number };
  assert.ok(Math.abs(end.x - 1) < 1e-3 && Math.abs(end.y + 0.5) < 1e-3, `momentum reaches the minimum (1, -0.5): ${JSON.stringify(end)}`);
  await page.$eval('#race-expr', (el) => { (el as unknown as { value: string }).value = 'x + sinn(y)'; el.dispatchEvent(new Event('change')); });
  await page.waitForFunction('document.querySelector("#race-expr-error").textContent !== ""');
  const message = await page.$eval('#race-expr-error', (el) => el.textContent);
  assert.match(message ?? '', /unknown name 'sinn' at position 5/);
  assert.deepEqual(consoleErrors, []);
  await close();
});

test("race: the option inputs are the registry's table, and a bad value gets the library's own message", { skip }, async () => {
  const { page, consoleErrors, close } = await openPlayground('view=race&runs=adam&steps=40');
  await page.waitForFunction(RACE_READY);
  const keys = await page.$$eval('#race-runs [data-option]', (els) => els.map((e) => e.getAttribute('data-option')));
  assert.ok(keys.includes('lr') && keys.includes('betas') && keys.includes('amsgrad'), `adam's options: ${keys.join(', ')}`);
  const slider = await page.$eval('.lr-slider', (el) => Number((el as unknown as { value: string }).value));
  assert.ok(Math.abs(slider - Math.log10(0.02)) < 0.05, `the lr slider starts at the problem's default 0.02 (log10 ${slider})`);
  await page.$eval('#race-runs [data-option=betas]', (el) => { (el as unknown as { value: string }).value = '0.9, 1.5'; el.dispatchEvent(new Event('change')); });
  const message = await page.$eval('#race-runs [data-option=betas] ~ .error', (el) => el.textContent);
  assert.match(message ?? '', /^adam: option 'betas' must be a pair of numbers in \[0, 1\), got \[0\.9,1\.5\]$/);
  assert.ok(!(await page.evaluate('location.search') as string).includes('betas'), 'a rejected value does not reach the run or the URL');
  await page.$eval('#race-runs [data-option=betas]', (el) => { (el as unknown as { value: string }).value = '0.5, 0.9'; el.dispatchEvent(new Event('change')); });
  await page.waitForFunction('location.search.includes("betas%3D0.5%2F0.9")');
  assert.equal(await page.$eval('#race-runs [data-option=betas] ~ .error', (el) => el.textContent), '');
  assert.deepEqual(consoleErrors, []);
  await close();
});

test('descentPlayground.trace equals `descent trace --json` (two problems, two optimizers, and the online problem)', { skip }, async () => {
  const { page, consoleErrors, close } = await openPlayground('view=race');
  const cases = [
    { settings: { problem: 'rosenbrock', optimizer: 'adam', options: { lr: 0.05 }, steps: 60, start: [-1, 1.5] }, argv: ['trace', 'rosenbrock', '--optimizer', 'adam', '--set', 'lr=0.05', '--steps', '60', '--start', '-1,1.5', '--json'] },
    { settings: { problem: 'himmelblau', optimizer: 'momentum', steps: 80 }, argv: ['trace', 'himmelblau', '--optimizer', 'momentum', '--steps', '80', '--json'] },
    { settings: { problem: 'online-stochastic', optimizer: 'adam', options: { betas: [0, 0.999] }, steps: 2000, seed: 3 }, argv: ['trace', 'online-stochastic', '--optimizer', 'adam', '--set', 'betas=0,0.999', '--steps', '2000', '--seed', '3', '--json'] },
  ];
  for (const c of cases) {
    const page1 = (await page.evaluate(`window.descentPlayground.trace(${JSON.stringify(c.settings)})`)) as { iterates: number[][]; options: unknown };
    const cli = await cliJson(...c.argv);
    assert.equal(page1.iterates.length, c.settings.steps + 1);
    // Bit for bit: the optimizers' powers go through descent's deterministic pow (Chromium's and
    // Node's Math.pow differ in the last bit); every optimizer is compared in race-trace.test.ts.
    assert.deepStrictEqual(page1.iterates, cli.iterates, `${c.settings.problem} with ${c.settings.optimizer}: the page's iterates are the CLI's`);
    assert.deepEqual(page1.options, cli.options);
  }
  await assert.rejects(page.evaluate(`window.descentPlayground.trace({ problem: 'nowhere', optimizer: 'adam' })`), /unknown problem 'nowhere'; available: rosenbrock/);
  assert.deepEqual(consoleErrors, []);
  await close();
});

test('the URL round-trips the state: set it, reload, the same state', { skip }, async () => {
  const { page, consoleErrors, close } = await openPlayground('view=race&problem=beale&steps=120&start=1,1&runs=adam(lr=0.05);rmsprop');
  await page.waitForFunction(RACE_READY);
  await page.select('#race-opt-1', 'nadam');
  await page.waitForFunction('location.search.includes("nadam")');
  await page.$eval('#race-steps', (el) => { (el as unknown as { value: string }).value = '90'; el.dispatchEvent(new Event('change')); });
  await page.waitForFunction('location.search.includes("steps=90")');
  const before = (await page.evaluate('location.search')) as string;
  const read = `({ problem: document.querySelector('#race-problem').value, steps: document.querySelector('#race-steps').value,
    start: [document.querySelector('#race-start-x').value, document.querySelector('#race-start-y').value],
    pickers: [...document.querySelectorAll('.optimizer-picker')].map((s) => s.value), lr: document.querySelector('#race-runs [data-option=lr]').value })`;
  const state = await page.evaluate(read);
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(RACE_READY);
  assert.equal(await page.evaluate('location.search'), before);
  assert.deepEqual(await page.evaluate(read), state);
  assert.deepEqual(state, { problem: 'beale', steps: '90', start: ['1', '1'], pickers: ['adam', 'nadam'], lr: '0.05' });
  // The counterexample's settings too.
  await page.click('#tab-counterexample');
  await page.waitForFunction(CE_READY);
  await page.$eval('#ce-b1', (el) => { (el as unknown as { value: string }).value = '0.9'; el.dispatchEvent(new Event('change')); });
  await page.waitForFunction('location.search.includes("b1=0.9")');
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(CE_READY);
  assert.equal(await page.$eval('#ce-b1', (el) => (el as unknown as { value: string }).value), '0.9');
  assert.equal(await page.evaluate('document.querySelector("[aria-selected=true]").id'), 'tab-counterexample');
  assert.deepEqual(consoleErrors, []);
  await close();
});

test("counterexample: with the thesis' settings Adam's mean θ goes up, AdaShift's down; one copy's θ is the CLI's online trace", { skip }, async () => {
  const { page, consoleErrors, close } = await openPlayground('view=counterexample');
  await page.waitForFunction(CE_READY, { timeout: 60000 });
  await screenshot(page, 'counterexample');
  type Records = { records: { steps: { thetaMean: number[]; theta: number[]; v: number[]; vhat?: number[] } }[] };
  const json = (await page.evaluate('window.descentPlayground.exportJson()')) as Records;
  const [adam, ams, shift] = json.records.map((r) => r.steps);
  const last = (xs: number[]): number => xs[xs.length - 1];
  assert.equal(adam.thetaMean.length, 100001);
  assert.ok(last(adam.thetaMean) > 0.3, `Adam's mean θ goes up (${last(adam.thetaMean)})`);
  assert.ok(last(shift.thetaMean) < -0.1, `AdaShift's goes down (${last(shift.thetaMean)})`);
  assert.ok(last(ams.thetaMean) < last(adam.thetaMean) - 0.3, `AMSGrad's ends far below Adam's (${last(ams.thetaMean)})`);
  assert.ok(ams.vhat && ams.vhat.every((v, i) => i === 0 || v >= ams.v[i]), "AMSGrad's v̂ is at least v");
  assert.equal(adam.vhat, undefined);
  // One copy, fewer steps: θ_t against `descent trace online-stochastic`.
  await page.goto(`${page.url().split('?')[0]}?view=counterexample&copies=1&steps=20000&seed=4`, { waitUntil: 'load' });
  await page.waitForFunction(CE_READY, { timeout: 60000 });
  const one = ((await page.evaluate('window.descentPlayground.exportJson()')) as Records).records[0].steps;
  const cli = runTrace({ problem: 'online-stochastic', optimizer: 'adam', options: { lr: 0.001, betas: [0, 0.999], eps: 1e-8 }, steps: 20000, seed: 4 });
  assertClose(one.theta.map((t) => [t]), cli.iterates, "the page's Adam θ_t against the CLI's", 1e-9);
  assert.equal(await page.$eval('#command', (el) => el.textContent?.split('\n')[0]), 'npx descent trace online-stochastic --optimizer adam --set lr=0.001 --set betas=0,0.999 --set eps=1e-8 --steps 20000 --seed 4 --json');
  assert.deepEqual(consoleErrors, []);
  await close();
});

test('a 375x667 viewport renders both views without horizontal overflow', { skip }, async () => {
  for (const view of ['race', 'counterexample']) {
    const { page, consoleErrors, close } = await openPlayground(`view=${view}`, { viewport: { width: 375, height: 667 } });
    await page.waitForFunction(view === 'race' ? RACE_READY : CE_READY, { timeout: 60000 });
    await screenshot(page, `${view}-phone`);
    const widths = (await page.evaluate('({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth })')) as { doc: number; body: number };
    assert.ok(widths.doc <= 375 && widths.body <= 375, `${view}: page is ${widths.doc}px wide`);
    assert.deepEqual(consoleErrors, []);
    await close();
  }
});

test('keyboard alone: Tab reaches the optimizer picker and Play; Space and Enter act', { skip }, async () => {
  const { page, consoleErrors, close } = await openPlayground('view=race&steps=50');
  await page.waitForFunction(RACE_READY);
  const seen: string[] = [];
  for (let i = 0; i < 60 && !(seen.includes('race-play') && seen.includes('race-opt-0')); i++) {
    await page.keyboard.press('Tab');
    seen.push((await page.evaluate('document.activeElement.id')) as string);
  }
  assert.ok(seen.includes('race-play'), `Tab reaches Play (focused: ${seen.join(' ')})`);
  assert.ok(seen.includes('race-opt-0'), 'Tab reaches the optimizer picker');
  await page.waitForFunction('document.querySelector(".step-label").textContent === "step 50 of 50"', { timeout: 20000 });
  await page.focus('#race-reset');
  await page.keyboard.press('Enter');
  await page.waitForFunction('document.querySelector(".step-label").textContent === "step 0 of 50"');
  await page.focus('#race-step');
  await page.keyboard.press('Enter');
  await page.waitForFunction('document.querySelector(".step-label").textContent === "step 1 of 50"');
  await page.focus('#race-play');
  await page.keyboard.press('Space');
  await page.waitForFunction('document.querySelector(".step-label").textContent === "step 50 of 50"', { timeout: 20000 });
  await page.focus('#race-opt-0');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction('!location.search.includes("runs=momentum")');
  assert.deepEqual(consoleErrors, []);
  await close();
});

test('the compute worker is cross-origin isolated and runs the wasm GEMM and convolutions on threads', { skip }, async () => {
  const { page, consoleErrors, close } = await openPlayground('view=race');
  assert.equal(await page.evaluate('self.crossOriginIsolated'), true, 'the server sends COOP/COEP');
  const cores = (await page.evaluate('navigator.hardwareConcurrency')) as number;
  const b = (await page.evaluate('window.descentPlayground.backend()')) as { name: string; detail: string; crossOriginIsolated: boolean; threadsProblem: string };
  assert.equal(b.name, 'wasm');
  assert.equal(b.crossOriginIsolated, true);
  assert.equal(b.threadsProblem, '', 'nothing keeps the worker from wasm threads');
  if (cores >= 2) assert.match(b.detail, new RegExp(`GEMM and convolutions on up to ${Math.min(cores, 8)} threads`));
  assert.deepEqual(consoleErrors, []);
  await close();
});
