/**
 * Lipschitz constraints on the discriminator (survey 000 §4.1.1, tables 1 and 2; thesis 004
 * §2.5): gradient penalties toward K = 1, toward K = 0, K ≤ 1, and weight clipping.
 * (Normalizing the discriminator is in normalization.ts.)
 *
 * | name       | row of the survey's tables      | term added to the discriminator's loss               | points (default) |
 * |------------|---------------------------------|------------------------------------------------------|------------------|
 * | 'wgan-gp'  | K→1, Gulrajani et al. 2017      | λ E[(‖∇f(x̂)‖ - K)²], K = 1, λ = 10 (thesis eq. 2-12) | interpolated     |
 * | 'dragan'   | K→1, Kodali et al. 2017         | λ E[(‖∇f(x̂)‖ - 1)²], λ = 10                          | perturbed real   |
 * | 'wgan-div' | K→0, Wu et al. 2018             | k E[‖∇f(x̂)‖^p], k = 2, p = 6                         | interpolated     |
 * | 'r1'       | K→0, Mescheder et al. 2018      | (γ/2) E[‖∇f(x)‖²], γ/2 = 5                           | real             |
 * | 'r2'       | K→0, Mescheder et al. 2018      | (γ/2) E[‖∇f(x̃)‖²], γ/2 = 5                           | fake             |
 * | 'maxgp'    | K→0, Zhou et al. 2019 (thesis)  | λ (max_x ‖∇f(x)‖ - K)², K = 0, λ = 1 (eq. 2-17)      | interpolated + S_max buffer |
 * | 'zero-gp'  | K→0, Thanh-Tung et al. 2019     | λ E[‖∇f(x̂)‖²], λ = 10                                | interpolated     |
 * | 'lp'       | K≤1, Petzka et al. 2018         | λ E[max(0, ‖∇f(x̂)‖ - 1)²], λ = 10 (thesis eq. 2-13)  | interpolated     |
 *
 * The thesis writes the penalties as -ρ/2 E[...] added to an objective the critic maximizes;
 * here they are added to the loss the discriminator minimizes, with λ = ρ/2.
 *
 * The penalty's value depends on the discriminator's parameters through ∇_x f, so its gradient
 * with respect to them needs second derivatives: the input gradient is taken with
 * `createGraph: true`, and `loss.backward()` differentiates through it.
 */
import { concat, grad, noGrad, Tensor, uniform, type Generator } from '../tensor/index.js';
import type { Module } from '../nn/index.js';

/** Where a penalty evaluates ∇f. */
export type PenaltySampling = 'interpolated' | 'real' | 'fake' | 'real-fake' | 'perturbed';

export type PenaltyName = 'wgan-gp' | 'dragan' | 'wgan-div' | 'r1' | 'r2' | 'maxgp' | 'zero-gp' | 'lp';

export interface PenaltyOptions {
  name: PenaltyName;
  /** λ (the coefficient of the term). */
  weight?: number;
  sampling?: PenaltySampling;
  /** The target norm K ('wgan-gp', 'dragan', 'lp', 'maxgp'). */
  target?: number;
  /** The exponent p of 'wgan-div' (default 6). */
  power?: number;
  /** 'maxgp': penalize only max ‖∇f‖ above K (default false: (max - K)² both ways). */
  oneSided?: boolean;
  /** 'maxgp': size of the buffer S_max of the points that gave the largest gradients (default 16; 0 disables it). */
  bufferSize?: number;
  /** 'dragan': the perturbation x + c·std(x)·U[0, 1] (default c = 0.5). */
  perturbation?: number;
}

export type PenaltySpec = PenaltyName | PenaltyOptions;

interface PenaltyDef {
  title: string;
  row: string;
  weight: number;
  sampling: PenaltySampling;
  target?: number;
  formula: string;
}

const DEFS: Record<PenaltyName, PenaltyDef> = {
  'wgan-gp': { title: 'WGAN-GP', row: 'K→1 (Gulrajani et al. 2017)', weight: 10, sampling: 'interpolated', target: 1, formula: 'λ E[(‖∇f(x̂)‖ - K)²]' },
  dragan: { title: 'DRAGAN', row: 'K→1 (Kodali et al. 2017)', weight: 10, sampling: 'perturbed', target: 1, formula: 'λ E[(‖∇f(x̂)‖ - K)²], x̂ around real data' },
  'wgan-div': { title: 'WGAN-div', row: 'K→0 (Wu et al. 2018)', weight: 2, sampling: 'interpolated', formula: 'k E[‖∇f(x̂)‖^p]' },
  r1: { title: 'R1', row: 'K→0 (Mescheder et al. 2018)', weight: 5, sampling: 'real', formula: '(γ/2) E_real[‖∇f(x)‖²]' },
  r2: { title: 'R2', row: 'K→0 (Mescheder et al. 2018)', weight: 5, sampling: 'fake', formula: '(γ/2) E_fake[‖∇f(x)‖²]' },
  maxgp: { title: 'MaxGP', row: 'K→0 (Zhou et al. 2019)', weight: 1, sampling: 'interpolated', target: 0, formula: 'λ (max_x ‖∇f(x)‖ - K)²' },
  'zero-gp': { title: '0-GP', row: 'K→0 (Thanh-Tung et al. 2019)', weight: 10, sampling: 'interpolated', formula: 'λ E[‖∇f(x̂)‖²]' },
  lp: { title: 'LP', row: 'K≤1 (Petzka et al. 2018)', weight: 10, sampling: 'interpolated', target: 1, formula: 'λ E[max(0, ‖∇f(x̂)‖ - K)²]' },
};

