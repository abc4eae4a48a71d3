/**
 * descent's linalg namespace: values and gradients against torch.linalg (PyTorch 1.13, float64,
 * test/fixtures/tensor/linalg.json from scripts/fixtures/linalg.py) on every backend;
 * gradcheck and gradgradcheck of every differentiable op; float32; and the errors.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Tensor } from '../../src/tensor/tensor.js';
import { eye, grad, gradcheck, gradgradcheck, linalg, tensor } from '../../src/tensor/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { assertClose } from '../helpers/close.js';
import { draw } from '../helpers/data.js';

interface Encoded {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  op: string;
  params: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  inputs: Record<string, Encoded>;
  outputs: Record<string, Encoded>;
  weights: Record<string, Encoded>;
  grads?: Record<string, Encoded>;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/tensor/linalg.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };
const decode = (e: Encoded): Tensor => new Tensor(Float64Array.from(e.data), e.shape);
const ord = (o: unknown): any => (o === 'inf' || o === 'Infinity' ? Infinity : o === '-inf' || o === '-Infinity' ? -Infinity : o); // eslint-disable-line @typescript-eslint/no-explicit-any

type Outputs = Record<string, Tensor>;
/** descent's version of each fixture op, its outputs named as the fixture names them. */
const ops: Record<string, (i: Record<string, Tensor>, p: Case['params']) => Outputs> = {
  cholesky: (i, p) => ({ out: linalg.cholesky(i.A, p.upper ? { upper: true } : {}) }),
  solve: (i, p) => ({ out: linalg.solve(i.A, i.B, p.left === false ? { left: false } : {}) }),
  inv: (i) => ({ out: linalg.inv(i.A) }),
  det: (i) => ({ out: linalg.det(i.A) }),
  slogdet: (i) => ({ ...linalg.slogdet(i.A) }),
  solveTriangular: (i, p) => ({ out: linalg.solveTriangular(i.A, i.B, { upper: p.upper, left: p.left ?? true, unitriangular: p.unitriangular ?? false }) }),
  vectorNorm: (i, p) => ({ out: linalg.vectorNorm(i.x, ord(p.ord), p.dim, p.keepdim ?? false) }),
  matrixNorm: (i, p) => ({ out: linalg.matrixNorm(i.A, ord(p.ord), p.dim ?? [-2, -1], p.keepdim ?? false) }),
  qr: (i, p) => ({ ...linalg.qr(i.A, p.mode ? { mode: p.mode } : {}) }),
  eigh: (i) => ({ ...linalg.eigh(i.A) }),
  svd: (i) => ({ ...linalg.svd(i.A) }),
  lstsq: (i) => ({ out: linalg.lstsq(i.A, i.B).solution }),
  pinv: (i) => ({ out: linalg.pinv(i.A) }),
  matrixExp: (i) => ({ out: linalg.matrixExp(i.A) }),
};

describe(`linalg against torch.linalg ${fixture.torch} (float64), every backend`, () => {
  for (const c of fixture.cases) {
    test(c.name, () => {
      forEachBackend((backend) => {
        const names = Object.keys(c.inputs);
        const run = (...xs: Tensor[]): Outputs => ops[c.op](Object.fromEntries(names.map((n, k) => [n, xs[k]])), c.params);
        const inputs = names.map((n) => decode(c.inputs[n]));
        const outs = run(...inputs);
        for (const [k, e] of Object.entries(c.outputs)) {
          assertClose(outs[k], decode(e), { atol: 1e-10, rtol: 1e-9, what: `${c.name} ${k} on ${backend}` });
        }
        if (!c.grads) return;
        const loss = (...xs: Tensor[]): Tensor => {
          const o = run(...xs);
          return Object.keys(c.outputs).map((k) => o[k].mul(decode(c.weights[k])).sum()).reduce((a, b) => a.add(b));
        };
        const gs = grad(loss, { argnums: names.map((_, k) => k) })(...inputs) as Tensor[];
        names.forEach((n, k) => assertClose(gs[k], decode(c.grads![n]), { atol: 1e-9, rtol: 1e-8, what: `${c.name} gradient of ${n} on ${backend}` }));
      });
    });
  }
});

