/*
 * The Generator's float32 normal stream (src/backend/wasm/normal32.c, whose reference is
 * src/tensor/normal32.ts) on the host's widest vectors, for the blas backend's native kernels:
 * 16 lanes with AVX-512, else 8 with AVX2. The same float32 IEEE operations in the same order
 * (contraction is off, so no multiply-add is fused), so the same bits, written straight into the
 * tensors' arrays instead of through the wasm module's chunk buffers.
 *
 * As in normal32.c, lane l of a block starts 2 SPAN l outputs ahead of the block's state s, at
 * M^(2 SPAN l) s (the xoshiro128** update is linear over GF(2): M is its 128 x 128 bit matrix),
 * and draws SPAN consecutive pairs, so the lanes together draw the stream's pairs in order. SPAN differs from
 * normal32.c's 1024: the lanes' elements are 8 SPAN bytes apart, and at 8192 bytes every lane's
 * element fell in the same L1 cache set (16 lanes of output and 16 of input against 12 ways:
 * the add took twice the fill's time); at 8128 they fall one line apart. A last group of four or
 * more whole lanes runs on the first lanes only, and the pairs after it LANES at a time, their
 * outputs drawn one by one.
 *
 * Where the CPU has neither (and off x86) normal32_lanes_width is 0, and the backend keeps the
 * wasm kernel.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../wasm/xoshiro-lanes.h"
#include "../wasm/normal32-consts.h"

#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__)
#include <immintrin.h>
#include <pthread.h>

/* Pairs per lane of a block. */
#define SPAN 1016
#define MAX_LANES 16
/*
 * The fewest lanes a group runs on: a lane step costs about as much with one lane used as with
 * all, so fewer lanes' pairs go to the tail, whose outputs are drawn one by one into full lanes.
 */
#define MIN_LANES 4

/* ---- the jump matrices ------------------------------------------------------------------------ */

/* jump[l - 1]: M^(2 SPAN l), l = 1..15 (xoshiro-lanes.h's matrices). */
static st128_t jump[MAX_LANES - 1][128];
static pthread_once_t jump_once = PTHREAD_ONCE_INIT;

static void jump_init(void) {
  st_power(jump[0], 2 * SPAN);
  for (int l = 1; l < MAX_LANES - 1; l++) st_mul(jump[l], jump[l - 1], jump[0]);
}

/* ---- the lanes -------------------------------------------------------------------------------- */

#define LANES 16
#define NAMED(x) x##_16
#define TARGET __attribute__((target("avx512f")))
#define TARGET_INLINE __attribute__((target("avx512f"), always_inline)) static inline
#define SQRT(v) _mm512_sqrt_ps((__m512)(v))
#define FOR_LANES(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) M(13) M(14) M(15)
#include "normal32-lanes.h"
#undef LANES
#undef NAMED
#undef TARGET
#undef TARGET_INLINE
#undef SQRT
#undef FOR_LANES

#define LANES 8
#define NAMED(x) x##_8
#define TARGET __attribute__((target("avx2")))
#define TARGET_INLINE __attribute__((target("avx2"), always_inline)) static inline
#define SQRT(v) _mm256_sqrt_ps((__m256)(v))
#define FOR_LANES(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7)
#include "normal32-lanes.h"
#endif

/* The widest lanes this CPU runs: 16 (AVX-512), 8 (AVX2) or 0 (neither, or not x86). */
EXPORT(normal32_lanes_width)
int normal32_lanes_width(void) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") ? 16 : __builtin_cpu_supports("avx2") ? 8 : 0;
#else
  return 0;
#endif
}

/*
 * out[0..n) = (xkind 1: in[i], else mean) + scale z_i over the float32 normal stream from the
 * generator's words in state (updated: 2 ceil(n / 2) outputs drawn) on `lanes` lanes (16 or 8,
 * at most normal32_lanes_width()); in may be out. Returns 0, drawing nothing, for lanes this CPU
 * does not run (or memory it could not get), else 1.
 */
EXPORT(normal32_lanes)
int normal32_lanes(int lanes, int *state, const float *in, float *out, int n, int xkind, float mean, float scale) {
#if defined(__x86_64__)
  const int width = normal32_lanes_width();
  if (!((lanes == 16 && width == 16) || (lanes == 8 && width >= 8))) return 0;
  if (n <= 0) return 1;
  pthread_once(&jump_once, jump_init);
  float *scratch = NULL;
  if (xkind == 1 && n >= 2 * MIN_LANES * SPAN) {
    scratch = malloc(sizeof(float) * 2 * MAX_LANES * SPAN);
    if (!scratch) return 0;
  }
  xo_t x = {(uint32_t)state[0], (uint32_t)state[1], (uint32_t)state[2], (uint32_t)state[3]};
  if (lanes == 16) normal32_16(&x, in, out, n, xkind, mean, scale, scratch);
  else normal32_8(&x, in, out, n, xkind, mean, scale, scratch);
  free(scratch);
  state[0] = (int)x.s0;
  state[1] = (int)x.s1;
  state[2] = (int)x.s2;
  state[3] = (int)x.s3;
  return 1;
#else
  (void)lanes, (void)state, (void)in, (void)out, (void)n, (void)xkind, (void)mean, (void)scale;
  return 0;
#endif
}
