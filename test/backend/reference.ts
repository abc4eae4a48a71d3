/**
 * Kernels written straight from their definitions, one output element at a time: slow and
 * obviously right, the oracle for the optimized js kernels (which every other backend is then
 * compared with).
 */
import type { BinaryOp, ConvGeometry, GemmArgs } from '../../src/backend/kernels.js';
import { BINARY } from '../../src/backend/js/elementwise.js';

type Arr = Float32Array | Float64Array;

/** C = alpha op(A) op(B) + beta C, accumulated in float64. */
export function gemmRef(g: GemmArgs): Float64Array {
  const out = new Float64Array(g.c.length);
  out.set(g.c);
  for (let i = 0; i < g.m; i++) {
    for (let j = 0; j < g.n; j++) {
      let s = 0;
      for (let p = 0; p < g.k; p++) {
        const a = g.a[g.aOffset + (g.transA ? p * g.lda + i : i * g.lda + p)];
        const b = g.b[g.bOffset + (g.transB ? j * g.ldb + p : p * g.ldb + j)];
        s += a * b;
      }
      const at = g.cOffset + i * g.ldc + j;
      out[at] = g.alpha * s + (g.beta === 0 ? 0 : g.beta * g.c[at]);
    }
  }
  return out;
}

/** out[coords] = op(a[coords . aStrides], b[coords . bStrides]). */
export function binaryRef(op: BinaryOp, a: Arr, aStrides: readonly number[], b: Arr, bStrides: readonly number[], out: Arr, shape: readonly number[]): void {
  const f = BINARY[op];
  for (let o = 0; o < out.length; o++) {
    let rem = o;
    let pa = 0;
    let pb = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const c = rem % shape[d];
      rem = Math.floor(rem / shape[d]);
      pa += c * aStrides[d];
      pb += c * bStrides[d];
    }
    out[o] = f(a[pa], b[pb]);
  }
}

function inputAt(g: ConvGeometry, row: number, col: number): [number, number, number] | null {
  const kk = g.kernelH * g.kernelW;
  const c = Math.floor(row / kk);
  const ki = Math.floor((row % kk) / g.kernelW);
  const kj = row % g.kernelW;
  const oy = Math.floor(col / g.outW);
  const ox = col % g.outW;
  const iy = oy * g.strideH - g.padH + ki * g.dilationH;
  const ix = ox * g.strideW - g.padW + kj * g.dilationW;
  return iy >= 0 && iy < g.height && ix >= 0 && ix < g.width ? [c, iy, ix] : null;
}

export function im2colRef(x: Arr, xOffset: number, g: ConvGeometry, cols: Arr): void {
  const rows = g.channels * g.kernelH * g.kernelW;
  const plane = g.outH * g.outW;
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < plane; q++) {
      const at = inputAt(g, r, q);
      cols[r * plane + q] = at ? x[xOffset + (at[0] * g.height + at[1]) * g.width + at[2]] : 0;
    }
  }
}

export function col2imRef(cols: Arr, g: ConvGeometry, out: Arr, outOffset: number): void {
  const rows = g.channels * g.kernelH * g.kernelW;
  const plane = g.outH * g.outW;
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < plane; q++) {
      const at = inputAt(g, r, q);
      if (at) out[outOffset + (at[0] * g.height + at[1]) * g.width + at[2]] += cols[r * plane + q];
    }
  }
}

/** Max over each window, first winner on ties, NaN wins (the kernel interface's rule). */
export function maxPoolRef(x: Arr, planes: number, g: ConvGeometry, out: Arr, argmax: Int32Array): void {
  let o = 0;
  for (let p = 0; p < planes; p++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++, o++) {
        let best = -Infinity;
        let at = -1;
        for (let ki = 0; ki < g.kernelH; ki++) {
          for (let kj = 0; kj < g.kernelW; kj++) {
            const iy = oy * g.strideH - g.padH + ki * g.dilationH;
            const ix = ox * g.strideW - g.padW + kj * g.dilationW;
            if (iy < 0 || iy >= g.height || ix < 0 || ix >= g.width) continue;
            const i = (p * g.height + iy) * g.width + ix;
            if (at < 0 || x[i] > best || (Number.isNaN(x[i]) && !Number.isNaN(best))) {
              best = x[i];
              at = i;
            }
          }
        }
        out[o] = best;
        argmax[o] = at;
      }
    }
  }
}
