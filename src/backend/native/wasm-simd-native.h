/*
 * The wasm simd128 intrinsics kernels.c uses, for a native build (src/backend/native): clang
 * vector extensions with wasm's semantics lane by lane, so the native kernels compute the same
 * float32 and float64 operations in the same order as the WebAssembly ones (IEEE arithmetic,
 * the same NaN and signed-zero rules; see each intrinsic's comment in wasm_simd128.h). Built with
 * -ffp-contract=off so that no multiply-add is fused.
 */
#ifndef DESCENT_WASM_SIMD_NATIVE_H
#define DESCENT_WASM_SIMD_NATIVE_H
#include <stdint.h>
#include <string.h>

typedef int32_t v128_t __attribute__((vector_size(16), aligned(16)));
typedef float n_f32x4 __attribute__((vector_size(16)));
typedef double n_f64x2 __attribute__((vector_size(16)));
typedef int32_t n_i32x4 __attribute__((vector_size(16)));
typedef uint32_t n_u32x4 __attribute__((vector_size(16)));

#define N_INLINE static inline __attribute__((always_inline))
#define F32(v) ((n_f32x4)(v))
#define F64(v) ((n_f64x2)(v))
#define I32(v) ((n_i32x4)(v))

/* Loads and stores are unaligned, as wasm's. */
N_INLINE v128_t wasm_v128_load(const void *p) { v128_t v; memcpy(&v, p, 16); return v; }
N_INLINE void wasm_v128_store(void *p, v128_t v) { memcpy(p, &v, 16); }
N_INLINE v128_t wasm_v128_load32_splat(const void *p) { int32_t x; memcpy(&x, p, 4); return (v128_t){x, x, x, x}; }

N_INLINE v128_t wasm_v128_and(v128_t a, v128_t b) { return a & b; }
N_INLINE v128_t wasm_v128_or(v128_t a, v128_t b) { return a | b; }
N_INLINE v128_t wasm_v128_xor(v128_t a, v128_t b) { return a ^ b; }
N_INLINE v128_t wasm_v128_andnot(v128_t a, v128_t b) { return a & ~b; }
/* Bits of a where mask is 1, of b where it is 0. */
N_INLINE v128_t wasm_v128_bitselect(v128_t a, v128_t b, v128_t mask) { return (a & mask) | (b & ~mask); }
N_INLINE int wasm_v128_any_true(v128_t a) { return (a[0] | a[1] | a[2] | a[3]) != 0; }

N_INLINE v128_t wasm_f32x4_splat(float x) { return (v128_t)(n_f32x4){x, x, x, x}; }
N_INLINE v128_t wasm_f32x4_add(v128_t a, v128_t b) { return (v128_t)(F32(a) + F32(b)); }
N_INLINE v128_t wasm_f32x4_sub(v128_t a, v128_t b) { return (v128_t)(F32(a) - F32(b)); }
N_INLINE v128_t wasm_f32x4_mul(v128_t a, v128_t b) { return (v128_t)(F32(a) * F32(b)); }
N_INLINE v128_t wasm_f32x4_div(v128_t a, v128_t b) { return (v128_t)(F32(a) / F32(b)); }
/* neg and abs change the sign bit only (NaN payloads included). */
N_INLINE v128_t wasm_f32x4_neg(v128_t a) { return a ^ (v128_t){INT32_MIN, INT32_MIN, INT32_MIN, INT32_MIN}; }
N_INLINE v128_t wasm_f32x4_abs(v128_t a) { return a & (v128_t){INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX}; }
/* A float32 function applied lane by lane (clang turns these into the matching vector instructions). */
#define N_LANES_F32(name, f)                                                            \
  N_INLINE v128_t name(v128_t a) {                                                        \
    n_f32x4 x = F32(a);                                                                   \
    return (v128_t)(n_f32x4){f(x[0]), f(x[1]), f(x[2]), f(x[3])};                         \
  }