export function listPenalties(): PenaltyName[] {
  return Object.keys(DEFS) as PenaltyName[];
}

/** Title, survey row, default coefficient and sampling of a penalty. */
export function describePenalty(name: PenaltyName): Readonly<PenaltyDef> {
  const d = DEFS[name];
  if (!d) throw new RangeError(`describePenalty: unknown penalty '${name}'; available: ${listPenalties().join(', ')}`);
  return d;
}

const SAMPLINGS: readonly PenaltySampling[] = ['interpolated', 'real', 'fake', 'real-fake', 'perturbed'];

/** The points ∇f is evaluated at: interpolates ε x + (1-ε) x̃ (ε ~ U[0, 1] per example), the real or fake batch, both, or perturbed real points. */
export function penaltyPoints(sampling: PenaltySampling, real: Tensor, fake: Tensor, generator: Generator, perturbation = 0.5): Tensor {
  return noGrad(() => {
    const r = real.detach();
    const f = fake.detach();
    switch (sampling) {
      case 'real':
        return r;
      case 'fake':
        return f;
      case 'real-fake':
        return concat([r, f], 0);
      case 'interpolated': {
        const n = r.shape[0];
        const m = f.shape[0];
        // Pair real i with fake i (cycling through the shorter batch).
        const ff = m === n ? f : f.indexSelect(0, Array.from({ length: n }, (_, i) => i % m));
        const eps = uniform([n, ...r.shape.slice(1).map(() => 1)], 0, 1, { generator, dtype: r.dtype });
        return r.mul(eps).add(ff.mul(eps.neg().add(1)));
      }
      case 'perturbed': {
        // DRAGAN (Kodali et al. 2017): x_p = x + c·std(x)·U[0, 1] elementwise, then a random point between x and x_p.
        const n = r.shape[0];
        const sd = r.numel() > 1 ? r.std().item() : 0;
        const noise = uniform(r.shape, 0, 1, { generator, dtype: r.dtype });
        const alpha = uniform([n, ...r.shape.slice(1).map(() => 1)], 0, 1, { generator, dtype: r.dtype });
        return r.add(noise.mul(perturbation * sd).mul(alpha));
      }
      default:
        throw new RangeError(`penalty sampling must be one of ${SAMPLINGS.join(', ')}, got '${String(sampling)}'`);
    }
  });
}

/**
 * ∇_x f at `points` (one row per example) with the graph kept, so functions of it can be
 * differentiated with respect to f's parameters. `critic` maps a batch to outputs [N] or [N, 1].
 */
export function inputGradients(critic: (x: Tensor) => Tensor, points: Tensor): { grads: Tensor; outputs: Tensor; x: Tensor } {
  const x = points.detach().requiresGrad_();
  const outputs = critic(x);
  if (outputs.numel() !== x.shape[0]) throw new RangeError(`gradient penalty: the critic must give one output per example ([N] or [N, 1]); got ${outputs.numel()} outputs for ${x.shape[0]} examples`);
  const [g] = grad(outputs.sum(), x, { createGraph: true });
  return { grads: g.reshape(x.shape[0], -1), outputs, x };
}

/** The result of one evaluation of a penalty. */
export interface PenaltyResult {
  /** λ·term, differentiable with respect to the discriminator's parameters. */
  loss: Tensor;
  /** The term without λ. */
  value: number;
  /** ‖∇f‖ at each point (the buffer's points last, for 'maxgp'). */
  gradNorms: Float64Array;
  /** The points used. */
  points: Tensor;
}

/**
 * A gradient penalty. Stateless except 'maxgp', which keeps the buffer S_max of the points that
 * gave the largest gradients so far (thesis §2.5.4): each evaluation adds them to the sampled
 * points and then keeps the `bufferSize` points of largest ‖∇f‖.
 */
export class GradientPenalty {
  readonly name: PenaltyName;
  readonly weight: number;
  readonly sampling: PenaltySampling;
  readonly target: number;
  readonly power: number;
  readonly oneSided: boolean;
  readonly bufferSize: number;
  readonly perturbation: number;
  /** 'maxgp': the S_max buffer (null until the first evaluation). */
  buffer: Tensor | null = null;

