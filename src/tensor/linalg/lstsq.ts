/** Least squares and the pseudoinverse: torch.linalg.lstsq and torch.linalg.pinv. */
import { shapeToString } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { noGrad } from '../autograd.js';
import { promoted } from '../ops/result.js';
import { broadcastBatches, matrixBatch, mT } from './matrices.js';
import { qr } from './qr.js';
import { svd } from './svd.js';
import { triangularSolve } from './triangular.js';

/** What {@link lstsq} returns (PyTorch's `solution`; residuals, rank and singular values are not computed). */
export interface Lstsq {
  solution: Tensor;
}

/**
 * The least-squares solution X minimizing ‖A X - B‖ (PyTorch's `torch.linalg.lstsq`, its
 * `solution`) for A [..., m, n] of full rank, B [..., m, k]; batch axes broadcast. Tall or square
 * A: through A = Q R, X = R⁻¹ Qᵀ B; wide A: the minimum-norm solution through Aᵀ = Q R,
 * X = Q R⁻ᵀ B. Differentiable (through qr and the triangular solve).
 */
export function lstsq(a: Tensor, b: Tensor): Lstsq {
  const op = 'linalg.lstsq';
  const { rows: m, cols: n } = matrixBatch(a, op, 'A');
  matrixBatch(b, op, 'B');
  if (b.shape[b.ndim - 2] !== m) {
    throw new RangeError(`${op}: A of shape ${shapeToString(a.shape)} and B of shape ${shapeToString(b.shape)} do not match: B must have A's ${m} rows`);
  }
  const [ea, eb] = broadcastBatches(...promoted(a, b), op);
  if (m >= n) {
    const { Q, R } = qr(ea);
    return { solution: triangularSolve(R, mT(Q).matmul(eb), true, false) };
  }
  const { Q, R } = qr(mT(ea));
  return { solution: Q.matmul(triangularSolve(mT(R), eb, false, false)) };
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
