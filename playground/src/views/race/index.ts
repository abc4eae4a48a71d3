/**
 * The optimizer race: several optimizers from the registry on one 2D function, drawn over its
 * contours, with their loss curves beside. Click the plot (or type x, y) to set the start;
 * play, pause and step through the trajectories, which the compute worker produces with the
 * lab's own trace (so they equal `descent trace --json`).
 */
import { getOptimizerEntry, isAdaptiveOptimizer, listOptimizers } from 'descent';
import { listMethods, resolveMethod } from '../../../../src/lab/methods.js';
import type { JsonObject } from '../../../../src/lab/util.js';
import { compute } from '../../shell/compute-client.js';
import type { TraceReply } from '../../shell/compute-protocol.js';
import { runColor } from '../../ui/colors.js';
import { drawLegend, drawSurface, surfaceScale, type Scale } from '../../ui/contour.js';
import { button, h, labelled, select } from '../../ui/dom.js';
import { drawLineChart, newChart } from '../../ui/line-chart.js';
import { optionFields } from '../../ui/option-fields.js';
import { playback } from '../../ui/playback.js';
import type { PlaygroundView, ViewContext } from '../types.js';
import { ExpressionError } from './expression.js';
import { checkWindow, DEFAULT_WINDOW, formatWindow, inWindow, parseWindow, WindowError, type PlotWindow } from './plot-window.js';
import { formatRuns, parseRuns, setFlags, type RunSpec } from './run-spec.js';
import { customSurface, DEFAULT_EXPRESSION, labSurfaces, type RaceSurface } from './surfaces.js';
import { drawTrajectories, pixelToPoint } from './trajectories.js';

const DEFAULT_RUNS = 'momentum;adam;adashift';
const MAX_RUNS = 7;
const SIZE = 420;

interface RunResult {
  spec: RunSpec;
  reply?: TraceReply;
  error?: string;
}

