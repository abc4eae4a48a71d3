/**
 * GANTrainer: alternating updates of a discriminator and a generator with any objective of
 * losses.ts, any number of gradient penalties (penalties.ts), weight clipping, nCritic
 * discriminator steps per generator step, separate optimizers and learning rates for the two
 * players (the two time-scale update rule, Heusel et al. 2017), an exponential moving average
 * of the generator's weights, and the class-conditional variants AC-GAN and AM-GAN (thesis 004
 * chapter 4) besides plain conditioning (cGAN, projection discriminators).
 *
 * ```ts
 * const data = gaussianRing({ n: 4096, seed: 0 });
 * const trainer = new GANTrainer({
 *   generator: new MLPGenerator({ latentDim: 2 }), discriminator: new MLPDiscriminator(),
 *   latentDim: 2, loss: 'wasserstein', penalty: 'wgan-gp', nCritic: 5, seed: 0,
 * });
 * trainer.fit(data, { iterations: 2000, batchSize: 64 });
 * evaluateMixture(trainer.generate(2000), data);
 * ```
 *
 * Every random draw (batches, latents, labels, penalty points) comes from the trainer's own
 * generator seeded by `seed`, so with identically initialized models a run is reproducible bit
 * for bit.
 */
import { createOptimizer, type Optimizer } from '../optim/index.js';
import type { Module } from '../nn/index.js';
import { Generator, noGrad, normal, Tensor, uniform } from '../tensor/index.js';
import type { TensorDataset } from '../data/index.js';
import { acganAdversarial, acganDiscriminatorLoss, acganGeneratorLoss, amganAdversarial, amganDiscriminatorLoss, amganGeneratorLoss, labelTensor } from './conditional.js';
import { ganLoss, type GanLoss, type GanLossSpec } from './losses.js';
import { clipWeights, GradientPenalty, type PenaltySpec } from './penalties.js';

export interface OptimizerChoice {
  /** A registry name (createOptimizer), e.g. 'adam'. */
  name: string;
  options?: Record<string, unknown>;
}

export type ConditionalKind = 'acgan' | 'amgan' | 'cgan';

export interface ConditionalOptions {
  /**
   * - 'acgan': the discriminator outputs [adversarial, K class logits]; an auxiliary classifier
   *   loss on real data for D, on generated data (with the generator's labels) for G (thesis
   *   eq. 4-7 to 4-11);
   * - 'amgan': K + 1 logits, the last for "fake"; D: H(v(y), D(x)) + H(v(K+1), D(G(z)));
   *   G: H(v(y), D(G(z))) (thesis eq. 4-17, 4-18);
   * - 'cgan': the labels are only passed to both networks (e.g. a projection discriminator,
   *   conditional batch normalization in the generator) with the plain objective.
   */
  kind: ConditionalKind;
  numClasses: number;
  /** AC-GAN: weight of the auxiliary classifier's losses (default 1). */
  classWeight?: number;
  /** AC-GAN: also train the classifier to put generated samples in their class, as Odena et al. did (the thesis drops it; default false). */
  fakeClassLoss?: boolean;
  /** AC-GAN: CatGAN-like adversarial training of the classifier, thesis eq. 4-24 (AC-GAN⁺: D pushes C(G(z)) to uniform; default false). */
  adversarialClassifier?: boolean;
  /** AM-GAN: dynamic labels, y(x) = argmax_k D_k(x) over the K real classes (thesis eq. 4-23), instead of the generator's labels (default false). */
  dynamicLabels?: boolean;
}

