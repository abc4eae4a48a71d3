/**
 * The curvature view: the library's diagnostics shown on two problems.
 *
 * 1. A lab 2-D problem: click (or move with the arrow keys) to a point and see the Hessian
 *    there: its eigenvectors drawn as arrows on the contours (length ∝ √|λ|, red where plain
 *    GD with the chosen lr is unstable along it), the eigenvalues, the condition number, and
 *    per direction |1 − lr·λ| against 1 (stable iff 0 < λ < 2/lr).
 * 2. A small MLP on the built-in Fashion-MNIST subset trained full-batch (the lab's
 *    edge-of-stability task): λ₁ per evaluation against 2/lr while it trains, then at the final
 *    point the top-k eigenvalues, the Hutchinson trace, the SLQ spectral density and an 11×11
 *    filter-normalized loss slice as contours.
 *
 * Both compute in Web Workers (one each) on descent's kernels; the state is in the URL.
 */
import { listMethods } from '../../../../src/lab/methods.js';
import { functions2d } from '../../../../src/lab/problems/functions2d.js';
import { RUN_COLORS } from '../../ui/colors.js';
import { drawLegend, drawSurface, surfaceScale, type Scale, type Surface } from '../../ui/contour.js';
import { button, h, labelled, select } from '../../ui/dom.js';
import { drawLineChart, newChart } from '../../ui/line-chart.js';
import type { PlaygroundView, ViewContext } from '../types.js';
import { loadBuiltin } from '../training/load.js';
import { DEFAULT_ANALYSIS, type EdgePoint, type EdgeSettings, type FinalAnalysis, type PointHessian } from './compute.js';
import type { FromCurvatureWorker, ToCurvatureWorker } from './protocol.js';
import { curvatureCommand, lrOf, parseCurvatureState, pointOf, serializeCurvatureState, type CurvatureState } from './state.js';
import './curvature.css';

const SIZE = 420;
const SLICE_SIZE = 300;

/** A number to 4 significant digits (exponent form when very large or small). */
function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  return Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3 ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

/** A surface from a loss grid (bilinear between the grid points), for the contour drawer. */
function gridSurface(s: { x: number[]; y: number[]; loss: number[][] }): Surface {
  const n = s.x.length;
  const [x0, x1] = [s.x[0], s.x[n - 1]];
  const [y0, y1] = [s.y[0], s.y[n - 1]];
  let fmin = Infinity;
  for (const row of s.loss) for (const v of row) if (Number.isFinite(v)) fmin = Math.min(fmin, v);
  const f = (x: number, y: number): number => {
    const u = Math.min(n - 1 - 1e-9, Math.max(0, ((x - x0) / (x1 - x0)) * (n - 1)));
    const w = Math.min(n - 1 - 1e-9, Math.max(0, ((y - y0) / (y1 - y0)) * (n - 1)));
    const i = Math.floor(u);
    const j = Math.floor(w);
    const a = u - i;
    const b = w - j;
    const L = s.loss;
    return (1 - a) * (1 - b) * L[j][i] + a * (1 - b) * L[j][i + 1] + (1 - a) * b * L[j + 1][i] + a * b * L[j + 1][i + 1];
  };
  return { f, window: [x0, x1, y0, y1], logContours: true, fmin };
}

