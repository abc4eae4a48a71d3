/* Four float32 as two f64x2 lanes, and back (the double-precision passes of adashift.c and averaging.c). */
#ifndef DESCENT_F64_LANES_H
#define DESCENT_F64_LANES_H
#include "simd.h"

static inline v128_t lo2(v128_t x) { return wasm_f64x2_promote_low_f32x4(x); }
static inline v128_t hi2(v128_t x) { return wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 0, 1)); }
static inline v128_t join4(v128_t lo, v128_t hi) {
  v128_t a = wasm_f32x4_demote_f64x2_zero(lo), b = wasm_f32x4_demote_f64x2_zero(hi);
  return wasm_i32x4_shuffle(a, b, 0, 1, 4, 5);
}
#endif
