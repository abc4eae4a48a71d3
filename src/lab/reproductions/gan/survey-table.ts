/**
 * Survey 000 §4.1.1, tables 1 and 2: the Lipschitz-constraint methods for GANs, reduced to a
 * small DCGAN on Fashion-MNIST. Each row of the tables is trained with its constraint and the
 * objective its paper used, then scored with descent's classifier (IS, FID, and the AM Score of
 * thesis 004 eq. 4-32) and printed beside the survey's CIFAR-10 numbers so the rankings can be
 * compared. The classifier is descent's own (trained on Fashion-MNIST), not the ImageNet
 * Inception network: the absolute numbers are not comparable with the survey's, only orders.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFashionMNISTSubset } from '../../../data/index.js';
import { Generator } from '../../../tensor/index.js';
import { classifierCachePath, loadOrTrainClassifier, scoreImages, type ClassifierArch } from '../../../gan/classifier.js';
import { imageGridSvg } from '../../../gan/images.js';
import type { GanLossSpec } from '../../../gan/losses.js';
import { DCGANDiscriminator, DCGANGenerator, type DiscriminatorHead, type DiscriminatorNorm, type GeneratorNorm } from '../../../gan/models.js';
import type { PenaltySpec } from '../../../gan/penalties.js';
import { GANTrainer, type ConditionalOptions } from '../../../gan/trainer.js';
import { decodeImages, encodeImages } from './records.js';
import { z } from 'zod';
import { analysisOf, barChart, type Claim, curves, curvesChart, fmt, groupTrials, mean, type Method, optionsSchema, PlotSink, type Reproduction, type Scale, type Table, type TaskDef, type TrialConfig, type TrialRecord, formattedTable } from '../kit.js';

export type SurveyRow = 'wc' | 'wgan-gp' | 'dragan' | 'wgan-div' | 'r1' | 'lgan-maxgp' | 'zero-gp' | 'lp' | 'bn' | 'ln' | 'wn' | 'sn' | 'cn' | 'sm';

export interface SurveyRowDef {
  group: 'weight clipping' | 'gradient penalty' | 'normalization';
  /** The row's label in the survey's tables. */
  survey: string;
  /** What descent runs for it. */
  setup: string;
  loss: GanLossSpec;
  penalty: PenaltySpec | null;
  clip: number | null;
  nCritic: number;
  dNorm: DiscriminatorNorm;
  gNorm: GeneratorNorm;
  head: DiscriminatorHead;
  conditional: ConditionalOptions | null;
  optimizer: Method;
  /** The survey's CIFAR-10 numbers (null where the tables have none; "(-)" marks numbers the survey computed itself). */
  cifarIS: string | null;
  cifarFID: string | null;
}

const ADAM_GP: Method = { label: 'adam', optimizer: 'adam', options: { lr: 1e-4, betas: [0.5, 0.9] } };
const ADAM_DC: Method = { label: 'adam', optimizer: 'adam', options: { lr: 2e-4, betas: [0.5, 0.999] } };

