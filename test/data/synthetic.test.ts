/**
 * Synthetic generators: the statistics each promises (mode centers and spreads, class balance,
 * shapes of moons, circles and spirals, the design matrix's condition number measured from the
 * Gram matrix's eigenvalues, the noise level of the 1-D regression) and seeded determinism.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import {
  classCounts, concentricCircles, gaussianGrid, gaussianMixture, gaussianRing, linearRegressionData, logisticRegressionData,
  mixtureModeStats, noisyRegression1D, spirals, twoMoons, type TensorDataset,
} from '../../src/data/index.js';

const near = (actual: number, expected: number, tol: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} is not within ${tol} of ${expected}`);

function point(ds: TensorDataset, i: number): [number, number] {
  return [ds.x.data[2 * i], ds.x.data[2 * i + 1]];
}

/** Eigenvalues of a symmetric matrix (cyclic Jacobi), ascending. */
function symmetricEigenvalues(a: number[][]): number[] {
  const n = a.length;
  const m = a.map((r) => [...r]);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p][q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(m[p][q]) < 1e-300) continue;
        const theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k][p];
          const mkq = m[k][q];
          m[k][p] = c * mkp - s * mkq;
          m[k][q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p][k];
          const mqk = m[q][k];
          m[p][k] = c * mpk - s * mqk;
          m[q][k] = s * mpk + c * mqk;
        }
      }
    }
  }
  return m.map((r, i) => r[i]).sort((x, y) => x - y);
}

function gram(x: Tensor): number[][] {
  const [n, d] = x.shape;
  const g = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) g[a][b] += x.data[i * d + a] * x.data[i * d + b];
  return g;
}

