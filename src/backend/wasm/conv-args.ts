/** What kernels.c's convolutions take, shared by the wasm kernels and the native ones (src/backend/native). */
import type { ConvBatch } from '../kernels.js';

/** The geometry as kernels.c's CONV_ARGS lists it: n, groups, outChannels, channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw, outH, outW. */
export function convArgs(b: ConvBatch): number[] {
  const g = b.geometry;
  return [b.n, b.groups, b.outChannels, g.channels, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.outH, g.outW];
}

/** Fills each output plane of y [n, outChannels, outH, outW] (starting at `at`) with its channel's bias, for a GEMM that adds into it. */
export function fillBiasPlanes(y: Float32Array, at: number, bias: Float32Array, b: ConvBatch): void {
  const plane = b.geometry.outH * b.geometry.outW;
  for (let i = 0; i < b.n; i++) {
    for (let o = 0; o < b.outChannels; o++) y.fill(bias[o], at + (i * b.outChannels + o) * plane, at + (i * b.outChannels + o + 1) * plane);
  }
}
