/**
 * Thesis 004 appendix 3.C (figure 3-8): how β1, β2 and C decide whether Adam goes the wrong
 * way on the online counterexamples (the problems of ../../problems/online.ts, on [-1, 1],
 * θ_1 = 0, α = 0.001).
 *
 * - 3-8a: the sequential problem at C = d = 6 (each period's gradients sum to +1, so θ should
 *   go down), Adam for 2000 steps over a grid of β1 and β2: both change the direction and the
 *   speed (the final θ).
 * - 3-8b: with d = C, the critical C, the smallest C at which Adam ends above its start, over
 *   the same grid: it grows with β1 and with β2. Beside it, the C at which lemma 3.7's period
 *   sum S turns negative (it assumes v_t ≫ 1).
 * - 3-8c/d: the stochastic problem with δ = 1 (the large gradient C with probability
 *   2/(C+1), expected gradient +1), the mean θ over independent copies: the critical C again.
 *
 * Each grid point is one parameter group of one Adam instance (its own betas), so a whole
 * grid steps at once; the task is `adam-critical-c`.
 */
import { z } from 'zod';
import { createOptimizer } from '../../../optim/index.js';
import { Generator, Tensor } from '../../../tensor/index.js';
import { largeGradientProbability } from '../../problems/online.js';
import { analysisOf, type Claim, curvesChart, fmt, optionsSchema, PlotSink, type Reproduction, type Scale, type TaskDef, type TrialConfig, type TrialOutput } from '../kit.js';

export interface CriticalCOptions {
  kind: 'sequential' | 'stochastic';
  beta1: number[];
  beta2: number[];
  /** The values of C (= d for the sequential problem) tried, ascending. */
  cs: number[];
  steps: number;
  /** Independent copies per configuration (stochastic). */
  copies: number;
  lr: number;
}

/**
 * The mean final θ of Adam for every (β1, β2, C) of the grid, as [i1][i2][ic]. Sequential:
 * g_t = C when t mod C = 1, else -1; stochastic: C with probability (1 + δ)/(C + 1), δ = 1.
 */
export function finalThetas(o: CriticalCOptions, seed: number): number[][][] {
  const configs: { b1: number; b2: number; c: number }[] = [];
  for (const b1 of o.beta1) for (const b2 of o.beta2) for (const c of o.cs) configs.push({ b1, b2, c });
  const k = o.kind === 'stochastic' ? o.copies : 1;
  const params = configs.map(() => {
    const t = new Tensor(new Float64Array(k), [k]);
    t.requiresGrad = true;
    return t;
  });
  const opt = createOptimizer('adam', configs.map((cfg, i) => ({ params: [params[i]], betas: [cfg.b1, cfg.b2] })), { lr: o.lr, eps: 1e-8 });
  const gen = new Generator(seed);
  const probs = configs.map((cfg) => largeGradientProbability(cfg.c, 1));
  for (let t = 1; t <= o.steps; t++) {
    configs.forEach((cfg, i) => {
      const g = new Float64Array(k);
      if (o.kind === 'sequential') g.fill(t % cfg.c === 1 ? cfg.c : -1);
      else for (let j = 0; j < k; j++) g[j] = gen.random() < probs[i] ? cfg.c : -1;
      params[i].grad = new Tensor(g, [k]);
    });
    opt.step();
    for (const p of params) for (let j = 0; j < k; j++) p.data[j] = Math.min(1, Math.max(-1, p.data[j]));
  }
  const out: number[][][] = o.beta1.map(() => o.beta2.map(() => []));
  configs.forEach((cfg, i) => {
    const mean = Array.from(params[i].data).reduce((s, v) => s + v, 0) / k;
    out[o.beta1.indexOf(cfg.b1)][o.beta2.indexOf(cfg.b2)].push(mean);
  });
  return out;
}

/**
 * Lemma 3.7's limit S(β1, β2, C) with d = C: the sum over one period of the limiting m/√v
 * (the first line of its proof, which assumes v_t ≫ 1). Positive: θ goes down (the right way).
 */
export function lemmaPeriodSum(b1: number, b2: number, c: number): number {
  const d = c;
  let sum = 0;
  for (let i = 1; i <= d; i++) {
    const m = ((1 - b1) / (1 - b1 ** d)) * (c + 1) * b1 ** (i - 1) - 1;
    const v = ((1 - b2) / (1 - b2 ** d)) * (c * c - 1) * b2 ** (i - 1);
    sum += m / Math.sqrt(v);
  }
  return sum;
}