describe('Gaussian mixtures', () => {
  test('ring of 8: centers on the circle of radius 2, per-mode mean and std, balanced modes', () => {
    const ds = gaussianRing({ n: 8000, seed: 1 });
    assert.deepEqual(ds.x.shape, [8000, 2]);
    assert.deepEqual(ds.centers.shape, [8, 2]);
    assert.equal(ds.std, 0.02);
    for (let m = 0; m < 8; m++) {
      const [cx, cy] = [ds.centers.data[2 * m], ds.centers.data[2 * m + 1]];
      near(Math.hypot(cx, cy), 2, 1e-6, 'center radius');
      near(Math.atan2(cy, cx), Math.atan2(Math.sin((2 * Math.PI * m) / 8), Math.cos((2 * Math.PI * m) / 8)), 1e-6, 'center angle');
    }
    const counts = classCounts(ds.y, 8);
    counts.forEach((c) => near(c, 1000, 4 * Math.sqrt(1000 * (7 / 8) * (1 / 8)) + 1, 'mode count'));
    let radius = 0;
    for (let m = 0; m < 8; m++) {
      let sx = 0;
      let sy = 0;
      let s2 = 0;
      let k = 0;
      for (let i = 0; i < 8000; i++) {
        if (ds.y.data[i] !== m) continue;
        const [px, py] = point(ds, i);
        sx += px;
        sy += py;
        s2 += (px - ds.centers.data[2 * m]) ** 2 + (py - ds.centers.data[2 * m + 1]) ** 2;
        k++;
      }
      near(sx / k, ds.centers.data[2 * m], (4 * 0.02) / Math.sqrt(k), 'mode mean x');
      near(sy / k, ds.centers.data[2 * m + 1], (4 * 0.02) / Math.sqrt(k), 'mode mean y');
      near(Math.sqrt(s2 / (2 * k)), 0.02, 0.002, 'mode std');
    }
    for (let i = 0; i < 8000; i++) radius += Math.hypot(...point(ds, i));
    near(radius / 8000, 2, 0.002, 'mean radius');
  });

  test('grid of 25: centers at {-4,-2,0,2,4}², std 0.05; the data covers all modes', () => {
    const ds = gaussianGrid({ n: 5000, seed: 2 });
    assert.deepEqual(ds.centers.shape, [25, 2]);
    const xs = new Set<number>();
    for (let m = 0; m < 25; m++) xs.add(ds.centers.data[2 * m]);
    assert.deepEqual([...xs].sort((a, b) => a - b), [-4, -2, 0, 2, 4]);
    assert.equal(ds.std, 0.05);
    let mx = 0;
    let my = 0;
    for (let i = 0; i < 5000; i++) {
      mx += ds.x.data[2 * i] / 5000;
      my += ds.x.data[2 * i + 1] / 5000;
    }
    near(mx, 0, 0.15, 'mean x');
    near(my, 0, 0.15, 'mean y');
    const stats = mixtureModeStats(ds.x, ds);
    assert.equal(stats.modesCovered, 25);
    near(stats.highQualityFraction, 1 - Math.exp(-4.5), 0.006, 'fraction within 3 std');
    classCounts(ds.y, 25).forEach((c) => near(c, 200, 60, 'mode count'));
  });

  test('mode statistics detect collapse; weights set mode probabilities', () => {
    const ring = gaussianRing({ n: 10, seed: 0 });
    const collapsed = new Tensor(new Float32Array(200).fill(0).map((_, i) => (i % 2 === 0 ? 2 : 0)), [100, 2]);
    assert.deepEqual(mixtureModeStats(collapsed, ring).modesCovered, 1);
    assert.equal(mixtureModeStats(new Tensor(new Float32Array([0, 0]), [1, 2]), ring).highQualityFraction, 0);
    const w = gaussianMixture({ n: 4000, centers: [[0, 0], [5, 5]], std: 1, weights: [3, 1], seed: 3 });
    near(classCounts(w.y, 2)[0] / 4000, 0.75, 0.03, 'weighted mode frequency');
  });

  test('seeded: the same seed (number or Generator) gives the same data, another seed differs', () => {
    const a = gaussianRing({ n: 50, seed: 11 });
    const b = gaussianRing({ n: 50, seed: new Generator(11) });
    assert.deepEqual(Array.from(a.x.data), Array.from(b.x.data));
    assert.deepEqual(Array.from(a.y.data), Array.from(b.y.data));
    assert.notDeepEqual(Array.from(gaussianRing({ n: 50, seed: 12 }).x.data), Array.from(a.x.data));
    for (const make of [twoMoons, spirals, concentricCircles]) {
      assert.deepEqual(Array.from(make({ n: 30, seed: 4 }).x.data), Array.from(make({ n: 30, seed: 4 }).x.data));
      assert.notDeepEqual(Array.from(make({ n: 30, seed: 4 }).x.data), Array.from(make({ n: 30, seed: 5 }).x.data));
    }
  });
});

