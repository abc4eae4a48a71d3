/**
 * One GAN of the playground's GAN view on a 2-D mixture (the ring of 8 or the grid of 25, as the
 * lab's gan-mixture task builds them), with a chosen objective and Lipschitz method, advanced an
 * iteration at a time so a worker can report between them. `snapshot` gives what the view
 * draws: the critic's values on a grid (the heatmap), fake samples from a fixed latent batch
 * with the critic's gradients there (the arrows), and modes covered by the lab's definition
 * (evaluateMixture: a mode is covered by a sample within 3 standard deviations). DOM-free.
 */
import { gan, gaussianGrid, gaussianRing, Generator, normal, Tensor, type MixtureDataset } from '../../../../src/index.js';

/** The objectives offered: the GAN family of src/gan/losses, LGANs by their metric. */
export const LOSSES = ['nonsaturating', 'minimax', 'wasserstein', 'hinge', 'lsgan', 'lgan-exp', 'lgan-logsigmoid', 'lgan-sqrt', 'lgan-linear'] as const;
export type LossChoice = (typeof LOSSES)[number];

/** The Lipschitz methods offered: the penalties of src/gan/penalties, spectral normalization, weight clipping. */
export const LIPSCHITZ = ['none', 'wgan-gp', 'lp', 'maxgp', 'r1', 'r2', 'dragan', 'zero-gp', 'wgan-div', 'spectral', 'clip'] as const;
export type LipschitzChoice = (typeof LIPSCHITZ)[number];

/** Every setting of a GAN run. */
export interface GanSpec {
  mixture: 'ring' | 'grid';
  loss: LossChoice;
  lipschitz: LipschitzChoice;
  /** The penalty's weight λ (penalties) or the clipping bound c ('clip'); NaN: the method's default. */
  lambda: number;
  nCritic: number;
  lr: number;
  hidden: number;
  batchSize: number;
  seed: number;
}

/** What the view draws after some iterations. */
export interface GanSnapshot {
  iteration: number;
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
}

/** The mixture the lab's gan-mixture task trains on (8,192 points). */
export function mixtureData(name: 'ring' | 'grid', seed: number): MixtureDataset {
  return name === 'ring' ? gaussianRing({ n: 8192, seed }) : gaussianGrid({ n: 8192, seed });
}

/** Modes covered by flat 2-D samples [x0, y0, x1, y1, ...], by the lab's definition. */
export function countModes(samples: ArrayLike<number>, mixture: { centers: Tensor; std: number }): gan.MixtureEvaluation {
  if (samples.length % 2 !== 0) throw new RangeError(`countModes: expected flat 2-D points [x0, y0, ...], got ${samples.length} numbers`);
  return gan.evaluateMixture(new Tensor(Float32Array.from(samples), [samples.length / 2, 2]), mixture);
}

/** The objective of a choice. */
export function lossSpec(loss: LossChoice): gan.GanLossSpec {
  if (loss.startsWith('lgan-')) return { name: 'lgan', metric: loss.slice(5) as gan.LossMetricName };
  return loss as gan.GanLossSpec;
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

/** A GAN trained step by step. */
export class GanSession {
  readonly spec: GanSpec;
  readonly data: MixtureDataset;
  readonly trainer: gan.GANTrainer;
  private readonly discriminator: gan.MLPDiscriminator;
  private readonly latent: Tensor;
  private readonly evalLatent: Tensor;
  private readonly realShown: number[];
  private last = { discriminatorLoss: NaN, generatorLoss: NaN };

  constructor(spec: GanSpec) {
    if (!LOSSES.includes(spec.loss)) throw new RangeError(`gan view: unknown loss "${spec.loss}"; expected one of ${LOSSES.join(', ')}`);
    if (!LIPSCHITZ.includes(spec.lipschitz)) throw new RangeError(`gan view: unknown Lipschitz method "${spec.lipschitz}"; expected one of ${LIPSCHITZ.join(', ')}`);
    this.spec = spec;
    this.data = mixtureData(spec.mixture, spec.seed);
    const G = new gan.MLPGenerator({ latentDim: 2, hidden: spec.hidden, layers: 3, generator: new Generator(spec.seed + 1) });
    this.discriminator = new gan.MLPDiscriminator({ inDim: 2, hidden: spec.hidden, layers: 3, norm: spec.lipschitz === 'spectral' ? 'spectral' : 'none', generator: new Generator(spec.seed + 2) });
    const lam = Number.isFinite(spec.lambda) ? spec.lambda : undefined;
    const penalty = spec.lipschitz === 'none' || spec.lipschitz === 'spectral' || spec.lipschitz === 'clip' ? null : { name: spec.lipschitz, ...(lam !== undefined ? { weight: lam } : {}) };
    const opt = { name: 'adam', options: { lr: spec.lr, betas: [0.5, 0.9] } };
    this.trainer = new gan.GANTrainer({
      generator: G, discriminator: this.discriminator, latentDim: 2, loss: lossSpec(spec.loss), penalty,
      clip: spec.lipschitz === 'clip' ? (lam ?? 0.01) : null, nCritic: spec.nCritic, seed: spec.seed, generatorOptimizer: opt, discriminatorOptimizer: opt,
    });
    const g = new Generator(spec.seed + 3);
    // Fixed latents: the arrows follow the same fake points from frame to frame.
    this.latent = normal([256, 2], 0, 1, { generator: g });
    this.evalLatent = normal([1000, 2], 0, 1, { generator: g });
    this.realShown = Array.from(this.data.x.data.subarray(0, 2 * 500));
  }

  get iteration(): number {
    return this.trainer.iteration;
  }

  /** `n` generator updates (each after nCritic critic updates). */
  advance(n: number): void {
    for (let i = 0; i < n; i++) {
      const s = this.trainer.step(() => this.trainer.nextBatch(this.data, this.spec.batchSize));
      this.last = { discriminatorLoss: s.loss, generatorLoss: s.generatorLoss };
      if (!Number.isFinite(s.loss) || !Number.isFinite(s.generatorLoss)) throw new RangeError(`gan view: the losses became non-finite at iteration ${s.iteration} (D ${s.loss}, G ${s.generatorLoss}); lower the learning rate or add a Lipschitz method`);
    }
  }

  /** The picture and the figures at this iteration. */
  snapshot(res = 48): GanSnapshot {
    const D = this.discriminator;
    const critic = (x: Tensor): Tensor => D.forward(x);
    D.eval();
    try {
      const fake = this.trainer.generate(this.latent.shape[0], { latent: this.latent });
      const field = gan.computeField({ critic, real: new Tensor(Float32Array.from(this.realShown), [this.realShown.length / 2, 2]), fake, bounds: viewBounds(VIEW_BOUNDS[this.spec.mixture], fake.data), grid: 0, background: 'critic', resolution: res });
      const m = gan.evaluateMixture(this.trainer.generate(this.evalLatent.shape[0], { latent: this.evalLatent }), this.data);
      return {
        iteration: this.trainer.iteration, bounds: field.bounds, heat: { res, cells: field.background.cells }, real: field.real, fake: field.fake, fakeGrads: field.fakeGrads,
        modesCovered: m.modesCovered, modes: m.modes, highQualityFraction: m.highQualityFraction, ...this.last,
      };
    } finally {
      D.train();
    }
  }
}
