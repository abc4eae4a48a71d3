/*
 * Bulk draws from descent's Generator (src/tensor/random.ts), bit for bit: xoshiro128** for the
 * bits, the 53-bit uniform u = ((r1 >> 5) 2^26 + (r2 >> 6)) / 2^53, Bernoulli masks (u < p) and
 * Box-Muller normals through a port of the Generator's own deterministic log (math/log.ts,
 * fdlibm's e_log.c) and sin/cos(2 pi v) (math/trig.ts, k_sin.c and k_cos.c).
 *
 * Bit-exactness rests on doing the same IEEE double operations in the same order as the
 * TypeScript: every expression below is written operation for operation as there (C's left to
 * right association matches JavaScript's), wasm has no scalar fused multiply-add, contraction is
 * off, and the build has no -ffast-math. test/tensor/random-bulk.test.ts compares millions of
 * samples with the TypeScript loops.
 *
 * Speed without reordering anything: long Bernoulli fills and the normals' uniforms run the one
 * stream in four i32x4 lanes (each lane a consecutive stretch of it, started by GF(2) jump
 * matrices), and the normals' log, sqrt and sin/cos run two pairs at a time in f64x2 lanes, every
 * branch computed and selected per lane (bp2).
 *
 * The TypeScript side (wasm/random.ts) puts the generator's state in rng_state (the four words,
 * and the spare normal, NaN for none), calls a kernel for a chunk of at most RNG_CHUNK elements,
 * which writes float32 or float64 samples to rng_out (and reads the added-to array from rng_in),
 * copies them out and reads the state back.
 */
#include <stdint.h>
#include "simd.h"
#include "xoshiro-lanes.h"

#pragma STDC FP_CONTRACT OFF

uint32_t rng_state[4];
static double rng_spare;
double rng_in[RNG_CHUNK] __attribute__((aligned(16)));
double rng_out[RNG_CHUNK] __attribute__((aligned(16)));
/* rng_normal's uniforms drawn ahead in lanes (never more than it will use: see there) */
static double rng_uniforms[RNG_CHUNK] __attribute__((aligned(16)));

EXPORT(rng_state_at)
uint32_t *rng_state_at(void) { return rng_state; }
EXPORT(rng_spare_at)
double *rng_spare_at(void) { return &rng_spare; }
EXPORT(rng_in_at)
double *rng_in_at(void) { return rng_in; }
EXPORT(rng_out_at)
double *rng_out_at(void) { return rng_out; }
EXPORT(rng_chunk)
int rng_chunk(void) { return RNG_CHUNK; }

/* Generator.random(): two outputs, 27 + 26 bits. */
static inline double xo_uniform(xo_t *x) {
  uint32_t hi = xo_next(x) >> 5;
  uint32_t lo = xo_next(x) >> 6;
  return ((double)hi * 67108864.0 + (double)lo) / 9007199254740992.0;
}

/*
 * Four streams at once. The state J steps ahead is M^J times the state (xoshiro-lanes.h). A
 * block of 4 LANE_SPAN elements runs as four lanes of i32x4: lane j starts at M^(2 LANE_SPAN j) s (each element takes two
 * outputs) and draws its LANE_SPAN consecutive elements, so together the lanes draw exactly the
 * one stream's outputs in order, and lane 3 ends at the state after the block. jump[j - 1] holds
 * M^(2 LANE_SPAN j), built once.
 */
static st128_t jump[3][128];
static int jump_ready;

static void jump_init(void) {
  st_power(jump[0], 2 * LANE_SPAN);
  st_mul(jump[1], jump[0], jump[0]);
  st_mul(jump[2], jump[1], jump[0]);
  jump_ready = 1;
}

