import type { Storage } from '../storage.js';

/** Ascending order with NaN after every number (as in PyTorch); ties keep their input order. */
function ascending(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The stable sort order of every line of x [outer, n, inner] along n (see Kernels.sortOrder). */
export function sortOrder(x: Storage, outer: number, n: number, inner: number, descending: boolean, order: Int32Array): void {
  const slice = new Float64Array(n);
  const sign = descending ? -1 : 1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let j = 0; j < n; j++) slice[j] = x[base + j * inner];
      // Ties are broken by position, so the order is stable whichever way it sorts; descending
      // reverses the comparison, not the result (NaN stays largest: first when descending).
      // Without NaN a plain difference compares; an Int32Array sorts several times faster than
      // an Array of the same positions.
      const line = order.subarray((o * inner + i) * n, (o * inner + i + 1) * n);
      for (let j = 0; j < n; j++) line[j] = j;
      if (slice.some(Number.isNaN)) line.sort((a, b) => sign * ascending(slice[a], slice[b]) || a - b);
      else line.sort((a, b) => sign * (slice[a] - slice[b]) || a - b);
    }
  }
}
