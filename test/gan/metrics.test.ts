/** The Jacobi eigensolver, FID, Inception Score, AM Score, mixture coverage. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { amScore, evaluateMixture, featureStats, fid, frechetDistance, inceptionScore, meanClassDistribution, sqrtmPsd, symmetricEigen } from '../../src/gan/index.js';
import { gaussianGrid, gaussianRing } from '../../src/data/index.js';
import { Generator, normal, Tensor, tensor } from '../../src/tensor/index.js';
import { assertClose } from '../helpers/close.js';

function randomSymmetric(n: number, seed: number): Float64Array {
  const g = new Generator(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = g.normal();
  return a;
}

test('symmetric eigendecomposition: A V = V Λ, V orthonormal, eigenvalues ascending', () => {
  for (const n of [1, 2, 5, 24]) {
    const a = randomSymmetric(n, n);
    const { values, vectors } = symmetricEigen(a, n);
    for (let k = 1; k < n; k++) assert.ok(values[k] >= values[k - 1]);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j] * vectors[j * n + k];
        assertClose(av, values[k] * vectors[i * n + k], { atol: 1e-10, what: `n=${n} (AV)[${i},${k}]` });
      }
      for (let l = 0; l < n; l++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors[i * n + k] * vectors[i * n + l];
        assertClose(dot, k === l ? 1 : 0, { atol: 1e-12 });
      }
    }
    // The trace is the sum of the eigenvalues.
    let tr = 0;
    for (let i = 0; i < n; i++) tr += a[i * n + i];
    assertClose(values.reduce((s, v) => s + v, 0), tr, { atol: 1e-10 });
  }
  // A known spectrum: [[2, 1], [1, 2]] has eigenvalues 1 and 3.
  assertClose(symmetricEigen([2, 1, 1, 2], 2).values, [1, 3], { atol: 1e-14 });
  assert.throws(() => symmetricEigen([1, 2, 3], 2), /expected 2 x 2/);
});

test('the square root of a PSD matrix squares back to it', () => {
  const n = 6;
  const b = randomSymmetric(n, 9);
  const a = new Float64Array(n * n); // A = B B + I is PSD
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = i === j ? 1 : 0;
    for (let k = 0; k < n; k++) s += b[i * n + k] * b[k * n + j];
    a[i * n + j] = s;
  }
  const r = sqrtmPsd(a, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += r[i * n + k] * r[k * n + j];
    assertClose(s, a[i * n + j], { atol: 1e-9 });
  }
});

test('FID: zero for identical sets, the closed form for diagonal Gaussians, symmetric', () => {
  const x = normal([400, 4], 0, 1, { generator: new Generator(1), dtype: 'float64' });
  assertClose(fid(x, x), 0, { atol: 1e-8 });
  // N(μ1, diag(s1²)) vs N(μ2, diag(s2²)): ‖μ1 - μ2‖² + Σ (s1 - s2)².
  const a = { mean: Float64Array.of(0, 1, 2), cov: Float64Array.of(1, 0, 0, 0, 4, 0, 0, 0, 9), dim: 3, count: 100 };
  const b = { mean: Float64Array.of(1, 1, 0), cov: Float64Array.of(4, 0, 0, 0, 4, 0, 0, 0, 1), dim: 3, count: 100 };
  assertClose(frechetDistance(a, b), 1 + 0 + 4 + (1 - 2) ** 2 + 0 + (3 - 1) ** 2, { rtol: 1e-10 });
  assertClose(frechetDistance(b, a), frechetDistance(a, b), { rtol: 1e-10 });
  // Non-diagonal covariances: Tr((Σ1 Σ2)^½) via the symmetric form; compare with a rotation-invariant case.
  const y = normal([400, 4], 0, 2, { generator: new Generator(2), dtype: 'float64' }).add(1);
  const d = fid(x, y);
  assert.ok(d > 4 && d < 12, `FID ${d}`);
  const s = featureStats(tensor([[1, 2], [3, 6], [5, 10]], { dtype: 'float64' }));
  assertClose(Array.from(s.mean), [3, 6], { rtol: 1e-12 });
  assertClose(Array.from(s.cov), [4, 8, 8, 16], { rtol: 1e-12 });
});

test('Inception Score: K for confident, evenly spread predictions; 1 for identical ones', () => {
  const eye = tensor([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
  assertClose(inceptionScore(eye).mean, 4, { rtol: 1e-6 });
  const same = tensor([[0.7, 0.3], [0.7, 0.3], [0.7, 0.3]]);
  assertClose(inceptionScore(same).mean, 1, { rtol: 1e-6 });
  // Hand-worked: p1 = [1, 0], p2 = [0.5, 0.5]; marginal [0.75, 0.25];
  // KL1 = log(1/0.75), KL2 = 0.5 log(0.5/0.75) + 0.5 log(0.5/0.25).
  const kl = (Math.log(1 / 0.75) + 0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(2)) / 2;
  assertClose(inceptionScore(tensor([[1, 0], [0.5, 0.5]])).mean, Math.exp(kl), { rtol: 1e-6 });
  const split = inceptionScore(tensor([[1, 0], [0, 1], [1, 0], [0, 1]]), { splits: 2 });
  assert.deepEqual(split.scores.map((v) => Math.round(v * 1e6) / 1e6), [2, 2]);
});

test('AM Score: KL(C̄_train ‖ C̄_G) + E[H(C(x))] (thesis eq. 4-32)', () => {
  const gen = tensor([[1, 0], [0.5, 0.5]]);
  const train = [0.5, 0.5];
  // C̄_G = [0.75, 0.25]; KL = 0.5 log(0.5/0.75) + 0.5 log(0.5/0.25); entropy = (0 + log 2) / 2.
  const kl = 0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(2);
  const r = amScore(gen, train);
  assertClose(r.kl, kl, { rtol: 1e-6 });
  assertClose(r.entropy, Math.log(2) / 2, { rtol: 1e-6 });
  assertClose(r.score, kl + Math.log(2) / 2, { rtol: 1e-6 });
  // Perfect: confident samples whose classes match the training distribution score 0.
  const perfect = tensor([[1, 0], [0, 1]]);
  assertClose(amScore(perfect, perfect).score, 0, { atol: 1e-9 });
  assertClose(Array.from(meanClassDistribution(gen)), [0.75, 0.25], { rtol: 1e-6 });
});

test('mixture evaluation: modes covered and high-quality share', () => {
  const ring = gaussianRing({ n: 800, seed: 3 });
  const all = evaluateMixture(ring.x, ring);
  assert.equal(all.modesCovered, 8);
  // Within 3σ in 2-D: 1 - exp(-9/2) ≈ 98.9 %.
  assertClose(all.highQualityFraction, 1 - Math.exp(-4.5), { atol: 0.01 });
  // Samples from three modes only, plus far-away points.
  const keep = Array.from({ length: 800 }, (_, i) => i).filter((i) => ring.y.data[i] < 3);
  const partial = ring.x.indexSelect(0, keep);
  const far = new Tensor(new Float32Array(2 * keep.length).fill(10), [keep.length, 2]);
  const e = evaluateMixture(partial, ring);
  assert.equal(e.modesCovered, 3);
  const mixed = evaluateMixture(tensor([...Array.from(partial.data), ...Array.from(far.data)], { shape: [2 * keep.length, 2] }), ring);
  assertClose(mixed.highQualityFraction, 0.5 * (1 - Math.exp(-4.5)), { atol: 0.015 });
  assert.equal(mixed.modes, 8);
  // The grid of 25: every mode; then the samples of one row of 5 modes only, shifted by 2σ (still within 3σ).
  const grid = gaussianGrid({ n: 2500, seed: 4 });
  assert.deepEqual([evaluateMixture(grid.x, grid).modesCovered, evaluateMixture(grid.x, grid).modes], [25, 25]);
  const row = Array.from({ length: 2500 }, (_, i) => i).filter((i) => grid.y.data[i] < 5);
  const shifted = grid.x.indexSelect(0, row).add(tensor([[2 * grid.std, 0]]));
  const r = evaluateMixture(shifted, grid);
  assert.equal(r.modesCovered, 5);
  // |N(2, 1)| ≤ 3 in x, N(0, 1) in y: the share within 3σ is well below the unshifted 98.9 %.
  assert.ok(r.highQualityFraction > 0.5 && r.highQualityFraction < 0.9, `shifted share ${r.highQualityFraction}`);
});
