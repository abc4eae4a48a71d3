/**
 * The training view: an MLP or a small CNN on the built-in Fashion-MNIST subset (or the user's
 * CSV or image folder), several optimizers side by side, each run in its own Web Worker, with
 * the regularizers shared by all runs. Curves of the training and test loss and the test
 * accuracy update live; the confusion matrix and sample predictions follow the chosen run.
 * Every setting is in the URL; the command box shows the `descent compare` spec; the export
 * gives the runs as the lab's trial records.
 */
import type { PlaygroundView, ViewContext } from '../types';
import { drawConfusion, drawLines, drawSamples, RUN_COLORS, type Series } from './charts.js';
import { loadBuiltin, loadUserFiles } from './load.js';
import { dataToWire, type FromWorker, type ToWorker } from './protocol.js';
import { minibatchOptimizers, type ClassificationData, type CurvePoint } from './run.js';
import { compareCommand, parseState, runLabel, runSpecs, serializeState, trialConfig, trialIdOf, trialRecord, type RunChoice, type TrainingState } from './state.js';
import './training.css';

/** Test images shown with their predictions. */
const SAMPLE_COUNT = 16;

interface LiveWorker {
  choice: RunChoice;
  worker: Worker;
  curve: CurvePoint[];
  batchLoss: { step: number; loss: number }[];
  confusion: number[];
  predictions: number[];
  step: number;
  epoch: number;
  stepsPerEpoch: number;
  finished: string | null;
  seconds: number;
  error: string | null;
  backend: string;
  /** The lab's trial id of this run's configuration (filled in asynchronously). */
  id: string;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & Record<string, unknown> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
}

/** A labelled number input. */
function numberField(label: string, value: number, o: { min?: number; max?: number; step?: number | 'any'; title?: string }, onChange: (v: number) => void): HTMLLabelElement {
  const input = el('input', { type: 'number', value: String(value), step: String(o.step ?? 'any'), title: o.title ?? '' });
  if (o.min !== undefined) input.min = String(o.min);
  if (o.max !== undefined) input.max = String(o.max);
  input.addEventListener('change', () => {
    const v = Number(input.value);
    const ok = input.value !== '' && Number.isFinite(v) && (o.min === undefined || v >= o.min) && (o.max === undefined || v <= o.max);
    input.setAttribute('aria-invalid', ok ? 'false' : 'true');
    if (ok) onChange(v);
  });
  return el('label', {}, el('span', {}, label), input);
}

function selectField(label: string, value: string, options: readonly string[], onChange: (v: string) => void, texts: Record<string, string> = {}): HTMLLabelElement {
  const select = el('select');
  for (const o of options) select.append(el('option', { value: o, textContent: texts[o] ?? o }));
  select.value = value;
  select.addEventListener('change', () => onChange(select.value));
  return el('label', {}, el('span', {}, label), select);
}

