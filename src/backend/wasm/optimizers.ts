/**
 * The wasm versions of the fused optimizer kernels: Adam, SGD, RMSprop and Adagrad, and the
 * optional ones (NAdam, RAdam, Adamax, AdamNC/Yogi, AdaBelief, AdaBound, AdaDelta, Lion,
 * signSGD/Signum, Rprop, ASGD, and the passes of LARS, LAMB and NovoGrad with their sums of
 * squares, Adafactor's factored passes): float32 loops in kernels.c, fed through the arena in
 * chunks by the caller's `streamed`; AdaShift's float64 loop (adashift.c) and the SWA and EMA
 * averages (averaging.c) likewise. Each optional one returns false when the arena cannot hold a
 * chunk; the method then runs its own loop. `random`, the Generator's bulk draws (random.c), is
 * bound in random.ts.
 *
 * {@link streamedOptimizerKernels} and {@link summingOptimizerKernels} are also the blas backend's
 * native tables (src/backend/native): the same C functions compiled for the host, called on the
 * arrays themselves.
 */
import type {
  AdaBeliefHyper, AdaBoundHyper, AdafactorHyper, AdaShiftHyper, AdadeltaHyper, AdagradHyper, AdamaxHyper, AdamHyper, AdamLikeHyper, AsgdHyper, LambHyper,
  LarsHyper, LionHyper, NAdamHyper, NovoGradHyper, OptimizerKernels, RAdamHyper, RmspropHyper, RpropHyper, SgdHyper, SignHyper,
} from '../optimizer-kernels.js';
import { jsOptimizerKernels } from '../js/optimizers/index.js';
import { wasmRandomKernels, type RandomExports } from './random.js';

/** Where a kernel finds an array: its byte address in the module's memory (wasm), or the array itself (native; null for none). */
export type KernelArray = number | Float32Array | Float64Array | null;

/** A kernel's export: the arrays, their length, then its scalars. */
type Kernel = (...args: (KernelArray | number)[]) => void;

/** The kernels {@link streamedOptimizerKernels} calls: one pass over equal-length arrays each. */
export interface StreamedOptimizerExports {
  adam: Kernel;
  sgd: Kernel;
  rmsprop: Kernel;
  adagrad: Kernel;
  nadam: Kernel;
  radam: Kernel;
  adamax: Kernel;
  adam_like: Kernel;
  adabelief: Kernel;
  adabound: Kernel;
  adadelta: Kernel;
  lion: Kernel;
  sign_step: Kernel;
  rprop: Kernel;
  lars: Kernel;
  novograd: Kernel;
  asgd: Kernel;
  /** adashift.c: AdaShift's pass, two lanes at a time. */
  adashift_f64x2: Kernel;
  /** averaging.c: the SWA and EMA averages. */
  ema_f32: Kernel;
  swa_f32: Kernel;
}

/** The kernels {@link summingOptimizerKernels} calls: passes that add sums of squares (or a maximum) into the caller's arrays. */
export interface SummingOptimizerExports {
  sum_squares: Kernel;
  lamb_moments: Kernel;
  lamb_apply: Kernel;
  max_square: Kernel;
  adafactor_sums: Kernel;
  adafactor_rms: Kernel;
  adafactor_apply: Kernel;
}

/** The exports of kernels.c's optimizer section (and of random.c, the Generator's bulk draws). */
export interface FusedOptimizerExports extends StreamedOptimizerExports, SummingOptimizerExports, RandomExports {
  adafactor_rows_at(): number;
  adafactor_cols_at(): number;
  adafactor_rowf_at(): number;
  adafactor_colf_at(): number;
  /** The address of the module's two float64 sums (the wasm side's `sums`). */
  optim_sums_at(): number;
  memory: { buffer: ArrayBufferLike };
}

/** An array the summing kernels write or read: where a kernel finds it, and a view of it. */
type Slot<T> = [at: KernelArray, view: T];

/**
 * Where the summing kernels' outputs live (the module's statics on wasm, plain arrays natively).
 * Each call gives fresh views: a wasm memory that grew has detached the old ones.
 */
export interface SumSlots {
  /** The two float64 sums. */
  sums(): Slot<Float64Array>;
  /** Adafactor's row and column sums (float64) and factors (float32), {@link ADAFACTOR_MAX} each. */
  factors(): { rowSums: Slot<Float64Array>; colSums: Slot<Float64Array>; rowFactors: Slot<Float32Array>; colFactors: Slot<Float32Array> };
}

/**
 * Runs `run` over equal-length arrays, giving it where each array is and a length: through the
 * arena in chunks (wasm, see createWasmKernels; false when it cannot hold a chunk, `written`
 * saying which arrays to copy back), or once on the arrays themselves (native).
 */