/* The lanes of a block that starts at x: lane j at M^(2 LANE_SPAN j) x. */
lanes_t lanes_start(const xo_t *x) {
  if (!jump_ready) jump_init();
  st128_t s0 = {{x->s0, x->s1, x->s2, x->s3}};
  st128_t l1 = st_apply(jump[0], s0), l2 = st_apply(jump[1], s0), l3 = st_apply(jump[2], s0);
  lanes_t l = {wasm_u32x4_make(s0.w[0], l1.w[0], l2.w[0], l3.w[0]), wasm_u32x4_make(s0.w[1], l1.w[1], l2.w[1], l3.w[1]),
               wasm_u32x4_make(s0.w[2], l1.w[2], l2.w[2], l3.w[2]), wasm_u32x4_make(s0.w[3], l1.w[3], l2.w[3], l3.w[3])};
  return l;
}

/* blocks x 4 LANE_SPAN uniforms (xo_uniform's, in the stream's order) into u, advancing x past them. */
static void lanes_uniforms(xo_t *x, double *u, int blocks) {
  const v128_t scale = wasm_f64x2_splat(67108864.0), two53 = wasm_f64x2_splat(9007199254740992.0);
  for (int blk = 0; blk < blocks; blk++, u += 4 * LANE_SPAN) {
    lanes_t l = lanes_start(x);
    for (int k = 0; k < LANE_SPAN; k++) {
      v128_t hi = wasm_u32x4_shr(lanes_next(&l), 5);
      v128_t lo = wasm_u32x4_shr(lanes_next(&l), 6);
      /* the values are below 2^27: the signed conversions are exact */
      v128_t hh = wasm_i32x4_shuffle(hi, hi, 2, 3, 0, 1), lh = wasm_i32x4_shuffle(lo, lo, 2, 3, 0, 1);
      v128_t u01 = wasm_f64x2_div(wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_convert_low_i32x4(hi), scale), wasm_f64x2_convert_low_i32x4(lo)), two53);
      v128_t u23 = wasm_f64x2_div(wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_convert_low_i32x4(hh), scale), wasm_f64x2_convert_low_i32x4(lh)), two53);
      u[k] = wasm_f64x2_extract_lane(u01, 0);
      u[k + LANE_SPAN] = wasm_f64x2_extract_lane(u01, 1);
      u[k + 2 * LANE_SPAN] = wasm_f64x2_extract_lane(u23, 0);
      u[k + 3 * LANE_SPAN] = wasm_f64x2_extract_lane(u23, 1);
    }
    lanes_end(&l, x);
  }
}

/*
 * rng_out[0..n) = (u < p ? value : 0), float32 (f64 == 0) or float64, one uniform each. With
 * u = K / 2^53 for the integer K = hi 2^26 + lo, u < p exactly when K < T = ceil(p 2^53) (clamped
 * to [0, 2^53], 0 for NaN), that is when hi < T >> 26, or hi == T >> 26 and lo < T mod 2^26:
 * integer compares in the lanes. Whole blocks run in four lanes, the rest one by one.
 */
EXPORT(rng_bernoulli)
void rng_bernoulli(int n, int f64, double p, double value) {
  xo_t x = xo_load();
  int i = 0;
  if (n >= 4 * LANE_SPAN) {
    double pt = p * 9007199254740992.0;
    uint64_t T = !(pt > 0) ? 0 : pt >= 9007199254740992.0 ? 9007199254740992ull : (uint64_t)__builtin_ceil(pt);
    v128_t th = wasm_i32x4_splat((int32_t)(T >> 26)), tl = wasm_i32x4_splat((int32_t)(T & 0x3ffffff));
    v128_t v32 = wasm_f32x4_splat((float)value);
    for (; i + 4 * LANE_SPAN <= n; i += 4 * LANE_SPAN) {
      lanes_t l = lanes_start(&x);
      float *o32 = (float *)rng_out + i;
      double *o64 = rng_out + i;
      for (int k = 0; k < LANE_SPAN; k++) {
        v128_t hi = wasm_u32x4_shr(lanes_next(&l), 5), lo = wasm_u32x4_shr(lanes_next(&l), 6);
        v128_t lt = wasm_v128_or(wasm_i32x4_lt(hi, th), wasm_v128_and(wasm_i32x4_eq(hi, th), wasm_i32x4_lt(lo, tl)));
        if (f64) {
          o64[k] = wasm_i32x4_extract_lane(lt, 0) ? value : 0.0;
          o64[k + LANE_SPAN] = wasm_i32x4_extract_lane(lt, 1) ? value : 0.0;
          o64[k + 2 * LANE_SPAN] = wasm_i32x4_extract_lane(lt, 2) ? value : 0.0;
          o64[k + 3 * LANE_SPAN] = wasm_i32x4_extract_lane(lt, 3) ? value : 0.0;
        } else {
          v128_t out = wasm_v128_and(lt, v32);
          wasm_v128_store32_lane(o32 + k, out, 0);
          wasm_v128_store32_lane(o32 + k + LANE_SPAN, out, 1);
          wasm_v128_store32_lane(o32 + k + 2 * LANE_SPAN, out, 2);
          wasm_v128_store32_lane(o32 + k + 3 * LANE_SPAN, out, 3);
        }
      }
      lanes_end(&l, &x);
    }
  }
  if (f64) {
    double *o = rng_out;
    for (; i < n; i++) o[i] = xo_uniform(&x) < p ? value : 0.0;
  } else {
    float *o = (float *)rng_out;
    float v = (float)value;
    for (; i < n; i++) o[i] = xo_uniform(&x) < p ? v : 0.0f;
  }
  xo_store(&x);
}

