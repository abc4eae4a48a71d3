/*
 * The float32 normal stream's constants (src/tensor/normal32.ts writes the same values), shared
 * by the wasm kernel (normal32.c) and the native one (src/backend/native/normal32-lanes.c).
 */
#ifndef DESCENT_NORMAL32_CONSTS_H
#define DESCENT_NORMAL32_CONSTS_H
/* The polynomials' coefficients, float32. */
/* log(1 + f) = f - s (f - R), s = f / (2 + f), R = z (2/3 + z (2/5 + z (2/7 + z 2/9))), z = s^2 */
#define L1 0x1.555556p-1f
#define L2 0x1.99999ap-2f
#define L3 0x1.24924ap-2f
#define L4 0x1.c71c72p-3f
/* ln 2 = LN2_HI + LN2_LO, LN2_HI with 16 significant bits (k LN2_HI is exact for |k| <= 24) */
#define LN2_HI 0x1.62e300p-1f
#define LN2_LO 0x1.2fefa4p-17f
#define SQRT2 0x1.6a09e6p+0f
/* Taylor series of sin(2 pi t) and cos(2 pi t) in t: (2 pi)^k / k! with alternating signs */
#define S1 0x1.921fb6p+2f
#define S3 -0x1.4abbcep+5f
#define S5 0x1.466bc6p+6f
#define S7 -0x1.32d2ccp+6f
#define S9 0x1.507834p+5f
#define C2 -0x1.3bd3ccp+4f
#define C4 0x1.03c1f0p+6f
#define C6 -0x1.55d3c8p+6f
#define C8 0x1.e1f506p+5f
#endif
