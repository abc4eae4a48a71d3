/** The singular value decomposition by one-sided Jacobi: torch.linalg.svd and svdvals. */
import type { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { makeResult } from '../ops/result.js';
import { jacobiSVD } from './kernels.js';
import { diagEmbed, identity, matrixAt, matrixBatch, mT, resultStorage } from './matrices.js';

/** Options of {@link svd}. */
export interface SvdOptions {
  /** Must be false (the default here): only the reduced SVD is implemented. */
  fullMatrices?: boolean;
}

/** What {@link svd} returns: A = U diag(S) Vh. */
export interface SVD {
  /** [..., m, k], k = min(m, n). */
  U: Tensor;
  /** Descending, [..., k]. */
  S: Tensor;
  /** [..., k, n]. */
  Vh: Tensor;
}

const KEYS = ['fullMatrices'] as const satisfies readonly (keyof SvdOptions)[];

/**
 * The reduced SVD A = U diag(S) Vh (PyTorch's `torch.linalg.svd(A, full_matrices=False)`), by
 * one-sided Jacobi rotations in float64 (accurate for small singular values, unlike an eigh of
 * AᵀA). S descending. Signs: each pair (uᵢ, vᵢ) is flipped together so that vᵢ's entry of
 * largest magnitude is positive (descent's convention; PyTorch's comes from LAPACK).
 * Differentiable for distinct nonzero singular values, with PyTorch's svd_backward.
 */
export function svd(a: Tensor, options: SvdOptions = {}): SVD {
  const op = 'linalg.svd';
  const { batch, count, rows: m, cols: n } = matrixBatch(a, op, 'A');
  checkOptions(op, options, KEYS);
  if (options.fullMatrices) throw new RangeError(`${op}: only the reduced SVD (fullMatrices: false) is implemented`);
  const k = Math.min(m, n);
  const per = m * k + k + k * n;
  const out = resultStorage(a.dtype, count, 1, per);
  for (let c = 0; c < count; c++) {
    const { u, s, v } = jacobiSVD(matrixAt(a.data, c, m, n), m, n);
    const base = c * per;
    out.set(u, base);
    out.set(s, base + m * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) out[base + m * k + k + i * n + j] = v[j * k + i];
  }
  const packed = makeResult(out, [...batch, per], op, [a], (g) => {
    const gu = g.slice(-1, 0, m * k).reshape(...batch, m, k);
    const gs = g.slice(-1, m * k, m * k + k);
    const gvh = g.slice(-1, m * k + k).reshape(...batch, k, n);
    return [svdBackward(U, S, Vh, gu, gs, gvh, m, n, k)];
  });
  const U = packed.slice(-1, 0, m * k).reshape(...batch, m, k);
  const S = packed.slice(-1, m * k, m * k + k);
  const Vh = packed.slice(-1, m * k + k).reshape(...batch, k, n);
  return { U, S, Vh };
}

/** PyTorch's svd_backward for the reduced real SVD, written with differentiable ops. */
function svdBackward(U: Tensor, S: Tensor, Vh: Tensor, gU: Tensor, gS: Tensor, gVh: Tensor, m: number, n: number, k: number): Tensor {
  const V = mT(Vh);
  const gV = mT(gVh);
  const skew = (x: Tensor): Tensor => x.sub(mT(x));
  const uhgu = skew(mT(U).matmul(gU));
  const vhgv = skew(mT(V).matmul(gV));
  const s2 = S.mul(S);
  const eye = identity(k, S.dtype);
  const e = s2.unsqueeze(-2).sub(s2.unsqueeze(-1)).add(eye);
  let ga = uhgu.mul(S.unsqueeze(-2)).add(S.unsqueeze(-1).mul(vhgv)).div(e).add(diagEmbed(gS));
  if (m > k) {
    ga = U.matmul(ga);
    const guSinv = gU.div(S.unsqueeze(-2));
    ga = ga.add(guSinv).sub(U.matmul(mT(U).matmul(guSinv)));
    return ga.matmul(Vh);
  }
  if (n > k) {
    ga = ga.matmul(Vh);
    const sinvGvh = gVh.div(S.unsqueeze(-1));
    ga = ga.add(sinvGvh).sub(sinvGvh.matmul(V).matmul(Vh));
    return U.matmul(ga);
  }
  return U.matmul(ga).matmul(Vh);
}

/** The singular values, descending (PyTorch's `torch.linalg.svdvals`); differentiable. */
export function svdvals(a: Tensor): Tensor {
  return svd(a).S;
}
