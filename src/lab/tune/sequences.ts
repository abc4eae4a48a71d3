/**
 * Low-discrepancy sequences for quasi-random search (AlgoPerf samples its tuning budget this
 * way): points in [0, 1)^d that cover the box more evenly than independent uniform draws, so a
 * small budget of trials still spans every hyperparameter's range.
 *
 * - Halton: coordinate j is the radical inverse of the index in the j-th prime base. Scrambled
 *   by a seeded random permutation of the digits 1..b-1 per base (0 stays 0, so the finite
 *   expansion stays finite), which breaks the correlation between high bases.
 * - Sobol: base-2 digital net with Joe and Kuo's direction numbers (new-joe-kuo-6.21201), in
 *   Gray-code order, as SciPy generates it. Scrambled by a seeded digital shift (an
 *   XOR of each coordinate with a random 32-bit word).
 *
 * Both are exact for the unscrambled case: tests compare them with published values.
 */
import { LabError } from '../util.js';

/** A small seeded generator (mulberry32): 32-bit state, uniform words; enough for scrambling. */
export function seededWords(seed: number): () => number {
  let a = (seed >>> 0) ^ 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** The first `n` primes (the Halton bases). */
export function firstPrimes(n: number): number[] {
  const primes: number[] = [];
  for (let k = 2; primes.length < n; k++) if (primes.every((p) => k % p !== 0)) primes.push(k);
  return primes;
}

/** The radical inverse of `index` in `base`, its digits mapped through `perm` (identity when absent). */
export function radicalInverse(index: number, base: number, perm?: readonly number[]): number {
  let x = 0;
  let scale = 1 / base;
  for (let i = index; i > 0; i = Math.floor(i / base)) {
    const digit = i % base;
    x += (perm ? perm[digit] : digit) * scale;
    scale /= base;
  }
  return x;
}

/** A random permutation of 0..b-1 that keeps 0 in place (Fisher-Yates on 1..b-1). */
function digitPermutation(base: number, next: () => number): number[] {
  const perm = Array.from({ length: base }, (_, i) => i);
  for (let i = base - 1; i > 1; i--) {
    const j = 1 + (next() % i);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  return perm;
}

/**
 * `n` Halton points in [0, 1)^dims, indices 1..n (index 0 is the origin in every base).
 * `seed` null: the plain sequence; a number: digit-permutation scrambled with that seed.
 */
export function halton(n: number, dims: number, seed: number | null = null): number[][] {
  const bases = firstPrimes(dims);
  const next = seed === null ? null : seededWords(seed);
  const perms = next ? bases.map((b) => digitPermutation(b, next)) : null;
  return Array.from({ length: n }, (_, k) => bases.map((b, j) => radicalInverse(k + 1, b, perms?.[j])));
}

/** Joe-Kuo direction numbers for dimensions 2..16: [degree s, coefficients a, initial m_1..m_s]. */
const JOE_KUO: readonly [number, number, readonly number[]][] = [
  [1, 0, [1]],
  [2, 1, [1, 3]],
  [3, 1, [1, 3, 1]],
  [3, 2, [1, 1, 1]],
  [4, 1, [1, 1, 3, 3]],
  [4, 4, [1, 3, 5, 13]],
  [5, 2, [1, 1, 5, 5, 17]],
  [5, 4, [1, 1, 5, 5, 5]],
  [5, 7, [1, 1, 7, 11, 19]],
  [5, 11, [1, 1, 5, 1, 1]],
  [5, 13, [1, 1, 1, 3, 11]],
  [5, 14, [1, 3, 5, 5, 31]],
  [6, 1, [1, 3, 3, 9, 7, 49]],
  [6, 13, [1, 1, 1, 15, 21, 21]],
  [6, 16, [1, 3, 1, 13, 27, 49]],
];

/** The most dimensions {@link sobol} supports (the direction numbers tabled here). */
export const SOBOL_MAX_DIMS = JOE_KUO.length + 1;

const BITS = 32;

/** The 32 direction words v_1..v_32 of one Sobol dimension (0-based `dim`). */
function directions(dim: number): number[] {
  const v = new Array<number>(BITS);
  if (dim === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const [s, a, m] = JOE_KUO[dim - 1];
  for (let k = 0; k < s; k++) v[k] = m[k] * 2 ** (BITS - 1 - k);
  for (let k = s; k < BITS; k++) {
    let w = (v[k - s] ^ (v[k - s] >>> s)) >>> 0;
    for (let j = 1; j < s; j++) if ((a >>> (s - 1 - j)) & 1) w = (w ^ v[k - j]) >>> 0;
    v[k] = w;
  }
  return v;
}

/**
 * The first `n` Sobol points in [0, 1)^dims (the first is the origin unless scrambled).
 * `seed` null: the plain sequence; a number: a seeded digital shift of every coordinate.
 */
export function sobol(n: number, dims: number, seed: number | null = null): number[][] {
  if (dims < 1 || dims > SOBOL_MAX_DIMS) throw new LabError(`sobol: dimensions must be from 1 to ${SOBOL_MAX_DIMS}, got ${dims} (use the halton sequence for more)`);
  if (n > 2 ** BITS) throw new LabError(`sobol: at most 2^${BITS} points, asked for ${n}`);
  const dirs = Array.from({ length: dims }, (_, d) => directions(d));
  const next = seed === null ? null : seededWords(seed);
  const shift = Array.from({ length: dims }, () => (next ? next() : 0));
  const x = new Array<number>(dims).fill(0);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    out.push(x.map((w, d) => ((w ^ shift[d]) >>> 0) / 2 ** BITS));
    // Gray-code order: the next point flips the direction of the lowest zero bit of i.
    let c = 0;
    while ((i >>> c) & 1) c++;
    for (let d = 0; d < dims; d++) x[d] = (x[d] ^ dirs[d][c]) >>> 0;
  }
  return out;
}