/**
 * The smallest integer C (= d) in [2, 10000] at which lemma 3.7's S is negative (Adam goes the
 * wrong way), or NaN when none is. Equation 3-43 as printed has no positive solution for
 * β1 = 0 (its right side is below 1), so the sum itself is used.
 */
export function lemmaCriticalC(b1: number, b2: number): number {
  for (let c = 2; c <= 10000; c++) if (lemmaPeriodSum(b1, b2, c) < 0) return c;
  return NaN;
}

/** The smallest C of `cs` at which the final θ is above the start (0), or null when none is. */
function criticalOf(thetas: number[], cs: number[]): number | null {
  const i = thetas.findIndex((v) => v > 0);
  return i < 0 ? null : cs[i];
}

export const criticalCTask: TaskDef = {
  name: 'adam-critical-c',
  title: 'Adam on the online counterexamples over a grid of β1, β2 and C (thesis 004 appendix 3.C)',
  description: 'final θ of Adam after `steps` steps for every (β1, β2, C): sequential with d = C, or stochastic with δ = 1 (mean over copies)',
  schema: optionsSchema({
    kind: z.enum(['sequential', 'stochastic']).default('sequential'),
    beta1: z.array(z.number().min(0).lt(1)).min(1).default([0, 0.5, 0.9]),
    beta2: z.array(z.number().min(0).lt(1)).min(1).default([0.5, 0.9, 0.99]),
    cs: z.array(z.number().int().min(2)).min(1).default([6]),
    steps: z.number().int().positive().default(2000),
    copies: z.number().int().positive().default(16),
    lr: z.number().positive().default(0.001),
  }),
  primary: { metric: 'fractionWrong', goal: 'min' },
  defaultLr: () => 0.001,
  run: (config: TrialConfig, options): TrialOutput => {
    const o = options as unknown as CriticalCOptions;
    const thetas = finalThetas(o, config.seed);
    const flat = thetas.flat(2);
    return { final: { fractionWrong: flat.filter((v) => v > 0).length / flat.length }, extra: { thetas } };
  },
};

export function criticalSettings(scale: Scale): { beta1: number[]; beta2: number[]; cs: number[]; steps: number; copies: number } {
  return scale === 'full'
    ? { beta1: [0, 0.2, 0.4, 0.6, 0.8, 0.9], beta2: [0.1, 0.3, 0.5, 0.7, 0.9, 0.99], cs: [2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40, 50, 70, 100], steps: 2000, copies: 32 }
    : { beta1: [0, 0.5, 0.9], beta2: [0.3, 0.7, 0.9], cs: [2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50], steps: 2000, copies: 8 };
}

/** The fraction of neighbouring grid pairs (along β1 and along β2) where the critical C does not decrease. */
function monotoneShare(crit: (number | null)[][]): { share: number; pairs: number } {
  const val = (v: number | null): number => (v === null ? Infinity : v);
  let ok = 0;
  let pairs = 0;
  for (let i = 0; i < crit.length; i++) for (let j = 0; j < crit[i].length; j++) {
    if (i + 1 < crit.length) { pairs++; if (val(crit[i + 1][j]) >= val(crit[i][j])) ok++; }
    if (j + 1 < crit[i].length) { pairs++; if (val(crit[i][j + 1]) >= val(crit[i][j])) ok++; }
  }
  return { share: pairs ? ok / pairs : 1, pairs };
}

