import type { Storage } from '../storage.js';
import type { ReduceOp } from '../kernels.js';

export function reduce(op: ReduceOp, x: Storage, outer: number, n: number, inner: number, out: Storage): void {
  if (inner === 1 && op === 'sum') {
    // Row sums: accumulate in a local, rounded as a store into `out` would round it.
    const f32 = out instanceof Float32Array;
    for (let o = 0; o < outer; o++) {
      const base = o * n;
      let s = 0;
      if (f32) for (let k = 0; k < n; k++) s = Math.fround(s + x[base + k]);
      else for (let k = 0; k < n; k++) s += x[base + k];
      out[o] = s;
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    const outBase = o * inner;
    if (op === 'sum') {
      for (let i = 0; i < inner; i++) out[outBase + i] = 0;
      for (let k = 0; k < n; k++) {
        const row = base + k * inner;
        for (let i = 0; i < inner; i++) out[outBase + i] += x[row + i];
      }
    } else {
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