export interface GANTrainerOptions {
  generator: Module;
  discriminator: Module;
  latentDim: number;
  /** The objective (default 'nonsaturating'); ignored by AM-GAN, which has its own. */
  loss?: GanLossSpec;
  /** Gradient penalties added to the discriminator's loss. */
  penalty?: PenaltySpec | GradientPenalty | readonly (PenaltySpec | GradientPenalty)[] | null;
  /** Weight clipping bound c (WGAN): parameters are clamped into [-c, c] after each D update. */
  clip?: number | null;
  /** Discriminator updates per generator update (default 1). */
  nCritic?: number;
  /** Default: Adam, lr 2e-4, betas [0.5, 0.999]. */
  generatorOptimizer?: OptimizerChoice | Optimizer<object>;
  discriminatorOptimizer?: OptimizerChoice | Optimizer<object>;
  /** Shortcuts for the learning rates (TTUR: e.g. 1e-4 for G, 4e-4 for D). */
  generatorLr?: number;
  discriminatorLr?: number;
  /** Exponential moving average of the generator's parameters (e.g. 0.999); null for none. */
  emaDecay?: number | null;
  /** Iterations before the average starts (it copies the parameters until then; default 0). */
  emaStart?: number;
  conditional?: ConditionalOptions | null;
  /** Latent distribution (default 'normal'). */
  latent?: 'normal' | 'uniform';
  seed?: number;
}

export interface DiscriminatorStats {
  loss: number;
  /** The objective's part (no penalty). */
  objective: number;
  /** The penalties' weighted sum. */
  penalty: number;
  /** Mean adversarial output on the real and the fake batch. */
  realMean: number;
  fakeMean: number;
  /** max ‖∇f‖ at the penalty's points (when a penalty runs). */
  maxGradNorm: number | null;
}

export interface GeneratorStats {
  loss: number;
}

export interface StepStats extends DiscriminatorStats {
  generatorLoss: number;
  iteration: number;
}

export interface Batch {
  x: Tensor;
  y?: Tensor;
}

export interface FitOptions {
  iterations: number;
  batchSize?: number;
  /** Called after each iteration; return false to stop. */
  onStep?: (stats: StepStats, trainer: GANTrainer) => void | boolean;
}

export interface History {
  iteration: number[];
  discriminatorLoss: number[];
  generatorLoss: number[];
  penalty: number[];
  realMean: number[];
  fakeMean: number[];
}

const DEFAULT_OPTIMIZER: OptimizerChoice = { name: 'adam', options: { lr: 2e-4, betas: [0.5, 0.999] } };

function isOptimizer(o: unknown): o is Optimizer<object> {
  return !!o && typeof (o as Optimizer<object>).step === 'function' && typeof (o as Optimizer<object>).zeroGrad === 'function';
}

export class GANTrainer {
  readonly generator: Module;
  readonly discriminator: Module;
  readonly latentDim: number;
  readonly loss: GanLoss;
  readonly penalties: GradientPenalty[];
  readonly clip: number | null;
  readonly nCritic: number;
  readonly generatorOptimizer: Optimizer<object>;
  readonly discriminatorOptimizer: Optimizer<object>;
  readonly emaDecay: number | null;
  readonly emaStart: number;
  readonly conditional: Required<ConditionalOptions> | null;
  readonly latent: 'normal' | 'uniform';
  /** The trainer's random stream. */
  readonly rng: Generator;
  /** Completed iterations (generator updates). */
  iteration = 0;
  private ema: Float32Array[] | null = null;
  private sampler: { data: TensorDataset; order: Int32Array; pos: number } | null = null;

