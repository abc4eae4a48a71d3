/**
 * The blas backend's native kernels (Node): the wasm kernels' C sources compiled for this
 * machine by scripts/build-native.mjs (kernels.so here, with kernels.so.json: each export's C
 * prototype), called through koffi on the tensors' own typed arrays. The wasm backend must copy
 * every operand into its module's memory and back (a ReLU over 2.4M floats: 2.2 ms, of which the
 * kernel is 0.4); here the same kernels run in place. wasm-simd-native.h gives the wasm
 * intrinsics their wasm meaning lane by lane and the build turns multiply-add fusion off, so the
 * results are the wasm kernels' bits; test/backend/native.test.ts compares them.
 *
 * Covered: the elementwise maps with a wasm kernel, sums, scatter-add, max-pool, cumsum, the
 * fused optimizer steps (the one-pass ones and those that sum norms as they go), and the large
 * convolutions on threads (conv.ts), and the Generator's float32 normal stream on 16 or 8
 * lanes (normal32-lanes.c). Everything else (float64, ops without a kernel, the other random
 * draws) stays with the backend below.
 */
import type { BinaryOp, ConvGeometry, Kernels, ReduceOp, UnaryOp } from '../kernels.js';
import type { Storage } from '../storage.js';
import type { OptimizerKernels } from '../optimizer-kernels.js';
import type { RandomKernels } from '../random-kernels.js';
import { coalesceTo4 } from '../js/broadcast.js';
import { BINARY_CODES, UNARY_CODES } from '../wasm/codes.js';
import {
  ADAFACTOR_MAX, streamedOptimizerKernels, summingOptimizerKernels, type StreamedOptimizerExports, type SummingOptimizerExports, type SumSlots,
} from '../wasm/optimizers.js';
import { nativeImageConvolutions, type Call, type Convolutions } from './conv.js';

/** What koffi's `load` returns, as far as this module uses it. */
interface KoffiLib {
  func(signature: string): (...args: unknown[]) => unknown;
}
/** The part of koffi this module uses. */
export interface NativeKoffi {
  load(path: string): KoffiLib;
}

/** kernels.so.json, as scripts/build-native.mjs writes it. */
export interface NativeStamp {
  platform: string;
  compiler: string;
  prototypes: Record<string, string>;
}

/** Below this many elements a js loop costs less than the call (about 0.3 us through koffi). */
const MIN_ELEMENTWISE = 1024;
/** Sums, scatters and scans over fewer elements stay below. */
const MIN_REDUCE = 4096;

export interface NativeKernels {
  kernels: Partial<Kernels>;
  optimizerKernels: Partial<Omit<OptimizerKernels, 'name'>>;
  /** The Generator's float32 normal stream on 16 (AVX-512) or 8 (AVX2) lanes (normal32-lanes.c); null where the CPU has neither. */
  normal32: NonNullable<RandomKernels['normal32']> | null;
  /** e.g. 'native kernels (Debian clang version 14.0.6)'. */
  description: string;
  /** The large convolutions on `threads` threads with the CBLAS at `libraryPath` (see conv.ts); null where it lacks cblas_sgemm. */
  imageConvolutions(libraryPath: string, threads: number, setOne: () => void, fallback: Convolutions): Convolutions | null;
}

/**
 * Opens `path` (kernels.so) and binds the exports `stamp` lists; `base` gets what the library
 * does not cover. Throws an Error naming what failed (a missing export, a library that does not
 * open or fails its check).
 */
