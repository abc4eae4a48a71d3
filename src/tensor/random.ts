/**
 * Seeded random numbers. One generator type, {@link Generator}: xoshiro128** for the bits
 * (fast in 32-bit JavaScript arithmetic, good statistical quality) seeded through splitmix32,
 * and Box-Muller for normals. The same seed gives the same numbers on every run and platform
 * (and engine: the normals use descent's deterministic log and sin/cos, not Math's).
 *
 * The bulk fills ({@link Generator.fillBernoulli}, {@link Generator.fillNormal},
 * {@link Generator.addNormal}) give exactly the numbers of the one-at-a-time calls. On float32
 * and float64 arrays they run the active backend's `random` kernels where it has them (the
 * wasm and blas backends: random.c, the same arithmetic operation for operation), else a loop
 * here (Bernoulli masks with the state in locals, normals through {@link Generator.normal});
 * either way the same bits and the same state after.
 *
 * {@link Generator.addNormal32} and {@link Generator.fillNormal32} draw a different, cheaper
 * stream for float32 noise: Box-Muller in float32 arithmetic (src/tensor/normal32.ts defines it
 * exactly), about 6x faster than the float64 one on the wasm kernels (1.6-1.9 ns against 10-13
 * ns a normal); again the same bits from the kernel and the loop here.
 */
import { log } from '../backend/math/log.js';
import { cosTwoPi, sinTwoPi } from '../backend/math/trig.js';
import { optimizerKernels } from '../backend/registry.js';
import type { RandomKernels, RandomState } from '../backend/random-kernels.js';
import { normals32 } from './normal32.js';

/** An array the bulk fills write: a typed array or a plain array of numbers. */
type Writable = { length: number; [i: number]: number };

/** The state handed to the backend's kernels (one scratch object: the fills are synchronous). */
const kernelState: RandomState = { words: new Int32Array(4), spare: Number.NaN };

/** The active backend's bulk draws when `out` is a float array they can fill. */
function bulkKernels(out: Writable): RandomKernels | undefined {
  return out instanceof Float32Array || out instanceof Float64Array ? optimizerKernels().random : undefined;
}