export const criticalC: Reproduction = {
  name: 'adam-critical-c',
  title: 'β1, β2 and the critical C of Adam on the online counterexamples (thesis 004, appendix 3.C, figure 3-8)',
  source: 'thesis 004 appendix 3.C, figure 3-8 and lemma 3.7 (eq. 3-43); Reddi et al. 2018',
  summary: 'At C = d = 6 both betas change Adam\'s direction and speed; the critical C at which Adam goes the wrong way grows with β1 and β2, on the sequential problem and on the stochastic one with δ = 1.',
  trials(scale) {
    const s = criticalSettings(scale);
    const method = { label: 'Adam', optimizer: 'adam', options: { lr: 0.001 } };
    const base = { beta1: s.beta1, beta2: s.beta2, steps: s.steps, copies: s.copies, lr: 0.001 };
    return [
      { task: 'adam-critical-c', taskOptions: { ...base, kind: 'sequential', cs: [6] }, method, seed: 0, tags: { figure: '3-8a' } },
      { task: 'adam-critical-c', taskOptions: { ...base, kind: 'sequential', cs: s.cs }, method, seed: 0, tags: { figure: '3-8b' } },
      { task: 'adam-critical-c', taskOptions: { ...base, kind: 'stochastic', cs: s.cs }, method, seed: 1, tags: { figure: '3-8d' } },
    ];
  },
  async analyze(records, plotDir, scale) {
    const s = criticalSettings(scale);
    const sink = new PlotSink(plotDir);
    const claims: Claim[] = [];
    const figures: Record<string, number | null> = {};
    const tables = [];
    const get = (fig: string): number[][][] | null => {
      const r = records.find((x) => x.config.tags?.figure === fig && x.status === 'done');
      return r ? ((r.extra as { thetas: number[][][] }).thetas) : null;
    };
    const a = get('3-8a');
    if (a) {
      const th = a.map((row) => row.map((c) => c[0]));
      tables.push({ headers: ['β1 \\ β2', ...s.beta2.map(String)], rows: th.map((row, i) => [String(s.beta1[i]), ...row.map((v) => fmt(v, 3))]), caption: 'Figure 3-8a: final θ after 2000 steps, sequential C = d = 6 (θ* = -1; above 0 is the wrong way)' });
      const signs = th.flat().map((v) => v > 0);
      const rowFlip = th.some((row) => row.some((v) => v > 0) && row.some((v) => v <= 0));
      const colFlip = s.beta2.some((_, j) => th.some((row) => row[j] > 0) && th.some((row) => row[j] <= 0));
      const spread = Math.max(...th.flat()) - Math.min(...th.flat());
      claims.push({ claim: 'C = d = 6: β2 changes the direction (at a fixed β1, some β2 go the wrong way and some the right way)', holds: rowFlip, detail: `${signs.filter(Boolean).length} of ${signs.length} grid points end above 0` });
      claims.push({ claim: 'C = d = 6: β1 changes the direction (at a fixed β2, some β1 go the wrong way and some the right way)', holds: colFlip, detail: `final θ from ${fmt(Math.min(...th.flat()), 3)} to ${fmt(Math.max(...th.flat()), 3)}` });
      figures.finalThetaSpread = spread;
    }
    for (const [fig, label] of [['3-8b', 'sequential, d = C'], ['3-8d', 'stochastic, δ = 1']] as const) {
      const t = get(fig);
      if (!t) continue;
      const crit = t.map((row) => row.map((c) => criticalOf(c, s.cs)));
      const show = (v: number | null): string => (v === null ? `> ${s.cs[s.cs.length - 1]}` : String(v));
      const rows = crit.map((row, i) => [String(s.beta1[i]), ...row.map((v, j) => (fig === '3-8b' ? `${show(v)} (lemma: ${fmt(lemmaCriticalC(s.beta1[i], s.beta2[j]), 3)})` : show(v)))]);
      tables.push({ headers: ['β1 \\ β2', ...s.beta2.map(String)], rows, caption: `Figure ${fig}: the critical C (${label}), the smallest C tried at which Adam ends above 0${fig === '3-8b' ? '; in brackets where lemma 3.7\'s period sum turns negative (it assumes v_t ≫ 1)' : ''}` });
      const m = monotoneShare(crit);
      figures[`monotone:${fig}`] = m.share;
      const first = crit[0][0];
      const last = crit[crit.length - 1][crit[0].length - 1];
      claims.push({ claim: `${label}: the critical C grows with β1 and β2 (does not decrease between neighbouring grid points in at least 90 % of the pairs; larger at the largest betas than at the smallest)`, holds: m.share >= 0.9 && first !== null && (last === null || last > first), detail: `${fmt(100 * m.share, 3)} % of ${m.pairs} pairs; ${show(first)} at (${s.beta1[0]}, ${s.beta2[0]}), ${show(last)} at (${s.beta1[s.beta1.length - 1]}, ${s.beta2[s.beta2.length - 1]})` });
      await sink.add(curvesChart(crit.map((row, i) => ({ label: `β1 = ${s.beta1[i]}`, x: s.beta2, mean: row.map((v) => (v === null ? s.cs[s.cs.length - 1] * 1.5 : v)) })), { name: `critical-c-${fig}`, title: `Figure ${fig}: critical C against β2 (${label}; above the top tried drawn at 1.5x it)`, xTitle: 'β2', yTitle: 'critical C', logY: true }));
    }
    return analysisOf([{ title: 'Critical relation between β1, β2 and C', text: [`Adam, α = 0.001, ε = 1e-8, θ_1 = 0 on [-1, 1], ${s.steps} steps; C tried: ${s.cs.join(', ')}; stochastic: mean over ${s.copies} copies.`], claims, tables, plots: sink.plots }], figures);
  },
};
