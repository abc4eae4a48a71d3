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
#include "simd.h"

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

/*
 * The packing loops are functions of their own (NOINLINE), one per operand layout, and the two
 * that transpose do it with explicit 4 x 4 shuffles. V8 runs a wasm function first as its
 * baseline compiler's code and recompiles it with TurboFan, function by function, once it has
 * run enough: sgemm_with with all the packing inlined (17.7 KB of code) took TurboFan 74-190 ms
 * on the 2-core VM, and a fresh process's first products ran on the slow code until then. Now
 * each GEMM function is at most 3.3 KB and compiles in a few ms (the MLP's first step on wasm:
 * 50-73 ms -> 25-39), and only the layouts a program uses are compiled. The shuffles also made
 * the products 4-13% faster than clang's vectorization of the strided stores.
 */
#define NOINLINE __attribute__((noinline))

/* Transposes four rows of four floats in place: afterwards r_q holds element q of each row. */
static inline void transpose4(f4 *r0, f4 *r1, f4 *r2, f4 *r3) {
  f4 t0 = wasm_i32x4_shuffle(*r0, *r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(*r0, *r1, 2, 6, 3, 7);
  f4 t2 = wasm_i32x4_shuffle(*r2, *r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(*r2, *r3, 2, 6, 3, 7);
  *r0 = wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5);
  *r1 = wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7);
  *r2 = wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5);
  *r3 = wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7);
}

/*
 * alpha * A[i0 : i0+mc, p0 : p0+kc], A stored [m, k], into row panels of MR: panel r holds (p, i)
 * at p*MR + i. Full panels go four values of p at a time through a 4 x 4 transpose (clang's own
 * vectorization of the strided stores was 5.8 KB of code, 10-40 ms of TurboFan).
 */
NOINLINE static void pack_a_rows(float *dst, const float *a, int lda, int i0, int p0, int mc, int kc, float alpha) {
  const f4 va = wasm_f32x4_splat(alpha);
  for (int ir = 0; ir < mc; ir += MR) {
    int rows = mc - ir < MR ? mc - ir : MR;
    const float *src = a + (i0 + ir) * lda + p0;
#if MR == 4
    if (rows == MR) {
      const float *s0 = src, *s1 = src + lda, *s2 = src + 2 * lda, *s3 = src + 3 * lda;
      int p = 0;
      for (; p + 4 <= kc; p += 4) {
        f4 r0 = wasm_f32x4_mul(va, wasm_v128_load(s0 + p)), r1 = wasm_f32x4_mul(va, wasm_v128_load(s1 + p));
        f4 r2 = wasm_f32x4_mul(va, wasm_v128_load(s2 + p)), r3 = wasm_f32x4_mul(va, wasm_v128_load(s3 + p));
        transpose4(&r0, &r1, &r2, &r3);
        wasm_v128_store(dst + p * 4, r0);
        wasm_v128_store(dst + p * 4 + 4, r1);
        wasm_v128_store(dst + p * 4 + 8, r2);
        wasm_v128_store(dst + p * 4 + 12, r3);
      }
#pragma clang loop vectorize(disable) unroll(disable)
      for (; p < kc; p++) {
        dst[p * 4] = alpha * s0[p];
        dst[p * 4 + 1] = alpha * s1[p];
        dst[p * 4 + 2] = alpha * s2[p];
        dst[p * 4 + 3] = alpha * s3[p];
      }
      dst += kc * MR;
      continue;
    }
#endif
    for (int i = 0; i < MR; i++) {
      const float *s = src + i * lda;
#pragma clang loop vectorize(disable) unroll(disable)
      for (int p = 0; p < kc; p++) dst[p * MR + i] = i < rows ? alpha * s[p] : 0.0f;
    }
    dst += kc * MR;
  }
}

/* The same panels from A stored [k, m] (op(A)(i, p) = a[p * lda + i], rows contiguous along i). */
NOINLINE static void pack_a_cols(float *dst, const float *a, int lda, int i0, int p0, int mc, int kc, float alpha) {
  for (int ir = 0; ir < mc; ir += MR) {
    int rows = mc - ir < MR ? mc - ir : MR;
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
    dst += kc * MR;
  }
}

/* alpha * op(A)[i0 : i0+mc, p0 : p0+kc] into row panels of MR. */
static void pack_a(float *dst, int transA, const float *a, int lda, int i0, int p0, int mc, int kc, float alpha) {
  if (transA) pack_a_cols(dst, a, lda, i0, p0, mc, kc, alpha);
  else pack_a_rows(dst, a, lda, i0, p0, mc, kc, alpha);
}

/* B[p0 : p0+kc, j0 : j0+nc], B stored [k, n], into column panels of NR: panel holds (p, j) at p*NR + j. */
NOINLINE static void pack_b_rows(float *dst, const float *b, int ldb, int p0, int j0, int kc, int nc) {
  for (int jr = 0; jr < nc; jr += NR) {
    int cols = nc - jr < NR ? nc - jr : NR;
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
  }
}

/*
 * The same panels from B stored [n, k] (op(B)(p, j) = b[j * ldb + p]): gathers NR rows of b,
 * walking p; full panels four values of p at a time through 4 x 4 transposes (as pack_a_rows).
 */
NOINLINE static void pack_b_cols(float *dst, const float *b, int ldb, int p0, int j0, int kc, int nc) {
  for (int jr = 0; jr < nc; jr += NR) {
    int cols = nc - jr < NR ? nc - jr : NR;
    const float *src = b + (j0 + jr) * ldb + p0;
#if NR == 8
    if (cols == NR) {
      int p = 0;
      for (; p + 4 <= kc; p += 4) {
#pragma clang loop unroll(full)
        for (int h = 0; h < 2; h++) {
          const float *s = src + 4 * h * ldb + p;
          f4 r0 = wasm_v128_load(s), r1 = wasm_v128_load(s + ldb), r2 = wasm_v128_load(s + 2 * ldb), r3 = wasm_v128_load(s + 3 * ldb);
          transpose4(&r0, &r1, &r2, &r3);
          float *d = dst + p * NR + 4 * h;
          wasm_v128_store(d, r0);
          wasm_v128_store(d + NR, r1);
          wasm_v128_store(d + 2 * NR, r2);
          wasm_v128_store(d + 3 * NR, r3);
        }
      }
#pragma clang loop vectorize(disable) unroll(disable)
      for (; p < kc; p++)
        for (int j = 0; j < NR; j++) dst[p * NR + j] = src[j * ldb + p];
      dst += kc * NR;
      continue;
    }
#endif
    for (int j = 0; j < NR; j++) {
      const float *s = src + j * ldb;
#pragma clang loop vectorize(disable) unroll(disable)
      for (int p = 0; p < kc; p++) dst[p * NR + j] = j < cols ? s[p] : 0.0f;
    }
    dst += kc * NR;
  }
}

/* op(B)[p0 : p0+kc, j0 : j0+nc] into column panels of NR. */
static void pack_b(float *dst, int transB, const float *b, int ldb, int p0, int j0, int kc, int nc) {
  if (transB) pack_b_cols(dst, b, ldb, p0, j0, kc, nc);
  else pack_b_rows(dst, b, ldb, p0, j0, kc, nc);
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

/*
 * C = alpha op(A) op(B) + beta C, row-major (cblas_sgemm's conventions), packing into pa
 * (MC * KC floats) and pb (KC * NC floats). Every element of C is computed the same way
 * wherever its tile lies, so a product split by rows or columns of C across threads (each
 * with its own pa and pb) gives the same bits as one call.
 */
static void sgemm_with(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
                       const float *b, int ldb, float beta, float *c, int ldc, float *pa, float *pb) {
  if (m <= 0 || n <= 0) return;
  scale_c(c, m, n, ldc, beta);
  if (k <= 0 || alpha == 0.0f) return;
  for (int jc = 0; jc < n; jc += NC) {
    int nc = n - jc < NC ? n - jc : NC;
    for (int pc = 0; pc < k; pc += KC) {
      int kc = k - pc < KC ? k - pc : KC;
      pack_b(pb, transB, b, ldb, pc, jc, kc, nc);
      for (int ic = 0; ic < m; ic += MC) {
        int mc = m - ic < MC ? m - ic : MC;
        pack_a(pa, transA, a, lda, ic, pc, mc, kc, alpha);
        for (int jr = 0; jr < nc; jr += NR) {
          int cols = nc - jr < NR ? nc - jr : NR;
          const float *bp = pb + jr * kc;
          for (int ir = 0; ir < mc; ir += MR) {
            int rows = mc - ir < MR ? mc - ir : MR;
            micro(kc, pa + ir * kc, bp, c + (ic + ir) * ldc + jc + jr, ldc, rows, cols);
          }
        }
      }
    }
  }
}

EXPORT(sgemm)
void sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
           const float *b, int ldb, float beta, float *c, int ldc) {
  sgemm_with(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, packA, packB);
}

/* Floats of packing workspace one thread needs for sgemm_part and the *_part convolutions. */
EXPORT(gemm_workspace)
int gemm_workspace(void) { return MC * KC + KC * NC; }

/*
 * One thread's share of sgemm: rows [r0, r1) and columns [c0, c1) of C, packing into ws
 * (gemm_workspace() floats).
 */
EXPORT(sgemm_part)
void sgemm_part(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
                const float *b, int ldb, float beta, float *c, int ldc, int r0, int r1, int c0, int c1, float *ws) {
  (void)m;
  (void)n;
  const float *ap = transA ? a + r0 : a + r0 * lda;
  const float *bp = transB ? b + c0 * ldb : b + c0;
  sgemm_with(transA, transB, r1 - r0, c1 - c0, k, alpha, ap, lda, bp, ldb, beta, c + r0 * ldc + c0, ldc, ws, ws + MC * KC);
}

/* ---- fused Adam --------------------------------------------------------------------------- */

/* a x + b y, four lanes: the running averages of the optimizer kernels. */
static inline f4 mix4(f4 a, f4 x, f4 b, f4 y) {
  return wasm_f32x4_add(wasm_f32x4_mul(a, x), wasm_f32x4_mul(b, y));
}

/* The gradient as the optimizers see it: sign grad + wd p (maximize flips, coupled weight decay). */
static inline f4 grad4(f4 sign, const float *grad, f4 wd, f4 p) {
  return mix4(sign, wasm_v128_load(grad), wd, p);
}

/*
 * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p = p * decay - stepSize * m / (sqrt(v) / sqrtBc2 + eps).
 * The TypeScript side streams the arrays through the arena in cache-sized chunks. It passes
 * 1-b1 and 1-b2 computed in double and rounded once, as PyTorch's scalars are: 1.0f - 0.9f
 * in float32 is 0.100000024, not 0.1f.
 */