export type Streamed = (arrays: (Float32Array | Float64Array | null)[], written: boolean[], run: (at: KernelArray[], len: number) => void) => boolean;

/** The kernels that are one streamed pass each. */
export type StreamedKernels = Pick<OptimizerKernels, 'adam' | 'sgd' | 'rmsprop' | 'adagrad'> &
  Required<Pick<OptimizerKernels, 'nadam' | 'radam' | 'adamax' | 'adamLike' | 'adabelief' | 'adabound' | 'adadelta' | 'lion' | 'sign' | 'rprop' |
    'lars' | 'novograd' | 'asgd' | 'adashift' | 'ema' | 'swa'>>;

/** The kernels that sum over their arrays as they go. */
type Summing = Required<Pick<OptimizerKernels, 'sumSquares' | 'lambMoments' | 'lambApply' | 'maxSquare' | 'adafactor'>>;

/** The capacity of Adafactor's row and column arrays (kernels.c's AF_MAX): larger tensors run the method's own loop. */
export const ADAFACTOR_MAX = 32768;

/** The kernels that are one pass over equal-length arrays, over `ex` and a `streamed`. */
export function streamedOptimizerKernels(ex: StreamedOptimizerExports, streamed: Streamed): StreamedKernels {
  const sign = (h: { maximize: boolean }) => (h.maximize ? -1 : 1);
  // Every kernel writes back all its arrays but the gradient (the second).
  const run = (arrays: (Float32Array | Float64Array | null)[], call: (at: KernelArray[], len: number) => void) =>
    streamed(arrays, arrays.map((_, k) => k !== 1), call);
  return {
    adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, h: AdamHyper, vMax?: Float32Array | null): void {
      const stepSize = h.lr / h.biasCorrection1;
      const invSqrtBc2 = 1 / Math.sqrt(h.biasCorrection2);
      const decay = 1 - h.lr * h.weightDecay;
      const done = run([p, g, m, v, vMax ?? null], (at, len) =>
        ex.adam(at[0], at[1], at[2], at[3], at[4], len, h.beta1, h.beta2, 1 - h.beta1, 1 - h.beta2, h.eps, stepSize, invSqrtBc2, decay));
      if (!done) jsOptimizerKernels.adam(p, g, m, v, h, vMax);
    },
    sgd(p: Float32Array, g: Float32Array, buf: Float32Array | null, h: SgdHyper): void {
      const done = run([p, g, buf], (at, len) =>
        ex.sgd(at[0], at[1], at[2], len, h.lr, h.momentum, 1 - h.dampening, h.weightDecay, sign(h), h.nesterov ? 1 : 0, h.firstStep ? 1 : 0));
      if (!done) jsOptimizerKernels.sgd(p, g, buf, h);
    },
    rmsprop(p: Float32Array, g: Float32Array, sq: Float32Array, gAvg: Float32Array | null, buf: Float32Array | null, h: RmspropHyper): void {
      const done = run([p, g, sq, gAvg, buf], (at, len) =>
        ex.rmsprop(at[0], at[1], at[2], at[3], at[4], len, h.lr, h.alpha, 1 - h.alpha, h.eps, h.weightDecay, h.momentum, sign(h)));
      if (!done) jsOptimizerKernels.rmsprop(p, g, sq, gAvg, buf, h);
    },
    adagrad(p: Float32Array, g: Float32Array, sum: Float32Array, h: AdagradHyper): void {
      const done = run([p, g, sum], (at, len) => ex.adagrad(at[0], at[1], at[2], len, h.lr, h.eps, h.weightDecay, sign(h)));
      if (!done) jsOptimizerKernels.adagrad(p, g, sum, h);
    },
    nadam: (p, g, m, v, h: NAdamHyper) => run([p, g, m, v], (at, n) =>
      ex.nadam(at[0], at[1], at[2], at[3], n, sign(h), h.weightDecay, h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.eps, h.bc2, h.cg, h.cm, h.lr)),
    radam: (p, g, m, v, h: RAdamHyper) => run([p, g, m, v], (at, n) =>
      ex.radam(at[0], at[1], at[2], at[3], n, sign(h), h.weightDecay, h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.eps, h.bc1,
        h.rectified ? 1 : 0, h.rect * h.sqrtBc2, h.lr)),
    adamax: (p, g, m, u, h: AdamaxHyper) => run([p, g, m, u], (at, n) =>
      ex.adamax(at[0], at[1], at[2], at[3], n, sign(h), h.weightDecay, h.beta1, 1 - h.beta1, h.beta2, h.eps, h.bc1, h.lr)),
    adamLike: (p, g, m, v, h: AdamLikeHyper) => run([p, g, m, v], (at, n) =>
      ex.adam_like(at[0], at[1], at[2], at[3], n, sign(h), h.weightDecay, h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.eps, h.lr / h.bc1,
        1 / Math.sqrt(h.bc2), h.yogi ? 1 : 0)),
    adabelief: (p, g, m, s, sMax, h: AdaBeliefHyper) => run([p, g, m, s, sMax], (at, n) =>
      ex.adabelief(at[0], at[1], at[2], at[3], at[4], n, sign(h), h.weightDecay, h.decoupled ? 1 : 0, h.beta1, 1 - h.beta1, h.beta2,
        1 - h.beta2, h.eps, h.bc1, h.bc2, h.lr)),
    // The kernel's clamp assumes bounds that are not NaN; with one, the method's own loop runs.
    adabound: (p, g, m, v, vMax, h: AdaBoundHyper) => !Number.isNaN(h.lower) && !Number.isNaN(h.upper) && run([p, g, m, v, vMax], (at, n) =>
      ex.adabound(at[0], at[1], at[2], at[3], at[4], n, sign(h), h.weightDecay, h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.eps,
        h.base, h.lower, h.upper, h.decay)),
    adadelta: (p, g, sq, acc, h: AdadeltaHyper) => run([p, g, sq, acc], (at, n) =>
      ex.adadelta(at[0], at[1], at[2], at[3], n, sign(h), h.weightDecay, h.rho, 1 - h.rho, h.eps, h.lr)),
    lion: (p, g, m, h: LionHyper) => run([p, g, m], (at, n) =>
      ex.lion(at[0], at[1], at[2], n, sign(h), h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.weightDecay, h.lr)),
    sign: (p, g, m, h: SignHyper) => run([p, g, m], (at, n) =>
      ex.sign_step(at[0], at[1], at[2], n, sign(h), h.weightDecay, h.momentum, 1 - h.momentum, h.lr)),
    rprop: (p, g, prev, size, h: RpropHyper) => run([p, g, prev, size], (at, n) =>
      ex.rprop(at[0], at[1], at[2], at[3], n, sign(h), h.etaMinus, h.etaPlus, h.minStep, h.maxStep)),
    lars: (p, g, buf, h: LarsHyper) => run([p, g, buf], (at, n) =>
      ex.lars(at[0], at[1], at[2], n, sign(h), h.momentum, h.scale, h.weightDecay)),
    novograd: (p, g, m, h: NovoGradHyper) => run([p, g, m], (at, n) =>
      ex.novograd(at[0], at[1], at[2], n, sign(h), h.beta1, h.gradScale, h.denom, h.weightDecay, h.lr)),
    asgd: (p, g, ax, h: AsgdHyper) => run([p, g, ax], (at, n) =>
      ex.asgd(at[0], at[1], at[2], n, sign(h), h.weightDecay, h.keep, h.eta, h.mu)),
    adashift: (p, g, slot, sum, v, h: AdaShiftHyper) => run([p, g, slot, sum, v], (at, n) =>
      ex.adashift_f64x2(at[0], at[1], at[2], at[3], at[4], n, h.beta1, h.dropWeight, h.beta2, h.lr, h.wsum, h.bc, h.eps, h.scale)),
    ema: (avg, w, decay) => run([avg, w], (at, n) => ex.ema_f32(at[0], at[1], n, decay, 1 - decay)),
    swa: (avg, w, count) => run([avg, w], (at, n) => ex.swa_f32(at[0], at[1], n, count)),
  };
}

