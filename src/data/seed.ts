/** Seeds for the data area: every random choice takes a number seed or a {@link Generator}. */
import { defaultGenerator, Generator } from '../tensor/random.js';

/** A seed (number) or a generator to draw from. */
export type SeedLike = number | Generator;

/** A generator for `seed`: a number makes a fresh one; a generator is used as is; none uses the global one. */
export function toGenerator(seed?: SeedLike, op = 'data'): Generator {
  if (seed === undefined) return defaultGenerator();
  if (seed instanceof Generator) return seed;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new TypeError(`${op}: seed must be a finite number or a Generator, got ${String(seed)}`);
  return new Generator(seed);
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A seed derived from `seed` and integer keys (an epoch, a stream number): the same inputs
 * always give the same seed, and different keys give unrelated streams. The result is an
 * integer below 2^53, usable as a {@link Generator} seed.
 */
export function deriveSeed(seed: number, ...keys: number[]): number {
  if (!Number.isFinite(seed)) throw new TypeError(`deriveSeed: seed must be a finite number, got ${seed}`);
  const s = Math.trunc(seed);
  let lo = mix32((s >>> 0) ^ 0x9e3779b9);
  let hi = mix32((Math.floor(s / 2 ** 32) >>> 0) ^ 0x85ebca6b ^ lo);
  for (const k of keys) {
    const kl = Math.trunc(k) >>> 0;
    const kh = Math.floor(Math.trunc(k) / 2 ** 32) >>> 0;
    lo = mix32(lo ^ mix32(kl + 0x632be5ab) ^ (hi << 7));
    hi = mix32(hi ^ mix32(kh + 0x1b873593) ^ lo);
  }
  return (hi & 0x1fffff) * 2 ** 32 + lo;
}