EXPORT(adam)
void adam(float *p, const float *g, float *m, float *v, float *vmax, int n, float beta1, float beta2,
          float oneMinusBeta1, float oneMinusBeta2, float eps, float stepSize, float invSqrtBc2, float decay) {
  f4 b1 = wasm_f32x4_splat(beta1), b2 = wasm_f32x4_splat(beta2);
  f4 ob1 = wasm_f32x4_splat(oneMinusBeta1), ob2 = wasm_f32x4_splat(oneMinusBeta2);
  f4 veps = wasm_f32x4_splat(eps), vstep = wasm_f32x4_splat(stepSize);
  f4 vinv = wasm_f32x4_splat(invSqrtBc2), vdecay = wasm_f32x4_splat(decay);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    f4 gi = wasm_v128_load(g + i);
    f4 mi = mix4(b1, wasm_v128_load(m + i), ob1, gi);
    f4 vi = mix4(b2, wasm_v128_load(v + i), ob2, wasm_f32x4_mul(gi, gi));
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
    if (vmax) { /* AMSGrad: the denominator uses the running maximum of v */
      vi = wasm_f32x4_max(wasm_v128_load(vmax + i), vi);
      wasm_v128_store(vmax + i, vi);
    }
    f4 den = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_sqrt(vi), vinv), veps);
    f4 pi = wasm_f32x4_sub(wasm_f32x4_mul(wasm_v128_load(p + i), vdecay), wasm_f32x4_div(wasm_f32x4_mul(vstep, mi), den));
    wasm_v128_store(p + i, pi);
  }
  for (; i < n; i++) {
    float gi = g[i];
    float mi = beta1 * m[i] + oneMinusBeta1 * gi;
    float vi = beta2 * v[i] + oneMinusBeta2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    if (vmax) { /* NaN propagates, as wasm_f32x4_max does */
      if (vi != vi || vi > vmax[i]) vmax[i] = vi;
      vi = vmax[i];
    }
    p[i] = p[i] * decay - stepSize * mi / (__builtin_sqrtf(vi) * invSqrtBc2 + eps);
  }
}

/*
 * The SGD step: g = sign grad + wd p; with a buffer (buf != 0) buf = first ? g : mom buf +
 * keep g and d = nesterov ? g + mom buf : buf, else d = g; p -= lr d.
 */
EXPORT(sgd)
void sgd(float *p, const float *grad, float *buf, int n, float lr, float mom, float keep, float wd,
         float sign, int nesterov, int first) {
  f4 vlr = wasm_f32x4_splat(lr), vmom = wasm_f32x4_splat(mom), vkeep = wasm_f32x4_splat(keep);
  f4 vwd = wasm_f32x4_splat(wd), vsign = wasm_f32x4_splat(sign);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    f4 pi = wasm_v128_load(p + i);
    f4 g = grad4(vsign, grad + i, vwd, pi);
    f4 d = g;
    if (buf) {
      f4 b = first ? g : mix4(vmom, wasm_v128_load(buf + i), vkeep, g);
      wasm_v128_store(buf + i, b);
      d = nesterov ? wasm_f32x4_add(g, wasm_f32x4_mul(vmom, b)) : b;
    }
    wasm_v128_store(p + i, wasm_f32x4_sub(pi, wasm_f32x4_mul(vlr, d)));
  }
  for (; i < n; i++) {
    float g = sign * grad[i] + wd * p[i];
    float d = g;
    if (buf) {
      float b = first ? g : mom * buf[i] + keep * g;
      buf[i] = b;
      d = nesterov ? g + mom * b : b;
    }
    p[i] -= lr * d;
  }
}

/*
 * The RMSprop step: g = sign grad + wd p; sq = alpha sq + (1 - alpha) g^2; centered (gavg != 0):
 * gavg = alpha gavg + (1 - alpha) g, s = sqrt(sq - gavg^2) + eps, else s = sqrt(sq) + eps; with a
 * buffer buf = mom buf + g / s and p -= lr buf, else p -= lr g / s.
 */
EXPORT(rmsprop)
void rmsprop(float *p, const float *grad, float *sq, float *gavg, float *buf, int n, float lr, float alpha,
             float oneMinusAlpha, float eps, float wd, float mom, float sign) {
  f4 vlr = wasm_f32x4_splat(lr), va = wasm_f32x4_splat(alpha), voa = wasm_f32x4_splat(oneMinusAlpha);
  f4 veps = wasm_f32x4_splat(eps), vwd = wasm_f32x4_splat(wd), vmom = wasm_f32x4_splat(mom), vsign = wasm_f32x4_splat(sign);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    f4 pi = wasm_v128_load(p + i);
    f4 g = grad4(vsign, grad + i, vwd, pi);
    f4 s2 = mix4(va, wasm_v128_load(sq + i), voa, wasm_f32x4_mul(g, g));
    wasm_v128_store(sq + i, s2);
    if (gavg) {
      f4 ga = mix4(va, wasm_v128_load(gavg + i), voa, g);
      wasm_v128_store(gavg + i, ga);
      s2 = wasm_f32x4_sub(s2, wasm_f32x4_mul(ga, ga));
    }
    f4 s = wasm_f32x4_add(wasm_f32x4_sqrt(s2), veps);
    if (buf) {
      f4 b = wasm_f32x4_add(wasm_f32x4_mul(vmom, wasm_v128_load(buf + i)), wasm_f32x4_div(g, s));
      wasm_v128_store(buf + i, b);
      wasm_v128_store(p + i, wasm_f32x4_sub(pi, wasm_f32x4_mul(vlr, b)));
    } else {
      wasm_v128_store(p + i, wasm_f32x4_sub(pi, wasm_f32x4_div(wasm_f32x4_mul(vlr, g), s)));
    }
  }
  for (; i < n; i++) {
    float g = sign * grad[i] + wd * p[i];
    float s2 = alpha * sq[i] + oneMinusAlpha * g * g;
    sq[i] = s2;
    if (gavg) {
      float ga = alpha * gavg[i] + oneMinusAlpha * g;
      gavg[i] = ga;
      s2 = s2 - ga * ga;
    }
    float s = __builtin_sqrtf(s2) + eps;
    if (buf) {
      float b = mom * buf[i] + g / s;
      buf[i] = b;
      p[i] -= lr * b;
    } else {
      p[i] -= lr * g / s;
    }
  }
}

/* The Adagrad step: g = sign grad + wd p; sum += g^2; p -= lr g / (sqrt(sum) + eps). */
EXPORT(adagrad)
void adagrad(float *p, const float *grad, float *sum, int n, float lr, float eps, float wd, float sign) {
  f4 vlr = wasm_f32x4_splat(lr), veps = wasm_f32x4_splat(eps), vwd = wasm_f32x4_splat(wd), vsign = wasm_f32x4_splat(sign);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    f4 pi = wasm_v128_load(p + i);
    f4 g = grad4(vsign, grad + i, vwd, pi);
    f4 s = wasm_f32x4_add(wasm_v128_load(sum + i), wasm_f32x4_mul(g, g));
    wasm_v128_store(sum + i, s);
    wasm_v128_store(p + i, wasm_f32x4_sub(pi, wasm_f32x4_div(wasm_f32x4_mul(vlr, g), wasm_f32x4_add(wasm_f32x4_sqrt(s), veps))));
  }
  for (; i < n; i++) {
    float g = sign * grad[i] + wd * p[i];
    float s = sum[i] + g * g;
    sum[i] = s;
    p[i] -= lr * g / (__builtin_sqrtf(s) + eps);
  }
}

/* ---- elementwise ---------------------------------------------------------------------------- */

/*
 * Unary maps. Codes (kept in sync with UNARY_CODES in index.ts): 0 neg, 1 abs, 2 sqrt,
 * 3 square, 4 relu, 5 step, 6 reciprocal, 7 floor, 8 ceil, 9 round (half to even), 10 isnan,
 * 11 sign. Each matches the js kernel bit for bit on float32 (IEEE float32 arithmetic and the
 * js rules for NaN and signed zeros: relu(NaN) = NaN, relu(-0) = +0).
 */
static inline f4 unary4(int op, f4 x) {
  const f4 zero = wasm_f32x4_splat(0.0f), one = wasm_f32x4_splat(1.0f);
  switch (op) {
    case 0: return wasm_f32x4_neg(x);
    case 1: return wasm_f32x4_abs(x);
    case 2: return wasm_f32x4_sqrt(x);
    case 3: return wasm_f32x4_mul(x, x);
    case 4: return wasm_v128_bitselect(x, wasm_f32x4_pmax(zero, x), wasm_f32x4_ne(x, x)); /* 0 < x ? x : 0, NaN kept */
    case 5: return wasm_v128_and(wasm_f32x4_gt(x, zero), one);
    case 6: return wasm_f32x4_div(one, x);
    case 7: return wasm_f32x4_floor(x);
    case 8: return wasm_f32x4_ceil(x);
    case 9: return wasm_f32x4_nearest(x);
    case 10: return wasm_v128_and(wasm_f32x4_ne(x, x), one);
    default: { /* sign: 1, -1, +0 (for both zeros), NaN */
      f4 pos = wasm_v128_and(wasm_f32x4_gt(x, zero), one);
      f4 neg = wasm_v128_and(wasm_f32x4_lt(x, zero), wasm_f32x4_splat(-1.0f));
      return wasm_v128_bitselect(x, wasm_v128_or(pos, neg), wasm_f32x4_ne(x, x));
    }
  }
}

#define UNARY_CASE(code)                                                                     \
  case code:                                                                                 \
    for (; i + 4 <= n; i += 4) wasm_v128_store(o + i, unary4(code, wasm_v128_load(x + i)));  \
    break;

EXPORT(unary)
void unary(int op, const float *x, float *o, int n) {
  int i = 0;
  /* One loop per op, so the switch inside unary4 folds away. */
  switch (op) {
    UNARY_CASE(0) UNARY_CASE(1) UNARY_CASE(2) UNARY_CASE(3) UNARY_CASE(4) UNARY_CASE(5)
    UNARY_CASE(6) UNARY_CASE(7) UNARY_CASE(8) UNARY_CASE(9) UNARY_CASE(10) UNARY_CASE(11)
  }
  if (i < n) {
    float tx[4] = {0, 0, 0, 0}, to[4];
    for (int j = 0; i + j < n; j++) tx[j] = x[i + j];
    wasm_v128_store(to, unary4(op, wasm_v128_load(tx)));
    for (int j = 0; i + j < n; j++) o[i + j] = to[j];
  }
}

