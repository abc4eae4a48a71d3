/**
 * The lab's `gan-mixture` task as portable code (no Node module: the playground's GAN view
 * trains through this same code, so its numbers and records are the lab's): the option schema,
 * the resolution of a variant and the explicit choices into one GAN set-up, and
 * {@link MixtureRun}, one trial advanced an iteration at a time.
 *
 * Options (see {@link mixtureSchema}; every new one defaults to what the four variants did):
 * - `mixture`: 'ring' (8 Gaussians) or 'grid' (25), required;
 * - `variant`: one of the reproduction's four set-ups ({@link MIXTURE_VARIANTS}), or null;
 *   its loss, Lipschitz method, normalization and critic steps are the defaults of the options
 *   below (without a variant: the non-saturating GAN, no constraint, 1 critic step);
 * - `loss`: {@link MIXTURE_LOSSES} (the GAN family of src/gan/losses, LGANs by their metric);
 * - `lipschitz`: {@link MIXTURE_LIPSCHITZ} (every gradient penalty of src/gan/penalties,
 *   spectral normalization, weight clipping, or none); `lambda`: the penalty's weight λ, or
 *   the clipping bound c (null: the method's default);
 * - `normalization`: the discriminator's layers ({@link MIXTURE_NORMS});
 * - `iterations`, `batchSize`, `nCritic`, `hidden`, `layers`, `latentDim`, `evalEvery`, `samples`;
 * - `generatorOptimizer`, `discriminatorOptimizer`: `{ name, options }` of any registry
 *   optimizer (or preset) for one player; null: the trial's method (as before). Without an lr
 *   they get the task's default, 1e-3.
 */
import { z } from 'zod';
import { gaussianGrid, gaussianRing, type MixtureDataset } from '../../../data/portable.js';
import { Generator, Tensor } from '../../../tensor/index.js';
import { listLossMetrics, type GanLossSpec, type LossMetricName } from '../../../gan/losses.js';
import { evaluateMixture, type MixtureEvaluation } from '../../../gan/metrics.js';
import { MLPDiscriminator, MLPGenerator, type DiscriminatorNorm } from '../../../gan/models.js';
import { listPenalties, type PenaltyName, type PenaltySpec } from '../../../gan/penalties.js';
import { GANTrainer, type StepStats } from '../../../gan/trainer.js';
import { buildOptimizer, resolveMethod, type Method } from '../../methods.js';
import { optionsSchema } from '../../options-schema.js';
import type { TrialOutput } from '../../trial.js';
import type { Json, JsonObject } from '../../util.js';

/** The reproduction's four set-ups (their trial ids are pinned: these names and meanings stay). */
export type MixtureVariant = 'gan' | 'wgan-gp' | 'hinge-sn' | 'lgan-maxgp';
/** The two mixtures. */
export type MixtureName = 'ring' | 'grid';

/** The objectives: the GAN family of src/gan/losses, the Lipschitz GANs by their loss metric. */
export const MIXTURE_LOSSES = ['nonsaturating', 'minimax', 'wasserstein', 'hinge', 'lsgan', ...listLossMetrics().map((m) => `lgan-${m}` as const)] as const;
/** A `loss` option's value. */
export type MixtureLoss = 'nonsaturating' | 'minimax' | 'wasserstein' | 'hinge' | 'lsgan' | `lgan-${LossMetricName}`;

/** The Lipschitz methods: none, every gradient penalty of src/gan/penalties, spectral normalization, weight clipping. */
export const MIXTURE_LIPSCHITZ = ['none', ...listPenalties(), 'spectral', 'clip'] as const;
/** A `lipschitz` option's value. */
export type MixtureLipschitz = 'none' | PenaltyName | 'spectral' | 'clip';

/** The discriminator's normalizations (src/gan/models DiscriminatorNorm). */
export const MIXTURE_NORMS: readonly DiscriminatorNorm[] = ['none', 'batch', 'layer', 'weight', 'spectral'];

/** What a variant sets, as explicit choices. */
export interface MixtureChoices {
  loss: MixtureLoss;
  lipschitz: MixtureLipschitz;
  lambda: number | null;
  normalization: DiscriminatorNorm;
  nCritic: number;
}

