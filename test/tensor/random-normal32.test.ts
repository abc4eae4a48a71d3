/**
 * The Generator's float32 normal stream (addNormal32, fillNormal32; src/tensor/normal32.ts):
 * the backends' kernels (src/backend/wasm/normal32.c) give the bits and state of the js loop;
 * the values are float32 Box-Muller of the raw xoshiro128** outputs, checked against Math in
 * float64; and a million samples look standard normal.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backendInfo, listBackends, optimizerKernels, setBackend } from '../../src/backend/registry.js';
import { Generator } from '../../src/tensor/random.js';
import { radius32, sincos32 } from '../../src/tensor/normal32.js';
import { erf } from '../../src/backend/js/special.js';
import '../helpers/backends.js';

const LENGTHS = [0, 1, 2, 3, 7, 8, 9, 1000, 8191, 8192, 8193, 16383, 16384, 16385, 24577, 100_003];
const SEEDS = [1, 2 ** 31 + 12345, 987654321];
const ULP = 2 ** -23;

function sameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}: [${i}] is ${got[i]}, expected ${want[i]}`);
  }
}

function onBackend<T>(backend: string, run: () => T): T {
  const previous = backendInfo().name;
  setBackend(backend);
  try {
    return run();
  } finally {
    setBackend(previous);
  }
}

/** The backends whose random kernels have the float32 normals. */
const withKernel = listBackends().map((b) => b.name).filter((name) => onBackend(name, () => optimizerKernels().random?.normal32 !== undefined));

/** addNormal32 (in place or not) or fillNormal32 on `backend` from a fresh Generator(seed): the output and the state after. */
function draw(backend: string, seed: number, n: number, how: 'add' | 'in-place' | 'fill', scale: number): { out: Float32Array; state: number[] } {
  return onBackend(backend, () => {
    const g = new Generator(seed);
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i + 0.5) * 3);
    let out: Float32Array;
    if (how === 'fill') g.fillNormal32((out = new Float32Array(n)), 0.25, scale);
    else if (how === 'in-place') g.addNormal32((out = x), x, scale);
    else g.addNormal32((out = new Float32Array(n)), x, scale);
    return { out, state: g.getState() };
  });
}

describe('float32 normals: the kernels equal the js loop bit for bit', { skip: withKernel.length === 0 ? 'no backend with the float32 normal kernel here' : false }, () => {
  for (const how of ['add', 'in-place', 'fill'] as const) {
    test(`${how}: lengths ${LENGTHS.join(', ')}, seeds ${SEEDS.join(', ')}`, () => {
      for (const n of LENGTHS) {
        for (const [k, seed] of SEEDS.entries()) {
          const scale = [0.37, 1e-3, 2][k];
          const want = draw('js', seed, n, how, scale);
          for (const backend of withKernel) {
            const got = draw(backend, seed, n, how, scale);
            sameBits(got.out, want.out, `${backend} ${how} n=${n} seed=${seed}`);
            sameBits(got.state, want.state, `${backend} ${how} n=${n} seed=${seed} state`);
          }
        }
      }
    });
  }

  test('calls in a row continue the one stream, mixed with other draws', () => {
    const run = () => {
      const g = new Generator(77);
      const all: number[] = [];
      for (const n of [5, 0, 20_001, 1, 4]) {
        const out = new Float32Array(n);
        g.fillNormal32(out);
        all.push(...out, g.normal(), g.nextUint32());
      }
      return { all, state: g.getState() };
    };
    const want = onBackend('js', run);
    for (const backend of withKernel) {
      const got = onBackend(backend, run);
      sameBits(got.all, want.all, backend);
      sameBits(got.state, want.state, `${backend} state`);
    }
  });
});

