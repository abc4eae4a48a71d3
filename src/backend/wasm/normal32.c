/*
 * The Generator's float32 normal stream (Generator.addNormal32 and fillNormal32 in
 * src/tensor/random.ts, whose reference is src/tensor/normal32.ts): Box-Muller in float32, pair
 * by pair from two xoshiro128** outputs each. For a pair's outputs (a, b):
 *
 *   N = (a >> 8) + 1,  V = b >> 8                       (24 bits each: u = N 2^-24 in (0, 1])
 *   r = sqrt(2 (-log u))                                (radius32 below)
 *   q = (V + 2^21) >> 22,  t = (V - q 2^22) 2^-24       (2 pi v = 2 pi t + q pi/2, |t| <= 1/8)
 *   (z0, z1) = r (cos, sin)(2 pi v)                     (sincos32 below)
 *
 * and elements 2j and 2j + 1 get base + scale z0 and base + scale z1 of pair j (an odd count
 * drops the last pair's z1). Every step is one float32 IEEE operation (or exact integer
 * arithmetic), in the order written here and there; wasm has no fused multiply-add and
 * contraction is off, so these lanes and the TypeScript (Math.fround after each operation: the
 * double result rounded once to float32 is float32's own result for + - * / and sqrt) give the
 * same bits. test/tensor/random-normal32.test.ts compares them.
 *
 * Speed: a block of 4 LANE_SPAN pairs runs as four lanes of the one stream (random.c's jump
 * matrices; a pair takes two outputs as random.c's elements do, so the same lanes), four pairs
 * per lane step, and the steps run as a four-stage software pipeline (draw below): one step's
 * arithmetic is a long dependency chain (a division, two polynomials, a square root) that the
 * out-of-order core could not overlap with the next step's, some 170 x64 instructions later.
 * About 1.25-1.4 ns per normal in the kernel on the 2-core Zen 5 machine (2.1-2.3 ns
 * unpipelined and with the old bit fiddling). The rest of a chunk draws its words one by one
 * into rng_words and runs the same arithmetic four pairs at a time over them.
 */
#include <stdint.h>
#include "simd.h"
#include "xoshiro-lanes.h"

#pragma STDC FP_CONTRACT OFF

/* Float32 elements per chunk: rng_in and rng_out hold twice as many float32 as doubles. */
#define CHUNK32 (2 * RNG_CHUNK)

/* The tail's words in the stream's order (two per pair), and room for a last group's padding. */
static uint32_t rng_words[4 * LANE_SPAN * 2 + 8] __attribute__((aligned(16)));

EXPORT(rng_chunk32)
int rng_chunk32(void) { return CHUNK32; }

static inline v128_t f4(float x) { return wasm_f32x4_splat(x); }
static inline v128_t i4(int32_t x) { return wasm_i32x4_splat(x); }

#include "normal32-consts.h"

/*
 * r = sqrt(-2 log u) for u = N 2^-24, N = (a >> 8) + 1 in lanes: N = 2^e m with m in
 * [sqrt 2 / 2, sqrt 2) (from the exponent and significand of float(N), exact), log u =
 * (e - 24) ln 2 + log m. In two parts for the pipeline: radius32_head up to the division and
 * z (f = m - 1, s = f / (2 + f), z = s^2 and dk = e - 24), radius32_tail up to the square root.
 */
typedef struct { v128_t f, s, dk, z; } rhead_t;

static inline rhead_t radius32_head(v128_t a) {
  /* float(N) = float(a >> 8) + 1 (exact: N <= 2^24); its bits plus 1's minus sqrt 2 / 2's carry
     from the significand into the exponent exactly when m >= SQRT2, the low 23 bits plus
     sqrt 2 / 2's are then m / 2's bits, else m's, and with 151 << 23 (the exponent of 2^24)
     taken off too, the arithmetic shift by 23 is e - 24 */
  v128_t bits = wasm_i32x4_add(wasm_f32x4_add(wasm_f32x4_convert_i32x4(wasm_u32x4_shr(a, 8)), f4(1.0f)),
                               i4(0x3f800000 - 0x3f3504f3 - (151 << 23)));
  rhead_t h;
  h.dk = wasm_f32x4_convert_i32x4(wasm_i32x4_shr(bits, 23));
  v128_t m = wasm_i32x4_add(wasm_v128_and(bits, i4(0x7fffff)), i4(0x3f3504f3));
  h.f = wasm_f32x4_sub(m, f4(1.0f));
  /* 2 + f rounds the same real number as m + 1 (f = m - 1 is exact) */
  h.s = wasm_f32x4_div(h.f, wasm_f32x4_add(m, f4(1.0f)));
  h.z = wasm_f32x4_mul(h.s, h.s);
  return h;
}

