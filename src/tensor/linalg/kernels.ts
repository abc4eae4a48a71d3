/**
 * The float64 numerical kernels behind the linalg ops, one matrix at a time (row-major
 * Float64Array). No tensors and no autodiff here: the ops in this folder call these for their
 * forward values and write their backward rules with differentiable tensor ops.
 */

/** An LU factorization with partial pivoting, P A = L U, packed LAPACK-style. */
export interface LU {
  /** L below the diagonal (unit diagonal implied) and U on and above it, n x n. */
  lu: Float64Array;
  /** Row i of P A is row perm[i] of A. */
  perm: Int32Array;
  /** +1 or -1: the sign of the permutation. */
  parity: number;
  /** The 1-based index of the first exactly zero pivot, 0 when none (then A is singular). */
  zeroPivot: number;
}

/** Gaussian elimination with partial pivoting (LAPACK's getrf) of an n x n matrix. */
export function luFactor(a: Float64Array, n: number): LU {
  const lu = Float64Array.from(a);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let parity = 1;
  let zeroPivot = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]);
      if (v > best) { best = v; p = i; }
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j]; lu[k * n + j] = lu[p * n + j]; lu[p * n + j] = t;
      }
      const t = perm[k]; perm[k] = perm[p]; perm[p] = t;
      parity = -parity;
    }
    const pivot = lu[k * n + k];
    if (pivot === 0) {
      if (zeroPivot === 0) zeroPivot = k + 1;
      continue;
    }
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k] /= pivot);
      if (f !== 0) for (let j = k + 1; j < n; j++) lu[i * n + j] -= f * lu[k * n + j];
    }
  }
  return { lu, perm, parity, zeroPivot };
}

/** X = A^{-1} B from A's LU factors; B and X are n x k. */
export function luSolve({ lu, perm }: LU, b: Float64Array, n: number, k: number): Float64Array {
  const x = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) x[i * k + j] = b[perm[i] * k + j];
  forwardSubstitute(lu, x, n, k, true);
  backSubstitute(lu, x, n, k, false);
  return x;
}

/** In place: solves L Y = X with L the lower triangle of `t` (unit diagonal when `unit`). */
export function forwardSubstitute(t: Float64Array, x: Float64Array, n: number, k: number, unit: boolean): void {
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < i; p++) {
      const f = t[i * n + p];
      if (f !== 0) for (let j = 0; j < k; j++) x[i * k + j] -= f * x[p * k + j];
    }
    if (!unit) {
      const d = t[i * n + i];
      for (let j = 0; j < k; j++) x[i * k + j] /= d;
    }
  }
}

/** In place: solves U Y = X with U the upper triangle of `t` (unit diagonal when `unit`). */
export function backSubstitute(t: Float64Array, x: Float64Array, n: number, k: number, unit: boolean): void {
  for (let i = n - 1; i >= 0; i--) {
    for (let p = i + 1; p < n; p++) {
      const f = t[i * n + p];
      if (f !== 0) for (let j = 0; j < k; j++) x[i * k + j] -= f * x[p * k + j];
    }
    if (!unit) {
      const d = t[i * n + i];
      for (let j = 0; j < k; j++) x[i * k + j] /= d;
    }
  }
}

/**
 * The Cholesky factor L (lower, A = L Lᵀ) from A's lower triangle; `failedAt` is the 1-based
 * order of the first leading minor that is not positive-definite (or whose pivot is not
 * finite), 0 when none.
 */
export function choleskyFactor(a: Float64Array, n: number): { l: Float64Array; failedAt: number } {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let p = 0; p < j; p++) d -= l[j * n + p] * l[j * n + p];
    if (!(d > 0) || !Number.isFinite(d)) return { l, failedAt: j + 1 };
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let p = 0; p < j; p++) s -= l[i * n + p] * l[j * n + p];
      l[i * n + j] = s / ljj;
    }
  }
  return { l, failedAt: 0 };
}

