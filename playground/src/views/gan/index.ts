/**
 * The GAN view: the lab's gan-mixture trial (a generator and a critic on the ring of 8 or the
 * grid of 25 Gaussians) with the objective, the Lipschitz method, the normalization, the
 * networks and each player's optimizer (from the registry's option tables) as choices, trained
 * in a Web Worker through the lab task's own code. It draws the critic's value as a heatmap,
 * the fake samples with the critic's gradient as arrows (where the generator is pushed), counts
 * the modes covered live, and plays, pauses or steps to the run's end. It shows the `descent
 * compare` spec of the same trial (copyable) and exports the run as the lab's TrialRecord.
 */
import { createOptimizer, Tensor } from '../../../../src/index.js';
import { listMethods, resolveMethod } from '../../../../src/lab/methods.js';
import { optionFields } from '../../ui/option-fields.js';
import type { PlaygroundView, ViewContext } from '../types';
import { drawGan } from './draw.js';
import type { FromGanWorker, ToGanWorker } from './gan.worker.js';
import { LIPSCHITZ, LOSSES, mixtureData, NORMS, type GanSnapshot, type GanSpec } from './session.js';
import { compareSpec, ganCommand, parseGanState, serializeGanState, trialConfig, trialIdOf, trialRecord, type OptimizerState } from './state.js';
import './gan.css';

/** The registry's methods a GAN can train with: those that step on a gradient alone (no closure). */
function ganOptimizers(): string[] {
  return listMethods().filter((name) => {
    try {
      const m = resolveMethod(name, { lr: 1e-3 });
      const p = new Tensor(new Float32Array([1, -2]), [2]).requiresGrad_();
      const opt = createOptimizer(m.optimizer, [p], m.options);
      p.mul(p).sum().backward();
      opt.step();
      return true;
    } catch {
      return false;
    }
  });
}

const LOSS_TEXT: Record<string, string> = {
  nonsaturating: 'GAN (non-saturating)', minimax: 'GAN (minimax)', wasserstein: 'WGAN', hinge: 'hinge', lsgan: 'LSGAN',
  'lgan-exp': 'LGAN, metric exp', 'lgan-logsigmoid': 'LGAN, metric logsigmoid', 'lgan-sqrt': 'LGAN, metric sqrt', 'lgan-linear': 'LGAN, metric linear',
};
const LIPSCHITZ_TEXT: Record<string, string> = {
  none: 'none', 'wgan-gp': 'gradient penalty (WGAN-GP)', lp: 'Lipschitz penalty (LP)', maxgp: 'max gradient penalty (MaxGP)', r1: 'R1 (real data)', r2: 'R2 (fake data)',
  dragan: 'DRAGAN', 'zero-gp': 'zero-centred GP', 'wgan-div': 'WGAN-div', spectral: 'spectral normalization', clip: 'weight clipping',
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & Record<string, unknown> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
}

/** A loss to 3 decimals, or a dash before the first iteration. */
const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '–');

