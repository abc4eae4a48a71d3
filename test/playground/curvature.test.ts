// The playground's curvature view. In Node: its tensor forms of the lab's 2-D problems equal the
// lab's f and gradients, the Hessian at a point of the ill-conditioned quadratic is the
// constructed one (eigenvalues 50 and 1 on the axes) and Rosenbrock's the analytic one, the MLP
// run equals the lab's edge-of-stability task (same model, same λ₁ sequence), its final analysis
// is finite, and the URL state round-trips. In headless Chromium (the shared harness): the view
// renders with no console errors (screenshots in test-artifacts/playground/), the page shows the
// same eigenvalues as Node, clicks and arrow keys move the point, the MLP panel produces finite
// numbers close to Node's, the URL keeps the settings, and a phone viewport does not overflow.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { functions2d } from '../../src/lab/problems/functions2d.js';
import { Tensor, linalg } from '../../src/index.js';
import { diagnostics } from '../../src/index.js';
import { resolveMethod } from '../../src/lab/methods.js';
import { loadData } from '../../src/lab/problems/classification.js';
import { expandSpec } from '../../src/lab/spec.js';
import { runCli } from '../../src/cli/program.js';
import { buildNet } from '../../src/lab/reproductions/diagnostics/common.js';
import { runEdgeOfStability, stabilityThreshold as labThreshold } from '../../src/lab/reproductions/diagnostics/edge-of-stability.js';
import { buildMlp, DEFAULT_EDGE, EdgeRun, finalAnalysis, pointHessian, stabilityThreshold, TENSOR_FUNCTIONS, type EdgeSettings } from '../../playground/src/views/curvature/compute.js';
import { curvatureCommand, DEFAULT_CURVATURE, edgeSpec, parseCurvatureState, serializeCurvatureState, type CurvatureState } from '../../playground/src/views/curvature/state.js';
import { closePlayground, openPlayground, playgroundSkip, screenshot } from './harness.js';

after(closePlayground);

const close = (a: number, b: number, tol: number): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test('the tensor forms of the lab\'s 2-D problems equal the lab\'s f and gradient', () => {
  assert.deepEqual(Object.keys(TENSOR_FUNCTIONS).sort(), functions2d.map((f) => f.name).sort());
  for (const fn of functions2d) {
    for (const [u, v] of [[0.13, 0.71], [0.5, 0.5], [0.9, 0.2], [0.31, 0.04]]) {
      const x = fn.window[0] + u * (fn.window[1] - fn.window[0]);
      const y = fn.window[2] + v * (fn.window[3] - fn.window[2]);
      const X = new Tensor(Float64Array.of(x), [1]);
      const Y = new Tensor(Float64Array.of(y), [1]);
      X.requiresGrad = Y.requiresGrad = true;
      const out = TENSOR_FUNCTIONS[fn.name](X, Y).sum();
      out.backward();
      assert.ok(close(out.item(), fn.f(x, y), 1e-12), `${fn.name} f(${x}, ${y}): ${out.item()} vs ${fn.f(x, y)}`);
      const [gx, gy] = fn.grad(x, y);
      assert.ok(close(X.grad!.item(), gx, 1e-10) && close(Y.grad!.item(), gy, 1e-10), `${fn.name} gradient at (${x}, ${y})`);
    }
  }
});

test('the Hessian at a point of the ill-conditioned quadratic is the constructed one: λ = 50 along y, 1 along x, κ = 50', () => {
  const r = pointHessian('quadratic', [-3, 1], 0.038);
  assert.equal(r.directions.length, 2);
  assert.ok(close(r.directions[0].eigenvalue, 50, 1e-12) && close(r.directions[1].eigenvalue, 1, 1e-12), JSON.stringify(r.directions));
  assert.ok(Math.abs(Math.abs(r.directions[0].vector[1]) - 1) < 1e-12 && Math.abs(r.directions[0].vector[0]) < 1e-6);
  assert.ok(Math.abs(Math.abs(r.directions[1].vector[0]) - 1) < 1e-12);
  assert.ok(close(r.condition, 50, 1e-12));
  assert.ok(r.directions.every((d) => d.stable), 'lr 0.038 < 2/50: stable along both');
  assert.ok(close(r.value, 0.5 * (9 + 50), 1e-12));
  // Past 2/λ₁ = 0.04 the steep direction is unstable: |1 − 0.045·50| = 1.25.
  const u = pointHessian('quadratic', [-3, 1], 0.045);
  assert.deepEqual(u.directions.map((d) => d.stable), [false, true]);
  assert.ok(close(u.directions[0].factor, 1.25, 1e-12));
  assert.ok(close(u.threshold, 2 / 0.045, 1e-15));
  // The view's numbers are the library's: topHessianEigen on the same objective.
  const X = new Tensor(Float64Array.of(-3), [1]);
  const Y = new Tensor(Float64Array.of(1), [1]);
  X.requiresGrad = Y.requiresGrad = true;
  const lib = diagnostics.topHessianEigen(() => TENSOR_FUNCTIONS.quadratic(X, Y).sum(), [X, Y], { k: 2, iterations: 2 });
  assert.deepEqual(r.directions.map((d) => d.eigenvalue), lib.eigenvalues);
});