/*
 * Binary maps, codes as BINARY_CODES in index.ts: 0 add, 1 sub, 2 mul, 3 div, 4 maximum,
 * 5 minimum, 6 eq, 7 ne, 8 lt, 9 le, 10 gt, 11 ge, 12 reluGrad. maximum(a, b) = a >= b || a is NaN
 * ? a : b, minimum likewise, as the js kernel; comparisons give 1 or 0; reluGrad(a, b) = b <= 0 ? 0 : a.
 */
static inline f4 binary4(int op, f4 a, f4 b) {
  const f4 one = wasm_f32x4_splat(1.0f);
  switch (op) {
    case 0: return wasm_f32x4_add(a, b);
    case 1: return wasm_f32x4_sub(a, b);
    case 2: return wasm_f32x4_mul(a, b);
    case 3: return wasm_f32x4_div(a, b);
    case 4: return wasm_v128_bitselect(a, b, wasm_v128_or(wasm_f32x4_ge(a, b), wasm_f32x4_ne(a, a)));
    case 5: return wasm_v128_bitselect(a, b, wasm_v128_or(wasm_f32x4_le(a, b), wasm_f32x4_ne(a, a)));
    case 6: return wasm_v128_and(wasm_f32x4_eq(a, b), one);
    case 7: return wasm_v128_and(wasm_f32x4_ne(a, b), one);
    case 8: return wasm_v128_and(wasm_f32x4_lt(a, b), one);
    case 9: return wasm_v128_and(wasm_f32x4_le(a, b), one);
    case 10: return wasm_v128_and(wasm_f32x4_gt(a, b), one);
    case 11: return wasm_v128_and(wasm_f32x4_ge(a, b), one);
    default: return wasm_v128_andnot(a, wasm_f32x4_le(b, wasm_f32x4_splat(0.0f)));
  }
}

/* One row: o[j] = op(a[j sa], b[j sb]), vectorized when each stride is 0 or 1. */
static inline void binary_row(int op, const float *a, int sa, const float *b, int sb, float *o, int len) {
  int j = 0;
  if (sa == 1 && sb == 1) {
    for (; j + 4 <= len; j += 4) wasm_v128_store(o + j, binary4(op, wasm_v128_load(a + j), wasm_v128_load(b + j)));
  } else if (sa == 1 && sb == 0) {
    f4 vb = wasm_v128_load32_splat(b);
    for (; j + 4 <= len; j += 4) wasm_v128_store(o + j, binary4(op, wasm_v128_load(a + j), vb));
  } else if (sa == 0 && sb == 1) {
    f4 va = wasm_v128_load32_splat(a);
    for (; j + 4 <= len; j += 4) wasm_v128_store(o + j, binary4(op, va, wasm_v128_load(b + j)));
  }
  for (; j < len; j++) {
    f4 r = binary4(op, wasm_f32x4_splat(a[j * sa]), wasm_f32x4_splat(b[j * sb]));
    o[j] = wasm_f32x4_extract_lane(r, 0);
  }
}

/*
 * out (contiguous, shape [d0, d1, d2, d3]) = op(a, b) with strides a0..a3, b0..b3 (0 = broadcast):
 * one function per op (NOINLINE, see the packing above), so that V8 optimizes the ops a program
 * uses, each on its own. As one function with every op's loops (32 KB of code), binary took
 * TurboFan some 100 ms before the first training steps of a process ran at full speed.
 */
#define BINARY_OP(code)                                                                          \
  NOINLINE static void binary_##code(const float *a, const float *b, float *o, int d0, int d1, int d2, int d3, \
                                     int a0, int a1, int a2, int a3, int b0, int b1, int b2, int b3) { \
    for (int i0 = 0; i0 < d0; i0++)                                                              \
      for (int i1 = 0; i1 < d1; i1++)                                                            \
        for (int i2 = 0; i2 < d2; i2++) {                                                        \
          binary_row(code, a + i0 * a0 + i1 * a1 + i2 * a2, a3, b + i0 * b0 + i1 * b1 + i2 * b2, b3, o, d3); \
          o += d3;                                                                               \
        }                                                                                        \
  }
BINARY_OP(0) BINARY_OP(1) BINARY_OP(2) BINARY_OP(3) BINARY_OP(4) BINARY_OP(5) BINARY_OP(6)
BINARY_OP(7) BINARY_OP(8) BINARY_OP(9) BINARY_OP(10) BINARY_OP(11) BINARY_OP(12)

#define BINARY_CASE(code) \
  case code: binary_##code(a, b, o, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;

EXPORT(binary)
void binary(int op, const float *a, const float *b, float *o, int d0, int d1, int d2, int d3,
            int a0, int a1, int a2, int a3, int b0, int b1, int b2, int b3) {
  switch (op) {
    BINARY_CASE(0) BINARY_CASE(1) BINARY_CASE(2) BINARY_CASE(3) BINARY_CASE(4) BINARY_CASE(5)
    BINARY_CASE(6) BINARY_CASE(7) BINARY_CASE(8) BINARY_CASE(9) BINARY_CASE(10) BINARY_CASE(11)
    BINARY_CASE(12)
  }
}

/* ---- max pooling ------------------------------------------------------------------------------ */

/*
 * The exact rule of the js kernel for one window: scanning rows then columns, a value wins if
 * it is greater than the best so far, if it is the first one, or if it is NaN; a NaN ends its
 * row's scan. Windows here are unpadded, so every position is inside the image.
 */
static void pool_window(const float *x, int corner, int width, int kh, int kw, int dh, int dw, float *best, int *at) {
  float b = 0.0f;
  int where = -1;
  for (int ki = 0; ki < kh; ki++) {
    int r = corner + ki * dh * width;
    for (int kj = 0; kj < kw; kj++) {
      int i = r + kj * dw;
      float v = x[i];
      if (v > b || where < 0 || v != v) {
        b = v;
        where = i;
        if (v != v) break;
      }
    }
  }
  *best = b;
  *at = where;
}

/*
 * Max pooling without padding over `planes` images [height, width]; `at` gets each winner's
 * flat index. The 2x2 stride-2 window (the common one) takes four outputs at a time in SIMD;
 * a group of windows holding a NaN goes through the exact scalar rule.
 */
EXPORT(max_pool)
void max_pool(const float *x, int planes, int height, int width, int kh, int kw, int sh, int sw, int dh, int dw,
              int outH, int outW, float *out, int *at) {
  int fast = kh == 2 && kw == 2 && sh == 2 && sw == 2 && dh == 1 && dw == 1;
  for (int p = 0; p < planes; p++) {
    const int base = p * height * width;
    for (int oy = 0; oy < outH; oy++) {
      const int rowBase = base + oy * sh * width;
      float *o = out + (p * outH + oy) * outW;
      int *w = at + (p * outH + oy) * outW;
      int ox = 0;
      if (fast && outW >= 4) {
        const float *r0 = x + rowBase, *r1 = r0 + width;
        /* Four outputs at a time; a ragged end redoes the last four (same results), so no
         * window takes the scalar path with its unpredictable branches. */
        for (; ox < outW; ox += 4) {
          if (ox + 4 > outW) ox = outW - 4;
          f4 u0 = wasm_v128_load(r0 + 2 * ox), u1 = wasm_v128_load(r0 + 2 * ox + 4);
          f4 l0 = wasm_v128_load(r1 + 2 * ox), l1 = wasm_v128_load(r1 + 2 * ox + 4);
          f4 a = wasm_i32x4_shuffle(u0, u1, 0, 2, 4, 6), b = wasm_i32x4_shuffle(u0, u1, 1, 3, 5, 7);
          f4 c = wasm_i32x4_shuffle(l0, l1, 0, 2, 4, 6), d = wasm_i32x4_shuffle(l0, l1, 1, 3, 5, 7);
          f4 nan = wasm_v128_or(wasm_v128_or(wasm_f32x4_ne(a, a), wasm_f32x4_ne(b, b)), wasm_v128_or(wasm_f32x4_ne(c, c), wasm_f32x4_ne(d, d)));
          if (wasm_v128_any_true(nan)) {
            for (int q = 0; q < 4; q++) pool_window(x, rowBase + 2 * (ox + q), width, 2, 2, 1, 1, o + ox + q, w + ox + q);
            continue;
          }
          /* Offsets of the winner within the window: 0, 1, width, width + 1. */
          f4 best = a;
          v128_t off = wasm_i32x4_splat(0);
          v128_t m = wasm_f32x4_gt(b, best);
          best = wasm_v128_bitselect(b, best, m);
          off = wasm_v128_bitselect(wasm_i32x4_splat(1), off, m);
          m = wasm_f32x4_gt(c, best);
          best = wasm_v128_bitselect(c, best, m);
          off = wasm_v128_bitselect(wasm_i32x4_splat(width), off, m);
          m = wasm_f32x4_gt(d, best);
          best = wasm_v128_bitselect(d, best, m);
          off = wasm_v128_bitselect(wasm_i32x4_splat(width + 1), off, m);
          v128_t corner = wasm_i32x4_add(wasm_i32x4_splat(rowBase + 2 * ox), wasm_i32x4_make(0, 2, 4, 6));
          wasm_v128_store(o + ox, best);
          wasm_v128_store(w + ox, wasm_i32x4_add(corner, off));
        }
      }
      for (; ox < outW; ox++) pool_window(x, rowBase + ox * sw, width, kh, kw, dh, dw, o + ox, w + ox);
    }
  }
}

/* ---- convolution -------------------------------------------------------------------------- */

/*
 * Geometry of one group of one image (as ConvGeometry in kernels.ts) and of the batch. The
 * whole-batch convolutions below run image by image inside this module: the columns of one
 * image stay in a cache-sized scratch and never cross to JavaScript.
 */
typedef struct {
  int n, groups, outChannels;
  int channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw, outH, outW;
} Conv;

/*
 * Short spans (a row of an image, often 8-64 floats) in vectors. Left to clang, these loops
 * vectorize 16 floats at a time behind alias checks and finish in scalar code, which made the
 * unfold of a 24-wide row cost several times its stores (im2col was 16% of a conv net's step).
 */
static inline void zero_span(float *dst, int len) {
  int q = 0;
  for (; q + 4 <= len; q += 4) wasm_v128_store(dst + q, wasm_f32x4_splat(0.0f));
#pragma clang loop vectorize(disable) unroll(disable)
  for (; q < len; q++) dst[q] = 0.0f;
}