  constructor(spec: PenaltySpec) {
    const o: PenaltyOptions = typeof spec === 'string' ? { name: spec } : spec;
    const def = DEFS[o?.name];
    if (!def) throw new RangeError(`GradientPenalty: unknown penalty '${String(o?.name)}'; available: ${listPenalties().join(', ')}`);
    this.name = o.name;
    this.weight = o.weight ?? def.weight;
    this.sampling = o.sampling ?? def.sampling;
    this.target = o.target ?? def.target ?? 0;
    this.power = o.power ?? 6;
    this.oneSided = o.oneSided ?? false;
    this.bufferSize = o.bufferSize ?? 16;
    this.perturbation = o.perturbation ?? 0.5;
    if (!(this.weight >= 0)) throw new RangeError(`GradientPenalty: weight must be non-negative, got ${this.weight}`);
    if (!SAMPLINGS.includes(this.sampling)) throw new RangeError(`GradientPenalty: sampling must be one of ${SAMPLINGS.join(', ')}, got '${String(this.sampling)}'`);
    if (!(this.power > 0)) throw new RangeError(`GradientPenalty: power must be positive, got ${this.power}`);
    if (!Number.isInteger(this.bufferSize) || this.bufferSize < 0) throw new RangeError(`GradientPenalty: bufferSize must be a non-negative integer, got ${this.bufferSize}`);
  }

  get title(): string {
    return DEFS[this.name].title;
  }

  /** Forgets the 'maxgp' buffer. */
  reset(): void {
    this.buffer = null;
  }

  /** Evaluates the penalty of `critic` on points drawn from `real` and `fake` with `generator`. */
  compute(critic: (x: Tensor) => Tensor, real: Tensor, fake: Tensor, generator: Generator): PenaltyResult {
    let points = penaltyPoints(this.sampling, real, fake, generator, this.perturbation);
    const sampled = points.shape[0];
    if (this.name === 'maxgp' && this.bufferSize > 0 && this.buffer && this.buffer.shape.slice(1).every((d, i) => d === points.shape[i + 1])) {
      points = concat([points, this.buffer.to(points.dtype)], 0);
    }
    return this.evaluate(critic, points, sampled);
  }

  /** Evaluates the penalty at given points (no sampling; 'maxgp' still updates its buffer). */
  at(critic: (x: Tensor) => Tensor, points: Tensor): PenaltyResult {
    return this.evaluate(critic, points, points.shape[0]);
  }

  private evaluate(critic: (x: Tensor) => Tensor, points: Tensor, _sampled: number): PenaltyResult {
    const { grads } = inputGradients(critic, points);
    const sq = grads.square().sum(1);
    let term: Tensor;
    switch (this.name) {
      case 'wgan-gp':
      case 'dragan':
        term = sq.add(1e-12).sqrt().sub(this.target).square().mean();
        break;
      case 'lp':
        term = sq.add(1e-12).sqrt().sub(this.target).relu().square().mean();
        break;
      case 'wgan-div':
        term = this.power === 2 ? sq.mean() : sq.add(1e-12).pow(this.power / 2).mean();
        break;
      case 'r1':
      case 'r2':
      case 'zero-gp':
        term = sq.mean();
        break;
      case 'maxgp': {
        const k = sq.add(1e-12).sqrt().max();
        const d = k.sub(this.target);
        term = (this.oneSided ? d.relu() : d).square();
        break;
      }
    }
    const norms = Float64Array.from(sq.data, (v) => Math.sqrt(Math.max(v, 0)));
    if (this.name === 'maxgp' && this.bufferSize > 0) this.updateBuffer(points, norms);
    return { loss: term.mul(this.weight), value: term.item(), gradNorms: norms, points };
  }

  private updateBuffer(points: Tensor, norms: Float64Array): void {
    const order = Array.from(norms.keys()).sort((a, b) => norms[b] - norms[a] || a - b);
    const keep = order.slice(0, Math.min(this.bufferSize, order.length));
    this.buffer = noGrad(() => points.detach().indexSelect(0, keep).clone());
  }
}

/** A penalty from a name or options. */
export function gradientPenalty(spec: PenaltySpec): GradientPenalty {
  return new GradientPenalty(spec);
}

/**
 * Weight clipping (WGAN, Arjovsky et al. 2017): clamps every parameter of `module` into
 * [-c, c] in place. Call it after each discriminator update.
 */
export function clipWeights(module: Module, c = 0.01): void {
  if (!(c > 0)) throw new RangeError(`clipWeights: the bound must be positive, got ${c}`);
  noGrad(() => {
    for (const p of module.parameters()) {
      const d = p.data;
      for (let i = 0; i < d.length; i++) d[i] = d[i] > c ? c : d[i] < -c ? -c : d[i];
    }
  });
}
