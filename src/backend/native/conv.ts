/**
 * The large convolutions of the blas backend on the native kernels (conv-images.c): whole
 * images on each thread, each with a one-thread BLAS GEMM, on the tensors' own arrays. They give
 * the bits of the wasm instance's image-parallel path (blas-parts.ts), which copies every
 * operand into shared wasm memory first; other dtypes go to `fallback`.
 */
import type { Kernels } from '../kernels.js';
import type { Storage } from '../storage.js';
import { WEIGHT_GRAD_CHUNK } from '../wasm/blas-parts.js';
import { convArgs, fillBiasPlanes } from '../wasm/conv-args.js';

/**
 * Multiply-adds from which a convolution runs here, whatever its plane (ConvGemmHooks.largeWork):
 * the small CNN of the bench (planes of 196 and 784 outputs, 7-58M multiply-adds) went from
 * 10.3-15.1 ms a step to 8.0-11.3 ms, the MNIST example's 48-59 ms to 44-56 ms.
 */
export const NATIVE_IMAGE_WORK = 2 ** 22;

/** A bound export of the native library. */
export type Call = (...args: unknown[]) => unknown;
export type Convolutions = Pick<Kernels, 'conv2d' | 'conv2dInputGrad' | 'conv2dWeightGrad'>;

/**
 * The three convolutions over the library's exports (`fn` binds one by name), GEMMs through
 * the CBLAS at `libraryPath` (the one koffi opened) on `threads` threads; `setOne` leaves the
 * library on one thread first. Null when conv_images_bind cannot find cblas_sgemm there.
 */
export function nativeImageConvolutions(fn: (name: string) => Call, libraryPath: string, threads: number, setOne: () => void, fallback: Convolutions): Convolutions | null {
  if (fn('conv_images_bind')(libraryPath) !== 1) return null;
  const forward = fn('conv_images_forward');
  const inputGrad = fn('conv_images_input_grad');
  const weightGrad = fn('conv_images_weight_grad');
  const f32 = (...xs: (Storage | null)[]): boolean => xs.every((x) => x === null || x instanceof Float32Array);
  const outOfMemory = (what: string): Error => new RangeError(`${what}: out of memory for the columns of a convolution's images`);
  return {
    conv2d(this: Kernels, x, w, bias, b, y) {
      if (!f32(x, w, bias, y)) return fallback.conv2d.call(this, x, w, bias, b, y);
      if (bias) fillBiasPlanes(y as Float32Array, 0, bias as Float32Array, b);
      setOne();
      if (forward(x, w, y, bias ? 1 : 0, threads, ...convArgs(b)) !== 1) throw outOfMemory('conv2d');
      return null;
    },
    conv2dInputGrad(this: Kernels, gy, w, b, gx) {
      if (!f32(gy, w, gx)) return fallback.conv2dInputGrad.call(this, gy, w, b, gx);
      gx.fill(0, 0, b.n * b.groups * b.geometry.channels * b.geometry.height * b.geometry.width);
      setOne();
      if (inputGrad(gy, w, gx, threads, ...convArgs(b)) !== 1) throw outOfMemory('conv2d input gradient');
    },
    conv2dWeightGrad(this: Kernels, x, gy, b, gw, saved) {
      if (!f32(x, gy, gw)) return fallback.conv2dWeightGrad.call(this, x, gy, b, gw, saved);
      setOne();
      if (weightGrad(x, gy, gw, WEIGHT_GRAD_CHUNK, threads, ...convArgs(b)) !== 1) throw outOfMemory('conv2d weight gradient');
    },
  };
}