/* dst[0, len) = src[0, len) for spans that do not overlap; the last vector may overlap the one before it. */
static inline void copy_span(float *dst, const float *src, int len) {
  if (len < 4) {
#pragma clang loop vectorize(disable) unroll(disable)
    for (int q = 0; q < len; q++) dst[q] = src[q];
    return;
  }
  int q = 0;
  for (; q + 4 < len; q += 4) wasm_v128_store(dst + q, wasm_v128_load(src + q));
  wasm_v128_store(dst + len - 4, wasm_v128_load(src + len - 4));
}

/* dst[0, len) += src[0, len), for spans that do not overlap. */
static inline void add_span(float *dst, const float *src, int len) {
  int q = 0;
  for (; q + 4 <= len; q += 4) wasm_v128_store(dst + q, wasm_f32x4_add(wasm_v128_load(dst + q), wasm_v128_load(src + q)));
#pragma clang loop vectorize(disable) unroll(disable)
  for (; q < len; q++) dst[q] += src[q];
}

/* The output columns ox whose input column ox * stride - pad + offset lies in [0, width). */
static void valid_range(int outW, int width, int stride, int pad, int offset, int *lo, int *hi) {
  /* ceil((pad - offset) / stride) for either sign */
  int num = pad - offset;
  int l = num <= 0 ? 0 : (num + stride - 1) / stride;
  int top = width - 1 + pad - offset; /* floor(top / stride) + 1 */
  int h = top < 0 ? 0 : top / stride + 1;
  if (h > outW) h = outW;
  if (l > h) l = h;
  *lo = l;
  *hi = h;
}

/* The output rows [*oy0, *oy1) of kernel row ki whose input row lies inside the image, for vertical stride 1. */
static void stride1_rows(const Conv *g, int ki, int *oy0, int *oy1) {
  int a = g->ph - ki * g->dh, b = g->height + g->ph - ki * g->dh;
  *oy0 = a < 0 ? 0 : a > g->outH ? g->outH : a;
  *oy1 = b < *oy0 ? *oy0 : b > g->outH ? g->outH : b;
}

/*
 * stride1_rows when rows are contiguous (stride 1 both ways and outW == width, as in "same"
 * padding): then a kernel offset's columns for those rows are one shifted block of the image.
 */
static int contiguous_rows(const Conv *g, int ki, int *oy0, int *oy1) {
  if (g->sh != 1 || g->sw != 1 || g->outW != g->width) return 0;
  stride1_rows(g, ki, oy0, oy1);
  return 1;
}

/*
 * Rows [r0, r1) of the columns [ckk, plane] of one group of one image [channels, H, W] at x,
 * row r at cols + (r - r0) * ld.
 */
static void im2col_rows(const float *x, const Conv *g, float *cols, int ld, int r0, int r1) {
  int row = 0;
  for (int c = 0; c < g->channels; c++) {
    const float *xc = x + c * g->height * g->width;
    for (int ki = 0; ki < g->kh; ki++) {
      for (int kj = 0; kj < g->kw; kj++, row++) {
        if (row < r0 || row >= r1) continue;
        float *base = cols + (row - r0) * ld;
        int lo, hi, oy0, oy1;
        valid_range(g->outW, g->width, g->sw, g->pw, kj * g->dw, &lo, &hi);
        int shift = kj * g->dw - g->pw;
        if (contiguous_rows(g, ki, &oy0, &oy1)) {
          /* One block copy (it may read a float before or after the image; those land in the
           * edge columns, zeroed next), then the rows and edge columns outside the image. */
          const int W = g->width;
          const float *src = xc + (oy0 - g->ph + ki * g->dh) * W + shift;
          for (int q = 0; q < (oy1 - oy0) * W; q++) base[oy0 * W + q] = src[q];
          for (int q = 0; q < oy0 * W; q++) base[q] = 0.0f;
          for (int q = oy1 * W; q < g->outH * W; q++) base[q] = 0.0f;
          for (int oy = oy0; oy < oy1; oy++) {
            for (int ox = 0; ox < lo; ox++) base[oy * W + ox] = 0.0f;
            for (int ox = hi; ox < W; ox++) base[oy * W + ox] = 0.0f;
          }
          continue;
        }
        if (g->sh == 1 && g->sw == 1) {
          /* Rows [oy0, oy1) read image rows; the others are padding. */
          stride1_rows(g, ki, &oy0, &oy1);
          const int outW = g->outW, W = g->width, len = hi - lo;
          zero_span(base, oy0 * outW);
          float *dst = base + oy0 * outW;
          const float *src = xc + (oy0 - g->ph + ki * g->dh) * W + shift;
          if (lo == 0 && hi == outW) {
            for (int oy = oy0; oy < oy1; oy++, dst += outW, src += W) copy_span(dst, src, len);
          } else {
            for (int oy = oy0; oy < oy1; oy++, dst += outW, src += W) {
              zero_span(dst, lo);
              copy_span(dst + lo, src + lo, len);
              zero_span(dst + hi, outW - hi);
            }
          }
          zero_span(base + oy1 * outW, (g->outH - oy1) * outW);
          continue;
        }
        for (int oy = 0; oy < g->outH; oy++) {
          int iy = oy * g->sh - g->ph + ki * g->dh;
          float *dst = base + oy * g->outW;
          if (iy < 0 || iy >= g->height) {
            zero_span(dst, g->outW);
            continue;
          }
          const float *src = xc + iy * g->width + shift;
          zero_span(dst, lo);
          if (g->sw == 1) copy_span(dst + lo, src + lo, hi - lo);
          else for (int ox = lo; ox < hi; ox++) dst[ox] = src[ox * g->sw];
          zero_span(dst + hi, g->outW - hi);
        }
      }
    }
  }
}

/* One group of one image into all its columns [ckk, plane] (leading dimension ld). */
static void im2col_one(const float *x, const Conv *g, float *cols, int ld) {
  im2col_rows(x, g, cols, ld, 0, g->channels * g->kh * g->kw);
}

/*
 * Adds columns [ckk, plane] back into one group of one image at out (the adjoint of
 * im2col_one). In the contiguous case it zeroes the edge columns of `cols` (scratch) so that
 * each kernel offset is one block addition.
 */
static void col2im_one(float *cols, const Conv *g, float *out, int ld) {
  int row = 0;
  for (int c = 0; c < g->channels; c++) {
    float *oc = out + c * g->height * g->width;
    for (int ki = 0; ki < g->kh; ki++) {
      for (int kj = 0; kj < g->kw; kj++, row++) {
        float *base = cols + row * ld;
        int lo, hi, oy0, oy1;
        valid_range(g->outW, g->width, g->sw, g->pw, kj * g->dw, &lo, &hi);
        int shift = kj * g->dw - g->pw;
        if (contiguous_rows(g, ki, &oy0, &oy1) && oy1 > oy0) {
          const int W = g->width;
          for (int oy = oy0; oy < oy1; oy++) {
            for (int ox = 0; ox < lo; ox++) base[oy * W + ox] = 0.0f;
            for (int ox = hi; ox < W; ox++) base[oy * W + ox] = 0.0f;
          }
          /* The block may start before the image or end after it by the zeroed edge columns;
           * trim those so nothing outside this plane is written. */
          int first = oy0 * W, last = oy1 * W;
          int dst0 = (oy0 - g->ph + ki * g->dh) * W + shift;
          if (dst0 < 0) { first -= dst0; dst0 = 0; }
          int end = dst0 + (last - first);
          if (end > g->height * W) last -= end - g->height * W;
          float *dst = oc + dst0;
          for (int q = 0; q < last - first; q++) dst[q] += base[first + q];
          continue;
        }
        if (g->sh == 1 && g->sw == 1) {
          stride1_rows(g, ki, &oy0, &oy1);
          const int outW = g->outW, W = g->width, len = hi - lo;
          const float *src = base + oy0 * outW + lo;
          float *dst = oc + (oy0 - g->ph + ki * g->dh) * W + shift + lo;
          for (int oy = oy0; oy < oy1; oy++, src += outW, dst += W) add_span(dst, src, len);
          continue;
        }
        for (int oy = 0; oy < g->outH; oy++) {
          int iy = oy * g->sh - g->ph + ki * g->dh;
          if (iy < 0 || iy >= g->height) continue;
          const float *src = base + oy * g->outW;
          float *dst = oc + iy * g->width + shift;
          if (g->sw == 1) add_span(dst + lo, src + lo, hi - lo);
          else for (int ox = lo; ox < hi; ox++) dst[ox * g->sw] += src[ox];
        }
      }
    }
  }
}

#define CONV_ARGS                                                                              \
  int n, int groups, int outChannels, int channels, int height, int width, int kh, int kw, int sh, \
      int sw, int ph, int pw, int dh, int dw, int outH, int outW
#define CONV_INIT                                                                              \
  Conv g = {n, groups, outChannels, channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw, outH, outW}; \
  const int og = outChannels / groups, ckk = channels * kh * kw, plane = outH * outW;          \
  const int imageIn = channels * groups * height * width, imageOut = outChannels * plane;

/*
 * The whole-batch convolutions, each as a part [lo, hi) of its work that one thread runs with
 * its own columns scratch `cols` ([ckk, plane]) and GEMM workspace `ws`: the forward pass and
 * the input gradient by images, the weight gradient by its columns (the rows of the unfolded
 * images, of which each thread unfolds its own; its sum over images then runs in the same order
 * on every thread). A part computes whole output
 * elements the way the one-thread call does, so any split gives the same bits.
 */
static void conv2d_range(const float *x, const float *w, const float *bias, float *y, float *cols, float *pa, float *pb,
                         int i0, int i1, const Conv *cg) {
  Conv g = *cg;
  const int groups = g.groups, channels = g.channels, height = g.height, width = g.width;
  const int og = g.outChannels / groups, ckk = channels * g.kh * g.kw, plane = g.outH * g.outW;
  const int imageIn = channels * groups * height * width, imageOut = g.outChannels * plane;
  for (int i = i0; i < i1; i++) {
    for (int gi = 0; gi < groups; gi++) {
      im2col_one(x + i * imageIn + gi * channels * height * width, &g, cols, plane);
      float *yg = y + i * imageOut + gi * og * plane;
      sgemm_with(0, 0, og, plane, ckk, 1.0f, w + gi * og * ckk, ckk, cols, plane, 0.0f, yg, plane, pa, pb);
      if (bias) {
        for (int o = 0; o < og; o++) {
          f4 b = wasm_f32x4_splat(bias[gi * og + o]);
          float *r = yg + o * plane;
          int q = 0;
          for (; q + 4 <= plane; q += 4) wasm_v128_store(r + q, wasm_f32x4_add(wasm_v128_load(r + q), b));
          for (; q < plane; q++) r[q] += bias[gi * og + o];
        }
      }
    }
  }
}

