/**
 * TensorFlow.js's side of the benchmark, on one backend: `tsx bench/tfjs.ts cpu|wasm`
 * (@tensorflow/tfjs-core 4.22 with -backend-cpu or -backend-wasm; the wasm binaries come from
 * the npm package, nothing is downloaded). The same workloads as bench/descent.ts, written as a
 * TF.js user would: NHWC convolutions, tf.train.adam, softmaxCrossEntropy on one-hot labels.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
// The gradients ship with tfjs-core but are registered by a separate (CommonJS) entry point.
createRequire(import.meta.url)('@tensorflow/tfjs-core/dist/register_all_gradients');
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { ADAM_SIZES, PARTIAL_EPOCH_BATCHES, QUICK, SGEMM_SIZES, emit, timeit, wanted } from './lib/timing.js';

const backend = process.argv[2] ?? 'wasm';
const lib = `tfjs-${backend}`;
await tf.setBackend(backend);
await tf.ready();
emit(lib, 'info', 0, {
  version: tf.version_core, backend: tf.getBackend(),
  simd: backend === 'wasm' ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : undefined,
  threads: backend === 'wasm' ? tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') : undefined,
});
const slow = backend === 'cpu';

// ---- sgemm ---------------------------------------------------------------------------------
for (const n of SGEMM_SIZES) {
  if (!wanted(`sgemm-${n}`)) continue;
  const a = tf.randomUniform([n, n], -1, 1);
  const b = tf.randomUniform([n, n], -1, 1);
  const big = slow && n >= 512;
  const t = timeit(() => tf.matMul(a, b).dispose(), { minTime: big ? 0 : 1000, minReps: big ? 1 : 3, warmup: big ? 1 : 3 });
  emit(lib, `sgemm-${n}`, t.ms, { gflops: (2 * n ** 3) / t.ms / 1e6, reps: t.reps });
  a.dispose();
  b.dispose();
}

// ---- models ----------------------------------------------------------------------------------
type Vars = tf.Variable[];
function uniformVar(shape: number[], fanIn: number): tf.Variable {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.variable(tf.randomUniform(shape, -bound, bound));
}

function mlp(): { vars: Vars; forward: (x: tf.Tensor) => tf.Tensor } {
  const w1 = uniformVar([784, 256], 784), b1 = uniformVar([256], 784);
  const w2 = uniformVar([256, 256], 256), b2 = uniformVar([256], 256);
  const w3 = uniformVar([256, 10], 256), b3 = uniformVar([10], 256);
  return {
    vars: [w1, b1, w2, b2, w3, b3],
    forward: (x) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2)), w3), b3),
  };
}

function cnn(): { vars: Vars; forward: (x: tf.Tensor) => tf.Tensor } {
  const k1 = uniformVar([3, 3, 1, 16], 9), c1 = uniformVar([16], 9);
  const k2 = uniformVar([3, 3, 16, 32], 144), c2 = uniformVar([32], 144);
  const w = uniformVar([1568, 10], 1568), b = uniformVar([10], 1568);
  return {
    vars: [k1, c1, k2, c2, w, b],
    forward: (x) => {
      const h1 = tf.maxPool(tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, k1 as unknown as tf.Tensor4D, 1, 'same'), c1)) as tf.Tensor4D, 2, 2, 'valid');
      const h2 = tf.maxPool(tf.relu(tf.add(tf.conv2d(h1, k2 as unknown as tf.Tensor4D, 1, 'same'), c2)) as tf.Tensor4D, 2, 2, 'valid');
      return tf.add(tf.matMul(tf.reshape(h2, [x.shape[0], 1568]), w), b);
    },
  };
}

function trainer(model: { vars: Vars; forward: (x: tf.Tensor) => tf.Tensor }) {
  const opt = tf.train.adam(1e-3);
  return (x: tf.Tensor, yOneHot: tf.Tensor): number => {
    const cost = opt.minimize(() => tf.losses.softmaxCrossEntropy(yOneHot, model.forward(x)) as tf.Scalar, true, model.vars);
    const v = cost!.dataSync()[0];
    cost!.dispose();
    return v;
  };
}

function stepBench(name: string, model: { vars: Vars; forward: (x: tf.Tensor) => tf.Tensor }, x: tf.Tensor, labels: number[]): void {
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
  const step = trainer(model);
  try {
    const t = timeit(() => step(x, y), { minTime: slow ? 3000 : 2000, minReps: 5, warmup: slow ? 2 : 10 });
    emit(lib, name, t.ms, { minMs: t.minMs, reps: t.reps, tensors: tf.memory().numTensors });
  } catch (e) {
    // e.g. the wasm backend has no Conv2DBackpropFilter kernel: TF.js cannot train this model there.
    emit(lib, name, null as unknown as number, { error: (e as Error).message.split('\n')[0] });
  }
}

const labels = (n: number): number[] => Array.from({ length: n }, () => Math.floor(Math.random() * 10));
if (wanted('mlp-step')) stepBench('mlp-step', mlp(), tf.randomUniform([128, 784]), labels(128));
if (wanted('cnn-step')) stepBench('cnn-step', cnn(), tf.randomUniform([64, 28, 28, 1]), labels(64));

// ---- one epoch of the MLP on Fashion-MNIST -----------------------------------------------
function readIdx(path: string): { dims: number[]; bytes: Uint8Array } {
  const raw = gunzipSync(readFileSync(path));
  const ndim = raw[3];
  const dims = Array.from({ length: ndim }, (_, i) => raw.readUInt32BE(4 + 4 * i));
  return { dims, bytes: raw.subarray(4 + 4 * ndim) };
}

if (wanted('mlp-epoch')) {
  const dir = process.env.DESCENT_FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist';
  let t0 = performance.now();
  const images = readIdx(join(dir, 'train-images-idx3-ubyte.gz'));
  const labelsIdx = readIdx(join(dir, 'train-labels-idx1-ubyte.gz'));
  const n = images.dims[0];
  const pixels = new Float32Array(images.bytes.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.bytes[i] / 255;
  const xAll = tf.tensor2d(pixels, [n, 784]);
  const yAll = tf.oneHot(tf.tensor1d(Int32Array.from(labelsIdx.bytes), 'int32'), 10);
  const loadMs = performance.now() - t0;
  const model = mlp();
  const step = trainer(model);
  const total = Math.ceil(n / 128);
  const limit = slow || QUICK ? PARTIAL_EPOCH_BATCHES : total;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  tf.util.shuffle(order);
  let lossSum = 0;
  let batches = 0;
  t0 = performance.now();
  for (let i = 0; i < n && batches < limit; i += 128, batches++) {
    const idx = tf.tensor1d(order.subarray(i, Math.min(n, i + 128)), 'int32');
    const [xb, yb] = [tf.gather(xAll, idx), tf.gather(yAll, idx)];
    lossSum += step(xb, yb);
    tf.dispose([idx, xb, yb]);
  }
  const ms = performance.now() - t0;
  const extra: Record<string, unknown> = { loadMs, batches, meanLoss: lossSum / batches };
  if (batches < total) extra.extrapolatedFrom = batches;
  else {
    const acc = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(model.forward(xAll), 1), tf.argMax(yAll, 1)), 'float32')).dataSync()[0]);
    extra.trainAccuracy = acc;
  }
  emit(lib, 'mlp-epoch', (ms / batches) * total, extra);
}

// ---- the CNN of PyTorch's MNIST example (bench/lib/user-workloads.ts), NHWC -------------------
function mnistCnn(): { vars: Vars; forward: (x: tf.Tensor, training: boolean) => tf.Tensor } {
  const k1 = uniformVar([3, 3, 1, 32], 9), c1 = uniformVar([32], 9);
  const k2 = uniformVar([3, 3, 32, 64], 288), c2 = uniformVar([64], 288);
  const w1 = uniformVar([9216, 128], 9216), b1 = uniformVar([128], 9216);
  const w2 = uniformVar([128, 10], 128), b2 = uniformVar([10], 128);
  return {
    vars: [k1, c1, k2, c2, w1, b1, w2, b2],
    forward: (x, training) => {
      const h1 = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, k1 as unknown as tf.Tensor4D, 1, 'valid'), c1)) as tf.Tensor4D;
      const h2 = tf.relu(tf.add(tf.conv2d(h1, k2 as unknown as tf.Tensor4D, 1, 'valid'), c2)) as tf.Tensor4D;
      let h = tf.reshape(tf.maxPool(h2, 2, 2, 'valid'), [x.shape[0], 9216]);
      if (training) h = tf.dropout(h, 0.25);
      h = tf.relu(tf.add(tf.matMul(h, w1), b1));
      if (training) h = tf.dropout(h, 0.5);
      return tf.logSoftmax(tf.add(tf.matMul(h, w2), b2));
    },
  };
}

if ((wanted('mnist-cnn-step') || wanted('mnist-cnn-eval')) && !slow) {
  const dir = process.env.DESCENT_FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist';
  const images = readIdx(join(dir, 'train-images-idx3-ubyte.gz'));
  const n = 1000;
  const pixels = new Float32Array(n * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.bytes[i] / 255;
  const x = tf.tensor4d(pixels, [n, 28, 28, 1]);
  const model = mnistCnn();
  if (wanted('mnist-cnn-step')) {
    const opt = tf.train.adadelta(1.0);
    const xb = tf.slice(x, [0, 0, 0, 0], [64, 28, 28, 1]);
    const yb = tf.oneHot(tf.tensor1d(labels(64), 'int32'), 10);
    try {
      const t = timeit(() => {
        const cost = opt.minimize(() => tf.neg(tf.mean(tf.sum(tf.mul(yb, model.forward(xb, true)), 1))) as tf.Scalar, true, model.vars);
        cost!.dataSync();
        cost!.dispose();
      }, { minTime: 2000, minReps: 5, warmup: 3 });
      emit(lib, 'mnist-cnn-step', t.ms, { minMs: t.minMs, reps: t.reps });
    } catch (e) {
      emit(lib, 'mnist-cnn-step', null as unknown as number, { error: (e as Error).message.split('\n')[0] });
    }
  }
  if (wanted('mnist-cnn-eval')) {
    const t = timeit(() => tf.tidy(() => tf.argMax(model.forward(x, false), 1).dataSync()), { minTime: 2000, minReps: QUICK ? 2 : 5, warmup: 2 });
    emit(lib, 'mnist-cnn-eval', t.ms, { minMs: t.minMs, reps: t.reps });
  }
}

// ---- the Adam update ----------------------------------------------------------------------
for (const n of ADAM_SIZES) {
  const name = `adam-${n / 1_000_000}M`;
  if (!wanted(name)) continue;
  const p = tf.variable(tf.randomUniform([n], -1, 1), true, `adam_p_${n}`);
  const g = tf.randomUniform([n], -1, 1);
  const opt = tf.train.adam(1e-3);
  const t = timeit(() => opt.applyGradients([{ name: p.name, tensor: g }]), { minTime: n > 5e6 ? 2000 : 1000, minReps: 5, warmup: 2 });
  emit(lib, name, t.ms, { minMs: t.minMs, reps: t.reps });
  opt.dispose();
  p.dispose();
  g.dispose();
}