/* 2 (-log u), whose square root is r. */
static inline v128_t radius32_tail(rhead_t h) {
  v128_t f = h.f, s = h.s, dk = h.dk, z = h.z;
  v128_t R = wasm_f32x4_add(f4(L3), wasm_f32x4_mul(z, f4(L4)));
  R = wasm_f32x4_add(f4(L2), wasm_f32x4_mul(z, R));
  R = wasm_f32x4_add(f4(L1), wasm_f32x4_mul(z, R));
  R = wasm_f32x4_mul(z, R);
  /* -log m and -log u (rather than their negations: u = 1 then gives r = +0, not -0) */
  v128_t nlogm = wasm_f32x4_sub(wasm_f32x4_mul(s, wasm_f32x4_sub(f, R)), f);
  v128_t nlg = wasm_f32x4_add(wasm_f32x4_mul(dk, f4(-LN2_HI)), wasm_f32x4_add(nlogm, wasm_f32x4_mul(dk, f4(-LN2_LO))));
  return wasm_f32x4_add(nlg, nlg);
}

static inline v128_t radius32(v128_t a) { return wasm_f32x4_sqrt(radius32_tail(radius32_head(a))); }

/*
 * (cos, sin)(2 pi v) for v = V 2^-24, V = b >> 8 in lanes: the nearest quarter turn q, the rest
 * t in [-1/8, 1/8] (exact), the series in t, then the quarter turns as swaps and sign flips. In
 * two parts for the pipeline: sincos32_head takes t, z = t^2 and w (q's bits, below),
 * sincos32_tail the rest.
 */
typedef struct { v128_t t, z, w; } shead_t;

static inline shead_t sincos32_head(v128_t b) {
  shead_t h;
  /* V - q 2^22 is V mod 2^22 taken in [-2^21, 2^21): b << 2 as a signed word, shifted back by
     10 (arithmetically); and with b = V 2^8 + (b & 255), w = b + 2^29 (mod 2^32) has q mod 4 in
     its top two bits */
  h.t = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_shr(wasm_i32x4_shl(b, 2), 10)), f4(0x1p-24f));
  h.w = wasm_i32x4_add(b, i4(1 << 29));
  h.z = wasm_f32x4_mul(h.t, h.t);
  return h;
}

static inline void sincos32_tail(shead_t h, v128_t *cos_out, v128_t *sin_out) {
  v128_t t = h.t, z = h.z, w = h.w;
  v128_t ps = wasm_f32x4_add(f4(S7), wasm_f32x4_mul(z, f4(S9)));
  ps = wasm_f32x4_add(f4(S5), wasm_f32x4_mul(z, ps));
  ps = wasm_f32x4_add(f4(S3), wasm_f32x4_mul(z, ps));
  ps = wasm_f32x4_add(f4(S1), wasm_f32x4_mul(z, ps));
  v128_t sn = wasm_f32x4_mul(t, ps);
  v128_t pc = wasm_f32x4_add(f4(C6), wasm_f32x4_mul(z, f4(C8)));
  pc = wasm_f32x4_add(f4(C4), wasm_f32x4_mul(z, pc));
  pc = wasm_f32x4_add(f4(C2), wasm_f32x4_mul(z, pc));
  v128_t cs = wasm_f32x4_add(f4(1.0f), wasm_f32x4_mul(z, pc));
  /* quarter turns: q odd swaps sin and cos; sin flips for q & 3 in {2, 3}, cos for {1, 2}: q & 2
     is w's sign bit, q & 1 that of w1 = w << 1, (q + 1) & 2 that of w ^ w1 */
  v128_t w1 = wasm_i32x4_shl(w, 1);
  v128_t swap = wasm_i32x4_shr(w1, 31);
  __asm__("" : "+r"(swap)); /* an and, not the bitselect (three x64 instructions) clang would make of it */
  v128_t sinSign = wasm_v128_and(w, i4(INT32_MIN));
  v128_t cosSign = wasm_v128_and(wasm_v128_xor(w, w1), i4(INT32_MIN));
  v128_t d = wasm_v128_and(wasm_v128_xor(cs, sn), swap);
  *sin_out = wasm_v128_xor(wasm_v128_xor(sn, d), sinSign);
  *cos_out = wasm_v128_xor(wasm_v128_xor(cs, d), cosSign);
}

