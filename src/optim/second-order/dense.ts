/**
 * Small dense linear algebra for Newton's method: Cholesky factorization (with the added
 * multiple of the identity of Nocedal & Wright Algorithm 3.3 when the matrix is not positive
 * definite) and LU with partial pivoting. Matrices are row-major n x n Float64Arrays.
 */
import { choleskyFactor } from '../../tensor/linalg/kernels.js';

/**
 * Cholesky factor L (lower, row-major) of A + shift·I, or null when it is not positive definite;
 * the factorization is the engine's (torch.linalg.cholesky's kernel).
 */
export function cholesky(a: Float64Array, n: number, shift = 0): Float64Array | null {
  const shifted = Float64Array.from(a);
  for (let j = 0; j < n; j++) shifted[j * n + j] += shift;
  const { l, failedAt } = choleskyFactor(shifted, n);
  return failedAt ? null : l;
}

/** Solves L Lᵀ x = b given the Cholesky factor L. */
export function choleskySolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/**
 * Cholesky with added multiple of the identity (N&W Algorithm 3.3): factors A + τI with τ = 0
 * when A is positive definite, else starting from τ = max(0, β - min_i a_ii) and doubling
 * (at least β) until the factorization succeeds. β is scaled by the largest |a_ii| (at least 1)
 * so the shift is meaningful whatever the scale of A.
 */
export function modifiedCholesky(a: Float64Array, n: number, beta: number, maxTries = 200): { l: Float64Array; shift: number } {
  let minDiag = Infinity;
  let maxDiag = 0;
  for (let i = 0; i < n; i++) {
    minDiag = Math.min(minDiag, a[i * n + i]);
    maxDiag = Math.max(maxDiag, Math.abs(a[i * n + i]));
  }
  const b = beta * Math.max(1, maxDiag);
  let shift = minDiag > 0 ? 0 : b - minDiag;
  for (let k = 0; k < maxTries; k++) {
    const l = cholesky(a, n, shift);
    if (l) return { l, shift };
    shift = Math.max(2 * shift, b);
  }
  throw new Error('modifiedCholesky: could not make the Hessian positive definite (does it contain NaN or Inf?)');
}

/** Solves A x = b by LU with partial pivoting; throws when A is singular. */
export function luSolve(a: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const m = new Float64Array(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    const pivot = m[p * n + c];
    if (pivot === 0 || !Number.isFinite(pivot)) throw new Error('Newton: the (damped) Hessian is singular; add damping or use hessianModification: \'identityShift\'');
    if (p !== c) {
      for (let k = 0; k < n; k++) [m[c * n + k], m[p * n + k]] = [m[p * n + k], m[c * n + k]];
      [x[c], x[p]] = [x[p], x[c]];
    }
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c] / pivot;
      if (f === 0) continue;
      for (let k = c; k < n; k++) m[r * n + k] -= f * m[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < n; k++) s -= m[r * n + k] * x[k];
    x[r] = s / m[r * n + r];
  }
  return x;
}
