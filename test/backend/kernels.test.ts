/**
 * Every kernel of every available backend against the js reference on random inputs (odd sizes,
 * transposes, offsets, leading dimensions, alpha/beta, float64), and the optimized js kernels
 * against their definitions (reference.ts).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BinaryOp, ConvBatch, ConvGeometry, GemmArgs, Kernels, ReduceOp, UnaryOp } from '../../src/backend/kernels.js';
import type { AdagradHyper, AdamHyper, OptimizerKernels, RmspropHyper, SgdHyper } from '../../src/backend/optimizer-kernels.js';
import { jsKernels } from '../../src/backend/js/index.js';
import { jsOptimizerKernels } from '../../src/backend/js/optimizers/index.js';
import { listBackends, setBackend, kernels, optimizerKernels, backendInfo } from '../../src/backend/registry.js';
import { loadBackends } from '../../src/backend/load.js';
import { Generator } from '../../src/tensor/random.js';
import { assertClose } from '../helpers/close.js';
import { binaryRef, col2imRef, gemmRef, im2colRef, maxPoolRef } from './reference.js';

loadBackends();
const others = listBackends().map((b) => b.name).filter((n) => n !== 'js');

function kernelsOf(name: string): Kernels {
  const previous = backendInfo().name;
  setBackend(name);
  const k = kernels();
  setBackend(previous);
  return k;
}

function optimizerKernelsOf(name: string): OptimizerKernels {
  const previous = backendInfo().name;
  setBackend(name);
  const k = optimizerKernels();
  setBackend(previous);
  return k;
}

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
const gen = new Generator(1234);
function rand(Arr: Ctor, n: number, lo = -1, hi = 1): Float32Array | Float64Array {
  const a = new Arr(n);
  for (let i = 0; i < n; i++) a[i] = gen.uniform(lo, hi);
  return a;
}

function geometry(c: number, h: number, w: number, kh: number, kw: number, s: [number, number], p: [number, number], d: [number, number]): ConvGeometry {
  const outH = Math.floor((h + 2 * p[0] - d[0] * (kh - 1) - 1) / s[0]) + 1;
  const outW = Math.floor((w + 2 * p[1] - d[1] * (kw - 1) - 1) / s[1]) + 1;
  return { channels: c, height: h, width: w, kernelH: kh, kernelW: kw, strideH: s[0], strideW: s[1], padH: p[0], padW: p[1], dilationH: d[0], dilationW: d[1], outH, outW };
}

const GEOMETRIES: ConvGeometry[] = [
  geometry(1, 28, 28, 3, 3, [1, 1], [1, 1], [1, 1]),
  geometry(3, 7, 9, 3, 2, [2, 1], [1, 0], [1, 1]),
  geometry(2, 11, 6, 2, 3, [1, 3], [0, 1], [2, 1]),
  geometry(4, 5, 5, 5, 5, [1, 1], [2, 2], [1, 1]),
  geometry(1, 1, 1, 1, 1, [1, 1], [0, 0], [1, 1]),
  geometry(2, 9, 10, 3, 3, [3, 2], [1, 1], [2, 2]),
  // outW == width with stride 1 (the wasm kernels' block path): dilated, unpadded rows, tiny images
  geometry(2, 8, 7, 3, 3, [1, 1], [2, 2], [2, 2]),
  geometry(2, 6, 9, 3, 5, [1, 1], [0, 2], [1, 1]),
  geometry(1, 2, 3, 5, 3, [1, 1], [2, 1], [1, 1]),
];

interface GemmCase { m: number; n: number; k: number; transA: boolean; transB: boolean; alpha: number; beta: number; pad: number; offsets: [number, number, number] }

function gemmCases(): GemmCase[] {
  const cases: GemmCase[] = [];
  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 7, 3], [5, 1, 9], [3, 3, 0], [4, 8, 16], [7, 13, 5], [17, 33, 65], [64, 64, 64],
    [65, 31, 257], [130, 9, 300], [2, 70, 1], [33, 2050, 3], [128, 10, 256], [300, 260, 20],
  ];
  let i = 0;
  for (const [m, n, k] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const alphas = [1, 0.5, -1.5, 0];
        const betas = [0, 1, 0.25, -2];
        cases.push({ m, n, k, transA, transB, alpha: alphas[i % 4], beta: betas[(i >> 2) % 4], pad: i % 3 === 0 ? 0 : (i % 5) + 1, offsets: [i % 7, (i * 3) % 5, (i * 5) % 4] });
        i++;
      }
    }
  }
  return cases;
}

function gemmArgs(c: GemmCase, Arr: Ctor): GemmArgs {
  const aRows = c.transA ? c.k : c.m;
  const aCols = c.transA ? c.m : c.k;
  const bRows = c.transB ? c.n : c.k;
  const bCols = c.transB ? c.k : c.n;
  const lda = aCols + c.pad;
  const ldb = bCols + (c.pad >> 1);
  const ldc = c.n + (c.pad % 2);
  const [ao, bo, co] = c.offsets;
  const cArr = rand(Arr, co + c.m * ldc + 3);
  // beta = 0 must ignore C entirely, NaN included (BLAS semantics).
  if (c.beta === 0 && cArr.length > co) cArr[co] = NaN;
  return {
    transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: c.alpha, beta: c.beta,
    a: rand(Arr, ao + aRows * lda + 2), aOffset: ao, lda,
    b: rand(Arr, bo + bRows * ldb + 1), bOffset: bo, ldb,
    c: cArr, cOffset: co, ldc,
  };
}

/** Equal bit for bit (NaN payloads aside): +0 and -0 differ, NaN equals NaN. */
function assertSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}: [${i}] is ${Object.is(got[i], -0) ? '-0' : got[i]}, expected ${Object.is(want[i], -0) ? '-0' : want[i]}`);
  }
}

function clone(g: GemmArgs): GemmArgs {
  return { ...g, a: g.a.slice(), b: g.b.slice(), c: g.c.slice() };
}

function checkGemm(k: Kernels, c: GemmCase, Arr: Ctor, what: string): void {
  const args = gemmArgs(c, Arr);
  const want = gemmRef(args);
  const got = clone(args);
  k.gemm(got);
  const tol = (Arr === Float32Array ? 4e-7 : 1e-14) * Math.max(1, c.k) * (Math.abs(c.alpha) + Math.abs(c.beta) + 1);
  // Elements outside C (offset head, row gaps, tail) must be untouched.
  for (let i = 0; i < args.c.length; i++) {
    const row = Math.floor((i - args.cOffset) / args.ldc);
    const col = (i - args.cOffset) % args.ldc;
    const inside = i >= args.cOffset && row < c.m && col < c.n;
    if (!inside) assert.ok(Object.is(got.c[i], args.c[i]), `${what}: C[${i}] outside the matrix changed`);
  }
  assertClose(got.c, want, { atol: tol, rtol: 0, what });
}

describe('js kernels match their definitions', () => {
  test('gemm', () => {
    for (const c of gemmCases()) {
      for (const Arr of [Float32Array, Float64Array]) checkGemm(jsKernels, c, Arr, `js gemm ${JSON.stringify(c)} ${Arr.name}`);
    }
  });

  test('im2col and col2im', () => {
    for (const g of GEOMETRIES) {
      for (const Arr of [Float32Array, Float64Array]) {
        const offset = 3;
        const x = rand(Arr, offset + g.channels * g.height * g.width);
        const rows = g.channels * g.kernelH * g.kernelW;
        const got = new Arr(rows * g.outH * g.outW).fill(7);
        const want = new Arr(got.length);
        jsKernels.im2col(x, offset, g, got);
        im2colRef(x, offset, g, want);
        assert.deepEqual(got, want, `im2col ${JSON.stringify(g)}`);
        const cols = rand(Arr, got.length);
        const out = rand(Arr, offset + g.channels * g.height * g.width);
        const outRef = out.slice();
        jsKernels.col2im(cols, g, out, offset);
        col2imRef(cols, g, outRef, offset);
        assertClose(out, outRef, { atol: 1e-5, rtol: 1e-5, what: `col2im ${JSON.stringify(g)}` });
      }
    }
  });

  test('maxPool2d', () => {
    for (const g0 of GEOMETRIES) {
      const g = { ...g0, padH: Math.min(g0.padH, g0.kernelH >> 1), padW: Math.min(g0.padW, g0.kernelW >> 1) };
      g.outH = Math.floor((g.height + 2 * g.padH - g.dilationH * (g.kernelH - 1) - 1) / g.strideH) + 1;
      g.outW = Math.floor((g.width + 2 * g.padW - g.dilationW * (g.kernelW - 1) - 1) / g.strideW) + 1;
      const planes = 3;
      // Quantized values make ties common, which checks the first-winner rule.
      const x = rand(Float32Array, planes * g.height * g.width).map((v) => Math.round(v * 3));
      const n = planes * g.outH * g.outW;
      const got = [new Float32Array(n), new Int32Array(n)] as const;
      const want = [new Float32Array(n), new Int32Array(n)] as const;
      jsKernels.maxPool2d(x, planes, g, got[0], got[1]);
      maxPoolRef(x, planes, g, want[0], want[1]);
      assert.deepEqual(got[0], want[0], `maxPool2d values ${JSON.stringify(g)}`);
      assert.deepEqual(got[1], want[1], `maxPool2d argmax ${JSON.stringify(g)}`);
      // Turn a losing element of the first window into NaN: it must win.
      const members: number[] = [];
      for (let ki = 0; ki < g.kernelH; ki++) {
        for (let kj = 0; kj < g.kernelW; kj++) {
          const iy = ki * g.dilationH - g.padH;
          const ix = kj * g.dilationW - g.padW;
          if (iy >= 0 && iy < g.height && ix >= 0 && ix < g.width) members.push(iy * g.width + ix);
        }
      }
      const loser = members.filter((i) => i !== want[1][0]).pop() ?? want[1][0];
      x[loser] = NaN;
      jsKernels.maxPool2d(x, planes, g, got[0], got[1]);
      assert.ok(Number.isNaN(got[0][0]) && got[1][0] === loser, `a NaN wins its window: ${got[0][0]} at ${got[1][0]} ${JSON.stringify(g)}`);
    }
  });

  test('binary with broadcasting', () => {
    const shapes: [number[], number[], number[]][] = [
      [[4, 16, 5, 5], [4, 16, 5, 5], [0, 0, 0, 0]],
      [[4, 16, 5, 5], [1, 16, 1, 1], [0, 1, 0, 0]],
      [[7, 3], [1, 3], [0, 1]],
      [[7, 3], [7, 1], [1, 0]],
      [[2, 1, 6], [1, 5, 1], [0, 0, 0]],
      [[3, 1, 4, 1], [1, 2, 1, 5], [0, 0, 0, 0]],
      [[1, 1, 9], [1, 1, 1], [0, 0, 0]],
    ];
    const strides = (s: number[], out: number[]): number[] => {
      const st: number[] = [];
      let acc = 1;
      for (let d = s.length - 1; d >= 0; d--) {
        st[d] = s[d] === 1 && out[d] !== 1 ? 0 : acc;
        acc *= s[d];
      }
      return st;
    };
    for (const [sa, sb] of shapes) {
      const out = sa.map((d, i) => Math.max(d, sb[i]));
      const size = out.reduce((p, d) => p * d, 1);
      const a = rand(Float32Array, sa.reduce((p, d) => p * d, 1));
      const b = rand(Float32Array, sb.reduce((p, d) => p * d, 1)).map((v) => (v > 0.5 ? a[0] : v));
      for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'pow', 'lt', 'eq'] as BinaryOp[]) {
        for (const [x, xs, y, ys] of [[a, sa, b, sb], [b, sb, a, sa]] as const) {
          const got = new Float32Array(size);
          const want = new Float32Array(size);
          jsKernels.binary(op, x, strides(xs, out), y, strides(ys, out), got, out);
          binaryRef(op, x, strides(xs, out), y, strides(ys, out), want, out);
          assert.deepEqual(got, want, `binary ${op} ${JSON.stringify(xs)} ${JSON.stringify(ys)}`);
        }
      }
    }
  });

  test('float32 row sums are float64 sums rounded once (issue 15: no float32 accumulator)', () => {
    const x = rand(Float32Array, 13 * 300);
    const got = new Float32Array(13);
    jsKernels.reduce('sum', x, 13, 300, 1, got);
    for (let o = 0; o < 13; o++) {
      let exact = 0;
      for (let k = 0; k < 300; k++) exact += x[o * 300 + k];
      // The float64 partial sums may associate differently: at most one float32 ulp apart.
      assert.ok(Math.abs(got[o] - exact) <= 2 ** -23 * Math.abs(exact), `row ${o}: ${got[o]} vs ${exact}`);
    }
  });
});

function adamCase(n: number, weightDecay: number): [Float32Array[], AdamHyper] {
  const p = rand(Float32Array, n) as Float32Array;
  const g = rand(Float32Array, n) as Float32Array;
  const m = rand(Float32Array, n, -0.1, 0.1) as Float32Array;
  const v = rand(Float32Array, n, 0, 0.01) as Float32Array;
  const t = 7;
  return [[p, g, m, v], { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay, biasCorrection1: 1 - 0.9 ** t, biasCorrection2: 1 - 0.999 ** t }];
}

for (const name of others) {
  describe(`backend ${name} matches js`, () => {
    const k = kernelsOf(name);
    const ok = optimizerKernelsOf(name);

    test('gemm float32 (shapes, transposes, offsets, leading dimensions, alpha, beta)', () => {
      for (const c of gemmCases()) checkGemm(k, c, Float32Array, `${name} sgemm ${JSON.stringify(c)}`);
    });

    test('gemm float64', () => {
      for (const c of gemmCases()) checkGemm(k, c, Float64Array, `${name} dgemm ${JSON.stringify(c)}`);
    });

    test('gemm on large operands', () => {
      for (const c of [
        { m: 512, n: 384, k: 600, transA: false, transB: true, alpha: 1, beta: 0, pad: 0, offsets: [0, 0, 0] },
        { m: 257, n: 2100, k: 70, transA: true, transB: false, alpha: 1, beta: 1, pad: 3, offsets: [5, 1, 2] },
      ] satisfies GemmCase[]) checkGemm(k, c, Float32Array, `${name} large ${JSON.stringify(c)}`);
    });

    test('adam (chunk edges, weight decay)', () => {
      for (const n of [1, 3, 4, 17, 16383, 16384, 16385, 40001]) {
        for (const wd of [0, 0.01]) {
          const [arrays, hp] = adamCase(n, wd);
          const ref = arrays.map((a) => a.slice());
          ok.adam(arrays[0], arrays[1], arrays[2], arrays[3], hp);
          jsOptimizerKernels.adam(ref[0], ref[1], ref[2], ref[3], hp);
          for (const [i, label] of [[0, 'param'], [2, 'm'], [3, 'v']] as const) {
            assertClose(arrays[i], ref[i], { atol: 1e-6, rtol: 1e-5, what: `${name} adam n=${n} wd=${wd} ${label}` });
          }
          assert.deepEqual(arrays[1], ref[1], 'the gradient is not modified');
        }
      }
    });

    test('adam with vMax (AMSGrad): the running maximum, NaN kept', () => {
      for (const n of [3, 17, 16385, 40001]) {
        const [arrays, hp] = adamCase(n, 0);
        const vMax = rand(Float32Array, n, 0, 0.01) as Float32Array;
        arrays[1][n - 1] = NaN;
        const ref = [...arrays, vMax].map((a) => a.slice());
        ok.adam(arrays[0], arrays[1], arrays[2], arrays[3], hp, vMax);
        jsOptimizerKernels.adam(ref[0], ref[1], ref[2], ref[3], hp, ref[4]);
        for (const [got, want, label] of [[arrays[0], ref[0], 'param'], [arrays[3], ref[3], 'v'], [vMax, ref[4], 'vMax']] as const) {
          assertClose(got, want, { atol: 1e-6, rtol: 1e-5, what: `${name} amsgrad n=${n} ${label}` });
        }
        assert.ok(Number.isNaN(vMax[n - 1]) && Number.isNaN(arrays[0][n - 1]), 'a NaN gradient reaches vMax and the parameter');
        for (let i = 0; i < n - 1; i++) assert.ok(vMax[i] >= arrays[3][i], `${name} amsgrad: vMax below v at ${i}`);
      }
    });

    test('sgd (chunk edges, momentum, dampening, Nesterov, weight decay, maximize, first step)', () => {
      const cases: Omit<SgdHyper, 'lr'>[] = [
        { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, firstStep: false },
        { momentum: 0, dampening: 0, weightDecay: 0.01, nesterov: false, maximize: true, firstStep: false },
        { momentum: 0.9, dampening: 0.3, weightDecay: 0, nesterov: false, maximize: false, firstStep: true },
        { momentum: 0.9, dampening: 0.3, weightDecay: 0.01, nesterov: false, maximize: false, firstStep: false },
        { momentum: 0.8, dampening: 0, weightDecay: 0.01, nesterov: true, maximize: true, firstStep: false },
        { momentum: 0.8, dampening: 0, weightDecay: 0, nesterov: true, maximize: false, firstStep: true },
      ];
      for (const n of [1, 5, 16384, 16385, 40001]) {
        for (const c of cases) {
          const hp: SgdHyper = { lr: 0.05, ...c };
          const p = rand(Float32Array, n) as Float32Array;
          const g = rand(Float32Array, n) as Float32Array;
          const buf = c.momentum ? (rand(Float32Array, n) as Float32Array) : null;
          const ref = [p.slice(), g.slice(), buf?.slice() ?? null] as const;
          ok.sgd(p, g, buf, hp);
          jsOptimizerKernels.sgd(ref[0], ref[1], ref[2], hp);
          const what = `${name} sgd n=${n} ${JSON.stringify(c)}`;
          assertClose(p, ref[0], { atol: 1e-7, rtol: 1e-6, what: `${what} param` });
          if (buf) assertClose(buf, ref[2]!, { atol: 1e-7, rtol: 1e-6, what: `${what} buffer` });
          assert.deepEqual(g, ref[1], 'the gradient is not modified');
        }
      }
    });

    test('rmsprop (plain, centered, momentum, weight decay, maximize; chunk edges)', () => {
      for (const n of [3, 16385, 40001]) {
        for (const [centered, momentum, weightDecay, maximize] of [[false, 0, 0, false], [true, 0, 0.01, true], [false, 0.9, 0.01, false], [true, 0.5, 0, false]] as const) {
          const hp: RmspropHyper = { lr: 0.01, alpha: 0.9, eps: 1e-6, weightDecay, momentum, maximize };
          const p = rand(Float32Array, n) as Float32Array;
          const g = rand(Float32Array, n) as Float32Array;
          const sq = rand(Float32Array, n, 0.5, 1) as Float32Array;
          const gAvg = centered ? (rand(Float32Array, n, -0.1, 0.1) as Float32Array) : null;
          const buf = momentum ? (rand(Float32Array, n) as Float32Array) : null;
          const ref = [p, g, sq, gAvg, buf].map((a) => a?.slice() ?? null);
          ok.rmsprop(p, g, sq, gAvg, buf, hp);
          jsOptimizerKernels.rmsprop(ref[0]!, ref[1]!, ref[2]!, ref[3], ref[4], hp);
          const what = `${name} rmsprop n=${n} centered=${centered} momentum=${momentum}`;
          for (const [i, got] of [[0, p], [2, sq], [3, gAvg], [4, buf]] as const) if (got) assertClose(got, ref[i]!, { atol: 1e-6, rtol: 1e-5, what: `${what} [${i}]` });
          assert.deepEqual(g, ref[1], 'the gradient is not modified');
        }
      }
    });

    test('adagrad (weight decay, maximize; chunk edges)', () => {
      for (const n of [3, 16385, 40001]) {
        for (const [weightDecay, maximize] of [[0, false], [0.02, true]] as const) {
          const hp: AdagradHyper = { lr: 0.05, eps: 1e-10, weightDecay, maximize };
          const p = rand(Float32Array, n) as Float32Array;
          const g = rand(Float32Array, n) as Float32Array;
          const sum = rand(Float32Array, n, 0, 2) as Float32Array;
          const ref = [p.slice(), g.slice(), sum.slice()];
          ok.adagrad(p, g, sum, hp);
          jsOptimizerKernels.adagrad(ref[0], ref[1], ref[2], hp);
          assertClose(p, ref[0], { atol: 1e-6, rtol: 1e-5, what: `${name} adagrad n=${n} param` });
          assertClose(sum, ref[2], { atol: 1e-6, rtol: 1e-5, what: `${name} adagrad n=${n} sum` });
        }
      }
    });

    test('elementwise maps: float32 results equal js bit for bit (specials, chunk edges, broadcasts)', () => {
      const specials = [NaN, 0, -0, Infinity, -Infinity, 0.5, -0.5, 1.5, -2.5, 1e-40, -1e-40, 3.4e38];
      for (const n of [5, 255, 256, 1031, 32768 + 7, 70001]) {
        const x = rand(Float32Array, n, -3, 3);
        for (let i = 0; i < Math.min(n, 40); i++) x[(i * 7919) % n] = specials[i % specials.length];
        for (const op of ['neg', 'abs', 'sqrt', 'square', 'relu', 'step', 'reciprocal', 'floor', 'ceil', 'round', 'isnan', 'sign', 'exp', 'tanh'] as UnaryOp[]) {
          const got = new Float32Array(n);
          const want = new Float32Array(n);
          k.unary(op, x, got);
          jsKernels.unary(op, x, want);
          assertSame(got, want, `${name} unary ${op} n=${n}`);
        }
        const y = rand(Float32Array, n, -3, 3).map((v, i) => (i % 5 === 0 ? x[i] : i % 11 === 0 ? specials[i % specials.length] : v));
        for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'reluGrad', 'pow'] as BinaryOp[]) {
          const got = new Float32Array(n);
          const want = new Float32Array(n);
          k.binary(op, x, [1], y, [1], got, [n]);
          jsKernels.binary(op, x, [1], y, [1], want, [n]);
          assertSame(got, want, `${name} binary ${op} n=${n}`);
          for (const s of [0, -0, 1.5, 0.1, -3, NaN]) {
            k.binaryScalar(op, x, s, got);
            jsKernels.binaryScalar(op, x, s, want);
            assertSame(got, want, `${name} binaryScalar ${op} ${s} n=${n}`);
          }
        }
      }
      // Broadcasts: bias over channels, rows, columns, both sides, rank 5 (js fallback).
      const cases: [number[], number[], number[], number[], number[]][] = [
        [[8, 16, 7, 9], [8 * 16 * 63, 63, 9, 1], [16], [0, 1, 0, 0], [8, 16, 7, 9]],
        [[128, 256], [256, 1], [256], [0, 1], [128, 256]],
        [[33, 65], [65, 1], [33], [1, 0], [33, 65]],
        [[33, 65], [0, 1], [33 * 65], [65, 1], [33, 65]],
        [[2, 3, 4, 5, 6], [360, 120, 30, 6, 1], [6], [0, 0, 0, 0, 1], [2, 3, 4, 5, 6]],
        [[9, 1, 17], [17, 0, 1], [5 * 17], [0, 17, 1], [9, 5, 17]],
      ];
      for (const [, aStrides, bShape, bStrides, out] of cases) {
        const size = out.reduce((p, d) => p * d, 1);
        const aLen = aStrides.reduce((p, s, i) => p + s * (out[i] - 1), 1);
        const a = rand(Float32Array, aLen);
        const b = rand(Float32Array, bShape.reduce((p, d) => p * d, 1));
        for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'gt'] as BinaryOp[]) {
          for (const [x, xs, z, zs] of [[a, aStrides, b, bStrides], [b, bStrides, a, aStrides]] as const) {
            const got = new Float32Array(size);
            const want = new Float32Array(size);
            k.binary(op, x, xs, z, zs, got, out);
            jsKernels.binary(op, x, xs, z, zs, want, out);
            assertSame(got, want, `${name} broadcast ${op} ${JSON.stringify(out)}`);
          }
        }
      }
    });

    test('elementwise, reductions, layout, softmax', () => {
      for (const Arr of [Float32Array, Float64Array]) {
        const x = rand(Arr, 1031, -3, 3);
        const tol = { atol: Arr === Float32Array ? 1e-6 : 1e-14, rtol: Arr === Float32Array ? 1e-5 : 1e-12 };
        for (const op of ['neg', 'abs', 'exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'relu', 'step', 'square', 'erf', 'round', 'sign'] as UnaryOp[]) {
          const got = new Arr(x.length);
          const want = new Arr(x.length);
          k.unary(op, x, got);
          jsKernels.unary(op, x, want);
          assertClose(got, want, { ...tol, what: `${name} unary ${op}` });
        }
        for (const op of ['add', 'mul', 'sub', 'div', 'pow', 'gt'] as BinaryOp[]) {
          const got = new Arr(x.length);
          const want = new Arr(x.length);
          k.binaryScalar(op, x, 1.5, got);
          jsKernels.binaryScalar(op, x, 1.5, want);
          assertClose(got, want, { ...tol, what: `${name} binaryScalar ${op}` });
        }
        const y = rand(Arr, 7 * 11 * 13);
        const bias = rand(Arr, 11);
        for (const op of ['add', 'mul', 'maximum'] as BinaryOp[]) {
          const got = new Arr(y.length);
          const want = new Arr(y.length);
          k.binary(op, y, [143, 13, 1], bias, [0, 1, 0], got, [7, 11, 13]);
          jsKernels.binary(op, y, [143, 13, 1], bias, [0, 1, 0], want, [7, 11, 13]);
          assertClose(got, want, { ...tol, what: `${name} binary ${op}` });
        }
        for (const op of ['sum', 'max', 'min'] as ReduceOp[]) {
          for (const [o, n, i] of [[7, 11, 13], [1, 1001, 1], [77, 13, 1], [1, 3, 333]]) {
            const got = new Arr(o * i);
            const want = new Arr(o * i);
            k.reduce(op, y, o, n, i, got);
            jsKernels.reduce(op, y, o, n, i, want);
            assertClose(got, want, { atol: 1e-4, rtol: 1e-5, what: `${name} reduce ${op} ${[o, n, i]}` });
          }
        }
        for (const op of ['argmax', 'argmin'] as const) {
          const got = new Arr(7 * 13);
          const want = new Arr(7 * 13);
          k.argReduce(op, y, 7, 11, 13, got);
          jsKernels.argReduce(op, y, 7, 11, 13, want);
          assert.deepEqual(got, want, `${name} ${op}`);
        }
        const perm = [2, 0, 1];
        const pGot = new Arr(y.length);
        const pWant = new Arr(y.length);
        k.permute(y, [7, 11, 13], perm, pGot);
        jsKernels.permute(y, [7, 11, 13], perm, pWant);
        assert.deepEqual(pGot, pWant, `${name} permute`);
        const index = Int32Array.from({ length: 500 }, (_, i) => (i % 9 === 0 ? -1 : (i * 37) % y.length));
        const tGot = new Arr(index.length);
        const tWant = new Arr(index.length);
        k.take(y, index, tGot);
        jsKernels.take(y, index, tWant);
        assert.deepEqual(tGot, tWant, `${name} take`);
        const sGot = new Arr(y.length);
        const sWant = new Arr(y.length);
        k.scatterAdd(tGot, index, sGot);
        jsKernels.scatterAdd(tWant, index, sWant);
        assertClose(sGot, sWant, { ...tol, what: `${name} scatterAdd` });
        // Past the wasm kernel's size threshold: repeated and skipped indices, a non-zero out
        // (added into, not overwritten), the same float32 sums in the same order as js.
        const big = Int32Array.from({ length: 20000 }, (_, i) => (i % 11 === 0 ? -1 : (i * 7919) % 6000));
        const gBig = rand(Arr, big.length);
        const outGot = rand(Arr, 6000);
        const outWant = outGot.slice();
        k.scatterAdd(gBig, big, outGot);
        jsKernels.scatterAdd(gBig, big, outWant);
        assert.deepEqual(outGot, outWant, `${name} scatterAdd (large)`);
        for (const log of [false, true]) {
          const got = new Arr(y.length);
          const want = new Arr(y.length);
          k.softmax(y, 77, 13, got, log);
          jsKernels.softmax(y, 77, 13, want, log);
          assertClose(got, want, { ...tol, what: `${name} softmax log=${log}` });
        }
      }
    });

    test('float32 sums equal js bit for bit (row sums, column sums, chunking)', () => {
      for (const [o, n, i] of [[1024, 784, 1], [7, 3001, 1], [3, 5, 4097], [128, 256, 1], [1, 128, 256], [64, 16, 784], [5, 70000, 1], [33, 3, 41]]) {
        const x = rand(Float32Array, o * n * i);
        const got = new Float32Array(o * i);
        const want = new Float32Array(o * i);
        k.reduce('sum', x, o, n, i, got);
        jsKernels.reduce('sum', x, o, n, i, want);
        assertSame(got, want, `${name} reduce sum ${[o, n, i]}`);
      }
    });

    test('adaptive max pooling equals js (values and winners; NaN wins; overlapping windows)', () => {
      for (const [planes, h, w, oh, ow] of [[8, 28, 28, 5, 7], [3, 40, 50, 40, 50], [2, 64, 33, 7, 66], [1, 100, 100, 1, 1], [64, 7, 9, 3, 4]]) {
        const x = rand(Float32Array, planes * h * w);
        x[5] = NaN;
        const got = new Float32Array(planes * oh * ow);
        const want = new Float32Array(got.length);
        const gotAt = new Int32Array(got.length);
        const wantAt = new Int32Array(got.length);
        k.adaptiveMaxPool2d(x, planes, h, w, oh, ow, got, gotAt);
        jsKernels.adaptiveMaxPool2d(x, planes, h, w, oh, ow, want, wantAt);
        assertSame(got, want, `${name} adaptiveMaxPool2d values ${[planes, h, w, oh, ow]}`);
        assertSame(gotAt, wantAt, `${name} adaptiveMaxPool2d winners ${[planes, h, w, oh, ow]}`);
      }
    });

    test('float32 cumsum equals js bit for bit (lines along every axis position, chunking, a leading -0)', () => {
      for (const [o, n, i] of [[64, 100, 1], [3, 5, 4097], [7, 2000, 3], [1, 70000, 1], [33, 3, 41], [2, 1, 5000]]) {
        const x = rand(Float32Array, o * n * i);
        x[0] = -0;
        const got = new Float32Array(x.length);
        const want = new Float32Array(x.length);
        k.cumsum(x, o, n, i, got);
        jsKernels.cumsum(x, o, n, i, want);
        assertSame(got, want, `${name} cumsum ${[o, n, i]}`);
      }
    });

    test('the sort order equals js (stable ties, NaN largest, -0 and 0 tied, both directions, every axis position)', () => {
      for (const [o, n, i] of [[64, 100, 1], [3, 257, 7], [1, 5000, 1], [40, 2, 60], [2, 1, 4100]]) {
        const x = rand(Float32Array, o * n * i);
        for (let j = 0; j < x.length; j += 7) x[j] = Math.round(x[j] * 3) / 3; // ties
        x[1] = NaN;
        x[2] = -0;
        x[3] = 0;
        for (const descending of [false, true]) {
          const got = new Int32Array(x.length);
          const want = new Int32Array(x.length);
          k.sortOrder(x, o, n, i, descending, got);
          jsKernels.sortOrder(x, o, n, i, descending, want);
          assertSame(got, want, `${name} sortOrder ${[o, n, i]} descending=${descending}`);
        }
      }
    });

    test('whole-batch convolutions (forward with and without bias, both gradients)', () => {
      const cases: [ConvGeometry, number, number, number][] = [
        // geometry of one group, batch, groups, output channels
        [geometry(1, 28, 28, 3, 3, [1, 1], [1, 1], [1, 1]), 64, 1, 16],
        [geometry(16, 14, 14, 3, 3, [1, 1], [1, 1], [1, 1]), 7, 1, 32],
        [geometry(3, 9, 11, 3, 2, [2, 1], [1, 0], [1, 2]), 5, 2, 4],
        [geometry(2, 6, 6, 1, 1, [1, 1], [0, 0], [1, 1]), 1, 3, 6],
        [geometry(4, 40, 40, 5, 5, [1, 1], [2, 2], [1, 1]), 9, 1, 8],
        [geometry(2, 8, 7, 3, 3, [1, 1], [2, 2], [2, 2]), 3, 2, 4],
        [geometry(1, 2, 3, 5, 3, [1, 1], [2, 1], [1, 1]), 4, 1, 3],
        // planes of 256 outputs and more (the blas backend's image-by-image path): no padding
        // (rows narrower than the image), stride 2 with groups, dilation with padding wider
        // than the kernel reaches (rows of padding only), a tall kernel
        [geometry(32, 26, 26, 3, 3, [1, 1], [0, 0], [1, 1]), 3, 1, 16],
        [geometry(3, 40, 41, 3, 3, [2, 2], [1, 1], [1, 1]), 2, 2, 4],
        [geometry(2, 30, 30, 3, 3, [1, 1], [3, 1], [2, 2]), 2, 1, 5],
        [geometry(1, 20, 20, 5, 3, [1, 1], [4, 0], [1, 1]), 2, 1, 3],
      ];
      for (const [g, n, groups, outChannels] of cases) {
        const b: ConvBatch = { n, groups, outChannels, geometry: g };
        const ckk = g.channels * g.kernelH * g.kernelW;
        for (const Arr of [Float32Array, Float64Array]) {
          const x = rand(Arr, n * groups * g.channels * g.height * g.width);
          const w = rand(Arr, outChannels * ckk);
          const bias = rand(Arr, outChannels);
          const ySize = n * outChannels * g.outH * g.outW;
          const gy = rand(Arr, ySize);
          const tol = { atol: Arr === Float32Array ? 2e-5 * Math.sqrt(ckk * 4) : 1e-12, rtol: Arr === Float32Array ? 1e-4 : 1e-12 };
          const what = `${name} ${JSON.stringify({ n, groups, outChannels, c: g.channels, h: g.height, w: g.width, k: [g.kernelH, g.kernelW] })} ${Arr.name}`;
          for (const withBias of [false, true]) {
            const got = new Arr(ySize).fill(NaN);
            const want = new Arr(ySize);
            k.conv2d(x, w, withBias ? bias : null, b, got);
            jsKernels.conv2d(x, w, withBias ? bias : null, b, want);
            assertClose(got, want, { ...tol, what: `${what} conv2d bias=${withBias}` });
          }
          const gx = new Arr(x.length).fill(NaN);
          const gxWant = new Arr(x.length);
          k.conv2dInputGrad(gy, w, b, gx);
          jsKernels.conv2dInputGrad(gy, w, b, gxWant);
          assertClose(gx, gxWant, { ...tol, what: `${what} conv2dInputGrad` });
          const gw = new Arr(w.length).fill(NaN);
          const gwWant = new Arr(w.length);
          const saved = k.conv2d(x, w, null, b, new Arr(ySize));
          k.conv2dWeightGrad(x, gy, b, gw, saved);
          jsKernels.conv2dWeightGrad(x, gy, b, gwWant);
          const tolW = { atol: tol.atol * Math.sqrt(n * g.outH * g.outW), rtol: tol.rtol };
          assertClose(gw, gwWant, { ...tolW, what: `${what} conv2dWeightGrad` });
        }
      }
    });

    test('maxPool2d 2x2 (the SIMD path): ties, NaN, odd sizes', () => {
      for (const [h, w] of [[28, 28], [14, 14], [7, 9], [2, 2], [5, 31], [4, 10]]) {
        const g = geometry(1, h, w, 2, 2, [2, 2], [0, 0], [1, 1]);
        const planes = 3;
        const x = rand(Float32Array, planes * h * w).map((v) => Math.round(v * 2));
        for (let i = 0; i < x.length; i += 13) x[i] = NaN;
        if (x.length > 3) x[3] = -0;
        const n = planes * g.outH * g.outW;
        // Outputs start as garbage: every element must be written.
        const got = [new Float32Array(n).fill(7), new Int32Array(n).fill(-5)] as const;
        const want = [new Float32Array(n), new Int32Array(n)] as const;
        k.maxPool2d(x, planes, g, got[0], got[1]);
        jsKernels.maxPool2d(x, planes, g, want[0], want[1]);
        assertSame(got[0], want[0], `${name} maxPool2d values ${h}x${w}`);
        assert.deepEqual(got[1], want[1], `${name} maxPool2d argmax ${h}x${w}`);
      }
    });

    test('im2col, col2im, maxPool2d', () => {
      for (const g of GEOMETRIES) {
        for (const Arr of [Float32Array, Float64Array]) {
          const x = rand(Arr, 2 + g.channels * g.height * g.width);
          const size = g.channels * g.kernelH * g.kernelW * g.outH * g.outW;
          const got = new Arr(size);
          const want = new Arr(size);
          k.im2col(x, 2, g, got);
          jsKernels.im2col(x, 2, g, want);
          assert.deepEqual(got, want, `${name} im2col`);
          const out = rand(Arr, x.length);
          const outRef = out.slice();
          k.col2im(got, g, out, 2);
          jsKernels.col2im(want, g, outRef, 2);
          assertClose(out, outRef, { atol: 1e-6, rtol: 1e-5, what: `${name} col2im` });
        }
        const pg = { ...g, padH: 0, padW: 0 };
        pg.outH = Math.floor((g.height - g.dilationH * (g.kernelH - 1) - 1) / g.strideH) + 1;
        pg.outW = Math.floor((g.width - g.dilationW * (g.kernelW - 1) - 1) / g.strideW) + 1;
        if (pg.outH < 1 || pg.outW < 1) continue;
        const x = rand(Float32Array, 2 * g.height * g.width);
        const n = 2 * pg.outH * pg.outW;
        const got = [new Float32Array(n), new Int32Array(n)] as const;
        const want = [new Float32Array(n), new Int32Array(n)] as const;
        k.maxPool2d(x, 2, pg, got[0], got[1]);
        jsKernels.maxPool2d(x, 2, pg, want[0], want[1]);
        assert.deepEqual(got, want, `${name} maxPool2d`);
      }
    });
  });
}

test('which backends ran', () => {
  // Visible in the output, so a machine without BLAS or without the wasm build is noticed.
  console.log(`# backends compared with js: ${others.join(', ') || 'none'}`);
});
