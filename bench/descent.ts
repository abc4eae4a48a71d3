/**
 * descent's side of the benchmark, on one backend: `tsx bench/descent.ts js|wasm|blas`.
 * Prints one JSON line per measurement (see lib/timing.ts); bench/run.ts collects them.
 */
import { tuneNativeAllocator } from '../src/backend/allocator.js';
import { initBackend } from '../src/backend/load.js';
import { backendInfo, kernels, optimizerKernels } from '../src/backend/registry.js';
import { DataLoader, loadFashionMNISTSync } from '../src/data/index.js';
import { noGrad } from '../src/tensor/autograd.js';
import { Generator } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { adam, cnn, mlp, trainStep } from './lib/models.js';
import { runUserWorkloads } from './lib/user-workloads.js';
import { readFileSync } from 'node:fs';
import { ADAM_SIZES, PARTIAL_EPOCH_BATCHES, QUICK, SGEMM_SIZES, emit, timeit, wanted } from './lib/timing.js';

const backend = process.argv[2] ?? 'blas';
if (backend !== 'js' && backend !== 'wasm' && backend !== 'blas') throw new Error(`bench/descent.ts: unknown backend ${backend}`);
// As the descent command does (src/cli/main.ts); RESULTS.md records what was applied.
const allocator = tuneNativeAllocator();
const info = initBackend({ backend });
if (info.name !== backend) {
  emit(`descent-${backend}`, 'unavailable', 0, { reason: `asked for ${backend}, got ${info.name}` });
  process.exit(0);
}
const lib = process.env.BENCH_LIB_ID ?? `descent-${backend}`;
/** The BLAS-like shared libraries mapped into this process (none on the wasm and js paths). */
function nativeLibraries(): string[] {
  try {
    const maps = readFileSync('/proc/self/maps', 'utf8');
    return [...new Set(maps.split('\n').map((l) => l.split(/\s+/)[5] ?? '').filter((p) => /blas|lapack|mkl|blis/i.test(p)))];
  } catch {
    return [];
  }
}
emit(lib, 'info', 0, { backend: info.name, detail: info.detail, node: process.version, allocator: allocator.applied ? allocator.detail : `untuned (${allocator.detail})`, nativeLibraries: nativeLibraries() });
const gen = new Generator(42);

function randomArray(n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = gen.uniform(lo, hi);
  return a;
}

// ---- sgemm ---------------------------------------------------------------------------------
for (const n of SGEMM_SIZES) {
  if (!wanted(`sgemm-${n}`)) continue;
  const a = randomArray(n * n);
  const b = randomArray(n * n);
  const c = new Float32Array(n * n);
  const k = kernels();
  const slow = backend === 'js' && n >= 512;
  const t = timeit(() => k.gemm({ transA: false, transB: false, m: n, n, k: n, alpha: 1, a, aOffset: 0, lda: n, b, bOffset: 0, ldb: n, beta: 0, c, cOffset: 0, ldc: n }),
    { minTime: slow ? 0 : 1000, minReps: slow ? 1 : 3, warmup: slow ? 1 : 3 });
  emit(lib, `sgemm-${n}`, t.ms, { gflops: (2 * n ** 3) / t.ms / 1e6, reps: t.reps });
}

// ---- the machine's peak: sgemm at sizes where BLAS runs at full speed (threads: DESCENT_BLAS_THREADS) ----
if (backend === 'blas' && process.env.BENCH_ONLY?.split(',').includes('peak-sgemm')) {
  for (const n of [1024, 1536, 2048]) {
    const a = randomArray(n * n);
    const b = randomArray(n * n);
    const c = new Float32Array(n * n);
    const k = kernels();
    const t = timeit(() => k.gemm({ transA: false, transB: false, m: n, n, k: n, alpha: 1, a, aOffset: 0, lda: n, b, bOffset: 0, ldb: n, beta: 0, c, cOffset: 0, ldc: n }), { minTime: 1000, minReps: 3, warmup: 2 });
    emit(lib, `peak-sgemm-${n}`, t.ms, { gflops: (2 * n ** 3) / t.ms / 1e6, threads: process.env.DESCENT_BLAS_THREADS ?? 'default', reps: t.reps });
  }
}

