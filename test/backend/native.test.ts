/**
 * The blas backend's native kernels (src/backend/native: kernels.c built for this machine):
 * present wherever they were built, the same bits as the wasm kernels they are compiled from,
 * and refused with a reason when the library is wrong. The elementwise maps, sums and max-pool
 * are also compared with js bit for bit by kernels.test.ts, which runs on the blas backend.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendInfo, listBackends, setBackend } from '../../src/backend/registry.js';
import { loadBackends } from '../../src/backend/load.js';
import { jsKernels } from '../../src/backend/js/index.js';
import { openNativeKernels, type NativeKoffi, type NativeStamp } from '../../src/backend/native/index.js';
import type { ConvBatch, Kernels } from '../../src/backend/kernels.js';
import { adaptsThreads, createBlasKernels, findBlas } from '../../src/backend/blas/index.js';
import { createWasmKernels, WASM_URL } from '../../src/backend/wasm/index.js';
import { WA } from '../helpers/wasm-api.js';
import { createOptimizer } from '../../src/optim/index.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

const library = fileURLToPath(new URL('../../src/backend/native/kernels.so', import.meta.url));
const built = existsSync(library) && existsSync(`${library}.json`);
const compiler = ['clang', 'gcc'].some((c) => spawnSync(c, ['--version']).status === 0);
loadBackends();
const blas = listBackends().some((b) => b.name === 'blas');

describe('native kernels', () => {
  test('are built where a C compiler is, and the blas backend uses them', (t) => {
    if (!compiler) return t.skip('no C compiler here: the blas backend runs its wasm kernels');
    assert.ok(built, `${library} is missing: npm test builds it (node scripts/build-native.mjs)`);
    if (!blas) return t.skip('no BLAS library here');
    const previous = backendInfo().name;
    setBackend('blas');
    const detail = backendInfo().detail;
    setBackend(previous);
    assert.match(detail, /native kernels .* for elementwise maps/);
  });

  // Trajectories longer than the wasm arena's chunk (16384), of odd length, with a large lr too.
  const METHODS: [string, Record<string, unknown>][] = [
    ['adam', {}], ['adam', { amsgrad: true, weightDecay: 0.1, lr: 3 }], ['adamw', { weightDecay: 0.1 }],
    ['sgd', { lr: 0.1 }], ['sgd', { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }],
    ['rmsprop', { centered: true, momentum: 0.5 }], ['adagrad', { lr: 0.5 }],
    ['nadam', {}], ['radam', { lr: 2 }], ['adamax', {}], ['adamnc', {}], ['yogi', {}], ['adabelief', { amsgrad: true }],
    ['adabound', { amsbound: true }], ['adadelta', { weightDecay: 0.1 }], ['lion', {}], ['signum', {}], ['rprop', {}],
    ['asgd', { t0: 2 }], ['lars', { momentum: 0.5 }], ['novograd', {}], ['adashift', { keepNum: 2 }],
    ['lamb', { weightDecay: 0.1 }], ['adafactor', {}], ['adafactor', { beta1: 0.9, lr: 0.01 }],
  ];
  function trajectory(backend: string, name: string, options: Record<string, unknown>): Float32Array[] {
    // Adafactor factors a matrix's second moment; the rest see one long vector.
    const shape = name === 'adafactor' ? [211, 190] : [40003];
    const N = shape[0] * (shape[1] ?? 1);
    const previous = backendInfo().name;
    setBackend(backend);
    try {
      const gen = new Generator(3);
      const p = new Tensor(Float32Array.from({ length: N }, () => gen.uniform(-1, 1)), shape).requiresGrad_();
      const opt = createOptimizer(name, [p], options);
      const out: Float32Array[] = [];
      for (let step = 0; step < 4; step++) {
        p.grad = new Tensor(Float32Array.from({ length: N }, (_, i) => (i % 7 === 3 ? 0 : gen.uniform(-2, 2))), shape);
        opt.step();
        out.push(Float32Array.from(p.data));
      }
      return out;
    } finally {
      setBackend(previous);
    }
  }
  for (const [name, options] of METHODS) {
    test(`${name} ${JSON.stringify(options)}: the same bits as the wasm kernel`, (t) => {
      if (!built || !blas || !listBackends().some((b) => b.name === 'wasm')) return t.skip('needs the native kernels, a BLAS and the wasm backend');
      const want = trajectory('wasm', name, options);
      const got = trajectory('blas', name, options);
      got.forEach((g, s) => {
        const i = g.findIndex((v, j) => !Object.is(v, want[s][j]));
        assert.equal(i, -1, `step ${s + 1}, element ${i}: ${g[i]} natively, ${want[s][i]} on wasm`);
      });
    });
  }

  test('the running maxima of AMSGrad and AMSBound: the wasm bits on NaN, signed zeros and infinities', (t) => {
    if (!built) return t.skip('the native kernels are not built here');
    const koffi = createRequire(import.meta.url)('koffi') as NativeKoffi;
    const stamp = JSON.parse(readFileSync(`${library}.json`, 'utf8')) as NativeStamp;
    const native = openNativeKernels(koffi, library, stamp, jsKernels).optimizerKernels;
    const wasm = createWasmKernels(new WA.Module(readFileSync(WASM_URL))).optimizerKernels;
    // Every pair of these as (running maximum, gradient), so each lane of the vector maxima meets each case.
    const special = [NaN, -0, 0, -Infinity, Infinity, 1e-30, 3, -2];
    const vMax = Float32Array.from(special.flatMap((a) => special.map(() => a)));
    const g = Float32Array.from(special.flatMap(() => special));
    const n = g.length;
    const run = (k: typeof native): Float32Array[] => {
      const p = new Float32Array(n).fill(0.5), m = new Float32Array(n), v = new Float32Array(n), vm = Float32Array.from(vMax);
      const p2 = new Float32Array(n).fill(0.5), m2 = new Float32Array(n), v2 = new Float32Array(n), vm2 = Float32Array.from(vMax);
      k.adam!(p, g, m, v, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, biasCorrection1: 0.1, biasCorrection2: 0.001 }, vm);
      k.adabound!(p2, g, m2, v2, vm2, { lr: 0.1, weightDecay: 0, maximize: false, beta1: 0.9, beta2: 0.999, eps: 1e-8, base: 0.1, lower: 0.01, upper: 0.2, decay: 1 });
      return [p, vm, p2, vm2];
    };
    const want = run(wasm);
    run(native).forEach((got, a) => {
      const i = got.findIndex((x, j) => !Object.is(x, want[a][j]) && !(Number.isNaN(x) && Number.isNaN(want[a][j])));
      assert.equal(i, -1, `${['adam p', 'adam vMax', 'adabound p', 'adabound vMax'][a]}[${i}] (vMax ${vMax[i]}, g ${g[i]}): ${got[i]} natively, ${want[a][i]} on wasm`);
    });
  });

  test('the float32 normal stream on 8 and 16 lanes: the js loop\'s bits and state, added, in place and filled', (t) => {
    if (!built) return t.skip('the native kernels are not built here');
    const koffi = createRequire(import.meta.url)('koffi') as NativeKoffi;
    const stamp = JSON.parse(readFileSync(`${library}.json`, 'utf8')) as NativeStamp;
    const lib = koffi.load(library);
    const width = lib.func(stamp.prototypes.normal32_lanes_width)() as number;
    const run = lib.func(stamp.prototypes.normal32_lanes);
    const widths = [8, 16].filter((w) => w <= width);
    if (widths.length === 0) return t.skip('this CPU has neither AVX2 nor AVX-512');
    // Every path (lanes of 1016 pairs, 2032 elements): groups of all lanes, a last group of 4 or
    // more, fewer lanes' pairs one by one, odd counts.
    const lane = 2032;
    const lengths = [0, 1, 2, lane - 1, lane, lane + 1, 4 * lane - 1, 4 * lane, 8 * lane - 1, 16 * lane, 16 * lane + 3 * lane + 1, 16 * lane + 5 * lane + 1, 65025, 300_001];
    const previous = backendInfo().name;
    setBackend('js');
    try {
      for (const n of lengths) {
        for (const how of ['add', 'in-place', 'fill'] as const) {
          const x = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.7) * 2);
          const g = new Generator(n + 11);
          const start = g.getState().slice(0, 4);
          const want = new Float32Array(n);
          if (how === 'fill') g.fillNormal32(want, 0.25, 1.5);
          else g.addNormal32(want, x, 1.5);
          const wantState = g.getState().slice(0, 4);
          for (const lanes of widths) {
            const state = Int32Array.from(start);
            const xi = Float32Array.from(x);
            const out = how === 'in-place' ? xi : new Float32Array(n);
            assert.equal(run(lanes, state, how === 'fill' ? null : xi, out, n, how === 'fill' ? 0 : 1, how === 'fill' ? 0.25 : 0, 1.5), 1);
            const i = out.findIndex((v, j) => !Object.is(v, want[j]));
            assert.equal(i, -1, `${lanes} lanes, ${how}, n=${n}: [${i}] is ${out[i]}, expected ${want[i]}`);
            assert.deepEqual([...state], wantState, `${lanes} lanes, ${how}, n=${n}: the state after`);
          }
        }
      }
    } finally {
      setBackend(previous);
    }
    assert.equal(run(32, new Int32Array(4), null, new Float32Array(4), 4, 0, 0, 1), 0, 'a width the kernel has not is refused');
  });

  /** The pieces the convolution tests share, made once (a second findBlas in one process finds the library already set up). */
  let convParts: { lib: NonNullable<ReturnType<typeof findBlas>>; one: ReturnType<typeof createWasmKernels>; blasKernels: ReturnType<typeof createBlasKernels>; native: ReturnType<typeof openNativeKernels> } | null | undefined;
  function convSetup(): typeof convParts {
    if (convParts !== undefined) return convParts;
    const koffi = createRequire(import.meta.url)('koffi') as NativeKoffi & Parameters<typeof findBlas>[0];
    const lib = findBlas(koffi);
    if (!lib || !adaptsThreads(lib)) return (convParts = null);
    const one = createWasmKernels(new WA.Module(readFileSync(WASM_URL)));
    const blasKernels = createBlasKernels(lib, { ...jsKernels, ...one.kernels });
    const stamp = JSON.parse(readFileSync(`${library}.json`, 'utf8')) as NativeStamp;
    return (convParts = { lib, one, blasKernels, native: openNativeKernels(koffi, library, stamp, jsKernels) });
  }

  type Convs = Pick<Kernels, 'conv2d' | 'conv2dInputGrad' | 'conv2dWeightGrad'>;
  /** y, gx and gw from `k`'s three passes, into outputs that start as NaN (each must be written in full). */
  function convPasses(k: Convs, b: ConvBatch, x: Float32Array, w: Float32Array, bias: Float32Array, gy: Float32Array): Float32Array[] {
    const y = new Float32Array(gy.length).fill(NaN), gx = new Float32Array(x.length).fill(NaN), gw = new Float32Array(w.length).fill(NaN);
    k.conv2d.call(jsKernels, x, w, bias, b, y);
    k.conv2dInputGrad.call(jsKernels, gy, w, b, gx);
    k.conv2dWeightGrad.call(jsKernels, x, gy, b, gw);
    return [y, gx, gw];
  }

  test('large convolutions on threads: the image-by-image loop\'s bits on 1, 2 and 3 threads', (t) => {
    if (!built) return t.skip('the native kernels are not built here');
    const parts = convSetup();
    if (!parts) return t.skip('needs a CBLAS whose thread count descent sets (OpenBLAS)');
    const { lib, one, blasKernels, native } = parts;
    const oneThread = blasKernels.oneThread!;
    // The loop every large convolution's bits are defined by (blas-images.test.ts: the workers give them too).
    const imageByImage = one.convWithGemm(blasKernels.gemm, { gemm: oneThread.gemm, set: oneThread.set });
    const gen = new Generator(5);
    const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => gen.uniform(-1, 1));
    const batch = (n: number, groups: number, channels: number, size: number, outChannels: number, pad: number): ConvBatch => {
      const out = size + 2 * pad - 2;
      return { n, groups, outChannels, geometry: { channels, height: size, width: size, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padH: pad, padW: pad, dilationH: 1, dilationW: 1, outH: out, outW: out } };
    };
    for (const b of [batch(64, 1, 32, 26, 64, 0), batch(13, 1, 32, 24, 64, 1), batch(9, 2, 16, 26, 64, 0)]) {
      const g = b.geometry;
      const x = rand(b.n * b.groups * g.channels * g.height * g.width), w = rand(b.outChannels * g.channels * 9), bias = rand(b.outChannels);
      const gy = rand(b.n * b.outChannels * g.outH * g.outW);
      const want = convPasses(imageByImage, b, x, w, bias, gy);
      for (const threads of [1, 2, 3]) {
        const convs = native.imageConvolutions(lib.path, threads, oneThread.set, jsKernels);
        assert.ok(convs, `${lib.path} has no cblas_sgemm for the native convolutions`);
        const got = convPasses(convs, b, x, w, bias, gy);
        ['y', 'gx', 'gw'].forEach((what, i) => {
          const k = got[i].findIndex((v, j) => !Object.is(v, want[i][j]));
          assert.equal(k, -1, `${b.n} images, ${b.groups} groups, ${threads} threads: ${what}[${k}] is ${got[i][k]} natively, ${want[i][k]} image by image`);
        });
      }
    }
  });

  test('convolutions with small planes (which the wasm path batches) natively: the same bits on 1, 2 and 3 threads, the batched numbers within rounding', (t) => {
    if (!built) return t.skip('the native kernels are not built here');
    const parts = convSetup();
    if (!parts) return t.skip('needs a CBLAS whose thread count descent sets (OpenBLAS)');
    const { lib, one, blasKernels, native } = parts;
    const oneThread = blasKernels.oneThread!;
    const batched = one.convWithGemm(blasKernels.gemm, { gemm: oneThread.gemm, set: oneThread.set });
    const gen = new Generator(6);
    const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => gen.uniform(-1, 1));
    // The bench's second convolution: 16 -> 32 channels on 14 x 14 with padding 1 (a plane of 196 outputs).
    const g = { channels: 16, height: 14, width: 14, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1, outH: 14, outW: 14 };
    const b: ConvBatch = { n: 21, groups: 1, outChannels: 32, geometry: g };
    const x = rand(21 * 16 * 196), w = rand(32 * 16 * 9), bias = rand(32), gy = rand(21 * 32 * 196);
    const want = convPasses(batched, b, x, w, bias, gy);
    let first: Float32Array[] | null = null;
    for (const threads of [1, 2, 3]) {
      const got = convPasses(native.imageConvolutions(lib.path, threads, oneThread.set, jsKernels)!, b, x, w, bias, gy);
      first ??= got;
      ['y', 'gx', 'gw'].forEach((what, i) => {
        const k = got[i].findIndex((v, j) => !Object.is(v, first![i][j]));
        assert.equal(k, -1, `${threads} threads: ${what}[${k}] is ${got[i][k]}, ${first![i][k]} on one thread`);
        // float32 rounding of sums of up to 21 * 196 products of numbers in [-1, 1], added in other orders
        const far = got[i].findIndex((v, j) => !(Math.abs(v - want[i][j]) <= 2e-3));
        assert.equal(far, -1, `${what}[${far}] is ${got[i][far]} natively, ${want[i][far]} batched`);
      });
    }
  });

  test('a library that is not the kernels is refused with its path', (t) => {
    if (!built) return t.skip('the native kernels are not built here');
    const koffi = createRequire(import.meta.url)('koffi') as NativeKoffi;
    const stamp = JSON.parse(readFileSync(`${library}.json`, 'utf8')) as NativeStamp;
    const bogus = join(mkdtempSync(join(tmpdir(), 'descent-native-')), 'kernels.so');
    writeFileSync(bogus, 'not a shared library');
    assert.throws(() => openNativeKernels(koffi, bogus, stamp, jsKernels), (e: Error) => e.message.includes(bogus));
    const { unary: _, ...noUnary } = stamp.prototypes;
    assert.throws(() => openNativeKernels(koffi, library, { ...stamp, prototypes: noUnary }, jsKernels), /no export unary .*build-native/);
  });
});
