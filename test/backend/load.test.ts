/**
 * Backend detection and loading, in child processes (the choice is process-wide and made on
 * import): the automatic choice, DESCENT_BACKEND, DESCENT_BLAS, and the one-line fallbacks.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tuneNativeAllocator } from '../../src/backend/allocator.js';
import { createBlasKernels, type BlasLibrary } from '../../src/backend/blas/index.js';
import { jsKernels } from '../../src/backend/js/index.js';
import type { GemmArgs } from '../../src/backend/kernels.js';
import { loadBackends } from '../../src/backend/load.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const available = loadBackends();
const wasmBuilt = existsSync(new URL('../../src/backend/wasm/kernels.wasm', import.meta.url));

/** Imports the package root in a fresh Node and returns the chosen backend and stderr lines. */
function rootInChild(env: Record<string, string | undefined>): { name: string; detail: string; stderr: string[] } {
  const script = "const m = await import('./src/index.ts'); console.log(JSON.stringify(m.backendInfo()));";
  const childEnv: Record<string, string | undefined> = { ...process.env, DESCENT_BACKEND: undefined, DESCENT_BLAS: undefined, ...env };
  for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, env: childEnv as NodeJS.ProcessEnv, encoding: 'utf8' });
  assert.equal(r.status, 0, `child failed: ${r.stderr}`);
  const info = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { ...info, stderr: r.stderr.split('\n').filter((l) => l.trim() !== '') };
}

const bestNonBlas = wasmBuilt ? 'wasm' : 'js';

describe('backend selection', () => {
  test('the package root picks the fastest available backend', () => {
    const got = rootInChild({});
    const want = available.includes('blas') ? 'blas' : bestNonBlas;
    assert.equal(got.name, want);
    if (want === 'blas') assert.match(got.detail, /for GEMM/);
  });

  test('DESCENT_BACKEND=js and =wasm override', () => {
    assert.equal(rootInChild({ DESCENT_BACKEND: 'js' }).name, 'js');
    const w = rootInChild({ DESCENT_BACKEND: 'wasm' });
    assert.equal(w.name, bestNonBlas);
    if (!wasmBuilt) assert.equal(w.stderr.length, 1);
  });

  test('an unknown DESCENT_BACKEND says so in one line and chooses automatically', () => {
    const got = rootInChild({ DESCENT_BACKEND: 'gpu' });
    assert.equal(got.stderr.filter((l) => l.includes("unknown backend 'gpu'")).length, 1);
    assert.notEqual(got.name, undefined);
  });

  test('a missing DESCENT_BLAS library falls back with one line on stderr', () => {
    const got = rootInChild({ DESCENT_BLAS: '/nonexistent/libnoblas.so' });
    assert.equal(got.name, bestNonBlas);
    const lines = got.stderr.filter((l) => l.startsWith('descent: BLAS backend unavailable'));
    assert.equal(lines.length, 1, got.stderr.join('\n'));
    assert.match(lines[0], /libnoblas\.so/);
  });

  test('a library without cblas_sgemm falls back with one line on stderr', () => {
    const libc = process.platform === 'linux' ? 'libc.so.6' : process.platform === 'darwin' ? '/usr/lib/libSystem.B.dylib' : 'msvcrt.dll';
    const got = rootInChild({ DESCENT_BACKEND: 'blas', DESCENT_BLAS: libc });
    assert.equal(got.name, bestNonBlas);
    const lines = got.stderr.filter((l) => l.startsWith('descent: BLAS backend unavailable'));
    assert.equal(lines.length, 1, got.stderr.join('\n'));
    assert.match(lines[0], /cblas_sgemm/);
  });

  test('without the koffi package (an optional peer) auto picks wasm quietly; asking for blas names the install command', () => {
    const withoutKoffi = { NODE_OPTIONS: `--require=${fileURLToPath(new URL('./fixtures/without-koffi.cjs', import.meta.url))}` };
    const auto = rootInChild(withoutKoffi);
    assert.equal(auto.name, bestNonBlas);
    assert.deepEqual(auto.stderr, []);
    const asked = rootInChild({ ...withoutKoffi, DESCENT_BACKEND: 'blas' });
    assert.equal(asked.name, bestNonBlas);
    const lines = asked.stderr.filter((l) => l.startsWith('descent: BLAS backend unavailable'));
    assert.equal(lines.length, 1, asked.stderr.join('\n'));
    assert.match(lines[0], /koffi .*not installed: npm install koffi/);
  });

  test('DESCENT_BLAS naming a working library uses it', { skip: !available.includes('blas') && 'no CBLAS library on this machine' }, () => {
    const candidates = ['/usr/lib/x86_64-linux-gnu/libopenblas.so.0', '/usr/lib/aarch64-linux-gnu/libopenblas.so.0'];
    const path = candidates.find((p) => existsSync(p));
    if (!path) return;
    const got = rootInChild({ DESCENT_BLAS: path });
    assert.equal(got.name, 'blas');
    assert.ok(got.detail.includes(path), got.detail);
    assert.deepEqual(got.stderr, []);
  });
});