/**
 * Householder QR of an m x n matrix as LAPACK's geqrf + orgqr compute it (so R's diagonal has
 * LAPACK's signs: each reflector maps its column to -sign(a_kk)·‖column‖). Returns Q (m x q) and
 * R (q x n), q = min(m, n) when reduced, q = m when complete.
 */
export function householderQR(a: Float64Array, m: number, n: number, complete: boolean): { q: Float64Array; r: Float64Array; cols: number } {
  const w = Float64Array.from(a);
  const k = Math.min(m, n);
  const taus = new Float64Array(k);
  const vs: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    // dlarfg on w[c:, c]
    const alpha = w[c * n + c];
    let xnorm = 0;
    for (let i = c + 1; i < m; i++) xnorm = Math.hypot(xnorm, w[i * n + c]);
    const v = new Float64Array(m);
    v[c] = 1;
    if (xnorm === 0) {
      taus[c] = 0;
      vs.push(v);
      continue;
    }
    const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, xnorm);
    taus[c] = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = c + 1; i < m; i++) v[i] = w[i * n + c] * scale;
    vs.push(v);
    // Apply H = I - tau v vᵀ to the trailing columns.
    w[c * n + c] = beta;
    for (let i = c + 1; i < m; i++) w[i * n + c] = 0;
    for (let j = c + 1; j < n; j++) {
      let s = 0;
      for (let i = c; i < m; i++) s += v[i] * w[i * n + j];
      s *= taus[c];
      for (let i = c; i < m; i++) w[i * n + j] -= s * v[i];
    }
  }
  const qc = complete ? m : k;
  // Q = H_0 H_1 ... H_{k-1} applied to the first qc columns of the identity.
  const q = new Float64Array(m * qc);
  for (let i = 0; i < Math.min(m, qc); i++) q[i * qc + i] = 1;
  for (let c = k - 1; c >= 0; c--) {
    const v = vs[c];
    const tau = taus[c];
    if (tau === 0) continue;
    for (let j = 0; j < qc; j++) {
      let s = 0;
      for (let i = c; i < m; i++) s += v[i] * q[i * qc + j];
      s *= tau;
      for (let i = c; i < m; i++) q[i * qc + j] -= s * v[i];
    }
  }
  const r = new Float64Array(qc * n);
  for (let i = 0; i < Math.min(qc, m); i++) for (let j = i; j < n; j++) r[i * n + j] = w[i * n + j];
  return { q, r, cols: qc };
}

/** Rotates columns p and q of the row-major `rows` x `cols` matrix `a` in place: (a_p, a_q) <- (c a_p - s a_q, s a_p + c a_q). */
function rotateColumns(a: Float64Array, rows: number, cols: number, p: number, q: number, c: number, s: number): void {
  for (let i = 0; i < rows; i++) {
    const x = a[i * cols + p], y = a[i * cols + q];
    a[i * cols + p] = c * x - s * y;
    a[i * cols + q] = s * x + c * y;
  }
}

/** One Jacobi rotation's cosine and sine that zero the (p, q) entry of a symmetric 2 x 2 block. */
function jacobiRotation(app: number, aqq: number, apq: number): [number, number] {
  const theta = (aqq - app) / (2 * apq);
  const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  return [c, t * c];
}

/**
 * Eigen-decomposition of a symmetric n x n matrix (its lower triangle is read, as PyTorch's
 * default UPLO='L') by cyclic Jacobi rotations. Eigenvalues ascending; each eigenvector (a
 * column of `vectors`) is signed so that its entry of largest magnitude is positive (the first
 * such entry on ties): a deterministic convention of descent's, since PyTorch leaves it to LAPACK.
 */
export function jacobiEigh(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) s[i * n + j] = s[j * n + i] = a[i * n + j];
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const x = s[i * n + j] * s[i * n + j];
      total += x;
      if (i !== j) off += x;
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = s[p * n + q];
        if (apq === 0) continue;
        const [c, sn] = jacobiRotation(s[p * n + p], s[q * n + q], apq);
        rotateColumns(s, n, n, p, q, c, sn);
        for (let k = 0; k < n; k++) {
          const spk = s[p * n + k], sqk = s[q * n + k];
          s[p * n + k] = c * spk - sn * sqk;
          s[q * n + k] = sn * spk + c * sqk;
        }
        s[p * n + q] = s[q * n + p] = 0;
        rotateColumns(v, n, n, p, q, c, sn);
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => s[x * n + x] - s[y * n + y]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = s[src * n + src];
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src];
  });
  signColumns(vectors, n, n);
  return { values, vectors };
}