static void conv2d_input_grad_range(const float *gy, const float *w, float *gx, float *cols, float *pa, float *pb,
                                    int i0, int i1, const Conv *cg) {
  Conv g = *cg;
  const int groups = g.groups, channels = g.channels, height = g.height, width = g.width;
  const int og = g.outChannels / groups, ckk = channels * g.kh * g.kw, plane = g.outH * g.outW;
  const int imageIn = channels * groups * height * width, imageOut = g.outChannels * plane;
  for (int i = i0 * imageIn; i < i1 * imageIn; i++) gx[i] = 0.0f;
  for (int i = i0; i < i1; i++) {
    for (int gi = 0; gi < groups; gi++) {
      sgemm_with(1, 0, ckk, plane, og, 1.0f, w + gi * og * ckk, ckk, gy + i * imageOut + gi * og * plane, plane, 0.0f, cols, plane, pa, pb);
      col2im_one(cols, &g, gx + i * imageIn + gi * channels * height * width, plane);
    }
  }
}

/* Columns [r0, r1) of every group's gw [og, ckk]: only those rows of each image's columns are unfolded. */
static void conv2d_weight_grad_range(const float *x, const float *gy, float *gw, float *cols, float *pa, float *pb,
                                     int r0, int r1, const Conv *cg) {
  Conv g = *cg;
  const int groups = g.groups, channels = g.channels, height = g.height, width = g.width;
  const int og = g.outChannels / groups, ckk = channels * g.kh * g.kw, plane = g.outH * g.outW;
  const int imageIn = channels * groups * height * width, imageOut = g.outChannels * plane;
  if (r1 <= r0) return;
  for (int o = 0; o < g.outChannels; o++)
    for (int r = r0; r < r1; r++) gw[o * ckk + r] = 0.0f;
  for (int i = 0; i < g.n; i++) {
    for (int gi = 0; gi < groups; gi++) {
      im2col_rows(x + i * imageIn + gi * channels * height * width, &g, cols, plane, r0, r1);
      sgemm_with(0, 1, og, r1 - r0, plane, 1.0f, gy + i * imageOut + gi * og * plane, plane, cols, plane, 1.0f,
                 gw + gi * og * ckk + r0, ckk, pa, pb);
    }
  }
}

#define CONV_GEOMETRY                                                                          \
  Conv g = {n, groups, outChannels, channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw, outH, outW};

/* y[N, O, outH, outW] = conv(x, w) (+ bias[o] when bias is not 0); cols: scratch [ckk, plane]. */
EXPORT(conv2d)
void conv2d(const float *x, const float *w, const float *bias, float *y, float *cols, CONV_ARGS) {
  CONV_GEOMETRY
  conv2d_range(x, w, bias, y, cols, packA, packB, 0, n, &g);
}

/* gx[N, C, H, W] = the gradient of conv2d with respect to x, given gy (gx is overwritten). */
EXPORT(conv2d_input_grad)
void conv2d_input_grad(const float *gy, const float *w, float *gx, float *cols, CONV_ARGS) {
  CONV_GEOMETRY
  conv2d_input_grad_range(gy, w, gx, cols, packA, packB, 0, n, &g);
}

/* gw[O, C/G, kh, kw] = the gradient of conv2d with respect to w, given x and gy (overwritten). */
EXPORT(conv2d_weight_grad)
void conv2d_weight_grad(const float *x, const float *gy, float *gw, float *cols, CONV_ARGS) {
  CONV_GEOMETRY
  conv2d_weight_grad_range(x, gy, gw, cols, packA, packB, 0, channels * kh * kw, &g);
}

/* One thread's part [lo, hi) of conv2d (images), with its own cols and workspace ws. */
EXPORT(conv2d_part)
void conv2d_part(const float *x, const float *w, const float *bias, float *y, float *cols, float *ws, int lo, int hi, CONV_ARGS) {
  CONV_GEOMETRY
  conv2d_range(x, w, bias, y, cols, ws, ws + MC * KC, lo, hi, &g);
}

/* One thread's part [lo, hi) of conv2d_input_grad (images). */
EXPORT(conv2d_input_grad_part)
void conv2d_input_grad_part(const float *gy, const float *w, float *gx, float *cols, float *ws, int lo, int hi, CONV_ARGS) {
  CONV_GEOMETRY
  conv2d_input_grad_range(gy, w, gx, cols, ws, ws + MC * KC, lo, hi, &g);
}

/* One thread's part [lo, hi) of conv2d_weight_grad (columns of gw: rows of the unfolded images). */
EXPORT(conv2d_weight_grad_part)
void conv2d_weight_grad_part(const float *x, const float *gy, float *gw, float *cols, float *ws, int lo, int hi, CONV_ARGS) {
  CONV_GEOMETRY
  conv2d_weight_grad_range(x, gy, gw, cols, ws, ws + MC * KC, lo, hi, &g);
}

/*
 * Batched layout helpers, for a GEMM that runs outside this module (system BLAS on a view of
 * this memory): images [i0, i0 + nb) unfolded side by side into columns [group][ckk][nb * plane],
 * folded back, and outputs moved between [nb, O, plane] and channel-major [O, nb * plane].
 */
EXPORT(im2col_batch)
void im2col_batch(const float *x, float *cols, int i0, int nb, CONV_ARGS) {
  CONV_INIT
  (void)imageOut;
  (void)og;
  const int ld = nb * plane;
  for (int gi = 0; gi < groups; gi++)
    for (int i = 0; i < nb; i++)
      im2col_one(x + (i0 + i) * imageIn + gi * channels * height * width, &g, cols + gi * ckk * ld + i * plane, ld);
}

EXPORT(col2im_batch)
void col2im_batch(float *cols, float *gx, int i0, int nb, CONV_ARGS) {
  CONV_INIT
  (void)imageOut;
  (void)og;
  const int ld = nb * plane;
  for (int gi = 0; gi < groups; gi++)
    for (int i = 0; i < nb; i++)
      col2im_one(cols + gi * ckk * ld + i * plane, &g, gx + (i0 + i) * imageIn + gi * channels * height * width, ld);
}

static inline void copy_row(float *dst, const float *src, int len) {
  int q = 0;
  for (; q + 4 <= len; q += 4) wasm_v128_store(dst + q, wasm_v128_load(src + q));
  for (; q < len; q++) dst[q] = src[q];
}

/* [nb, O, plane] at image i0 of y -> cm [O, nb * plane]. */
EXPORT(to_channel_major)
void to_channel_major(const float *y, float *cm, int i0, int nb, int o, int plane) {
  for (int ch = 0; ch < o; ch++)
    for (int i = 0; i < nb; i++) copy_row(cm + (ch * nb + i) * plane, y + ((i0 + i) * o + ch) * plane, plane);
}

/* cm [O, nb * plane] -> [nb, O, plane] at image i0 of y, adding bias[channel] when bias is not 0. */
EXPORT(from_channel_major)
void from_channel_major(const float *cm, float *y, const float *bias, int i0, int nb, int o, int plane) {
  for (int ch = 0; ch < o; ch++) {
    for (int i = 0; i < nb; i++) {
      float *dst = y + ((i0 + i) * o + ch) * plane;
      const float *src = cm + (ch * nb + i) * plane;
      if (!bias) {
        copy_row(dst, src, plane);
        continue;
      }
      f4 b = wasm_f32x4_splat(bias[ch]);
      int q = 0;
      for (; q + 4 <= plane; q += 4) wasm_v128_store(dst + q, wasm_f32x4_add(wasm_v128_load(src + q), b));
      for (; q < plane; q++) dst[q] = src[q] + bias[ch];
    }
  }
}

/* ---- reductions ------------------------------------------------------------------------------ */

/*
 * out[o, i] = sum over k of x[o, k, i] for x viewed as [outer, n, inner], accumulated in double
 * and rounded to float once, exactly as the js kernel does (so the results are the same bit for
 * bit): a float accumulator stalls at 2^24 and drifts by n 2^-24. A row (inner == 1) keeps eight
 * accumulators, one per k mod 8 (the double lanes of four vectors), combined as
 * ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) before the last n mod 8 elements are added
 * in order. Columns (inner > 1) run SIMD lanes across i and sum blocks of SUM_BLOCK values of k
 * in float, in order (a double accumulator there would halve the lanes), the block sums in double.
 */
typedef v128_t d2;
#define SUM_BLOCK 32

static double lanes_sum(d2 a, d2 b) {
  return (wasm_f64x2_extract_lane(a, 0) + wasm_f64x2_extract_lane(a, 1)) + (wasm_f64x2_extract_lane(b, 0) + wasm_f64x2_extract_lane(b, 1));
}

static float row_sum(const float *r, int n) {
  d2 a01 = wasm_f64x2_splat(0.0), a23 = a01, a45 = a01, a67 = a01;
  int k = 0;
  for (; k + 8 <= n; k += 8) {
    f4 v = wasm_v128_load(r + k), w = wasm_v128_load(r + k + 4);
    a01 = wasm_f64x2_add(a01, wasm_f64x2_promote_low_f32x4(v));
    a23 = wasm_f64x2_add(a23, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1)));
    a45 = wasm_f64x2_add(a45, wasm_f64x2_promote_low_f32x4(w));
    a67 = wasm_f64x2_add(a67, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(w, w, 2, 3, 0, 1)));
  }
  double s = lanes_sum(a01, a23) + lanes_sum(a45, a67);
  for (; k < n; k++) s += r[k];
  return (float)s;
}

