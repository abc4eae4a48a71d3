/*
 * descent's WebAssembly kernels: float32 SIMD (wasm simd128) versions of the engine's hot loops.
 *
 * Built by scripts/build-wasm.mjs with clang's wasm32 target (no libc). Every pointer is an
 * offset into this module's own linear memory: the TypeScript side (wasm/index.ts) copies
 * operands into a scratch arena above __heap_base, calls a kernel, and copies results back.
 *
 * GEMM follows the usual blocked design: op(B) is packed into panels of NR columns, alpha *
 * op(A) into panels of MR rows (both k-major and zero-padded), and a register-blocked
 * microkernel accumulates an MR x NR tile of C over a block of KC values of k.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

typedef v128_t f4;

/* ---- GEMM ------------------------------------------------------------------------------- */

#ifndef MR
#define MR 4
#endif
#ifndef NR
#define NR 8
#endif
#ifndef KC
#define KC 256
#endif
#ifndef MC
#define MC 64
#endif
#define NC 2048

static float packA[MC * KC] __attribute__((aligned(16)));
static float packB[KC * NC] __attribute__((aligned(16)));

/* alpha * op(A)[i0 : i0+mc, p0 : p0+kc] into row panels of MR: panel r holds (p, i) at p*MR + i. */
static void pack_a(int transA, const float *a, int lda, int i0, int p0, int mc, int kc, float alpha) {
  float *dst = packA;
  for (int ir = 0; ir < mc; ir += MR) {
    int rows = mc - ir < MR ? mc - ir : MR;
    if (!transA) {
      const float *src = a + (i0 + ir) * lda + p0;
      if (rows == MR) {
#pragma clang loop unroll(full)
        for (int i = 0; i < MR; i++) {
          const float *s = src + i * lda;
          for (int p = 0; p < kc; p++) dst[p * MR + i] = alpha * s[p];
        }
      } else {
        for (int i = 0; i < MR; i++) {
          const float *s = src + i * lda;
          if (i < rows) for (int p = 0; p < kc; p++) dst[p * MR + i] = alpha * s[p];
          else for (int p = 0; p < kc; p++) dst[p * MR + i] = 0.0f;
        }
      }
    } else {
      /* A stored [k, m]: op(A)(i, p) = a[p * lda + i], rows contiguous along i. */
      const float *src = a + p0 * lda + i0 + ir;
      if (rows == MR && MR % 4 == 0) {
        f4 va = wasm_f32x4_splat(alpha);
        for (int p = 0; p < kc; p++) {
#pragma clang loop unroll(full)
          for (int i = 0; i < MR; i += 4)
            wasm_v128_store(dst + p * MR + i, wasm_f32x4_mul(va, wasm_v128_load(src + p * lda + i)));
        }
      } else {
        for (int p = 0; p < kc; p++) {
          for (int i = 0; i < rows; i++) dst[p * MR + i] = alpha * src[p * lda + i];
          for (int i = rows; i < MR; i++) dst[p * MR + i] = 0.0f;
        }
      }
    }
    dst += kc * MR;
  }
}

/* op(B)[p0 : p0+kc, j0 : j0+nc] into column panels of NR: panel holds (p, j) at p*NR + j. */
static void pack_b(int transB, const float *b, int ldb, int p0, int j0, int kc, int nc) {
  float *dst = packB;
  for (int jr = 0; jr < nc; jr += NR) {
    int cols = nc - jr < NR ? nc - jr : NR;
    if (!transB) {
      const float *src = b + p0 * ldb + j0 + jr;
      if (cols == NR) {
        for (int p = 0; p < kc; p++) {
          const float *s = src + p * ldb;
#pragma clang loop unroll(full)
          for (int j = 0; j < NR; j += 4) wasm_v128_store(dst + j, wasm_v128_load(s + j));
          dst += NR;
        }
      } else {
        for (int p = 0; p < kc; p++) {
          const float *s = src + p * ldb;
          for (int j = 0; j < cols; j++) dst[j] = s[j];
          for (int j = cols; j < NR; j++) dst[j] = 0.0f;
          dst += NR;
        }
      }
    } else {
      /* B stored [n, k]: op(B)(p, j) = b[j * ldb + p]. Gather NR rows of b, walking p. */
      const float *src = b + (j0 + jr) * ldb + p0;
      for (int j = 0; j < NR; j++) {
        float *d = dst + j;
        if (j < cols) {
          const float *s = src + j * ldb;
          for (int p = 0; p < kc; p++) d[p * NR] = s[p];
        } else {
          for (int p = 0; p < kc; p++) d[p * NR] = 0.0f;
        }
      }
      dst += kc * NR;
    }
  }
}