  constructor(o: GANTrainerOptions) {
    if (!o || !o.generator || !o.discriminator) throw new TypeError('GANTrainer: generator and discriminator are required');
    if (!Number.isInteger(o.latentDim) || o.latentDim < 1) throw new RangeError(`GANTrainer: latentDim must be a positive integer, got ${o.latentDim}`);
    this.generator = o.generator;
    this.discriminator = o.discriminator;
    this.latentDim = o.latentDim;
    this.loss = ganLoss(o.loss ?? 'nonsaturating');
    const ps = o.penalty == null ? [] : Array.isArray(o.penalty) ? o.penalty : [o.penalty];
    this.penalties = (ps as (PenaltySpec | GradientPenalty)[]).map((p) => (p instanceof GradientPenalty ? p : new GradientPenalty(p)));
    this.clip = o.clip ?? null;
    if (this.clip !== null && !(this.clip > 0)) throw new RangeError(`GANTrainer: clip must be positive, got ${this.clip}`);
    this.nCritic = o.nCritic ?? 1;
    if (!Number.isInteger(this.nCritic) || this.nCritic < 1) throw new RangeError(`GANTrainer: nCritic must be a positive integer, got ${this.nCritic}`);
    this.emaDecay = o.emaDecay ?? null;
    if (this.emaDecay !== null && !(this.emaDecay >= 0 && this.emaDecay < 1)) throw new RangeError(`GANTrainer: emaDecay must lie in [0, 1), got ${this.emaDecay}`);
    this.emaStart = o.emaStart ?? 0;
    this.latent = o.latent ?? 'normal';
    this.rng = new Generator(o.seed ?? 0);
    if (o.conditional) {
      const c = o.conditional;
      if (!['acgan', 'amgan', 'cgan'].includes(c.kind)) throw new RangeError(`GANTrainer: conditional.kind must be 'acgan', 'amgan' or 'cgan', got '${String(c.kind)}'`);
      if (!Number.isInteger(c.numClasses) || c.numClasses < 2) throw new RangeError(`GANTrainer: conditional.numClasses must be an integer ≥ 2, got ${c.numClasses}`);
      this.conditional = { classWeight: 1, fakeClassLoss: false, adversarialClassifier: false, dynamicLabels: false, ...c };
    } else this.conditional = null;
    this.generatorOptimizer = this.makeOptimizer(o.generatorOptimizer, o.generatorLr, this.generator, 'generator');
    this.discriminatorOptimizer = this.makeOptimizer(o.discriminatorOptimizer, o.discriminatorLr, this.discriminator, 'discriminator');
  }

  private makeOptimizer(choice: OptimizerChoice | Optimizer<object> | undefined, lr: number | undefined, m: Module, who: string): Optimizer<object> {
    if (isOptimizer(choice)) return choice;
    const c = choice ?? DEFAULT_OPTIMIZER;
    const options = { ...(choice ? {} : DEFAULT_OPTIMIZER.options), ...(c.options ?? {}), ...(lr !== undefined ? { lr } : {}) };
    try {
      return createOptimizer(c.name, m.parameters(), options);
    } catch (err) {
      throw new Error(`GANTrainer: the ${who}'s optimizer: ${(err as Error).message}`);
    }
  }

  // ---- sampling ---------------------------------------------------------------------------

  /** Latent codes [n, latentDim] from the trainer's stream. */
  sampleLatent(n: number): Tensor {
    return this.latent === 'normal' ? normal([n, this.latentDim], 0, 1, { generator: this.rng }) : uniform([n, this.latentDim], -1, 1, { generator: this.rng });
  }

  /** Uniformly drawn class labels [n] (conditional training only). */
  sampleLabels(n: number): Tensor {
    const k = this.conditional?.numClasses;
    if (!k) throw new Error('GANTrainer.sampleLabels: the trainer is not conditional');
    return labelTensor(Array.from({ length: n }, () => this.rng.randint(0, k)));
  }

  /**
   * n generated samples without gradients; `labels` for a conditional generator (default:
   * drawn uniformly), `ema` to use the averaged weights, `train` to keep the generator in
   * training mode (batch statistics) instead of eval mode.
   */
  generate(n: number, options: { labels?: Tensor; ema?: boolean; train?: boolean; latent?: Tensor } = {}): Tensor {
    const z = options.latent ?? this.sampleLatent(n);
    const labels = options.labels ?? (this.conditional ? this.sampleLabels(n) : undefined);
    const run = (): Tensor => {
      const wasTraining = this.generator.training;
      this.generator.train(options.train ?? false);
      try {
        return noGrad(() => this.generator.forward(z, ...(labels ? [labels] : [])));
      } finally {
        this.generator.train(wasTraining);
      }
    };
    return options.ema ? this.withEma(run) : run();
  }

