/**
 * GAN objectives: the discriminator's and the generator's loss for the original minimax GAN,
 * its non-saturating variant, least squares (LSGAN), Wasserstein, hinge, and the Lipschitz GAN
 * family of thesis 004 chapter 2 (equation 2-10):
 *
 *   min_f  E_z[ϕ(f(g(z)))] + E_x[φ(f(x))] + λ·k(f)²,      min_g  E_z[ψ(f(g(z)))]
 *
 * with loss metrics ϕ (applied to fake outputs) and φ (applied to real outputs) that satisfy
 * equation 2-11: ϕ' > 0, ϕ'' ≥ 0, φ' < 0, φ'' ≥ 0, and ϕ'(a) + φ'(a) = 0 for some a. The
 * penalty λ·k(f)² is a separate piece (see penalties.ts: 'maxgp' is the thesis's estimate of
 * k(f), equation 2-17).
 *
 * Every loss takes the discriminator's raw outputs (logits or critic values, any shape; they
 * are averaged) and returns a scalar tensor to minimize.
 */
import { grad, Tensor, type DType } from '../tensor/index.js';

// ---- loss metrics of the Lipschitz GAN family (equation 2-11) --------------------------------

/** A pair of loss metrics for equation 2-10: `phi` for fake outputs, `varphi` for real ones. */
export interface LossMetric {
  name: string;
  /** ϕ, applied to f(fake): increasing and convex. */
  phi: (x: Tensor) => Tensor;
  /** φ, applied to f(real): decreasing and convex. */
  varphi: (x: Tensor) => Tensor;
  /** Plain-text formula, e.g. 'ϕ(x) = φ(-x) = exp(x)'. */
  formula: string;
}

/** A loss metric given as functions; `varphi` defaults to x ↦ phi(-x), as in the thesis. */
export interface LossMetricFunctions {
  name?: string;
  phi: (x: Tensor) => Tensor;
  varphi?: (x: Tensor) => Tensor;
  formula?: string;
}

/** Names of the built-in loss metrics (thesis §2.4, figure 2-13). */
export type LossMetricName = 'linear' | 'logsigmoid' | 'sqrt' | 'exp';

const symmetric = (name: string, formula: string, phi: (x: Tensor) => Tensor): LossMetric => ({
  name,
  formula: `ϕ(x) = φ(-x) = ${formula}`,
  phi,
  varphi: (x) => phi(x.neg()),
});

const BUILTIN_METRICS: Record<LossMetricName, LossMetric> = {
  // WGAN's metric: ϕ(x) = x, φ(x) = -x.
  linear: symmetric('linear', 'x', (x) => x),
  // The original GAN's: -log σ(-x) = softplus(x).
  logsigmoid: symmetric('logsigmoid', '-log(sigmoid(-x))', (x) => x.softplus()),
  sqrt: symmetric('sqrt', 'x + sqrt(x^2 + 1)', (x) => x.add(x.square().add(1).sqrt())),
  exp: symmetric('exp', 'exp(x)', (x) => x.exp()),
};

/** The built-in loss metrics' names. */
export function listLossMetrics(): LossMetricName[] {
  return Object.keys(BUILTIN_METRICS) as LossMetricName[];
}

/** The thrown error when a loss metric violates equation 2-11. */
export class LossMetricError extends Error {
  constructor(message: string, readonly violations: string[]) {
    super(message);
    this.name = 'LossMetricError';
  }
}

export interface CheckMetricOptions {
  /** The grid's ends (default [-10, 10]). */
  range?: [number, number];
  /** Grid points (default 401). */
  points?: number;
  /** Slack for the second-derivative and strictness tests (default 1e-9). */
  tolerance?: number;
}

export interface MetricCheck {
  ok: boolean;
  /** One line per violated condition, naming the first grid point where it fails. */
  violations: string[];
  /** A point where ϕ'(a) + φ'(a) = 0 (interpolated on the grid), when one exists. */
  a: number | null;
}

const fmt = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : String(Number(v.toFixed(4))));

