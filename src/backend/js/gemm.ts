import type { GemmArgs } from '../kernels.js';

/**
 * Reference GEMM, row-major: C = alpha op(A) op(B) + beta C. Loops are ordered so the
 * innermost one walks contiguous memory of B and C (i-p-j); transposed operands are read
 * with their strides. Correct for both dtypes; fast backends replace it.
 */
export function gemm(g: GemmArgs): void {
  const { m, n, k, alpha, beta, a, b, c, lda, ldb, ldc, aOffset, bOffset, cOffset, transA, transB } = g;
  for (let i = 0; i < m; i++) {
    const ci = cOffset + i * ldc;
    if (beta === 0) for (let j = 0; j < n; j++) c[ci + j] = 0;
    else if (beta !== 1) for (let j = 0; j < n; j++) c[ci + j] *= beta;
  }
  // A element (i, p) and B element (p, j) as offsets.
  const aRow = transA ? 1 : lda;
  const aCol = transA ? lda : 1;
  if (!transB) {
    for (let i = 0; i < m; i++) {
      const ci = cOffset + i * ldc;
      for (let p = 0; p < k; p++) {
        const av = alpha * a[aOffset + i * aRow + p * aCol];
        if (av === 0) continue;
        const bp = bOffset + p * ldb;
        for (let j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
      }
    }
  } else {
    // B transposed: B(p, j) = b[j * ldb + p]; a dot product per output keeps reads contiguous.
    for (let i = 0; i < m; i++) {
      const ci = cOffset + i * ldc;
      for (let j = 0; j < n; j++) {
        const bj = bOffset + j * ldb;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[aOffset + i * aRow + p * aCol] * b[bj + p];
        c[ci + j] += alpha * s;
      }
    }
  }
}
