import type { Storage } from '../../tensor/dtype.js';
import type { ConvGeometry } from '../kernels.js';

export function maxPool2d(x: Storage, planes: number, g: ConvGeometry, out: Storage, argmax: Int32Array): void {
  const { height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW } = g;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * height * width;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, o++) {
        let best = -Infinity;
        let at = -1;
        for (let ki = 0; ki < kernelH; ki++) {
          const iy = oy * strideH - padH + ki * dilationH;
          if (iy < 0 || iy >= height) continue;
          for (let kj = 0; kj < kernelW; kj++) {
            const ix = ox * strideW - padW + kj * dilationW;
            if (ix < 0 || ix >= width) continue;
            const v = x[base + iy * width + ix];
            if (v > best || at < 0 || Number.isNaN(v)) {
              best = v;
              at = base + iy * width + ix;
              if (Number.isNaN(v)) break;
            }
          }
        }
        out[o] = best;
        argmax[o] = at;
      }
    }
  }
}