function mount(root: HTMLElement, ctx: ViewContext): { unmount(): void } {
  const s = ctx.state;
  let problem = labSurfaces.some((f) => f.name === s.problem) || s.problem === 'custom' ? s.problem : 'rosenbrock';
  let expression = s.expr ?? DEFAULT_EXPRESSION;
  // The typed function's window (x and y ranges); a malformed one in the URL falls back to the default.
  let plotWindow: PlotWindow = DEFAULT_WINDOW;
  let windowProblem = '';
  if (s.window !== undefined) {
    try {
      plotWindow = parseWindow(s.window);
    } catch (e) {
      windowProblem = `window=${s.window} in the link: ${(e as Error).message}; showing ${formatWindow(DEFAULT_WINDOW)}`;
    }
  }
  let steps = Math.min(5000, Math.max(1, Math.floor(Number(s.steps) || 300)));
  let runs = parseRuns(s.runs ?? DEFAULT_RUNS).filter((r) => listMethods().includes(r.optimizer)).slice(0, MAX_RUNS);
  if (!runs.length) runs = parseRuns(DEFAULT_RUNS);
  let surface: RaceSurface = labSurfaces[0];
  let start: [number, number] = [0, 0];
  let scale: Scale;
  let results: RunResult[] = [];
  let t = 0;
  let generation = 0;

  // --- elements
  const problemSelect = select([...labSurfaces.map((f): [string, string] => [f.name, f.title]), ['custom', 'your own f(x, y)']], problem, { id: 'race-problem' });
  const exprInput = h('input', { type: 'text', id: 'race-expr', value: expression, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': 'race-expr-error' });
  const exprError = h('span', { class: 'error', id: 'race-expr-error', 'aria-live': 'polite' });
  const exprField = labelled('f(x, y) =', exprInput, 'numbers, x, y, pi, e, + - * / ^, parentheses, sin cos tan exp log sqrt abs tanh sinh cosh atan');
  exprField.append(exprError);
  const windowInputs = (['x0', 'x1', 'y0', 'y1'] as const).map((k, i) => h('input', {
    type: 'text', inputmode: 'decimal', id: `race-win-${k}`, size: 5, value: String(plotWindow[i]), 'aria-describedby': 'race-window-error', autocomplete: 'off',
  }));
  const windowError = h('span', { class: 'error', id: 'race-window-error', 'aria-live': 'polite' }, windowProblem);
  const windowField = h('div', { class: 'row window-field', role: 'group', 'aria-label': 'the window f(x, y) is drawn on' },
    labelled('x from', windowInputs[0]), labelled('x to', windowInputs[1]), labelled('y from', windowInputs[2]), labelled('y to', windowInputs[3]), windowError);
  const startX = h('input', { type: 'text', inputmode: 'decimal', id: 'race-start-x', size: 6 });
  const startY = h('input', { type: 'text', inputmode: 'decimal', id: 'race-start-y', size: 6 });
  const stepsInput = h('input', { type: 'number', id: 'race-steps', min: 1, max: 5000, value: String(steps) });
  const description = h('p', { class: 'description' });
  const canvas = h('canvas', { width: SIZE, height: SIZE, class: 'contour', id: 'race-contour', role: 'img', 'aria-label': 'contours with trajectories; click to set the start' });
  const legend = h('canvas', { width: SIZE, height: 36, class: 'legend', 'aria-hidden': 'true' });
  const lossChart = newChart('chart loss-chart');
  const runList = h('div', { class: 'runs', id: 'race-runs' });
  const runSummary = h('ul', { class: 'run-summary', 'aria-live': 'polite' });
  const playButton = button('Play', () => player.toggle(), { id: 'race-play', class: 'primary' });
  // Its callbacks read t and setStep (declared below) only once playing.
  const player = playback(playButton, {
    start: () => {
      if (t >= steps) t = 0;
    },
    advance: () => setStep(t + Math.max(1, Math.round(steps / 240))),
  });
  const stepButton = button('Step', () => { pause(); setStep(t + 1); }, { id: 'race-step' });
  const resetButton = button('Reset', () => { pause(); setStep(0); }, { id: 'race-reset' });
  const scrubber = h('input', { type: 'range', id: 'race-t', min: 0, max: steps, value: 0 });
  const stepLabel = h('output', { for: 'race-t', class: 'step-label' }, 'step 0');
  const addButton = button('Add optimizer', () => {
    if (runs.length >= MAX_RUNS) return;
    runs.push({ optimizer: 'sgd', options: {} });
    renderRuns();
    rerun();
  }, { id: 'race-add' });

  let surfaceImage: ImageData | null = null;

  // --- state and commands
  const saveState = (): void => {
    ctx.setState({
      problem,
      expr: problem === 'custom' ? expression : undefined,
      window: problem === 'custom' ? formatWindow(plotWindow) : undefined,
      start: `${start[0]},${start[1]}`,
      steps: String(steps),
      runs: formatRuns(runs),
    });
    ctx.setCommand(problem === 'custom'
      ? `# f(x, y) = ${expression} on x in [${plotWindow[0]}, ${plotWindow[1]}], y in [${plotWindow[2]}, ${plotWindow[3]}] (window=${formatWindow(plotWindow)}): a typed f(x, y) is not a lab problem; the CLI traces ${labSurfaces.map((f) => f.name).join(', ')}`
      : runs.map((r) => `npx descent trace ${problem} --optimizer ${r.optimizer}${setFlags(r.options)} --steps ${steps} --start ${start[0]},${start[1]} --json`).join('\n'));
  };

  const lrFor = (r: RunSpec): number => {
    const m = resolveMethod(r.optimizer, r.options);
    return isAdaptiveOptimizer(m.optimizer, m.options) ? surface.lr.adaptive : surface.lr.sgd;
  };

  // --- drawing
  const redrawSurface = (): void => {
    scale = surfaceScale(surface);
    drawSurface(canvas, surface, scale);
    surfaceImage = canvas.getContext('2d')!.getImageData(0, 0, SIZE, SIZE);
    drawLegend(legend, scale, surface.logContours ? 'f (log-spaced bands)' : 'f');
  };

  const draw = (): void => {
    const c = canvas.getContext('2d')!;
    if (surfaceImage) c.putImageData(surfaceImage, 0, 0);
    drawTrajectories(c, surface, start, results.map((r, i) => ({ color: runColor(i), points: r.reply?.iterates ?? [] })), t);
    const gapOf = (v: number): number => (surface.logContours ? Math.max(v - surface.fmin, 1e-16) : v);
    drawLineChart(lossChart, results.filter((r) => r.reply).map((r) => ({
      label: r.spec.optimizer, color: runColor(results.indexOf(r)), x: r.reply!.values.map((_, i) => i), y: r.reply!.values.map(gapOf),
    })), { title: surface.logContours ? 'f − f_min per step (log scale)' : 'f per step', xTitle: 'step', yTitle: surface.logContours ? 'f − f_min' : 'f', logY: surface.logContours, upTo: t, width: 420, height: 300 });
    scrubber.value = String(t);
    stepLabel.textContent = `step ${t} of ${steps}`;
    runSummary.replaceChildren(...results.map((r, i) => {
      const v = r.reply?.values[Math.min(t, r.reply.values.length - 1)];
      const p = r.reply?.iterates[Math.min(t, r.reply.iterates.length - 1)];
      return h('li', {}, h('span', { class: 'swatch', style: `background:${runColor(i)}` }),
        r.error ? `${r.spec.optimizer}: ${r.error}` : `${r.spec.optimizer}: f = ${v === undefined ? '…' : fmt(v)} at (${p ? p.map(fmt).join(', ') : '…'})`);
    }));
  };

  const setStep = (k: number): void => {
    t = Math.max(0, Math.min(steps, k));
    if (t >= steps) pause();
    draw();
  };

  function play(): void {
    player.play();
  }
  function pause(): void {
    player.pause();
  }

  // --- computing
  let pendingRun = 0;
  const rerun = (): void => {
    clearTimeout(pendingRun);
    pendingRun = window.setTimeout(runAll, 60);
  };
  async function runAll(): Promise<void> {
    const mine = ++generation;
    saveState();
    const specs = runs.map((r) => ({ spec: { optimizer: r.optimizer, options: { ...r.options } } }));
    const replies = await Promise.all(specs.map(async ({ spec }): Promise<RunResult> => {
      try {
        const reply = problem === 'custom'
          ? await compute({ kind: 'expression', expression, optimizer: spec.optimizer, options: spec.options, steps, start })
          : await compute({ kind: 'trace', problem, optimizer: spec.optimizer, options: spec.options, steps, start });
        return { spec, reply };
      } catch (e) {
        return { spec, error: e instanceof Error ? e.message : String(e) };
      }
    }));
    if (mine !== generation) return;
    results = replies;
    scrubber.max = String(steps);
    // A fresh start (first load, a new start point or function) plays by itself; without
    // motion (prefers-reduced-motion) it shows the whole paths. Other edits keep the step.
    if (t === 0 && !player.playing) {
      if (matchMedia('(prefers-reduced-motion: reduce)').matches) setStep(steps);
      else play();
    } else setStep(Math.min(t, steps));
  }

  // --- the run editors, from the registry's option tables
  // A wrapper (lookahead, swa, ema, sam, gradnoise) gets an inner-optimizer picker and the inner
  // optimizer's own option fields (validated by its table); its options keep `optimizer` and
  // `optimizerOptions` as the registry (and `descent trace --set optimizerOptions.lr=...`) name them.
  const innerChoices = (): string[] => listOptimizers().filter((n) => !getOptimizerEntry(n).wrapper).sort();
  const ownOptions = (o: JsonObject): JsonObject => {
    const { optimizer: _inner, optimizerOptions: _innerOptions, ...own } = o;
    return own;
  };
  const withInner = (inner: string | undefined, innerOptions: JsonObject | undefined, own: JsonObject): JsonObject => ({
    ...(inner !== undefined ? { optimizer: inner } : {}),
    ...(innerOptions && Object.keys(innerOptions).length ? { optimizerOptions: innerOptions } : {}),
    ...own,
  });
  const renderRuns = (): void => {
    runList.replaceChildren(...runs.map((r, i) => {
      const methodSelect = select(listMethods(), r.optimizer, { id: `race-opt-${i}`, class: 'optimizer-picker' });
      methodSelect.addEventListener('change', () => {
        runs[i] = { optimizer: methodSelect.value, options: {} };
        renderRuns();
        rerun();
      });
      const m = resolveMethod(r.optimizer);
      const entry = getOptimizerEntry(m.optimizer);
      const parts: HTMLElement[] = [labelled('optimizer', methodSelect, entry.doc)];
      if (entry.wrapper) {
        const given = typeof r.options.optimizer === 'string' ? r.options.optimizer : undefined;
        const innerDefault = String(entry.options.optimizer?.default ?? 'sgd');
        const choices = innerChoices();
        // A hand-edited link naming no inner optimizer we have opens with the wrapper's default.
        if (given !== undefined && !choices.includes(given)) {
          runs[i] = { optimizer: r.optimizer, options: ownOptions(r.options) };
          r = runs[i];
        }
        const inner = given !== undefined && choices.includes(given) ? given : innerDefault;
        const rawInner = r.options.optimizerOptions;
        const innerOptions: JsonObject = rawInner && typeof rawInner === 'object' && !Array.isArray(rawInner) ? rawInner : {};
        const innerSelect = select(choices, inner, { id: `race-inner-${i}`, class: 'inner-picker' });
        innerSelect.addEventListener('change', () => {
          // A new inner optimizer starts from its own defaults.
          runs[i] = { optimizer: r.optimizer, options: withInner(innerSelect.value, undefined, ownOptions(runs[i].options)) };
          renderRuns();
          rerun();
        });
        const innerFields = optionFields({
          optimizer: inner, values: innerOptions, lrPlaceholder: `default ${lrFor(r)}`,
          onChange: (values) => {
            const cur = runs[i].options;
            runs[i] = { optimizer: r.optimizer, options: withInner(typeof cur.optimizer === 'string' ? cur.optimizer : undefined, values, ownOptions(cur)) };
            rerun();
          },
        });
        parts.push(h('div', { class: 'inner', role: 'group', 'aria-label': `the optimizer ${r.optimizer} wraps` },
          labelled('inner optimizer', innerSelect, getOptimizerEntry(inner).doc),
          h('div', { class: 'inner-options' }, innerFields)));
      }
      const fields = optionFields({
        optimizer: m.optimizer, values: entry.wrapper ? ownOptions(r.options) : r.options, base: m.options, lrPlaceholder: `default ${lrFor(r)}`,
        omit: entry.wrapper ? ['optimizer', 'optimizerOptions'] : undefined,
        primary: entry.wrapper ? Object.keys(entry.options) : undefined,
        onChange: (values) => {
          const cur = runs[i].options;
          const innerOptions = cur.optimizerOptions && typeof cur.optimizerOptions === 'object' && !Array.isArray(cur.optimizerOptions) ? cur.optimizerOptions : undefined;
          runs[i] = { optimizer: r.optimizer, options: entry.wrapper ? withInner(typeof cur.optimizer === 'string' ? cur.optimizer : undefined, innerOptions, values) : values };
          rerun();
        },
      });
      parts.push(h('div', { class: 'own-options' }, fields));
      const remove = button('Remove', () => {
        runs.splice(i, 1);
        renderRuns();
        rerun();
      }, { 'aria-label': `remove ${r.optimizer}`, disabled: runs.length <= 1 });
      return h('fieldset', { class: 'run', style: `border-left-color:${runColor(i)}` },
        h('legend', {}, h('span', { class: 'swatch', style: `background:${runColor(i)}` }), ` run ${i + 1}`),
        ...parts, h('p', { class: 'doc' }, entry.formula ?? entry.doc), remove);
    }));
    addButton.disabled = runs.length >= MAX_RUNS;
  };

  const setProblem = (name: string, keepStart = false): void => {
    problem = name;
    exprField.hidden = problem !== 'custom';
    windowField.hidden = problem !== 'custom';
    if (problem === 'custom') {
      try {
        surface = customSurface(expression, plotWindow);
        exprError.textContent = '';
        exprInput.setAttribute('aria-invalid', 'false');
      } catch (e) {
        if (!(e instanceof ExpressionError)) throw e;
        exprError.textContent = e.message;
        exprInput.setAttribute('aria-invalid', 'true');
        return;
      }
    } else surface = labSurfaces.find((f) => f.name === problem)!;
    if (!keepStart) start = [...surface.start];
    startX.value = String(start[0]);
    startY.value = String(start[1]);
    description.textContent = surface.description;
    redrawSurface();
    renderRuns();
    t = 0;
    rerun();
  };

  // --- events
  problemSelect.addEventListener('change', () => setProblem(problemSelect.value));
  for (const box of windowInputs) {
    box.addEventListener('change', () => {
      let w: PlotWindow;
      try {
        w = checkWindow(windowInputs.map((b) => b.value));
      } catch (e) {
        if (!(e instanceof WindowError)) throw e;
        windowError.textContent = e.message;
        for (const b of windowInputs) b.setAttribute('aria-invalid', 'true');
        return;
      }
      windowError.textContent = '';
      for (const b of windowInputs) b.setAttribute('aria-invalid', 'false');
      plotWindow = w;
      // The start stays where it was when the new window still holds it.
      setProblem('custom', inWindow(plotWindow, start[0], start[1]));
    });
  }
  exprInput.addEventListener('change', () => {
    expression = exprInput.value;
    setProblem('custom');
  });
  const setStart = (x: number, y: number): void => {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    start = [Number(x.toPrecision(4)), Number(y.toPrecision(4))];
    startX.value = String(start[0]);
    startY.value = String(start[1]);
    t = 0;
    rerun();
  };
  canvas.addEventListener('click', (e) => {
    const r = canvas.getBoundingClientRect();
    const [x, y] = pixelToPoint(surface, ((e.clientX - r.left) / r.width) * SIZE, ((e.clientY - r.top) / r.height) * SIZE, SIZE);
    setStart(x, y);
  });
  for (const box of [startX, startY]) box.addEventListener('change', () => setStart(Number(startX.value), Number(startY.value)));
  stepsInput.addEventListener('change', () => {
    const n = Math.floor(Number(stepsInput.value));
    if (!(n >= 1 && n <= 5000)) {
      stepsInput.setAttribute('aria-invalid', 'true');
      return;
    }
    stepsInput.setAttribute('aria-invalid', 'false');
    steps = n;
    t = Math.min(t, steps);
    rerun();
  });
  scrubber.addEventListener('input', () => { pause(); setStep(Number(scrubber.value)); });

  ctx.setExports({
    json: () => exportRecords(problem, surface, steps, start, results),
    plots: () => [canvas, lossChart],
  });

  // --- layout
  root.append(
    h('section', { class: 'race', 'aria-label': 'Optimizer race' },
      h('div', { class: 'race-controls' },
        h('div', { class: 'row' }, labelled('function', problemSelect), labelled('steps', stepsInput),
          labelled('start x', startX), labelled('start y', startY)),
        exprField, windowField, description),
      h('div', { class: 'race-body' },
        h('figure', { class: 'plot' }, canvas, legend, h('figcaption', {}, 'Click to set the start point. Bands are viridis (colour-blind safe); white crosses mark the minima.')),
        h('div', { class: 'side' },
          h('div', { class: 'transport', role: 'group', 'aria-label': 'Playback' }, playButton, stepButton, resetButton, labelled('step', scrubber), stepLabel),
          lossChart, runSummary)),
      h('div', { class: 'runs-head' }, h('h2', {}, 'Optimizers'), addButton),
      runList));

  const given = (s.start ?? '').split(',').map(Number);
  if (given.length === 2 && given.every(Number.isFinite)) start = [given[0], given[1]];
  setProblem(problem, given.length === 2 && given.every(Number.isFinite));
  return { unmount: () => { pause(); generation++; clearTimeout(pendingRun); } };
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(4);
}

/** The runs as the lab's trial records (task = the problem, steps as the 2D tasks store them). */
function exportRecords(problem: string, surface: RaceSurface, steps: number, start: [number, number], results: readonly RunResult[]): unknown {
  return {
    type: 'playground-race',
    problem, function: surface.title, steps, start,
    records: results.filter((r) => r.reply).map((r) => {
      const it = r.reply!.iterates;
      const [x, y] = it[it.length - 1];
      const loss = r.reply!.values[r.reply!.values.length - 1];
      const distance = surface.minima.length ? Math.min(...surface.minima.map(([a, b]) => Math.hypot(x - a, y - b))) : null;
      return {
        type: 'trial', status: 'done',
        config: { task: problem, taskOptions: { steps, start } as JsonObject, method: { label: r.spec.optimizer, optimizer: resolveMethod(r.spec.optimizer).optimizer, options: r.reply!.options }, seed: 0 },
        steps: { step: it.map((_, i) => i), loss: r.reply!.values, x: it.map((p) => p[0]), y: it.map((p) => p[1]) },
        final: { loss, gap: loss - surface.fmin, distance, x, y },
        finishedAt: new Date().toISOString(),
      };
    }),
  };
}

const view: PlaygroundView = { id: 'race', title: 'Optimizer race', order: 1, mount };
export default view;
