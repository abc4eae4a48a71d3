/*
 * AdaShift's pass after its first n steps (src/optim/methods/adashift.ts), two lanes of double at
 * a time: the same operations in the same order as the method's float64 loop, each IEEE per
 * lane, so the same bits (wasm has no fused multiply-add; contraction is off):
 *   S = b1 S + g - dropWeight drop;  q = g  (q: the queue slot of the dropped gradient)
 *   with v (phi 'none'): v = float(b2 v + (1-b2) drop drop);  p = float(p + (-lr (S / wsum)) / (sqrt(v / bc) + eps))
 *   else:                p = float(p + scale S)
 */
#include "simd.h"

#pragma STDC FP_CONTRACT OFF

#include "f64-lanes.h"

EXPORT(adashift_f64x2)
void adashift_f64x2(float *restrict p, const float *restrict grad, float *restrict q, double *restrict sum, float *restrict v, int n,
                    double b1, double dropWeight, double b2, double lr, double wsum, double bc, double eps, double scale) {
  v128_t vb1 = wasm_f64x2_splat(b1), vdw = wasm_f64x2_splat(dropWeight), vscale = wasm_f64x2_splat(scale);
  v128_t vb2 = wasm_f64x2_splat(b2), vob2 = wasm_f64x2_splat(1 - b2), vnlr = wasm_f64x2_splat(-lr);
  v128_t vwsum = wasm_f64x2_splat(wsum), vbc = wasm_f64x2_splat(bc), veps = wasm_f64x2_splat(eps);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t g4 = wasm_v128_load(grad + i), d4 = wasm_v128_load(q + i), p4 = wasm_v128_load(p + i);
    v128_t g[2] = {lo2(g4), hi2(g4)}, drop[2] = {lo2(d4), hi2(d4)}, pd[2] = {lo2(p4), hi2(p4)};
    v128_t vv[2];
    if (v) {
      v128_t v4 = wasm_v128_load(v + i);
      vv[0] = lo2(v4);
      vv[1] = hi2(v4);
    }
    for (int h = 0; h < 2; h++) {
      v128_t s = wasm_f64x2_sub(wasm_f64x2_add(wasm_f64x2_mul(vb1, wasm_v128_load(sum + i + 2 * h)), g[h]), wasm_f64x2_mul(vdw, drop[h]));
      wasm_v128_store(sum + i + 2 * h, s);
      v128_t step;
      if (v) {
        /* v rounds to float32 before the step reads it, as the loop's store into v does */
        v128_t vi = wasm_f64x2_add(wasm_f64x2_mul(vb2, vv[h]), wasm_f64x2_mul(wasm_f64x2_mul(vob2, drop[h]), drop[h]));
        vi = wasm_f64x2_promote_low_f32x4(wasm_f32x4_demote_f64x2_zero(vi));
        vv[h] = vi;
        v128_t den = wasm_f64x2_add(wasm_f64x2_sqrt(wasm_f64x2_div(vi, vbc)), veps);
        step = wasm_f64x2_div(wasm_f64x2_mul(vnlr, wasm_f64x2_div(s, vwsum)), den);
      } else {
        step = wasm_f64x2_mul(vscale, s);
      }
      pd[h] = wasm_f64x2_add(pd[h], step);
    }
    if (v) wasm_v128_store(v + i, join4(vv[0], vv[1]));
    wasm_v128_store(q + i, g4);
    wasm_v128_store(p + i, join4(pd[0], pd[1]));
  }
  for (; i < n; i++) {
    double g = grad[i], drop = q[i];
    double s = b1 * sum[i] + g - dropWeight * drop;
    sum[i] = s;
    q[i] = grad[i];
    double step;
    if (v) {
      float vi = (float)(b2 * v[i] + (1 - b2) * drop * drop);
      v[i] = vi;
      step = (-lr * (s / wsum)) / (__builtin_sqrt(vi / bc) + eps);
    } else {
      step = scale * s;
    }
    p[i] = (float)(p[i] + step);
  }
}