/** First and second derivatives of an elementwise function on `xs`, by double backward in float64. */
function derivatives(f: (x: Tensor) => Tensor, xs: Float64Array, dtype: DType = 'float64'): { d1: Float64Array; d2: Float64Array } {
  const x = new Tensor(Float64Array.from(xs), [xs.length]).to(dtype).requiresGrad_();
  const y = f(x);
  if (!(y instanceof Tensor) || y.numel() !== xs.length) throw new TypeError('loss metric: the function must map a tensor to a tensor of the same shape, elementwise');
  if (!y.requiresGrad) return { d1: new Float64Array(xs.length), d2: new Float64Array(xs.length) };
  const [g1] = grad(y.sum(), x, { createGraph: true });
  const d1 = Float64Array.from(g1.data);
  if (!g1.requiresGrad) return { d1, d2: new Float64Array(xs.length) };
  const [g2] = grad(g1.sum(), x, { allowUnused: true });
  return { d1, d2: Float64Array.from(g2.data) };
}

/**
 * Checks equation 2-11 numerically on a grid: ϕ' > 0, ϕ'' ≥ 0, φ' < 0, φ'' ≥ 0 at every grid
 * point, and ϕ'(a) + φ'(a) = 0 somewhere (a zero or a sign change of the sum on the grid).
 */
export function checkLossMetric(metric: LossMetricFunctions, options: CheckMetricOptions = {}): MetricCheck {
  const [lo, hi] = options.range ?? [-10, 10];
  const n = options.points ?? 401;
  const tol = options.tolerance ?? 1e-9;
  if (!(hi > lo) || !Number.isInteger(n) || n < 2) throw new RangeError('checkLossMetric: need range [lo, hi] with lo < hi and at least 2 points');
  const xs = Float64Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  const varphi = metric.varphi ?? ((x: Tensor) => metric.phi(x.neg()));
  const p = derivatives(metric.phi, xs);
  const v = derivatives(varphi, xs);
  const violations: string[] = [];
  const first = (test: (i: number) => boolean): number => {
    for (let i = 0; i < n; i++) if (!test(i)) return i;
    return -1;
  };
  const fail = (cond: string, i: number, value: number): void => {
    violations.push(`${cond} fails at x = ${fmt(xs[i])} (value ${fmt(value)})`);
  };
  let i = first((k) => p.d1[k] > 0 && Number.isFinite(p.d1[k]));
  if (i >= 0) fail("ϕ'(x) > 0", i, p.d1[i]);
  i = first((k) => p.d2[k] >= -tol * (1 + Math.abs(p.d1[k])));
  if (i >= 0) fail("ϕ''(x) ≥ 0", i, p.d2[i]);
  i = first((k) => v.d1[k] < 0 && Number.isFinite(v.d1[k]));
  if (i >= 0) fail("φ'(x) < 0", i, v.d1[i]);
  i = first((k) => v.d2[k] >= -tol * (1 + Math.abs(v.d1[k])));
  if (i >= 0) fail("φ''(x) ≥ 0", i, v.d2[i]);
  let a: number | null = null;
  for (let k = 0; k < n && a === null; k++) {
    const s = p.d1[k] + v.d1[k];
    const scale = Math.abs(p.d1[k]) + Math.abs(v.d1[k]);
    if (Math.abs(s) <= tol * (1 + scale)) a = xs[k];
    else if (k + 1 < n) {
      const s2 = p.d1[k + 1] + v.d1[k + 1];
      if (Math.sign(s) !== Math.sign(s2) && Number.isFinite(s2)) a = xs[k] + ((xs[k + 1] - xs[k]) * s) / (s - s2);
    }
  }
  if (a === null) violations.push(`no a in [${fmt(lo)}, ${fmt(hi)}] with ϕ'(a) + φ'(a) = 0 (the sum keeps the sign of ${fmt(p.d1[0] + v.d1[0])})`);
  return { ok: violations.length === 0, violations, a };
}

/**
 * A loss metric by name ('linear', 'logsigmoid', 'sqrt', 'exp') or from user functions. User
 * functions are checked against equation 2-11 on a grid first (unless `check: false`); a
 * violation throws a {@link LossMetricError} naming the failed conditions.
 */
