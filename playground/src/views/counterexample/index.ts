/**
 * The thesis' counterexample, animated: f_t(θ) = Cθ with probability p = (1 + δ)/(C + 1), else
 * -θ, on [-1, 1] (thesis 004 eq. 3-7). The expected gradient δ is positive, so θ should go
 * down to -1; with β1 = 0 and β2 = 0.999 Adam goes up, because v_t grows with the large
 * gradient and so shrinks exactly the step that would have moved θ down. AMSGrad's v̂_t
 * (the running maximum) and AdaShift's v_t (of the gradient n steps before, independent of
 * the current one) remove the bias. θ_t, v_t and v̂_t are drawn as the steps play.
 */
import { resolveMethod } from '../../../../src/lab/methods.js';
import { compute } from '../../shell/compute-client.js';
import type { OnlineReply } from '../../shell/compute-protocol.js';
import { runColor } from '../../ui/colors.js';
import { button, h, labelled } from '../../ui/dom.js';
import { drawLineChart, newChart, type Series } from '../../ui/line-chart.js';
import { playback } from '../../ui/playback.js';
import type { PlaygroundView, ViewContext } from '../types.js';
import { checkField, commandFor, FIELDS, methods, readSettings, type CounterexampleSettings } from './settings.js';

/** Points drawn per curve (the runs are downsampled evenly for the charts). */
const CHART_POINTS = 1200;

function downsample(values: readonly number[]): { x: number[]; y: number[] } {
  const every = Math.max(1, Math.ceil(values.length / CHART_POINTS));
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < values.length; i += every) {
    x.push(i);
    y.push(values[i]);
  }
  if (x[x.length - 1] !== values.length - 1) {
    x.push(values.length - 1);
    y.push(values[values.length - 1]);
  }
  return { x, y };
}