function mount(root: HTMLElement, ctx: ViewContext): { unmount(): void } {
  let state: CurvatureState = parseCurvatureState(ctx.state);
  let hessian: PointHessian | null = null;
  let points: EdgePoint[] = [];
  let losses: number[] = [];
  let threshold = NaN;
  let analysis: FinalAnalysis | null = null;
  let requestId = 0;
  let edgeId = 0;
  let running = false;

  root.classList.add('curvature-view');
  // Two workers: a click's Hessian never waits behind a training run.
  const pointWorker = new Worker(new URL('./curvature.worker.ts', import.meta.url), { type: 'module' });
  const edgeWorker = new Worker(new URL('./curvature.worker.ts', import.meta.url), { type: 'module' });
  const send = (w: Worker, m: ToCurvatureWorker): void => w.postMessage(m);

  const commit = (): void => {
    ctx.setState(serializeCurvatureState(state));
    ctx.setCommand(curvatureCommand(state));
  };

  // --- panel 1: the Hessian at a point
  const fn = (): (typeof functions2d)[number] => functions2d.find((f) => f.name === state.problem)!;
  const problemSelect = select(functions2d.map((f): [string, string] => [f.name, f.title]), state.problem, { id: 'cv-problem' });
  const lrInput = h('input', { type: 'number', id: 'cv-lr', min: 0, step: 'any', value: String(lrOf(state)) });
  const xInput = h('input', { type: 'text', inputmode: 'decimal', id: 'cv-x', size: 7 });
  const yInput = h('input', { type: 'text', inputmode: 'decimal', id: 'cv-y', size: 7 });
  const canvas = h('canvas', { width: SIZE, height: SIZE, class: 'contour', id: 'cv-contour', tabindex: 0, role: 'img', 'aria-label': 'contours with the Hessian\'s eigenvectors at the chosen point; click, or use the arrow keys, to move the point' });
  const legend = h('canvas', { width: SIZE, height: 36, class: 'legend', 'aria-hidden': 'true' });
  const readout = h('div', { class: 'cv-readout', id: 'cv-hessian', 'aria-live': 'polite' });
  let surfaceImage: ImageData | null = null;
  let scale: Scale;

  const toPixel = (x: number, y: number): [number, number] => {
    const [x0, x1, y0, y1] = fn().window;
    return [((x - x0) / (x1 - x0)) * SIZE, ((y1 - y) / (y1 - y0)) * SIZE];
  };
  const toPoint = (px: number, py: number): [number, number] => {
    const [x0, x1, y0, y1] = fn().window;
    return [x0 + (px / SIZE) * (x1 - x0), y1 - (py / SIZE) * (y1 - y0)];
  };

  const redrawSurface = (): void => {
    scale = surfaceScale(fn());
    drawSurface(canvas, fn(), scale);
    surfaceImage = canvas.getContext('2d')!.getImageData(0, 0, SIZE, SIZE);
    drawLegend(legend, scale, fn().logContours ? 'f (log-spaced bands)' : 'f');
  };

  const drawPoint = (): void => {
    const c = canvas.getContext('2d')!;
    if (surfaceImage) c.putImageData(surfaceImage, 0, 0);
    const [x, y] = pointOf(state);
    const [px, py] = toPixel(x, y);
    c.save();
    if (hessian) {
      const biggest = Math.max(...hessian.directions.map((d) => Math.sqrt(Math.abs(d.eigenvalue))), 1e-300);
      for (const d of hessian.directions) {
        // Arrows along ±u in the plot's coordinates, longest (70 px) for the largest |λ|.
        const len = 70 * Math.max(0.15, Math.sqrt(Math.abs(d.eigenvalue)) / biggest);
        const [ex, ey] = toPixel(x + d.vector[0], y + d.vector[1]);
        const dx = ex - px;
        const dy = ey - py;
        const norm = Math.hypot(dx, dy) || 1;
        const ux = (dx / norm) * len;
        const uy = (dy / norm) * len;
        for (const sgn of [1, -1]) {
          const tx = px + sgn * ux;
          const ty = py + sgn * uy;
          c.strokeStyle = '#fff';
          c.lineWidth = 5;
          c.beginPath(); c.moveTo(px, py); c.lineTo(tx, ty); c.stroke();
          c.strokeStyle = d.stable ? '#0072B2' : '#D55E00';
          c.lineWidth = 2.5;
          c.beginPath(); c.moveTo(px, py); c.lineTo(tx, ty); c.stroke();
          const a = Math.atan2(ty - py, tx - px);
          c.fillStyle = c.strokeStyle;
          c.beginPath();
          c.moveTo(tx, ty);
          c.lineTo(tx - 9 * Math.cos(a - 0.4), ty - 9 * Math.sin(a - 0.4));
          c.lineTo(tx - 9 * Math.cos(a + 0.4), ty - 9 * Math.sin(a + 0.4));
          c.closePath();
          c.fill();
        }
      }
    }
    c.fillStyle = '#fff';
    c.strokeStyle = '#222';
    c.lineWidth = 1.5;
    c.beginPath(); c.arc(px, py, 5, 0, 2 * Math.PI); c.fill(); c.stroke();
    c.restore();
  };

  const showHessian = (r: PointHessian): void => {
    hessian = r;
    readout.dataset.eigenvalues = JSON.stringify(r.directions.map((d) => d.eigenvalue));
    readout.dataset.point = JSON.stringify(r.point);
    readout.dataset.condition = String(r.condition);
    const rows = r.directions.map((d, i) => h('tr', { 'data-stable': String(d.stable) },
      h('td', {}, `λ${i + 1}`), h('td', {}, fmt(d.eigenvalue)), h('td', {}, `(${fmt(d.vector[0])}, ${fmt(d.vector[1])})`),
      h('td', {}, fmt(d.factor)), h('td', { class: d.stable ? 'cv-stable' : 'cv-unstable' }, d.stable ? 'stable' : d.eigenvalue <= 0 ? 'grows (λ ≤ 0: GD moves away)' : `diverges (λ > 2/lr = ${fmt(r.threshold)})`)));
    readout.replaceChildren(
      h('p', {}, `at (${fmt(r.point[0])}, ${fmt(r.point[1])}): f = ${fmt(r.value)} · condition number |λ|max/|λ|min = `, h('strong', { id: 'cv-condition' }, fmt(r.condition)), ` · 2/lr = ${fmt(r.threshold)}`),
      h('table', { class: 'cv-table' },
        h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, 'eigenvalue'), h('th', {}, 'eigenvector'), h('th', {}, '|1 − lr·λ|'), h('th', {}, `plain GD, lr ${fmt(r.lr)}`))),
        h('tbody', {}, ...rows)),
    );
    drawPoint();
  };

  const requestHessian = (): void => {
    const [x, y] = pointOf(state);
    xInput.value = String(x);
    yInput.value = String(y);
    drawPoint();
    send(pointWorker, { type: 'point', id: ++requestId, problem: state.problem, point: [x, y], lr: lrOf(state) });
  };

  const setPoint = (x: number, y: number): void => {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    state = { ...state, point: [Number(x.toPrecision(4)), Number(y.toPrecision(4))] };
    commit();
    requestHessian();
  };

  problemSelect.addEventListener('change', () => {
    state = { ...state, problem: problemSelect.value, point: null, lr: NaN };
    lrInput.value = String(lrOf(state));
    commit();
    redrawSurface();
    requestHessian();
  });
  lrInput.addEventListener('change', () => {
    const v = Number(lrInput.value);
    const ok = lrInput.value !== '' && v > 0;
    lrInput.setAttribute('aria-invalid', String(!ok));
    if (!ok) return;
    state = { ...state, lr: v };
    commit();
    requestHessian();
  });
  for (const box of [xInput, yInput]) box.addEventListener('change', () => setPoint(Number(xInput.value), Number(yInput.value)));
  canvas.addEventListener('click', (e) => {
    const r = canvas.getBoundingClientRect();
    const [x, y] = toPoint(((e.clientX - r.left) / r.width) * SIZE, ((e.clientY - r.top) / r.height) * SIZE);
    setPoint(x, y);
  });
  // Arrow keys move the point by 2 % of the window (10 % with Shift).
  canvas.addEventListener('keydown', (e) => {
    const d: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    const m = d[e.key];
    if (!m) return;
    e.preventDefault();
    const [x0, x1, y0, y1] = fn().window;
    const f = e.shiftKey ? 0.1 : 0.02;
    const [x, y] = pointOf(state);
    setPoint(x + m[0] * f * (x1 - x0), y + m[1] * f * (y1 - y0));
  });

  // --- panel 2: the MLP
  const status = h('p', { class: 'cv-status', role: 'status' });
  const sharpChart = newChart('chart cv-sharpness');
  const lossChart = newChart('chart cv-loss');
  const densityChart = newChart('chart cv-density');
  const sliceCanvas = h('canvas', { width: SLICE_SIZE, height: SLICE_SIZE, class: 'cv-slice', id: 'cv-slice', role: 'img', 'aria-label': 'the loss on a 2-D filter-normalized slice through the final parameters' });
  const sliceLegend = h('canvas', { width: SLICE_SIZE, height: 36, class: 'legend', 'aria-hidden': 'true' });
  const finalPlots = h('div', { class: 'cv-plots', hidden: true }, densityChart, h('figure', { class: 'plot' }, sliceCanvas, sliceLegend, h('figcaption', {}, `the loss on θ* + a·δ + b·η, a, b in [−1, 1] (${DEFAULT_ANALYSIS.slicePoints} × ${DEFAULT_ANALYSIS.slicePoints} grid); the dot is θ*`)));
  const finalBox = h('div', { class: 'cv-final', id: 'cv-final', 'aria-live': 'polite' });
  const runButton = button('Train and measure', () => (running ? stopEdge() : void startEdge()), { id: 'cv-run', class: 'primary' });

  const edgeField = (label: string, key: keyof EdgeSettings, o: { min: number; max: number; integer?: boolean; title?: string }): HTMLLabelElement => {
    const input = h('input', { type: 'number', id: `cv-edge-${key}`, min: o.min, max: o.max, step: o.integer ? 1 : 'any', value: String(state.edge[key]) });
    input.addEventListener('change', () => {
      const v = Number(input.value);
      const ok = input.value !== '' && v >= o.min && v <= o.max && (!o.integer || Number.isInteger(v));
      input.setAttribute('aria-invalid', String(!ok));
      if (!ok) return;
      state = { ...state, edge: { ...state.edge, [key]: v } };
      commit();
    });
    return labelled(label, input, o.title);
  };
  const edgeSelect = (label: string, key: 'optimizer' | 'activation' | 'loss', options: readonly (string | [string, string])[]): HTMLLabelElement => {
    const s = select(options, String(state.edge[key]), { id: `cv-edge-${key}` });
    s.addEventListener('change', () => {
      state = { ...state, edge: { ...state.edge, [key]: s.value } as EdgeSettings };
      commit();
    });
    return labelled(label, s);
  };

  const drawEdge = (): void => {
    const x = points.map((p) => p.step);
    const rules = Number.isFinite(threshold) ? [{ y: threshold, label: `2/lr = ${fmt(threshold)}` }] : [];
    const hi = Math.max(...points.map((p) => p.sharpness).filter(Number.isFinite), Number.isFinite(threshold) ? threshold : 0) * 1.1;
    drawLineChart(sharpChart, [{ label: 'λ₁', color: RUN_COLORS[0], x, y: points.map((p) => p.sharpness) }], {
      title: 'top Hessian eigenvalue λ₁ of the full-batch loss', xTitle: 'step (= epoch: full batch)', yTitle: 'λ₁', rules, yRange: [0, hi > 0 ? hi : 1], width: 440, height: 260,
    });
    drawLineChart(lossChart, [{ label: 'training loss', color: RUN_COLORS[1], x: losses.map((_, i) => i), y: losses }], {
      title: 'full-batch training loss', xTitle: 'step', yTitle: 'loss', logY: true, width: 440, height: 260,
    });
    const last = points[points.length - 1];
    if (last) {
      sharpChart.dataset.points = String(points.length);
      sharpChart.dataset.last = String(last.sharpness);
    }
  };

  const drawFinal = (a: FinalAnalysis): void => {
    finalPlots.hidden = false;
    finalBox.dataset.eigenvalues = JSON.stringify(a.eigenvalues);
    finalBox.dataset.trace = String(a.trace.trace);
    finalBox.dataset.slice = JSON.stringify(a.slice.loss.flat());
    const ratio = Number.isFinite(threshold) ? ` (λ₁ / (2/lr) = ${fmt(a.eigenvalues[0] / threshold)})` : '';
    finalBox.replaceChildren(
      h('p', {}, `At the final point (${a.parameters.toLocaleString('en')} parameters, loss ${fmt(a.loss)}):`),
      h('ul', {},
        h('li', {}, `top ${a.eigenvalues.length} eigenvalues: ${a.eigenvalues.map(fmt).join(', ')}${ratio}`),
        h('li', {}, `Hessian trace (Hutchinson, ${a.trace.samples} probes): ${fmt(a.trace.trace)} ± ${fmt(a.trace.stdError)}`),
        h('li', {}, `spectral density: stochastic Lanczos quadrature, ${a.density.nodes.length} nodes, σ = ${fmt(a.density.sigma)}`)),
    );
    drawLineChart(densityChart, [{ label: 'density', color: RUN_COLORS[2], x: a.density.grid, y: a.density.density.map((d) => Math.max(d, 1e-8)) }], {
      title: 'Hessian spectral density (SLQ, log scale)', xTitle: 'eigenvalue', yTitle: 'density', logY: true, width: 440, height: 260,
    });
    const surf = gridSurface(a.slice);
    const sc = surfaceScale(surf);
    drawSurface(sliceCanvas, surf, sc);
    drawLegend(sliceLegend, sc, 'loss (log bands)');
    const c = sliceCanvas.getContext('2d')!;
    c.fillStyle = '#fff';
    c.strokeStyle = '#222';
    c.beginPath(); c.arc(SLICE_SIZE / 2, SLICE_SIZE / 2, 4, 0, 2 * Math.PI); c.fill(); c.stroke();
  };

  async function startEdge(): Promise<void> {
    running = true;
    runButton.textContent = 'Stop';
    runButton.setAttribute('aria-pressed', 'true');
    points = [];
    losses = [];
    analysis = null;
    finalPlots.hidden = true;
    finalBox.replaceChildren();
    delete finalBox.dataset.eigenvalues;
    status.classList.remove('cv-error');
    delete status.dataset.done;
    status.textContent = 'loading the built-in Fashion-MNIST subset…';
    const id = ++edgeId;
    try {
      const data = await loadBuiltin(state.edge.trainLimit);
      if (id !== edgeId) return;
      const train = { x: Float32Array.from(data.train.x.data), xShape: [...data.train.x.shape], y: Float32Array.from(data.train.y.data) };
      status.textContent = `training on ${train.y.length} examples…`;
      send(edgeWorker, { type: 'edge', id, settings: state.edge, analysis: DEFAULT_ANALYSIS, train });
    } catch (e) {
      fail((e as Error).message);
    }
  }
  function stopEdge(): void {
    send(edgeWorker, { type: 'stop', id: ++edgeId });
    finish('stopped');
  }
  function finish(text: string): void {
    running = false;
    runButton.textContent = 'Train and measure';
    runButton.setAttribute('aria-pressed', 'false');
    status.textContent = text;
  }
  function fail(message: string): void {
    finish(message);
    status.classList.add('cv-error');
  }

  pointWorker.onmessage = (ev: MessageEvent<FromCurvatureWorker>) => {
    const m = ev.data;
    if (m.id !== requestId) return;
    if (m.type === 'point') showHessian(m.result);
    else if (m.type === 'error') readout.replaceChildren(h('p', { class: 'cv-error' }, m.message));
  };
  edgeWorker.onmessage = (ev: MessageEvent<FromCurvatureWorker>) => {
    const m = ev.data;
    if (m.id !== edgeId) return;
    if (m.type === 'edge-progress') {
      points = m.points;
      losses = m.losses;
      threshold = m.threshold;
      requestAnimationFrame(drawEdge);
      const last = points[points.length - 1];
      if (m.diverged) fail(`the loss became non-finite after step ${m.step}: lower the learning rate`);
      else status.textContent = `step ${m.step} of ${state.edge.steps} · λ₁ = ${fmt(last.sharpness)}${Number.isFinite(threshold) ? ` (2/lr = ${fmt(threshold)})` : ''} · ${m.seconds.toFixed(1)} s on ${m.backend}${m.step >= state.edge.steps ? ' · final analysis…' : ''}`;
    } else if (m.type === 'edge-final') {
      analysis = m.analysis;
      drawFinal(m.analysis);
      finish(`done in ${m.seconds.toFixed(1)} s: ${points.length} λ₁ evaluations, then the final analysis`);
      status.dataset.done = 'true';
    } else if (m.type === 'error') fail(m.message);
  };
  for (const w of [pointWorker, edgeWorker]) w.onerror = (e) => fail(e.message || 'the curvature worker failed to start');

  ctx.setExports({
    json: () => ({ type: 'playground-curvature', state: serializeCurvatureState(state), hessian, edge: { settings: state.edge, threshold: Number.isFinite(threshold) ? threshold : null, points, analysis } }),
    plots: () => [canvas, sharpChart, lossChart, densityChart, sliceCanvas],
  });

  const controls = h('form', { class: 'cv-controls' },
    edgeSelect('optimizer', 'optimizer', listMethods()),
    edgeField('lr', 'lr', { min: 1e-6, max: 10 }),
    edgeField('momentum', 'momentum', { min: 0, max: 0.999, title: 'heavy-ball momentum β (SGD family); 0 keeps the method\'s own (0.9 for the momentum and nesterov presets); 2/lr becomes (2 + 2β)/lr' }),
    edgeField('examples', 'trainLimit', { min: 10, max: 6000, integer: true }),
    edgeField('width', 'width', { min: 2, max: 512, integer: true }),
    edgeField('hidden layers after the first', 'depth', { min: 0, max: 8, integer: true }),
    edgeSelect('activation', 'activation', ['tanh', 'relu']),
    edgeSelect('loss', 'loss', [['mse', 'square loss'], ['crossEntropy', 'cross-entropy']]),
    edgeField('steps (epochs)', 'steps', { min: 1, max: 20000, integer: true }),
    edgeField('λ₁ every … steps', 'evalEvery', { min: 1, max: 20000, integer: true }),
    edgeField('Lanczos steps', 'lanczosIterations', { min: 2, max: 200, integer: true }),
    edgeField('seed', 'seed', { min: 0, max: 1e9, integer: true }),
    h('div', { class: 'cv-buttons' }, runButton));
  controls.addEventListener('submit', (ev) => ev.preventDefault());
  root.append(
    h('section', { class: 'cv-point', 'aria-labelledby': 'cv-point-title' },
      h('h2', { id: 'cv-point-title' }, 'The Hessian at a point'),
      h('p', { class: 'description' }, 'Click the contours (or focus them and use the arrow keys) to choose a point. The arrows are the Hessian\'s eigenvectors there, longer for larger |λ|: blue where plain gradient descent with the chosen step size is stable along it (|1 − lr·λ| < 1, i.e. 0 < λ < 2/lr), orange where it is not. Computed by descent\'s Lanczos on Hessian-vector products (diagnostics.topHessianEigen).'),
      h('div', { class: 'row' }, labelled('function', problemSelect), labelled('lr', lrInput, 'the step size of plain gradient descent'), labelled('x', xInput), labelled('y', yInput)),
      h('div', { class: 'cv-body' },
        h('figure', { class: 'plot' }, canvas, legend, h('figcaption', {}, 'Arrows point along the eigenvectors in the plot\'s coordinates.')),
        readout)),
    h('section', { class: 'cv-edge', 'aria-labelledby': 'cv-edge-title' },
      h('h2', { id: 'cv-edge-title' }, 'Edge of stability: an MLP on Fashion-MNIST'),
      h('p', { class: 'description' }, 'Full-batch training (each step is an epoch over the examples), the lab\'s edge-of-stability task: λ₁, the top Hessian eigenvalue of the training loss, every few steps beside 2/lr, the largest curvature gradient descent is stable at (Cohen et al. 2021: λ₁ rises to 2/lr and hovers there). Then, at the final point, the top eigenvalues, the trace, the spectral density and a loss slice along two filter-normalized random directions (Li et al. 2018).'),
      controls,
      status,
      h('div', { class: 'cv-plots' }, sharpChart, lossChart),
      finalBox,
      finalPlots),
  );
  commit();
  redrawSurface();
  requestHessian();
  return {
    unmount() {
      pointWorker.terminate();
      edgeWorker.terminate();
      root.replaceChildren();
      root.classList.remove('curvature-view');
    },
  };
}

const view: PlaygroundView = { id: 'curvature', title: 'Curvature', order: 5, mount };
export default view;
