import type { Storage } from '../storage.js';

/**
 * The running sum of x viewed as [outer, n, inner] along the middle axis, accumulated in double
 * precision and rounded once per stored element (starting from -0, so a leading -0 stays -0).
 */
export function cumsum(x: Storage, outer: number, n: number, inner: number, out: Storage): void {
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