function mount(root: HTMLElement, ctx: ViewContext): { unmount(): void } {
  let settings: CounterexampleSettings = readSettings(ctx.state);
  let runs: { label: string; reply: OnlineReply }[] = [];
  let t = 0;
  let generation = 0;
  let error = '';

  const thetaChart = newChart('chart theta-chart');
  const vChart = newChart('chart v-chart');
  const summary = h('ul', { class: 'run-summary', 'aria-live': 'polite' });
  const status = h('p', { class: 'description', role: 'status' });
  const playButton = button('Play', () => player.toggle(), { id: 'ce-play', class: 'primary' });
  // Its callbacks read t and setStep (declared below) only once playing.
  const player = playback(playButton, {
    start: () => {
      if (t >= settings.steps) t = 0;
    },
    advance: () => setStep(t + Math.max(1, Math.round(settings.steps / 300))),
  });
  const stepButton = button('Step', () => { pause(); setStep(t + Math.max(1, Math.round(settings.steps / 200))); }, { id: 'ce-step' });
  const endButton = button('End', () => { pause(); setStep(settings.steps); }, { id: 'ce-end' });
  const scrubber = h('input', { type: 'range', id: 'ce-t', min: 0, max: settings.steps, value: settings.steps });
  const stepLabel = h('output', { for: 'ce-t', class: 'step-label' });

  const controls = h('div', { class: 'row ce-controls' });
  for (const f of FIELDS) {
    const input = h('input', { type: 'text', inputmode: 'decimal', id: `ce-${f.url}`, value: String(settings[f.key]), 'aria-describedby': `ce-${f.url}-error` });
    const err = h('span', { class: 'error', id: `ce-${f.url}-error`, 'aria-live': 'polite' });
    input.addEventListener('change', () => {
      const v = Number(input.value);
      const msg = checkField(f, v);
      err.textContent = msg ?? '';
      input.setAttribute('aria-invalid', String(Boolean(msg)));
      if (msg) return;
      settings = { ...settings, [f.key]: v };
      rerun();
    });
    const field = labelled(f.label, input, f.doc);
    field.append(err);
    controls.append(field);
  }

  const draw = (): void => {
    // Copy 1 first, so the means are drawn over it.
    const theta: Series[] = settings.copies > 1 ? runs.map((r, i) => ({ label: `${r.label} copy 1`, color: runColor(i), thin: true, ...downsample(r.reply.theta) })) : [];
    theta.push(...runs.map((r, i) => ({ label: r.label, color: runColor(i), ...downsample(r.reply.thetaMean) })));
    drawLineChart(thetaChart, theta, { title: settings.copies > 1 ? `θ_t, mean of ${settings.copies} copies (thin: copy 1)` : 'θ_t (should go down to θ* = -1)', xTitle: 'step', yTitle: 'θ', upTo: t, yRange: [-1, 1], rules: [{ y: -1, label: 'θ* = -1' }, { y: 0, label: 'start' }], width: 460, height: 280 });
    const v: Series[] = [];
    runs.forEach((r, i) => {
      v.push({ label: `${r.label} v_t`, color: runColor(i), ...downsample(r.reply.v.map((x, k) => (k === 0 ? NaN : x))) });
      if (r.reply.vhat) v.push({ label: `${r.label} v̂_t`, color: runColor(i), dashed: true, ...downsample(r.reply.vhat.map((x, k) => (k === 0 ? NaN : x))) });
    });
    drawLineChart(vChart, v, { title: `v_t of copy 1 (AMSGrad's v̂_t dashed), log scale`, xTitle: 'step', yTitle: 'v', logY: true, upTo: t, width: 460, height: 280 });
    scrubber.value = String(t);
    stepLabel.textContent = `step ${t} of ${settings.steps}`;
    summary.replaceChildren(...runs.map((r, i) => {
      const th = r.reply.thetaMean[Math.min(t, r.reply.thetaMean.length - 1)];
      const dir = th < 0 ? 'down (right way)' : th > 0 ? 'up (wrong way)' : 'not moved';
      return h('li', {}, h('span', { class: 'swatch', style: `background:${runColor(i)}` }), `${r.label}: ${settings.copies > 1 ? 'mean ' : ''}θ = ${th.toFixed(4)}, ${dir}`);
    }));
    status.textContent = error;
  };

  const setStep = (k: number): void => {
    t = Math.max(0, Math.min(settings.steps, k));
    if (t >= settings.steps) pause();
    draw();
  };
  function play(): void {
    player.play();
  }
  function pause(): void {
    player.pause();
  }

  let pending = 0;
  const rerun = (): void => {
    clearTimeout(pending);
    pending = window.setTimeout(runAll, 60);
  };
  async function runAll(): Promise<void> {
    const mine = ++generation;
    const s = settings;
    ctx.setState(Object.fromEntries(FIELDS.map((f) => [f.url, String(s[f.key])])));
    ctx.setCommand(commandFor(s));
    status.textContent = `running ${s.steps} steps of each method…`;
    try {
      const replies = await Promise.all(methods(s).map(async (m) => ({
        label: m.label,
        reply: await compute({ kind: 'online', optimizer: m.optimizer, options: m.options, C: s.C, delta: s.delta, steps: s.steps, seed: s.seed, copies: s.copies }),
      })));
      if (mine !== generation) return;
      runs = replies;
      error = '';
    } catch (e) {
      if (mine !== generation) return;
      error = e instanceof Error ? e.message : String(e);
    }
    scrubber.max = String(s.steps);
    setStep(s.steps);
  }
  scrubber.addEventListener('input', () => { pause(); setStep(Number(scrubber.value)); });

  ctx.setExports({
    json: () => ({
      type: 'playground-counterexample',
      settings,
      records: runs.map((r, i) => ({
        type: 'trial', status: 'done',
        config: { task: 'online-stochastic', taskOptions: { C: settings.C, delta: settings.delta, steps: settings.steps, start: 0, bound: 1, copies: settings.copies }, method: { label: r.label, optimizer: resolveMethod(methods(settings)[i].optimizer).optimizer, options: r.reply.options }, seed: settings.seed },
        steps: { step: r.reply.theta.map((_, k) => k), thetaMean: r.reply.thetaMean, theta: r.reply.theta, v: r.reply.v, ...(r.reply.vhat ? { vhat: r.reply.vhat } : {}), grad: r.reply.grad },
        final: { thetaMean: r.reply.thetaMean[r.reply.thetaMean.length - 1], theta: r.reply.theta[r.reply.theta.length - 1] },
        finishedAt: new Date().toISOString(),
      })),
    }),
    plots: () => [thetaChart, vChart],
  });

  root.append(h('section', { class: 'counterexample', 'aria-label': "Adam's counterexample" },
    h('p', { class: 'note' },
      'Each step the cost is f_t(θ) = Cθ with probability p = (1 + δ)/(C + 1), else −θ, on [−1, 1] (thesis 004, eq. 3-7; Reddi et al. 2018). ',
      'The expected cost is δθ, so θ should go down to −1. With β1 = 0 and β2 = 0.999 Adam goes up: its v_t jumps with every large gradient C, ',
      'so the one step that would push θ down is divided by a large √v_t, while the many −1 steps that push it up are not. ',
      "AMSGrad's running maximum v̂_t and AdaShift's v_t from the gradient n steps earlier (independent of the current one) remove that bias."),
    controls,
    h('div', { class: 'transport', role: 'group', 'aria-label': 'Playback' }, playButton, stepButton, endButton, labelled('step', scrubber), stepLabel),
    h('div', { class: 'ce-charts' }, thetaChart,
      h('figure', { class: 'plot' }, vChart, h('figcaption', {}, "Adam's and AMSGrad's v_t are the same sequence (the same gradients); AdaShift's is that sequence n steps later. What differs is which gradient each divides by √v: Adam divides the large gradient C by a v that C itself just raised."))),
    summary, status));
  rerun();
  return { unmount: () => { pause(); generation++; clearTimeout(pending); } };
}

const view: PlaygroundView = { id: 'counterexample', title: "Adam's counterexample", order: 2, mount };
export default view;