/** The rows of the survey's tables 1 and 2, in their order. */
export const SURVEY_ROWS: Record<SurveyRow, SurveyRowDef> = {
  wc: { group: 'weight clipping', survey: 'Arjovsky et al. 2017', setup: 'WGAN, clip 0.01, RMSProp 5e-5', loss: 'wasserstein', penalty: null, clip: 0.01, nCritic: 5, dNorm: 'none', gNorm: 'batch', head: 'single', conditional: null, optimizer: { label: 'rmsprop', optimizer: 'rmsprop', options: { lr: 5e-5 } }, cifarIS: '6.41±0.11 (-)', cifarFID: '42.6 (-)' },
  'wgan-gp': { group: 'gradient penalty', survey: 'K→1 (Gulrajani et al. 2017)', setup: 'WGAN + GP (λ 10)', loss: 'wasserstein', penalty: 'wgan-gp', clip: null, nCritic: 5, dNorm: 'none', gNorm: 'batch', head: 'single', conditional: null, optimizer: ADAM_GP, cifarIS: '6.68±0.06', cifarFID: '40.2 (-)' },
  dragan: { group: 'gradient penalty', survey: 'K→1 (Kodali et al. 2017)', setup: 'GAN + DRAGAN (λ 10)', loss: 'nonsaturating', penalty: 'dragan', clip: null, nCritic: 1, dNorm: 'none', gNorm: 'batch', head: 'single', conditional: null, optimizer: ADAM_DC, cifarIS: '6.11±0.05', cifarFID: null },
  'wgan-div': { group: 'gradient penalty', survey: 'K→0 (Wu et al. 2018)', setup: 'WGAN-div (k 2, p 6)', loss: 'wasserstein', penalty: 'wgan-div', clip: null, nCritic: 5, dNorm: 'none', gNorm: 'batch', head: 'single', conditional: null, optimizer: ADAM_GP, cifarIS: null, cifarFID: '18.1' },
  r1: { group: 'gradient penalty', survey: 'K→0 (Mescheder et al. 2018)', setup: 'GAN + R1 (γ 10)', loss: 'nonsaturating', penalty: 'r1', clip: null, nCritic: 1, dNorm: 'none', gNorm: 'batch', head: 'single', conditional: null, optimizer: ADAM_DC, cifarIS: '6.45±0.12 (-)', cifarFID: null },
  'lgan-maxgp': { group: 'gradient penalty', survey: 'K→0 (Zhou et al. 2019)', setup: 'LGAN exp(x) + MaxGP (λ 1)', loss: { name: 'lgan', metric: 'exp' }, penalty: { name: 'maxgp', weight: 1 }, clip: null, nCritic: 5, dNorm: 'none', gNorm: 'batch', head: 'single', conditional: null, optimizer: ADAM_GP, cifarIS: '8.03±0.03', cifarFID: '15.64' },
  'zero-gp': { group: 'gradient penalty', survey: 'K→0 (Thanh-Tung et al. 2019)', setup: 'GAN + 0-GP (λ 10)', loss: 'nonsaturating', penalty: 'zero-gp', clip: null, nCritic: 1, dNorm: 'none', gNorm: 'batch', head: 'single', conditional: null, optimizer: ADAM_DC, cifarIS: '11.42±0.09 (-)', cifarFID: null },
  lp: { group: 'gradient penalty', survey: 'K≤1 (Petzka et al. 2018)', setup: 'WGAN + LP (λ 10)', loss: 'wasserstein', penalty: 'lp', clip: null, nCritic: 5, dNorm: 'none', gNorm: 'batch', head: 'single', conditional: null, optimizer: ADAM_GP, cifarIS: '7.99±0.12', cifarFID: null },
  bn: { group: 'normalization', survey: 'batch norm (Miyato et al. 2018)', setup: 'GAN, D with batch norm', loss: 'nonsaturating', penalty: null, clip: null, nCritic: 1, dNorm: 'batch', gNorm: 'batch', head: 'single', conditional: null, optimizer: ADAM_DC, cifarIS: '6.27±0.10', cifarFID: '56.3' },
  ln: { group: 'normalization', survey: 'layer norm (Miyato et al. 2018)', setup: 'GAN, D with layer norm', loss: 'nonsaturating', penalty: null, clip: null, nCritic: 1, dNorm: 'layer', gNorm: 'batch', head: 'single', conditional: null, optimizer: ADAM_DC, cifarIS: '7.19±0.12', cifarFID: '33.9' },
  wn: { group: 'normalization', survey: 'weight norm (Miyato et al. 2018)', setup: 'GAN, D with weight norm', loss: 'nonsaturating', penalty: null, clip: null, nCritic: 1, dNorm: 'weight', gNorm: 'batch', head: 'single', conditional: null, optimizer: ADAM_DC, cifarIS: '6.84±0.07', cifarFID: '34.7' },
  sn: { group: 'normalization', survey: 'spectral norm (Miyato et al. 2018)', setup: 'GAN, D with spectral norm', loss: 'nonsaturating', penalty: null, clip: null, nCritic: 1, dNorm: 'spectral', gNorm: 'batch', head: 'single', conditional: null, optimizer: ADAM_DC, cifarIS: '7.58±0.12', cifarFID: '25.5' },
  cn: { group: 'normalization', survey: 'conditional norm (Zhang et al. 2019b)', setup: 'hinge, G with conditional BN, SN projection D', loss: 'hinge', penalty: null, clip: null, nCritic: 1, dNorm: 'spectral', gNorm: 'conditional', head: 'projection', conditional: { kind: 'cgan', numClasses: 10 }, optimizer: ADAM_DC, cifarIS: null, cifarFID: null },
  sm: { group: 'normalization', survey: 'self-modulation (Chen et al. 2019)', setup: 'GAN, G with self-modulated BN, SN D', loss: 'nonsaturating', penalty: null, clip: null, nCritic: 1, dNorm: 'spectral', gNorm: 'self-modulation', head: 'single', conditional: null, optimizer: ADAM_DC, cifarIS: '7.71±0.59', cifarFID: '26.93' },
};

