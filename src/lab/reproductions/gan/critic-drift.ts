/**
 * Thesis 004 §2.6.4 (figure 2-6): WGAN's optimal critic is unique only up to a constant (ϕ and
 * φ are linear, so f* + α is optimal for every α), and in practice its values drift during
 * training; a Lipschitz GAN whose ϕ or φ is strictly convex has a unique optimal critic, and its
 * values stay put (theorem 2.2).
 *
 * A GAN is trained on the ring of 8 Gaussians with the WGAN objective (with the gradient
 * penalty, and with the maximum gradient penalty) and with LGAN objectives (exp and -log σ(-x),
 * with the maximum gradient penalty); the critic's level, the mean of E f(real) and E f(fake),
 * is recorded at every iteration.
 *
 * Claim: the WGAN critics' level moves more over the second half of training (range) than the
 * LGAN critics'.
 */
import { gaussianRing } from '../../../data/index.js';
import { Generator } from '../../../tensor/index.js';
import type { GanLossSpec } from '../../../gan/losses.js';
import { evaluateMixture } from '../../../gan/metrics.js';
import { MLPDiscriminator, MLPGenerator } from '../../../gan/models.js';
import type { PenaltySpec } from '../../../gan/penalties.js';
import { GANTrainer } from '../../../gan/trainer.js';
import { z } from 'zod';
import { analysisOf, type Claim, curves, curvesChart, fmt, groupTrials, mean, type Method, optionsSchema, PlotSink, type Reproduction, type Scale, std, type Table, type TaskDef, type TrialConfig, type TrialRecord, formattedTable } from '../kit.js';

export type DriftVariant = 'wgan-gp' | 'wgan-maxgp' | 'lgan-exp' | 'lgan-logsigmoid';

export const DRIFT_VARIANTS: Record<DriftVariant, { title: string; loss: GanLossSpec; penalty: PenaltySpec; family: 'wgan' | 'lgan' }> = {
  'wgan-gp': { title: 'WGAN-GP', loss: 'wasserstein', penalty: 'wgan-gp', family: 'wgan' },
  'wgan-maxgp': { title: 'WGAN + MaxGP', loss: 'wasserstein', penalty: { name: 'maxgp', weight: 1 }, family: 'wgan' },
  'lgan-exp': { title: 'LGAN exp(x) + MaxGP', loss: { name: 'lgan', metric: 'exp' }, penalty: { name: 'maxgp', weight: 1 }, family: 'lgan' },
  'lgan-logsigmoid': { title: 'LGAN -log σ(-x) + MaxGP', loss: { name: 'lgan', metric: 'logsigmoid' }, penalty: { name: 'maxgp', weight: 1 }, family: 'lgan' },
};

export interface DriftOptions {
  variant: DriftVariant;
  iterations: number;
  hidden: number;
  nCritic: number;
  batchSize: number;
  logEvery: number;
}

const taskSchema = optionsSchema({
  variant: z.enum(['wgan-gp', 'wgan-maxgp', 'lgan-exp', 'lgan-logsigmoid']),
  iterations: z.number().int().positive().default(1000),
  hidden: z.number().int().positive().default(64),
  nCritic: z.number().int().positive().default(2),
  batchSize: z.number().int().positive().default(64),
  logEvery: z.number().int().positive().default(1),
});

/** The range (max - min) of xs. */
function range(xs: number[]): number {
  return xs.length ? Math.max(...xs) - Math.min(...xs) : NaN;
}