static inline void sincos32(v128_t b, v128_t *cos_out, v128_t *sin_out) { sincos32_tail(sincos32_head(b), cos_out, sin_out); }

/* Four pairs' normals from their first (a) and second (b) outputs. */
static inline __attribute__((always_inline)) void pairs4(v128_t a, v128_t b, v128_t *z0, v128_t *z1) {
  v128_t r = radius32(a), cs, sn;
  sincos32(b, &cs, &sn);
  *z0 = wasm_f32x4_mul(r, cs);
  *z1 = wasm_f32x4_mul(r, sn);
}

/* base + scale z for the elements of two pairs [z0 of p, z1 of p, z0 of p', z1 of p'] (base: x there or the constant). */
static inline v128_t affine(v128_t base, v128_t scale, v128_t z) { return wasm_f32x4_add(base, wasm_f32x4_mul(scale, z)); }

/*
 * The pipeline's stages for lane step k of a block: draw takes the step's outputs (a, b), A
 * starts the radius and the angle (radius32_head, sincos32_head), B finishes the radius but for
 * the square root and takes the angle's cos and sin, C takes the square root and writes the
 * step's elements. An iteration runs draw of step k, A of k - 1, B of k - 2 and C of k - 3,
 * four independent chains, so that the long dependency chain of one step (the multiplications of
 * the draw, the division, the polynomials, the square root) overlaps the others'. (Where the
 * stages split was measured: more of the work ahead of B is faster, more stages or more values
 * carried from one to the next were not.)
 */
typedef struct { rhead_t h; shead_t sh; } stage_a_t;
typedef struct { v128_t r2, cs, sn; } stage_b_t;

typedef struct { v128_t a, b; } draw_t;

static inline __attribute__((always_inline)) draw_t draw(lanes_t *l) {
  draw_t W;
  W.a = lanes_next(l);
  W.b = lanes_next(l);
  return W;
}

static inline __attribute__((always_inline)) stage_a_t stage_a(draw_t W) {
  stage_a_t A;
  A.sh = sincos32_head(W.b);
  A.h = radius32_head(W.a);
  return A;
}

static inline __attribute__((always_inline)) stage_b_t stage_b(stage_a_t A) {
  stage_b_t B;
  B.r2 = radius32_tail(A.h);
  sincos32_tail(A.sh, &B.cs, &B.sn);
  return B;
}

/* Step k's elements: lane l's pair j + l LANE_SPAN + k at o + 2 (l LANE_SPAN + k). */
static inline __attribute__((always_inline)) void stage_c(stage_b_t B, int xkind, const float *xi, float *o, v128_t vmean, v128_t vscale) {
  v128_t r = wasm_f32x4_sqrt(B.r2);
  v128_t z0 = wasm_f32x4_mul(r, B.cs), z1 = wasm_f32x4_mul(r, B.sn);
  v128_t lo = wasm_i32x4_shuffle(z0, z1, 0, 4, 1, 5), hi = wasm_i32x4_shuffle(z0, z1, 2, 6, 3, 7);
  v128_t blo = vmean, bhi = vmean;
  if (xkind == 1) {
    blo = wasm_v128_load64_lane(xi + LANE_SPAN * 2, wasm_v128_load64_zero(xi), 1);
    bhi = wasm_v128_load64_lane(xi + LANE_SPAN * 6, wasm_v128_load64_zero(xi + LANE_SPAN * 4), 1);
  }
  lo = affine(blo, vscale, lo);
  hi = affine(bhi, vscale, hi);
  wasm_v128_store64_lane(o, lo, 0);
  wasm_v128_store64_lane(o + LANE_SPAN * 2, lo, 1);
  wasm_v128_store64_lane(o + LANE_SPAN * 4, hi, 0);
  wasm_v128_store64_lane(o + LANE_SPAN * 6, hi, 1);
}

