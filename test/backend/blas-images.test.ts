/**
 * The blas backend's large convolutions, whole images on each thread (src/backend/wasm/blas-parts.ts):
 * every worker opens the CBLAS itself and runs one-thread GEMMs on the shared memory. Checked:
 * the workers' results are the image-by-image loop's bit for bit (so a result never depends on
 * the thread count or on when a worker became ready), they agree with the js reference, the
 * workers really ran the parts, and the backend routes only the large convolutions there.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { ConvBatch, ConvGeometry, Kernels } from '../../src/backend/kernels.js';
import { jsKernels } from '../../src/backend/js/index.js';
import { adaptsThreads, createBlasKernels, findBlas, type BlasLibrary } from '../../src/backend/blas/index.js';
import { createWasmKernels, WASM_MT_URL, WASM_URL, type WasmKernels } from '../../src/backend/wasm/index.js';
import { WEIGHT_GRAD_CHUNK, type RawSgemm } from '../../src/backend/wasm/blas-parts.js';
import { wasmThreadsProblem } from '../../src/backend/wasm/threads.js';
import { Generator } from '../../src/tensor/random.js';
import { WA } from '../helpers/wasm-api.js';

type Convs = Pick<Kernels, 'conv2d' | 'conv2dInputGrad' | 'conv2dWeightGrad'>;

const require = createRequire(import.meta.url);
let lib: BlasLibrary | null = null;
let why = wasmThreadsProblem();
if (!why) {
  try {
    lib = findBlas(require('koffi'));
    if (!lib) why = 'no CBLAS library on this machine';
    else if (!adaptsThreads(lib)) why = `${lib.description}: descent does not set its thread count here`;
  } catch (e) {
    why = `no BLAS: ${(e as Error).message}`;
  }
}

const gen = new Generator(5);
const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => gen.uniform(-1, 1));

function batch(n: number, groups: number, channels: number, size: number, outChannels: number, pad = 0): ConvBatch {
  const out = size + 2 * pad - 2;
  const geometry: ConvGeometry = { channels, height: size, width: size, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padH: pad, padW: pad, dilationH: 1, dilationW: 1, outH: out, outW: out };
  return { n, groups, outChannels, geometry };
}

/** y, gx and gw of one convolution's three passes on `k`. */
function passes(k: Convs, b: ConvBatch, x: Float32Array, w: Float32Array, bias: Float32Array, gy: Float32Array): Float32Array[] {
  const y = new Float32Array(gy.length), gx = new Float32Array(x.length), gw = new Float32Array(w.length);
  const self = jsKernels;
  k.conv2d.call(self, x, w, bias, b, y);
  k.conv2dInputGrad.call(self, gy, w, b, gx);
  k.conv2dWeightGrad.call(self, x, gy, b, gw);
  return [y, gx, gw];
}

function assertSameBits(got: Float32Array, want: Float32Array, what: string): void {
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < g.length; i++) if (g[i] !== w[i]) assert.fail(`${what}: element ${i} is ${got[i]} on the workers and ${want[i]} image by image`);
}

function assertClose(got: Float32Array, want: Float32Array, what: string): void {
  let err = 0, scale = 0;
  for (let i = 0; i < got.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  assert.ok(err <= 1e-5 * scale, `${what}: max error ${err} against the js reference (scale ${scale})`);
}

describe('blas: large convolutions whole images on each thread', { skip: why || undefined }, () => {
  let images: WasmKernels;
  let workersOnly: Convs;
  let imageByImage: Convs;
  let routed: Convs;
  /** How often `routed` asked for the threaded path (once, on its first large convolution). */
  let threadedMade = 0;
  before(async () => {
    const st = new WA.Module(readFileSync(WASM_URL));
    const mt = new WA.Module(readFileSync(WASM_MT_URL));
    const one = createWasmKernels(st);
    const blas = createBlasKernels(lib!, { ...jsKernels, ...one.kernels });
    const oneThread = blas.oneThread!;
    const poolBlas = { koffiPath: require.resolve('koffi'), libraryPath: lib!.path, sgemm: lib!.sgemm as unknown as RawSgemm, chunkImages: WEIGHT_GRAD_CHUNK };
    // The caller leaves every image to the workers here, so the results checked are theirs.
    images = createWasmKernels(st, { module: mt, threads: 2, blas: poolBlas, callerClaims: false });
    workersOnly = images.convWithGemm(blas.gemm, oneThread);
    imageByImage = one.convWithGemm(blas.gemm, { gemm: oneThread.gemm, set: oneThread.set });
    routed = one.convWithGemm(blas.gemm, { ...oneThread, large: () => (threadedMade++, workersOnly) });
    const until = Date.now() + 30000;
    while (images.readyThreads() < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(images.readyThreads(), 2, 'the worker did not start (or could not open the BLAS)');
  });

  const cases: [string, ConvBatch][] = [
    ['the MNIST example conv 32->64 on 26x26, 64 images', batch(64, 1, 32, 26, 64)],
    ['13 images (a partial last chunk of the weight gradient), padding 1', batch(13, 1, 32, 24, 64, 1)],
    ['two groups of 16 -> 32 channels, 9 images', batch(9, 2, 16, 26, 64)],
  ];
  for (const [name, b] of cases) {
    test(`${name}: the workers give the image-by-image loop's bits, close to the js reference`, () => {
      const g = b.geometry;
      const x = rand(b.n * b.groups * g.channels * g.height * g.width);
      const w = rand(b.outChannels * g.channels * 9);
      const bias = rand(b.outChannels);
      const gy = rand(b.n * b.outChannels * g.outH * g.outW);
      const before = images.workerParts();
      const got = passes(workersOnly, b, x, w, bias, gy);
      assert.ok(images.workerParts() > before, 'the workers ran no part');
      const want = passes(imageByImage, b, x, w, bias, gy);
      const ref = passes(jsKernels, b, x, w, bias, gy);
      ['y', 'gx', 'gw'].forEach((what, i) => {
        assertSameBits(got[i], want[i], what);
        assertClose(got[i], ref[i], what);
      });
    });
  }

  test('only convolutions from 2^25 multiply-adds go to the threads, whose path is made on the first of them', () => {
    const small = batch(64, 1, 1, 28, 16, 1); // the benchmark's first conv: 7.2M multiply-adds
    const g = small.geometry;
    const x = rand(64 * 28 * 28), w = rand(16 * 9), bias = rand(16), gy = rand(64 * 16 * g.outH * g.outW);
    let parts = images.workerParts();
    passes(routed, small, x, w, bias, gy);
    assert.equal(images.workerParts(), parts, 'a small convolution went to the workers');
    assert.equal(threadedMade, 0, 'the threaded path was made before a large convolution');
    const large = cases[0][1];
    const lg = large.geometry;
    parts = images.workerParts();
    passes(routed, large, rand(64 * 32 * 26 * 26), rand(64 * 32 * 9), rand(64), rand(64 * 64 * lg.outH * lg.outW));
    assert.ok(images.workerParts() > parts, 'a large convolution did not go to the workers');
    passes(routed, large, rand(64 * 32 * 26 * 26), rand(64 * 32 * 9), rand(64), rand(64 * 64 * lg.outH * lg.outW));
    assert.equal(threadedMade, 1, 'the threaded path was made more than once');
  });
});