/** Every fused kernel over the wasm module's exports: the streamed ones, those that sum into the module's statics, and the random draws. */
export function fusedOptimizerKernels(ex: FusedOptimizerExports, streamed: Streamed): StreamedKernels & Summing & Pick<Required<OptimizerKernels>, 'random'> {
  const f64 = (at: number, n: number): Slot<Float64Array> => [at, new Float64Array(ex.memory.buffer, at, n)];
  const f32 = (at: number, n: number): Slot<Float32Array> => [at, new Float32Array(ex.memory.buffer, at, n)];
  const slots: SumSlots = {
    sums: () => f64(ex.optim_sums_at(), 2),
    factors: () => ({
      rowSums: f64(ex.adafactor_rows_at(), ADAFACTOR_MAX), colSums: f64(ex.adafactor_cols_at(), ADAFACTOR_MAX),
      rowFactors: f32(ex.adafactor_rowf_at(), ADAFACTOR_MAX), colFactors: f32(ex.adafactor_colf_at(), ADAFACTOR_MAX),
    }),
  };
  return { ...streamedOptimizerKernels(ex, streamed), ...summingOptimizerKernels(ex, streamed, slots), random: wasmRandomKernels(ex) };
}

/**
 * The kernels that add sums of squares into `slots` as they stream (LARS's, NovoGrad's and
 * LAMB's norms, AdaShift's maximum, Adafactor's row and column statistics): also the blas
 * backend's native table, with arrays of its own for the slots.
 */
