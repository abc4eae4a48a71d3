/**
 * The workloads written as a user writes them: only the public API (`import ... from 'descent'`,
 * here ../../src/node.js, which is what `descent` resolves to on Node), so whatever the engine
 * does for ordinary programs (buffer reuse, fused optimizers, threads) shows up here.
 *
 * - mnist-cnn-step / mnist-cnn-eval: the CNN of PyTorch's MNIST example (examples/mnist/main.py:
 *   conv 1->32 3x3, ReLU, conv 32->64 3x3, ReLU, max-pool 2, dropout 0.25, flatten,
 *   fc 9216->128, ReLU, dropout 0.5, fc 128->10, log-softmax, NLL loss, Adadelta lr 1.0,
 *   batch 64) on Fashion-MNIST: the median train step over 40 DataLoader batches (after 8 warm-up steps), and the forward
 *   pass of a 1000-image batch in eval mode under noGrad (median of 7 after one warm-up);
 * - mlp-epoch-loop: one epoch of the MLP 784-256-256-10 (Adam 1e-3, batch 128, shuffled) written
 *   as the README's loop (DataLoader, forward, crossEntropy, zeroGrad, backward, step), whole
 *   epoch, in a fresh process;
 * - first20-mlp / first20-matmul512: in a fresh process, the mean time of calls 1-20 against the
 *   median of calls 100+ for the MLP's train step and for a 512x512 `a.matmul(b)`.
 *
 * The backend is the root's own choice on import, steered by DESCENT_BACKEND as a user would.
 */
import { DataLoader, Generator, createOptimizer, crossEntropy, loadFashionMNISTSync, nllLoss, nn, noGrad, normal, randint, uniform, type Tensor } from '../../src/node.js';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { QUICK, emit, named, wanted } from './timing.js';

/** The CNN of PyTorch's examples/mnist/main.py, layer for layer. */
export function mnistCnn(generator: Generator): nn.Module {
  return new nn.Sequential(
    new nn.Conv2d(1, 32, 3, { generator }), new nn.ReLU(),
    new nn.Conv2d(32, 64, 3, { generator }), new nn.ReLU(),
    new nn.MaxPool2d(2), new nn.Dropout(0.25, { generator }), new nn.Flatten(),
    new nn.Linear(9216, 128, { generator }), new nn.ReLU(), new nn.Dropout(0.5, { generator }),
    new nn.Linear(128, 10, { generator }), new nn.LogSoftmax(1),
  );
}