/** The four variants' titles and choices. */
export const MIXTURE_VARIANTS: Record<MixtureVariant, { title: string } & MixtureChoices> = {
  gan: { title: 'GAN (non-saturating)', loss: 'nonsaturating', lipschitz: 'none', lambda: null, normalization: 'none', nCritic: 1 },
  'wgan-gp': { title: 'WGAN-GP', loss: 'wasserstein', lipschitz: 'wgan-gp', lambda: null, normalization: 'none', nCritic: 5 },
  'hinge-sn': { title: 'hinge + SN', loss: 'hinge', lipschitz: 'spectral', lambda: null, normalization: 'spectral', nCritic: 5 },
  'lgan-maxgp': { title: 'LGAN exp(x) + MaxGP', loss: 'lgan-exp', lipschitz: 'maxgp', lambda: 1, normalization: 'none', nCritic: 5 },
};

/** The choices without a variant: the non-saturating GAN, unconstrained, one critic step. */
export const MIXTURE_BASE: MixtureChoices = { loss: 'nonsaturating', lipschitz: 'none', lambda: null, normalization: 'none', nCritic: 1 };

/** An optimizer for one player: a registry name (or preset) and its options. */
export interface PlayerOptimizer {
  name: string;
  options: JsonObject;
}

/** The parsed options of a gan-mixture trial. */
export interface MixtureOptions {
  mixture: MixtureName;
  variant: MixtureVariant | null;
  loss: MixtureLoss | null;
  lipschitz: MixtureLipschitz | null;
  lambda: number | null;
  normalization: DiscriminatorNorm | null;
  iterations: number;
  hidden: number;
  layers: number;
  latentDim: number;
  batchSize: number;
  evalEvery: number;
  samples: number;
  /** Overrides the variant's critic steps per generator step. */
  nCritic: number | null;
  generatorOptimizer: PlayerOptimizer | null;
  discriminatorOptimizer: PlayerOptimizer | null;
}

const json: z.ZodType<Json> = z.lazy(() => z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)]));
const playerOptimizer = z.object({ name: z.string().min(1), options: z.record(z.string(), json).default({}) }).strict().nullable().default(null);

/** The task's default learning rate (a method, or a player's optimizer, without an lr gets it). */
export const MIXTURE_DEFAULT_LR = 1e-3;

/** Everything the trainer needs, from the options. */
export interface MixtureSetup extends MixtureChoices {
  lossSpec: GanLossSpec;
  penalty: PenaltySpec | null;
  clip: number | null;
}

/** The objective of a `loss` value. */
export function mixtureLossSpec(loss: MixtureLoss): GanLossSpec {
  if (loss.startsWith('lgan-')) return { name: 'lgan', metric: loss.slice(5) as LossMetricName };
  return loss as GanLossSpec;
}

/**
 * The set-up of some options: the variant's choices (or {@link MIXTURE_BASE}) with the explicit
 * options over them. Throws a RangeError on contradictions: spectral normalization as the
 * Lipschitz method with another normalization, a λ for a method that has none.
 */
export function resolveMixture(o: Pick<MixtureOptions, 'variant' | 'loss' | 'lipschitz' | 'lambda' | 'normalization' | 'nCritic'>): MixtureSetup {
  const base = o.variant ? MIXTURE_VARIANTS[o.variant] : MIXTURE_BASE;
  const loss = o.loss ?? base.loss;
  const lipschitz = o.lipschitz ?? base.lipschitz;
  // A variant's λ goes with its Lipschitz method only.
  const lambda = o.lambda ?? (o.lipschitz === null || o.lipschitz === base.lipschitz ? base.lambda : null);
  const normalization = o.normalization ?? (lipschitz === 'spectral' ? 'spectral' : 'none');
  if (lipschitz === 'spectral' && normalization !== 'spectral') throw new RangeError(`lipschitz 'spectral' is the discriminator's spectral normalization; it contradicts normalization '${normalization}' (leave normalization out or set it to 'spectral')`);
  if (lambda !== null && (lipschitz === 'none' || lipschitz === 'spectral')) throw new RangeError(`lambda (${lambda}) is a penalty's weight or the clipping bound; lipschitz '${lipschitz}' has none (leave lambda out)`);
  if (lipschitz === 'clip' && lambda !== null && !(lambda > 0)) throw new RangeError(`lambda is the clipping bound c of lipschitz 'clip' and must be positive, got ${lambda}`);
  const isPenalty = lipschitz !== 'none' && lipschitz !== 'spectral' && lipschitz !== 'clip';
  // A penalty by name alone when λ is its default (so the four variants build exactly what they did).
  const penalty: PenaltySpec | null = isPenalty ? (lambda === null ? lipschitz : { name: lipschitz, weight: lambda }) : null;
  return { loss, lipschitz, lambda, normalization, nCritic: o.nCritic ?? base.nCritic, lossSpec: mixtureLossSpec(loss), penalty, clip: lipschitz === 'clip' ? (lambda ?? 0.01) : null };
}

