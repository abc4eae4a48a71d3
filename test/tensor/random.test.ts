/** Seeded random numbers: reproducibility, independence of seeds, statistics, saved state. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, manualSeed, defaultGenerator } from '../../src/tensor/random.js';
import { bernoulli, normal, permutation, rand, randint, randn, tensor, uniform } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const N = 100_000;

function moments(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let q = 0;
  for (let i = 0; i < xs.length; i++) q += (xs[i] - mean) ** 2;
  return { mean, variance: q / (xs.length - 1) };
}

const near = (got: number, want: number, tol: number, what: string): void =>
  assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, expected ${want} +- ${tol}`);

/** Every way of drawing, by Generator method and by tensor function, as a list of numbers. */
const draws: Record<string, (g: Generator) => number[]> = {
  'Generator.nextUint32': (g) => Array.from({ length: 8 }, () => g.nextUint32()),
  'Generator.random': (g) => Array.from({ length: 8 }, () => g.random()),
  'Generator.uniform': (g) => Array.from({ length: 8 }, () => g.uniform(-2, 3)),
  'Generator.normal': (g) => Array.from({ length: 8 }, () => g.normal(1, 2)),
  'Generator.bernoulli': (g) => Array.from({ length: 32 }, () => g.bernoulli(0.5)),
  'Generator.randint': (g) => Array.from({ length: 16 }, () => g.randint(0, 1000)),
  'Generator.permutation': (g) => Array.from(g.permutation(20)),
  rand: (g) => [...rand([8], { generator: g, dtype: 'float64' }).data],
  randn: (g) => [...randn([8], { generator: g, dtype: 'float64' }).data],
  uniform: (g) => [...uniform([8], -1, 4, { generator: g, dtype: 'float64' }).data],
  normal: (g) => [...normal([8], 3, 0.5, { generator: g, dtype: 'float64' }).data],
  bernoulli: (g) => [...bernoulli(0.3, [32], { generator: g }).data],
  'bernoulli (tensor p)': (g) => [...bernoulli(tensor([0.1, 0.5, 0.9, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), undefined, { generator: g }).data],
  randint: (g) => [...randint(-50, 50, [16], { generator: g }).data],
  permutation: (g) => [...permutation(20, { generator: g }).data],
};

describe('reproducibility', () => {
  for (const [name, f] of Object.entries(draws)) {
    test(`${name}: the same seed gives the same numbers; different seeds differ`, () => {
      const a = f(new Generator(42));
      const b = f(new Generator(42));
      assert.deepEqual(a, b);
      const c = f(new Generator(43));
      assert.notDeepEqual(a, c);
      // the stream moves on: a second draw from one generator differs from the first
      const g = new Generator(42);
      f(g);
      assert.notDeepEqual(f(g), a);
    });
  }

  test('the global generator: manualSeed makes the tensor functions reproducible', () => {
    manualSeed(7);
    const a = [rand([4]), randn([4]), bernoulli(0.5, [8]), randint(0, 9, [4]), permutation(6), normal([3], 1, 2), uniform([3], 2, 5)];
    manualSeed(7);
    const b = [rand([4]), randn([4]), bernoulli(0.5, [8]), randint(0, 9, [4]), permutation(6), normal([3], 1, 2), uniform([3], 2, 5)];
    a.forEach((t, i) => assert.deepEqual([...t.data], [...b[i].data], `draw ${i}`));
    manualSeed(8);
    assert.notDeepEqual([...rand([4]).data], [...a[0].data]);
    assert.equal(manualSeed(3), defaultGenerator());
  });

  test('a seed gives the same numbers as a generator built from it, and reseed restarts it', () => {
    const g = new Generator(123);
    const first = draws['Generator.random'](g);
    g.reseed(123);
    assert.deepEqual(draws['Generator.random'](g), first);
    // seeds beyond 32 bits and negative seeds are distinct streams too
    const big = draws['Generator.random'](new Generator(2 ** 40 + 123));
    const neg = draws['Generator.random'](new Generator(-123));
    assert.notDeepEqual(big, first);
    assert.notDeepEqual(neg, first);
  });

  test('xoshiro128** from a known state gives the reference outputs', () => {
    // Outputs of the reference algorithm (Blackman and Vigna) from state {1, 2, 3, 4}.
    const g = new Generator(0);
    g.setState([1, 2, 3, 4, Number.NaN]);
    assert.deepEqual(Array.from({ length: 6 }, () => g.nextUint32()), [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  test('float32 uniform samples never round up to the upper bound', () => {
    // a generator whose first draw rounds to 1.0 in float32 (1 - 2^-30), then 0.25
    class Scripted extends Generator {
      private queue = [1 - 2 ** -30, 0.25];
      override random(): number {
        return this.queue.shift() ?? 0.5;
      }
    }
    assert.equal(Math.fround(1 - 2 ** -30), 1);
    const r = rand([1], { generator: new Scripted() });
    assert.equal(r.dtype, 'float32');
    assert.equal(r.data[0], 0.25);
    // float64 keeps the draw as it is
    assert.equal(rand([1], { generator: new Scripted(), dtype: 'float64' }).data[0], 1 - 2 ** -30);
    // and the bound holds over many draws from the real generator
    const big = uniform([N], 0, 1, { generator: new Generator(21) });
    assert.ok(big.data.every((v) => v >= 0 && v < 1));
  });

  test('tensor functions draw in float32 by default and float64 on request', () => {
    assert.equal(rand([2]).dtype, 'float32');
    assert.equal(randn([2], { dtype: 'float64' }).dtype, 'float64');
    const t = randn([2, 3], { requiresGrad: true });
    assert.deepEqual([...t.shape], [2, 3]);
    assert.equal(t.requiresGrad, true);
  });
});

describe('statistics (n = 1e5, fixed seeds)', () => {
  test('uniform: mean, variance and range', () => {
    const t = uniform([N], -2, 4, { generator: new Generator(1), dtype: 'float64' });
    const { mean, variance } = moments(t.data);
    near(mean, 1, 0.03, 'mean'); // sd of the mean: 6/sqrt(12 N) = 0.0055
    near(variance, 3, 0.05, 'variance'); // 36/12
    assert.ok(t.data.every((v) => v >= -2 && v < 4));
    const r = rand([N], { generator: new Generator(2), dtype: 'float64' });
    near(moments(r.data).mean, 0.5, 0.005, 'rand mean');
    // deciles are evenly filled
    const bins = new Array<number>(10).fill(0);
    for (const v of r.data) bins[Math.floor(v * 10)]++;
    for (const b of bins) near(b / N, 0.1, 0.005, 'decile share');
  });

  test('normal: mean, variance, and the share within one standard deviation', () => {
    const t = normal([N], 2, 3, { generator: new Generator(3), dtype: 'float64' });
    const { mean, variance } = moments(t.data);
    near(mean, 2, 0.05, 'mean'); // sd of the mean: 3/sqrt(N) = 0.0095
    near(variance, 9, 0.2, 'variance'); // sd of the variance: 9 sqrt(2/N) = 0.04
    let inside = 0;
    for (const v of t.data) if (Math.abs(v - 2) < 3) inside++;
    near(inside / N, 0.6827, 0.006, 'share within 1 sd');
    const z = randn([N], { generator: new Generator(4), dtype: 'float64' });
    const m = moments(z.data);
    near(m.mean, 0, 0.015, 'randn mean');
    near(m.variance, 1, 0.02, 'randn variance');
    let fourth = 0;
    for (const v of z.data) fourth += v ** 4;
    near(fourth / N, 3, 0.1, 'randn kurtosis'); // E z^4 = 3
  });

  test('bernoulli: mean p, values 0 or 1; per-element probabilities', () => {
    const t = bernoulli(0.3, [N], { generator: new Generator(5) });
    assert.ok(t.data.every((v) => v === 0 || v === 1));
    near(moments(t.data).mean, 0.3, 0.007, 'mean');
    const p = tensor(Array.from({ length: N }, (_, i) => (i % 2 === 0 ? 0.1 : 0.8)));
    const s = bernoulli(p, undefined, { generator: new Generator(6) });
    let even = 0;
    let odd = 0;
    s.data.forEach((v, i) => (i % 2 === 0 ? (even += v) : (odd += v)));
    near(even / (N / 2), 0.1, 0.006, 'p = 0.1');
    near(odd / (N / 2), 0.8, 0.008, 'p = 0.8');
    assert.ok(bernoulli(0, [100], { generator: new Generator(1) }).data.every((v) => v === 0));
    assert.ok(bernoulli(1, [100], { generator: new Generator(1) }).data.every((v) => v === 1));
  });

  test('randint: integers in [low, high), every value about equally often', () => {
    const t = randint(-3, 5, [N], { generator: new Generator(7) });
    const counts = new Map<number, number>();
    for (const v of t.data) {
      assert.ok(Number.isInteger(v) && v >= -3 && v < 5, `value ${v}`);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    assert.equal(counts.size, 8);
    for (const [v, c] of counts) near(c / N, 1 / 8, 0.006, `share of ${v}`);
  });

  test('permutation: a permutation, with every ordering about equally likely', () => {
    const p = permutation(1000, { generator: new Generator(8) });
    assert.deepEqual([...p.data].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
    assert.notDeepEqual([...p.data], Array.from({ length: 1000 }, (_, i) => i));
    const g = new Generator(9);
    const counts = new Map<string, number>();
    const trials = 60_000;
    for (let i = 0; i < trials; i++) {
      const key = g.permutation(3).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assert.equal(counts.size, 6);
    for (const [k, c] of counts) near(c / trials, 1 / 6, 0.008, `ordering ${k}`);
    assert.deepEqual([...permutation(0).data], []);
  });
});

describe('generator state', () => {
  test('getState/setState round trip resumes the exact stream (also mid Box-Muller pair)', () => {
    const g = new Generator(11);
    g.random();
    g.normal(); // leaves the second normal of the pair as a spare
    const state = g.getState();
    const expected = [g.normal(), g.random(), g.nextUint32(), g.randint(0, 100), ...g.permutation(5), g.normal(), g.normal()];
    const h = new Generator(999);
    h.setState(state);
    const got = [h.normal(), h.random(), h.nextUint32(), h.randint(0, 100), ...h.permutation(5), h.normal(), h.normal()];
    assert.deepEqual(got, expected);
    // the state is plain numbers (JSON-safe but for the NaN marker of "no spare normal")
    assert.equal(state.length, 5);
    const restored = JSON.parse(JSON.stringify(state.slice(0, 4))).concat([state[4]]) as number[];
    const k = new Generator(0);
    k.setState(restored);
    assert.equal(k.normal(), expected[0]);
  });

  test('a saved state restores tensor draws too', () => {
    const g = new Generator(12);
    const state = g.getState();
    const a: Tensor = randn([5], { generator: g, dtype: 'float64' });
    g.setState(state);
    assert.deepEqual([...randn([5], { generator: g, dtype: 'float64' }).data], [...a.data]);
  });

  test('setState rejects a malformed state', () => {
    assert.throws(() => new Generator().setState([1, 2, 3]), /Generator.setState: expected 5 numbers, got 3/);
  });

  test('fork gives an independent, reproducible generator', () => {
    const a = new Generator(13).fork();
    const b = new Generator(13).fork();
    assert.deepEqual(draws['Generator.random'](a), draws['Generator.random'](b));
    const parent = new Generator(13);
    const child = parent.fork();
    assert.notDeepEqual(draws['Generator.random'](child), draws['Generator.random'](parent));
  });

  test('invalid arguments are rejected with the values named', () => {
    assert.throws(() => new Generator(Number.NaN), /Generator: seed must be a finite number, got NaN/);
    assert.throws(() => uniform([2], 3, 1), /uniform: expected low <= high, got low=3, high=1/);
    assert.throws(() => normal([2], 0, -1), /normal: std must be non-negative, got -1/);
    assert.throws(() => bernoulli(1.5, [2]), /bernoulli: p must lie in \[0, 1\], got 1.5/);
    assert.throws(() => bernoulli(tensor([0.5, -0.1])), /bernoulli: probabilities must lie in \[0, 1\], found -0.1.* at flat index 1/);
    assert.throws(() => randint(3, 3, [2]), /randint: expected integers low < high, got low=3, high=3/);
    assert.throws(() => permutation(-1), /permutation: n must be a non-negative integer, got -1/);
  });
});