// ---- gradcheck and gradgradcheck --------------------------------------------------------------

/** A symmetric positive-definite matrix from any square x (so finite differences stay in the domain). */
const spd = (x: Tensor): Tensor => x.matmul(x.transpose(-2, -1)).add(eye(x.shape[x.ndim - 1], x.shape[x.ndim - 1], { dtype: 'float64' }).mul(2));
const symmetric = (x: Tensor): Tensor => x.add(x.transpose(-2, -1)).mul(0.5);
const wellConditioned = (shape: number[], seed: number): Tensor => draw(shape, seed).add(eye(shape[shape.length - 1], shape[shape.length - 1], { dtype: 'float64' }).mul(2));

interface GradCase {
  name: string;
  f: (...xs: Tensor[]) => Tensor;
  inputs: Tensor[];
}

const gradCases: GradCase[] = [
  { name: 'cholesky', f: (x) => linalg.cholesky(spd(x)), inputs: [draw([3, 3], 1)] },
  { name: 'cholesky upper, batch', f: (x) => linalg.cholesky(spd(x), { upper: true }), inputs: [draw([2, 3, 3], 2)] },
  { name: 'solve (broadcast)', f: (a, b) => linalg.solve(a, b), inputs: [wellConditioned([2, 3, 3], 3), draw([3, 2], 4)] },
  { name: 'solve vector, left=false', f: (a, b) => linalg.solve(a, b, { left: false }), inputs: [wellConditioned([3, 3], 5), draw([2, 3], 6)] },
  { name: 'inv', f: (a) => linalg.inv(a), inputs: [wellConditioned([2, 3, 3], 7)] },
  { name: 'det', f: (a) => linalg.det(a), inputs: [draw([2, 3, 3], 8)] },
  { name: 'slogdet logabsdet', f: (a) => linalg.slogdet(a).logabsdet, inputs: [draw([3, 3], 9)] },
  { name: 'solveTriangular lower', f: (a, b) => linalg.solveTriangular(a, b, { upper: false }), inputs: [wellConditioned([3, 3], 10), draw([3, 2], 11)] },
  { name: 'solveTriangular upper right unit', f: (a, b) => linalg.solveTriangular(a, b, { upper: true, left: false, unitriangular: true }), inputs: [draw([3, 3], 12), draw([2, 3], 13)] },
  { name: 'vectorNorm ord 3 dim 1', f: (x) => linalg.vectorNorm(x, 3, 1), inputs: [draw([2, 3], 14, { awayFromZero: 0.1 })] },
  { name: 'matrixNorm fro', f: (a) => linalg.matrixNorm(a), inputs: [draw([2, 3], 15)] },
  { name: 'matrixNorm nuc', f: (a) => linalg.matrixNorm(a, 'nuc'), inputs: [draw([3, 2], 16)] },
  { name: 'matrixNorm 2', f: (a) => linalg.matrixNorm(a, 2), inputs: [draw([2, 3], 17)] },
  { name: 'qr reduced tall', f: (a) => { const { Q, R } = linalg.qr(a); return Q.sum(-1).add(R.sum()); }, inputs: [draw([4, 3], 18)] },
  { name: 'qr Q and R', f: (a) => { const { Q, R } = linalg.qr(a); return Q.matmul(R.tanh()); }, inputs: [draw([3, 3], 19)] },
  { name: 'eigh', f: (a) => { const { eigenvalues, eigenvectors } = linalg.eigh(symmetric(a)); return eigenvectors.mul(eigenvalues.unsqueeze(-2)); }, inputs: [draw([3, 3], 20)] },
  { name: 'svd tall', f: (a) => { const { U, S, Vh } = linalg.svd(a); return U.matmul(Vh).add(S.sum()); }, inputs: [draw([4, 3], 21)] },
  { name: 'svd wide', f: (a) => { const { U, S, Vh } = linalg.svd(a); return U.mul(S.unsqueeze(-2)).matmul(Vh.tanh()); }, inputs: [draw([2, 4], 22)] },
  { name: 'lstsq tall', f: (a, b) => linalg.lstsq(a, b).solution, inputs: [draw([4, 2], 23), draw([4, 2], 24)] },
  { name: 'lstsq wide', f: (a, b) => linalg.lstsq(a, b).solution, inputs: [draw([2, 4], 25), draw([2, 1], 26)] },
  { name: 'pinv', f: (a) => linalg.pinv(a), inputs: [draw([3, 2], 27)] },
  { name: 'matrixExp', f: (a) => linalg.matrixExp(a), inputs: [draw([3, 3], 28)] },
];

