/** The Cholesky factorization: torch.linalg.cholesky. */
import type { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { makeResult } from '../ops/result.js';
import { choleskyFactor } from './kernels.js';
import { inBatch, matrixAt, mT, resultStorage, squareBatch, tril } from './matrices.js';
import { triangularSolve } from './triangular.js';

/** Options of {@link cholesky}. */
export interface CholeskyOptions {
  /** Return the upper factor U = Lᵀ (A = Uᵀ U) instead of L. */
  upper?: boolean;
}

const KEYS = ['upper'] as const satisfies readonly (keyof CholeskyOptions)[];

/**
 * The lower triangular L with A = L Lᵀ for a symmetric positive-definite A, or each of a batch
 * (PyTorch's `torch.linalg.cholesky`); only A's lower triangle is read. Differentiable, with
 * PyTorch's rule (a symmetric gradient): ∂A = L⁻ᵀ Φ(Lᵀ G) L⁻¹ symmetrized. A matrix that is
 * not positive-definite throws, naming the first leading minor that is not.
 */
export function cholesky(a: Tensor, options: CholeskyOptions = {}): Tensor {
  const op = 'linalg.cholesky';
  const { count, rows: n } = squareBatch(a, op, 'A');
  checkOptions(op, options, KEYS);
  const out = resultStorage(a.dtype, count, n, n);
  for (let c = 0; c < count; c++) {
    const { l, failedAt } = choleskyFactor(matrixAt(a.data, c, n, n), n);
    if (failedAt) {
      throw new RangeError(
        `${op}: the factorization could not be completed because the input is not positive-definite ` +
          `(the leading minor of order ${failedAt} is not positive-definite)${inBatch(count, c)}`,
      );
    }
    out.set(l, c * n * n);
  }
  const l = makeResult(out, a.shape, op, [a], (g) => {
    // PyTorch's cholesky_backward: P = tril(Lᵀ G), sym(P) with the diagonal halved, then L⁻ᵀ · L⁻¹.
    const p = tril(mT(l).matmul(g));
    const sym = p.add(mT(tril(p, -1))).mul(0.5);
    const left = triangularSolve(mT(l), sym, true, false);
    return [mT(triangularSolve(mT(l), mT(left), true, false))];
  });
  return options.upper ? mT(l) : l;
}
