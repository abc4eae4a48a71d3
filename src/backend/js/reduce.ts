import type { Storage } from '../storage.js';
import type { ReduceOp } from '../kernels.js';

/**
 * float32 sums accumulate in float64 (rows in eight interleaved partial sums, see rowSum;
 * columns by blocks of 32 float32 sums) and are rounded once when stored: a float32
 * accumulator stalls at 2^24 (ones([2e7]).sum() gave 16777216) and drifts by about n 2^-24
 * relative. The wasm kernel runs the same order and matches bit for bit. float64 sums are
 * plain sequential sums, as before.
 */
export function reduce(op: ReduceOp, x: Storage, outer: number, n: number, inner: number, out: Storage): void {
  if (op === 'sum') return sum(x, outer, n, inner, out);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    const outBase = o * inner;
    const isMax = op === 'max';
    for (let i = 0; i < inner; i++) out[outBase + i] = x[base + i];
    for (let k = 1; k < n; k++) {
      const row = base + k * inner;
      for (let i = 0; i < inner; i++) {
        const v = x[row + i];
        const cur = out[outBase + i];
        // NaN propagates, as in PyTorch.
        if (Number.isNaN(v) || (isMax ? v > cur : v < cur)) out[outBase + i] = v;
      }
    }
  }
}

/**
 * A row's sum with eight float64 accumulators, one per k mod 8, combined as
 * ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) before the last n mod 8 elements are added
 * in order: the wasm kernel's SIMD lanes, in scalar (and faster than one accumulator here too).
 */
function rowSum(x: Storage, base: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  let k = base;
  const end = base + n;
  for (; k + 8 <= end; k += 8) {
    s0 += x[k]; s1 += x[k + 1]; s2 += x[k + 2]; s3 += x[k + 3];
    s4 += x[k + 4]; s5 += x[k + 5]; s6 += x[k + 6]; s7 += x[k + 7];
  }
  let s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  for (; k < end; k++) s += x[k];
  return s;
}

/** Rows of k summed in float32 per block of columns before the block sums go into float64. */
const SUM_BLOCK = 32;

function sum(x: Storage, outer: number, n: number, inner: number, out: Storage): void {
  if (!(out instanceof Float32Array)) return sequentialSum(x, outer, n, inner, out);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) out[o] = rowSum(x, o * n, n);
    return;
  }
  // Columns: blocks of SUM_BLOCK values of k summed in float32 (as wasm's float SIMD lanes
  // do), the block sums in float64; a float64 array there would cost more than it gains.
  const block = new Float32Array(inner);
  const total = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    total.fill(0);
    for (let k0 = 0; k0 < n; k0 += SUM_BLOCK) {
      const k1 = Math.min(n, k0 + SUM_BLOCK);
      block.fill(0);
      for (let k = k0; k < k1; k++) {
        const row = base + k * inner;
        for (let i = 0; i < inner; i++) block[i] += x[row + i];
      }
      for (let i = 0; i < inner; i++) total[i] += block[i];
    }
    out.set(total, o * inner);
  }
}

function sequentialSum(x: Storage, outer: number, n: number, inner: number, out: Storage): void {
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    const outBase = o * inner;
    for (let i = 0; i < inner; i++) out[outBase + i] = 0;
    for (let k = 0; k < n; k++) {
      const row = base + k * inner;
      for (let i = 0; i < inner; i++) out[outBase + i] += x[row + i];
    }
  }
}

export function argReduce(op: 'argmax' | 'argmin', x: Storage, outer: number, n: number, inner: number, out: Storage): void {
  const isMax = op === 'argmax';
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let i = 0; i < inner; i++) {
      let best = x[base + i];
      let bestK = 0;
      for (let k = 1; k < n; k++) {
        const v = x[base + k * inner + i];
        if (Number.isNaN(best)) break;
        if (Number.isNaN(v) || (isMax ? v > best : v < best)) {
          best = v;
          bestK = k;
        }
      }
      out[o * inner + i] = bestK;
    }
  }
}

export function softmax(x: Storage, rows: number, cols: number, out: Storage, log: boolean): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) if (x[base + c] > max) max = x[base + c];
    if (max === -Infinity) max = 0;
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(x[base + c] - max);
    if (log) {
      const lse = max + Math.log(sum);
      for (let c = 0; c < cols; c++) out[base + c] = x[base + c] - lse;
    } else {
      for (let c = 0; c < cols; c++) out[base + c] = Math.exp(x[base + c] - max) / sum;
    }
  }
}