EXPORT(reduce_sum)
void reduce_sum(const float *x, float *out, int outer, int n, int inner) {
  if (inner == 1) {
    for (int o = 0; o < outer; o++) out[o] = row_sum(x + o * n, n);
    return;
  }
  for (int o = 0; o < outer; o++) {
    const float *xo = x + o * n * inner;
    float *oo = out + o * inner;
    int i = 0;
    for (; i + 4 <= inner; i += 4) {
      d2 lo = wasm_f64x2_splat(0.0), hi = wasm_f64x2_splat(0.0);
      for (int k0 = 0; k0 < n; k0 += SUM_BLOCK) {
        int k1 = k0 + SUM_BLOCK < n ? k0 + SUM_BLOCK : n;
        f4 acc = wasm_f32x4_splat(0.0f);
        for (int k = k0; k < k1; k++) acc = wasm_f32x4_add(acc, wasm_v128_load(xo + k * inner + i));
        lo = wasm_f64x2_add(lo, wasm_f64x2_promote_low_f32x4(acc));
        hi = wasm_f64x2_add(hi, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(acc, acc, 2, 3, 0, 1)));
      }
      wasm_v128_store(oo + i, wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo), wasm_f32x4_demote_f64x2_zero(hi), 0, 1, 4, 5));
    }
    for (; i < inner; i++) {
      double s = 0.0;
      for (int k0 = 0; k0 < n; k0 += SUM_BLOCK) {
        int k1 = k0 + SUM_BLOCK < n ? k0 + SUM_BLOCK : n;
        float b = 0.0f;
        for (int k = k0; k < k1; k++) b += xo[k * inner + i];
        s += b;
      }
      oo[i] = (float)s;
    }
  }
}

/* ---- scatter-add ----------------------------------------------------------------------------- */

/* out[index[i]] += g[i] for index[i] >= 0, in order of i (so the float32 sums match js's). */
EXPORT(scatter_add)
void scatter_add(const float *g, const int *index, float *out, int n) {
  for (int i = 0; i < n; i++) {
    int j = index[i];
    if (j >= 0) out[j] += g[i];
  }
}

/* ---- sort order ------------------------------------------------------------------------------ */

/* Whether a goes strictly before b: ascending with NaN after every number, or descending with
 * NaN first (the reversed comparison, as js's). Equal values never do, so merging is stable. */
static inline int goes_before(float a, float b, int descending) {
  if (descending) {
    if (b != b) return 0;
    if (a != a) return 1;
    return a > b;
  }
  if (a != a) return 0;
  if (b != b) return 1;
  return a < b;
}

/* The stable sort order of each line of x [outer, n, inner] along n: a bottom-up merge sort of
 * positions (vals holds the line, tmp the merge buffer: n floats and n ints of scratch). */
EXPORT(sort_order)
void sort_order(const float *x, int *order, int outer, int n, int inner, int descending, float *vals, int *tmp) {
  for (int o = 0; o < outer; o++) {
    for (int i = 0; i < inner; i++) {
      const float *xo = x + o * n * inner + i;
      for (int j = 0; j < n; j++) vals[j] = xo[j * inner];
      int *src = order + (o * inner + i) * n, *dst = tmp;
      for (int j = 0; j < n; j++) src[j] = j;
      for (int width = 1; width < n; width *= 2) {
        for (int lo = 0; lo < n; lo += 2 * width) {
          int mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
          int a = lo, b = mid, k = lo;
          while (a < mid && b < hi) dst[k++] = goes_before(vals[src[b]], vals[src[a]], descending) ? src[b++] : src[a++];
          while (a < mid) dst[k++] = src[a++];
          while (b < hi) dst[k++] = src[b++];
        }
        int *t = src; src = dst; dst = t;
      }
      int *line = order + (o * inner + i) * n;
      if (src != line) for (int j = 0; j < n; j++) line[j] = src[j];
    }
  }
}

/* ---- cumsum ---------------------------------------------------------------------------------- */

#define SCAN_BLOCK 256

/* The running sum of x [outer, n, inner] along n, in double precision and rounded once per
 * stored element (as js's loops, starting from -0), so both backends give the same float32
 * results. With inner > 1, blocks of SCAN_BLOCK lines advance together, reading rows in order. */
EXPORT(cumsum)
void cumsum(const float *x, float *out, int outer, int n, int inner) {
  double acc[SCAN_BLOCK];
  if (inner == 1) {
    /* Four lines at a time: four independent chains of additions instead of one. */
    int o = 0;
    for (; o + 4 <= outer; o += 4) {
      double a0 = -0.0, a1 = -0.0, a2 = -0.0, a3 = -0.0;
      const float *x0 = x + o * n;
      float *y0 = out + o * n;
      for (int k = 0; k < n; k++) {
        a0 += x0[k]; a1 += x0[n + k]; a2 += x0[2 * n + k]; a3 += x0[3 * n + k];
        y0[k] = (float)a0; y0[n + k] = (float)a1; y0[2 * n + k] = (float)a2; y0[3 * n + k] = (float)a3;
      }
    }
    for (; o < outer; o++) {
      double a = -0.0;
      for (int k = 0; k < n; k++) {
        a += x[o * n + k];
        out[o * n + k] = (float)a;
      }
    }
    return;
  }
  for (int o = 0; o < outer; o++) {
    const float *xo = x + o * n * inner;
    float *oo = out + o * n * inner;
    for (int i0 = 0; i0 < inner; i0 += SCAN_BLOCK) {
      int w = inner - i0 < SCAN_BLOCK ? inner - i0 : SCAN_BLOCK;
      for (int i = 0; i < w; i++) acc[i] = -0.0;
      for (int k = 0; k < n; k++) {
        const float *xr = xo + k * inner + i0;
        float *orow = oo + k * inner + i0;
        for (int i = 0; i < w; i++) {
          acc[i] += xr[i];
          orow[i] = (float)acc[i];
        }
      }
    }
  }
}

/* ---- adaptive max pooling --------------------------------------------------------------------- */

/* PyTorch's adaptive windows: output cell i of out over size reads [floor(i size / out), ceil((i+1) size / out)).
 * A larger value, or any NaN, takes over (NaN propagates); at[] gets winners' flat indices into x. */
EXPORT(adaptive_max_pool)
void adaptive_max_pool(const float *x, int planes, int height, int width, int outH, int outW, float *out, int *at) {
  int k = 0;
  for (int p = 0; p < planes; p++) {
    const int base = p * height * width;
    for (int i = 0; i < outH; i++) {
      const int ys = (i * height) / outH, ye = ((i + 1) * height + outH - 1) / outH;
      for (int j = 0; j < outW; j++, k++) {
        const int xs = (j * width) / outW, xe = ((j + 1) * width + outW - 1) / outW;
        int best = base + ys * width + xs;
        float bv = x[best];
        for (int y = ys; y < ye; y++) {
          const float *row = x + base + y * width;
          for (int c = xs; c < xe; c++) {
            float v = row[c];
            if (v > bv || v != v) { bv = v; best = base + y * width + c; }
          }
        }
        out[k] = bv;
        at[k] = best;
      }
    }
  }
}

/* ==== fused steps of the other first-order optimizers ==========================================
 *
 * Owned by the optimizer code (the one-pass loops of src/optim/methods, which these mirror) and
 * self-contained: nothing above uses them, and they use nothing above. Plain float loops that
 * clang vectorizes (simd128); every pointer is restrict (the TypeScript side streams separate
 * arrays through the arena), and a pointer that may be 0 is an optional state array.
 * Every kernel reads the gradient as g = sign grad + wd p (sign -1 for maximize; wd the coupled
 * weight decay, 0 for none) and computes in float32; the scalars of the step (bias corrections,
 * 1 - beta, ...) come in computed in double and rounded once.
 */

/* Math.sign: 1, -1, or x itself for +-0 and NaN. */
static inline float sgnf(float x) { return x > 0 ? 1.0f : x < 0 ? -1.0f : x; }
static inline float maxf(float a, float b) { return a > b || a != a ? a : b; }
static inline float minf(float a, float b) { return a < b || a != a ? a : b; }

/* NAdam: m, v as Adam's; d = sqrt(v / bc2) + eps; p -= lr (cg g / d + cm m / d). */
EXPORT(nadam)
void nadam(float *restrict p, const float *restrict grad, float *restrict m, float *restrict v, int n, float sign, float wd,
           float b1, float ob1, float b2, float ob2, float eps, float bc2, float cg, float cm, float lr) {
  for (int i = 0; i < n; i++) {
    float g = sign * grad[i] + wd * p[i];
    float mi = b1 * m[i] + ob1 * g, vi = b2 * v[i] + ob2 * g * g;
    m[i] = mi;
    v[i] = vi;
    float d = __builtin_sqrtf(vi / bc2) + eps;
    p[i] -= lr * (cg * g / d + cm * mi / d);
  }
}

/* RAdam: m, v as Adam's; p -= lr m / bc1 (rectified ? scale / (sqrt(v) + eps) : 1), scale = r_t sqrt(bc2). */
EXPORT(radam)
void radam(float *restrict p, const float *restrict grad, float *restrict m, float *restrict v, int n, float sign, float wd,
           float b1, float ob1, float b2, float ob2, float eps, float bc1, int rectified, float scale, float lr) {
  for (int i = 0; i < n; i++) {
    float g = sign * grad[i] + wd * p[i];
    float mi = b1 * m[i] + ob1 * g, vi = b2 * v[i] + ob2 * g * g;
    m[i] = mi;
    v[i] = vi;
    float mhat = mi / bc1;
    p[i] -= lr * (rectified ? mhat * scale / (__builtin_sqrtf(vi) + eps) : mhat);
  }
}

/* Adamax: m = b1 m + (1-b1) g; u = max(b2 u, |g| + eps); p -= lr m / bc1 / u. */
EXPORT(adamax)
void adamax(float *restrict p, const float *restrict grad, float *restrict m, float *restrict u, int n, float sign, float wd,
            float b1, float ob1, float b2, float eps, float bc1, float lr) {
  for (int i = 0; i < n; i++) {
    float g = sign * grad[i] + wd * p[i];
    float mi = b1 * m[i] + ob1 * g;
    float ui = maxf(b2 * u[i], __builtin_fabsf(g) + eps);
    m[i] = mi;
    u[i] = ui;
    p[i] -= lr * (mi / bc1 / ui);
  }
}

/* AdamNC and Yogi share Adam's step p -= lr (m / bc1) / (sqrt(v / bc2) + eps), computed as Adam's
 * kernel does, p -= stepSize m / (sqrt(v) invSqrtBc2 + eps) with stepSize = lr / bc1 and
 * invSqrtBc2 = 1 / sqrt(bc2) (one division per element instead of three); yogi != 0 updates v
 * as Yogi does, v -= (1-b2) sign(v - g^2) g^2, else as Adam, v = b2 v + (1-b2) g^2. */
EXPORT(adam_like)
void adam_like(float *restrict p, const float *restrict grad, float *restrict m, float *restrict v, int n, float sign, float wd,
               float b1, float ob1, float b2, float ob2, float eps, float stepSize, float invSqrtBc2, int yogi) {
  for (int i = 0; i < n; i++) {
    float g = sign * grad[i] + wd * p[i];
    float g2 = g * g;
    float mi = b1 * m[i] + ob1 * g;
    float vi = yogi ? v[i] - ob2 * sgnf(v[i] - g2) * g2 : b2 * v[i] + ob2 * g2;
    m[i] = mi;
    v[i] = vi;
    p[i] -= stepSize * mi / (__builtin_sqrtf(vi) * invSqrtBc2 + eps);
  }
}