function mount(root: HTMLElement, ctx: ViewContext): { unmount(): void } {
  let spec: GanSpec = parseGanState(ctx.state);
  let worker: Worker | null = null;
  let playing = false;
  let last: GanSnapshot | null = null;
  let centers = Array.from(mixtureData(spec.mixture, spec.seed).centers.data);
  let seconds = 0;
  const methods = ganOptimizers();

  root.classList.add('gan-view');
  const canvas = el('canvas', { className: 'gv-canvas', ariaLabel: 'critic heatmap with real samples, fake samples and gradient arrows' });
  const modes = el('output', { className: 'gv-modes', ariaLive: 'polite' });
  const figures = el('p', { className: 'gv-figures' });
  const status = el('p', { className: 'gv-status', role: 'status' });
  const play = el('button', { type: 'button', textContent: 'Play', className: 'gv-play' });
  const step = el('button', { type: 'button', textContent: 'Step', title: 'ten generator updates, then pause' });
  const reset = el('button', { type: 'button', textContent: 'Reset' });

  const select = (label: string, key: keyof GanSpec, options: readonly string[], text: Record<string, string> = {}, disabled = false): HTMLLabelElement => {
    const s = el('select', { disabled });
    for (const o of options) s.append(el('option', { value: o, textContent: text[o] ?? o }));
    s.value = String(spec[key]);
    s.addEventListener('change', () => change({ [key]: s.value } as Partial<GanSpec>));
    return el('label', {}, el('span', {}, label), s);
  };
  const number = (label: string, key: keyof GanSpec, o: { min: number; max: number; step: string; placeholder?: string; title?: string }): HTMLLabelElement => {
    const v = spec[key] as number;
    const input = el('input', { type: 'number', min: String(o.min), max: String(o.max), step: o.step, value: Number.isFinite(v) ? String(v) : '', placeholder: o.placeholder ?? '', title: o.title ?? '' });
    input.addEventListener('change', () => {
      if (input.value === '' && o.placeholder) return change({ [key]: NaN } as Partial<GanSpec>);
      const x = Number(input.value);
      const ok = input.value !== '' && x >= o.min && x <= o.max && (o.step !== '1' || Number.isInteger(x));
      input.setAttribute('aria-invalid', ok ? 'false' : 'true');
      if (ok) change({ [key]: x } as Partial<GanSpec>);
    });
    return el('label', {}, el('span', {}, label), input);
  };

  const specBox = el('textarea', { className: 'gv-spec', readOnly: true, rows: 6, spellcheck: false, ariaLabel: 'the descent compare spec of this run (JSON)' });
  const copy = el('button', { type: 'button', textContent: 'Copy spec', className: 'gv-copy' });
  copy.addEventListener('click', () => {
    specBox.select();
    const done = (): void => void (copy.textContent = 'Copied');
    navigator.clipboard?.writeText(specBox.value).then(done, () => document.execCommand?.('copy') && done());
  });
  function commit(): void {
    ctx.setState(serializeGanState(spec));
    ctx.setCommand(ganCommand(spec));
    specBox.value = JSON.stringify(compareSpec(spec), null, 2);
    copy.textContent = 'Copy spec';
  }
  function change(patch: Partial<GanSpec>): void {
    const before = spec;
    spec = { ...spec, ...patch };
    // Spectral normalization is both a Lipschitz method and the critic's normalization; λ only goes with a penalty or clipping.
    if (spec.lipschitz === 'spectral') spec.normalization = 'spectral';
    else if (before.lipschitz === 'spectral' && patch.lipschitz) spec.normalization = 'none';
    if (spec.lipschitz === 'none' || spec.lipschitz === 'spectral') spec.lambda = NaN;
    commit();
    restart();
    renderControls();
  }

  const controls = el('form', { className: 'gv-controls', onsubmit: (e: Event) => e.preventDefault() });
  function renderControls(): void {
    controls.replaceChildren(
      select('data', 'mixture', ['ring', 'grid'], { ring: 'ring of 8 Gaussians', grid: 'grid of 25 Gaussians' }),
      select('loss', 'loss', LOSSES, LOSS_TEXT),
      select('Lipschitz method', 'lipschitz', LIPSCHITZ, LIPSCHITZ_TEXT),
      number('λ (or clip c)', 'lambda', { min: 0, max: 1000, step: 'any', placeholder: 'default', title: 'the penalty weight, or the clipping bound; empty for the method\'s default' }),
      select('D normalization', 'normalization', spec.lipschitz === 'spectral' ? ['spectral'] : NORMS, {}, spec.lipschitz === 'spectral'),
      number('critic steps', 'nCritic', { min: 1, max: 20, step: '1' }),
      number('iterations', 'iterations', { min: 1, max: 100000, step: '1', title: 'the run\'s length in generator updates (the lab trial\'s iterations)' }),
      number('hidden width', 'hidden', { min: 4, max: 512, step: '1' }),
      number('hidden layers', 'layers', { min: 1, max: 16, step: '1' }),
      number('batch size', 'batchSize', { min: 8, max: 2048, step: '1' }),
      number('evaluate every', 'evalEvery', { min: 1, max: 100000, step: '1', title: 'iterations between the lab\'s recorded evaluations (500 samples each)' }),
      number('seed', 'seed', { min: 0, max: 1e9, step: '1' }),
      optimizerEditor('generator', spec.generator, (g) => change({ generator: g })),
      sameAsG(),
      ...(spec.discriminator ? [optimizerEditor('discriminator', spec.discriminator, (d) => change({ discriminator: d }))] : []),
      el('div', { className: 'gv-buttons' }, play, step, reset),
    );
  }

  function optimizerEditor(who: 'generator' | 'discriminator', o: OptimizerState, set: (o: OptimizerState) => void): HTMLFieldSetElement {
    const picker = el('select', { className: `gv-opt gv-opt-${who}` });
    for (const m of methods) picker.append(el('option', { value: m, textContent: m }));
    picker.value = o.name;
    picker.addEventListener('change', () => set({ name: picker.value, options: { lr: (o.options.lr as number | undefined) ?? 1e-3 } }));
    const m = resolveMethod(o.name);
    const fields = optionFields({ optimizer: m.optimizer, values: o.options, base: m.options, lrPlaceholder: 'default 0.001', onChange: (values) => set({ name: o.name, options: values }) });
    return el('fieldset', { className: `gv-optimizer gv-${who}` }, el('legend', {}, `${who === 'generator' ? 'G' : 'D'} optimizer`), el('label', {}, el('span', {}, 'optimizer'), picker), fields);
  }
  function sameAsG(): HTMLLabelElement {
    const box = el('input', { type: 'checkbox', checked: !spec.discriminator, className: 'gv-same' });
    box.addEventListener('change', () => change({ discriminator: box.checked ? null : { name: spec.generator.name, options: { ...spec.generator.options } } }));
    return el('label', { className: 'gv-same-label' }, el('span', {}, 'D: same optimizer as G'), box);
  }

  function size(): number {
    return Math.max(260, Math.min(560, (root.clientWidth || 360) - 8));
  }
  function render(): void {
    if (!last) {
      modes.textContent = 'modes covered: …';
      return;
    }
    drawGan(canvas, last, centers, size());
    modes.textContent = `modes covered: ${last.modesCovered} / ${last.modes}`;
    modes.dataset.covered = String(last.modesCovered);
    modes.dataset.iteration = String(last.iteration);
    modes.dataset.done = String(last.done);
    figures.textContent = `iteration ${last.iteration} of ${last.iterations}${last.done ? ' (done: the record is the lab\'s)' : ''} · samples within 3σ of a mode: ${(100 * last.highQualityFraction).toFixed(1)} % · D loss ${fmt(last.discriminatorLoss)} · G loss ${fmt(last.generatorLoss)}`;
  }

  function restart(): void {
    worker?.terminate();
    playing = false;
    play.textContent = 'Play';
    play.setAttribute('aria-pressed', 'false');
    last = null;
    seconds = 0;
    centers = Array.from(mixtureData(spec.mixture, spec.seed).centers.data);
    worker = new Worker(new URL('./gan.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (ev: MessageEvent<FromGanWorker>) => {
      const m = ev.data;
      if (m.type === 'error') {
        status.textContent = m.message;
        status.classList.add('gv-error');
        playing = false;
        play.textContent = 'Play';
        return;
      }
      status.classList.remove('gv-error');
      status.textContent = `kernels: ${m.backend}`;
      last = m.snapshot;
      seconds = m.seconds;
      if (!m.playing && playing) {
        // The run reached its end.
        playing = false;
        play.textContent = 'Play';
        play.setAttribute('aria-pressed', 'false');
      }
      requestAnimationFrame(render);
    };
    worker.onerror = (e) => {
      status.textContent = e.message || 'the GAN worker failed to start';
    };
    send({ type: 'start', spec });
    render();
  }
  const send = (m: ToGanWorker): void => worker?.postMessage(m);

  play.addEventListener('click', () => {
    playing = !playing;
    play.textContent = playing ? 'Pause' : 'Play';
    play.setAttribute('aria-pressed', String(playing));
    send({ type: playing ? 'play' : 'pause' });
  });
  step.addEventListener('click', () => {
    playing = false;
    play.textContent = 'Play';
    play.setAttribute('aria-pressed', 'false');
    send({ type: 'pause' });
    send({ type: 'step', iterations: 10 });
  });
  reset.addEventListener('click', () => restart());

  root.append(
    el('h2', {}, 'GAN on 2-D mixtures'),
    el('p', { className: 'gv-intro' }, 'The background is the critic D(x): red where it believes points are real. Green dots are generated samples; each arrow is ∇D there, the direction the generator moves them. Choose the loss and the way the critic is kept Lipschitz, and watch which modes get covered.'),
    controls,
    el('div', { className: 'gv-readout' }, modes, figures),
    canvas,
    status,
    el('details', { className: 'gv-spec-box' }, el('summary', {}, 'the lab spec of this run (descent compare)'), specBox, copy),
  );
  ctx.setExports({
    // The lab's TrialRecord: complete once the run reaches its iterations, else 'failed' saying where it stopped.
    json: () => (last ? trialRecord(spec, last.record, trialIdOf(trialConfig(spec)), seconds) : null),
    plots: () => [canvas],
  });
  renderControls();
  commit();
  restart();
  const onResize = (): void => render();
  window.addEventListener('resize', onResize);
  return {
    unmount() {
      worker?.terminate();
      window.removeEventListener('resize', onResize);
      root.replaceChildren();
      root.classList.remove('gan-view');
    },
  };
}

const view: PlaygroundView = { id: 'gan', title: 'GAN', order: 4, mount };
export default view;
