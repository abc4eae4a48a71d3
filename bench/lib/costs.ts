/**
 * What each benchmark workload costs at the least, for the physical limits in RESULTS.md: its
 * FLOPs (GEMM and convolution work) and the bytes its optimizer streams, and the parsing of
 * bench/optimizer-steps.ts's table. Pure functions: bench/run.ts and the tests import them.
 */

/** FLOPs of a 3x3 (or k x k) convolution producing hOut x hOut x cOut from cIn channels, per image. */
export function convFlops(hOut: number, cIn: number, cOut: number, k = 3): number {
  return 2 * hOut * hOut * cOut * cIn * k * k;
}

const MLP_LAYERS: [number, number][] = [[784, 256], [256, 256], [256, 10]];
/** The MLP 784-256-256-10: forward FLOPs per example. */
export const MLP_FORWARD = MLP_LAYERS.reduce((a, [i, o]) => a + 2 * i * o, 0);
/** Training FLOPs per example: forward, and the weight- and input-gradient products of the backward pass, less the first layer's input gradient (nothing needs it). */
export const MLP_TRAIN = 3 * MLP_FORWARD - 2 * 784 * 256;
export const MLP_PARAMS = MLP_LAYERS.reduce((a, [i, o]) => a + i * o + o, 0);

/** The bench's small CNN (conv 1->16 pad 1, pool, conv 16->32 pad 1, pool, dense 1568->10). */
export const SMALL_CNN_FORWARD = convFlops(28, 1, 16) + convFlops(14, 16, 32) + 2 * 1568 * 10;
export const SMALL_CNN_TRAIN = 3 * SMALL_CNN_FORWARD - convFlops(28, 1, 16);
export const SMALL_CNN_PARAMS = 16 * 9 + 16 + 32 * 16 * 9 + 32 + 1568 * 10 + 10;

/** The CNN of PyTorch's MNIST example (conv 1->32, conv 32->64, fc 9216->128, fc 128->10). */
export const MNIST_CNN_FORWARD = convFlops(26, 1, 32) + convFlops(24, 32, 64) + 2 * 9216 * 128 + 2 * 128 * 10;
export const MNIST_CNN_TRAIN = 3 * MNIST_CNN_FORWARD - convFlops(26, 1, 32);
export const MNIST_CNN_PARAMS = 32 * 9 + 32 + 64 * 32 * 9 + 64 + 9216 * 128 + 128 + 128 * 10 + 10;

/** Adam and Adadelta read the parameter, its gradient and two state arrays and write three: 7 x 4 bytes a float32 parameter. */
export const OPTIMIZER_BYTES_PER_PARAM = 28;
const STEPS_PER_EPOCH = Math.ceil(60000 / 128);

export interface Cost {
  flops: number;
  bytes: number;
  what: string;
}

/** Per workload id of bench/run.ts: its FLOPs and the bytes its optimizer streams. */
export const COSTS: Record<string, Cost> = {
  'sgemm-128': { flops: 2 * 128 ** 3, bytes: 0, what: '2n^3' },
  'sgemm-512': { flops: 2 * 512 ** 3, bytes: 0, what: '2n^3' },
  'sgemm-1024': { flops: 2 * 1024 ** 3, bytes: 0, what: '2n^3' },
  'mlp-step': { flops: 128 * MLP_TRAIN, bytes: OPTIMIZER_BYTES_PER_PARAM * MLP_PARAMS, what: 'forward + backward GEMMs; Adam on 269K params' },
  'cnn-step': { flops: 64 * SMALL_CNN_TRAIN, bytes: OPTIMIZER_BYTES_PER_PARAM * SMALL_CNN_PARAMS, what: 'convolutions and dense, forward + backward' },
  'mnist-cnn-step': { flops: 64 * MNIST_CNN_TRAIN, bytes: OPTIMIZER_BYTES_PER_PARAM * MNIST_CNN_PARAMS, what: 'convolutions and dense, forward + backward; Adadelta on 1.2M params' },
  'mnist-cnn-eval': { flops: 1000 * MNIST_CNN_FORWARD, bytes: 0, what: 'forward of 1000 images' },
  'mlp-epoch': { flops: 60000 * MLP_TRAIN, bytes: STEPS_PER_EPOCH * OPTIMIZER_BYTES_PER_PARAM * MLP_PARAMS, what: '469 steps' },
  'mlp-epoch-loop': { flops: 60000 * MLP_TRAIN, bytes: STEPS_PER_EPOCH * OPTIMIZER_BYTES_PER_PARAM * MLP_PARAMS, what: '469 steps' },
  'adam-1M': { flops: 0, bytes: OPTIMIZER_BYTES_PER_PARAM * 1e6, what: '7 streams of 4 bytes' },
  'adam-10M': { flops: 0, bytes: OPTIMIZER_BYTES_PER_PARAM * 1e7, what: '7 streams of 4 bytes' },
};

/**
 * The least time of a workload in ms: its FLOPs at `peakGflops` plus its bytes at `gbPerS`
 * (the optimizer's pass does not overlap the products).
 */
export function limitMs(cost: Cost, peakGflops: number, gbPerS: number): number {
  return cost.flops / peakGflops / 1e6 + cost.bytes / gbPerS / 1e6;
}

/**
 * The rows of bench/optimizer-steps.ts's markdown table: each method's name and the first
 * number of its row (milliseconds a step), whatever columns follow (ratios, notes).
 */
export function parseOptimizerTable(stdout: string): { lines: string[]; steps: { name: string; ms: number; xAdam: number }[] } {
  const lines = stdout.split('\n').filter((l) => l.trim().startsWith('|'));
  const steps: { name: string; ms: number; xAdam: number }[] = [];
  for (const l of lines) {
    const cells = l.trim().split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length < 3 || cells.every((c) => /^:?-+:?$/.test(c))) continue;
    const [ms, xAdam] = [cells[1], cells[2]].map((c) => (/^-?\d/.test(c) ? Number.parseFloat(c) : NaN));
    if (cells[0] && Number.isFinite(ms) && Number.isFinite(xAdam)) steps.push({ name: cells[0].replace(/`/g, ''), ms, xAdam });
  }
  return { lines, steps };
}
