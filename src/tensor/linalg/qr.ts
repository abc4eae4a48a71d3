/** The QR decomposition by Householder reflections: torch.linalg.qr. */
import type { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { makeResult } from '../ops/result.js';
import { householderQR } from './kernels.js';
import { matrixAt, matrixBatch, mT, resultStorage, tril } from './matrices.js';
import { triangularSolve } from './triangular.js';

/** Options of {@link qr}. */
export interface QrOptions {
  /** 'reduced' (default): Q is m x k, R is k x n, k = min(m, n); 'complete': Q is m x m, R is m x n. */
  mode?: 'reduced' | 'complete';
}

/** What {@link qr} returns: A = Q R. */
export interface QR {
  Q: Tensor;
  R: Tensor;
}

const KEYS = ['mode'] as const satisfies readonly (keyof QrOptions)[];

/**
 * A = Q R with Q's columns orthonormal and R upper triangular (PyTorch's `torch.linalg.qr`),
 * by Householder reflections as LAPACK's geqrf/orgqr, so R's diagonal carries LAPACK's signs
 * (the same Q and R as PyTorch). Differentiable when m >= n and Q is m x n (reduced mode, or
 * complete with m = n): ∂A = (G_Q + Q copyltu(M)) R⁻ᵀ, M = R G_Rᵀ - G_Qᵀ Q.
 */
export function qr(a: Tensor, options: QrOptions = {}): QR {
  const op = 'linalg.qr';
  const { batch, count, rows: m, cols: n } = matrixBatch(a, op, 'A');
  checkOptions(op, options, KEYS);
  const { mode = 'reduced' } = options;
  if (mode !== 'reduced' && mode !== 'complete') throw new RangeError(`${op}: mode must be 'reduced' or 'complete', got ${String(mode)}`);
  const k = mode === 'complete' ? m : Math.min(m, n);
  // Q (m x k) and R (k x n) flattened into one output [..., m*k + k*n], so that a single backward
  // rule sees both gradients; Q and R are slices of it.
  const per = m * k + k * n;
  const out = resultStorage(a.dtype, count, 1, per);
  for (let c = 0; c < count; c++) {
    const { q, r } = householderQR(matrixAt(a.data, c, m, n), m, n, mode === 'complete');
    out.set(q, c * per);
    out.set(r, c * per + m * k);
  }
  const differentiable = m >= n && k === n;
  const packed = makeResult(out, [...batch, per], op, [a], (g) => {
    if (!differentiable) {
      throw new RangeError(`${op}: the QR decomposition is differentiable only when Q is square or tall (m >= n and mode 'reduced'), got A ${m} x ${n} in mode '${mode}'`);
    }
    const gq = g.slice(-1, 0, m * k).reshape(...batch, m, k);
    const gr = g.slice(-1, m * k).reshape(...batch, k, n);
    const mm = R.matmul(mT(gr)).sub(mT(gq).matmul(Q));
    const copyltu = tril(mm).add(mT(tril(mm, -1)));
    const b = gq.add(Q.matmul(copyltu));
    // B R⁻ᵀ: solve R Xᵀ = Bᵀ.
    return [mT(triangularSolve(R, mT(b), true, false))];
  });
  const Q = packed.slice(-1, 0, m * k).reshape(...batch, m, k);
  const R = packed.slice(-1, m * k).reshape(...batch, k, n);
  return { Q, R };
}