/* ---- the deterministic log and sin/cos(2 pi v), as math/log.ts and math/trig.ts ---- */

typedef union { double d; uint64_t u; } words_t;

static inline int32_t high_word(double x) { words_t w = {.d = x}; return (int32_t)(w.u >> 32); }
static inline uint32_t low_word(double x) { words_t w = {.d = x}; return (uint32_t)w.u; }
static inline double from_words(int32_t hi, uint32_t lo) {
  words_t w = {.u = ((uint64_t)(uint32_t)hi << 32) | lo};
  return w.d;
}

static const double ln2_hi = 6.93147180369123816490e-1;
static const double ln2_lo = 1.90821492927058770002e-10;
static const double two54 = 1.80143985094819840000e16;
static const double Lg1 = 6.666666666666735130e-1;
static const double Lg2 = 3.999999999940941908e-1;
static const double Lg3 = 2.857142874366239149e-1;
static const double Lg4 = 2.222219843214978396e-1;
static const double Lg5 = 1.818357216161805012e-1;
static const double Lg6 = 1.531383769920937332e-1;
static const double Lg7 = 1.479819860511658591e-1;

/* math/log.ts's log(x), line for line. */
static double det_log(double x) {
  int32_t hx = high_word(x);
  uint32_t lx = low_word(x);
  int32_t k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) == 0) return -__builtin_inf();
    if (hx < 0) return __builtin_nan("");
    k -= 54;
    x *= two54;
    hx = high_word(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  int32_t i = (hx + 0x95f64) & 0x100000;
  x = from_words(hx | (i ^ 0x3ff00000), low_word(x));
  k += i >> 20;
  double f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f == 0) {
      if (k == 0) return 0;
      return (double)k * ln2_hi + (double)k * ln2_lo;
    }
    double R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    return (double)k * ln2_hi - (R - (double)k * ln2_lo - f);
  }
  double s = f / (2.0 + f);
  double dk = (double)k;
  double z = s * s;
  i = hx - 0x6147a;
  double w = z * z;
  int32_t j = 0x6b851 - hx;
  double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  double R = t2 + t1;
  if (i > 0) {
    double hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - (hfsq - (s * (hfsq + R) + dk * ln2_lo) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * ln2_hi - (s * (f - R) - dk * ln2_lo - f);
}

static const double S1 = -1.66666666666666324348e-1;
static const double S2 = 8.33333333332248946124e-3;
static const double S3 = -1.98412698298579493134e-4;
static const double S4 = 2.75573137070700676789e-6;
static const double S5 = -2.50507602534068634195e-8;
static const double S6 = 1.58969099521155010221e-10;
static const double C1 = 4.16666666666666019037e-2;
static const double C2 = -1.38888888888741095749e-3;
static const double C3 = 2.48015872894767294178e-5;
static const double C4 = -2.75573143513906633035e-7;
static const double C5 = 2.08757232129817482790e-9;
static const double C6 = -1.13596475577881948265e-11;
static const double TWO_PI = 6.283185307179586;

/* trig.ts's kernelSin. */
static inline double kernel_sin(double x) {
  if (__builtin_fabs(x) < 7.450580596923828e-9) return x;
  double z = x * x;
  double v = z * x;
  double r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return x + v * (S1 + z * r);
}

/* trig.ts's kernelCos, with highWordQuarter inline. */
static inline double kernel_cos(double x) {
  double ax = __builtin_fabs(x);
  if (ax < 7.450580596923828e-9) return 1;
  double z = x * x;
  double r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ax < 0.3) return 1 - (0.5 * z - z * r);
  double qx = ax > 0.78125 ? 0.28125 : from_words(high_word(ax) - 0x00200000, 0);
  double hz = 0.5 * z - qx;
  double a = 1 - qx;
  return a - (hz - z * r);
}

