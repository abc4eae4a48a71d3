/**
 * Evaluating generators.
 *
 * - 2-D mixtures (ring of 8, grid of 25): modes covered and the share of high-quality samples
 *   (within 3 standard deviations of a mode), via data's mixtureModeStats.
 * - Images: the Inception Score (Salimans et al. 2016), the Fréchet distance of features (FID,
 *   Heusel et al. 2017) and the AM Score (thesis 004 eq. 4-32), all from a classifier's class
 *   probabilities and penultimate features. descent does not ship the ImageNet Inception
 *   network: the scores here use a classifier descent trains on Fashion-MNIST (classifier.ts),
 *   so they rank models on the same footing but are not comparable with published numbers.
 * - The matrix square root inside FID comes from a symmetric eigendecomposition by the cyclic
 *   Jacobi method, written here in float64 (fine up to a few hundred dimensions).
 */
import { mixtureModeStats } from '../data/portable.js';
import type { Tensor } from '../tensor/index.js';

// ---- 2-D mixtures -------------------------------------------------------------------------

export interface MixtureEvaluation {
  /** Modes with at least one high-quality sample. */
  modesCovered: number;
  modes: number;
  /** Share of samples within `threshold` standard deviations of their nearest mode. */
  highQualityFraction: number;
  /** High-quality samples per mode. */
  counts: number[];
}

/** Modes covered and high-quality share of `samples` [N, D] for a mixture { centers, std }. */
export function evaluateMixture(samples: Tensor, mixture: { centers: Tensor; std: number }, options: { threshold?: number; minCount?: number } = {}): MixtureEvaluation {
  const s = mixtureModeStats(samples, mixture, { threshold: options.threshold ?? 3, minCount: options.minCount ?? 1 });
  return { modesCovered: s.modesCovered, modes: mixture.centers.shape[0], highQualityFraction: s.highQualityFraction, counts: s.counts };
}

// ---- linear algebra -------------------------------------------------------------------------

export interface SymmetricEigen {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Eigenvectors as columns of a row-major n x n matrix (vectors[i * n + k] is component i of vector k). */
  vectors: Float64Array;
  /** Jacobi sweeps used. */
  sweeps: number;
}

/**
 * Eigendecomposition of a symmetric n x n matrix (row-major) by the cyclic Jacobi method:
 * rotations zero each off-diagonal entry in turn until the off-diagonal mass is below
 * `tolerance` times the matrix's norm. Only the upper triangle's average with the lower is used.
 */
export function symmetricEigen(matrix: ArrayLike<number>, n: number, options: { tolerance?: number; maxSweeps?: number } = {}): SymmetricEigen {
  if (!Number.isInteger(n) || n < 1 || matrix.length !== n * n) throw new RangeError(`symmetricEigen: expected ${n} x ${n} = ${n * n} values, got ${matrix.length}`);
  const tol = options.tolerance ?? 1e-14;
  const maxSweeps = options.maxSweeps ?? 100;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = 0.5 * (matrix[i * n + j] + matrix[j * n + i]);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm += a[i] * a[i];
  norm = Math.sqrt(norm);
  let sweeps = 0;
  for (; sweeps < maxSweeps; sweeps++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
    if (Math.sqrt(2 * off) <= tol * Math.max(norm, Number.MIN_VALUE)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        // Rotation angle: tan(2θ) = 2 a_pq / (a_qq - a_pp); t = tan θ, the smaller root.
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[x * n + x] - a[y * n + y]);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, k) => {
    for (let i = 0; i < n; i++) vectors[i * n + k] = v[i * n + src];
  });
  return { values, vectors, sweeps };
}

/** The square root of a symmetric positive semi-definite matrix (negative eigenvalues from rounding are set to 0). */
export function sqrtmPsd(matrix: ArrayLike<number>, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(matrix, n);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const s = Math.sqrt(Math.max(values[k], 0));
    if (s === 0) continue;
    for (let i = 0; i < n; i++) {
      const vik = vectors[i * n + k] * s;
      if (vik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += vik * vectors[j * n + k];
    }
  }
  return out;
}

function matmulSquare(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += aik * b[k * n + j];
    }
  }
  return out;
}

// ---- feature statistics and FID -------------------------------------------------------------

export interface FeatureStats {
  mean: Float64Array;
  /** Covariance (unbiased, n - 1), row-major d x d. */
  cov: Float64Array;
  dim: number;
  count: number;
}

/** Mean and covariance of the rows of `features` [N, d]. */
export function featureStats(features: Tensor): FeatureStats {
  if (features.ndim !== 2) throw new RangeError(`featureStats: expected features [N, d], got shape [${features.shape}]`);
  const [n, d] = features.shape;
  if (n < 2) throw new RangeError('featureStats: need at least 2 rows');
  const x = features.data;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = x[i * d + j] - mean[j];
    for (let j = 0; j < d; j++) {
      const rj = row[j];
      if (rj === 0) continue;
      for (let k = j; k < d; k++) cov[j * d + k] += rj * row[k];
    }
  }
  for (let j = 0; j < d; j++) {
    for (let k = j; k < d; k++) {
      const c = cov[j * d + k] / (n - 1);
      cov[j * d + k] = c;
      cov[k * d + j] = c;
    }
  }
  return { mean, cov, dim: d, count: n };
}