/** A player's method: its own optimizer when given (with the task's lr when it has none), else the trial's. */
export function playerMethod(choice: PlayerOptimizer | null, method: Method): Method {
  if (!choice) return method;
  const m = resolveMethod(choice.name, choice.options, choice.name);
  return 'lr' in m.options ? m : { ...m, options: { ...m.options, lr: MIXTURE_DEFAULT_LR } };
}

const probe = (): Tensor[] => [new Tensor(new Float32Array(4), [4])];

/** The task's options, validated: unknown values and options are refused naming the valid ones. */
export const mixtureSchema: z.ZodType<JsonObject> = optionsSchema({
  mixture: z.enum(['ring', 'grid']),
  variant: z.enum(['gan', 'wgan-gp', 'hinge-sn', 'lgan-maxgp']).nullable().default(null),
  loss: z.enum(MIXTURE_LOSSES as unknown as [string, ...string[]]).nullable().default(null),
  lipschitz: z.enum(MIXTURE_LIPSCHITZ as unknown as [string, ...string[]]).nullable().default(null),
  lambda: z.number().nonnegative().nullable().default(null),
  normalization: z.enum(MIXTURE_NORMS as unknown as [string, ...string[]]).nullable().default(null),
  iterations: z.number().int().positive().default(2000),
  hidden: z.number().int().positive().default(64),
  layers: z.number().int().positive().max(16).default(3),
  latentDim: z.number().int().positive().max(64).default(2),
  batchSize: z.number().int().positive().max(8192).default(128),
  evalEvery: z.number().int().positive().default(100),
  samples: z.number().int().positive().default(2000),
  nCritic: z.number().int().positive().nullable().default(null),
  generatorOptimizer: playerOptimizer,
  discriminatorOptimizer: playerOptimizer,
}).superRefine((raw, ctx) => {
  const o = raw as unknown as MixtureOptions;
  try {
    resolveMixture(o);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message, path: [o.lipschitz === 'spectral' && o.normalization ? 'normalization' : 'lambda'] });
  }
  for (const key of ['generatorOptimizer', 'discriminatorOptimizer'] as const) {
    const c = o[key];
    if (!c) continue;
    let opt;
    const params = probe();
    try {
      opt = buildOptimizer(playerMethod(c, { label: '', optimizer: 'sgd', options: {} }), params);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message, path: [key] });
      continue;
    }
    // The trainer steps on gradients alone: a method that needs a closure (L-BFGS, Newton) cannot play.
    try {
      params[0].requiresGrad_().mul(params[0]).sum().backward();
      opt.step();
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `the GAN trainer steps each player on its gradients alone, with no closure: ${(err as Error).message}`, path: [key] });
    }
  }
});

/** The mixture a trial trains on (8,192 points, drawn from the trial's seed). */
export function mixtureData(name: MixtureName, seed: number): MixtureDataset {
  return name === 'ring' ? gaussianRing({ n: 8192, seed }) : gaussianGrid({ n: 8192, seed });
}

/** The columns a trial records at each evaluation (every `evalEvery` iterations and the last). */
export interface MixtureColumns extends Record<string, number[]> {
  iteration: number[];
  modesCovered: number[];
  highQualityFraction: number[];
}

/**
 * One gan-mixture trial, an iteration at a time: `step()` runs one generator update (after
 * nCritic critic updates) and, when due, the task's evaluation (500 samples drawn from the
 * trainer's stream, as every evaluation is part of the run); `finish()` draws the final
 * samples and gives the trial's output. `runMixture` and the playground's GAN view both drive
 * it, so a run in either gives the same numbers on the same kernels.
 */
