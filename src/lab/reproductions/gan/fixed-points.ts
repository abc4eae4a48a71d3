/**
 * Thesis 004 §2.6.2, figure 2-2: real and fake distributions fixed at two random points each in
 * 2-D; the discriminator (WGAN objective) is trained alone with spectral normalization, the
 * gradient penalty (eq. 2-12) and the maximum gradient penalty (eq. 2-17) with the same target
 * Lipschitz constant K = 1. In theory the optimal critic's gradient at each fake point points
 * at its real partner under the optimal transport plan.
 *
 * Claims: MaxGP converges to the optimal critic (cosine between ∇f at each fake point and the
 * direction to its partner > 0.9); GP's critic keeps moving (its gradients at the fake points
 * turn more between checkpoints, and its value gaps vary more, than MaxGP's); SN stops short of
 * the optimum (its gap f(partner) - f(x) stays below the distance).
 *
 * The points are drawn at random with the trial's seed, keeping only draws whose transport plan
 * is clear (the other pairing costs ≥ 30 % more), since a near tie makes "the" optimal critic
 * ambiguous.
 */
import { Generator, Tensor, uniform } from '../../../tensor/index.js';
import { computeField, criticGradients, fieldSvg, type FieldData } from '../../../gan/field.js';
import { MLPDiscriminator } from '../../../gan/models.js';
import { directionStats, trainOnFixedSets, transportPartners } from '../../../gan/optimal.js';
import { z } from 'zod';
import { analysisOf, type Claim, curves, curvesChart, fmt, groupTrials, type JsonObject, mean, type Method, optionsSchema, type Plot, PlotSink, type Reproduction, type Scale, std, type Table, type TaskDef, type TrialConfig, type TrialRecord, formattedTable } from '../kit.js';

export type FixedPointsVariant = 'sn' | 'gp' | 'maxgp';

const TITLES: Record<FixedPointsVariant, string> = { sn: 'SN', gp: 'GP', maxgp: 'MaxGP' };

/** Draws n real and n fake points in [-1, 1]² whose optimal pairing beats every other by `margin`. */
export function clearTransportPoints(n: number, seed: number, margin = 1.3): { real: Tensor; fake: Tensor; partners: number[] } {
  const g = new Generator(seed);
  let best: { real: Tensor; fake: Tensor; partners: number[]; ratio: number } | null = null;
  for (let tries = 0; tries < 200; tries++) {
    const real = uniform([n, 2], -1, 1, { generator: g });
    const fake = uniform([n, 2], -1, 1, { generator: g });
    const partners = transportPartners(real, fake);
    const cost = (p: number[]): number => p.reduce((s, j, i) => s + Math.hypot(real.data[2 * j] - fake.data[2 * i], real.data[2 * j + 1] - fake.data[2 * i + 1]), 0);
    const c0 = cost(partners);
    // The cheapest pairing other than the optimal one: swap any two partners.
    let second = Infinity;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const p = partners.slice();
        [p[i], p[j]] = [p[j], p[i]];
        second = Math.min(second, cost(p));
      }
    }
    const ratio = second / c0;
    if (!best || ratio > best.ratio) best = { real, fake, partners, ratio };
    if (ratio >= margin) break;
  }
  return best!;
}

export interface FixedPointsOptions {
  variant: FixedPointsVariant;
  points: number;
  margin: number;
  steps: number;
  hidden: number;
  layers: number;
  penaltyBatch: number;
  weight: number;
  target: number;
  checkpoints: number;
  snapshots: number;
}

const taskSchema = optionsSchema({
  variant: z.enum(['sn', 'gp', 'maxgp']),
  points: z.number().int().min(2).max(6).default(2),
  margin: z.number().min(1).default(1.3),
  steps: z.number().int().positive().default(2000),
  hidden: z.number().int().positive().default(64),
  layers: z.number().int().positive().default(3),
  penaltyBatch: z.number().int().positive().default(32),
  weight: z.number().min(0).default(10),
  target: z.number().min(0).default(1),
  checkpoints: z.number().int().min(4).default(40),
  snapshots: z.number().int().min(1).default(4),
});