function mount(root: HTMLElement, ctx: ViewContext): { unmount(): void } {
  let state: TrainingState = parseState(ctx.state);
  let data: ClassificationData | null = null;
  let dataName = 'built-in Fashion-MNIST subset';
  let userData: { data: ClassificationData; name: string } | null = null;
  let workers: LiveWorker[] = [];
  let playing = false;
  let shownRun = 0;
  let frame = 0;
  const optimizers = minibatchOptimizers();

  root.classList.add('training-view');
  const status = el('p', { className: 'tv-status', role: 'status' });
  const runsBox = el('fieldset', { className: 'tv-runs' }, el('legend', {}, 'Optimizers (one worker each)'));
  const controls = el('form', { className: 'tv-controls', onsubmit: (e: Event) => e.preventDefault() });
  const play = el('button', { type: 'button', textContent: 'Play', className: 'tv-play' });
  const step = el('button', { type: 'button', textContent: 'Step', title: 'train 10 steps and pause' });
  const reset = el('button', { type: 'button', textContent: 'Reset' });
  const lossCanvas = el('canvas', { className: 'tv-chart', ariaLabel: 'training and test loss per step' });
  const accCanvas = el('canvas', { className: 'tv-chart', ariaLabel: 'test accuracy per step' });
  const confCanvas = el('canvas', { className: 'tv-confusion', ariaLabel: 'confusion matrix of the test set' });
  const sampleCanvas = el('canvas', { className: 'tv-samples', ariaLabel: 'sample test images with predicted and true labels' });
  const runTable = el('table', { className: 'tv-table' });
  const shownSelect = el('select');
  const fileInput = el('input', { type: 'file', accept: '.csv,text/csv,.zip,application/zip,image/*', multiple: true });
  const folderInput = el('input', { type: 'file', multiple: true });
  folderInput.setAttribute('webkitdirectory', '');

  const commit = (): void => {
    ctx.setState(serializeState(state));
    // The lab reads only its own datasets: with the user's data, say so above the built-in equivalent.
    ctx.setCommand(userData ? `# ${userData.name} lives only in this page; the same comparison on the built-in subset:\n${compareCommand(state)}` : compareCommand(state));
  };
  const change = (patch: Partial<TrainingState>): void => {
    state = { ...state, ...patch };
    commit();
    stopAll();
    render();
  };

  function renderRuns(): void {
    runsBox.replaceChildren(el('legend', {}, 'Optimizers (one worker each)'));
    state.runs.forEach((r, i) => {
      const row = el('div', { className: 'tv-run' });
      const sw = el('span', { className: 'tv-swatch' });
      sw.style.background = RUN_COLORS[i % RUN_COLORS.length];
      row.append(
        sw,
        selectField(`optimizer ${i + 1}`, r.optimizer, optimizers, (v) => change({ runs: state.runs.map((x, j) => (j === i ? { ...x, optimizer: v } : x)) })),
        numberField('lr', r.lr, { min: 1e-6, max: 10, title: 'learning rate' }, (v) => change({ runs: state.runs.map((x, j) => (j === i ? { ...x, lr: v } : x)) })),
        el('button', { type: 'button', textContent: 'Remove', disabled: state.runs.length === 1, ariaLabel: `remove optimizer ${i + 1}`, onclick: () => change({ runs: state.runs.filter((_, j) => j !== i) }) }),
      );
      runsBox.append(row);
    });
    runsBox.append(el('button', { type: 'button', textContent: 'Add optimizer', disabled: state.runs.length >= RUN_COLORS.length, onclick: () => change({ runs: [...state.runs, { optimizer: 'amsgrad', lr: 1e-3 }] }) }));
  }

  function renderControls(): void {
    const dataset = el('fieldset', {}, el('legend', {}, 'Data and model'));
    dataset.append(
      selectField('dataset', userData ? 'user' : 'builtin', userData ? ['builtin', 'user'] : ['builtin'], (v) => {
        if (v === 'builtin') userData = null;
        commit();
        data = null;
        stopAll();
        render();
      }, { builtin: 'Fashion-MNIST subset (built in)', user: userData?.name ?? 'your data' }),
      el('label', {}, el('span', {}, 'your CSV, zip or images'), fileInput),
      el('label', {}, el('span', {}, 'your image folder'), folderInput),
      selectField('model', state.arch, ['mlp', 'cnn'], (v) => change({ arch: v as 'mlp' | 'cnn' }), { mlp: 'MLP', cnn: 'small CNN' }),
      (() => {
        const input = el('input', { type: 'text', value: state.hidden.join('-'), pattern: '\\d+(-\\d+)*', title: 'hidden widths, e.g. 128 or 256-256' });
        input.addEventListener('change', () => {
          const h = input.value.split('-').map(Number);
          const ok = h.every((v) => Number.isInteger(v) && v > 0 && v <= 4096);
          input.setAttribute('aria-invalid', ok ? 'false' : 'true');
          if (ok) change({ hidden: h });
        });
        return el('label', {}, el('span', {}, 'MLP hidden'), input);
      })(),
      numberField('train examples', state.trainLimit, { min: 10, max: 6000, step: 1 }, (v) => change({ trainLimit: v })),
      numberField('batch size', state.batchSize, { min: 1, max: 6000, step: 1 }, (v) => change({ batchSize: v })),
      numberField('epochs', state.epochs, { min: 1, max: 200, step: 1 }, (v) => change({ epochs: v })),
      numberField('seed', state.seed, { min: 0, step: 1 }, (v) => change({ seed: v })),
    );
    const reg = el('fieldset', {}, el('legend', {}, 'Regularization (every run)'));
    const flip = el('input', { type: 'checkbox', checked: state.flip });
    flip.addEventListener('change', () => change({ flip: flip.checked }));
    reg.append(
      numberField('dropout', state.dropout, { min: 0, max: 0.95, step: 0.05 }, (v) => change({ dropout: v })),
      numberField('weight decay', state.weightDecay, { min: 0, max: 1, step: 'any', title: 'decoupled weight decay coefficient' }, (v) => change({ weightDecay: v })),
      numberField('label smoothing', state.labelSmoothing, { min: 0, max: 0.95, step: 0.05 }, (v) => change({ labelSmoothing: v })),
      numberField('crop padding', state.crop, { min: 0, max: 8, step: 1, title: 'random crop after padding by this many pixels (images)' }, (v) => change({ crop: v })),
      el('label', { className: 'tv-check' }, flip, el('span', {}, 'horizontal flips')),
      numberField('early stopping patience', state.patience, { min: 0, max: 50, step: 1, title: 'epochs without improvement on a held-out tenth of the training set; 0 for none' }, (v) => change({ patience: v })),
    );
    controls.replaceChildren(dataset, reg, runsBox, el('div', { className: 'tv-buttons' }, play, step, reset));
    renderRuns();
  }

  function draw(): void {
    frame = 0;
    const loss: Series[] = [];
    const acc: Series[] = [];
    workers.forEach((w, i) => {
      const color = RUN_COLORS[i % RUN_COLORS.length];
      const label = runLabel(w.choice);
      loss.push({ label: `${label} train`, color, points: w.curve.map((p) => ({ x: p.step, y: p.trainLoss })) });
      loss.push({ label: `${label} test`, color, dashed: true, points: w.curve.map((p) => ({ x: p.step, y: p.testLoss })) });
      acc.push({ label, color, points: w.curve.map((p) => ({ x: p.step, y: p.testAccuracy })) });
    });
    drawLines(lossCanvas, loss, { title: 'Cross-entropy (solid: training set, dashed: test set)', xTitle: 'optimizer step', yTitle: 'loss' });
    drawLines(accCanvas, acc, { title: 'Test accuracy', xTitle: 'optimizer step', yTitle: 'accuracy', yMin: 0, yMax: 1, height: 180 });
    const shown = workers[shownRun];
    confCanvas.hidden = !(data && shown && shown.confusion.length > 0);
    sampleCanvas.hidden = !data;
    if (data && shown && shown.confusion.length > 0) drawConfusion(confCanvas, shown.confusion, data.classes, `Confusion matrix (test set), ${runLabel(shown.choice)}`);
    if (data) {
      const size = data.test.x.ndim === 4 ? data.test.x.shape[2] : 0;
      if (size > 0 && data.test.x.shape[1] === 1 && data.test.x.shape[3] === size) {
        const px = size * size;
        const idx = sampleIndices(data);
        drawSamples(sampleCanvas, idx.map((i) => data!.test.x.data.subarray(i * px, (i + 1) * px) as Float32Array), size, shown?.predictions ?? [], idx.map((i) => data!.test.y.data[i]), data.classes);
      } else sampleCanvas.hidden = true;
    }
    runTable.replaceChildren(
      el('caption', {}, 'Runs'),
      el('tr', {}, ...['run', 'step', 'epoch', 'train loss', 'test loss', 'test accuracy', 'state'].map((h) => el('th', { scope: 'col', textContent: h }))),
      ...workers.map((w, i) => {
        const last = w.curve[w.curve.length - 1];
        const first = w.curve[0];
        const tr = el('tr', {});
        tr.dataset.run = String(i);
        tr.dataset.step = String(w.step);
        if (first) tr.dataset.firstTrainLoss = String(first.trainLoss);
        if (last) tr.dataset.trainLoss = String(last.trainLoss);
        const sw = el('span', { className: 'tv-swatch' });
        sw.style.background = RUN_COLORS[i % RUN_COLORS.length];
        tr.append(
          el('td', {}, sw, runLabel(w.choice)),
          el('td', { textContent: String(w.step) }),
          el('td', { textContent: w.stepsPerEpoch ? (w.step / w.stepsPerEpoch).toFixed(2) : '0' }),
          el('td', { textContent: last ? last.trainLoss.toFixed(3) : '…' }),
          el('td', { textContent: last ? last.testLoss.toFixed(3) : '…' }),
          el('td', { textContent: last ? `${(100 * last.testAccuracy).toFixed(1)} %` : '…' }),
          el('td', { textContent: w.error ?? w.finished ?? (playing ? 'training' : 'paused'), className: w.error ? 'tv-error' : '' }),
        );
        return tr;
      }),
    );
  }
  const schedule = (): void => {
    if (!frame) frame = requestAnimationFrame(draw);
  };

  function sampleIndices(d: ClassificationData): number[] {
    const n = d.test.x.shape[0];
    return Array.from({ length: Math.min(SAMPLE_COUNT, n) }, (_, i) => Math.floor((i * n) / Math.min(SAMPLE_COUNT, n)));
  }

  function stopAll(): void {
    for (const w of workers) w.worker.terminate();
    workers = [];
    playing = false;
    play.textContent = 'Play';
    play.setAttribute('aria-pressed', 'false');
  }

  async function ensureData(): Promise<ClassificationData> {
    if (userData) {
      dataName = userData.name;
      return (data = userData.data);
    }
    if (data) return data;
    status.textContent = 'loading the built-in Fashion-MNIST subset…';
    data = await loadBuiltin(state.trainLimit);
    dataName = `built-in Fashion-MNIST subset (${data.train.x.shape[0]} train / ${data.test.x.shape[0]} test)`;
    return data;
  }

  async function startWorkers(): Promise<void> {
    const d = await ensureData();
    const specs = runSpecs(state);
    const wire = dataToWire(d);
    const evalEvery = Math.max(5, Math.round(Math.ceil(d.train.x.shape[0] / state.batchSize) / 4));
    workers = specs.map((spec, i) => {
      const worker = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module' });
      const w: LiveWorker = { choice: state.runs[i], worker, curve: [], batchLoss: [], confusion: [], predictions: [], step: 0, epoch: 0, stepsPerEpoch: 0, finished: null, seconds: 0, error: null, backend: '', id: '' };
      // Web Crypto needs a secure context (https or 127.0.0.1); elsewhere the record has no id.
      trialIdOf(trialConfig(state, state.runs[i])).then((id) => (w.id = id), () => {});
      worker.onmessage = (ev: MessageEvent<FromWorker>) => {
        const m = ev.data;
        if (m.type === 'error') w.error = m.message;
        else {
          w.curve.push(...m.curve);
          w.batchLoss.push(...m.batchLoss);
          Object.assign(w, { confusion: m.confusion, predictions: m.samplePredictions, step: m.step, epoch: m.epoch, stepsPerEpoch: m.stepsPerEpoch, finished: m.finished, seconds: m.seconds, backend: m.backend });
          status.textContent = `${dataName}; kernels: ${m.backend}`;
        }
        if (workers.every((x) => x.finished || x.error)) {
          playing = false;
          play.textContent = 'Play';
          play.setAttribute('aria-pressed', 'false');
        }
        schedule();
      };
      worker.onerror = (e) => {
        w.error = e.message || 'the worker failed to start';
        schedule();
      };
      const msg: ToWorker = { type: 'start', spec, data: wire, evalEvery, samples: sampleIndices(d) };
      worker.postMessage(msg);
      return w;
    });
    schedule();
  }

  const send = (m: ToWorker): void => workers.forEach((w) => w.worker.postMessage(m));
  async function onPlay(): Promise<void> {
    try {
      if (workers.length === 0) await startWorkers();
      playing = !playing;
      play.textContent = playing ? 'Pause' : 'Play';
      play.setAttribute('aria-pressed', String(playing));
      send({ type: playing ? 'play' : 'pause' });
      schedule();
    } catch (e) {
      status.textContent = (e as Error).message;
    }
  }
  play.addEventListener('click', () => void onPlay());
  step.addEventListener('click', async () => {
    try {
      if (workers.length === 0) await startWorkers();
      playing = false;
      play.textContent = 'Play';
      send({ type: 'pause' });
      send({ type: 'step', steps: 10 });
    } catch (e) {
      status.textContent = (e as Error).message;
    }
  });
  reset.addEventListener('click', () => {
    stopAll();
    draw();
  });
  const onFiles = async (input: HTMLInputElement): Promise<void> => {
    try {
      status.textContent = 'reading your files…';
      userData = await loadUserFiles([...(input.files ?? [])]);
      stopAll();
      data = null;
      if (state.arch === 'cnn' && userData.data.train.x.ndim !== 4) state = { ...state, arch: 'mlp' };
      if (userData.data.train.x.ndim !== 4) state = { ...state, crop: 0, flip: false };
      commit();
      render();
      status.classList.remove('tv-error');
      status.textContent = `loaded ${userData.name}: ${userData.data.train.x.shape[0]} train / ${userData.data.test.x.shape[0]} test, classes ${userData.data.classes.join(', ')}`;
    } catch (e) {
      status.textContent = (e as Error).message;
      status.classList.add('tv-error');
    }
  };
  fileInput.addEventListener('change', () => void onFiles(fileInput));
  folderInput.addEventListener('change', () => void onFiles(folderInput));
  shownSelect.addEventListener('change', () => {
    shownRun = Number(shownSelect.value);
    schedule();
  });

  function render(): void {
    renderControls();
    shownSelect.replaceChildren(...state.runs.map((r, i) => el('option', { value: String(i), textContent: runLabel(r) })));
    shownRun = Math.min(shownRun, state.runs.length - 1);
    shownSelect.value = String(shownRun);
    draw();
  }

  const plots = el('section', { className: 'tv-plots' }, lossCanvas, accCanvas, runTable);
  const detail = el('section', { className: 'tv-detail' }, el('label', {}, el('span', {}, 'confusion matrix and predictions of'), shownSelect), confCanvas, sampleCanvas);
  root.append(el('h2', {}, 'Live training'), el('p', { className: 'tv-intro' }, 'Train a network on Fashion-MNIST (or your own CSV or image folder) with several optimizers at once, each in its own worker on descent\'s wasm kernels. Press Play, change a setting, compare.'), controls, status, plots, detail);
  ctx.setExports({
    json: () => workers.map((w) => trialRecord(state, w.choice, { curve: w.curve, batchLoss: w.batchLoss, steps: w.step, epochs: w.epoch, finished: w.finished, seconds: w.seconds }, dataName, w.id)),
    plots: () => [lossCanvas, accCanvas, confCanvas, sampleCanvas],
  });
  commit();
  render();
  const onResize = (): void => schedule();
  window.addEventListener('resize', onResize);
  return {
    unmount() {
      stopAll();
      window.removeEventListener('resize', onResize);
      if (frame) cancelAnimationFrame(frame);
      root.replaceChildren();
      root.classList.remove('training-view');
    },
  };
}

const view: PlaygroundView = { id: 'training', title: 'Live training', order: 3, mount };
export default view;