export const SURVEY_ORDER = Object.keys(SURVEY_ROWS) as SurveyRow[];

export interface SurveyTableOptions {
  row: SurveyRow;
  iterations: number;
  batchSize: number;
  channels: number;
  /** Caps the critic steps per generator step (the rows' papers use up to 5). */
  maxCritic: number;
  trainLimit: number;
  samples: number;
  classifierArch: ClassifierArch;
  classifierEpochs: number;
  classifierTrainLimit: number;
  cacheDir: string | null;
  logEvery: number;
}

const taskSchema = optionsSchema({
  row: z.enum(SURVEY_ORDER as [SurveyRow, ...SurveyRow[]]),
  iterations: z.number().int().positive().default(800),
  batchSize: z.number().int().positive().default(64),
  channels: z.number().int().positive().default(16),
  maxCritic: z.number().int().positive().default(2),
  trainLimit: z.number().int().positive().default(6000),
  samples: z.number().int().positive().default(1000),
  classifierArch: z.enum(['cnn', 'mlp']).default('cnn'),
  classifierEpochs: z.number().int().positive().default(2),
  classifierTrainLimit: z.number().int().positive().default(6000),
  cacheDir: z.string().nullable().default(null),
  logEvery: z.number().int().positive().default(50),
});

function toUnit(x: import('../../../tensor/index.js').Tensor): import('../../../tensor/index.js').Tensor {
  return x.add(1).mul(0.5).clamp(0, 1);
}