export function runCriticDrift(o: DriftOptions, method: Method, seed: number, onProgress?: (f: number) => void): { steps: Record<string, number[]>; final: Record<string, number> } {
  const v = DRIFT_VARIANTS[o.variant];
  const data = gaussianRing({ n: 4096, seed, std: 0.05 });
  const G = new MLPGenerator({ latentDim: 2, hidden: o.hidden, layers: 3, generator: new Generator(seed + 1) });
  const D = new MLPDiscriminator({ inDim: 2, hidden: o.hidden, layers: 3, generator: new Generator(seed + 2) });
  const opt = { name: method.optimizer, options: method.options };
  const trainer = new GANTrainer({ generator: G, discriminator: D, latentDim: 2, loss: v.loss, penalty: v.penalty, nCritic: o.nCritic, seed, generatorOptimizer: opt, discriminatorOptimizer: opt });
  const cols: Record<string, number[]> = { iteration: [], level: [], realMean: [], fakeMean: [], gap: [] };
  const levels: number[] = [];
  trainer.fit(data, {
    iterations: o.iterations,
    batchSize: o.batchSize,
    onStep(s) {
      const level = (s.realMean + s.fakeMean) / 2;
      levels.push(level);
      if (s.iteration % o.logEvery === 0) {
        cols.iteration.push(s.iteration);
        cols.level.push(level);
        cols.realMean.push(s.realMean);
        cols.fakeMean.push(s.fakeMean);
        cols.gap.push(s.realMean - s.fakeMean);
      }
      if (s.iteration % 20 === 0) onProgress?.(s.iteration / o.iterations);
    },
  });
  const second = levels.slice(Math.floor(levels.length / 2));
  let travel = 0;
  for (let i = 1; i < second.length; i++) travel += Math.abs(second[i] - second[i - 1]);
  const ev = evaluateMixture(trainer.generate(1000), data);
  const gaps = cols.gap.slice(Math.floor(cols.gap.length / 2));
  return {
    steps: cols,
    final: {
      levelRange: range(second),
      levelStd: std(second),
      levelTravel: travel,
      levelShift: levels[levels.length - 1] - levels[Math.floor(levels.length / 2)],
      gap: mean(gaps),
      relativeRange: range(second) / Math.max(Math.abs(mean(gaps)), 1e-12),
      modesCovered: ev.modesCovered,
      highQualityFraction: ev.highQualityFraction,
    },
  };
}

export const criticDriftTask: TaskDef = {
  name: 'gan-critic-drift',
  title: 'WGAN vs LGAN critic values over training (thesis 004 §2.6.4)',
  description: 'A GAN on the ring of 8 Gaussians; records the critic’s level (E f(real) + E f(fake)) / 2 every iteration',
  schema: taskSchema,
  primary: { metric: 'levelRange', goal: 'min' },
  defaultLr: () => 1e-4,
  run(config, options, hooks) {
    return runCriticDrift(options as unknown as DriftOptions, config.method, config.seed, hooks.onProgress);
  },
};

export function criticDriftSettings(scale: Scale): { seeds: number[]; iterations: number; hidden: number; logEvery: number } {
  return scale === 'full' ? { seeds: [0, 1, 2], iterations: 2000, hidden: 64, logEvery: 5 } : { seeds: [0], iterations: 150, hidden: 32, logEvery: 1 };
}

const ORDER: DriftVariant[] = ['wgan-gp', 'wgan-maxgp', 'lgan-exp', 'lgan-logsigmoid'];

