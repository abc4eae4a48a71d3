/** Least squares and the pseudoinverse: torch.linalg.lstsq and torch.linalg.pinv. */
import { shapeToString } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { noGrad } from '../autograd.js';
import { promoted } from '../ops/result.js';
import { broadcastBatches, matrixBatch, mT } from './matrices.js';
import { qr } from './qr.js';
import { svd } from './svd.js';
import { triangularSolve } from './triangular.js';

/** What {@link lstsq} returns: torch.linalg.lstsq's four results with driver 'gelsd'. */
export interface Lstsq {
  solution: Tensor;
  /**
   * The squared residual norms ‖A x - b‖² of each column of B, [..., k], when m > n and every A
   * has full rank; otherwise an empty tensor of shape [0] (as PyTorch). Differentiable.
   */
  residuals: Tensor;
  /** The numerical rank of each A, [...] (a float tensor of integers): singular values above rcond · σ_max. */
  rank: Tensor;
  /** The singular values of each A, descending, [..., min(m, n)] (not differentiated, as PyTorch's). */
  singularValues: Tensor;
}

/** Options of {@link lstsq}. */
export interface LstsqOptions {
  /** Singular values at or below rcond · σ_max count as zero (default max(m, n) · machine epsilon, as PyTorch's gelsd). */
  rcond?: number;
  /** Only 'gelsd' (SVD-based, rank-revealing) semantics are offered; the name is accepted for porting. */
  driver?: 'gelsd';
}

const LSTSQ_KEYS = ['rcond', 'driver'] as const satisfies readonly (keyof LstsqOptions)[];

/**
 * The minimum-norm least-squares solution X minimizing ‖A X - B‖ (PyTorch's
 * `torch.linalg.lstsq` with driver 'gelsd') for A [..., m, n], B [..., m, k]; batch axes
 * broadcast. Full rank, tall or square A: through A = Q R, X = R⁻¹ Qᵀ B; full-rank wide A
 * through Aᵀ = Q R, X = Q R⁻ᵀ B; rank-deficient A: X = pinv(A) B with rcond's cutoff.
 * Differentiable where the rank is constant.
 */
export function lstsq(a: Tensor, b: Tensor, options: LstsqOptions = {}): Lstsq {
  const op = 'linalg.lstsq';
  checkOptions(op, options, LSTSQ_KEYS);
  if (options?.driver !== undefined && options.driver !== 'gelsd') throw new RangeError(`${op}: driver must be 'gelsd' (the only one here), got ${JSON.stringify(options.driver)}`);
  const { rows: m, cols: n } = matrixBatch(a, op, 'A');
  matrixBatch(b, op, 'B');
  if (b.shape[b.ndim - 2] !== m) {
    throw new RangeError(`${op}: A of shape ${shapeToString(a.shape)} and B of shape ${shapeToString(b.shape)} do not match: B must have A's ${m} rows`);
  }
  const [ea, eb] = broadcastBatches(...promoted(a, b), op);
  const eps = ea.dtype === 'float64' ? 2.220446049250313e-16 : 1.1920928955078125e-7;
  const rcond = options?.rcond ?? Math.max(m, n) * eps;
  if (typeof rcond !== 'number' || !(rcond >= 0)) throw new RangeError(`${op}: rcond must be a non-negative number, got ${JSON.stringify(rcond)}`);
  const singularValues = noGrad(() => svd(ea.detach()).S);
  const k = Math.min(m, n);
  const rank = noGrad(() => {
    const counts = new Float64Array(k === 0 ? 0 : singularValues.numel() / k);
    for (let c = 0; c < counts.length; c++) {
      const cutoff = rcond * singularValues.data[c * k];
      for (let i = 0; i < k; i++) if (singularValues.data[c * k + i] > cutoff) counts[c]++;
    }
    return new Tensor(counts, singularValues.shape.slice(0, -1)).to(ea.dtype);
  });
  const fullRank = rank.data.every((r) => r === k);
  const solution = !fullRank ? pinv(ea, { rtol: rcond }).matmul(eb) : m >= n ? fullRankTall(ea, eb) : fullRankWide(ea, eb);
  const residuals = m > n && fullRank ? ea.matmul(solution).sub(eb).square().sum(-2) : new Tensor(new Float64Array(0), [0]).to(ea.dtype);
  return { solution, residuals, rank, singularValues };
}

function fullRankTall(a: Tensor, b: Tensor): Tensor {
  const { Q, R } = qr(a);
  return triangularSolve(R, mT(Q).matmul(b), true, false);
}

function fullRankWide(a: Tensor, b: Tensor): Tensor {
  const { Q, R } = qr(mT(a));
  return Q.matmul(triangularSolve(mT(R), b, false, false));
}

/** Options of {@link pinv}. */
export interface PinvOptions {
  /** Singular values at or below atol are treated as zero (default 0). */
  atol?: number;
  /** ... or at or below rtol · σ_max (default max(m, n) · machine epsilon when atol is not given, else 0). */
  rtol?: number;
}

const PINV_KEYS = ['atol', 'rtol'] as const satisfies readonly (keyof PinvOptions)[];

/**
 * The Moore-Penrose pseudoinverse (PyTorch's `torch.linalg.pinv`), V diag(1/σ) Uᵀ from the
 * reduced {@link svd}, with singular values at or below max(atol, rtol · σ_max) dropped.
 * Differentiable where the rank is constant and the kept singular values are distinct.
 */
export function pinv(a: Tensor, options: PinvOptions = {}): Tensor {
  const op = 'linalg.pinv';
  const { rows: m, cols: n } = matrixBatch(a, op, 'A');
  checkOptions(op, options, PINV_KEYS);
  const eps = a.dtype === 'float64' ? 2.220446049250313e-16 : 1.1920928955078125e-7;
  const atol = options.atol ?? 0;
  const rtol = options.rtol ?? (options.atol === undefined ? Math.max(m, n) * eps : 0);
  const { U, S, Vh } = svd(a);
  const k = S.shape[S.ndim - 1];
  const keep = noGrad(() => {
    const t = S.detach().clone();
    for (let base = 0; base < t.numel(); base += k) {
      const cutoff = Math.max(atol, rtol * (k > 0 ? t.data[base] : 0));
      for (let i = 0; i < k; i++) t.data[base + i] = t.data[base + i] > cutoff ? 1 : 0;
    }
    return t;
  });
  const sinv = S.add(keep.neg().add(1)).reciprocal().mul(keep);
  return mT(Vh).mul(sinv.unsqueeze(-2)).matmul(mT(U));
}