function angle(gx: number, gy: number): number {
  return Math.atan2(gy, gx);
}

function angleDiff(a: number, b: number): number {
  let d = Math.abs(a - b);
  if (d > Math.PI) d = 2 * Math.PI - d;
  return (d * 180) / Math.PI;
}

/** Runs one trial: returns per-checkpoint curves, final figures and field snapshots. */
export function runFixedPoints(o: FixedPointsOptions, method: Method, seed: number, onProgress?: (f: number) => void): { steps: Record<string, number[]>; final: Record<string, number>; extra: JsonObject } {
  const { real, fake, partners } = clearTransportPoints(o.points, seed, o.margin);
  const D = new MLPDiscriminator({ inDim: 2, hidden: o.hidden, layers: o.layers, norm: o.variant === 'sn' ? 'spectral' : 'none', generator: new Generator(seed + 1000) });
  const penalty = o.variant === 'gp' ? { name: 'wgan-gp' as const, weight: o.weight, target: o.target } : o.variant === 'maxgp' ? { name: 'maxgp' as const, weight: o.weight, target: o.target } : null;
  const every = Math.max(1, Math.floor(o.steps / o.checkpoints));
  const snapAt = new Set(Array.from({ length: o.snapshots }, (_, k) => Math.max(every, Math.round(((k + 1) * o.steps) / o.snapshots / every) * every)));
  const cols: Record<string, number[]> = { step: [], cosPartner: [], cosPartnerMin: [], angleChange: [], gapRatio: [], gradNorm: [] };
  const snapshots: { step: number; field: FieldData }[] = [];
  let prevAngles: number[] | null = null;
  const dist = (i: number): number => Math.hypot(real.data[2 * partners[i]] - fake.data[2 * i], real.data[2 * partners[i] + 1] - fake.data[2 * i + 1]);
  const gapHistory: number[][] = [];
  trainOnFixedSets({
    discriminator: D,
    real,
    fake,
    loss: 'wasserstein',
    penalty,
    steps: o.steps,
    seed,
    penaltyBatch: o.penaltyBatch,
    optimizer: { name: method.optimizer, options: method.options },
    every,
    onCheckpoint(step, critic) {
      const s = directionStats(critic, real, fake, partners);
      const { grads } = criticGradients(critic, fake);
      const angles = Array.from({ length: o.points }, (_, i) => angle(grads[2 * i], grads[2 * i + 1]));
      const vr = critic(real).data;
      const gaps = Array.from({ length: o.points }, (_, i) => (vr[partners[i]] - s.values[i]) / dist(i));
      gapHistory.push(gaps);
      cols.step.push(step);
      cols.cosPartner.push(mean(s.cosPartner!));
      cols.cosPartnerMin.push(Math.min(...s.cosPartner!));
      cols.angleChange.push(prevAngles ? mean(angles.map((a, i) => angleDiff(a, prevAngles![i]))) : NaN);
      cols.gapRatio.push(mean(gaps));
      cols.gradNorm.push(mean(s.gradNorm));
      prevAngles = angles;
      if (snapAt.has(step)) snapshots.push({ step, field: computeField({ critic, real, fake, bounds: [-1.3, 1.3, -1.3, 1.3], background: 'critic', grid: 13, resolution: 40 }) });
      onProgress?.(step / o.steps);
    },
  });
  const half = Math.floor(cols.step.length / 2);
  const secondHalf = (k: string): number[] => cols[k].slice(half).filter((v) => Number.isFinite(v));
  const gapStd = mean(Array.from({ length: o.points }, (_, i) => std(gapHistory.slice(half).map((g) => g[i]))));
  const last = cols.step.length - 1;
  return {
    steps: cols,
    final: {
      cosPartner: cols.cosPartner[last],
      cosPartnerMin: cols.cosPartnerMin[last],
      cosPartnerSecondHalf: mean(secondHalf('cosPartner')),
      angleChange: mean(secondHalf('angleChange')),
      gapStd,
      gapRatio: cols.gapRatio[last],
    },
    extra: {
      real: Array.from(real.data),
      fake: Array.from(fake.data),
      partners,
      snapshots: snapshots as unknown as JsonObject[],
    },
  };
}

