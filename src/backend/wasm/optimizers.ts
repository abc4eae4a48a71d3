/**
 * The wasm versions of the optional fused optimizer kernels (NAdam, RAdam, Adamax, AdamNC/Yogi,
 * AdaBelief, AdaBound, AdaDelta, Lion, signSGD/Signum, Rprop, ASGD, and the passes of LARS, LAMB
 * and NovoGrad with their sums of squares, Adafactor's factored passes): float32 loops at the end
 * of kernels.c, fed through the arena in chunks by the caller's `streamed`; AdaShift's float64
 * loop (adashift.c) and the SWA and EMA averages (averaging.c) likewise. Each returns false when
 * the arena cannot hold a chunk; the method then runs its own loop. `random`, the Generator's
 * bulk draws (random.c), is bound in random.ts.
 */
import type {
  AdaBeliefHyper, AdaBoundHyper, AdafactorHyper, AdaShiftHyper, AdadeltaHyper, AdamaxHyper, AdamLikeHyper, AsgdHyper, LambHyper, LarsHyper, LionHyper, NAdamHyper,
  NovoGradHyper, OptimizerKernels, RAdamHyper, RpropHyper, SignHyper,
} from '../optimizer-kernels.js';
import { wasmRandomKernels, type RandomExports } from './random.js';

/** A kernel's export: byte addresses of the arrays, their length, then its scalars. */
type Kernel = (...args: number[]) => void;

/** The exports of kernels.c's optimizer section (and of random.c, the Generator's bulk draws). */
export interface FusedOptimizerExports extends RandomExports {
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
  sum_squares: Kernel;
  lars: Kernel;
  lamb_moments: Kernel;
  lamb_apply: Kernel;
  novograd: Kernel;
  asgd: Kernel;
  /** adashift.c: AdaShift's pass, two lanes at a time. */
  adashift_f64x2: Kernel;
  /** averaging.c: the SWA and EMA averages. */
  ema_f32: Kernel;
  swa_f32: Kernel;
  max_square: Kernel;
  adafactor_sums: Kernel;
  adafactor_rms: Kernel;
  adafactor_apply: Kernel;
  adafactor_rows_at(): number;
  adafactor_cols_at(): number;
  adafactor_rowf_at(): number;
  adafactor_colf_at(): number;
  /** The address of the two float64 sums that sum_squares and lamb_moments add to. */
  optim_sums_at(): number;
  memory: { buffer: ArrayBufferLike };
}

/** Streams equal-length arrays through the arena (see createWasmKernels): false when it cannot. */
export type Streamed = (arrays: (Float32Array | Float64Array | null)[], written: boolean[], run: (at: number[], len: number) => void) => boolean;

type Optional = Required<Pick<OptimizerKernels, 'nadam' | 'radam' | 'adamax' | 'adamLike' | 'adabelief' | 'adabound' | 'adadelta' | 'lion' |
  'sign' | 'rprop' | 'sumSquares' | 'lars' | 'lambMoments' | 'lambApply' | 'novograd' | 'asgd' | 'adashift' | 'maxSquare' | 'adafactor' | 'ema' | 'swa' | 'random'>>;

/** The capacity of kernels.c's Adafactor row and column arrays (AF_MAX). */
const ADAFACTOR_MAX = 32768;