/** Flips each column of an r x c matrix so its entry of largest magnitude is positive; returns the flips. */
export function signColumns(x: Float64Array, r: number, c: number): Float64Array {
  const flips = new Float64Array(c);
  for (let j = 0; j < c; j++) {
    let best = 0;
    for (let i = 0; i < r; i++) if (Math.abs(x[i * c + j]) > Math.abs(best)) best = x[i * c + j];
    flips[j] = best < 0 ? -1 : 1;
    if (best < 0) for (let i = 0; i < r; i++) x[i * c + j] = -x[i * c + j];
  }
  return flips;
}

/**
 * Reduced SVD of an m x n matrix, A = U diag(S) Vᵀ, by one-sided Jacobi (Hestenes) rotations on
 * the columns of A (of Aᵀ when m < n), accurate to working precision even for small singular
 * values. S descending; each pair (u_i, v_i) is signed so that v_i's entry of largest magnitude
 * is positive (descent's convention). k = min(m, n); U is m x k, V is n x k.
 */
export function jacobiSVD(a: Float64Array, m: number, n: number): { u: Float64Array; s: Float64Array; v: Float64Array } {
  if (m < n) {
    // Aᵀ = V S Uᵀ: decompose the transpose and swap the roles.
    const t = new Float64Array(n * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
    const r = jacobiSVD(t, n, m);
    // The convention is on V (here r.u): re-sign its columns and flip U's (r.v's) alike.
    const flips = signColumns(r.u, n, m);
    for (let j = 0; j < m; j++) if (flips[j] < 0) for (let i = 0; i < m; i++) r.v[i * m + j] = -r.v[i * m + j];
    return { u: r.v, s: r.s, v: r.u };
  }
  const k = n;
  const w = Float64Array.from(a); // m x n, columns rotated in place to U S
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = w[i * n + p], y = w[i * n + q];
          alpha += x * x; beta += y * y; gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotateColumns(w, m, n, p, q, c, s);
        rotateColumns(v, n, n, p, q, c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += w[i * n + j] * w[i * n + j];
    norms[j] = Math.sqrt(s);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => norms[y] - norms[x]);
  const s = new Float64Array(k);
  const u = new Float64Array(m * k);
  const vo = new Float64Array(n * k);
  order.forEach((src, dst) => {
    s[dst] = norms[src];
    for (let i = 0; i < n; i++) vo[i * k + dst] = v[i * n + src];
    if (norms[src] > 0) for (let i = 0; i < m; i++) u[i * k + dst] = w[i * n + src] / norms[src];
  });
  completeBasis(u, m, k, s);
  const flips = signColumns(vo, n, k);
  for (let j = 0; j < k; j++) if (flips[j] < 0) for (let i = 0; i < m; i++) u[i * k + j] = -u[i * k + j];
  return { u, s, v: vo };
}

/** Columns of U for zero singular values are filled in (Gram-Schmidt on unit vectors) so U stays orthonormal. */
function completeBasis(u: Float64Array, m: number, k: number, s: Float64Array): void {
  for (let j = 0; j < k; j++) {
    if (s[j] > 0) continue;
    for (let e = 0; e < m; e++) {
      const col = new Float64Array(m);
      col[e] = 1;
      for (let p = 0; p < k; p++) {
        if (p === j || (s[p] === 0 && p > j)) continue;
        let d = 0;
        for (let i = 0; i < m; i++) d += u[i * k + p] * col[i];
        for (let i = 0; i < m; i++) col[i] -= d * u[i * k + p];
      }
      const nrm = Math.hypot(...col);
      if (nrm > 1e-8) {
        for (let i = 0; i < m; i++) u[i * k + j] = col[i] / nrm;
        break;
      }
    }
  }
}
