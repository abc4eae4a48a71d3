/*
 * The Generator's xoshiro128** stream, shared by the bulk draws of random.c and normal32.c: the
 * state in locals (xo_t, one output per xo_next) and four consecutive stretches of the one stream
 * in i32x4 lanes (lanes_t, started by random.c's jump matrices). Also the state and the chunk
 * buffers through which wasm/random.ts hands the generator and the arrays to the kernels.
 */
#ifndef DESCENT_XOSHIRO_LANES_H
#define DESCENT_XOSHIRO_LANES_H
#include <stdint.h>
#include "simd.h"

/* Doubles per chunk buffer (float32 kernels fit twice as many elements). */
#define RNG_CHUNK 8192
/* Elements (two outputs each) per lane of a four-lane block: lane j starts 2 LANE_SPAN j outputs ahead. */
#define LANE_SPAN 1024

/* The generator's words, as wasm/random.ts writes them before a kernel and reads them after. */
extern uint32_t rng_state[4];
/* A chunk's added-to array (float32 or float64) and its samples. */
extern double rng_in[RNG_CHUNK];
extern double rng_out[RNG_CHUNK];

static inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

/* The generator's four words in locals: one xoshiro128** output per call. */
typedef struct { uint32_t s0, s1, s2, s3; } xo_t;

static inline uint32_t xo_next(xo_t *x) {
  uint32_t result = rotl(x->s1 * 5u, 7) * 9u;
  uint32_t t = x->s1 << 9;
  x->s2 ^= x->s0;
  x->s3 ^= x->s1;
  x->s1 ^= x->s2;
  x->s0 ^= x->s3;
  x->s2 ^= t;
  x->s3 = rotl(x->s3, 11);
  return result;
}

/*
 * The state update is linear over GF(2), so the state J steps ahead is a 128 x 128 bit matrix
 * M^J times the state: the jumps that start the lanes (random.c, src/backend/native/normal32-lanes.c).
 * A matrix is held by columns (column k: the image of state bit k).
 */
typedef struct { uint32_t w[4]; } st128_t;

/* A x, the four words at once. */
static inline st128_t st_apply(const st128_t *a, st128_t x) {
  v128_t r = wasm_i32x4_splat(0);
  for (int k = 0; k < 128; k++) {
    uint32_t bit = (x.w[k >> 5] >> (k & 31)) & 1u;
    r = wasm_v128_xor(r, wasm_v128_and(wasm_v128_load(&a[k]), wasm_i32x4_splat(-(int32_t)bit)));
  }
  st128_t out;
  wasm_v128_store(&out, r);
  return out;
}

/* c = a b (c may be a or b). */
static inline void st_mul(st128_t *c, const st128_t *a, const st128_t *b) {
  st128_t t[128];
  for (int k = 0; k < 128; k++) t[k] = st_apply(a, b[k]);
  for (int k = 0; k < 128; k++) c[k] = t[k];
}

/* m = M^e, by squaring and multiplying. */
static inline void st_power(st128_t *m, unsigned e) {
  st128_t power[128];
  for (int k = 0; k < 128; k++) {
    uint32_t bits[4] = {0, 0, 0, 0};
    bits[k >> 5] = 1u << (k & 31);
    xo_t x = {bits[0], bits[1], bits[2], bits[3]};
    xo_next(&x);
    st128_t image = {{x.s0, x.s1, x.s2, x.s3}}, unit = {{bits[0], bits[1], bits[2], bits[3]}};
    power[k] = image;
    m[k] = unit;
  }
  for (; e; e >>= 1) {
    if (e & 1) st_mul(m, power, m);
    st_mul(power, power, power);
  }
}

static inline xo_t xo_load(void) {
  xo_t x = {rng_state[0], rng_state[1], rng_state[2], rng_state[3]};
  return x;
}

static inline void xo_store(const xo_t *x) {
  rng_state[0] = x->s0;
  rng_state[1] = x->s1;
  rng_state[2] = x->s2;
  rng_state[3] = x->s3;
}

static inline v128_t rotl4(v128_t x, int k) { return wasm_v128_or(wasm_i32x4_shl(x, k), wasm_u32x4_shr(x, 32 - k)); }

/* The four lanes' states word by word: lane j at M^(2 LANE_SPAN j) x. */
typedef struct { v128_t a, b, c, d; } lanes_t;

/* The lanes of a block that starts at x's state (random.c). */
lanes_t lanes_start(const xo_t *x);

/* Lane 3's state: the one stream's state after the block. */
static inline void lanes_end(const lanes_t *l, xo_t *x) {
  x->s0 = wasm_i32x4_extract_lane(l->a, 3);
  x->s1 = wasm_i32x4_extract_lane(l->b, 3);
  x->s2 = wasm_i32x4_extract_lane(l->c, 3);
  x->s3 = wasm_i32x4_extract_lane(l->d, 3);
}

/* One xoshiro128** output in each lane (xo_next, lane by lane). */
static inline v128_t lanes_next(lanes_t *l) {
  v128_t r = wasm_i32x4_mul(rotl4(wasm_i32x4_mul(l->b, wasm_i32x4_splat(5)), 7), wasm_i32x4_splat(9));
  v128_t t = wasm_i32x4_shl(l->b, 9);
  l->c = wasm_v128_xor(l->c, l->a);
  l->d = wasm_v128_xor(l->d, l->b);
  l->b = wasm_v128_xor(l->b, l->c);
  l->a = wasm_v128_xor(l->a, l->d);
  l->c = wasm_v128_xor(l->c, t);
  l->d = rotl4(l->d, 11);
  return r;
}
#endif