export function runSurveyRow(o: SurveyTableOptions, seed: number, onProgress?: (f: number, status?: string) => void): { steps: Record<string, number[]>; final: Record<string, number>; extra: { samples: { shape: number[]; base64: string }; classifierAccuracy: number } } {
  const def = SURVEY_ROWS[o.row];
  const classifierOptions = { arch: o.classifierArch, epochs: o.classifierEpochs, trainLimit: o.classifierTrainLimit, seed: 0 };
  const cacheDir = o.cacheDir ?? join(tmpdir(), 'descent-cache');
  onProgress?.(0, 'classifier');
  const classifier = loadOrTrainClassifier(classifierCachePath(cacheDir, classifierOptions), classifierOptions);
  const d = loadFashionMNISTSubset({ split: 'train', limit: o.trainLimit });
  const data = { x: d.x.mul(2).sub(1), y: d.y };
  const k = def.conditional?.numClasses;
  const G = new DCGANGenerator({ latentDim: 32, channels: o.channels, norm: def.gNorm, numClasses: def.gNorm === 'conditional' ? k : undefined, generator: new Generator(seed + 1) });
  const D = new DCGANDiscriminator({ channels: o.channels, norm: def.dNorm, head: def.head, numClasses: k, generator: new Generator(seed + 2) });
  const opt = { name: def.optimizer.optimizer, options: def.optimizer.options };
  const trainer = new GANTrainer({
    generator: G, discriminator: D, latentDim: 32, loss: def.loss, penalty: def.penalty, clip: def.clip, nCritic: Math.min(def.nCritic, o.maxCritic),
    conditional: def.conditional, seed, generatorOptimizer: opt, discriminatorOptimizer: opt,
  });
  const initial = scoreImages(classifier, toUnit(trainer.generate(o.samples, { train: true })));
  const cols: Record<string, number[]> = { iteration: [], discriminatorLoss: [], generatorLoss: [], fid: [] };
  let acc = { d: 0, g: 0, n: 0 };
  const evalEvery = Math.max(o.logEvery, Math.floor(o.iterations / 4));
  trainer.fit(data, {
    iterations: o.iterations,
    batchSize: o.batchSize,
    onStep(s) {
      acc = { d: acc.d + s.loss, g: acc.g + s.generatorLoss, n: acc.n + 1 };
      if (s.iteration % o.logEvery === 0 || s.iteration === o.iterations) {
        cols.iteration.push(s.iteration);
        cols.discriminatorLoss.push(acc.d / acc.n);
        cols.generatorLoss.push(acc.g / acc.n);
        cols.fid.push(s.iteration % evalEvery === 0 || s.iteration === o.iterations ? scoreImages(classifier, toUnit(trainer.generate(Math.min(o.samples, 500), { train: true }))).fid : NaN);
        acc = { d: 0, g: 0, n: 0 };
        onProgress?.(s.iteration / o.iterations, o.row);
      }
    },
  });
  // Batch statistics (train mode) for sampling, as DCGAN implementations do.
  const samples = toUnit(trainer.generate(o.samples, { train: true }));
  const sc = scoreImages(classifier, samples);
  const grid = samples.slice(0, 0, Math.min(64, o.samples));
  return {
    steps: cols,
    final: { is: sc.is, fid: sc.fid, am: sc.am, amKl: sc.amKl, amEntropy: sc.amEntropy, fidInitial: initial.fid, isInitial: initial.is },
    extra: { samples: encodeImages(grid), classifierAccuracy: classifier.testAccuracy },
  };
}

export const surveyTableTask: TaskDef = {
  name: 'gan-survey-row',
  title: 'A small DCGAN on Fashion-MNIST with one Lipschitz-constraint method (survey 000 tables 1 and 2)',
  description: 'Trains the DCGAN with one row of the survey’s tables and scores it with descent’s Fashion-MNIST classifier (IS, FID, AM Score)',
  schema: taskSchema,
  primary: { metric: 'fid', goal: 'min' },
  run(config, options, hooks) {
    return runSurveyRow(options as unknown as SurveyTableOptions, config.seed, hooks.onProgress);
  },
};

export function surveyTableSettings(scale: Scale): { rows: SurveyRow[]; seeds: number[]; iterations: number; batchSize: number; channels: number; samples: number; classifierArch: ClassifierArch; classifierEpochs: number; classifierTrainLimit: number; trainLimit: number; logEvery: number } {
  return scale === 'full'
    ? { rows: SURVEY_ORDER, seeds: [0], iterations: 800, batchSize: 64, channels: 16, samples: 1000, classifierArch: 'cnn', classifierEpochs: 2, classifierTrainLimit: 6000, trainLimit: 6000, logEvery: 50 }
    : { rows: ['wgan-gp', 'lgan-maxgp', 'sn'], seeds: [0], iterations: 40, batchSize: 32, channels: 8, samples: 200, classifierArch: 'mlp', classifierEpochs: 1, classifierTrainLimit: 2000, trainLimit: 2000, logEvery: 10 };
}

