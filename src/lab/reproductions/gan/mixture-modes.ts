/**
 * Mode coverage on the 2-D Gaussian mixtures (the ring of 8 and the grid of 25, as in the GAN
 * literature on mode collapse): the original GAN (non-saturating generator loss), WGAN-GP,
 * hinge loss with a spectrally normalized discriminator, and a Lipschitz GAN (exp(x) metric)
 * with the maximum gradient penalty (thesis 004 chapter 2). Reported: modes covered (at least
 * one sample within 3 standard deviations) and the share of high-quality samples (within 3
 * standard deviations of a mode), from 2,000 samples.
 *
 * Claim (the thesis's argument that LGANs' gradients are informative): the LGAN with MaxGP
 * covers at least as many modes as the original GAN on each mixture.
 */
import { samplesChart } from '../samples-chart.js';
import { analysisOf, type Claim, curves, curvesChart, fmt, groupTrials, mean, PlotSink, type Reproduction, type Scale, type Table, type TaskDef, type TrialConfig, type TrialRecord, formattedTable } from '../kit.js';
import { MIXTURE_DEFAULT_LR, MIXTURE_VARIANTS, mixtureSchema, runMixture, type MixtureName, type MixtureOptions, type MixtureVariant } from './mixture-task.js';

// The task itself (options, set-up, the run) is portable code the playground's GAN view shares.
export { MIXTURE_LIPSCHITZ, MIXTURE_LOSSES, MIXTURE_NORMS, MIXTURE_VARIANTS, MixtureRun, mixtureData, mixtureSchema, resolveMixture, runMixture, type MixtureLipschitz, type MixtureLoss, type MixtureName, type MixtureOptions, type MixtureSetup, type MixtureVariant } from './mixture-task.js';

/** The lab's `gan-mixture` task (its options: ./mixture-task.ts). */
export const mixtureTask: TaskDef = {
  name: 'gan-mixture',
  title: 'GAN on a 2-D Gaussian mixture (ring of 8, grid of 25)',
  description: 'Trains a GAN (a variant, or any loss x Lipschitz method x normalization, networks and optimizers per player) on a Gaussian mixture and counts the modes covered and the share of high-quality samples',
  schema: mixtureSchema,
  primary: { metric: 'modesCovered', goal: 'max' },
  defaultLr: () => MIXTURE_DEFAULT_LR,
  run(config, options, hooks) {
    return runMixture(options as unknown as MixtureOptions, config.method, config.seed, hooks.onProgress);
  },
};

/** The reproduction's seeds, length, width and evaluation interval at a scale. */
export function mixtureSettings(scale: Scale): { seeds: number[]; iterations: number; hidden: number; evalEvery: number; mixtures: MixtureName[] } {
  return scale === 'full' ? { seeds: [0, 1], iterations: 2000, hidden: 64, evalEvery: 100, mixtures: ['ring', 'grid'] } : { seeds: [0], iterations: 250, hidden: 32, evalEvery: 50, mixtures: ['ring', 'grid'] };
}

const ORDER: MixtureVariant[] = ['gan', 'wgan-gp', 'hinge-sn', 'lgan-maxgp'];

