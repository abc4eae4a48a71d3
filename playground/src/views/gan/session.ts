/**
 * One GAN of the playground's GAN view: the lab's own `gan-mixture` trial (MixtureRun from
 * src/lab/reproductions/gan/mixture-task.ts, built from the trial configuration the view's
 * `descent compare` spec expands to), advanced an iteration at a time so a worker can report
 * between them. Its recorded evaluations and its final figures are the lab's, so a complete run
 * exports the record the lab stores for that spec. `snapshot` gives what the view draws, without
 * touching the run's random stream: the critic's values on a grid (the heatmap), fake samples
 * from a fixed latent batch with the critic's gradients there (the arrows), and the modes they
 * cover by the lab's definition (evaluateMixture: a sample within 3 standard deviations).
 * DOM-free.
 */
import { gan, normal, Generator, Tensor, type MixtureDataset } from '../../../../src/index.js';
import { mixtureData, mixtureSchema, MixtureRun, type MixtureOptions } from '../../../../src/lab/reproductions/gan/mixture-task.js';
import { trialConfig, type GanSpec, type RunRecordPart } from './state.js';

export { LIPSCHITZ, LOSSES, NORMS, type GanSpec, type LipschitzChoice, type LossChoice } from './state.js';
export { mixtureData };

/** What the view draws after some iterations. */
export interface GanSnapshot {
  iteration: number;
  /** The run's length; the run is complete when iteration reaches it. */
  iterations: number;
  done: boolean;
  bounds: [number, number, number, number];
  /** Critic values on res x res cells (top row first), centred and scaled to [-1, 1]. */
  heat: { res: number; cells: number[] };
  real: number[];
  fake: number[];
  fakeGrads: number[];
  modesCovered: number;
  modes: number;
  highQualityFraction: number;
  discriminatorLoss: number;
  generatorLoss: number;
  /** The run as the lab records it so far. */
  record: RunRecordPart;
}

/** Modes covered by flat 2-D samples [x0, y0, x1, y1, ...], by the lab's definition. */
export function countModes(samples: ArrayLike<number>, mixture: { centers: Tensor; std: number }): gan.MixtureEvaluation {
  if (samples.length % 2 !== 0) throw new RangeError(`countModes: expected flat 2-D points [x0, y0, ...], got ${samples.length} numbers`);
  return gan.evaluateMixture(new Tensor(Float32Array.from(samples), [samples.length / 2, 2]), mixture);
}

const VIEW_BOUNDS: Record<'ring' | 'grid', [number, number, number, number]> = { ring: [-3, 3, -3, 3], grid: [-6, 6, -6, 6] };

/**
 * The square shown: the mixture's own box, grown (about its centre) to hold every fake sample
 * with a margin, so samples the generator flings away stay in the picture.
 */
export function viewBounds(base: [number, number, number, number], fake: ArrayLike<number>): [number, number, number, number] {
  let half = (base[1] - base[0]) / 2;
  const cx = (base[0] + base[1]) / 2;
  const cy = (base[2] + base[3]) / 2;
  for (let i = 0; i + 1 < fake.length; i += 2) {
    const d = Math.max(Math.abs(fake[i] - cx), Math.abs(fake[i + 1] - cy)) * 1.08;
    if (Number.isFinite(d)) half = Math.max(half, d);
  }
  return [cx - half, cx + half, cy - half, cy + half];
}

/** The lab's parsed task options of a state (the errors are the lab's). */
export function runOptions(spec: GanSpec): MixtureOptions {
  const r = mixtureSchema.safeParse(trialConfig(spec).taskOptions);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new RangeError(`gan view: ${[...i.path.map(String)].join('.') || 'options'}: ${i.message}`);
  }
  return r.data as unknown as MixtureOptions;
}

/** A GAN trained step by step, as the lab's gan-mixture trial. */
export class GanSession {
  readonly spec: GanSpec;
  readonly run: MixtureRun;
  readonly data: MixtureDataset;
  readonly trainer: gan.GANTrainer;
  private readonly discriminator: gan.MLPDiscriminator;
  private readonly latent: Tensor;
  private readonly evalLatent: Tensor;
  private readonly realShown: number[];
  private stopped: string | null = null;

