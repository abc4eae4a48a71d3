/**
 * The float32 normal stream of {@link Generator.addNormal32} and {@link Generator.fillNormal32}:
 * Box-Muller in float32 arithmetic, one pair of normals from each two xoshiro128** outputs
 * (a, b), defined exactly so that a backend kernel (src/backend/wasm/normal32.c, four pairs per
 * lane step) and this loop give the same bits:
 *
 * ```
 * N = (a >>> 8) + 1, V = b >>> 8              24 bits each: u = N·2⁻²⁴ in (0, 1], v = V·2⁻²⁴ in [0, 1)
 * r = sqrt(2·(−log u))                      N = 2^e·m, m in [√2/2, √2): −log u = (e − 24)(−ln 2) + (−log m),
 *                                            −log m = s(f − R) − f, f = m − 1, s = f/(2 + f), z = s²,
 *                                            R = z(2/3 + z(2/5 + z(2/7 + z·2/9)))
 * q = (V + 2²¹) >>> 22, t = (V − q·2²²)·2⁻²⁴   2πv = 2πt + q·π/2, |t| ≤ 1/8
 * S = sin 2πt, C = cos 2πt                   their Taylor series in t to t⁹ and t⁸
 * (z0, z1) = r·(cos 2πv, sin 2πv)            from (C, S) by q's quarter turns (swaps, sign flips)
 * ```
 * every operation rounded to float32 (here: `Math.fround` after each one; the double result of
 * + − × ÷ and √ of float32 values, rounded once, is float32's own result), no fused
 * multiply-add. Element 2j gets `base + scale·z0` of pair j and element 2j + 1 `base + scale·z1`
 * (float32 operations too, scale rounded to float32 first); an odd count drops the last pair's
 * z1, so n elements take 2⌈n/2⌉ outputs. The log and sin/cos are accurate to a few float32
 * ulps; |z| is at most √(48 ln 2) ≈ 5.77 (u ≥ 2⁻²⁴), so tails beyond 5.77σ (probability 8e-9)
 * never come.
 */

const f32 = Math.fround;

/** The polynomials' float32 coefficients, written exactly (integer × power of two). */
const L1 = 0xaaaaab * 2 ** -24; // 2/3
const L2 = 0xcccccd * 2 ** -25; // 2/5
const L3 = 0x924925 * 2 ** -25; // 2/7
const L4 = 0xe38e39 * 2 ** -26; // 2/9
/** ln 2 = LN2_HI + LN2_LO; LN2_HI has 16 significant bits, so k·LN2_HI is exact for |k| ≤ 24. */
const LN2_HI = 0xb17180 * 2 ** -24;
const LN2_LO = 0x97f7d2 * 2 ** -40;
const SQRT2 = 0xb504f3 * 2 ** -23;
/** (2π)^k / k! with alternating signs: sin 2πt and cos 2πt as series in t. */
const S1 = 0xc90fdb * 2 ** -21;
const S3 = -0xa55de7 * 2 ** -18;
const S5 = 0xa335e3 * 2 ** -17;
const S7 = -0x996966 * 2 ** -17;
const S9 = 0xa83c1a * 2 ** -18;
const C2 = -0x9de9e6 * 2 ** -19;
const C4 = 0x81e0f8 * 2 ** -17;
const C6 = -0xaae9e4 * 2 ** -17;
const C8 = 0xf0fa83 * 2 ** -18;

/** r = sqrt(-2 log u) for u = ((a >>> 8) + 1)·2⁻²⁴, in float32. */
export function radius32(a: number): number {
  const N = (a >>> 8) + 1;
  let e = 31 - Math.clz32(N);
  let m = N / 2 ** e; // in [1, 2), exact
  if (m >= SQRT2) {
    m *= 0.5;
    e++;
  }
  const dk = e - 24;
  const f = m - 1; // exact
  const s = f32(f / f32(2 + f));
  const z = f32(s * s);
  let R = f32(L3 + f32(z * L4));
  R = f32(L2 + f32(z * R));
  R = f32(L1 + f32(z * R));
  R = f32(z * R);
  // -log m and -log u (rather than their negations: u = 1 then gives r = +0, not -0)
  const nlogm = f32(f32(s * f32(f - R)) - f);
  const nlg = f32(f32(dk * -LN2_HI) + f32(nlogm + f32(dk * -LN2_LO)));
  return f32(Math.sqrt(f32(2 * nlg)));
}

/** [cos 2πv, sin 2πv] for v = (b >>> 8)·2⁻²⁴, in float32, written into `cs`. */
export function sincos32(b: number, cs: [number, number]): void {
  const V = b >>> 8;
  const q = (V + (1 << 21)) >>> 22;
  const t = (V - q * (1 << 22)) * 2 ** -24; // exact
  const z = f32(t * t);
  let ps = f32(S7 + f32(z * S9));
  ps = f32(S5 + f32(z * ps));
  ps = f32(S3 + f32(z * ps));
  ps = f32(S1 + f32(z * ps));
  const sn = f32(t * ps);
  let pc = f32(C6 + f32(z * C8));
  pc = f32(C4 + f32(z * pc));
  pc = f32(C2 + f32(z * pc));
  const c = f32(1 + f32(z * pc));
  const swap = (q & 1) === 1;
  const sinv = swap ? c : sn, cosv = swap ? sn : c;
  cs[0] = ((q + 1) & 2) !== 0 ? -cosv : cosv;
  cs[1] = (q & 2) !== 0 ? -sinv : sinv;
}

/** A source of xoshiro128** outputs (the Generator's). */
export interface Words {
  nextUint32(): number;
}

const pairScratch: [number, number] = [0, 0];

/**
 * The reference loop: `out[i] = (x ? x[i] : mean) + scale·z_i` over the stream above, in float32,
 * drawing 2⌈n/2⌉ outputs from `words` (x may be out).
 */
export function normals32(words: Words, out: Float32Array, mean: number, x: Float32Array | null, scale: number): void {
  const n = out.length;
  const sc = f32(scale), mn = f32(mean);
  const cs = pairScratch;
  for (let i = 0; i < n; i += 2) {
    const r = radius32(words.nextUint32());
    sincos32(words.nextUint32(), cs);
    out[i] = f32((x ? x[i] : mn) + f32(sc * f32(r * cs[0])));
    if (i + 1 < n) out[i + 1] = f32((x ? x[i + 1] : mn) + f32(sc * f32(r * cs[1])));
  }
}