describe('linalg gradcheck, every backend', () => {
  for (const c of gradCases) {
    test(c.name, () => forEachBackend((backend) => {
      const r = gradcheck(c.f, c.inputs);
      assert.ok(r.ok, `gradcheck of ${c.name} on ${backend}: worst ${r.worst} at ${r.detail}`);
    }));
  }
});

describe('linalg gradgradcheck, every backend', () => {
  for (const c of gradCases) {
    test(c.name, () => forEachBackend((backend) => {
      const r = gradgradcheck(c.f, c.inputs);
      assert.ok(r.ok, `gradgradcheck of ${c.name} on ${backend}: worst ${r.worst} at ${r.detail}`);
    }));
  }
});

// ---- float32, conventions, accuracy ------------------------------------------------------------

describe('linalg in float32', () => {
  test('results keep the input dtype and agree with float64 to float32 precision', () => {
    const a64 = linalg.matrixExp(draw([3, 3], 30)).matmul(linalg.matrixExp(draw([3, 3], 30)).transpose(-2, -1));
    const a32 = a64.float();
    const pairs: [Tensor, Tensor][] = [
      [linalg.cholesky(a32), linalg.cholesky(a64)],
      [linalg.inv(a32), linalg.inv(a64)],
      [linalg.det(a32), linalg.det(a64)],
      [linalg.solve(a32, a32.select(-1, 0)), linalg.solve(a64, a64.select(-1, 0))],
      [linalg.eigh(a32).eigenvalues, linalg.eigh(a64).eigenvalues],
      [linalg.svd(a32).S, linalg.svd(a64).S],
      [linalg.qr(a32).R, linalg.qr(a64).R],
    ];
    for (const [x32, x64] of pairs) {
      assert.equal(x32.dtype, 'float32');
      assertClose(x32, x64, { atol: 1e-4, rtol: 1e-4, what: 'float32 against float64' });
    }
  });

  test('mixed dtypes promote to float64', () => {
    assert.equal(linalg.solve(eye(2), tensor([1, 2], { dtype: 'float64' })).dtype, 'float64');
  });
});