export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  constructor(seed = 0) {
    this.reseed(seed);
  }

  /** Restarts the stream from `seed` (any finite number; non-integers are truncated). */
  reseed(seed: number): this {
    if (!Number.isFinite(seed)) throw new TypeError(`Generator: seed must be a finite number, got ${seed}`);
    let x = Math.trunc(seed) >>> 0;
    const hi = Math.floor(Math.trunc(seed) / 2 ** 32) >>> 0;
    const next = (): number => {
      // splitmix32
      x = (x + 0x9e3779b9) | 0;
      let z = x ^ hi;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() | 1;
    this.spareNormal = null;
    return this;
  }

  /** A uniformly random unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.random();
  }

  /** A standard normal sample (Box-Muller; the second value of each pair is kept for the next call). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    // descent's own log and sin/cos(2πv): Math.log/sin/cos round differently across engines,
    // and the same seed must give the same numbers in the browser as in Node.
    const r = Math.sqrt(-2 * log(u));
    this.spareNormal = r * sinTwoPi(v);
    return mean + std * r * cosTwoPi(v);
  }

  /** An integer uniform in [low, high). */
  randint(low: number, high: number): number {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
      throw new RangeError(`randint: expected integers low < high, got low=${low}, high=${high}`);
    }
    return low + Math.floor(this.random() * (high - low));
  }

  /** 1 with probability p, else 0. */
  bernoulli(p: number): number {
    return this.random() < p ? 1 : 0;
  }

  /**
   * Fills `out` with `value` where a draw falls below p, else 0: the numbers of `out.length`
   * calls to {@link bernoulli} (times `value`), and the same state after. Dropout draws a mask
   * per step over every activation: float arrays go to the backend's kernel (wasm: about 9x
   * faster than this loop), others through one loop with the state in locals.
   */
  fillBernoulli(out: Writable, p: number, value = 1): void {
    if (out.length === 0) return;
    const k = bulkKernels(out);
    if (k && this.withKernelState((st) => k.bernoulli(st, out as Float32Array | Float64Array, p, value))) return;
    let s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    for (let i = 0; i < out.length; i++) {
      // two xoshiro128** outputs make one 53-bit uniform, exactly as random() does
      const r1 = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      let t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
      const r2 = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
      const u = ((r1 >>> 5) * 67108864 + (r2 >>> 6)) / 9007199254740992;
      out[i] = u < p ? value : 0;
    }
    this.s0 = s0; this.s1 = s1; this.s2 = s2; this.s3 = s3;
  }

  /**
   * Fills `out` with normal samples: the numbers of `out.length` calls to
   * {@link normal}(mean, std), in order, and the same state after (the spare normal of a pair
   * included, so bulk and single draws mix freely). Float arrays go to the backend's kernel
   * (wasm: about 8x faster than single calls).
   */
  fillNormal(out: Writable, mean = 0, std = 1): void {
    this.normals(out, mean, std, null, 0);
  }

  /**
   * `out[i] = x[i] + scale * normal()` for each i in order (`x` may be `out`): noise added to an
   * array, with exactly the numbers of that loop over single {@link normal} calls.
   */
  addNormal(out: Writable, x: ArrayLike<number>, scale: number): void {
    if (x.length < out.length) throw new RangeError(`Generator.addNormal: x has ${x.length} elements, out ${out.length}`);
    this.normals(out, 0, 1, x, scale);
  }

  /**
   * `out[i] = x[i] + scale · z_i` in float32 arithmetic (`x` may be `out`), z_i the generator's
   * **float32 normal stream**, not {@link normal}'s numbers: each pair (z_2j, z_2j+1) is
   * Box-Muller on the next two xoshiro128** outputs with float32 log and sin/cos, exactly as
   * src/tensor/normal32.ts defines it, so every backend gives the same bits. n elements take
   * 2⌈n/2⌉ outputs (an odd n drops the last pair's second normal); the spare of {@link normal}
   * is left as it was. Gradient noise draws this way (1.6-1.9 ns per normal on the wasm kernels,
   * against 10-13 for {@link addNormal}).
   */
  addNormal32(out: Float32Array, x: Float32Array, scale: number): void {
    if (x.length < out.length) throw new RangeError(`Generator.addNormal32: x has ${x.length} elements, out ${out.length}`);
    this.normals32(out, 0, x, scale);
  }

  /** `out[i] = mean + std · z_i` in float32 over the float32 normal stream of {@link addNormal32} (the same outputs drawn). */
  fillNormal32(out: Float32Array, mean = 0, std = 1): void {
    this.normals32(out, mean, null, std);
  }

  /** The float32 fills: the backend's kernel, else normal32.ts's loop (the reference). */
  private normals32(out: Float32Array, mean: number, x: Float32Array | null, scale: number): void {
    if (out.length === 0) return;
    const k = bulkKernels(out);
    if (k?.normal32 && this.withKernelState((st) => k.normal32!(st, out, mean, x, scale))) return;
    normals32(this, out, mean, x, scale);
  }

  /** The normal fills: the backend's kernel, else a loop of {@link normal} calls (the reference). */
  private normals(out: Writable, mean: number, std: number, x: ArrayLike<number> | null, scale: number): void {
    if (out.length === 0) return;
    const k = bulkKernels(out);
    const xs = x === null || x instanceof Float32Array || x instanceof Float64Array ? x : undefined;
    if (k && xs !== undefined && this.withKernelState((st) => k.normal(st, out as Float32Array | Float64Array, mean, std, xs, scale))) return;
    if (x === null) for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    else for (let i = 0; i < out.length; i++) out[i] = x[i] + scale * this.normal();
  }

  /**
   * Hands the state to a backend kernel and takes back what it left; false (state untouched)
   * when the kernel declined. The words come back as int32, as the loops leave them; where no
   * word changed (no draw was made) the originals stay, which may be unsigned just after a
   * reseed, so that {@link getState} reads exactly as after the loop.
   */
  private withKernelState(kernel: (state: RandomState) => boolean): boolean {
    const st = kernelState;
    st.words[0] = this.s0; st.words[1] = this.s1; st.words[2] = this.s2; st.words[3] = this.s3;
    st.spare = this.spareNormal ?? Number.NaN;
    if (!kernel(st)) return false;
    const w = st.words;
    if (w[0] !== (this.s0 | 0) || w[1] !== (this.s1 | 0) || w[2] !== (this.s2 | 0) || w[3] !== (this.s3 | 0)) {
      this.s0 = w[0]; this.s1 = w[1]; this.s2 = w[2]; this.s3 = w[3];
    }
    this.spareNormal = Number.isNaN(st.spare) ? null : st.spare;
    return true;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  /** The generator's full state, to save in a checkpoint and restore with {@link setState}. */
  getState(): number[] {
    return [this.s0, this.s1, this.s2, this.s3, this.spareNormal ?? Number.NaN];
  }

  setState(state: readonly number[]): void {
    if (state.length !== 5) throw new TypeError(`Generator.setState: expected 5 numbers, got ${state.length}`);
    [this.s0, this.s1, this.s2, this.s3] = state.map((v) => v | 0);
    this.spareNormal = Number.isNaN(state[4]) ? null : state[4];
  }

  /** A new independent generator seeded from this one's stream. */
  fork(): Generator {
    return new Generator(this.nextUint32() * 65536 + (this.nextUint32() >>> 16));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

let globalGenerator = new Generator(0);

/** Seeds the global generator used when an op is not given one. */
export function manualSeed(seed: number): Generator {
  globalGenerator = new Generator(seed);
  return globalGenerator;
}

/** The generator that random ops use when none is passed (reset by {@link manualSeed}). */
export function defaultGenerator(): Generator {
  return globalGenerator;
}
