/**
 * The online counterexamples to Adam's convergence (Reddi, Kale and Kumar 2018, "On the
 * convergence of Adam and beyond", ref. [77] of thesis 004; thesis 004 section 3.2, eqs. 3-6
 * and 3-7). Linear costs on the feasible set [-B, B] (B = 1 as in [77]); after every step the
 * parameter is projected back onto it.
 *
 * - sequential (eq. 3-6): f_t(θ) = Cθ when t mod d = 1, else -θ. Over a period the gradients
 *   sum to C - (d - 1) > 0, so θ should go down to -B.
 * - stochastic (eq. 3-7): f_t(θ) = Cθ with probability p = (1 + δ)/(C + 1), else -θ. The
 *   expected cost is δθ, so θ should go down to -B.
 *
 * `copies` runs K independent copies at once (one coordinate each, its own random draws), so
 * a single run gives the mean and spread of θ over K realizations of the random stream.
 */
import { z } from 'zod';
import { Tensor } from '../../tensor/index.js';
import { Generator } from '../../tensor/index.js';
import { buildOptimizer, type Method } from '../methods.js';
import { optionsSchema } from '../options-schema.js';
import type { TaskDef } from '../tasks.js';

export type OnlineKind = 'stochastic' | 'sequential';

export interface OnlineOptions {
  kind: OnlineKind;
  /** The large gradient. */
  C: number;
  /** Stochastic: the small positive margin δ of the expected gradient. */
  delta: number;
  /** Sequential: the period d. */
  d: number;
  /** Feasible set [-bound, bound]; null for none. */
  bound: number | null;
  /** Independent copies run side by side. */
  copies: number;
  steps: number;
  /** Starting θ. */
  start: number;
  /** How many points of the θ curve to keep (evenly spaced in steps). */
  points: number;
}

export const onlineDefaults: Record<OnlineKind, OnlineOptions> = {
  stochastic: { kind: 'stochastic', C: 101, delta: 0.02, d: 0, bound: 1, copies: 1, steps: 100000, start: 0, points: 200 },
  sequential: { kind: 'sequential', C: 6, delta: 0, d: 6, bound: 1, copies: 1, steps: 20000, start: 0, points: 200 },
};

export interface OnlineResult {
  /** Steps at which θ was recorded (0 = the start). */
  step: number[];
  /** Mean, standard deviation, min and max of θ over the copies at each recorded step. */
  mean: number[];
  std: number[];
  min: number[];
  max: number[];
  /** With one copy and `trace`, θ after every step (index 0 = the start). */
  iterates?: number[];
  final: {
    thetaMean: number;
    thetaStd: number;
    /** Average regret R(T)/T against θ* = -bound (mean over copies). */
    averageRegret: number;
    /** Fraction of copies that ended below where they started. */
    fractionDown: number;
  };
}

/** Probability of the large gradient in the stochastic problem. */
export function largeGradientProbability(C: number, delta: number): number {
  return (1 + delta) / (C + 1);
}