export function openNativeKernels(koffi: NativeKoffi, path: string, stamp: NativeStamp, base: Kernels): NativeKernels {
  let lib: KoffiLib;
  try {
    lib = koffi.load(path);
  } catch (e) {
    throw new Error(`cannot open ${path}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]} (rebuild it: node scripts/build-native.mjs)`);
  }
  const bound = new Map<string, Call>();
  const fn = (name: string): Call => {
    let f = bound.get(name);
    if (!f) {
      const proto = stamp.prototypes[name];
      if (!proto) throw new Error(`${path} has no export ${name} (rebuild it: node scripts/build-native.mjs)`);
      f = lib.func(proto) as Call;
      bound.set(name, f);
    }
    return f;
  };
  const nUnary = fn('unary');
  const nBinary = fn('binary');
  const nReduceSum = fn('reduce_sum');
  const nScatterAdd = fn('scatter_add');
  const nMaxPool = fn('max_pool');
  const nCumsum = fn('cumsum');
  const f32 = (...xs: Storage[]): boolean => xs.every((x) => x instanceof Float32Array);

  // A check on a few elements: a library whose calls do not reach the arrays in place (or were
  // built from other sources than the loader expects) is refused here, not mid-training.
  const probe = Float32Array.of(-1, 2, -3, 4, 0);
  const probed = new Float32Array(5);
  nUnary(UNARY_CODES.relu!, probe, probed, 5);
  if (probed.join() !== '0,2,0,4,0') throw new Error(`${path}: a test ReLU came out wrong (${probed.join(', ')} instead of 0, 2, 0, 4, 0)`);

  const scalarBox = new Float32Array(1);
  const kernels: Partial<Kernels> = {
    unary(op: UnaryOp, x: Storage, out: Storage): void {
      const code = UNARY_CODES[op];
      if (code === undefined || x.length < MIN_ELEMENTWISE || !f32(x, out)) return base.unary(op, x, out);
      nUnary(code, x, out, x.length);
    },
    binaryScalar(op: BinaryOp, x: Storage, s: number, out: Storage): void {
      const code = BINARY_CODES[op];
      // float32 arithmetic with s equals the js kernel's only when s is a float32 value itself.
      if (code === undefined || x.length < MIN_ELEMENTWISE || Math.fround(s) !== s || !f32(x, out)) return base.binaryScalar(op, x, s, out);
      scalarBox[0] = s;
      nBinary(code, x, scalarBox, out, 1, 1, 1, x.length, 0, 0, 0, 1, 0, 0, 0, 0);
    },
    binary(op: BinaryOp, a: Storage, aStrides: readonly number[], b: Storage, bStrides: readonly number[], out: Storage, outShape: readonly number[]): void {
      const code = BINARY_CODES[op];
      const n = out.length;
      if (code === undefined || n < MIN_ELEMENTWISE || !f32(a, b, out)) return base.binary(op, a, aStrides, b, bStrides, out, outShape);
      if (a.length === n && b.length === n) return void nBinary(code, a, b, out, 1, 1, 1, n, 0, 0, 0, 1, 0, 0, 0, 1);
      const axes = coalesceTo4(outShape, aStrides, bStrides);
      if (!axes) return base.binary(op, a, aStrides, b, bStrides, out, outShape);
      nBinary(code, a, b, out, ...axes);
    },
    reduce(op: ReduceOp, x: Storage, outer: number, n: number, inner: number, out: Storage): void {
      if (op !== 'sum' || outer * n * inner < MIN_REDUCE || !f32(x, out)) return base.reduce(op, x, outer, n, inner, out);
      nReduceSum(x, out, outer, n, inner);
    },
    scatterAdd(g: Storage, index: Int32Array, out: Storage): void {
      const n = index.length;
      if (n < MIN_REDUCE || !f32(g, out)) return base.scatterAdd(g, index, out);
      nScatterAdd(g, index, out, n);
    },
    maxPool2d(x: Storage, planes: number, g: ConvGeometry, out: Storage, argmax: Int32Array): void {
      if (g.padH !== 0 || g.padW !== 0 || out.length < 64 || !f32(x, out)) return base.maxPool2d(x, planes, g, out, argmax);
      nMaxPool(x, planes, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.outH, g.outW, out, argmax);
    },
    cumsum(x: Storage, outer: number, n: number, inner: number, out: Storage): void {
      if (outer * n * inner < MIN_REDUCE || !f32(x, out)) return base.cumsum(x, outer, n, inner, out);
      nCumsum(x, out, outer, n, inner);
    },
  };

  const names: (keyof (StreamedOptimizerExports & SummingOptimizerExports))[] = ['adam', 'sgd', 'rmsprop', 'adagrad', 'nadam', 'radam',
    'adamax', 'adam_like', 'adabelief', 'adabound', 'adadelta', 'lion', 'sign_step', 'rprop', 'lars', 'novograd', 'asgd', 'adashift_f64x2',
    'ema_f32', 'swa_f32', 'sum_squares', 'lamb_moments', 'lamb_apply', 'max_square', 'adafactor_sums', 'adafactor_rms', 'adafactor_apply'];
  const ex = Object.fromEntries(names.map((name) => [name, fn(name)])) as unknown as StreamedOptimizerExports & SummingOptimizerExports;
  // One call on the arrays themselves: nothing to copy, and it always runs.
  const streamed = (arrays: (Float32Array | Float64Array | null)[], _written: boolean[], run: (at: (Float32Array | Float64Array | null)[], len: number) => void) => {
    run(arrays, arrays[0]!.length);
    return true;
  };
  const sums = new Float64Array(2);
  let factors: ReturnType<SumSlots['factors']> | null = null;
  const slot = <T>(a: T): [T, T] => [a, a];
  const slots: SumSlots = {
    sums: () => slot(sums),
    factors: () => (factors ??= {
      rowSums: slot(new Float64Array(ADAFACTOR_MAX)), colSums: slot(new Float64Array(ADAFACTOR_MAX)),
      rowFactors: slot(new Float32Array(ADAFACTOR_MAX)), colFactors: slot(new Float32Array(ADAFACTOR_MAX)),
    }),
  };
  const optimizerKernels = { ...streamedOptimizerKernels(ex, streamed), ...summingOptimizerKernels(ex, streamed, slots) };
  // In place on the arrays and the generator's words, on the widest lanes the CPU runs.
  const lanes = fn('normal32_lanes_width')() as number;
  const nNormal32 = fn('normal32_lanes');
  const normal32: NativeKernels['normal32'] = lanes === 0 ? null : (state, out, mean, x, scale) => {
    if (x && x.length < out.length) return false;
    return nNormal32(lanes, state.words, x, out, out.length, x ? 1 : 0, mean, scale) !== 0;
  };
  return {
    kernels, optimizerKernels, normal32, description: `native kernels (${stamp.compiler})`,
    imageConvolutions: (libraryPath, threads, setOne, fallback) => nativeImageConvolutions(fn, libraryPath, threads, setOne, fallback),
  };
}
