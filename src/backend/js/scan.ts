import type { Storage } from '../storage.js';

/**
 * The running sum of x viewed as [outer, n, inner] along the middle axis, accumulated in double
 * precision and rounded once per stored element (starting from -0, so a leading -0 stays -0).
 */
export function cumsum(x: Storage, outer: number, n: number, inner: number, out: Storage): void {
  if (inner > 1) return cumsumAcross(x, outer, n, inner, out);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let at = o * n * inner + i;
      let acc = -0; // -0 + v is v for every v, -0 included
      for (let k = 0; k < n; k++, at += inner) {
        acc += x[at];
        out[at] = acc;
      }
    }
  }
}

/** cumsum with inner > 1: a row of running sums advanced along n, so memory is read in order (same sums). */
function cumsumAcross(x: Storage, outer: number, n: number, inner: number, out: Storage): void {
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(-0);
    for (let k = 0, at = o * n * inner; k < n; k++) {
      for (let i = 0; i < inner; i++, at++) {
        acc[i] += x[at];
        out[at] = acc[i];
      }
    }
  }
}