/* sin(2 pi v) and cos(2 pi v) as trig.ts's sinTwoPi and cosTwoPi, for 0 <= v < 1 (the only
 * arguments Box-Muller gives them): one reduction for both. Math.round(4v) is floor(4v + 0.5)
 * computed exactly (4v - floor(4v) is exact). */
static inline void sin_cos_two_pi(double x, double *sin_out, double *cos_out) {
  double y = 4 * x;
  double n = __builtin_floor(y);
  if (y - n >= 0.5) n += 1;
  double s = x - n / 4;
  int q = (int)n & 3;
  double angle = s * TWO_PI;
  double ks = kernel_sin(angle), kc = kernel_cos(angle);
  double sr = q == 0 ? ks : q == 1 ? kc : q == 2 ? -ks : -kc;
  double cr = q == 0 ? kc : q == 1 ? -ks : q == 2 ? -kc : ks;
  *sin_out = sr == 0 ? (x == 0 ? x : 0) : sr;
  *cos_out = cr + 0;
}

/*
 * Two Box-Muller pairs at once: det_log and sin_cos_two_pi in f64x2 lanes, every branch of theirs
 * computed and selected per lane (the same IEEE operations per lane, so the same bits). The
 * rare branches (|f| < 2^-20 in the log, |angle| < 2^-27 in the kernels) are not written here:
 * bp2 returns 0 when a lane would take one, and the caller runs those pairs one by one.
 */
static inline v128_t f2(double x) { return wasm_f64x2_splat(x); }
static inline v128_t sel(v128_t mask, v128_t a, v128_t b) { return wasm_v128_bitselect(a, b, mask); }