// ---- training steps ------------------------------------------------------------------------
function stepBench(name: string, model: ReturnType<typeof mlp>, x: Tensor, y: Tensor): void {
  const opt = adam(model);
  const slow = backend === 'js';
  const t = timeit(() => trainStep(model, opt, x, y), { minTime: slow ? 3000 : 2000, minReps: 5, warmup: slow ? 2 : 10 });
  emit(lib, name, t.ms, { minMs: t.minMs, reps: t.reps });
}

if (wanted('mlp-step')) {
  const x = new Tensor(randomArray(128 * 784, 0, 1), [128, 784]);
  const y = new Tensor(Float32Array.from({ length: 128 }, () => gen.randint(0, 10)), [128]);
  stepBench('mlp-step', mlp(), x, y);
}
if (wanted('cnn-step')) {
  const x = new Tensor(randomArray(64 * 784, 0, 1), [64, 1, 28, 28]);
  const y = new Tensor(Float32Array.from({ length: 64 }, () => gen.randint(0, 10)), [64]);
  stepBench('cnn-step', cnn(), x, y);
}

// ---- one epoch of the MLP on Fashion-MNIST -----------------------------------------------
if (wanted('mlp-epoch')) {
  let t0 = performance.now();
  const train = loadFashionMNISTSync({ split: 'train' });
  const loadMs = performance.now() - t0;
  const x = train.x.reshape(train.x.shape[0], 784);
  const data = { x, y: train.y };
  const model = mlp();
  const opt = adam(model);
  const loader = new DataLoader(data, { batchSize: 128, shuffle: true, seed: 0 });
  const total = Math.ceil(x.shape[0] / 128);
  const limit = backend === 'js' || QUICK ? PARTIAL_EPOCH_BATCHES : total;
  let batches = 0;
  let lossSum = 0;
  t0 = performance.now();
  for (const batch of loader) {
    lossSum += trainStep(model, opt, batch.x, batch.y);
    if (++batches >= limit) break;
  }
  const ms = performance.now() - t0;
  const extra: Record<string, unknown> = { loadMs, batches, meanLoss: lossSum / batches };
  if (batches < total) extra.extrapolatedFrom = batches;
  else {
    const logits = noGrad(() => model.forward(x));
    const pred = logits.argmax(1).data;
    let hits = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === train.y.data[i]) hits++;
    extra.trainAccuracy = hits / pred.length;
  }
  emit(lib, 'mlp-epoch', (ms / batches) * total, extra);
}

// ---- the Adam update ----------------------------------------------------------------------
for (const n of ADAM_SIZES) {
  const name = `adam-${n / 1_000_000}M`;
  if (!wanted(name)) continue;
  const p = randomArray(n);
  const g = randomArray(n);
  const m = new Float32Array(n);
  const v = new Float32Array(n);
  const k = optimizerKernels();
  let step = 0;
  const t = timeit(() => {
    step++;
    k.adam(p, g, m, v, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, biasCorrection1: 1 - 0.9 ** step, biasCorrection2: 1 - 0.999 ** step });
  }, { minTime: n > 5e6 ? 2000 : 1000, minReps: 5 });
  emit(lib, name, t.ms, { minMs: t.minMs, reps: t.reps, gbPerS: (n * 4 * 7) / t.ms / 1e6 });
}

// ---- the workloads written through the public API (bench/lib/user-workloads.ts) ------------
if (backend !== 'js') await runUserWorkloads(lib);
// Which native libraries this process ended with (the wasm column must have none).
emit(lib, 'native', 0, { nativeLibraries: nativeLibraries() });
