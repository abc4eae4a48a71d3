/**
 * The GAN view: a generator and a critic on the ring of 8 or the grid of 25 Gaussians, with the
 * objective and the Lipschitz method as choices, trained in a Web Worker. It draws the critic's
 * value as a heatmap, the fake samples with the critic's gradient as arrows (where the generator
 * is pushed), counts the modes covered live, and plays, pauses or steps.
 */
import type { PlaygroundView, ViewContext } from '../types';
import { drawGan } from './draw.js';
import type { FromGanWorker, ToGanWorker } from './gan.worker.js';
import { LIPSCHITZ, LOSSES, mixtureData, type GanSnapshot, type GanSpec } from './session.js';
import { ganCommand, parseGanState, serializeGanState } from './state.js';
import './gan.css';

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
  const history: { iteration: number; modes: number }[] = [];

  root.classList.add('gan-view');
  const canvas = el('canvas', { className: 'gv-canvas', ariaLabel: 'critic heatmap with real samples, fake samples and gradient arrows' });
  const modes = el('output', { className: 'gv-modes', ariaLive: 'polite' });
  const figures = el('p', { className: 'gv-figures' });
  const status = el('p', { className: 'gv-status', role: 'status' });
  const play = el('button', { type: 'button', textContent: 'Play', className: 'gv-play' });
  const step = el('button', { type: 'button', textContent: 'Step', title: 'ten generator updates, then pause' });
  const reset = el('button', { type: 'button', textContent: 'Reset' });

  const select = (label: string, key: keyof GanSpec, options: readonly string[], text: Record<string, string> = {}): HTMLLabelElement => {
    const s = el('select');
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

  function commit(): void {
    ctx.setState(serializeGanState(spec));
    ctx.setCommand(ganCommand(spec));
  }
  function change(patch: Partial<GanSpec>): void {
    spec = { ...spec, ...patch };
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
      number('critic steps', 'nCritic', { min: 1, max: 20, step: '1' }),
      number('learning rate', 'lr', { min: 1e-6, max: 1, step: 'any' }),
      number('hidden width', 'hidden', { min: 4, max: 512, step: '1' }),
      number('batch size', 'batchSize', { min: 8, max: 2048, step: '1' }),
      number('seed', 'seed', { min: 0, max: 1e9, step: '1' }),
      el('div', { className: 'gv-buttons' }, play, step, reset),
    );
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
    figures.textContent = `iteration ${last.iteration} · samples within 3σ of a mode: ${(100 * last.highQualityFraction).toFixed(1)} % · D loss ${fmt(last.discriminatorLoss)} · G loss ${fmt(last.generatorLoss)}`;
  }

  function restart(): void {
    worker?.terminate();
    playing = false;
    play.textContent = 'Play';
    play.setAttribute('aria-pressed', 'false');
    last = null;
    history.length = 0;
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
      history.push({ iteration: last.iteration, modes: last.modesCovered });
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
  );
  ctx.setExports({
    json: () => ({ type: 'playground-gan', spec: { ...spec, lambda: Number.isFinite(spec.lambda) ? spec.lambda : null }, modesCovered: history, snapshot: last }),
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