describe('linalg conventions and accuracy', () => {
  test('eigh: ascending eigenvalues, A V = V diag(L), each eigenvector with its largest-magnitude entry positive', () => {
    const x = draw([5, 5], 31);
    const a = x.add(x.transpose(-2, -1));
    const { eigenvalues: l, eigenvectors: v } = linalg.eigh(a);
    for (let i = 1; i < 5; i++) assert.ok(l.data[i] >= l.data[i - 1], 'ascending');
    assertClose(a.matmul(v), v.mul(l.unsqueeze(-2)), { atol: 1e-12, what: 'A V = V diag(L)' });
    for (let j = 0; j < 5; j++) {
      const col = Array.from({ length: 5 }, (_, i) => v.data[i * 5 + j]);
      const big = col.reduce((b, c) => (Math.abs(c) > Math.abs(b) ? c : b), 0);
      assert.ok(big > 0, `eigenvector ${j} signed positive at its largest entry`);
    }
  });

  test('svd keeps tiny singular values to relative accuracy (an eigh of AᵀA would lose them)', () => {
    // A = U diag(1, 1e-6, 1e-12) Vᵀ with orthogonal U, V from QR.
    const u = linalg.qr(draw([3, 3], 32)).Q;
    const v = linalg.qr(draw([3, 3], 33)).Q;
    const a = u.mul(tensor([1, 1e-6, 1e-12], { dtype: 'float64' }).unsqueeze(0)).matmul(v.transpose(-2, -1));
    const { S } = linalg.svd(a);
    assertClose(S, tensor([1, 1e-6, 1e-12], { dtype: 'float64' }), { atol: 0, rtol: 1e-4, what: 'singular values' });
  });

  test('svd and qr reconstruct A; Q and U have orthonormal columns', () => {
    for (const shape of [[5, 3], [3, 5], [2, 4, 4]]) {
      const a = draw(shape, 34);
      const { U, S, Vh } = linalg.svd(a);
      assertClose(U.mul(S.unsqueeze(-2)).matmul(Vh), a, { atol: 1e-12, what: `U S Vh for ${shape}` });
      const k = Math.min(shape[shape.length - 2], shape[shape.length - 1]);
      assertClose(U.transpose(-2, -1).matmul(U), eye(k, k, { dtype: 'float64' }).broadcastTo([...shape.slice(0, -2), k, k]), { atol: 1e-12, what: 'UᵀU' });
      const { Q, R } = linalg.qr(a, { mode: 'complete' });
      assertClose(Q.matmul(R), a, { atol: 1e-12, what: `Q R for ${shape}` });
    }
  });

  test('singular matrices: det 0, slogdet sign 0 and logabsdet -Infinity, pinv of a zero matrix is zero', () => {
    const s = tensor([[1, 2], [2, 4]], { dtype: 'float64' });
    assert.equal(linalg.det(s).item(), 0);
    const { sign, logabsdet } = linalg.slogdet(s);
    assert.equal(sign.item(), 0);
    assert.equal(logabsdet.item(), -Infinity);
    assertClose(linalg.pinv(Tensor.fill([2, 3], 0, 'float64')), Tensor.fill([3, 2], 0, 'float64'));
  });

  test('vectorNorm ord 2 has gradient 0 at x = 0, as PyTorch', () => {
    const g = grad((x: Tensor) => linalg.vectorNorm(x))(Tensor.fill([3], 0, 'float64')) as Tensor;
    assertClose(g, Tensor.fill([3], 0, 'float64'));
  });

  test('matrixExp of a diagonal matrix and of a nilpotent one', () => {
    assertClose(linalg.matrixExp(tensor([[1, 0], [0, -2]], { dtype: 'float64' })), tensor([[Math.E, 0], [0, Math.exp(-2)]], { dtype: 'float64' }), { atol: 1e-14, rtol: 1e-14 });
    assertClose(linalg.matrixExp(tensor([[0, 30], [0, 0]], { dtype: 'float64' })), tensor([[1, 30], [0, 1]], { dtype: 'float64' }), { atol: 1e-11 });
  });
});

// ---- errors --------------------------------------------------------------------------------------