/** The reproduction: the four variants on both mixtures, and the claim that the LGAN with MaxGP covers at least as many modes as the GAN. */
export const mixtureModes: Reproduction = {
  name: 'gan-mixture-modes',
  title: 'Mode coverage on the ring of 8 and the grid of 25 Gaussians: GAN, WGAN-GP, hinge + SN, LGAN + MaxGP',
  source: 'thesis 004 chapter 2 (LGANs, §2.5.4 MaxGP); survey 000 §4.1.1; the mixtures of Metz et al. 2017',
  summary: 'Modes covered and the share of samples within 3σ of a mode after training each variant; the LGAN with MaxGP covers at least as many modes as the original GAN.',
  trials(scale) {
    const s = mixtureSettings(scale);
    const out: TrialConfig[] = [];
    for (const mixture of s.mixtures) {
      for (const v of ORDER) {
        for (const seed of s.seeds) {
          out.push({ task: 'gan-mixture', taskOptions: { mixture, variant: v, iterations: s.iterations, hidden: s.hidden, evalEvery: s.evalEvery }, method: { label: MIXTURE_VARIANTS[v].title, optimizer: 'adam', options: { lr: 1e-3, betas: [0.5, 0.9] } }, seed, tags: { mixture } });
        }
      }
    }
    return out;
  },
  async analyze(records, plotDir) {
    const sink = new PlotSink(plotDir);
    const done = records.filter((r) => r.status === 'done' && r.config.task === 'gan-mixture');
    const tables: Table[] = [];
    const claims: Claim[] = [];
    const figures: Record<string, number | null> = {};
    const notes: string[] = [];
    for (const mixture of ['ring', 'grid'] as const) {
      const rs = done.filter((r) => r.config.taskOptions.mixture === mixture);
      if (!rs.length) continue;
      const of = (v: MixtureVariant): TrialRecord[] => rs.filter((r) => r.config.taskOptions.variant === v);
      const present = ORDER.filter((v) => of(v).length);
      const groups = groupTrials(rs);
      await sink.add(curvesChart(curves(groups, 'steps', 'iteration', 'modesCovered'), { name: `${mixture}-modes`, title: `${mixture === 'ring' ? 'Ring of 8' : 'Grid of 25'}: modes covered during training`, xTitle: 'iteration', yTitle: 'modes covered' }));
      await sink.add(curvesChart(curves(groups, 'steps', 'iteration', 'highQualityFraction'), { name: `${mixture}-quality`, title: `${mixture === 'ring' ? 'Ring of 8' : 'Grid of 25'}: share of samples within 3σ of a mode`, xTitle: 'iteration', yTitle: 'high-quality share' }));
      for (const v of present) {
        const r = of(v)[0];
        const ex = r.extra as unknown as { samples: number[]; centers: number[] };
        if (ex?.samples) await sink.add(samplesChart(ex.samples, ex.centers, { name: `${mixture}-samples-${v}`, title: `${mixture}: ${MIXTURE_VARIANTS[v].title}` }));
      }
      const stat = (v: MixtureVariant, k: string): number => mean(of(v).map((r) => r.final[k] as number));
      const modes = rs[0].final.modes as number;
      tables.push(formattedTable(
        ['method', 'seeds', `modes covered (of ${modes})`, 'high-quality share (%)'],
        present.map((v) => [MIXTURE_VARIANTS[v].title, of(v).length, of(v).map((r) => r.final.modesCovered as number), of(v).map((r) => 100 * (r.final.highQualityFraction as number))]),
        { caption: `${mixture === 'ring' ? 'Ring of 8' : 'Grid of 25'} Gaussians (2,000 samples, 3σ), mean ± std over seeds`, digits: { 2: 3, 3: 3 } },
      ));
      for (const v of present) {
        figures[`${mixture}:${v}:modesCovered`] = stat(v, 'modesCovered');
        figures[`${mixture}:${v}:highQualityFraction`] = stat(v, 'highQualityFraction');
      }
      const bestShare = Math.max(...present.map((v) => stat(v, 'highQualityFraction')));
      if (bestShare < 0.5) {
        notes.push(`${mixture}: no method puts half its samples within 3σ of a mode (best ${fmt(100 * bestShare, 3)} %): at this length of training the generators still spread between the modes, and "covered" (one sample within 3σ) is a loose measure; read it with the high-quality share.`);
      }
      if (of('lgan-maxgp').length && of('gan').length) {
        const a = stat('lgan-maxgp', 'modesCovered');
        const b = stat('gan', 'modesCovered');
        claims.push({ claim: `${mixture}: the LGAN with MaxGP covers at least as many modes as the original GAN`, holds: a >= b, detail: `${fmt(a, 3)} vs ${fmt(b, 3)} of ${modes}` });
      }
    }
    return analysisOf([{ title: 'Mode coverage on 2-D mixtures', text: ['MLP generator and discriminator (3 hidden layers), Adam lr 1e-3, β = (0.5, 0.9), batch 128; 5 critic steps per generator step for WGAN-GP, hinge + SN and the LGAN, 1 for the GAN. A mode is covered when at least one of 2,000 samples lies within 3σ of it.', ...notes], claims, tables, plots: sink.plots }], figures);
  },
};
