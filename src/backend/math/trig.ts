/**
 * Deterministic sin(2πx) and cos(2πx): the same bits on every JavaScript engine. `Math.sin` and
 * `Math.cos` are not: Chromium 156's V8 and Node 20's round about 3% of results differently in
 * the last bit, which made the Rastrigin trace in the browser drift from the CLI's. The argument
 * is reduced exactly (x minus the nearest quarter, then the quadrant), and the reduced angle
 * (|a| <= π/4) goes through fdlibm's sine and cosine kernels (k_sin.c, k_cos.c), written with
 * IEEE double arithmetic only. Error: a few ulp of the true sin(2πx), and exact zeros at the
 * integers and half-integers (unlike `Math.sin(2 * Math.PI * x)`, whose product rounds first).
 */

import { f64, HI, i32, LO } from './words.js';

const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;
const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.08757232129817482790e-9;
const C6 = -1.13596475577881948265e-11;
const TWO_PI = 6.283185307179586;

/** fdlibm's __kernel_sin(x, 0, 0) for |x| <= π/4. */
function kernelSin(x: number): number {
  if (Math.abs(x) < 7.450580596923828e-9) return x; // |x| < 2^-27
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return x + v * (S1 + z * r);
}

/** fdlibm's __kernel_cos(x, 0) for |x| <= π/4. */
function kernelCos(x: number): number {
  const ax = Math.abs(x);
  if (ax < 7.450580596923828e-9) return 1;
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ax < 0.3) return 1 - (0.5 * z - z * r);
  // qx = x/4 rounded down to its high word, or 0.28125 above 0.78125 (as k_cos.c).
  const qx = ax > 0.78125 ? 0.28125 : highWordQuarter(ax);
  const hz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (hz - z * r);
}

/** k_cos.c's qx: the double with high word hi(x) - 0x00200000 and low word 0 (x/4, truncated). */
function highWordQuarter(x: number): number {
  f64[0] = x;
  const h = i32[HI] - 0x00200000;
  i32[HI] = h;
  i32[LO] = 0;
  return f64[0];
}

// The reduction's results (module variables rather than a returned pair: no allocation per call).
let quadrant = 0;
let angle = 0;

/** Sets `quadrant` (0..3) and `angle` = 2π(x - n/4), |angle| <= π/4, for 2πx. */
function reduce(x: number): void {
  const n = Math.round(4 * x); // 4x is exact (a power-of-two scaling)
  const s = x - n / 4; // exact: |s| <= 1/8 and n/4 is a multiple of x's ulp
  quadrant = n >= -2147483648 && n < 2147483648 ? n & 3 : ((n % 4) + 4) % 4; // & is mod 4 on two's complement
  angle = s * TWO_PI;
}

/** sin(2πx), the same bits on every engine; NaN for ±Infinity and NaN. */
export function sinTwoPi(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  reduce(x);
  const q = quadrant;
  const r = q === 0 ? kernelSin(angle) : q === 1 ? kernelCos(angle) : q === 2 ? -kernelSin(angle) : -kernelCos(angle);
  return r === 0 ? (x === 0 ? x : 0) : r; // sin(2π·±0) is ±0; the other zeros are +0
}

/** cos(2πx), the same bits on every engine; NaN for ±Infinity and NaN. */
export function cosTwoPi(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  reduce(x);
  const q = quadrant;
  const r = q === 0 ? kernelCos(angle) : q === 1 ? -kernelSin(angle) : q === 2 ? -kernelCos(angle) : kernelSin(angle);
  return r + 0; // no -0
}
