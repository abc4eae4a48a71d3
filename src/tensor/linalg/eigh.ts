/** Eigen-decomposition of symmetric matrices by Jacobi rotations: torch.linalg.eigh and eigvalsh. */
import type { Tensor } from '../tensor.js';
import { makeResult } from '../ops/result.js';
import { jacobiEigh } from './kernels.js';
import { diagEmbed, identity, matrixAt, mT, resultStorage, squareBatch } from './matrices.js';

/** What {@link eigh} returns: A = V diag(L) Vᵀ. */
export interface Eigh {
  /** Ascending, [..., n]. */
  eigenvalues: Tensor;
  /** Orthonormal columns, [..., n, n]. */
  eigenvectors: Tensor;
}

/**
 * The eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix or of each of
 * a batch (PyTorch's `torch.linalg.eigh`, UPLO='L': only the lower triangle is read), by cyclic
 * Jacobi rotations in float64. Eigenvector signs: PyTorch leaves them to LAPACK; descent makes
 * each eigenvector's entry of largest magnitude positive. Differentiable for distinct
 * eigenvalues: ∂A = V (diag(G_L) + sym(Vᵀ G_V) / (λⱼ - λᵢ)) Vᵀ.
 */
export function eigh(a: Tensor): Eigh {
  const op = 'linalg.eigh';
  const { batch, count, rows: n } = squareBatch(a, op, 'A');
  // Eigenvectors and eigenvalues as one output [..., n, n + 1] (values in the last column) so one
  // backward rule sees both gradients.
  const out = resultStorage(a.dtype, count, n, n + 1);
  for (let c = 0; c < count; c++) {
    const { values, vectors } = jacobiEigh(matrixAt(a.data, c, n, n), n);
    const base = c * n * (n + 1);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) out[base + i * (n + 1) + j] = vectors[i * n + j];
      out[base + i * (n + 1) + n] = values[i];
    }
  }
  const packed = makeResult(out, [...batch, n, n + 1], op, [a], (g) => {
    const gv = g.slice(-1, 0, n);
    const gl = g.slice(-1, n).squeeze(-1);
    const eye = identity(n, a.dtype);
    const vtgv = mT(V).matmul(gv);
    const skew = vtgv.sub(mT(vtgv)).mul(0.5);
    // E_ij = λ_j - λ_i, with ones on the diagonal (where the quotient is replaced by G_L).
    const e = L.unsqueeze(-2).sub(L.unsqueeze(-1)).add(eye);
    const inner = skew.div(e).mul(eye.neg().add(1)).add(diagEmbed(gl));
    return [V.matmul(inner).matmul(mT(V))];
  });
  const V = packed.slice(-1, 0, n);
  const L = packed.slice(-1, n).squeeze(-1);
  return { eigenvalues: L, eigenvectors: V };
}

/** The eigenvalues of symmetric matrices, ascending (PyTorch's `torch.linalg.eigvalsh`); differentiable. */
export function eigvalsh(a: Tensor): Tensor {
  return eigh(a).eigenvalues;
}
