/*
 * The weight averages of the SWA and EMA wrappers (src/optim/wrappers/averaging.ts) over float32
 * arrays: each element in double, as the wrapper's loop computes it, and rounded once to float32,
 * two lanes at a time (f64x2 arithmetic is IEEE per lane, so the same bits as the loop).
 */
#include "simd.h"

#pragma STDC FP_CONTRACT OFF

#include "f64-lanes.h"

/* EMA: avg = b avg + c w (c = 1 - b, computed once in double as the loop's (1 - b) is). */
EXPORT(ema_f32)
void ema_f32(float *restrict avg, const float *restrict w, int n, double b, double c) {
  v128_t vb = wasm_f64x2_splat(b), vc = wasm_f64x2_splat(c);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t a = wasm_v128_load(avg + i), x = wasm_v128_load(w + i);
    v128_t l = wasm_f64x2_add(wasm_f64x2_mul(vb, lo2(a)), wasm_f64x2_mul(vc, lo2(x)));
    v128_t h = wasm_f64x2_add(wasm_f64x2_mul(vb, hi2(a)), wasm_f64x2_mul(vc, hi2(x)));
    wasm_v128_store(avg + i, join4(l, h));
  }
  for (; i < n; i++) avg[i] = (float)(b * (double)avg[i] + c * (double)w[i]);
}

/* SWA: avg += (w - avg) / d (d = n + 1, the count of averaged iterates with this one). */
EXPORT(swa_f32)
void swa_f32(float *restrict avg, const float *restrict w, int n, double d) {
  v128_t vd = wasm_f64x2_splat(d);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t a = wasm_v128_load(avg + i), x = wasm_v128_load(w + i);
    v128_t al = lo2(a), ah = hi2(a);
    v128_t l = wasm_f64x2_add(al, wasm_f64x2_div(wasm_f64x2_sub(lo2(x), al), vd));
    v128_t h = wasm_f64x2_add(ah, wasm_f64x2_div(wasm_f64x2_sub(hi2(x), ah), vd));
    wasm_v128_store(avg + i, join4(l, h));
  }
  for (; i < n; i++) avg[i] = (float)((double)avg[i] + ((double)w[i] - (double)avg[i]) / d);
}