export function lossMetric(spec: LossMetricName | LossMetric | LossMetricFunctions, options: CheckMetricOptions & { check?: boolean } = {}): LossMetric {
  if (typeof spec === 'string') {
    const m = BUILTIN_METRICS[spec as LossMetricName];
    if (!m) throw new RangeError(`lossMetric: unknown loss metric '${spec}'; built-in: ${listLossMetrics().join(', ')} (or pass { phi, varphi } functions)`);
    return m;
  }
  if (!spec || typeof spec.phi !== 'function') throw new TypeError('lossMetric: expected a built-in name or { phi, varphi? } functions of tensors');
  const metric: LossMetric = {
    name: spec.name ?? 'custom',
    phi: spec.phi,
    varphi: spec.varphi ?? ((x: Tensor) => spec.phi(x.neg())),
    formula: spec.formula ?? (spec.varphi ? 'user-supplied ϕ and φ' : 'user-supplied ϕ(x) = φ(-x)'),
  };
  if (options.check !== false && !Object.values(BUILTIN_METRICS).includes(spec as LossMetric)) {
    const r = checkLossMetric(metric, options);
    if (!r.ok) {
      throw new LossMetricError(
        `loss metric '${metric.name}' does not satisfy equation (2-11) of thesis 004 (ϕ' > 0, ϕ'' ≥ 0, φ' < 0, φ'' ≥ 0, ∃a: ϕ'(a) + φ'(a) = 0): ${r.violations.join('; ')}`,
        r.violations,
      );
    }
  }
  return metric;
}

// ---- GAN objectives -------------------------------------------------------------------------

export type GanLossName = 'minimax' | 'nonsaturating' | 'lsgan' | 'wasserstein' | 'hinge' | 'lgan';

/** The generator's metric ψ in an LGAN (eq. 2-10 leaves it free): 'linear' ψ(x) = -x (descent's default), 'nonsaturating' ψ = φ, 'minimax' ψ = -ϕ. */
export type LganGeneratorLoss = 'linear' | 'nonsaturating' | 'minimax';

export type GanLossSpec =
  | GanLossName
  | { name: 'lgan'; metric?: LossMetricName | LossMetric | LossMetricFunctions; generator?: LganGeneratorLoss }
  | { name: 'lsgan'; a?: number; b?: number; c?: number }
  | { name: Exclude<GanLossName, 'lgan' | 'lsgan'> };

/** A GAN objective: the discriminator's and the generator's loss from the discriminator's outputs. */
export interface GanLoss {
  name: GanLossName;
  /** What tables call it, e.g. 'lgan(exp)'. */
  label: string;
  /** The formula in plain text. */
  formula: string;
  discriminator(real: Tensor, fake: Tensor): Tensor;
  generator(fake: Tensor): Tensor;
}

const GAN_LOSSES: readonly GanLossName[] = ['minimax', 'nonsaturating', 'lsgan', 'wasserstein', 'hinge', 'lgan'];

export function listGanLosses(): GanLossName[] {
  return [...GAN_LOSSES];
}

/**
 * Builds a GAN objective:
 * - 'minimax' (Goodfellow et al. 2014): D: -log σ(d_r) - log(1 - σ(d_f)); G: log(1 - σ(d_f));
 * - 'nonsaturating': the same D; G: -log σ(d_f);
 * - 'lsgan' (Mao et al. 2017, a=0, b=1, c=1): D: ½(d_r - b)² + ½(d_f - a)²; G: ½(d_f - c)²;
 * - 'wasserstein' (Arjovsky et al. 2017): D: d_f - d_r; G: -d_f;
 * - 'hinge' (Lim and Ye 2017; Miyato et al. 2018): D: relu(1 - d_r) + relu(1 + d_f); G: -d_f;
 * - 'lgan' (thesis 004 eq. 2-10): D: ϕ(d_f) + φ(d_r); G: ψ(d_f), ψ(x) = -x by default.
 * All are averaged over the batch.
 */