test('the Hessian of Rosenbrock at a point is the analytic one; the saddle\'s negative curvature is unstable for GD', () => {
  const [x, y] = [-1.2, 1.5];
  const H = new Tensor(Float64Array.of(1200 * x * x - 400 * y + 2, -400 * x, -400 * x, 200), [2, 2]);
  const exact = Array.from(linalg.eigh(H).eigenvalues.data).reverse();
  const r = pointHessian('rosenbrock', [x, y], 1e-3);
  r.directions.forEach((d, i) => assert.ok(close(d.eigenvalue, exact[i], 1e-10), `λ${i + 1}: ${d.eigenvalue} vs ${exact[i]}`));
  assert.ok(exact[1] < 0, 'a point with negative curvature');
  assert.ok(close(r.condition, Math.abs(exact[0] / exact[1]), 1e-9));
  assert.deepEqual(r.directions.map((d) => d.stable), [true, false]);
  const s = pointHessian('saddle', [0.5, 0], 0.05);
  assert.ok(close(s.directions[0].eigenvalue, 2, 1e-12) && close(s.directions[1].eigenvalue, -2, 1e-12));
  assert.deepEqual(s.directions.map((d) => d.stable), [true, false]);
  // Rastrigin at the origin has H = (2 + 40π²) I: Lanczos stops after one step, the orthogonal direction completes it.
  const r0 = pointHessian('rastrigin', [0, 0], 2e-3);
  assert.equal(r0.directions.length, 2);
  r0.directions.forEach((d) => assert.ok(close(d.eigenvalue, 2 + 40 * Math.PI ** 2, 1e-12), String(d.eigenvalue)));
  assert.ok(Math.abs(r0.directions[0].vector[0] * r0.directions[1].vector[0] + r0.directions[0].vector[1] * r0.directions[1].vector[1]) < 1e-12, 'orthogonal eigenvectors');
  assert.ok(close(r0.condition, 1, 1e-12));
  assert.ok(r0.residuals.every((x) => x < 1e-9));
  assert.throws(() => pointHessian('nope', [0, 0], 0.1), /unknown problem "nope"; expected one of rosenbrock/);
});

test('the stability threshold is the lab task\'s: 2/lr for GD, (2 + 2β)/lr with momentum (the presets\' own β), NaN for Adam', () => {
  const cases: [string, Record<string, number>, number][] = [['sgd', { lr: 0.1 }, 20], ['sgd', { lr: 0.05, momentum: 0.9 }, 3.8 / 0.05], ['momentum', { lr: 0.02 }, 3.8 / 0.02], ['momentum', { lr: 0.02, momentum: 0.5 }, 3 / 0.02], ['nesterov', { lr: 0.1 }, 3.8 / (0.1 * 2.8)], ['adam', { lr: 1e-3 }, NaN]];
  for (const [opt, options, expected] of cases) {
    const ours = stabilityThreshold(opt, options);
    const lab = labThreshold(resolveMethod(opt, options));
    assert.ok(Number.isNaN(expected) ? Number.isNaN(ours) && Number.isNaN(lab) : close(ours, lab, 1e-15) && close(ours, expected, 1e-12), `${opt} ${JSON.stringify(options)}: ${ours} vs the lab's ${lab}, expected ${expected}`);
  }
});

const SMALL: EdgeSettings = { ...DEFAULT_EDGE, trainLimit: 100, width: 16, steps: 20, evalEvery: 10, lanczosIterations: 8 };