/**
 * The Fréchet distance between Gaussians N(μ1, Σ1) and N(μ2, Σ2):
 * ‖μ1 - μ2‖² + Tr(Σ1 + Σ2 - 2 (Σ1^½ Σ2 Σ1^½)^½), with Tr((Σ1^½ Σ2 Σ1^½)^½) = Σ √λ_i of the
 * symmetric PSD matrix Σ1^½ Σ2 Σ1^½ (equal to Tr((Σ1 Σ2)^½)).
 */
export function frechetDistance(a: FeatureStats, b: FeatureStats): number {
  if (a.dim !== b.dim) throw new RangeError(`frechetDistance: feature dimensions differ (${a.dim} vs ${b.dim})`);
  const d = a.dim;
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (a.mean[i] - b.mean[i]) ** 2;
  let trace = 0;
  for (let i = 0; i < d; i++) trace += a.cov[i * d + i] + b.cov[i * d + i];
  const s1 = sqrtmPsd(a.cov, d);
  const m = matmulSquare(matmulSquare(s1, b.cov, d), s1, d);
  const { values } = symmetricEigen(m, d);
  let traceSqrt = 0;
  for (const v of values) traceSqrt += Math.sqrt(Math.max(v, 0));
  return Math.max(meanTerm + trace - 2 * traceSqrt, 0);
}

/** FID between two sets of features [N, d] (e.g. a classifier's penultimate layer). */
export function fid(featuresA: Tensor, featuresB: Tensor): number {
  return frechetDistance(featureStats(featuresA), featureStats(featuresB));
}

// ---- class-probability scores -----------------------------------------------------------------

function checkProbs(probs: Tensor, op: string): [number, number] {
  if (probs.ndim !== 2) throw new RangeError(`${op}: expected class probabilities [N, K], got shape [${probs.shape}]`);
  return [probs.shape[0], probs.shape[1]];
}

const xlogy = (x: number, y: number): number => (x > 0 ? x * Math.log(Math.max(y, 1e-30)) : 0);

/**
 * The Inception Score exp(E_x KL(p(y|x) ‖ p(y))) of class probabilities [N, K], averaged over
 * `splits` equal parts (mean and standard deviation over the parts, as Salimans et al. report it).
 */
export function inceptionScore(probs: Tensor, options: { splits?: number } = {}): { mean: number; std: number; scores: number[] } {
  const [n, k] = checkProbs(probs, 'inceptionScore');
  const splits = options.splits ?? 1;
  if (!Number.isInteger(splits) || splits < 1 || splits > n) throw new RangeError(`inceptionScore: splits must be an integer in [1, ${n}]`);
  const p = probs.data;
  const scores: number[] = [];
  for (let s = 0; s < splits; s++) {
    const lo = Math.floor((s * n) / splits);
    const hi = Math.floor(((s + 1) * n) / splits);
    const marginal = new Float64Array(k);
    for (let i = lo; i < hi; i++) for (let c = 0; c < k; c++) marginal[c] += p[i * k + c];
    for (let c = 0; c < k; c++) marginal[c] /= hi - lo;
    let kl = 0;
    for (let i = lo; i < hi; i++) for (let c = 0; c < k; c++) kl += xlogy(p[i * k + c], p[i * k + c]) - xlogy(p[i * k + c], marginal[c]);
    scores.push(Math.exp(kl / (hi - lo)));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / splits;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / splits);
  return { mean, std, scores };
}

/** The average class distribution of probabilities [N, K] (C̄ in the thesis). */
export function meanClassDistribution(probs: Tensor): Float64Array {
  const [n, k] = checkProbs(probs, 'meanClassDistribution');
  const out = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[c] += probs.data[i * k + c];
  for (let c = 0; c < k; c++) out[c] /= n;
  return out;
}

/**
 * The AM Score of thesis 004 (eq. 4-32): KL(C̄_train ‖ C̄_G) + E_x[H(C(x))], from the
 * classifier's probabilities on generated samples and the average class distribution on the
 * training data (a tensor of probabilities [N, K], or the distribution itself). Lower is
 * better; 0 is the minimum.
 */
export function amScore(generatedProbs: Tensor, train: Tensor | ArrayLike<number>): { score: number; kl: number; entropy: number } {
  const [n, k] = checkProbs(generatedProbs, 'amScore');
  const cTrain = 'ndim' in (train as Tensor) ? meanClassDistribution(train as Tensor) : Float64Array.from(train as ArrayLike<number>);
  if (cTrain.length !== k) throw new RangeError(`amScore: the training distribution has ${cTrain.length} classes, the probabilities ${k}`);
  const cGen = meanClassDistribution(generatedProbs);
  let kl = 0;
  for (let c = 0; c < k; c++) kl += xlogy(cTrain[c], cTrain[c]) - xlogy(cTrain[c], cGen[c]);
  let entropy = 0;
  const p = generatedProbs.data;
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) entropy -= xlogy(p[i * k + c], p[i * k + c]);
  entropy /= n;
  return { score: kl + entropy, kl, entropy };
}