export function summingOptimizerKernels(ex: SummingOptimizerExports, streamed: Streamed, slots: SumSlots): Summing {
  const sign = (h: { maximize: boolean }) => (h.maximize ? -1 : 1);
  /** Zeroes the two sums, runs `pass` with where they are, and returns them (null when the pass could not run). */
  const summed = (pass: (sums: KernelArray) => boolean): [number, number] | null => {
    const [at, sums] = slots.sums();
    sums.fill(0);
    if (!pass(at)) return null;
    const [, after] = slots.sums();
    return [after[0], after[1]];
  };
  return {
    maxSquare: (x) => summed((s) => streamed([x], [false], (at, n) => ex.max_square(at[0], n, s)))?.[0] ?? null,
    sumSquares: (x, y) => summed((s) => streamed([x, y], [false, false], (at, n) => ex.sum_squares(at[0], at[1], n, s))),
    lambMoments: (p, g, m, v, r, h: LambHyper) => summed((s) => streamed([p, g, m, v, r], [false, false, true, true, true], (at, n) =>
      ex.lamb_moments(at[0], at[1], at[2], at[3], at[4], n, sign(h), h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.eps, 1 / h.bc1, 1 / h.bc2,
        h.weightDecay, s))),
    lambApply: (p, r, c) => streamed([p, r], [true, false], (at, n) => ex.lamb_apply(at[0], at[1], n, c)),
    adafactor: (p, g, R, C, m, [batch, rows, cols], h: AdafactorHyper) => adafactor(p, g, R, C, m, batch, rows, cols, h),
  };

  /** Adafactor's three streamed passes (the kernels of kernels.c) around its row and column statistics. */
  function adafactor(p: Float32Array, g: Float32Array, R: Float32Array, C: Float32Array, m: Float32Array | null,
    batch: number, rows: number, cols: number, h: AdafactorHyper): boolean {
    if (batch * rows > ADAFACTOR_MAX || batch * cols > ADAFACTOR_MAX) return false;
    const n = p.length;
    /** Runs `pass` over the chunks with each chunk's first element index. */
    const chunked = (arrays: (Float32Array | null)[], written: boolean[], pass: (at: KernelArray[], len: number, i0: number) => void) => {
      let i0 = 0;
      return streamed(arrays, written, (at, len) => {
        pass(at, len, i0);
        i0 += len;
      });
    };
    const before = slots.factors();
    const [rowsAt] = before.rowSums, [colsAt] = before.colSums;
    before.rowSums[1].fill(0, 0, batch * rows);
    before.colSums[1].fill(0, 0, batch * cols);
    // The first pass streams m too (unread): every pass then fits in the room it reserved, so
    // none fails once the first has run and changed R and C.
    const sums = summed((s) => chunked([p, g, m], [false, false, false], (at, len, i0) =>
      ex.adafactor_sums(at[0], at[1], len, i0, rows, cols, h.eps1, rowsAt, colsAt, s)));
    if (!sums) return false;
    // R, C from the sums (the chain's means); then the factors the kernels multiply by,
    // 1 / sqrt(R / mean(R)) and 1 / sqrt(C) (fresh views: the pass may have grown the memory).
    const { rowSums: [, rowSum], colSums: [, colSum], rowFactors: [rowFAt, rowF], colFactors: [colFAt, colF] } = slots.factors();
    const b2 = h.beta2;
    for (let b = 0; b < batch; b++) {
      let rowMean = 0;
      for (let r = b * rows; r < (b + 1) * rows; r++) {
        R[r] = b2 * R[r] + (1 - b2) * (rowSum[r] / cols);
        rowMean += R[r];
      }
      rowMean /= rows;
      for (let r = b * rows; r < (b + 1) * rows; r++) rowF[r] = 1 / Math.sqrt(R[r] / rowMean);
      for (let c = b * cols; c < (b + 1) * cols; c++) {
        C[c] = b2 * C[c] + (1 - b2) * (colSum[c] / rows);
        colF[c] = 1 / Math.sqrt(C[c]);
      }
    }
    const alpha = h.scaleParameter ? Math.max(h.eps2, Math.sqrt(sums[0] / Math.max(1, n))) * h.rho : h.rho;
    const rms = summed((s) => chunked([g], [false], (at, len, i0) => ex.adafactor_rms(at[0], len, i0, rows, cols, rowFAt, colFAt, s)));
    if (!rms) return false;
    const clip = Math.max(1, Math.sqrt(rms[1] / Math.max(1, n)) / h.clipThreshold);
    return chunked([p, g, m], [true, false, true], (at, len, i0) =>
      ex.adafactor_apply(at[0], at[1], at[2], len, i0, rows, cols, rowFAt, colFAt, sign(h), 1 / clip, alpha, h.weightDecay, h.beta1, 1 - h.beta1));
  }
}