export function runOnline(
  method: Method,
  opts: OnlineOptions,
  seed: number,
  { trace = false, onProgress }: { trace?: boolean; onProgress?: (fraction: number) => void } = {},
): OnlineResult {
  const K = opts.copies;
  const theta = new Tensor(new Float64Array(K).fill(opts.start), [K]);
  theta.requiresGrad = true;
  const opt = buildOptimizer(method, [theta]);
  const gen = new Generator(seed);
  const p = largeGradientProbability(opts.C, opts.delta);
  const thetaStar = opts.bound === null ? -Infinity : -opts.bound;
  const regret = new Float64Array(K);
  const every = Math.max(1, Math.floor(opts.steps / Math.max(1, opts.points)));
  const out: OnlineResult = { step: [], mean: [], std: [], min: [], max: [], final: { thetaMean: 0, thetaStd: 0, averageRegret: 0, fractionDown: 0 } };
  if (trace) out.iterates = [theta.data[0]];
  const record = (t: number): void => {
    const d = theta.data;
    let s = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < K; k++) {
      s += d[k];
      if (d[k] < lo) lo = d[k];
      if (d[k] > hi) hi = d[k];
    }
    const m = s / K;
    let v = 0;
    for (let k = 0; k < K; k++) v += (d[k] - m) ** 2;
    out.step.push(t);
    out.mean.push(m);
    out.std.push(K > 1 ? Math.sqrt(v / (K - 1)) : 0);
    out.min.push(lo);
    out.max.push(hi);
  };
  record(0);
  const progressEvery = Math.max(1, Math.floor(opts.steps / 100));
  for (let t = 1; t <= opts.steps; t++) {
    const g = new Float64Array(K);
    if (opts.kind === 'sequential') {
      g.fill(t % opts.d === 1 % opts.d ? opts.C : -1);
    } else {
      for (let k = 0; k < K; k++) g[k] = gen.random() < p ? opts.C : -1;
    }
    const d = theta.data;
    if (Number.isFinite(thetaStar)) for (let k = 0; k < K; k++) regret[k] += g[k] * (d[k] - thetaStar);
    theta.grad = new Tensor(g, [K]);
    opt.step();
    if (opts.bound !== null) {
      const b = opts.bound;
      for (let k = 0; k < K; k++) d[k] = d[k] > b ? b : d[k] < -b ? -b : d[k];
    }
    if (trace) out.iterates!.push(d[0]);
    if (t % every === 0 || t === opts.steps) {
      if (out.step[out.step.length - 1] !== t) record(t);
    }
    if (onProgress && t % progressEvery === 0) onProgress(t / opts.steps);
  }
  const d = theta.data;
  let down = 0;
  for (let k = 0; k < K; k++) if (d[k] < opts.start) down++;
  out.final = {
    thetaMean: out.mean[out.mean.length - 1],
    thetaStd: out.std[out.std.length - 1],
    averageRegret: Number.isFinite(thetaStar) ? Array.from(regret).reduce((a, b) => a + b, 0) / K / opts.steps : NaN,
    fractionDown: down / K,
  };
  return out;
}

function onlineSchema(kind: OnlineKind): TaskDef['schema'] {
  const d = onlineDefaults[kind];
  return optionsSchema({
    C: z.number().positive().default(d.C),
    delta: z.number().min(0).default(d.delta),
    d: z.number().int().min(0).default(d.d),
    bound: z.number().positive().nullable().default(d.bound),
    copies: z.number().int().positive().default(d.copies),
    steps: z.number().int().positive().default(d.steps),
    start: z.number().default(d.start),
    points: z.number().int().positive().default(d.points),
  });
}

/** The task of an online counterexample; every method defaults to the thesis' α = 0.001. */
function onlineTask(kind: OnlineKind): TaskDef {
  return {
    name: `online-${kind}`,
    title: kind === 'stochastic' ? 'Stochastic online counterexample (thesis 004 eq. 3-7)' : 'Sequential online counterexample (thesis 004 eq. 3-6)',
    description:
      kind === 'stochastic'
        ? 'f_t(θ) = Cθ with probability (1+δ)/(C+1), else -θ, on [-1, 1]; the expected cost is δθ, so θ should go down'
        : 'f_t(θ) = Cθ when t mod d = 1, else -θ, on [-1, 1]; each period sums to C-d+1 > 0, so θ should go down',
    schema: onlineSchema(kind),
    primary: { metric: 'thetaMean', goal: 'min' },
    defaultLr: () => 0.001,
    run(config, options, hooks) {
      const r = runOnline(config.method, { ...onlineDefaults[kind], ...(options as object), kind } as never, config.seed, {
        onProgress: hooks.onProgress,
      });
      return { steps: { step: r.step, thetaMean: r.mean, thetaStd: r.std, thetaMin: r.min, thetaMax: r.max }, final: r.final };
    },
  };
}

/** The stochastic and the sequential counterexample, as tasks `online-stochastic` and `online-sequential`. */
export const onlineTasks: readonly TaskDef[] = [onlineTask('stochastic'), onlineTask('sequential')];