static inline __attribute__((always_inline)) int bp2(v128_t u, v128_t v, v128_t *r_out, v128_t *sin_out, v128_t *cos_out) {
  /* det_log(u), 2^-53 <= u < 1: no zero, subnormal, Infinity or NaN */
  v128_t bits = u;
  v128_t hx = wasm_i64x2_shr(bits, 32); /* the high words, sign-extended in each i64 lane */
  v128_t k = wasm_i64x2_sub(wasm_i64x2_shr(hx, 20), wasm_i64x2_splat(1023));
  hx = wasm_v128_and(hx, wasm_i64x2_splat(0x000fffff));
  v128_t i = wasm_v128_and(wasm_i64x2_add(hx, wasm_i64x2_splat(0x95f64)), wasm_i64x2_splat(0x100000));
  v128_t hi = wasm_v128_or(hx, wasm_v128_xor(i, wasm_i64x2_splat(0x3ff00000)));
  v128_t x = wasm_v128_or(wasm_i64x2_shl(hi, 32), wasm_v128_and(bits, wasm_i64x2_splat(0xffffffff)));
  k = wasm_i64x2_add(k, wasm_i64x2_shr(i, 20));
  v128_t rare = wasm_i64x2_lt(wasm_v128_and(wasm_i64x2_add(hx, wasm_i64x2_splat(2)), wasm_i64x2_splat(0x000fffff)), wasm_i64x2_splat(3));
  v128_t f = wasm_f64x2_sub(x, f2(1.0));
  v128_t sv = wasm_f64x2_div(f, wasm_f64x2_add(f2(2.0), f));
  /* k fits in int32: to double through the low i32 of each lane */
  v128_t k32 = wasm_i32x4_shuffle(k, k, 0, 2, 0, 2);
  v128_t dk = wasm_f64x2_convert_low_i32x4(k32);
  v128_t kzero = wasm_i64x2_eq(k, wasm_i64x2_splat(0));
  v128_t z = wasm_f64x2_mul(sv, sv);
  v128_t pos = wasm_i64x2_gt(wasm_v128_or(wasm_i64x2_sub(hx, wasm_i64x2_splat(0x6147a)), wasm_i64x2_sub(wasm_i64x2_splat(0x6b851), hx)),
                             wasm_i64x2_splat(0));
  v128_t w = wasm_f64x2_mul(z, z);
  v128_t t1 = wasm_f64x2_mul(w, wasm_f64x2_add(f2(Lg2), wasm_f64x2_mul(w, wasm_f64x2_add(f2(Lg4), wasm_f64x2_mul(w, f2(Lg6))))));
  v128_t t2 = wasm_f64x2_add(f2(Lg5), wasm_f64x2_mul(w, f2(Lg7)));
  t2 = wasm_f64x2_add(f2(Lg3), wasm_f64x2_mul(w, t2));
  t2 = wasm_f64x2_mul(z, wasm_f64x2_add(f2(Lg1), wasm_f64x2_mul(w, t2)));
  v128_t R = wasm_f64x2_add(t2, t1);
  v128_t hfsq = wasm_f64x2_mul(wasm_f64x2_mul(f2(0.5), f), f);
  v128_t sHR = wasm_f64x2_mul(sv, wasm_f64x2_add(hfsq, R));
  v128_t sFR = wasm_f64x2_mul(sv, wasm_f64x2_sub(f, R));
  v128_t dkHi = wasm_f64x2_mul(dk, f2(ln2_hi)), dkLo = wasm_f64x2_mul(dk, f2(ln2_lo));
  v128_t a0 = wasm_f64x2_sub(f, wasm_f64x2_sub(hfsq, sHR));
  v128_t a1 = wasm_f64x2_sub(dkHi, wasm_f64x2_sub(wasm_f64x2_sub(hfsq, wasm_f64x2_add(sHR, dkLo)), f));
  v128_t b0 = wasm_f64x2_sub(f, sFR);
  v128_t b1 = wasm_f64x2_sub(dkHi, wasm_f64x2_sub(wasm_f64x2_sub(sFR, dkLo), f));
  v128_t lg = sel(pos, sel(kzero, a0, a1), sel(kzero, b0, b1));
  *r_out = wasm_f64x2_sqrt(wasm_f64x2_mul(f2(-2.0), lg));

  /* sin_cos_two_pi(v), 0 <= v < 1 */
  v128_t y = wasm_f64x2_mul(f2(4.0), v);
  v128_t n = wasm_f64x2_floor(y);
  n = sel(wasm_f64x2_ge(wasm_f64x2_sub(y, n), f2(0.5)), wasm_f64x2_add(n, f2(1.0)), n);
  v128_t red = wasm_f64x2_sub(v, wasm_f64x2_div(n, f2(4.0)));
  v128_t q = wasm_i32x4_trunc_sat_f64x2_zero(n); /* lanes 0, 1: the quadrants' n (0 to 4) */
  q = wasm_v128_and(q, wasm_i32x4_splat(3));
  q = wasm_i32x4_shuffle(q, q, 0, 0, 1, 1); /* both halves of each i64 lane: i32 compares make whole-lane masks */
  v128_t ang = wasm_f64x2_mul(red, f2(TWO_PI));
  v128_t ax = wasm_f64x2_abs(ang);
  rare = wasm_v128_or(rare, wasm_f64x2_lt(ax, f2(7.450580596923828e-9)));
  v128_t zz = wasm_f64x2_mul(ang, ang);
  v128_t vv = wasm_f64x2_mul(zz, ang);
  v128_t rs = wasm_f64x2_add(f2(S5), wasm_f64x2_mul(zz, f2(S6)));
  rs = wasm_f64x2_add(f2(S4), wasm_f64x2_mul(zz, rs));
  rs = wasm_f64x2_add(f2(S3), wasm_f64x2_mul(zz, rs));
  rs = wasm_f64x2_add(f2(S2), wasm_f64x2_mul(zz, rs));
  v128_t ks = wasm_f64x2_add(ang, wasm_f64x2_mul(vv, wasm_f64x2_add(f2(S1), wasm_f64x2_mul(zz, rs))));
  /* z (C1 + z (C2 + z (C3 + z (C4 + z (C5 + z C6))))), innermost first */
  v128_t rc = wasm_f64x2_add(f2(C5), wasm_f64x2_mul(zz, f2(C6)));
  rc = wasm_f64x2_add(f2(C4), wasm_f64x2_mul(zz, rc));
  rc = wasm_f64x2_add(f2(C3), wasm_f64x2_mul(zz, rc));
  rc = wasm_f64x2_add(f2(C2), wasm_f64x2_mul(zz, rc));
  rc = wasm_f64x2_add(f2(C1), wasm_f64x2_mul(zz, rc));
  rc = wasm_f64x2_mul(zz, rc);
  v128_t zrc = wasm_f64x2_mul(zz, rc);
  v128_t halfz = wasm_f64x2_mul(f2(0.5), zz);
  v128_t kcSmall = wasm_f64x2_sub(f2(1.0), wasm_f64x2_sub(halfz, zrc));
  v128_t qxWord = wasm_v128_and(wasm_i64x2_sub(ax, wasm_i64x2_splat((int64_t)0x00200000 << 32)), wasm_i64x2_splat((int64_t)0xffffffff00000000ull));
  v128_t qx = sel(wasm_f64x2_gt(ax, f2(0.78125)), f2(0.28125), qxWord);
  v128_t kcBig = wasm_f64x2_sub(wasm_f64x2_sub(f2(1.0), qx), wasm_f64x2_sub(wasm_f64x2_sub(halfz, qx), zrc));
  v128_t kc = sel(wasm_f64x2_lt(ax, f2(0.3)), kcSmall, kcBig);
  v128_t nks = wasm_f64x2_neg(ks), nkc = wasm_f64x2_neg(kc);
  v128_t q0 = wasm_i32x4_eq(q, wasm_i32x4_splat(0)), q1 = wasm_i32x4_eq(q, wasm_i32x4_splat(1)), q2 = wasm_i32x4_eq(q, wasm_i32x4_splat(2));
  v128_t sr = sel(q0, ks, sel(q1, kc, sel(q2, nks, nkc)));
  v128_t cr = sel(q0, kc, sel(q1, nks, sel(q2, nkc, ks)));
  /* sin: a zero is +0 (v = +0 gives +0 too); cos: r + 0 turns -0 into +0 */
  *sin_out = sel(wasm_f64x2_eq(sr, f2(0.0)), f2(0.0), sr);
  *cos_out = wasm_f64x2_add(cr, f2(0.0));
  return !wasm_v128_any_true(rare);
}

