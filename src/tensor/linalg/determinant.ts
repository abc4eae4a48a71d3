/** Determinants from the LU factorization: torch.linalg.det and torch.linalg.slogdet. */
import { allocate } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { makeResult } from '../ops/result.js';
import { luFactor } from './kernels.js';
import { identity, matrixAt, mT, squareBatch } from './matrices.js';
import { inv } from './solve.js';
import { svd } from './svd.js';

/** What {@link slogdet} returns: det(A) = sign · exp(logabsdet). */
export interface Slogdet {
  /** ±1, or 0 for a singular matrix; not differentiable. */
  sign: Tensor;
  /** log |det A| (-Infinity for a singular matrix). */
  logabsdet: Tensor;
}

/** sign and log|det| of each matrix of the batch, from its LU factors. */
function logDeterminants(a: Tensor): { sign: Float64Array; log: Float64Array; batch: number[] } {
  const { batch, count, rows: n } = squareBatch(a, 'linalg.det', 'A');
  const sign = new Float64Array(count);
  const log = new Float64Array(count);
  for (let c = 0; c < count; c++) {
    const { lu, parity, zeroPivot } = luFactor(matrixAt(a.data, c, n, n), n);
    if (zeroPivot) { sign[c] = 0; log[c] = -Infinity; continue; }
    let s = parity;
    let l = 0;
    for (let i = 0; i < n; i++) {
      const d = lu[i * n + i];
      if (d < 0) s = -s;
      l += Math.log(Math.abs(d));
    }
    sign[c] = s;
    log[c] = l;
  }
  return { sign, log, batch };
}

/**
 * The determinant of a square matrix or of each of a batch (PyTorch's `torch.linalg.det`).
 * Differentiable: ∂A = G · det(A) · A⁻ᵀ, itself differentiable. When some matrix of the batch
 * is singular, the gradient is the adjugate's transpose from the SVD instead, as PyTorch
 * does: ∂A = G · det(U Vh) · U diag(∏ⱼ≠ᵢ σⱼ) Vh (first order; its own derivative needs
 * distinct singular values).
 */
export function det(a: Tensor): Tensor {
  const { sign, log, batch } = logDeterminants(a);
  const out = allocate(a.dtype, sign.length);
  for (let c = 0; c < sign.length; c++) out[c] = sign[c] * Math.exp(log[c]);
  const singular = sign.some((v) => v === 0);
  const d = makeResult(out, batch, 'linalg.det', [a], (g) => {
    if (singular) return [adjugateT(a).mul(g.unsqueeze(-1).unsqueeze(-1))];
    return [mT(inv(a)).mul(g.mul(d).unsqueeze(-1).unsqueeze(-1))];
  });
  return d;
}

/** The transpose of the adjugate, ∂det/∂A, through the SVD: valid for singular matrices too. */
function adjugateT(a: Tensor): Tensor {
  const { U, S, Vh } = svd(a);
  const n = S.shape[S.ndim - 1];
  const eye = identity(n, a.dtype);
  // Row i of m holds the singular values with σᵢ replaced by 1; the product along it is ∏ⱼ≠ᵢ σⱼ.
  const m = S.unsqueeze(-2).mul(eye.neg().add(1)).add(eye);
  let others = m.select(-1, 0);
  for (let j = 1; j < n; j++) others = others.mul(m.select(-1, j));
  // det(U Vh) = ±1 per matrix, a constant of the decomposition.
  const uv = U.detach().matmul(Vh.detach());
  const signs = new Tensor(Float64Array.from(logDeterminants(uv).sign), uv.shape.slice(0, -2)).to(a.dtype);
  return U.mul(others.unsqueeze(-2)).matmul(Vh).mul(signs.unsqueeze(-1).unsqueeze(-1));
}

/**
 * The sign and the log of the absolute value of the determinant (PyTorch's
 * `torch.linalg.slogdet`), stable where det itself would under- or overflow. `logabsdet` is
 * differentiable (∂A = G · A⁻ᵀ); `sign` is not.
 */
export function slogdet(a: Tensor): Slogdet {
  const { sign, log, batch } = logDeterminants(a);
  const s = allocate(a.dtype, sign.length);
  const l = allocate(a.dtype, sign.length);
  s.set(sign);
  l.set(log);
  const logabsdet = makeResult(l, batch, 'linalg.slogdet', [a], (g) => [mT(inv(a)).mul(g.unsqueeze(-1).unsqueeze(-1))]);
  return { sign: makeResult(s, batch, 'linalg.slogdet', []), logabsdet };
}