test('the MLP panel\'s run is the lab\'s edge-of-stability task: the same network and the same λ₁ and losses', () => {
  const a = buildMlp(SMALL).parameters();
  const b = buildNet({ width: SMALL.width, depth: SMALL.depth, residual: false, activation: SMALL.activation, seed: SMALL.seed }).parameters();
  assert.equal(a.length, b.length);
  a.forEach((p, i) => assert.deepEqual(Array.from(p.data), Array.from(b[i].data)));
  const data = loadData('builtin', SMALL.trainLimit, 1).train;
  const run = new EdgeRun(SMALL, data);
  while (run.advance());
  const lab = runEdgeOfStability({ task: 'edge-of-stability', taskOptions: {}, method: resolveMethod('sgd', { lr: SMALL.lr }), seed: SMALL.seed }, { dataset: 'builtin', ...SMALL });
  assert.deepEqual(run.points.map((p) => p.step), lab.epochs!.step);
  run.points.forEach((p, i) => assert.ok(close(p.sharpness, lab.epochs!.sharpness[i], 1e-9), `λ₁ at step ${p.step}: ${p.sharpness} vs ${lab.epochs!.sharpness[i]}`));
  assert.deepEqual(run.losses, lab.steps!.loss);
  assert.equal(run.threshold, 20);
});

test('the final analysis gives finite top-k eigenvalues, trace, SLQ density and an 11 × 11 slice lowest near its centre', () => {
  const run = new EdgeRun(SMALL, loadData('builtin', SMALL.trainLimit, 1).train);
  while (run.advance());
  const a = finalAnalysis(run);
  assert.equal(a.eigenvalues.length, 5);
  assert.ok(a.eigenvalues.every(Number.isFinite) && a.eigenvalues.every((v, i) => i === 0 || v <= a.eigenvalues[i - 1]));
  assert.ok(close(a.eigenvalues[0], run.points[run.points.length - 1].sharpness, 0.05), `λ₁ ${a.eigenvalues[0]} vs the last evaluation's ${run.points[run.points.length - 1].sharpness}`);
  assert.ok(Number.isFinite(a.trace.trace) && a.trace.trace > a.eigenvalues[0] * 0.5, `trace ${a.trace.trace}`);
  assert.ok(a.density.density.every(Number.isFinite));
  const mass = a.density.weights.reduce((s, w) => s + w, 0);
  assert.ok(close(mass, 1, 1e-9));
  assert.equal(a.slice.loss.length, 11);
  assert.ok(a.slice.loss.every((r) => r.length === 11 && r.every(Number.isFinite)));
  assert.ok(close(a.slice.loss[5][5], a.loss, 1e-6), 'the centre of the slice is the final point');
  assert.equal(a.parameters, 784 * 16 + 16 + 16 * 16 + 16 + 16 * 10 + 10);
});

test('the view\'s state round-trips through URL keys, and the command names the lab\'s task with its settings', () => {
  const s: CurvatureState = { problem: 'rosenbrock', point: [-1.2, 1.5], lr: 0.002, edge: { ...SMALL, optimizer: 'sgd', momentum: 0.9, lr: 0.01, activation: 'relu', loss: 'crossEntropy', seed: 3 } };
  assert.deepEqual(parseCurvatureState(serializeCurvatureState(s)), s);
  assert.deepEqual(parseCurvatureState({}), DEFAULT_CURVATURE);
  assert.deepEqual(parseCurvatureState({ problem: 'nope', n: '-3', act: 'x', at: '1,b' }), DEFAULT_CURVATURE);
  const cmd = curvatureCommand(s);
  assert.match(cmd, /npx descent trace rosenbrock --optimizer sgd --set lr=0.002 --start -1.2,1.5 --steps 50 --json/);
  assert.deepEqual(edgeSpec(s.edge).tasks, [{ name: 'edge-of-stability', options: { dataset: 'builtin', trainLimit: 100, width: 16, depth: 1, activation: 'relu', loss: 'crossEntropy', steps: 20, evalEvery: 10, lanczosIterations: 8 } }]);
  assert.deepEqual(edgeSpec(s.edge).optimizers, [{ name: 'sgd', options: { lr: 0.01, momentum: 0.9 } }]);
});

test('the shown commands run: GD from the point scales y by 1 − lr·50 per step as the table says, and the spec expands to the edge-of-stability run', async () => {
  const s: CurvatureState = { ...DEFAULT_CURVATURE, point: [-3, 1], lr: 0.045 };
  const trace = curvatureCommand(s).split('\n').find((l) => l.startsWith('npx descent trace'))!;
  let out = '';
  const code = await runCli(trace.split(' ').slice(2), { out: (t) => (out += t), err: () => {}, progress: () => {} });
  assert.equal(code, 0);
  const { iterates } = JSON.parse(out) as { iterates: number[][] };
  const [steep, flat] = pointHessian('quadratic', [-3, 1], 0.045).directions;
  iterates.slice(0, 10).forEach(([x, y], t) => {
    assert.ok(close(Math.abs(y), steep.factor ** t, 1e-9), `|y_${t}| = ${y}, expected ${steep.factor ** t}`);
    assert.ok(close(Math.abs(x), 3 * flat.factor ** t, 1e-9));
  });
  const trials = expandSpec(edgeSpec({ ...DEFAULT_EDGE, optimizer: 'momentum' }) as never, 'playground');
  assert.equal(trials.length, 1);
  assert.equal(trials[0].task, 'edge-of-stability');
  assert.deepEqual(trials[0].method.options, { momentum: 0.9, lr: 0.1 });
  assert.equal(stabilityThreshold('momentum', { lr: 0.1 }), labThreshold(trials[0].method));
});