export class MixtureRun {
  readonly options: MixtureOptions;
  readonly setup: MixtureSetup;
  readonly data: MixtureDataset;
  readonly generator: MLPGenerator;
  readonly discriminator: MLPDiscriminator;
  readonly trainer: GANTrainer;
  readonly columns: MixtureColumns = { iteration: [], modesCovered: [], highQualityFraction: [] };
  /** The last iteration's statistics (null before the first). */
  last: StepStats | null = null;
  private output: TrialOutput | null = null;

  /** `options` as {@link mixtureSchema} parsed them; `method` the trial's (with its lr). */
  constructor(options: MixtureOptions, method: Method, seed: number) {
    this.options = options;
    this.setup = resolveMixture(options);
    const o = options;
    this.data = mixtureData(o.mixture, seed);
    this.generator = new MLPGenerator({ latentDim: o.latentDim, hidden: o.hidden, layers: o.layers, generator: new Generator(seed + 1) });
    this.discriminator = new MLPDiscriminator({ inDim: 2, hidden: o.hidden, layers: o.layers, norm: this.setup.normalization, generator: new Generator(seed + 2) });
    const choice = (m: Method): { name: string; options: JsonObject } => ({ name: m.optimizer, options: m.options });
    this.trainer = new GANTrainer({
      generator: this.generator, discriminator: this.discriminator, latentDim: o.latentDim, loss: this.setup.lossSpec, penalty: this.setup.penalty, clip: this.setup.clip,
      nCritic: this.setup.nCritic, seed,
      generatorOptimizer: choice(playerMethod(o.generatorOptimizer, method)), discriminatorOptimizer: choice(playerMethod(o.discriminatorOptimizer, method)),
    });
  }

  /** Completed iterations. */
  get iteration(): number {
    return this.trainer.iteration;
  }

  /** Whether every iteration ran. */
  get done(): boolean {
    return this.trainer.iteration >= this.options.iterations;
  }

  /** One iteration (and the evaluation when due: then `evaluated` is true). */
  step(): StepStats & { evaluated: boolean } {
    if (this.done) throw new RangeError(`gan-mixture: the run has done its ${this.options.iterations} iterations`);
    const s = this.trainer.step(() => this.trainer.nextBatch(this.data, this.options.batchSize));
    this.last = s;
    const evaluated = s.iteration % this.options.evalEvery === 0 || s.iteration === this.options.iterations;
    if (evaluated) {
      const e = evaluateMixture(this.trainer.generate(500), this.data);
      this.columns.iteration.push(s.iteration);
      this.columns.modesCovered.push(e.modesCovered);
      this.columns.highQualityFraction.push(e.highQualityFraction);
    }
    return { ...s, evaluated };
  }

  /** The trial's output: the columns, the final evaluation of `samples` samples and (rounded) the first 1,000 of them. Runs once, after the last iteration. */
  finish(): TrialOutput & { final: MixtureEvaluation & Record<string, number>; steps: MixtureColumns } {
    if (!this.done) throw new RangeError(`gan-mixture: finish() after the last iteration (${this.iteration} of ${this.options.iterations} done)`);
    if (!this.output) {
      const samples = this.trainer.generate(this.options.samples);
      const e = evaluateMixture(samples, this.data);
      this.output = {
        steps: this.columns,
        final: { modesCovered: e.modesCovered, modes: e.modes, highQualityFraction: e.highQualityFraction },
        extra: { samples: Array.from(samples.data.subarray(0, Math.min(samples.numel(), 2 * 1000)), (x) => Math.round(x * 1e3) / 1e3), centers: Array.from(this.data.centers.data) },
      };
    }
    return this.output as TrialOutput & { final: MixtureEvaluation & Record<string, number>; steps: MixtureColumns };
  }
}

/** Runs a whole trial: every iteration, then {@link MixtureRun.finish}. */
export function runMixture(o: MixtureOptions, method: Method, seed: number, onProgress?: (f: number) => void): TrialOutput {
  const run = new MixtureRun(o, method, seed);
  while (!run.done) if (run.step().evaluated) onProgress?.(run.iteration / o.iterations);
  return run.finish();
}