describe('linalg errors name the op, the shapes and what was expected', () => {
  const singular = tensor([[1, 2], [2, 4]], { dtype: 'float64' });
  test('singular input', () => {
    assert.throws(() => linalg.inv(singular), /linalg\.inv: the matrix is singular \(pivot 2 is 0\)/);
    assert.throws(() => linalg.solve(singular, tensor([1, 1])), /linalg\.solve: the matrix is singular \(pivot 2 is 0\)/);
    assert.throws(() => linalg.inv(tensor([[[1, 0], [0, 1]], [[1, 2], [2, 4]]])), /pivot 2 is 0\) \(batch element 1\)/);
    assert.throws(() => linalg.solveTriangular(tensor([[1, 0], [1, 0]]), eye(2), { upper: false }), /linalg\.solveTriangular: the matrix is singular \(diagonal element 2 is 0\)/);
  });
  test('not positive-definite', () => {
    assert.throws(() => linalg.cholesky(tensor([[1, 2], [2, 1]])), /linalg\.cholesky: .*not positive-definite \(the leading minor of order 2 is not positive-definite\)/);
  });
  test('shapes', () => {
    assert.throws(() => linalg.inv(tensor([1, 2])), /linalg\.inv: A must be a matrix or a batch of matrices \(at least 2 dimensions\), got shape \[2\]/);
    assert.throws(() => linalg.det(Tensor.fill([2, 3], 1, 'float64')), /linalg\.det: A must be a batch of square matrices, got shape \[2,3\] \(2 x 3\)/);
    assert.throws(() => linalg.solve(eye(3), eye(2)), /linalg\.solve: A of shape \[3,3\] and B of shape \[2,2\] do not match/);
    assert.throws(() => linalg.solve(Tensor.fill([2, 3, 3], 1, 'float64'), Tensor.fill([3, 3, 1], 1, 'float64')), /linalg\.solve: the batch dimensions \[2\] of \[2,3,3\] and \[3\] of \[3,3,1\] cannot be broadcast/);
    assert.throws(() => linalg.matrixNorm(eye(2), 'fro', [0, 0]), /linalg\.matrixNorm: dim must be two different axes/);
  });
  test('options', () => {
    assert.throws(() => linalg.cholesky(eye(2), { uper: true } as never), /uper/);
    assert.throws(() => linalg.solveTriangular(eye(2), eye(2), {} as never), /options\.upper \(true or false\) is required/);
    assert.throws(() => linalg.qr(eye(2), { mode: 'r' as never }), /mode must be 'reduced' or 'complete'/);
    assert.throws(() => linalg.matrixNorm(eye(2), 3 as never), /ord must be 'fro', 'nuc'/);
    assert.throws(() => linalg.svd(eye(2), { fullMatrices: 'yes' as never }), /fullMatrices must be true or false/);
  });
  test('a gradient PyTorch does not define either: qr of a wide matrix', () => {
    const a = draw([2, 3], 40, { requiresGrad: true });
    assert.throws(() => linalg.qr(a).R.sum().backward(), /linalg\.qr: the QR decomposition is differentiable only when/);
  });
});

describe('det at a singular matrix', () => {
  test('its gradient is the adjugate transpose, as PyTorch gives it (through the SVD)', () => {
    // torch.linalg.det of [[1, 2], [2, 4]] has gradient adj(A)ᵀ = [[4, -2], [-2, 1]].
    const a = tensor([[1, 2], [2, 4]], { dtype: 'float64' });
    assertClose(grad((x: Tensor) => linalg.det(x))(a) as Tensor, tensor([[4, -2], [-2, 1]], { dtype: 'float64' }), { atol: 1e-12 });
    // Rank 1 in 3 x 3: the adjugate is 0; rank 2: it is the outer product of the null vectors, scaled.
    const r2 = tensor([[1, 0, 0], [0, 2, 0], [0, 0, 0]], { dtype: 'float64' });
    assertClose(grad((x: Tensor) => linalg.det(x))(r2) as Tensor, tensor([[0, 0, 0], [0, 0, 0], [0, 0, 2]], { dtype: 'float64' }), { atol: 1e-12 });
  });
  test('gradcheck across a batch holding a singular matrix', () => {
    const a = tensor([[[1, 2], [2, 4]], [[0.5, -1], [0.25, 2]]], { dtype: 'float64' });
    const r = gradcheck((x) => linalg.det(x), [a]);
    assert.ok(r.ok, r.detail);
  });
});