describe('2-D classification sets', () => {
  test('two moons: balanced; without noise, each class lies on its half circle', () => {
    const ds = twoMoons({ n: 401, noise: 0, seed: 1 });
    assert.deepEqual(classCounts(ds.y, 2), [201, 200]);
    for (let i = 0; i < 401; i++) {
      const [px, py] = point(ds, i);
      if (ds.y.data[i] === 0) {
        near(Math.hypot(px, py), 1, 1e-6, 'outer moon radius');
        assert.ok(py >= -1e-6);
      } else {
        near(Math.hypot(px - 1, py - 0.5), 1, 1e-6, 'inner moon radius');
        assert.ok(py <= 0.5 + 1e-6);
      }
    }
  });

  test('two moons: class means (0, 2/π) and (1, 1/2 - 2/π) with noise', () => {
    const ds = twoMoons({ n: 20000, noise: 0.1, seed: 2 });
    const sums = [[0, 0], [0, 0]];
    for (let i = 0; i < 20000; i++) {
      const c = ds.y.data[i];
      const [px, py] = point(ds, i);
      sums[c][0] += px / 10000;
      sums[c][1] += py / 10000;
    }
    near(sums[0][0], 0, 0.02, 'moon 0 mean x');
    near(sums[0][1], 2 / Math.PI, 0.02, 'moon 0 mean y');
    near(sums[1][0], 1, 0.02, 'moon 1 mean x');
    near(sums[1][1], 0.5 - 2 / Math.PI, 0.02, 'moon 1 mean y');
  });

  test('concentric circles: radii 1 and factor, balanced', () => {
    const ds = concentricCircles({ n: 300, noise: 0, factor: 0.3, seed: 1 });
    assert.deepEqual(classCounts(ds.y, 2), [150, 150]);
    for (let i = 0; i < 300; i++) near(Math.hypot(...point(ds, i)), ds.y.data[i] === 0 ? 1 : 0.3, 1e-6, 'circle radius');
    const noisy = concentricCircles({ n: 4000, noise: 0.05, seed: 2 });
    let r0 = 0;
    for (let i = 0; i < 4000; i++) if (noisy.y.data[i] === 0) r0 += Math.hypot(...point(noisy, i)) / 2000;
    near(r0, 1, 0.01, 'outer mean radius');
  });

  test('spirals: K balanced arms; without noise each point sits on its arm', () => {
    const ds = spirals({ n: 300, classes: 3, turns: 1.5, noise: 0, seed: 1 });
    assert.deepEqual(classCounts(ds.y, 3), [100, 100, 100]);
    for (let i = 0; i < 300; i++) {
      const [px, py] = point(ds, i);
      const r = Math.hypot(px, py);
      assert.ok(r <= 1 + 1e-6);
      if (r < 1e-3) continue;
      const expected = 2 * Math.PI * 1.5 * r + (2 * Math.PI * ds.y.data[i]) / 3;
      const diff = Math.atan2(py, px) - expected;
      near(Math.cos(diff), 1, 1e-4, 'on the arm');
    }
  });
});