export const fixedPointsTask: TaskDef = {
  name: 'gan-fixed-points',
  title: 'Critic on fixed 2-D point sets: SN, GP, MaxGP (thesis 004 figure 2-2)',
  description: 'A WGAN critic trained alone against two fixed real and two fixed fake points; tracks where its gradients at the fake points point',
  schema: taskSchema,
  primary: { metric: 'cosPartner', goal: 'max' },
  defaultLr: () => 1e-3,
  run(config, options, hooks) {
    return runFixedPoints(options as unknown as FixedPointsOptions, config.method, config.seed, hooks.onProgress);
  },
};

export function fixedPointsSettings(scale: Scale): { seeds: number[]; steps: number; hidden: number; checkpoints: number; lr: number } {
  return scale === 'full' ? { seeds: [1, 2, 3, 4, 5], steps: 2000, hidden: 64, checkpoints: 40, lr: 5e-4 } : { seeds: [2], steps: 600, hidden: 32, checkpoints: 40, lr: 1e-3 };
}

function variantMethod(v: FixedPointsVariant, lr: number): Method {
  return { label: TITLES[v], optimizer: 'adam', options: { lr, betas: [0.5, 0.999] } };
}

export const fixedPoints: Reproduction = {
  name: 'gan-fixed-points',
  title: 'Gradient penalty vs maximum gradient penalty on fixed points (thesis 004, figure 2-2)',
  source: 'thesis 004 §2.5.4 eq. (2-12), (2-17), §2.6.2, figure 2-2',
  summary: 'Two real and two fake points fixed in 2-D; the WGAN critic trained with SN, GP and MaxGP (K = 1): MaxGP converges to the optimal critic (gradients at the fake points aim at their transport partners), GP keeps oscillating, SN stops short.',
  trials(scale) {
    const s = fixedPointsSettings(scale);
    const out: TrialConfig[] = [];
    for (const v of ['sn', 'gp', 'maxgp'] as const) {
      for (const seed of s.seeds) out.push({ task: 'gan-fixed-points', taskOptions: { variant: v, steps: s.steps, hidden: s.hidden, checkpoints: s.checkpoints }, method: variantMethod(v, s.lr), seed });
    }
    return out;
  },
  async analyze(records, plotDir) {
    const sink = new PlotSink(plotDir);
    const done = records.filter((r) => r.status === 'done' && r.config.task === 'gan-fixed-points');
    const byVariant = (v: FixedPointsVariant): TrialRecord[] => done.filter((r) => r.config.taskOptions.variant === v);
    const stat = (v: FixedPointsVariant, k: string): number => mean(byVariant(v).map((r) => r.final[k] as number));
    const groups = groupTrials(done);
    await sink.add(curvesChart(curves(groups, 'steps', 'step', 'cosPartner'), { name: 'fig2-2-cos-partner', title: 'Figure 2-2: cos(∇f(x), y* - x) at the fake points (mean over points and seeds)', xTitle: 'iteration', yTitle: 'cosine to the transport partner' }));
    await sink.add(curvesChart(curves(groups, 'steps', 'step', 'angleChange'), { name: 'fig2-2-angle-change', title: 'How far ∇f at the fake points turns between checkpoints', xTitle: 'iteration', yTitle: 'degrees per checkpoint', logY: true }));
    await sink.add(curvesChart(curves(groups, 'steps', 'step', 'gapRatio'), { name: 'fig2-2-gap', title: '(f(y*) - f(x)) / ‖y* - x‖ at the fake points (1 for the optimal K = 1 critic)', xTitle: 'iteration', yTitle: 'gap / distance' }));
    // The fields of the first seed at each snapshot, as in the figure's panels.
    for (const v of ['sn', 'gp', 'maxgp'] as const) {
      const r = byVariant(v)[0];
      const snaps = (r?.extra?.snapshots ?? []) as unknown as { step: number; field: FieldData }[];
      for (const s of snaps) {
        const plot: Plot = { name: `fig2-2-${v}-${s.step}`, title: `${TITLES[v]} ${s.step}`, svg: fieldSvg(s.field, { title: `${TITLES[v]} ${s.step}`, size: 300 }) };
        await sink.add(plot);
      }
    }
    const rows = (['sn', 'gp', 'maxgp'] as const).map((v) => {
      const rs = byVariant(v);
      const seeds = (k: string): number[] => rs.map((r) => r.final[k] as number);
      return [TITLES[v], rs.length, seeds('cosPartner'), seeds('cosPartnerMin'), seeds('angleChange'), seeds('gapStd'), seeds('gapRatio')];
    });
    const table: Table = formattedTable(
      ['method', 'seeds', 'final cos to partner (mean)', 'final cos (worst point)', '∇f turn per checkpoint, 2nd half (°)', 'std of gap/distance, 2nd half', 'final gap/distance'],
      rows,
      { caption: 'Critic on fixed points, WGAN objective, K = 1 (figure 2-2), mean ± std over seeds', digits: { 2: 3, 3: 3, 4: 3, 5: 3, 6: 3 } },
    );
    const claims: Claim[] = [];
    const mg = stat('maxgp', 'cosPartner');
    const mgMin = Math.min(...byVariant('maxgp').map((r) => r.final.cosPartnerMin as number));
    if (byVariant('maxgp').length) claims.push({ claim: 'MaxGP converges to the optimal critic: ∇f at every fake point aims at its transport partner (cosine > 0.9)', holds: mgMin > 0.9, detail: `mean ${fmt(mg, 4)}, worst point ${fmt(mgMin, 4)}` });
    if (byVariant('gp').length && byVariant('maxgp').length) {
      const ga = stat('gp', 'angleChange');
      const ma = stat('maxgp', 'angleChange');
      claims.push({ claim: 'GP oscillates: over the second half its gradients at the fake points turn more between checkpoints than MaxGP’s', holds: ga > ma, detail: `${fmt(ga, 3)}° vs ${fmt(ma, 3)}° per checkpoint` });
      const gs = stat('gp', 'gapStd');
      const ms = stat('maxgp', 'gapStd');
      claims.push({ claim: 'GP oscillates: its critic’s value gaps vary more over the second half than MaxGP’s', holds: gs > ms, detail: `std ${fmt(gs, 3)} vs ${fmt(ms, 3)}` });
    }
    if (byVariant('sn').length && byVariant('maxgp').length) {
      const sg = stat('sn', 'gapRatio');
      const mgr = stat('maxgp', 'gapRatio');
      claims.push({ claim: 'SN does not reach the optimal critic: its value gap at the fake points stays below MaxGP’s', holds: sg < mgr, detail: `gap/distance ${fmt(sg, 3)} vs ${fmt(mgr, 3)}; cosine ${fmt(stat('sn', 'cosPartner'), 3)} vs ${fmt(mg, 3)}` });
    }
    const figures: Record<string, number | null> = {};
    for (const v of ['sn', 'gp', 'maxgp'] as const) {
      figures[`${v}:cosPartner`] = stat(v, 'cosPartner');
      figures[`${v}:angleChange`] = stat(v, 'angleChange');
      figures[`${v}:gapStd`] = stat(v, 'gapStd');
    }
    return analysisOf([{ title: 'Figure 2-2: SN, GP and MaxGP on fixed points', text: ['The critic is an MLP (3 hidden layers) trained alone with Adam (β = (0.5, 0.999); lr 5e-4, or 1e-3 in the quick version) against two fixed real and two fixed fake points with the WGAN objective; GP and MaxGP use λ = 10 and K = 1, on interpolates of random real-fake pairs (MaxGP adds its buffer of the points with the largest gradients). Arrows: ∇f on a grid (black) and at the fake points (red); background: the critic’s values (red high, blue low); blue dots real, orange fake.'], claims, tables: [table], plots: sink.plots }], figures);
  },
};