describe('float32 normals: the stream as documented', () => {
  test('n elements take 2 ceil(n / 2) outputs, on every backend, and leave the spare normal alone', () => {
    for (const backend of ['js', ...withKernel]) {
      for (const n of [0, 1, 2, 9, 8193]) {
        onBackend(backend, () => {
          const g = new Generator(5), ref = new Generator(5);
          g.normal(); // keeps a spare
          ref.normal();
          g.fillNormal32(new Float32Array(n));
          for (let i = 0; i < 2 * Math.ceil(n / 2); i++) ref.nextUint32();
          assert.deepEqual(g.getState(), ref.getState(), `${backend} n=${n}`);
        });
      }
    }
  });

  test('values: Box-Muller of the raw outputs, against Math.log and Math.cos/sin in float64 to 4 ulps of r', () => {
    for (const backend of ['js', ...withKernel]) {
      const n = 200_001;
      const out = onBackend(backend, () => {
        const o = new Float32Array(n);
        new Generator(31).fillNormal32(o);
        return o;
      });
      const words = new Generator(31);
      let worst = 0;
      for (let i = 0; i < n; i += 2) {
        const u = ((words.nextUint32() >>> 8) + 1) / 2 ** 24;
        const v = (words.nextUint32() >>> 8) / 2 ** 24;
        const r = Math.sqrt(-2 * Math.log(u));
        const pair = [r * Math.cos(2 * Math.PI * v), r * Math.sin(2 * Math.PI * v)];
        for (let k = 0; k < 2 && i + k < n; k++) {
          const err = Math.abs(out[i + k] - pair[k]) / (Math.max(r, 2 ** -12) * ULP);
          worst = Math.max(worst, err);
          if (err > 4) assert.fail(`${backend}: [${i + k}] is ${out[i + k]}, Box-Muller gives ${pair[k]} (r ${r})`);
        }
      }
      assert.ok(worst > 0, 'the float32 values differ from the float64 ones somewhere');
    }
  });

  test('the log and sin/cos: within a few float32 ulps over their whole ranges', () => {
    let worstR = 0, worstT = 0;
    // radius32(a) for N = (a >>> 8) + 1 = 1, 2, ... 2^24 (every 61st, and the ends)
    for (let N = 1; N <= 2 ** 24; N = N < 4096 ? N + 1 : N + 61) {
      const r = radius32((N - 1) * 256);
      const want = Math.sqrt(-2 * Math.log(N / 2 ** 24));
      worstR = Math.max(worstR, Math.abs(r - want) / (Math.max(want, 2 ** -12) * ULP));
    }
    assert.equal(radius32(0xffffffff), 0, 'u = 1 gives r = 0');
    near(radius32(0), Math.sqrt(48 * Math.LN2), 4 * ULP * 6, 'u = 2^-24');
    const cs: [number, number] = [0, 0];
    for (let V = 0; V < 2 ** 24; V += V < 4096 || V > 2 ** 24 - 4096 ? 1 : 97) {
      sincos32(V * 256 + 255, cs);
      const a = (2 * Math.PI * V) / 2 ** 24;
      worstT = Math.max(worstT, Math.abs(cs[0] - Math.cos(a)) / ULP, Math.abs(cs[1] - Math.sin(a)) / ULP);
    }
    for (const [V, c, s] of [[0, 1, 0], [2 ** 22, 0, 1], [2 ** 23, -1, 0], [3 * 2 ** 22, 0, -1]]) {
      sincos32(V * 256, cs);
      assert.deepEqual([cs[0], cs[1]].map((x) => x + 0), [c, s], `quarter turn V=${V}`);
    }
    assert.ok(worstR <= 2, `log: worst ${worstR} ulps of r`);
    assert.ok(worstT <= 2, `sin/cos: worst ${worstT} ulps`);
  });

  test('a million samples: mean 0, variance 1, Kolmogorov-Smirnov distance and 3-sigma tails', () => {
    const n = 1_000_000;
    const z = new Float32Array(n);
    new Generator(2024).fillNormal32(z);
    let s = 0, q = 0, tails = 0;
    for (let i = 0; i < n; i++) {
      s += z[i];
      q += z[i] * z[i];
      if (Math.abs(z[i]) > 3) tails++;
    }
    const mean = s / n, variance = q / n - mean * mean;
    assert.ok(Math.abs(mean) < 0.005, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.005, `variance ${variance}`);
    const expectedTails = 2 * (1 - normalCdf(3)); // 0.0027
    assert.ok(Math.abs(tails / n - expectedTails) < 0.1 * expectedTails, `beyond 3 sigma: ${tails / n}, expected ${expectedTails}`);
    const sorted = z.slice().sort();
    let ks = 0;
    for (let i = 0; i < n; i++) {
      const F = normalCdf(sorted[i]);
      ks = Math.max(ks, Math.abs(F - i / n), Math.abs((i + 1) / n - F));
    }
    assert.ok(ks < 0.002, `Kolmogorov-Smirnov distance ${ks}`);
  });
});

function near(got: number, want: number, tol: number, what: string): void {
  assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, expected ${want} +- ${tol}`);
}

/** The standard normal CDF. */
const normalCdf = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2));