export const criticDrift: Reproduction = {
  name: 'gan-critic-drift',
  title: 'WGAN’s critic values drift, an LGAN’s stay put (thesis 004, §2.6.4, figure 2-6)',
  source: 'thesis 004 theorem 2.2, §2.6.4, figure 2-6',
  summary: 'The critic’s level (E f(real) + E f(fake)) / 2 while training on the ring of 8 Gaussians: it wanders with the WGAN objective (optimum unique only up to a constant) and stays put with strictly convex LGAN metrics.',
  trials(scale) {
    const s = criticDriftSettings(scale);
    const out: TrialConfig[] = [];
    for (const v of ORDER) {
      for (const seed of s.seeds) {
        out.push({ task: 'gan-critic-drift', taskOptions: { variant: v, iterations: s.iterations, hidden: s.hidden, logEvery: s.logEvery }, method: { label: DRIFT_VARIANTS[v].title, optimizer: 'adam', options: { lr: 1e-4, betas: [0.5, 0.9] } }, seed });
      }
    }
    return out;
  },
  async analyze(records, plotDir) {
    const sink = new PlotSink(plotDir);
    const done = records.filter((r) => r.status === 'done' && r.config.task === 'gan-critic-drift');
    const of = (v: DriftVariant): TrialRecord[] => done.filter((r) => r.config.taskOptions.variant === v);
    const groups = groupTrials(done);
    await sink.add(curvesChart(curves(groups, 'steps', 'iteration', 'level'), { name: 'fig2-6-level', title: 'Figure 2-6: the critic’s level (E f(real) + E f(fake)) / 2 during training (mean ± std over seeds)', xTitle: 'iteration', yTitle: 'critic level' }));
    await sink.add(curvesChart(curves(groups, 'steps', 'iteration', 'gap'), { name: 'fig2-6-gap', title: 'E f(real) - E f(fake) during training', xTitle: 'iteration', yTitle: 'gap' }));
    const present = ORDER.filter((v) => of(v).length > 0);
    const stat = (v: DriftVariant, k: string): number => mean(of(v).map((r) => r.final[k] as number));
    const seeds = (v: DriftVariant, k: string): number[] => of(v).map((r) => r.final[k] as number);
    const rows = present.map((v) => [DRIFT_VARIANTS[v].title, of(v).length, seeds(v, 'levelRange'), seeds(v, 'levelStd'), seeds(v, 'levelShift'), seeds(v, 'gap'), seeds(v, 'relativeRange'), seeds(v, 'modesCovered')]);
    const table: Table = formattedTable(['objective', 'seeds', 'level range, 2nd half', 'level std, 2nd half', 'level shift over 2nd half', 'mean gap, 2nd half', 'range / gap', 'modes covered (of 8)'], rows, { caption: 'The critic’s level on the ring of 8 Gaussians, mean ± std over seeds', digits: { 2: 3, 3: 3, 4: 3, 5: 3, 6: 3, 7: 2 } });
    const wgan = present.filter((v) => DRIFT_VARIANTS[v].family === 'wgan');
    const lgan = present.filter((v) => DRIFT_VARIANTS[v].family === 'lgan');
    const claims: Claim[] = [];
    if (wgan.length && lgan.length) {
      const wMin = Math.min(...wgan.map((v) => stat(v, 'levelRange')));
      const lMax = Math.max(...lgan.map((v) => stat(v, 'levelRange')));
      claims.push({ claim: 'Every WGAN critic’s level moves more over the second half than every LGAN critic’s', holds: wMin > lMax, detail: `smallest WGAN range ${fmt(wMin, 3)} vs largest LGAN range ${fmt(lMax, 3)}` });
      if (of('wgan-maxgp').length && of('lgan-exp').length) {
        const a = stat('wgan-maxgp', 'levelRange');
        const b = stat('lgan-exp', 'levelRange');
        claims.push({ claim: 'With the same penalty (MaxGP), the WGAN critic’s level moves more than the LGAN exp(x) critic’s', holds: a > b, detail: `${fmt(a, 3)} vs ${fmt(b, 3)}` });
      }
    }
    const figures = Object.fromEntries(present.map((v) => [`${v}:levelRange`, stat(v, 'levelRange')]));
    return analysisOf([{ title: '§2.6.4: uniqueness of the optimal critic', text: ['MLP generator and critic (3 hidden layers), Adam lr 1e-4, β = (0.5, 0.9), 2 critic steps per generator step, batch 64, on the ring of 8 Gaussians (σ = 0.05). The level is the average of the critic’s mean outputs on the real and the fake batch; WGAN’s objective is blind to it.'], claims, tables: [table], plots: sink.plots }], figures);
  },
};
