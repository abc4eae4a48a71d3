/**
 * The Generator's bulk draws (fillBernoulli, fillNormal, addNormal) give exactly the numbers of
 * the one-at-a-time calls and leave exactly the same state, on every backend: on js they are
 * loops here, on wasm and blas the kernels of src/backend/wasm/random.c (four-lane blocks for
 * long arrays, a port of the deterministic log and sin/cos for the normals).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backendInfo, listBackends, optimizerKernels, setBackend } from '../../src/backend/registry.js';
import { Generator } from '../../src/tensor/random.js';
import '../helpers/backends.js';

type FloatArray = Float32Array | Float64Array;
const LENGTHS = [0, 1, 2, 7, 4095, 4096, 4097, 8191, 8192, 8193, 20_001];

function sameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}: [${i}] is ${got[i]}, expected ${want[i]}`);
  }
}

/** Runs `draw` with a fresh Generator(seed) on `backend`; returns what it drew and the state after. */
function onBackend(backend: string, seed: number, draw: (g: Generator) => ArrayLike<number>): { out: number[]; state: number[] } {
  const previous = backendInfo().name;
  setBackend(backend);
  try {
    const g = new Generator(seed);
    return { out: Array.from(draw(g)), state: g.getState() };
  } finally {
    setBackend(previous);
  }
}

/** The backends with bulk kernels (wasm, blas where they load). */
const withKernels = listBackends().map((b) => b.name).filter((name) => {
  const previous = backendInfo().name;
  setBackend(name);
  const has = optimizerKernels().random !== undefined;
  setBackend(previous);
  return has;
});

const make = (dtype: 'float32' | 'float64', n: number): FloatArray => (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n));

describe('Generator bulk draws: the same numbers and state as the single calls', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    test(`fillBernoulli ${dtype} equals bernoulli() per element`, () => {
      for (const n of [0, 1, 7, 5000]) {
        for (const p of [0, 0.3, 1]) {
          const bulk = onBackend('js', 3, (g) => {
            const out = make(dtype, n);
            g.fillBernoulli(out, p, 2.5);
            return out;
          });
          const single = onBackend('js', 3, (g) => {
            const out = make(dtype, n);
            for (let i = 0; i < n; i++) out[i] = g.bernoulli(p) * 2.5;
            return out;
          });
          sameBits(bulk.out, single.out, `n=${n} p=${p}`);
          sameBits(bulk.state, single.state, `n=${n} p=${p} state`);
        }
      }
    });

    test(`fillNormal and addNormal ${dtype} equal normal() per element, the spare carried across calls`, () => {
      const sizes = [3, 1, 0, 4, 9000, 2, 1];
      const mixed = (bulk: boolean) => (g: Generator) => {
        const all: number[] = [];
        for (const n of sizes) {
          const out = make(dtype, n);
          const x = make(dtype, n).map((_, i) => Math.sin(i + 1));
          if (bulk) g.fillNormal(out, 0.5, 3);
          else for (let i = 0; i < n; i++) out[i] = g.normal(0.5, 3);
          all.push(...out, g.normal());
          if (bulk) g.addNormal(out, x, 0.01);
          else for (let i = 0; i < n; i++) out[i] = x[i] + 0.01 * g.normal();
          all.push(...out);
        }
        return all;
      };
      const single = onBackend('js', 11, mixed(false));
      for (const backend of ['js', ...withKernels]) {
        const bulk = onBackend(backend, 11, mixed(true));
        sameBits(bulk.out, single.out, `${backend}`);
        sameBits(bulk.state, single.state, `${backend} state`);
      }
    });
  }

  test('addNormal adds in place (x = out) as d[i] += scale * normal() does', () => {
    for (const backend of ['js', ...withKernels]) {
      const bulk = onBackend(backend, 5, (g) => {
        const d = Float32Array.from({ length: 10_001 }, (_, i) => i / 7);
        g.addNormal(d, d, 0.3);
        return d;
      });
      const single = onBackend('js', 5, (g) => {
        const d = Float32Array.from({ length: 10_001 }, (_, i) => i / 7);
        for (let i = 0; i < d.length; i++) d[i] += 0.3 * g.normal();
        return d;
      });
      sameBits(bulk.out, single.out, backend);
      sameBits(bulk.state, single.state, `${backend} state`);
    }
  });
});

describe('the backends\' bulk kernels equal the js loops bit for bit', { skip: withKernels.length === 0 ? 'no backend with bulk kernels here' : false }, () => {
  for (const dtype of ['float32', 'float64'] as const) {
    test(`fillBernoulli ${dtype}: lengths ${LENGTHS.join(', ')}; p 0, 0.3, 1 and odd ones`, () => {
      for (const n of LENGTHS) {
        for (const p of [0, 0.3, 1, 0.5, 1e-300, 1 - 2 ** -53, 2, -1, Number.NaN]) {
          const draw = (g: Generator) => {
            const out = make(dtype, n);
            g.fillBernoulli(out, p, 1.7);
            return out;
          };
          const want = onBackend('js', n + 1, draw);
          for (const backend of withKernels) {
            const got = onBackend(backend, n + 1, draw);
            sameBits(got.out, want.out, `${backend} n=${n} p=${p}`);
            sameBits(got.state, want.state, `${backend} n=${n} p=${p} state`);
          }
        }
      }
    });

    test(`fillNormal ${dtype}: lengths ${LENGTHS.join(', ')}, with and without a spare`, () => {
      for (const n of LENGTHS) {
        for (const spare of [false, true]) {
          const draw = (g: Generator) => {
            if (spare) g.normal();
            const out = make(dtype, n);
            g.fillNormal(out, -1, 0.25);
            return out;
          };
          const want = onBackend('js', 2 * n + 1, draw);
          for (const backend of withKernels) {
            const got = onBackend(backend, 2 * n + 1, draw);
            sameBits(got.out, want.out, `${backend} n=${n} spare=${spare}`);
            sameBits(got.state, want.state, `${backend} n=${n} spare=${spare} state`);
          }
        }
      }
    });
  }

  test('millions of samples: 2M Bernoulli draws and 1M normals', () => {
    const bern = (g: Generator) => {
      const out = new Float32Array(2_000_000);
      g.fillBernoulli(out, 0.37);
      return out;
    };
    const norm = (g: Generator) => {
      const out = new Float64Array(1_000_000);
      g.fillNormal(out);
      return out;
    };
    for (const [what, draw] of [['bernoulli', bern], ['normal', norm]] as const) {
      const want = onBackend('js', 2024, draw);
      for (const backend of withKernels) {
        const got = onBackend(backend, 2024, draw);
        sameBits(got.out, want.out, `${backend} ${what}`);
        sameBits(got.state, want.state, `${backend} ${what} state`);
      }
    }
  });

  test('a state just after reseed (unsigned words) reads the same after a fill that draws nothing', () => {
    for (const backend of withKernels) {
      const got = onBackend(backend, 2 ** 31 + 12345, (g) => {
        g.fillBernoulli(new Float32Array(0), 0.5);
        g.fillNormal(new Float64Array(0));
        return [];
      });
      const want = new Generator(2 ** 31 + 12345).getState();
      sameBits(got.state, want, backend);
    }
  });
});