/* One Box-Muller pair from (u, v), u != 0, as Generator.normal: w[0] = mean + std r cos (the draw), w[1] = r sin (the spare). */
static inline void pair_scalar(double *w, double mean, double std) {
  double u = w[0], v = w[1];
  double r = __builtin_sqrt(-2 * det_log(u));
  double sn, cs;
  sin_cos_two_pi(v, &sn, &cs);
  w[0] = mean + std * r * cs;
  w[1] = r * sn;
}

/*
 * Turns the first uniforms of rng_uniforms[0..count) into Box-Muller pairs in place (pair j from
 * uniforms 2j and 2j + 1: its draw and its spare), two pairs at a time in lanes, up to the first
 * pair whose u is 0 (the scalar loop redraws that u, which shifts every later pair); returns how
 * many pairs it made. A pair on one of bp2's rare branches is made one by one instead.
 */
static int box_muller_ahead(int count, double mean, double std) {
  double *w = rng_uniforms;
  int j = 0;
  const v128_t vmean = f2(mean), vstd = f2(std);
  for (; 2 * j + 4 <= count; j += 2) {
    double *q = w + 2 * j;
    if (q[0] == 0) return j;
    if (q[2] == 0) {
      pair_scalar(q, mean, std);
      return j + 1;
    }
    v128_t r2, sn2, cs2;
    if (bp2(wasm_f64x2_make(q[0], q[2]), wasm_f64x2_make(q[1], q[3]), &r2, &sn2, &cs2)) {
      v128_t first = wasm_f64x2_add(vmean, wasm_f64x2_mul(wasm_f64x2_mul(vstd, r2), cs2)); /* mean + std r cos */
      v128_t second = wasm_f64x2_mul(r2, sn2);                                             /* the spare */
      wasm_v128_store(q, wasm_i64x2_shuffle(first, second, 0, 2));
      wasm_v128_store(q + 2, wasm_i64x2_shuffle(first, second, 1, 3));
    } else {
      pair_scalar(q, mean, std);
      pair_scalar(q + 2, mean, std);
    }
  }
  for (; 2 * j + 2 <= count; j++) {
    if (w[2 * j] == 0) return j;
    pair_scalar(w + 2 * j, mean, std);
  }
  return j;
}