// --- in the browser

const skip = playgroundSkip;
const HESSIAN = `JSON.parse(document.querySelector('#cv-hessian').dataset.eigenvalues || 'null')`;

test('browser: the view renders the quadratic\'s Hessian at the URL\'s point (50 and 1, as in Node), clicks and keys move it, no console errors', { skip, timeout: 120_000 }, async () => {
  const p = await openPlayground('view=curvature&problem=quadratic&at=-3,1&lr=0.045');
  try {
    await p.page.waitForFunction(`${HESSIAN} !== null`, { timeout: 60_000 });
    const shown = (await p.page.evaluate(HESSIAN)) as number[];
    const node = pointHessian('quadratic', [-3, 1], 0.045).directions.map((d) => d.eigenvalue);
    shown.forEach((v, i) => assert.ok(close(v, node[i], 1e-12), `page ${v} vs node ${node[i]}`));
    assert.ok(close(shown[0], 50, 1e-12) && close(shown[1], 1, 1e-12));
    assert.equal(await p.page.evaluate(`document.querySelector('#cv-condition').textContent`), '50');
    assert.deepEqual(await p.page.evaluate(`[...document.querySelectorAll('#cv-hessian tbody tr')].map((r) => r.dataset.stable)`), ['false', 'true']);
    const text = (await p.page.evaluate('document.body.innerText')) as string;
    assert.match(text, /npx descent trace quadratic --optimizer sgd --set lr=0.045 --start -3,1/);
    assert.match(text, /edge-of-stability/);
    await screenshot(p.page, 'curvature');
    // A click at the canvas centre moves the point to the window's centre (0, 0), to a pixel.
    const POINT = `JSON.parse(document.querySelector('#cv-hessian').dataset.point)`;
    const box = (await (await p.page.$('#cv-contour'))!.boundingBox())!;
    await p.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await p.page.waitForFunction(`Math.abs(${POINT}[0]) < 0.05 && Math.abs(${POINT}[1]) < 0.05`, { timeout: 20_000 });
    const clicked = (await p.page.evaluate(POINT)) as [number, number];
    assert.equal(new URL(p.page.url()).searchParams.get('at'), clicked.join(','));
    // ArrowRight moves it by 2 % of the window's width (10 units): 0.2 to the right.
    await p.page.focus('#cv-contour');
    await p.page.keyboard.press('ArrowRight');
    await p.page.waitForFunction(`Math.abs(${POINT}[0] - ${clicked[0]} - 0.2) < 1e-3`, { timeout: 20_000 });
    assert.deepEqual((await p.page.evaluate(HESSIAN)) as number[], pointHessian('quadratic', (await p.page.evaluate(POINT)) as [number, number], 0.045).directions.map((d) => d.eigenvalue));
    assert.deepEqual(p.consoleErrors, []);
  } finally {
    await p.close();
  }
});