/* C[MR x NR] += Ap (kc x MR) * Bp (kc x NR); rows x cols of the tile are stored. */
#define NV (NR / 4)
static void micro(int kc, const float *ap, const float *bp, float *c, int ldc, int rows, int cols) {
  f4 acc[MR][NV];
#pragma clang loop unroll(full)
  for (int i = 0; i < MR; i++)
#pragma clang loop unroll(full)
    for (int j = 0; j < NV; j++) acc[i][j] = wasm_f32x4_splat(0);
  for (int p = 0; p < kc; p++) {
    f4 bv[NV];
#pragma clang loop unroll(full)
    for (int j = 0; j < NV; j++) bv[j] = wasm_v128_load(bp + 4 * j);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
      f4 av = wasm_v128_load32_splat(ap + i);
#pragma clang loop unroll(full)
      for (int j = 0; j < NV; j++) acc[i][j] = wasm_f32x4_add(acc[i][j], wasm_f32x4_mul(av, bv[j]));
    }
    ap += MR;
    bp += NR;
  }
  if (rows == MR && cols == NR) {
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
      float *cr = c + i * ldc;
#pragma clang loop unroll(full)
      for (int j = 0; j < NV; j++) wasm_v128_store(cr + 4 * j, wasm_f32x4_add(wasm_v128_load(cr + 4 * j), acc[i][j]));
    }
    return;
  }
  float t[MR * NR] __attribute__((aligned(16)));
#pragma clang loop unroll(full)
  for (int i = 0; i < MR; i++)
#pragma clang loop unroll(full)
    for (int j = 0; j < NV; j++) wasm_v128_store(t + i * NR + 4 * j, acc[i][j]);
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) c[i * ldc + j] += t[i * NR + j];
}

/* C = beta * C over an m x n block with leading dimension ldc (beta 0 overwrites, NaN included). */
static void scale_c(float *c, int m, int n, int ldc, float beta) {
  if (beta == 1.0f) return;
  for (int i = 0; i < m; i++) {
    float *cr = c + i * ldc;
    int j = 0;
    if (beta == 0.0f) {
      for (; j + 4 <= n; j += 4) wasm_v128_store(cr + j, wasm_f32x4_splat(0));
      for (; j < n; j++) cr[j] = 0.0f;
    } else {
      f4 vb = wasm_f32x4_splat(beta);
      for (; j + 4 <= n; j += 4) wasm_v128_store(cr + j, wasm_f32x4_mul(vb, wasm_v128_load(cr + j)));
      for (; j < n; j++) cr[j] *= beta;
    }
  }
}

/* C = alpha op(A) op(B) + beta C, row-major (cblas_sgemm's conventions). */
EXPORT(sgemm)
void sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
           const float *b, int ldb, float beta, float *c, int ldc) {
  if (m <= 0 || n <= 0) return;
  scale_c(c, m, n, ldc, beta);
  if (k <= 0 || alpha == 0.0f) return;
  for (int jc = 0; jc < n; jc += NC) {
    int nc = n - jc < NC ? n - jc : NC;
    for (int pc = 0; pc < k; pc += KC) {
      int kc = k - pc < KC ? k - pc : KC;
      pack_b(transB, b, ldb, pc, jc, kc, nc);
      for (int ic = 0; ic < m; ic += MC) {
        int mc = m - ic < MC ? m - ic : MC;
        pack_a(transA, a, lda, ic, pc, mc, kc, alpha);
        for (int jr = 0; jr < nc; jr += NR) {
          int cols = nc - jr < NR ? nc - jr : NR;
          const float *bp = packB + jr * kc;
          for (int ir = 0; ir < mc; ir += MR) {
            int rows = mc - ir < MR ? mc - ir : MR;
            micro(kc, packA + ir * kc, bp, c + (ic + ir) * ldc + jc + jr, ldc, rows, cols);
          }
        }
      }
    }
  }
}

/* ---- fused Adam --------------------------------------------------------------------------- */

/*
 * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p = p * decay - stepSize * m / (sqrt(v) / sqrtBc2 + eps).
 * The TypeScript side streams the arrays through the arena in cache-sized chunks.
 */
EXPORT(adam)
void adam(float *p, const float *g, float *m, float *v, int n, float beta1, float beta2, float eps,
          float stepSize, float invSqrtBc2, float decay) {
  f4 b1 = wasm_f32x4_splat(beta1), b2 = wasm_f32x4_splat(beta2);
  f4 ob1 = wasm_f32x4_splat(1.0f - beta1), ob2 = wasm_f32x4_splat(1.0f - beta2);
  f4 veps = wasm_f32x4_splat(eps), vstep = wasm_f32x4_splat(stepSize);
  f4 vinv = wasm_f32x4_splat(invSqrtBc2), vdecay = wasm_f32x4_splat(decay);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    f4 gi = wasm_v128_load(g + i);
    f4 mi = wasm_f32x4_add(wasm_f32x4_mul(b1, wasm_v128_load(m + i)), wasm_f32x4_mul(ob1, gi));
    f4 vi = wasm_f32x4_add(wasm_f32x4_mul(b2, wasm_v128_load(v + i)), wasm_f32x4_mul(ob2, wasm_f32x4_mul(gi, gi)));
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
    f4 den = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_sqrt(vi), vinv), veps);
    f4 pi = wasm_f32x4_sub(wasm_f32x4_mul(wasm_v128_load(p + i), vdecay), wasm_f32x4_div(wasm_f32x4_mul(vstep, mi), den));
    wasm_v128_store(p + i, pi);
  }
  for (; i < n; i++) {
    float gi = g[i];
    float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] * decay - stepSize * mi / (__builtin_sqrtf(vi) * invSqrtBc2 + eps);
  }
}