/*
 * n draws of Generator.normal(mean, std), the spare normal carried in rng_spare (NaN: none);
 * with xkind 1 (float32) or 2 (float64), each becomes rng_in[i] + scale * draw (the js
 * `x[i] + scale * normal(mean, std)`). Written to rng_out as float32 (f64 == 0) or float64.
 */
EXPORT(rng_normal)
void rng_normal(int n, int f64, double mean, double std, int xkind, double scale) {
  xo_t x = xo_load();
  double spare = rng_spare;
  const float *in32 = (const float *)rng_in;
  const double *in64 = rng_in;
  /* The chunk takes at least 2 ceil(pairs) uniforms (more only where u == 0 is redrawn): whole
   * blocks of those come from the lanes into rng_uniforms, in the stream's order, and are
   * consumed in order; the rest are drawn one by one from the state after them. */
  int fresh = n - (spare == spare ? 1 : 0);
  int needed = fresh > 0 ? 2 * ((fresh + 1) / 2) : 0;
  int ahead = needed / (4 * LANE_SPAN) * (4 * LANE_SPAN);
  if (ahead > 0) lanes_uniforms(&x, rng_uniforms, ahead / (4 * LANE_SPAN));
  int pairs = box_muller_ahead(ahead, mean, std);
  int used = 0;
#define NEXT_UNIFORM() (used < ahead ? rng_uniforms[used++] : xo_uniform(&x))
  for (int i = 0; i < n; i++) {
    double d;
    if (spare == spare) {
      d = mean + std * spare;
      spare = __builtin_nan("");
    } else if (used < 2 * pairs) {
      /* a pair box_muller_ahead computed from uniforms used and used + 1 */
      d = rng_uniforms[used];
      spare = rng_uniforms[used + 1];
      used += 2;
    } else {
      double u = 0;
      while (u == 0) u = NEXT_UNIFORM();
      double v = NEXT_UNIFORM();
      double r = __builtin_sqrt(-2 * det_log(u));
      double sn, cs;
      sin_cos_two_pi(v, &sn, &cs);
      spare = r * sn;
      d = mean + std * r * cs;
    }
    if (xkind == 1) d = (double)in32[i] + scale * d;
    else if (xkind == 2) d = in64[i] + scale * d;
    if (f64) rng_out[i] = d;
    else ((float *)rng_out)[i] = (float)d;
  }
#undef NEXT_UNIFORM
  xo_store(&x);
  rng_spare = spare;
}