/** The bench's MLP 784-256-256-10, taking images as the README's model does (Flatten first). */
export function readmeMlp(generator: Generator): nn.Module {
  return new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 256, { generator }), new nn.ReLU(), new nn.Linear(256, 256, { generator }), new nn.ReLU(), new nn.Linear(256, 10, { generator }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Fresh-process figure: the mean of calls 1-20 and the mean of calls 100..total of `fn` (the
 * same statistic on both sides: a median of the rest would leave out the occasional slow call,
 * a BLAS thread waking late, that the mean of the first 20 counts), and that median beside it.
 */
function firstSteps(lib: string, name: string, fn: () => unknown): void {
  const total = QUICK ? 150 : 300;
  const times: number[] = [];
  for (let i = 0; i < total; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  const first20 = mean(times.slice(0, 20));
  const steady = mean(times.slice(99));
  emit(lib, name, first20, { steadyMs: steady, steadyMedianMs: median(times.slice(99)), ratio: first20 / steady, first: times[0], calls: total });
}

/** Garbage collections seen in this process (start time, duration in ms), for the gc rows. */
const collections: { start: number; ms: number }[] = [];
const windows: [string, number, number][] = [];
let observer: PerformanceObserver | null = null;

/** Times `fn` as the window of workload `name`, for attributing GC pauses to it. */
function window<T>(name: string, fn: () => T): T {
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    windows.push([name, t0, performance.now()]);
  }
}

/**
 * Runs the selected user workloads of this file for `lib` (one process; see the module doc),
 * then emits one `gc:NAME` row per workload: the GC pauses (count, total ms) inside it.
 */
export async function runUserWorkloads(lib: string): Promise<void> {
  observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) collections.push({ start: e.startTime, ms: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  runAll(lib);
  // The observer's entries arrive on the event loop, after the synchronous workloads.
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  for (const [name, t0, t1] of windows) {
    const inside = collections.filter((c) => c.start >= t0 && c.start < t1);
    emit(lib, `gc:${name}`, inside.reduce((a, c) => a + c.ms, 0), { count: inside.length, windowMs: t1 - t0 });
  }
}

function runAll(lib: string): void {
  const needData = wanted('mnist-cnn-step') || wanted('mnist-cnn-eval') || named('mlp-epoch-loop');
  let train: ReturnType<typeof loadFashionMNISTSync> | null = null;
  let loadMs = 0;
  if (needData) {
    const t0 = performance.now();
    train = loadFashionMNISTSync({ split: 'train' });
    loadMs = performance.now() - t0;
  }

  if (wanted('mnist-cnn-step') && train) window('mnist-cnn-step', () => {
    const generator = new Generator(0);
    const model = mnistCnn(generator);
    const optimizer = createOptimizer('adadelta', model.parameters(), { lr: 1.0 });
    const warmup = QUICK ? 3 : 8;
    const steps = QUICK ? 10 : 40;
    const times: number[] = [];
    let lossSum = 0;
    model.train();
    for (const { x, y } of new DataLoader(train, { batchSize: 64, shuffle: true, seed: 0 })) {
      const t = performance.now();
      optimizer.zeroGrad();
      const loss = nllLoss(model.forward(x), y);
      loss.backward();
      optimizer.step();
      const v = loss.item();
      times.push(performance.now() - t);
      lossSum += v;
      if (times.length >= warmup + steps) break;
    }
    const timed = times.slice(warmup);
    emit(lib, 'mnist-cnn-step', median(timed), { minMs: Math.min(...timed), reps: timed.length, meanLoss: lossSum / times.length });
  });

  if (wanted('mnist-cnn-eval') && train) window('mnist-cnn-eval', () => {
    const model = mnistCnn(new Generator(0));
    model.eval();
    const x = train.x.narrow(0, 0, 1000);
    const reps = QUICK ? 3 : 7;
    const times: number[] = [];
    for (let i = 0; i < reps + 1; i++) {
      const t = performance.now();
      noGrad(() => model.forward(x).argmax(1));
      times.push(performance.now() - t);
    }
    const timed = times.slice(1);
    emit(lib, 'mnist-cnn-eval', median(timed), { minMs: Math.min(...timed), reps: timed.length });
  });

  if (named('mlp-epoch-loop') && train) window('mlp-epoch-loop', () => {
    const model = readmeMlp(new Generator(0));
    const optimizer = createOptimizer('adam', model.parameters(), { lr: 1e-3 });
    const t0 = performance.now();
    let lossSum = 0;
    let batches = 0;
    const limit = QUICK ? 60 : Infinity;
    for (const { x, y } of new DataLoader(train, { batchSize: 128, shuffle: true, seed: 0 })) {
      optimizer.zeroGrad();
      const loss = crossEntropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      lossSum += loss.item();
      if (++batches >= limit) break;
    }
    const ms = performance.now() - t0;
    const total = Math.ceil(train.x.shape[0] / 128);
    emit(lib, 'mlp-epoch-loop', (ms / batches) * total, { batches, meanLoss: lossSum / batches, loadMs, ...(batches < total ? { extrapolatedFrom: batches } : {}) });
  });

  if (named('first20-mlp')) {
    const generator = new Generator(0);
    const model = readmeMlp(generator);
    const optimizer = createOptimizer('adam', model.parameters(), { lr: 1e-3 });
    const x = uniform([128, 784], 0, 1, { generator });
    const y = randint(0, 10, [128], { generator });
    window('first20-mlp', () => firstSteps(lib, 'first20-mlp', () => {
      optimizer.zeroGrad();
      const loss = crossEntropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      return loss.item();
    }));
  }

  if (named('first20-matmul512')) {
    const generator = new Generator(0);
    const a: Tensor = normal([512, 512], 0, 1, { generator });
    const b: Tensor = normal([512, 512], 0, 1, { generator });
    window('first20-matmul512', () => firstSteps(lib, 'first20-matmul512', () => a.matmul(b)));
  }
}