  constructor(spec: GanSpec) {
    this.spec = spec;
    const config = trialConfig(spec);
    this.run = new MixtureRun(runOptions(spec), config.method, config.seed);
    this.data = this.run.data;
    this.trainer = this.run.trainer;
    this.discriminator = this.run.discriminator;
    // Fixed latents from their own stream: the arrows follow the same fake points from frame to
    // frame, and drawing never moves the run's random stream.
    const g = new Generator(spec.seed + 3);
    this.latent = normal([256, this.run.options.latentDim], 0, 1, { generator: g });
    this.evalLatent = normal([1000, this.run.options.latentDim], 0, 1, { generator: g });
    this.realShown = Array.from(this.data.x.data.subarray(0, 2 * 500));
  }

  /** Completed iterations. */
  get iteration(): number {
    return this.run.iteration;
  }

  /** Whether the run did all its iterations (its final figures are then the lab's). */
  get done(): boolean {
    return this.run.done;
  }

  /** Up to `n` generator updates (each after nCritic critic updates); none past the run's end. */
  advance(n: number): void {
    for (let i = 0; i < n && !this.run.done; i++) {
      const s = this.run.step();
      if (!Number.isFinite(s.loss) || !Number.isFinite(s.generatorLoss)) {
        this.stopped = `the losses became non-finite at iteration ${s.iteration} (D ${s.loss}, G ${s.generatorLoss})`;
        throw new RangeError(`gan view: ${this.stopped}; lower the learning rate or add a Lipschitz method`);
      }
    }
    if (this.run.done) this.run.finish();
  }

  /** The run as the lab's store keeps it: complete, or stopped short ('failed', saying where). */
  record(): RunRecordPart {
    const c = this.run.columns;
    const steps = { iteration: [...c.iteration], modesCovered: [...c.modesCovered], highQualityFraction: [...c.highQualityFraction] };
    if (this.run.done && !this.stopped) {
      const out = this.run.finish();
      return { status: 'done', steps, final: { ...out.final }, extra: out.extra };
    }
    const k = c.iteration.length - 1;
    return {
      status: 'failed', steps,
      final: k >= 0 ? { modesCovered: c.modesCovered[k], modes: this.data.centers.shape[0], highQualityFraction: c.highQualityFraction[k] } : {},
      error: `stopped in the playground at iteration ${this.run.iteration} of ${this.run.options.iterations}${this.stopped ? `: ${this.stopped}` : ''} (a partial run; the lab runs all ${this.run.options.iterations})`,
    };
  }

  /** The picture and the figures at this iteration. */
  snapshot(res = 48): GanSnapshot {
    const D = this.discriminator;
    const critic = (x: Tensor): Tensor => D.forward(x);
    const wasTraining = D.training;
    D.eval();
    try {
      const fake = this.trainer.generate(this.latent.shape[0], { latent: this.latent });
      const field = gan.computeField({ critic, real: new Tensor(Float32Array.from(this.realShown), [this.realShown.length / 2, 2]), fake, bounds: viewBounds(VIEW_BOUNDS[this.spec.mixture], fake.data), grid: 0, background: 'critic', resolution: res });
      const m = gan.evaluateMixture(this.trainer.generate(this.evalLatent.shape[0], { latent: this.evalLatent }), this.data);
      const last = this.run.last;
      return {
        iteration: this.run.iteration, iterations: this.run.options.iterations, done: this.run.done, bounds: field.bounds, heat: { res, cells: field.background.cells }, real: field.real, fake: field.fake, fakeGrads: field.fakeGrads,
        modesCovered: m.modesCovered, modes: m.modes, highQualityFraction: m.highQualityFraction,
        discriminatorLoss: last?.loss ?? NaN, generatorLoss: last?.generatorLoss ?? NaN, record: this.record(),
      };
    } finally {
      D.train(wasTraining);
    }
  }
}