  /** Runs fn with the generator's parameters replaced by their moving average (restored afterwards). */
  withEma<T>(fn: () => T): T {
    if (!this.ema) return fn();
    const params = this.generator.parameters();
    const saved = params.map((p) => Float32Array.from(p.data));
    params.forEach((p, i) => p.data.set(this.ema![i]));
    try {
      return fn();
    } finally {
      params.forEach((p, i) => p.data.set(saved[i]));
    }
  }

  /** The averaged generator parameters (null without EMA or before the first update). */
  emaParameters(): Float32Array[] | null {
    return this.ema ? this.ema.map((a) => Float32Array.from(a)) : null;
  }

  // ---- the discriminator's outputs ----------------------------------------------------------

  /** The adversarial output [N] from the discriminator's raw outputs. */
  adversarial(out: Tensor): Tensor {
    const n = out.shape[0];
    const c = this.conditional;
    if (c?.kind === 'acgan') return acganAdversarial(out);
    if (c?.kind === 'amgan') return amganAdversarial(out, c.numClasses);
    if (out.numel() !== n) throw new RangeError(`GANTrainer: the discriminator must give one output per example, got shape [${out.shape}] (for AC-GAN or AM-GAN heads set conditional)`);
    return out.reshape(n);
  }

  private discriminate(x: Tensor, labels?: Tensor): Tensor {
    const needs = this.conditional?.kind === 'cgan';
    return this.discriminator.forward(x, ...(needs && labels ? [labels] : []));
  }

  private cycle(labels: Tensor | undefined, n: number): Tensor | undefined {
    if (!labels || labels.numel() === n) return labels;
    return labelTensor(Array.from({ length: n }, (_, i) => labels.data[i % labels.numel()]));
  }

  // ---- updates ------------------------------------------------------------------------------

  /** One discriminator update on a real batch (and its labels, for conditional training). */
  discriminatorStep(real: Tensor, labels?: Tensor): DiscriminatorStats {
    const c = this.conditional;
    if (c && !labels) throw new Error(`GANTrainer: conditional training (${c.kind}) needs the real batch's labels`);
    const n = real.shape[0];
    const z = this.sampleLatent(n);
    // In conditional training the fake batch takes the real batch's labels, so points between
    // a real and a fake example have one label.
    const fakeLabels = c ? labels : undefined;
    const fake = noGrad(() => this.generator.forward(z, ...(fakeLabels ? [fakeLabels] : []))).detach();
    const outR = this.discriminate(real, labels);
    const outF = this.discriminate(fake, fakeLabels);
    const advR = this.adversarial(outR);
    const advF = this.adversarial(outF);
    const objective =
      c?.kind === 'amgan' ? amganDiscriminatorLoss(outR, outF, labels!, c.numClasses)
      : c?.kind === 'acgan' ? acganDiscriminatorLoss(this.loss, outR, outF, labels!, fakeLabels!, c)
      : this.loss.discriminator(advR, advF);
    let total = objective;
    let penalty = 0;
    let maxGradNorm: number | null = null;
    for (const p of this.penalties) {
      const critic = (x: Tensor): Tensor => this.adversarial(this.discriminate(x, this.cycle(labels, x.shape[0])));
      const r = p.compute(critic, real, fake, this.rng);
      total = total.add(r.loss);
      penalty += r.value * p.weight;
      const m = r.gradNorms.reduce((a, b) => Math.max(a, b), 0);
      maxGradNorm = maxGradNorm === null ? m : Math.max(maxGradNorm, m);
    }
    this.discriminatorOptimizer.zeroGrad();
    total.backward();
    this.discriminatorOptimizer.step();
    if (this.clip !== null) clipWeights(this.discriminator, this.clip);
    return { loss: total.item(), objective: objective.item(), penalty, realMean: advR.mean().item(), fakeMean: advF.mean().item(), maxGradNorm };
  }