/** Spearman's rank correlation of paired values (ties get average ranks). */
export function spearman(a: number[], b: number[]): number {
  const rank = (xs: number[]): number[] => {
    const idx = xs.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(xs.length);
    for (let i = 0; i < idx.length; ) {
      let j = i;
      while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++;
      for (let k = i; k <= j; k++) r[idx[k][1]] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const ma = mean(ra);
  const mb = mean(rb);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (ra[i] - ma) * (rb[i] - mb);
    da += (ra[i] - ma) ** 2;
    db += (rb[i] - mb) ** 2;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : NaN;
}

const leading = (s: string | null): number => (s === null ? NaN : parseFloat(s));

export const surveyTable: Reproduction = {
  name: 'gan-survey-table',
  title: 'Lipschitz constraints for GANs: the survey’s tables 1 and 2 reduced to a DCGAN on Fashion-MNIST',
  source: 'survey 000 §4.1.1, tables 1 (IS) and 2 (FID); thesis 004 eq. (4-32) (AM Score)',
  summary: 'Every row of the survey’s tables (weight clipping, gradient penalties toward K = 1, K = 0, K ≤ 1, and normalizations) trains a small DCGAN on Fashion-MNIST; IS, FID and the AM Score come from a classifier descent trains on Fashion-MNIST, printed beside the survey’s CIFAR-10 numbers.',
  trials(scale) {
    const s = surveyTableSettings(scale);
    const out: TrialConfig[] = [];
    for (const row of s.rows) {
      for (const seed of s.seeds) {
        const d = SURVEY_ROWS[row];
        out.push({
          task: 'gan-survey-row',
          taskOptions: { row, iterations: s.iterations, batchSize: s.batchSize, channels: s.channels, samples: s.samples, classifierArch: s.classifierArch, classifierEpochs: s.classifierEpochs, classifierTrainLimit: s.classifierTrainLimit, trainLimit: s.trainLimit, logEvery: s.logEvery },
          method: { ...d.optimizer, label: row },
          seed,
        });
      }
    }
    return out;
  },
  async analyze(records, plotDir) {
    const sink = new PlotSink(plotDir);
    const done = records.filter((r) => r.status === 'done' && r.config.task === 'gan-survey-row');
    const of = (row: SurveyRow): TrialRecord[] => done.filter((r) => r.config.taskOptions.row === row);
    const present = SURVEY_ORDER.filter((r) => of(r).length);
    const stat = (row: SurveyRow, k: string): number => mean(of(row).map((r) => r.final[k] as number));
    for (const row of present) {
      const ex = of(row)[0].extra as unknown as { samples: { shape: number[]; base64: string } };
      if (ex?.samples) {
        const title = `${row}: ${SURVEY_ROWS[row].setup}`;
        await sink.add({ name: `samples-${row}`, title, svg: imageGridSvg(decodeImages(ex.samples), { columns: 8 }) });
      }
    }
    await sink.add(barChart(present.map((r) => ({ label: r, mean: stat(r, 'fid') })), { name: 'fid', title: 'FID (descent classifier features, lower is better)', yTitle: 'FID' }));
    await sink.add(barChart(present.map((r) => ({ label: r, mean: stat(r, 'is') })), { name: 'is', title: 'Inception Score (descent classifier, higher is better)', yTitle: 'IS' }));
    await sink.add(curvesChart(curves(groupTrials(done), 'steps', 'iteration', 'generatorLoss'), { name: 'generator-loss', title: 'Generator loss during training', xTitle: 'iteration', yTitle: 'generator loss' }));
    const acc = done[0]?.extra?.classifierAccuracy as number | undefined;
    const seeds = (row: SurveyRow, k: string): number[] => of(row).map((t) => t.final[k] as number);
    const table: Table = formattedTable(
      ['row', 'group', 'survey row', 'descent setup', 'IS (CIFAR-10, survey)', 'IS (Fashion-MNIST, descent)', 'FID (CIFAR-10, survey)', 'FID (Fashion-MNIST, descent)', 'AM Score', 'FID of the untrained G'],
      present.map((r) => {
        const d = SURVEY_ROWS[r];
        return [r, d.group, d.survey, d.setup, d.cifarIS ?? '-', seeds(r, 'is'), d.cifarFID ?? '-', seeds(r, 'fid'), seeds(r, 'am'), seeds(r, 'fidInitial')];
      }),
      { caption: `Survey tables 1 and 2 beside a reduced Fashion-MNIST version, descent's columns mean ± std over seeds (classifier test accuracy ${acc === undefined ? '?' : `${(100 * acc).toFixed(1)} %`}; "(-)": numbers the survey computed from the papers' code)`, digits: { 5: 3, 8: 3 } },
    );
    const withIS = present.filter((r) => SURVEY_ROWS[r].cifarIS !== null);
    const withFID = present.filter((r) => SURVEY_ROWS[r].cifarFID !== null);
    const rhoIS = withIS.length >= 3 ? spearman(withIS.map((r) => leading(SURVEY_ROWS[r].cifarIS)), withIS.map((r) => stat(r, 'is'))) : NaN;
    const rhoFID = withFID.length >= 3 ? spearman(withFID.map((r) => leading(SURVEY_ROWS[r].cifarFID)), withFID.map((r) => stat(r, 'fid'))) : NaN;
    const claims: Claim[] = [];
    const improved = present.filter((r) => stat(r, 'fid') < stat(r, 'fidInitial'));
    claims.push({ claim: 'Every method trains: its FID ends below that of its untrained generator', holds: improved.length === present.length, detail: `${improved.length} of ${present.length}` });
    if (Number.isFinite(rhoFID)) claims.push({ claim: 'The FID ranking agrees with the survey’s CIFAR-10 ranking (Spearman ρ > 0)', holds: rhoFID > 0, detail: `ρ = ${fmt(rhoFID, 3)} over ${withFID.length} rows` });
    if (Number.isFinite(rhoIS)) claims.push({ claim: 'The IS ranking agrees with the survey’s CIFAR-10 ranking (Spearman ρ > 0)', holds: rhoIS > 0, detail: `ρ = ${fmt(rhoIS, 3)} over ${withIS.length} rows` });
    const figures: Record<string, number | null> = { spearmanIS: Number.isFinite(rhoIS) ? rhoIS : null, spearmanFID: Number.isFinite(rhoFID) ? rhoFID : null };
    for (const r of present) {
      figures[`${r}:fid`] = stat(r, 'fid');
      figures[`${r}:is`] = stat(r, 'is');
      figures[`${r}:am`] = stat(r, 'am');
    }
    return analysisOf(
      [
        {
          title: 'Survey tables 1 and 2 on Fashion-MNIST',
          text: [
            'A small DCGAN (generator: linear → 2c×7×7 → transposed convolutions, BN, tanh; discriminator: two 4×4 stride-2 convolutions, LeakyReLU, linear) trained on the Fashion-MNIST subset with each row’s constraint and the objective its paper used; WGAN-type rows take more critic steps (capped by maxCritic). Samples are scored with descent’s Fashion-MNIST classifier (penultimate features for FID against the held-out images; class probabilities for IS and the AM Score), not the ImageNet Inception network: compare orders, not values, with the survey’s CIFAR-10 columns.',
            `Spearman rank correlation with the survey (CIFAR-10): IS ρ = ${fmt(rhoIS, 3)}, FID ρ = ${fmt(rhoFID, 3)}.`,
          ],
          claims,
          tables: [table],
          plots: sink.plots,
        },
      ],
      figures,
    );
  },
};
