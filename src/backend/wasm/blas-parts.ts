/**
 * The image-parallel convolutions of the blas backend: whole images on each thread, each
 * unfolding its image in the threaded module's shared memory and calling a one-thread BLAS
 * GEMM on it, instead of one image at a time with the library's own threads splitting each
 * small GEMM. On the MNIST example's conv 32->64 (64 GEMMs of 64 x 576 x 288) the GEMMs took
 * 13.0 ms on OpenBLAS's two threads and 10.0 ms as whole images on two threads (2026-12-02).
 *
 * {@link blasConvParts} runs in the worker threads as source text (as the claim loop does), so it
 * must stay self-contained: no imports, no names from outside its body.
 *
 * Every part takes the same arguments (byte addresses in the shared memory, then the
 * convolution's geometry as im2col_batch takes it):
 *
 *   [lo, hi, workspace, cols, x or gx, w, y or gy, beta or gw partials, ...convArgs]
 *
 * and works on images (or, for the weight gradient, fixed chunks of images) lo..hi.
 */

/** cblas_sgemm as koffi binds it (row-major order first; float pointers as Float32Array views). */
export type RawSgemm = (order: number, transA: number, transB: number, m: number, n: number, k: number, alpha: number,
  a: Float32Array<ArrayBufferLike>, lda: number, b: Float32Array<ArrayBufferLike>, ldb: number, beta: number, c: Float32Array<ArrayBufferLike>, ldc: number) => void;

/** The part functions' names, after threads.ts's wasm ones in a job's function codes. */
export const BLAS_PART_FUNCTIONS = ['conv2d_blas_part', 'conv2d_input_grad_blas_part', 'conv2d_weight_grad_blas_part'] as const;

/** Where the geometry starts in a part's arguments. */
export const BLAS_PART_GEOMETRY = 8;

/** Images per partial sum of the weight gradient: fixed, so the sum does not depend on the thread count. */
export const WEIGHT_GRAD_CHUNK = 8;

/**
 * The three parts over one module instance's exports and a one-thread sgemm:
 * - forward: y_i (+)= W unfold(x_i) for images lo..hi (the bias already in y when beta is 1);
 * - input gradient: gx_i = fold(W^T gy_i) (gx zeroed first; images write disjoint planes);
 * - weight gradient: for the chunks of WEIGHT_GRAD_CHUNK images lo..hi, partial c = sum over
 *   its images of gy_i unfold(x_i)^T, at gw partials + c * (weights' bytes), each in image order.
 */
export function blasConvParts(ex: Record<string, unknown>, sgemm: RawSgemm, memory: { buffer: ArrayBufferLike }, chunkImages: number): ((...a: number[]) => void)[] {
  const ROW_MAJOR = 101, NO = 111, T = 112;
  const im2col = ex.im2col_batch as (...a: number[]) => void;
  const col2im = ex.col2im_batch as (...a: number[]) => void;
  let buffer: ArrayBufferLike | null = null;
  let f: Float32Array<ArrayBufferLike> = new Float32Array(0);
  /** A float view of the memory at byte address `at` (the memory may have grown since the last call). */
  const at = (bytes: number): Float32Array<ArrayBufferLike> => {
    if (buffer !== memory.buffer) {
      buffer = memory.buffer;
      f = new Float32Array(buffer);
    }
    return f.subarray(bytes >> 2);
  };
  // convArgs: n, groups, outChannels, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW
  const shape = (g: number[]) => {
    const groups = g[1], outChannels = g[2], ckk = g[3] * g[6] * g[7], plane = g[14] * g[15]; // channels: one group's
    return { groups, outChannels, og: outChannels / groups, ckk, plane };
  };
  function forward(lo: number, hi: number, _ws: number, cols: number, x: number, w: number, y: number, beta: number, ...g: number[]): void {
    const s = shape(g);
    for (let i = lo; i < hi; i++) {
      im2col(x, cols, i, 1, ...g);
      for (let gi = 0; gi < s.groups; gi++) {
        sgemm(ROW_MAJOR, NO, NO, s.og, s.plane, s.ckk, 1, at(w + gi * s.og * s.ckk * 4), s.ckk, at(cols + gi * s.ckk * s.plane * 4), s.plane,
          beta, at(y + (i * s.outChannels + gi * s.og) * s.plane * 4), s.plane);
      }
    }
  }
  function inputGrad(lo: number, hi: number, _ws: number, cols: number, gx: number, w: number, gy: number, _unused: number, ...g: number[]): void {
    const s = shape(g);
    for (let i = lo; i < hi; i++) {
      for (let gi = 0; gi < s.groups; gi++) {
        sgemm(ROW_MAJOR, T, NO, s.ckk, s.plane, s.og, 1, at(w + gi * s.og * s.ckk * 4), s.ckk, at(gy + (i * s.outChannels + gi * s.og) * s.plane * 4), s.plane,
          0, at(cols + gi * s.ckk * s.plane * 4), s.plane);
      }
      col2im(cols, gx, i, 1, ...g);
    }
  }
  function weightGrad(lo: number, hi: number, _ws: number, cols: number, x: number, partials: number, gy: number, _unused: number, ...g: number[]): void {
    const s = shape(g);
    const wBytes = s.outChannels * s.ckk * 4;
    for (let c = lo; c < hi; c++) {
      const part = partials + c * wBytes;
      const end = Math.min(g[0], (c + 1) * chunkImages);
      for (let i = c * chunkImages; i < end; i++) {
        im2col(x, cols, i, 1, ...g);
        for (let gi = 0; gi < s.groups; gi++) {
          sgemm(ROW_MAJOR, NO, T, s.og, s.ckk, s.plane, 1, at(gy + (i * s.outChannels + gi * s.og) * s.plane * 4), s.plane, at(cols + gi * s.ckk * s.plane * 4), s.plane,
            i === c * chunkImages ? 0 : 1, at(part + gi * s.og * s.ckk * 4), s.ckk);
        }
      }
    }
  }
  return [forward, inputGrad, weightGrad];
}
