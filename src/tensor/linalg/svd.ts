/** The singular value decomposition by one-sided Jacobi: torch.linalg.svd and svdvals. */
import { Tensor } from '../tensor.js';
import { concat } from '../ops/indexing.js';
import { checkOptions } from '../options.js';
import { makeResult } from '../ops/result.js';
import { jacobiSVD } from './kernels.js';
import { diagEmbed, identity, matrixAt, matrixBatch, mT, resultStorage } from './matrices.js';

/** Options of {@link svd}. */
export interface SvdOptions {
  /**
   * Also return the orthonormal complements: U [..., m, m] and Vh [..., n, n] (PyTorch's
   * full_matrices). Default false here (PyTorch's default is true): the complement is not unique.
   */
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
  const full = options?.fullMatrices;
  if (full !== undefined && typeof full !== 'boolean') throw new TypeError(`${op}: fullMatrices must be true or false, got ${JSON.stringify(full)}`);
  const k = Math.min(m, n);
  if (options?.fullMatrices === true && m !== n) return completed(svd(a), m, n, k);
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

/**
 * The full SVD from the reduced one: U and Vh completed by orthonormal complements. As in
 * PyTorch's svd_backward, the complements carry no gradient (they are not unique), so they are
 * constants computed by Gram-Schmidt against the standard basis.
 */
function completed({ U, S, Vh }: SVD, m: number, n: number, k: number): SVD {
  if (m > k) return { U: concat([U, complement(U.detach(), m, k)], -1), S, Vh };
  return { U, S, Vh: concat([Vh, mT(complement(mT(Vh.detach()), n, k))], -2) };
}

/** For each [d, k] matrix of orthonormal columns in q, d - k more columns completing an orthonormal basis. */
function complement(q: Tensor, d: number, k: number): Tensor {
  const count = q.numel() / (d * k);
  const out = new Float64Array(count * d * (d - k));
  for (let c = 0; c < count; c++) {
    const basis: Float64Array[] = [];
    for (let j = 0; j < k; j++) basis.push(Float64Array.from({ length: d }, (_, i) => q.data[c * d * k + i * k + j]));
    for (let e = 0; e < d && basis.length < d; e++) {
      const v = new Float64Array(d);
      v[e] = 1;
      // Twice is enough (Kahan's "twice is enough" re-orthogonalization).
      for (let pass = 0; pass < 2; pass++) {
        for (const b of basis) {
          let dot = 0;
          for (let i = 0; i < d; i++) dot += b[i] * v[i];
          for (let i = 0; i < d; i++) v[i] -= dot * b[i];
        }
      }
      const norm = Math.hypot(...v);
      if (norm < 0.5) continue; // e is (nearly) in the span already
      for (let i = 0; i < d; i++) v[i] /= norm;
      basis.push(v);
    }
    for (let j = k; j < d; j++) for (let i = 0; i < d; i++) out[c * d * (d - k) + i * (d - k) + (j - k)] = basis[j][i];
  }
  return new Tensor(out, [...q.shape.slice(0, -2), d, d - k]).to(q.dtype);
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