/** The optional fused kernels over the module's exports. */
export function fusedOptimizerKernels(ex: FusedOptimizerExports, streamed: Streamed): Optional {
  const sign = (h: { maximize: boolean }) => (h.maximize ? -1 : 1);
  // Every kernel writes back all its arrays but the gradient (the second).
  const run = (arrays: (Float32Array | Float64Array | null)[], call: (at: number[], len: number) => void) =>
    streamed(arrays, arrays.map((_, k) => k !== 1), call);
  const sumsAt = ex.optim_sums_at();
  /** Zeroes the module's two sums, runs `pass`, and returns the sums (null when the pass could not run). */
  const summed = (pass: () => boolean): [number, number] | null => {
    let sums = new Float64Array(ex.memory.buffer, sumsAt, 2);
    sums.fill(0);
    if (!pass()) return null;
    sums = new Float64Array(ex.memory.buffer, sumsAt, 2); // the memory may have grown
    return [sums[0], sums[1]];
  };
  return {
    nadam: (p, g, m, v, h: NAdamHyper) => run([p, g, m, v], (at, n) =>
      ex.nadam(at[0], at[1], at[2], at[3], n, sign(h), h.weightDecay, h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.eps, h.bc2, h.cg, h.cm, h.lr)),
    radam: (p, g, m, v, h: RAdamHyper) => run([p, g, m, v], (at, n) =>
      ex.radam(at[0], at[1], at[2], at[3], n, sign(h), h.weightDecay, h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.eps, h.bc1,
        h.rectified ? 1 : 0, h.rect * h.sqrtBc2, h.lr)),
    adamax: (p, g, m, u, h: AdamaxHyper) => run([p, g, m, u], (at, n) =>
      ex.adamax(at[0], at[1], at[2], at[3], n, sign(h), h.weightDecay, h.beta1, 1 - h.beta1, h.beta2, h.eps, h.bc1, h.lr)),
    adamLike: (p, g, m, v, h: AdamLikeHyper) => run([p, g, m, v], (at, n) =>
      ex.adam_like(at[0], at[1], at[2], at[3], n, sign(h), h.weightDecay, h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.eps, h.bc1, h.bc2,
        h.lr, h.yogi ? 1 : 0)),
    adabelief: (p, g, m, s, sMax, h: AdaBeliefHyper) => run([p, g, m, s, sMax], (at, n) =>
      ex.adabelief(at[0], at[1], at[2], at[3], at[4], n, sign(h), h.weightDecay, h.decoupled ? 1 : 0, h.beta1, 1 - h.beta1, h.beta2,
        1 - h.beta2, h.eps, h.bc1, h.bc2, h.lr)),
    adabound: (p, g, m, v, vMax, h: AdaBoundHyper) => run([p, g, m, v, vMax], (at, n) =>
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
    maxSquare: (x) => summed(() => streamed([x], [false], (at, n) => ex.max_square(at[0], n)))?.[0] ?? null,
    sumSquares: (x, y) => summed(() => streamed([x, y], [false, false], (at, n) => ex.sum_squares(at[0], at[1], n))),
    lars: (p, g, buf, h: LarsHyper) => run([p, g, buf], (at, n) =>
      ex.lars(at[0], at[1], at[2], n, sign(h), h.momentum, h.scale, h.weightDecay)),
    lambMoments: (p, g, m, v, h: LambHyper) => summed(() => streamed([p, g, m, v], [false, false, true, true], (at, n) =>
      ex.lamb_moments(at[0], at[1], at[2], at[3], n, sign(h), h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.eps, 1 / h.bc1, 1 / h.bc2, h.weightDecay))),
    lambApply: (p, m, v, h: LambHyper, c: number) => streamed([p, m, v], [true, false, false], (at, n) =>
      ex.lamb_apply(at[0], at[1], at[2], n, h.eps, 1 / h.bc1, 1 / h.bc2, h.weightDecay, c)),
    novograd: (p, g, m, h: NovoGradHyper) => run([p, g, m], (at, n) =>
      ex.novograd(at[0], at[1], at[2], n, sign(h), h.beta1, h.gradScale, h.denom, h.weightDecay, h.lr)),
    asgd: (p, g, ax, h: AsgdHyper) => run([p, g, ax], (at, n) =>
      ex.asgd(at[0], at[1], at[2], n, sign(h), h.weightDecay, h.keep, h.eta, h.mu)),
    adashift: (p, g, slot, sum, v, h: AdaShiftHyper) => run([p, g, slot, sum, v], (at, n) =>
      ex.adashift_f64x2(at[0], at[1], at[2], at[3], at[4], n, h.beta1, h.dropWeight, h.beta2, h.lr, h.wsum, h.bc, h.eps, h.scale)),
    ema: (avg, w, decay) => run([avg, w], (at, n) => ex.ema_f32(at[0], at[1], n, decay, 1 - decay)),
    swa: (avg, w, count) => run([avg, w], (at, n) => ex.swa_f32(at[0], at[1], n, count)),
    adafactor: (p, g, R, C, m, [batch, rows, cols], h: AdafactorHyper) => adafactor(p, g, R, C, m, batch, rows, cols, h),
    random: wasmRandomKernels(ex),
  };

  /** Adafactor's three streamed passes (the kernels of kernels.c) around its row and column statistics. */
  function adafactor(p: Float32Array, g: Float32Array, R: Float32Array, C: Float32Array, m: Float32Array | null,
    batch: number, rows: number, cols: number, h: AdafactorHyper): boolean {
    if (batch * rows > ADAFACTOR_MAX || batch * cols > ADAFACTOR_MAX) return false;
    const n = p.length;
    const factors = () => [new Float64Array(ex.memory.buffer, ex.adafactor_rows_at(), batch * rows), new Float64Array(ex.memory.buffer, ex.adafactor_cols_at(), batch * cols)];
    /** Runs `pass` over the chunks with each chunk's first element index. */
    const chunked = (arrays: (Float32Array | null)[], written: boolean[], pass: (at: number[], len: number, i0: number) => void) => {
      let i0 = 0;
      return streamed(arrays, written, (at, len) => {
        pass(at, len, i0);
        i0 += len;
      });
    };
    for (const f of factors()) f.fill(0);
    // The first pass streams m too (unread): every pass then fits in the room it reserved, so
    // none fails once the first has run and changed R and C.
    const sums = summed(() => chunked([p, g, m], [false, false, false], (at, len, i0) => ex.adafactor_sums(at[0], at[1], len, i0, rows, cols, h.eps1)));
    if (!sums) return false;
    // R, C from the sums (the chain's means); then the factors R / mean(R) and C the kernels read.
    const [rowSum, colSum] = factors();
    const rowF = new Float32Array(ex.memory.buffer, ex.adafactor_rowf_at(), batch * rows);
    const colF = new Float32Array(ex.memory.buffer, ex.adafactor_colf_at(), batch * cols);
    const b2 = h.beta2;
    for (let b = 0; b < batch; b++) {
      let rowMean = 0;
      for (let r = b * rows; r < (b + 1) * rows; r++) {
        R[r] = b2 * R[r] + (1 - b2) * (rowSum[r] / cols);
        rowMean += R[r];
      }
      rowMean /= rows;
      for (let r = b * rows; r < (b + 1) * rows; r++) rowF[r] = R[r] / rowMean;
      for (let c = b * cols; c < (b + 1) * cols; c++) {
        C[c] = b2 * C[c] + (1 - b2) * (colSum[c] / rows);
        colF[c] = C[c];
      }
    }
    const alpha = h.scaleParameter ? Math.max(h.eps2, Math.sqrt(sums[0] / Math.max(1, n))) * h.rho : h.rho;
    const rms = summed(() => chunked([g], [false], (at, len, i0) => ex.adafactor_rms(at[0], len, i0, rows, cols)));
    if (!rms) return false;
    const clip = Math.max(1, Math.sqrt(rms[1] / Math.max(1, n)) / h.clipThreshold);
    return chunked([p, g, m], [true, false, true], (at, len, i0) =>
      ex.adafactor_apply(at[0], at[1], at[2], len, i0, rows, cols, sign(h), 1 / clip, alpha, h.weightDecay, h.beta1, 1 - h.beta1));
  }
}