N_LANES_F32(wasm_f32x4_sqrt, __builtin_sqrtf)
N_LANES_F32(wasm_f32x4_floor, __builtin_floorf)
N_LANES_F32(wasm_f32x4_ceil, __builtin_ceilf)
/* Round half to even (the default rounding mode, which descent never changes). */
N_LANES_F32(wasm_f32x4_nearest, __builtin_rintf)
/* Comparisons: all ones where true (NaN compares unequal, as IEEE). */
N_INLINE v128_t wasm_f32x4_eq(v128_t a, v128_t b) { return (v128_t)(F32(a) == F32(b)); }
N_INLINE v128_t wasm_f32x4_ne(v128_t a, v128_t b) { return (v128_t)(F32(a) != F32(b)); }
N_INLINE v128_t wasm_f32x4_lt(v128_t a, v128_t b) { return (v128_t)(F32(a) < F32(b)); }
N_INLINE v128_t wasm_f32x4_le(v128_t a, v128_t b) { return (v128_t)(F32(a) <= F32(b)); }
N_INLINE v128_t wasm_f32x4_gt(v128_t a, v128_t b) { return (v128_t)(F32(a) > F32(b)); }
N_INLINE v128_t wasm_f32x4_ge(v128_t a, v128_t b) { return (v128_t)(F32(a) >= F32(b)); }
/* pmax(a, b) = a < b ? b : a (the pseudo-maximum). */
N_INLINE v128_t wasm_f32x4_pmax(v128_t a, v128_t b) { v128_t lt = (v128_t)(F32(a) < F32(b)); return (b & lt) | (a & ~lt); }
/* max: NaN when either lane is NaN (a's when both are), and max(-0, +0) = +0: the larger lane
 * (b unless a > b), then the AND of equal lanes' bits, then a where a is NaN; branch-free. */
N_INLINE v128_t wasm_f32x4_max(v128_t a, v128_t b) {
  v128_t gt = (v128_t)(F32(a) > F32(b)), eq = (v128_t)(F32(a) == F32(b)), aNaN = (v128_t)(F32(a) != F32(a));
  v128_t r = (a & gt) | (b & ~gt);
  r = (a & b & eq) | (r & ~eq);
  return (a & aNaN) | (r & ~aNaN);
}
#define wasm_f32x4_extract_lane(v, i) (F32(v)[i])
N_INLINE v128_t wasm_f32x4_convert_i32x4(v128_t a) { return (v128_t)__builtin_convertvector(I32(a), n_f32x4); }
N_INLINE v128_t wasm_f32x4_demote_f64x2_zero(v128_t a) {
  n_f64x2 d = F64(a);
  return (v128_t)(n_f32x4){(float)d[0], (float)d[1], 0.0f, 0.0f};
}

N_INLINE v128_t wasm_f64x2_splat(double x) { return (v128_t)(n_f64x2){x, x}; }
N_INLINE v128_t wasm_f64x2_make(double a, double b) { return (v128_t)(n_f64x2){a, b}; }
N_INLINE v128_t wasm_f64x2_add(v128_t a, v128_t b) { return (v128_t)(F64(a) + F64(b)); }
N_INLINE v128_t wasm_f64x2_sub(v128_t a, v128_t b) { return (v128_t)(F64(a) - F64(b)); }
N_INLINE v128_t wasm_f64x2_mul(v128_t a, v128_t b) { return (v128_t)(F64(a) * F64(b)); }
N_INLINE v128_t wasm_f64x2_div(v128_t a, v128_t b) { return (v128_t)(F64(a) / F64(b)); }
N_INLINE v128_t wasm_f64x2_sqrt(v128_t a) { n_f64x2 x = F64(a); return (v128_t)(n_f64x2){__builtin_sqrt(x[0]), __builtin_sqrt(x[1])}; }
N_INLINE v128_t wasm_f64x2_pmax(v128_t a, v128_t b) { v128_t lt = (v128_t)(F64(a) < F64(b)); return (b & lt) | (a & ~lt); }
#define wasm_f64x2_extract_lane(v, i) (F64(v)[i])
N_INLINE v128_t wasm_f64x2_promote_low_f32x4(v128_t a) {
  n_f32x4 x = F32(a);
  return (v128_t)(n_f64x2){(double)x[0], (double)x[1]};
}

N_INLINE v128_t wasm_i32x4_splat(int32_t x) { return (v128_t){x, x, x, x}; }
N_INLINE v128_t wasm_i32x4_make(int32_t a, int32_t b, int32_t c, int32_t d) { return (v128_t){a, b, c, d}; }
N_INLINE v128_t wasm_i32x4_add(v128_t a, v128_t b) { return a + b; }
/* Products and shifts wrap as wasm's do: through unsigned lanes (shift counts here are 0-31). */
N_INLINE v128_t wasm_i32x4_mul(v128_t a, v128_t b) { return (v128_t)((n_u32x4)a * (n_u32x4)b); }
N_INLINE v128_t wasm_i32x4_shl(v128_t a, int k) { return (v128_t)((n_u32x4)a << k); }
N_INLINE v128_t wasm_u32x4_shr(v128_t a, int k) { return (v128_t)((n_u32x4)a >> k); }
#define wasm_i32x4_extract_lane(v, i) ((v)[i])
/* Lanes 0-3 from a, 4-7 from b. */
#define wasm_i32x4_shuffle(a, b, c0, c1, c2, c3) ((v128_t)__builtin_shufflevector(I32(a), I32(b), c0, c1, c2, c3))

#endif