/* AdaBelief: gc = g (+ wd p unless decoupled); m = b1 m + (1-b1) gc; s = b2 s + (1-b2) (gc-m)^2 + eps
 * (smax = max(smax, s) with AMSGrad); p -= lr (m / bc1 / (sqrt(s / bc2) + eps) + (decoupled ? wd p : 0)). */
/* One element of AdaBelief's step; `ams` is a constant at each call, so each loop vectorizes. */
static inline void adabelief_at(int i, int ams, float *restrict p, const float *restrict grad, float *restrict m,
                                float *restrict s, float *restrict smax, float sign, float wd, int decoupled, float b1,
                                float ob1, float b2, float ob2, float eps, float bc1, float bc2, float lr) {
  float pi = p[i];
  float g = decoupled ? sign * grad[i] : sign * grad[i] + wd * pi;
  float mi = b1 * m[i] + ob1 * g;
  float d = g - mi;
  float si = b2 * s[i] + ob2 * d * d + eps;
  m[i] = mi;
  s[i] = si;
  if (ams) {
    si = maxf(smax[i], si);
    smax[i] = si;
  }
  p[i] = pi - lr * (mi / bc1 / (__builtin_sqrtf(si / bc2) + eps) + (decoupled ? wd * pi : 0.0f));
}

EXPORT(adabelief)
void adabelief(float *restrict p, const float *restrict grad, float *restrict m, float *restrict s, float *restrict smax, int n,
               float sign, float wd, int decoupled, float b1, float ob1, float b2, float ob2, float eps, float bc1, float bc2,
               float lr) {
  if (smax) {
    for (int i = 0; i < n; i++) adabelief_at(i, 1, p, grad, m, s, smax, sign, wd, decoupled, b1, ob1, b2, ob2, eps, bc1, bc2, lr);
  } else {
    for (int i = 0; i < n; i++) adabelief_at(i, 0, p, grad, m, s, smax, sign, wd, decoupled, b1, ob1, b2, ob2, eps, bc1, bc2, lr);
  }
}

/* AdaBound: m, v as Adam's (vmax with AMSBound); eta = clamp(base / (sqrt(v) + eps), lower, upper);
 * p -= eta decay m. */
/* maxf four lanes at a time (a where a > b or a is NaN; else b). */
static inline f4 maxf4(f4 a, f4 b) { return wasm_v128_bitselect(a, b, wasm_v128_or(wasm_f32x4_gt(a, b), wasm_f32x4_ne(a, a))); }
/* maxf(a, bound) and minf(a, bound) for a bound that is not NaN, with one comparison each. */
static inline f4 max_bound4(f4 a, f4 bound) { return wasm_v128_bitselect(bound, a, wasm_f32x4_le(a, bound)); }
static inline f4 min_bound4(f4 a, f4 bound) { return wasm_v128_bitselect(bound, a, wasm_f32x4_ge(a, bound)); }

/* One element of AdaBound's step, in the vector loop's order of operations. */
static inline void adabound_at(int i, float *restrict p, const float *restrict grad, float *restrict m, float *restrict v,
                               float *restrict vmax, float sign, float wd, float b1, float ob1, float b2, float ob2, float eps,
                               float base, float lower, float upper, float decay) {
  float g = sign * grad[i] + wd * p[i];
  float mi = b1 * m[i] + ob1 * g, vi = b2 * v[i] + ob2 * g * g;
  m[i] = mi;
  v[i] = vi;
  if (vmax) {
    vi = maxf(vmax[i], vi);
    vmax[i] = vi;
  }
  float eta = minf(maxf(base / (__builtin_sqrtf(vi) + eps), lower), upper);
  p[i] -= eta * decay * mi;
}

EXPORT(adabound)
void adabound(float *restrict p, const float *restrict grad, float *restrict m, float *restrict v, float *restrict vmax, int n,
              float sign, float wd, float b1, float ob1, float b2, float ob2, float eps, float base, float lower, float upper,
              float decay) {
  /* by hand: clang leaves the NaN-aware clamp scalar. lower and upper are never NaN (the
   * TypeScript side runs the method's loop then). */
  const f4 vsign = wasm_f32x4_splat(sign), vwd = wasm_f32x4_splat(wd), vb1 = wasm_f32x4_splat(b1), vob1 = wasm_f32x4_splat(ob1);
  const f4 vb2 = wasm_f32x4_splat(b2), vob2 = wasm_f32x4_splat(ob2), veps = wasm_f32x4_splat(eps), vbase = wasm_f32x4_splat(base);
  const f4 vlower = wasm_f32x4_splat(lower), vupper = wasm_f32x4_splat(upper), vdecay = wasm_f32x4_splat(decay);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    f4 pi = wasm_v128_load(p + i);
    f4 g = grad4(vsign, grad + i, vwd, pi);
    f4 mi = mix4(vb1, wasm_v128_load(m + i), vob1, g);
    f4 vi = wasm_f32x4_add(wasm_f32x4_mul(vb2, wasm_v128_load(v + i)), wasm_f32x4_mul(wasm_f32x4_mul(vob2, g), g));
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
    if (vmax) {
      vi = maxf4(wasm_v128_load(vmax + i), vi);
      wasm_v128_store(vmax + i, vi);
    }
    f4 eta = min_bound4(max_bound4(wasm_f32x4_div(vbase, wasm_f32x4_add(wasm_f32x4_sqrt(vi), veps)), vlower), vupper);
    wasm_v128_store(p + i, wasm_f32x4_sub(pi, wasm_f32x4_mul(wasm_f32x4_mul(eta, vdecay), mi)));
  }
  for (; i < n; i++) adabound_at(i, p, grad, m, v, vmax, sign, wd, b1, ob1, b2, ob2, eps, base, lower, upper, decay);
}

/* AdaDelta: sq = rho sq + (1-rho) g^2; d = sqrt(acc + eps) / sqrt(sq + eps) g; acc = rho acc + (1-rho) d^2; p -= lr d. */
EXPORT(adadelta)
void adadelta(float *restrict p, const float *restrict grad, float *restrict sq, float *restrict acc, int n, float sign, float wd,
              float rho, float orho, float eps, float lr) {
  for (int i = 0; i < n; i++) {
    float g = sign * grad[i] + wd * p[i];
    float si = rho * sq[i] + orho * g * g;
    float d = __builtin_sqrtf(acc[i] + eps) / __builtin_sqrtf(si + eps) * g;
    sq[i] = si;
    acc[i] = rho * acc[i] + orho * d * d;
    p[i] -= lr * d;
  }
}

/* Lion: c = b1 m + (1-b1) g; m = b2 m + (1-b2) g; p -= lr (sign(c) + wd p). */
EXPORT(lion)
void lion(float *restrict p, const float *restrict grad, float *restrict m, int n, float sign, float b1, float ob1, float b2,
          float ob2, float wd, float lr) {
  for (int i = 0; i < n; i++) {
    float g = sign * grad[i];
    float c = b1 * m[i] + ob1 * g;
    m[i] = b2 * m[i] + ob2 * g;
    p[i] -= lr * (sgnf(c) + wd * p[i]);
  }
}

/* signSGD (m = 0) and Signum: with m, m = b m + (1-b) g and g = m; p -= lr sign(g). */
EXPORT(sign_step)
void sign_step(float *restrict p, const float *restrict grad, float *restrict m, int n, float sign, float wd, float b, float ob,
               float lr) {
  if (m) {
    for (int i = 0; i < n; i++) {
      float g = b * m[i] + ob * (sign * grad[i] + wd * p[i]);
      m[i] = g;
      p[i] -= lr * sgnf(g);
    }
  } else {
    for (int i = 0; i < n; i++) p[i] -= lr * sgnf(sign * grad[i] + wd * p[i]);
  }
}

/* Rprop: the step size grows by etaPlus where the gradient kept its sign, shrinks by etaMinus where it
 * flipped (and that gradient counts as 0), clamped to [minStep, maxStep]; p -= sign(g) size; prev = g. */
EXPORT(rprop)
void rprop(float *restrict p, const float *restrict grad, float *restrict prev, float *restrict size, int n, float sign,
           float etaMinus, float etaPlus, float minStep, float maxStep) {
  for (int i = 0; i < n; i++) {
    float g = sign * grad[i];
    float agree = sgnf(g) * sgnf(prev[i]);
    float eta = agree > 0 ? etaPlus : agree < 0 ? etaMinus : 1.0f;
    float si = minf(maxf(size[i] * eta, minStep), maxStep);
    size[i] = si;
    if (agree < 0) g = 0;
    p[i] -= sgnf(g) * si;
    prev[i] = g;
  }
}

/* ---- the layer-wise methods (LARS, LAMB, NovoGrad) and ASGD ----
 * The norms are sums of squares accumulated in double, two lanes at a time, into sums[0..1], the
 * caller's (added to what is there: the TypeScript side zeroes them, then streams the chunks).
 * The wasm side passes optim_sums; the native one, arrays of its own. */

static double optim_sums[2];

/* The address of the wasm side's two sums. */
EXPORT(optim_sums_at)
double *optim_sums_at(void) { return optim_sums; }

/* Adds sum x^2 over four float lanes into two double accumulators. */
static inline void add_squares(v128_t x, v128_t *lo, v128_t *hi) {
  v128_t a = wasm_f64x2_promote_low_f32x4(x), b = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 0, 1));
  *lo = wasm_f64x2_add(*lo, wasm_f64x2_mul(a, a));
  *hi = wasm_f64x2_add(*hi, wasm_f64x2_mul(b, b));
}

static inline double lanes_total(v128_t lo, v128_t hi) {
  v128_t s = wasm_f64x2_add(lo, hi);
  return wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1);
}

/* sums += (sum x^2, sum y^2); y may be 0. */
EXPORT(sum_squares)
void sum_squares(const float *x, const float *y, int n, double *sums) {
  v128_t xl = wasm_f64x2_splat(0), xh = xl, yl = xl, yh = xl;
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    add_squares(wasm_v128_load(x + i), &xl, &xh);
    if (y) add_squares(wasm_v128_load(y + i), &yl, &yh);
  }
  double sx = lanes_total(xl, xh), sy = y ? lanes_total(yl, yh) : 0;
  for (; i < n; i++) {
    sx += (double)x[i] * x[i];
    if (y) sy += (double)y[i] * y[i];
  }
  sums[0] += sx;
  sums[1] += sy;
}

