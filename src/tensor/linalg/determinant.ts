/** Determinants from the LU factorization: torch.linalg.det and torch.linalg.slogdet. */
import { allocate } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { makeResult } from '../ops/result.js';
import { luFactor } from './kernels.js';
import { matrixAt, mT, squareBatch } from './matrices.js';
import { inv } from './solve.js';

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
 * Differentiable: ∂A = G · det(A) · A⁻ᵀ, itself differentiable. The gradient at a singular
 * matrix is not supported (it throws from `inv`; PyTorch uses an SVD there).
 */
export function det(a: Tensor): Tensor {
  const { sign, log, batch } = logDeterminants(a);
  const out = allocate(a.dtype, sign.length);
  for (let c = 0; c < sign.length; c++) out[c] = sign[c] * Math.exp(log[c]);
  const d = makeResult(out, batch, 'linalg.det', [a], (g) => [mT(inv(a)).mul(g.mul(d).unsqueeze(-1).unsqueeze(-1))]);
  return d;
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
