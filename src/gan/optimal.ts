/**
 * Tools for studying the optimal discriminator on fixed point sets (thesis 004 §2.6.2-2.6.3,
 * figures 2-2 and 2-4): train a discriminator alone against fixed real and fake samples, then
 * check where its gradients at the fake samples point.
 */
import type { Module } from '../nn/index.js';
import { createOptimizer, type Optimizer } from '../optim/index.js';
import { Generator, Tensor } from '../tensor/index.js';
import { criticGradients } from './field.js';
import { ganLoss, type GanLossSpec } from './losses.js';
import { GradientPenalty, type PenaltySpec } from './penalties.js';

export interface FixedSetOptions {
  discriminator: Module;
  real: Tensor;
  fake: Tensor;
  loss: GanLossSpec;
  penalty?: PenaltySpec | GradientPenalty | null;
  steps: number;
  optimizer?: { name: string; options?: Record<string, unknown> } | Optimizer<object>;
  /** Points per penalty evaluation (pairs of a random real and a random fake sample; default 64). */
  penaltyBatch?: number;
  seed?: number;
  /** Called every `every` steps (and after the last) with the step number. */
  onCheckpoint?: (step: number, critic: (x: Tensor) => Tensor) => void;
  every?: number;
}

export interface FixedSetResult {
  loss: number[];
  penalty: number[];
  critic: (x: Tensor) => Tensor;
}

/** Trains `discriminator` alone on the full fixed sets (the objective uses every point each step). */
export function trainOnFixedSets(o: FixedSetOptions): FixedSetResult {
  const rng = new Generator(o.seed ?? 0);
  const objective = ganLoss(o.loss);
  const pen = o.penalty == null ? null : o.penalty instanceof GradientPenalty ? o.penalty : new GradientPenalty(o.penalty);
  const opt =
    o.optimizer && typeof (o.optimizer as Optimizer<object>).step === 'function'
      ? (o.optimizer as Optimizer<object>)
      : createOptimizer((o.optimizer as { name: string } | undefined)?.name ?? 'adam', o.discriminator.parameters(), (o.optimizer as { options?: Record<string, unknown> } | undefined)?.options ?? { lr: 1e-3, betas: [0.5, 0.999] });
  const critic = (x: Tensor): Tensor => o.discriminator.forward(x).reshape(x.shape[0]);
  const nr = o.real.shape[0];
  const nf = o.fake.shape[0];
  const pb = o.penaltyBatch ?? 64;
  const every = o.every ?? Math.max(1, Math.floor(o.steps / 20));
  const out: FixedSetResult = { loss: [], penalty: [], critic };
  for (let t = 1; t <= o.steps; t++) {
    let loss = objective.discriminator(critic(o.real), critic(o.fake));
    let pv = 0;
    if (pen) {
      const ri = Array.from({ length: pb }, () => rng.randint(0, nr));
      const fi = Array.from({ length: pb }, () => rng.randint(0, nf));
      const r = pen.compute(critic, o.real.indexSelect(0, ri), o.fake.indexSelect(0, fi), rng);
      loss = loss.add(r.loss);
      pv = r.value;
    }
    opt.zeroGrad();
    loss.backward();
    opt.step();
    out.loss.push(loss.item());
    out.penalty.push(pv);
    if (o.onCheckpoint && (t % every === 0 || t === o.steps)) o.onCheckpoint(t, critic);
  }
  return out;
}

/**
 * The optimal transport plan between equal-size point sets under the Euclidean cost, as a
 * permutation: partner[i] is the real point fake i moves to. Exact (all permutations) up to 8
 * points, greedy beyond.
 */