  /** One generator update on a batch of n latents. */
  generatorStep(n: number): GeneratorStats {
    const c = this.conditional;
    const labels = c ? this.sampleLabels(n) : undefined;
    const z = this.sampleLatent(n);
    const fake = this.generator.forward(z, ...(labels ? [labels] : []));
    const out = this.discriminate(fake, labels);
    const loss =
      c?.kind === 'amgan' ? amganGeneratorLoss(out, labels!, c.numClasses, c.dynamicLabels)
      : c?.kind === 'acgan' ? acganGeneratorLoss(this.loss, out, labels!, c)
      : this.loss.generator(this.adversarial(out));
    this.generatorOptimizer.zeroGrad();
    // Only the generator's parameters move; the discriminator's gradients are cleared before its next step.
    loss.backward();
    this.generatorOptimizer.step();
    this.discriminator.zeroGrad();
    this.updateEma();
    return { loss: loss.item() };
  }

  private updateEma(): void {
    if (this.emaDecay === null) return;
    const params = this.generator.parameters();
    if (!this.ema || this.iteration < this.emaStart) {
      this.ema = params.map((p) => Float32Array.from(p.data));
      return;
    }
    const d = this.emaDecay;
    params.forEach((p, i) => {
      const e = this.ema![i];
      const v = p.data;
      for (let j = 0; j < e.length; j++) e[j] = d * e[j] + (1 - d) * v[j];
    });
  }

  /** nCritic discriminator updates (each on a fresh batch from `next`), then one generator update. */
  step(next: () => Batch): StepStats {
    let d: DiscriminatorStats | null = null;
    let n = 0;
    for (let k = 0; k < this.nCritic; k++) {
      const b = next();
      n = b.x.shape[0];
      d = this.discriminatorStep(b.x, b.y);
    }
    const g = this.generatorStep(n);
    this.iteration++;
    return { ...d!, generatorLoss: g.loss, iteration: this.iteration };
  }

  /** A batch of `batchSize` rows of `data`, in a fresh random order each pass (from the trainer's stream). */
  nextBatch(data: TensorDataset, batchSize: number): Batch {
    const n = data.x.shape[0];
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > n) throw new RangeError(`GANTrainer: batchSize must be an integer in [1, ${n}], got ${batchSize}`);
    if (!this.sampler || this.sampler.data !== data) this.sampler = { data, order: this.rng.permutation(n), pos: 0 };
    if (this.sampler.pos + batchSize > n) this.sampler = { data, order: this.rng.permutation(n), pos: 0 };
    const idx = this.sampler.order.subarray(this.sampler.pos, this.sampler.pos + batchSize);
    this.sampler.pos += batchSize;
    return { x: data.x.indexSelect(0, idx), y: this.conditional ? data.y.indexSelect(0, idx) : undefined };
  }

  /** Trains for `iterations` generator updates on batches of `data`; returns the per-iteration history. */
  fit(data: TensorDataset, options: FitOptions): History {
    const batchSize = options.batchSize ?? 64;
    const h: History = { iteration: [], discriminatorLoss: [], generatorLoss: [], penalty: [], realMean: [], fakeMean: [] };
    for (let t = 0; t < options.iterations; t++) {
      const s = this.step(() => this.nextBatch(data, batchSize));
      h.iteration.push(s.iteration);
      h.discriminatorLoss.push(s.loss);
      h.generatorLoss.push(s.generatorLoss);
      h.penalty.push(s.penalty);
      h.realMean.push(s.realMean);
      h.fakeMean.push(s.fakeMean);
      if (options.onStep?.(s, this) === false) break;
    }
    return h;
  }
}