test('browser: the MLP panel trains, records λ₁ against 2/lr and gives finite eigenvalues, trace, density and slice (close to Node\'s)', { skip, timeout: 180_000 }, async () => {
  const q = 'view=curvature&problem=himmelblau&n=100&width=16&depth=1&act=tanh&loss=mse&steps=20&every=10&lanczos=8&opt=sgd&mlr=0.1&mom=0&seed=0';
  const p = await openPlayground(q);
  try {
    await p.page.waitForSelector('#cv-run');
    await p.page.click('#cv-run');
    await p.page.waitForFunction(`document.querySelector('.cv-status').dataset.done === 'true'`, { timeout: 150_000 });
    const got = (await p.page.evaluate(`(() => { const f = document.querySelector('#cv-final').dataset; const c = document.querySelector('.cv-sharpness').dataset; return { eigenvalues: JSON.parse(f.eigenvalues), trace: Number(f.trace), slice: JSON.parse(f.slice), points: Number(c.points), last: Number(c.last) }; })()`)) as { eigenvalues: number[]; trace: number; slice: number[]; points: number; last: number };
    assert.equal(got.eigenvalues.length, 5);
    assert.ok(got.eigenvalues.every(Number.isFinite) && Number.isFinite(got.trace), JSON.stringify(got));
    assert.equal(got.slice.length, 121);
    assert.ok(got.slice.every(Number.isFinite));
    assert.equal(got.points, 3, 'λ₁ at steps 0, 10 and 20');
    // The toolbar's Export JSON carries the same run: settings, λ₁ points, threshold and analysis.
    const exported = (await p.page.evaluate('window.descentPlayground.exportJson()')) as { type: string; edge: { threshold: number; points: { step: number }[]; analysis: { eigenvalues: number[] } } };
    assert.equal(exported.type, 'playground-curvature');
    assert.equal(exported.edge.threshold, 20);
    assert.deepEqual(exported.edge.points.map((q) => q.step), [0, 10, 20]);
    assert.deepEqual(exported.edge.analysis.eigenvalues, got.eigenvalues);
    // The page runs float32 wasm kernels, Node its BLAS backend: the same run to rounding.
    const run = new EdgeRun(SMALL, loadData('builtin', SMALL.trainLimit, 1).train);
    while (run.advance());
    assert.ok(close(got.last, run.points[2].sharpness, 1e-3), `page λ₁ ${got.last} vs node ${run.points[2].sharpness}`);
    const url = new URL(p.page.url());
    assert.deepEqual(parseCurvatureState(Object.fromEntries(url.searchParams)), parseCurvatureState(Object.fromEntries(new URLSearchParams(q))));
    await screenshot(p.page, 'curvature-mlp');
    assert.deepEqual(p.consoleErrors, []);
  } finally {
    await p.close();
  }
});

test('browser: Stop ends a long run: no further λ₁ points arrive, and Run starts afresh', { skip, timeout: 120_000 }, async () => {
  const p = await openPlayground('view=curvature&n=100&width=16&steps=5000&every=5&lanczos=4');
  try {
    const POINTS = `Number(document.querySelector('.cv-sharpness').dataset.points || 0)`;
    await p.page.waitForSelector('#cv-run');
    await p.page.click('#cv-run');
    await p.page.waitForFunction(`${POINTS} >= 2`, { timeout: 60_000 });
    await p.page.click('#cv-run');
    assert.equal(await p.page.evaluate(`document.querySelector('.cv-status').textContent`), 'stopped');
    assert.equal(await p.page.evaluate(`document.querySelector('#cv-run').getAttribute('aria-pressed')`), 'false');
    const stopped = (await p.page.evaluate(POINTS)) as number;
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(((await p.page.evaluate(POINTS)) as number) <= stopped + 1, 'at most the evaluation in flight lands after Stop');
    await p.page.click('#cv-run');
    await p.page.waitForFunction(`document.querySelector('.cv-status').textContent.startsWith('step ')`, { timeout: 60_000 });
    await p.page.click('#cv-run');
    assert.deepEqual(p.consoleErrors, []);
  } finally {
    await p.close();
  }
});

test('browser: the URL\'s settings come back on reload, and a phone viewport has no horizontal overflow', { skip, timeout: 120_000 }, async () => {
  const p = await openPlayground('view=curvature&problem=rosenbrock&at=-1.2,1.5&lr=0.002&width=24&opt=momentum&mlr=0.01', { viewport: { width: 390, height: 844 } });
  try {
    await p.page.waitForFunction(`${HESSIAN} !== null`, { timeout: 60_000 });
    const fields = (await p.page.evaluate(`({ problem: document.querySelector('#cv-problem').value, lr: document.querySelector('#cv-lr').value, x: document.querySelector('#cv-x').value, y: document.querySelector('#cv-y').value, width: document.querySelector('#cv-edge-width').value, opt: document.querySelector('#cv-edge-optimizer').value, mlr: document.querySelector('#cv-edge-lr').value })`)) as Record<string, unknown>;
    assert.equal(fields.problem, 'rosenbrock');
    assert.equal(fields.lr, '0.002');
    assert.equal(fields.x, '-1.2');
    assert.equal(fields.y, '1.5');
    assert.equal(fields.width, '24');
    assert.equal(fields.opt, 'momentum');
    assert.equal(fields.mlr, '0.01');
    const shown = (await p.page.evaluate(HESSIAN)) as number[];
    const node = pointHessian('rosenbrock', [-1.2, 1.5], 0.002).directions.map((d) => d.eigenvalue);
    shown.forEach((v, i) => assert.ok(close(v, node[i], 1e-12)));
    const overflow = (await p.page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone's viewport`);
    await screenshot(p.page, 'curvature-phone');
    assert.deepEqual(p.consoleErrors, []);
  } finally {
    await p.close();
  }
});