describe('regression with a chosen condition number', () => {
  test('2 features: the Gram matrix eigenvalues give cond(X) = κ (closed form)', () => {
    for (const kappa of [1, 10, 100]) {
      const ds = linearRegressionData({ n: 500, features: 2, conditionNumber: kappa, seed: kappa });
      const [[a, b], [, c]] = gram(ds.x);
      const mid = (a + c) / 2;
      const rad = Math.sqrt(((a - c) / 2) ** 2 + b * b);
      const measured = Math.sqrt((mid + rad) / (mid - rad));
      near(measured / kappa, 1, 2e-3, `κ=${kappa}`);
      near((mid + rad) / 500, 1, 1e-3, 'largest eigenvalue of XᵀX/n');
    }
  });

  test('5 features: eigenvalues of XᵀX/n are geometric from 1 to 1/κ²; conditionOf gram', () => {
    const ds = linearRegressionData({ n: 400, features: 5, conditionNumber: 30, seed: 3 });
    const eig = symmetricEigenvalues(gram(ds.x)).map((e) => e / 400);
    near(Math.sqrt(eig[4] / eig[0]), 30, 0.1, 'cond(X)');
    ds.singularValues.forEach((s, i) => near(eig[4 - i], s * s / 400, 1e-3 * eig[4 - i] + 1e-6, `eigenvalue ${i}`));
    assert.equal(ds.conditionNumber, 30);
    const g = linearRegressionData({ n: 400, features: 5, conditionNumber: 100, conditionOf: 'gram', seed: 3 });
    const ge = symmetricEigenvalues(gram(g.x));
    near(ge[4] / ge[0], 100, 0.3, 'cond(XᵀX)');
  });

  test('targets follow the true weights: least squares recovers them', () => {
    const ds = linearRegressionData({ n: 1000, features: 2, conditionNumber: 5, noise: 0.01, bias: 0, seed: 9 });
    assert.deepEqual(ds.y.shape, [1000, 1]);
    assert.deepEqual(ds.weights.shape, [2]);
    const [[a, b], [, c]] = gram(ds.x);
    let r0 = 0;
    let r1 = 0;
    for (let i = 0; i < 1000; i++) {
      r0 += ds.x.data[2 * i] * ds.y.data[i];
      r1 += ds.x.data[2 * i + 1] * ds.y.data[i];
    }
    const det = a * c - b * b;
    near((c * r0 - b * r1) / det, ds.weights.data[0], 2e-3, 'w0');
    near((a * r1 - b * r0) / det, ds.weights.data[1], 2e-3, 'w1');
    let res = 0;
    for (let i = 0; i < 1000; i++) res += (ds.y.data[i] - ds.x.data[2 * i] * ds.weights.data[0] - ds.x.data[2 * i + 1] * ds.weights.data[1]) ** 2;
    near(Math.sqrt(res / 1000), 0.01, 0.002, 'noise std');
  });

  test('logistic regression: labels in {0, 1} agree with the sign of Xw', () => {
    const t = logisticRegressionData({ n: 500, features: 3, conditionNumber: 10, labels: 'threshold', seed: 1 });
    assert.deepEqual(t.y.shape, [500]);
    const z = (ds: typeof t, i: number) => [0, 1, 2].reduce((s, j) => s + ds.x.data[3 * i + j] * ds.weights.data[j], ds.bias);
    for (let i = 0; i < 500; i++) assert.equal(t.y.data[i], z(t, i) > 0 ? 1 : 0);
    const b = logisticRegressionData({ n: 4000, features: 3, conditionNumber: 10, scale: 5, seed: 1 });
    let agree = 0;
    let expected = 0;
    for (let i = 0; i < 4000; i++) {
      const p = 1 / (1 + Math.exp(-z(b, i)));
      expected += Math.max(p, 1 - p) / 4000;
      if (b.y.data[i] === (z(b, i) > 0 ? 1 : 0)) agree++;
    }
    near(agree / 4000, expected, 0.03, 'Bernoulli label agreement');
    assert.ok(Array.from(b.y.data).every((v) => v === 0 || v === 1));
  });

  test('invalid requests are refused', () => {
    assert.throws(() => linearRegressionData({ features: 1, conditionNumber: 10 }), /one feature has condition number 1/);
    assert.throws(() => linearRegressionData({ n: 3, features: 5 }), /need n >= features/);
    assert.throws(() => linearRegressionData({ conditionNumber: 0.5 }), /conditionNumber must be a finite number >= 1/);
  });
});

describe('noisy 1-D regression', () => {
  test('defaults: 10 points of sin(2πx) + N(0, 0.3²) on [0, 1], a 100-point test set', () => {
    const ds = noisyRegression1D({ seed: 1 });
    assert.deepEqual(ds.x.shape, [10, 1]);
    assert.deepEqual(ds.y.shape, [10, 1]);
    assert.deepEqual(ds.test.x.shape, [100, 1]);
    assert.equal(ds.noise, 0.3);
    for (const v of ds.x.data) assert.ok(v >= 0 && v < 1);
  });

  test('residuals around the true function have the requested std; grid spacing', () => {
    const ds = noisyRegression1D({ n: 5000, noise: 0.2, seed: 2 });
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < 5000; i++) {
      const r = ds.y.data[i] - Math.sin(2 * Math.PI * ds.x.data[i]);
      s += r;
      s2 += r * r;
    }
    near(s / 5000, 0, 0.015, 'residual mean');
    near(Math.sqrt(s2 / 5000), 0.2, 0.008, 'residual std');
    const g = noisyRegression1D({ n: 5, grid: true, noise: 0, range: [-1, 1], fn: (x) => x * x, seed: 0 });
    assert.deepEqual(Array.from(g.x.data), [-1, -0.5, 0, 0.5, 1]);
    assert.deepEqual(Array.from(g.y.data), [1, 0.25, 0, 0.25, 1]);
  });
});