export function transportPartners(real: Tensor, fake: Tensor): number[] {
  const n = fake.shape[0];
  const m = real.shape[0];
  const d = fake.shape[1];
  const cost = (i: number, j: number): number => {
    let s = 0;
    for (let k = 0; k < d; k++) s += (fake.data[i * d + k] - real.data[j * d + k]) ** 2;
    return Math.sqrt(s);
  };
  if (n === m && n <= 8) {
    let best: number[] = [];
    let bestCost = Infinity;
    const perm = Array.from({ length: n }, (_, i) => i);
    const visit = (k: number, acc: number): void => {
      if (acc >= bestCost) return;
      if (k === n) {
        bestCost = acc;
        best = perm.slice();
        return;
      }
      for (let i = k; i < n; i++) {
        [perm[k], perm[i]] = [perm[i], perm[k]];
        visit(k + 1, acc + cost(k, perm[k]));
        [perm[k], perm[i]] = [perm[i], perm[k]];
      }
    };
    visit(0, 0);
    return best;
  }
  // Greedy: repeatedly take the cheapest remaining pair (each real point used at most ceil(n/m) times).
  const cap = Math.ceil(n / m);
  const used = new Array<number>(m).fill(0);
  const partner = new Array<number>(n).fill(-1);
  const pairs: [number, number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) pairs.push([cost(i, j), i, j]);
  pairs.sort((a, b) => a[0] - b[0]);
  for (const [, i, j] of pairs) {
    if (partner[i] >= 0 || used[j] >= cap) continue;
    partner[i] = j;
    used[j]++;
  }
  return partner;
}

export interface DirectionStats {
  /** Per fake point: cosine between ∇f(x) and the direction to the nearest real point. */
  cosNearest: number[];
  /** Per fake point: the largest cosine between ∇f(x) and the direction to any real point. */
  cosBest: number[];
  /** Per fake point: cosine to the transport partner (when partners are given). */
  cosPartner: number[] | null;
  /** Per fake point: distance from the ray x + t∇f(x), t ≥ 0, to the closest real point. */
  rayMiss: number[];
  /** Per fake point: the real point the ray passes closest to. */
  target: number[];
  /** ‖∇f(x)‖ per fake point. */
  gradNorm: number[];
  /** Critic values at the fake points. */
  values: number[];
}

/** Where the critic's gradients at the fake points point, relative to the real points. */
export function directionStats(critic: (x: Tensor) => Tensor, real: Tensor, fake: Tensor, partners?: number[]): DirectionStats {
  const { grads, values } = criticGradients(critic, fake);
  const n = fake.shape[0];
  const m = real.shape[0];
  const d = fake.shape[1];
  const out: DirectionStats = { cosNearest: [], cosBest: [], cosPartner: partners ? [] : null, rayMiss: [], target: [], gradNorm: [], values: Array.from(values) };
  for (let i = 0; i < n; i++) {
    const g = Array.from({ length: d }, (_, k) => grads[i * d + k]);
    const gn = Math.hypot(...g);
    out.gradNorm.push(gn);
    let nearest = -1;
    let nearestD = Infinity;
    let best = -Infinity;
    let miss = Infinity;
    let target = -1;
    const cosTo = (j: number): { cos: number; dist: number; along: number } => {
      const v = Array.from({ length: d }, (_, k) => real.data[j * d + k] - fake.data[i * d + k]);
      const dist = Math.hypot(...v);
      const along = gn > 0 ? v.reduce((s, vk, k) => s + vk * g[k], 0) / gn : 0;
      return { cos: gn > 0 && dist > 0 ? along / dist : 0, dist, along };
    };
    for (let j = 0; j < m; j++) {
      const c = cosTo(j);
      if (c.dist < nearestD) [nearest, nearestD] = [j, c.dist];
      best = Math.max(best, c.cos);
      // Distance from real point j to the ray.
      const r = c.along > 0 ? Math.sqrt(Math.max(c.dist * c.dist - c.along * c.along, 0)) : c.dist;
      if (r < miss) [miss, target] = [r, j];
    }
    out.cosNearest.push(cosTo(nearest).cos);
    out.cosBest.push(best);
    out.rayMiss.push(miss);
    out.target.push(target);
    if (partners && out.cosPartner) out.cosPartner.push(cosTo(partners[i]).cos);
  }
  return out;
}
