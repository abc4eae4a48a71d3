/**
 * The wasm backend's threads: GEMM and the convolutions split across worker threads
 * (kernels-mt.wasm on a shared memory) give the one-thread kernels' results bit for bit, the
 * workers really run parts, the thread count follows DESCENT_WASM_THREADS and the options, and
 * the workers never keep a Node process alive.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import type { ConvBatch, ConvGeometry, GemmArgs } from '../../src/backend/kernels.js';
import { createWasmKernels, splitRange, WASM_MT_URL, WASM_URL, type WasmKernels } from '../../src/backend/wasm/index.js';
import { defaultWasmThreads, pinWasmThreads, wasmThreadsProblem } from '../../src/backend/wasm/threads.js';
import { Generator } from '../../src/tensor/random.js';
import { WA } from '../helpers/wasm-api.js';


const root = fileURLToPath(new URL('../..', import.meta.url));
const gen = new Generator(77);
function rand(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = gen.uniform(-1, 1);
  return a;
}

function geometry(c: number, h: number, w: number, k: number, s: number, p: number, d = 1): ConvGeometry {
  const outH = Math.floor((h + 2 * p - d * (k - 1) - 1) / s) + 1;
  const outW = Math.floor((w + 2 * p - d * (k - 1) - 1) / s) + 1;
  return { channels: c, height: h, width: w, kernelH: k, kernelW: k, strideH: s, strideW: s, padH: p, padW: p, dilationH: d, dilationW: d, outH, outW };
}

/** Bitwise equality of two float32 arrays, naming the first difference. */
function assertSameBits(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: lengths`);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i]) assert.fail(`${what}: element ${i} is ${got[i]} on threads and ${want[i]} on one thread`);
  }
}

const problem = wasmThreadsProblem();
let one: WasmKernels;
let many: WasmKernels;
let shared: WasmKernels;

describe('wasm threads', { skip: problem || undefined }, () => {
  before(async () => {
    const st = new WA.Module(readFileSync(WASM_URL));
    const mt = new WA.Module(readFileSync(WASM_MT_URL));
    one = createWasmKernels(st);
    // The caller leaves every chunk to the workers here, so the results checked are theirs.
    many = createWasmKernels(st, { module: mt, threads: 3, callerClaims: false });
    shared = createWasmKernels(st, { module: mt, threads: 2 });
    // Workers start on first need and join when ready; wait for both here.
    const until = Date.now() + 30000;
    while ((many.readyThreads() < 3 || shared.readyThreads() < 2) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  });

  test('the threaded module starts its workers', () => {
    assert.equal(one.threads, 1);
    assert.equal(many.threads, 3);
    assert.equal(many.readyThreads(), 3);
  });

  test('splitRange covers [0, n) in aligned, ordered, non-empty ranges', () => {
    assert.deepEqual(splitRange(10, 3), [[0, 3], [3, 6], [6, 10]]);
    assert.deepEqual(splitRange(130, 2, 4), [[0, 64], [64, 130]]);
    assert.deepEqual(splitRange(3, 8), [[0, 1], [1, 2], [2, 3]]);
    assert.deepEqual(splitRange(5, 4, 8), [[0, 5]]);
  });

  test('GEMM split by rows or columns gives the one-thread bits (transposes, alpha, beta, offsets, gaps)', () => {
    const before = many.workerParts();
    const shapes: [number, number, number][] = [[200, 150, 97], [67, 300, 130], [128, 256, 784], [256, 784, 128], [13, 1000, 64], [1001, 9, 128]];
    for (const [m, n, k] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const [alpha, beta] of [[1, 0], [0.5, 1], [-1.25, 0.75]]) {
            const lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 1, ldc = n + 5;
            const a = rand((transA ? k : m) * lda + 7), b = rand((transB ? n : k) * ldb + 2), c0 = rand(m * ldc + 4);
            const args = (c: Float32Array): GemmArgs => ({ transA, transB, m, n, k, alpha, a, aOffset: 7, lda, b, bOffset: 2, ldb, beta, c, cOffset: 4, ldc });
            const want = c0.slice(), got = c0.slice();
            one.kernels.gemm!(args(want));
            many.kernels.gemm!(args(got));
            assertSameBits(got, want, `gemm ${m}x${n}x${k} transA=${transA} transB=${transB} alpha=${alpha} beta=${beta}`);
          }
        }
      }
    }
    assert.ok(many.workerParts() > before, 'no part of a large product ran on a worker');
  });

  test('convolutions split by images and by output channels give the one-thread bits', () => {
    const cases: { n: number; groups: number; outChannels: number; g: ConvGeometry }[] = [
      { n: 64, groups: 1, outChannels: 16, g: geometry(1, 28, 28, 3, 1, 1) },
      { n: 17, groups: 1, outChannels: 32, g: geometry(16, 14, 14, 3, 1, 1) },
      { n: 9, groups: 2, outChannels: 24, g: geometry(4, 26, 22, 3, 2, 1) },
      { n: 5, groups: 1, outChannels: 12, g: geometry(3, 20, 20, 5, 1, 2, 2) },
    ];
    for (const { n, groups, outChannels, g } of cases) {
      const b: ConvBatch = { n, groups, outChannels, geometry: g };
      const what = `conv n=${n} groups=${groups} O=${outChannels} C=${g.channels} ${g.height}x${g.width} k=${g.kernelH} s=${g.strideH}`;
      const xLen = n * groups * g.channels * g.height * g.width;
      const yLen = n * outChannels * g.outH * g.outW;
      const wLen = outChannels * g.channels * g.kernelH * g.kernelW;
      const x = rand(xLen), w = rand(wLen), bias = rand(outChannels), gy = rand(yLen);
      const before = many.workerParts();
      for (const withBias of [false, true]) {
        const want = new Float32Array(yLen), got = new Float32Array(yLen);
        one.kernels.conv2d!(x, w, withBias ? bias : null, b, want);
        many.kernels.conv2d!(x, w, withBias ? bias : null, b, got);
        assertSameBits(got, want, `${what} conv2d bias=${withBias}`);
      }
      const gxWant = new Float32Array(xLen), gx = new Float32Array(xLen);
      one.kernels.conv2dInputGrad!(gy, w, b, gxWant);
      many.kernels.conv2dInputGrad!(gy, w, b, gx);
      assertSameBits(gx, gxWant, `${what} conv2dInputGrad`);
      const gwWant = new Float32Array(wLen), gw = new Float32Array(wLen);
      one.kernels.conv2dWeightGrad!(x, gy, b, gwWant);
      many.kernels.conv2dWeightGrad!(x, gy, b, gw);
      assertSameBits(gw, gwWant, `${what} conv2dWeightGrad`);
      if (n >= 9) assert.ok(many.workerParts() > before, `${what}: no part ran on a worker`);
    }
  });

  test('chunks shared between the caller and a worker give the one-thread bits', () => {
    for (const [m, n, k] of [[300, 200, 150], [64, 900, 300]] as const) {
      const a = rand(m * k), b = rand(k * n), c0 = rand(m * n);
      const args = (c: Float32Array): GemmArgs => ({ transA: false, transB: true, m, n, k, alpha: 1, a, aOffset: 0, lda: k, b, bOffset: 0, ldb: k, beta: 0.5, c, cOffset: 0, ldc: n });
      const want = c0.slice(), got = c0.slice();
      one.kernels.gemm!(args(want));
      for (let rep = 0; rep < 5; rep++) {
        got.set(c0);
        shared.kernels.gemm!(args(got));
        assertSameBits(got, want, `gemm ${m}x${n}x${k}`);
      }
    }
    const b: ConvBatch = { n: 32, groups: 1, outChannels: 16, geometry: geometry(8, 12, 12, 3, 1, 1) };
    const x = rand(32 * 8 * 144), w = rand(16 * 8 * 9), gy = rand(32 * 16 * 144);
    const want = new Float32Array(16 * 8 * 9), got = new Float32Array(16 * 8 * 9);
    one.kernels.conv2dWeightGrad!(x, gy, b, want);
    shared.kernels.conv2dWeightGrad!(x, gy, b, got);
    assertSameBits(got, want, 'conv2dWeightGrad');
  });

  test('one thread (setThreads(1), or pinWasmThreads(1) as the lab does) runs no part on a worker', () => {
    const m = 256, a = rand(m * m), b = rand(m * m), c = new Float32Array(m * m);
    const product = (): void => many.kernels.gemm!({ transA: false, transB: false, m, n: m, k: m, alpha: 1, a, aOffset: 0, lda: m, b, bOffset: 0, ldb: m, beta: 0, c, cOffset: 0, ldc: m });
    let before = many.workerParts();
    many.setThreads(1);
    product();
    assert.equal(many.workerParts(), before);
    many.setThreads(3);
    pinWasmThreads(1);
    try {
      product();
      assert.equal(many.workerParts(), before);
    } finally {
      pinWasmThreads(null);
    }
    before = many.workerParts();
    product();
    assert.ok(many.workerParts() > before);
  });

  test('DESCENT_WASM_THREADS sets the default count; 1 is one thread', () => {
    const saved = process.env.DESCENT_WASM_THREADS;
    try {
      process.env.DESCENT_WASM_THREADS = '3';
      assert.equal(defaultWasmThreads(), 3);
      process.env.DESCENT_WASM_THREADS = '1';
      assert.equal(defaultWasmThreads(), 1);
      process.env.DESCENT_WASM_THREADS = '99';
      assert.equal(defaultWasmThreads(), 8);
    } finally {
      if (saved === undefined) delete process.env.DESCENT_WASM_THREADS;
      else process.env.DESCENT_WASM_THREADS = saved;
    }
  });

  test('the backend loads threaded by default and one-thread with DESCENT_WASM_THREADS=1; workers never keep the process alive', () => {
    const script = `
      import { initBackend } from './src/backend/load.ts';
      import { backendInfo, kernels } from './src/backend/registry.ts';
      initBackend({ backend: 'wasm', quiet: true });
      const m = 300, a = new Float32Array(m * m).fill(1), c = new Float32Array(m * m);
      const k = kernels();
      const run = () => k.gemm({ transA: false, transB: false, m, n: m, k: m, alpha: 1, a, aOffset: 0, lda: m, b: a, bOffset: 0, ldb: m, beta: 0, c, cOffset: 0, ldc: m });
      run();
      setTimeout(() => { run(); console.log(JSON.stringify({ detail: backendInfo().detail, c: c[0] })); }, 200);
    `;
    for (const [threads, want] of [['2', /on up to 2 threads/], ['1', /^(?!.*threads)/]] as const) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: root, encoding: 'utf8', timeout: 60000, env: { ...process.env, DESCENT_WASM_THREADS: threads },
      });
      assert.equal(r.error, undefined, `the process did not exit by itself: ${r.error}`);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { detail: string; c: number };
      assert.match(out.detail, want);
      assert.equal(out.c, 300);
    }
  });

  test('the workers run from a minified bundle (the worker program is built from source text)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-threads-'));
    try {
      const entry = join(dir, 'entry.ts');
      writeFileSync(entry, `
        import { readFileSync } from 'node:fs';
        import { createWasmKernels } from ${JSON.stringify(join(root, 'src/backend/wasm/index.ts'))};
        const WA = (globalThis as any).WebAssembly;
        const dir = ${JSON.stringify(join(root, 'src/backend/wasm'))};
        const st = new WA.Module(readFileSync(dir + '/kernels.wasm')), mt = new WA.Module(readFileSync(dir + '/kernels-mt.wasm'));
        const one = createWasmKernels(st), two = createWasmKernels(st, { module: mt, threads: 2, callerClaims: false });
        const until = Date.now() + 20000;
        while (two.readyThreads() < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        const m = 200, a = Float32Array.from({ length: m * m }, (_, i) => Math.sin(i)), c1 = new Float32Array(m * m), c2 = new Float32Array(m * m);
        const run = (K: any, c: Float32Array) => K.kernels.gemm({ transA: false, transB: false, m, n: m, k: m, alpha: 1, a, aOffset: 0, lda: m, b: a, bOffset: 0, ldb: m, beta: 0, c, cOffset: 0, ldc: m });
        run(one, c1);
        run(two, c2);
        console.log(JSON.stringify({ parts: two.workerParts(), same: c1.every((v, i) => v === c2[i]) }));
      `);
      const out = join(dir, 'bundle.mjs');
      await build({ entryPoints: [entry], bundle: true, minify: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'silent' });
      const r = spawnSync(process.execPath, [out], { encoding: 'utf8', timeout: 60000 });
      assert.equal(r.status, 0, r.stderr);
      const got = JSON.parse(r.stdout.trim()) as { parts: number; same: boolean };
      assert.ok(got.parts > 0, 'no chunk ran on a worker');
      assert.equal(got.same, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