describe('build script', () => {
  test('without clang it fails with a clear message and keeps the built kernels', () => {
    const r = spawnSync(process.execPath, ['scripts/build-wasm.mjs'], { cwd: root, env: { ...process.env, CLANG: '/nonexistent/clang' }, encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /clang was not found/);
    assert.equal(existsSync(new URL('../../src/backend/wasm/kernels.wasm', import.meta.url)), wasmBuilt);
  });
});

describe('blas thread policy', () => {
  /** A fake OpenBLAS recording the thread count each product ran with. */
  function fakeLibrary(fixedThreads: boolean): { lib: BlasLibrary; runs: number[] } {
    const runs: number[] = [];
    let threads = 2;
    const gemm = (): void => void runs.push(threads);
    const lib: BlasLibrary = { path: 'fake', description: 'fake', sgemm: gemm, dgemm: gemm, threads: 2, setThreads: (n) => (threads = n), getThreads: () => threads, fixedThreads };
    return { lib, runs };
  }
  const product = (n: number): GemmArgs => ({
    transA: false, transB: false, m: n, n, k: n, alpha: 1, a: new Float32Array(n * n), aOffset: 0, lda: n,
    b: new Float32Array(n * n), bOffset: 0, ldb: n, beta: 0, c: new Float32Array(n * n), cOffset: 0, ldc: n,
  });

  test('products under 2^23 multiply-adds (203^3) run on one thread, from it (204^3) on all (spinning workers cost more than they give on small ones)', () => {
    const { lib, runs } = fakeLibrary(false);
    const k = createBlasKernels(lib, jsKernels);
    for (const n of [64, 512, 128, 1024, 203, 204]) k.gemm!(product(n));
    assert.deepEqual(runs, [1, 2, 1, 2, 1, 2]);
  });

  test('a count changed elsewhere in the process (a lab worker fixing its own) is set back for the next large product', () => {
    const { lib, runs } = fakeLibrary(false);
    const k = createBlasKernels(lib, jsKernels);
    k.gemm!(product(512));
    lib.setThreads!(1); // what a worker opening the library with DESCENT_BLAS_THREADS=1 does
    k.gemm!(product(512));
    k.gemm!(product(64));
    assert.deepEqual(runs, [2, 2, 1]);
  });

  test('DESCENT_BLAS_THREADS (a fixed count) is left alone', () => {
    const { lib, runs } = fakeLibrary(true);
    const k = createBlasKernels(lib, jsKernels);
    for (const n of [64, 512]) k.gemm!(product(n));
    assert.deepEqual(runs, [2, 2]);
  });

  test('in a worker thread descent leaves the (process-wide) count alone', { skip: available.includes('blas') ? false : 'no BLAS here' }, async () => {
    const load = JSON.stringify(new URL('../../src/backend/load.ts', import.meta.url).href);
    const code = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(async (tsx) => {
      tsx.register();
      const { parentPort } = await import('node:worker_threads');
      const { initBackend } = await import(${load});
      parentPort.postMessage(initBackend({ backend: 'blas', quiet: true }).detail);
    })`;
    const { Worker } = await import('node:worker_threads');
    const detail = await new Promise<string>((resolve, reject) => {
      const w = new Worker(code, { eval: true, env: { ...process.env, DESCENT_BLAS_THREADS: '' } });
      w.once('message', (d: string) => void w.terminate().then(() => resolve(d)));
      w.once('error', reject);
    });
    assert.match(detail, /OpenBLAS|BLAS/);
    assert.doesNotMatch(detail, /1 for products under/, detail);
  });
});

describe('native allocator tuning', () => {
  test('applies on Linux with glibc, and DESCENT_TUNE_MALLOC=0 turns it off', () => {
    const glibc = process.platform === 'linux' && !!(process.report?.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
    const tuned = tuneNativeAllocator();
    assert.equal(tuned.applied, glibc, tuned.detail);
    if (glibc) {
      assert.match(tuned.detail, /mmap threshold 64 MiB, trim threshold 256 MiB, 60 MiB of heap touched/);
      // The touched block went back into the heap, not to the system: glibc counts it as free heap bytes.
      const koffi = createRequire(import.meta.url)('koffi');
      const fields = ['arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks', 'fsmblks', 'uordblks', 'fordblks', 'keepcost'];
      const info = koffi.struct('descent_mallinfo2', Object.fromEntries(fields.map((f) => [f, 'size_t'])));
      const mallinfo2 = koffi.load('libc.so.6').func('mallinfo2', info, []);
      const free = Number(mallinfo2().fordblks);
      assert.ok(free >= 60 * 2 ** 20, `the heap keeps ${free >> 20} MiB free after the tuning, expected at least 60`);
    }
    process.env.DESCENT_TUNE_MALLOC = '0';
    try {
      assert.deepEqual(tuneNativeAllocator(), { applied: false, detail: 'DESCENT_TUNE_MALLOC=0' });
    } finally {
      delete process.env.DESCENT_TUNE_MALLOC;
    }
  });
});