/*
 * The whole blocks of a chunk of n elements, every element of theirs in [0, n): lane l draws
 * pairs j + l LANE_SPAN + k. Returns the pairs done.
 */
static inline __attribute__((always_inline)) int blocks32(xo_t *x, int xkind, const float *in, float *out, int n, v128_t vmean, v128_t vscale) {
  int j = 0;
  for (; j + 4 * LANE_SPAN <= n / 2; j += 4 * LANE_SPAN) {
    lanes_t l = lanes_start(x);
    const float *xi = in + 2 * j;
    float *o = out + 2 * j;
    /* the pipeline filled: at the top of iteration k, the draw of step k - 1, A of k - 2, B of k - 3 */
    draw_t W = draw(&l);
    stage_a_t A = stage_a(W);
    W = draw(&l);
    stage_b_t B = stage_b(A);
    A = stage_a(W);
    W = draw(&l);
    for (int k = 3; k < LANE_SPAN; k++) {
      stage_b_t B1 = stage_b(A);
      stage_c(B, xkind, xi + 2 * (k - 3), o + 2 * (k - 3), vmean, vscale);
      A = stage_a(W);
      W = draw(&l);
      B = B1;
    }
    /* and drained */
    stage_c(B, xkind, xi + 2 * (LANE_SPAN - 3), o + 2 * (LANE_SPAN - 3), vmean, vscale);
    B = stage_b(A);
    A = stage_a(W);
    stage_c(B, xkind, xi + 2 * (LANE_SPAN - 2), o + 2 * (LANE_SPAN - 2), vmean, vscale);
    stage_c(stage_b(A), xkind, xi + 2 * (LANE_SPAN - 1), o + 2 * (LANE_SPAN - 1), vmean, vscale);
    lanes_end(&l, x);
  }
  return j;
}

/*
 * rng_out[0..n) as float32: element i of pair j = i / 2 is base_i + scale z_(i mod 2) of pair j,
 * base_i = rng_in[i] (float32) when xkind is 1, else mean. Draws 2 ceil(n / 2) outputs.
 */
EXPORT(rng_normal32)
void rng_normal32(int n, int xkind, float mean, float scale) {
  xo_t x = xo_load();
  const float *in = (const float *)rng_in;
  float *out = (float *)rng_out;
  const v128_t vscale = f4(scale), vmean = f4(mean);
  int pairs = (n + 1) / 2, j = 0;
  if (xkind == 1) j = blocks32(&x, 1, in, out, n, vmean, vscale);
  else j = blocks32(&x, 0, in, out, n, vmean, vscale);
  /* the rest (fewer than 4 LANE_SPAN + 1 pairs): words one by one, then four pairs at a time */
  int rest = pairs - j, w = 0;
  for (; w < 2 * rest; w++) rng_words[w] = xo_next(&x);
  for (; w % 8 != 0; w++) rng_words[w] = 0;
  for (int g = 0; g < rest; g += 4, j += 4) {
    v128_t w0 = wasm_v128_load(rng_words + 2 * g), w1 = wasm_v128_load(rng_words + 2 * g + 4), z0, z1;
    pairs4(wasm_i32x4_shuffle(w0, w1, 0, 2, 4, 6), wasm_i32x4_shuffle(w0, w1, 1, 3, 5, 7), &z0, &z1);
    v128_t lo = wasm_i32x4_shuffle(z0, z1, 0, 4, 1, 5), hi = wasm_i32x4_shuffle(z0, z1, 2, 6, 3, 7);
    int i = 2 * j;
    if (i + 8 <= n) {
      v128_t blo = xkind == 1 ? wasm_v128_load(in + i) : vmean, bhi = xkind == 1 ? wasm_v128_load(in + i + 4) : vmean;
      wasm_v128_store(out + i, affine(blo, vscale, lo));
      wasm_v128_store(out + i + 4, affine(bhi, vscale, hi));
    } else {
      /* the last group: its elements below n only */
      float z[8] __attribute__((aligned(16)));
      wasm_v128_store(z, lo);
      wasm_v128_store(z + 4, hi);
      for (int e = 0; i + e < n; e++) out[i + e] = (xkind == 1 ? in[i + e] : mean) + scale * z[e];
    }
  }
  xo_store(&x);
}