export function ganLoss(spec: GanLossSpec = 'nonsaturating'): GanLoss {
  const s = typeof spec === 'string' ? ({ name: spec } as { name: GanLossName }) : spec;
  if (!s || !GAN_LOSSES.includes(s.name)) {
    throw new RangeError(`ganLoss: unknown loss '${typeof spec === 'string' ? spec : (s as { name?: unknown })?.name}'; available: ${GAN_LOSSES.join(', ')}`);
  }
  switch (s.name) {
    case 'minimax':
      return {
        name: 'minimax',
        label: 'minimax',
        formula: 'D: -log σ(f(x)) - log(1 - σ(f(g(z))));  G: log(1 - σ(f(g(z))))',
        discriminator: (r, f) => r.neg().softplus().mean().add(f.softplus().mean()),
        generator: (f) => f.softplus().mean().neg(),
      };
    case 'nonsaturating':
      return {
        name: 'nonsaturating',
        label: 'non-saturating',
        formula: 'D: -log σ(f(x)) - log(1 - σ(f(g(z))));  G: -log σ(f(g(z)))',
        discriminator: (r, f) => r.neg().softplus().mean().add(f.softplus().mean()),
        generator: (f) => f.neg().softplus().mean(),
      };
    case 'lsgan': {
      const o = s as { a?: number; b?: number; c?: number };
      const a = o.a ?? 0;
      const b = o.b ?? 1;
      const c = o.c ?? 1;
      return {
        name: 'lsgan',
        label: 'lsgan',
        formula: `D: ½(f(x) - ${b})² + ½(f(g(z)) - ${a})²;  G: ½(f(g(z)) - ${c})²`,
        discriminator: (r, f) => r.sub(b).square().mean().mul(0.5).add(f.sub(a).square().mean().mul(0.5)),
        generator: (f) => f.sub(c).square().mean().mul(0.5),
      };
    }
    case 'wasserstein':
      return {
        name: 'wasserstein',
        label: 'wasserstein',
        formula: 'D: f(g(z)) - f(x);  G: -f(g(z))',
        discriminator: (r, f) => f.mean().sub(r.mean()),
        generator: (f) => f.mean().neg(),
      };
    case 'hinge':
      return {
        name: 'hinge',
        label: 'hinge',
        formula: 'D: max(0, 1 - f(x)) + max(0, 1 + f(g(z)));  G: -f(g(z))',
        discriminator: (r, f) => r.neg().add(1).relu().mean().add(f.add(1).relu().mean()),
        generator: (f) => f.mean().neg(),
      };
    case 'lgan': {
      const o = s as { metric?: LossMetricName | LossMetric | LossMetricFunctions; generator?: LganGeneratorLoss };
      const m = lossMetric(o.metric ?? 'exp');
      const psi = o.generator ?? 'linear';
      if (!['linear', 'nonsaturating', 'minimax'].includes(psi)) throw new RangeError(`ganLoss: lgan generator loss must be 'linear', 'nonsaturating' or 'minimax', got '${String(psi)}'`);
      const gen: (f: Tensor) => Tensor = psi === 'linear' ? (f) => f.mean().neg() : psi === 'nonsaturating' ? (f) => m.varphi(f).mean() : (f) => m.phi(f).mean().neg();
      return {
        name: 'lgan',
        label: `lgan(${m.name})`,
        formula: `D: ϕ(f(g(z))) + φ(f(x)) with ${m.formula};  G: ${psi === 'linear' ? 'ψ(x) = -x' : psi === 'nonsaturating' ? 'ψ = φ' : 'ψ = -ϕ'}`,
        discriminator: (r, f) => m.phi(f).mean().add(m.varphi(r).mean()),
        generator: gen,
      };
    }
  }
}

/** The discriminator's loss of objective `spec` (see {@link ganLoss}). */
export function discriminatorLoss(spec: GanLossSpec, real: Tensor, fake: Tensor): Tensor {
  return ganLoss(spec).discriminator(real, fake);
}

/** The generator's loss of objective `spec` (see {@link ganLoss}). */
export function generatorLoss(spec: GanLossSpec, fake: Tensor): Tensor {
  return ganLoss(spec).generator(fake);
}