/* LARS after its norms: buf = mom buf + c (g + beta p); p -= buf. */
EXPORT(lars)
void lars(float *restrict p, const float *restrict grad, float *restrict buf, int n, float sign, float mom, float c, float beta) {
  for (int i = 0; i < n; i++) {
    float b = mom * buf[i] + c * (sign * grad[i] + beta * p[i]);
    buf[i] = b;
    p[i] -= b;
  }
}

/* LAMB's update r = m / bc1 / (sqrt(v / bc2) + eps) + wd p, from the moments already updated;
 * the bias corrections come in as reciprocals (one division per element instead of three). */
static inline float lamb_r(float m, float v, float p, float invBc1, float invBc2, float eps, float wd) {
  return m * invBc1 / (__builtin_sqrtf(v * invBc2) + eps) + wd * p;
}

/* LAMB's first pass: m, v as Adam's (g without weight decay), the update r; sums += (sum p^2, sum r^2). */
EXPORT(lamb_moments)
void lamb_moments(const float *restrict p, const float *restrict grad, float *restrict m, float *restrict v, float *restrict r, int n,
                  float sign, float b1, float ob1, float b2, float ob2, float eps, float invBc1, float invBc2, float wd,
                  double *sums) {
#pragma clang fp reassociate(on)
  double p2 = 0, r2 = 0;
  for (int i0 = 0; i0 < n; i0 += 1024) { /* float partial sums over blocks, added in double */
    const int end = n - i0 < 1024 ? n : i0 + 1024;
    float pAcc = 0, rAcc = 0;
    /* the partial sums' order pinned (four lanes, two accumulators each), so that the native build adds as wasm does */
#pragma clang loop vectorize_width(4) interleave_count(2)
    for (int i = i0; i < end; i++) {
      float g = sign * grad[i];
      float mi = b1 * m[i] + ob1 * g, vi = b2 * v[i] + ob2 * g * g;
      m[i] = mi;
      v[i] = vi;
      float ri = lamb_r(mi, vi, p[i], invBc1, invBc2, eps, wd);
      r[i] = ri;
      pAcc += p[i] * p[i];
      rAcc += ri * ri;
    }
    p2 += pAcc;
    r2 += rAcc;
  }
  sums[0] += p2;
  sums[1] += r2;
}

/* LAMB's second pass: p += c r (c = -lr ratio), r from the first. */
EXPORT(lamb_apply)
void lamb_apply(float *restrict p, const float *restrict r, int n, float c) {
  for (int i = 0; i < n; i++) p[i] += c * r[i];
}

/* NovoGrad after its norm: m = b1 m + a (g / denom + wd p); p -= lr m. */
EXPORT(novograd)
void novograd(float *restrict p, const float *restrict grad, float *restrict m, int n, float sign, float b1, float a, float denom,
              float wd, float lr) {
  for (int i = 0; i < n; i++) {
    float mi = b1 * m[i] + a * (sign * grad[i] / denom + wd * p[i]);
    m[i] = mi;
    p[i] -= lr * mi;
  }
}

/* ASGD: next = p keep - eta g (keep = 1 - lambda eta); ax = mu == 1 ? next : ax + (next - ax) mu; p = next. */
EXPORT(asgd)
void asgd(float *restrict p, const float *restrict grad, float *restrict ax, int n, float sign, float wd, float keep, float eta,
          float mu) {
  for (int i = 0; i < n; i++) {
    float next = p[i] * keep - eta * (sign * grad[i] + wd * p[i]);
    ax[i] = mu == 1.0f ? next : ax[i] + (next - ax[i]) * mu;
    p[i] = next;
  }
}

/* ---- Adafactor's factored second moment ----
 * A tensor of [batch, rows, cols] streams through in flat chunks starting at element i0; each
 * kernel walks its chunk in row segments (contiguous columns of one row), which vectorize. The
 * first pass adds the rows' and columns' sums of g^2 + eps1 into rowSums and colSums (double);
 * between passes the TypeScript side writes the factors rowf[r] = 1 / sqrt(R_r / mean(R)) and
 * colf[c] = 1 / sqrt(C_c) (float, from double), so that 1 / sqrt(v) = rowf[r] colf[c]: the
 * passes multiply where they would divide by a square root. The wasm side passes the statics below (and checks that
 * batch * rows and batch * cols fit); the native one, arrays of its own. */

#define AF_MAX 32768
static double af_rows[AF_MAX], af_cols[AF_MAX];
static float af_rowf[AF_MAX], af_colf[AF_MAX];

EXPORT(adafactor_rows_at)
double *adafactor_rows_at(void) { return af_rows; }
EXPORT(adafactor_cols_at)
double *adafactor_cols_at(void) { return af_cols; }
EXPORT(adafactor_rowf_at)
float *adafactor_rowf_at(void) { return af_rowf; }
EXPORT(adafactor_colf_at)
float *adafactor_colf_at(void) { return af_colf; }

/* The walk over a chunk's row segments: r counts rows over the whole batch, c the column, and
 * colBase is the first column slot of r's batch. */
typedef struct { int r, c, colBase, rows, cols; } AfWalk;

static inline AfWalk af_start(int i0, int rows, int cols) {
  AfWalk w;
  w.r = i0 / cols;
  w.c = i0 - w.r * cols;
  w.colBase = (w.r / rows) * cols;
  w.rows = rows;
  w.cols = cols;
  return w;
}

/* Advances past a segment of `len` elements (which ends at or before the row's end). */
static inline void af_advance(AfWalk *w, int len) {
  w->c += len;
  if (w->c == w->cols) {
    w->c = 0;
    if (++w->r % w->rows == 0) w->colBase += w->cols;
  }
}

static inline int af_segment(const AfWalk *w, int left) {
  int room = w->cols - w->c;
  return left < room ? left : room;
}

/* rowSums[b rows + r] += sum_c (g^2 + eps1); colSums[b cols + c] += sum_r (g^2 + eps1); sums[0] += sum p^2. */
EXPORT(adafactor_sums)
void adafactor_sums(const float *restrict p, const float *restrict grad, int n, int i0, int rows, int cols, float eps1,
                    double *restrict rowSums, double *restrict colSums, double *restrict sums) {
#pragma clang fp reassociate(on)
  AfWalk w = af_start(i0, rows, cols);
  double p2 = 0;
  for (int k = 0; k < n;) {
    const int len = af_segment(&w, n - k);
    double *restrict colSum = colSums + w.colBase + w.c;
    const float *restrict g = grad + k, *restrict pk = p + k;
    double rowAcc = 0;
#pragma clang loop vectorize_width(4) interleave_count(2) /* pinned, as lamb_moments' */
    for (int j = 0; j < len; j++) {
      double q = (double)g[j] * g[j] + eps1;
      rowAcc += q;
      colSum[j] += q;
      p2 += (double)pk[j] * pk[j];
    }
    rowSums[w.r] += rowAcc;
    k += len;
    af_advance(&w, len);
  }
  sums[0] += p2;
}

/* sums[1] += sum u^2, u = g rowf[r] colf[c] the unclipped update. */
EXPORT(adafactor_rms)
void adafactor_rms(const float *restrict grad, int n, int i0, int rows, int cols, const float *restrict rowf,
                   const float *restrict colf, double *restrict sums) {
#pragma clang fp reassociate(on)
  AfWalk w = af_start(i0, rows, cols);
  double u2 = 0;
  for (int k = 0; k < n;) {
    const int len = af_segment(&w, n - k);
    const float rf = rowf[w.r];
    const float *restrict cf = colf + w.colBase + w.c, *restrict g = grad + k;
    float acc = 0;
#pragma clang loop vectorize_width(4) interleave_count(2) /* pinned, as lamb_moments' */
    for (int j = 0; j < len; j++) {
      float u = g[j] * rf * cf[j];
      acc += u * u;
    }
    u2 += acc;
    k += len;
    af_advance(&w, len);
  }
  sums[1] += u2;
}

/* x = sign u / clip, u = g rowf[r] colf[c] (with m: m = b1 m + (1-b1) x and x = m); p -= alpha (x + wd p). */
EXPORT(adafactor_apply)
void adafactor_apply(float *restrict p, const float *restrict grad, float *restrict m, int n, int i0, int rows, int cols,
                     const float *restrict rowf, const float *restrict colf, float sign, float invClip, float alpha, float wd,
                     float b1, float ob1) {
  AfWalk w = af_start(i0, rows, cols);
  for (int k = 0; k < n;) {
    const int len = af_segment(&w, n - k);
    const float scale = sign * invClip, rf = rowf[w.r];
    const float *restrict cf = colf + w.colBase + w.c, *restrict g = grad + k;
    float *restrict pk = p + k;
    if (m) {
      float *restrict mk = m + k;
      for (int j = 0; j < len; j++) {
        float x = b1 * mk[j] + ob1 * (scale * g[j] * rf * cf[j]);
        mk[j] = x;
        pk[j] -= alpha * (x + wd * pk[j]);
      }
    } else {
      for (int j = 0; j < len; j++) pk[j] -= alpha * (scale * g[j] * rf * cf[j] + wd * pk[j]);
    }
    k += len;
    af_advance(&w, len);
  }
}

/* sums[0] = max(sums[0], max x^2), the squares in double; a NaN square is skipped
 * (as the js loop's `sq > agg` skips it), so the result does not depend on the order. */
EXPORT(max_square)
void max_square(const float *x, int n, double *sums) {
  v128_t lo = wasm_f64x2_splat(sums[0]), hi = lo;
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_v128_load(x + i);
    v128_t a = wasm_f64x2_promote_low_f32x4(v), b = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
    lo = wasm_f64x2_pmax(lo, wasm_f64x2_mul(a, a)); /* pmax(acc, s) = acc < s ? s : acc */
    hi = wasm_f64x2_pmax(hi, wasm_f64x2_mul(b, b));
  }
  double m = sums[0];
  const double lanes[4] = {wasm_f64x2_extract_lane(lo, 0), wasm_f64x2_extract_lane(lo, 1), wasm_f64x2_extract_lane(hi, 0),
                           wasm_f64x2_extract_lane(hi, 1)};
  for (int k = 0; k < 4; k++)
    if (lanes[k] > m) m = lanes[k];
  for (; i < n; i++) {
    double sq = (double)x[i] * x[i];
    if (sq > m) m = sq;
  }
  sums[0] = m;
}
