import type { Storage } from '../../tensor/dtype.js';
import type { ConvGeometry } from '../kernels.js';

export function im2col(x: Storage, xOffset: number, g: ConvGeometry, cols: Storage): void {
  const { channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW } = g;
  const plane = outH * outW;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const xc = xOffset + c * height * width;
    for (let ki = 0; ki < kernelH; ki++) {
      for (let kj = 0; kj < kernelW; kj++, row++) {
        const base = row * plane;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * strideH - padH + ki * dilationH;
          const dst = base + oy * outW;
          if (iy < 0 || iy >= height) {
            for (let ox = 0; ox < outW; ox++) cols[dst + ox] = 0;
            continue;
          }
          const src = xc + iy * width;
          for (let ox = 0; ox < outW; ox++) {
            const ix = ox * strideW - padW + kj * dilationW;
            cols[dst + ox] = ix >= 0 && ix < width ? x[src + ix] : 0;
          }
        }
      }
    }
  }
}

export function col2im(cols: Storage, g: ConvGeometry, out: Storage, outOffset: number): void {
  const { channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW } = g;
  const plane = outH * outW;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const xc = outOffset + c * height * width;
    for (let ki = 0; ki < kernelH; ki++) {
      for (let kj = 0; kj < kernelW; kj++, row++) {
        const base = row * plane;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * strideH - padH + ki * dilationH;
          if (iy < 0 || iy >= height) continue;
          const src = base + oy * outW;
          const dst = xc + iy * width;
          for (let ox = 0; ox < outW; ox++) {
            const ix = ox * strideW - padW + kj * dilationW;
            if (ix >= 0 && ix < width) out[dst + ix] += cols[src + ox];
          }
        }
      }
    }
  }
}
