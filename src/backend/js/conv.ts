import type { Storage } from '../../tensor/dtype.js';
import type { ConvGeometry } from '../kernels.js';

/** The output columns ox whose input column ox * stride - pad + offset lies in [0, width). */
function validRange(outW: number, width: number, stride: number, pad: number, offset: number): [number, number] {
  // ix = ox * stride - pad + offset >= 0  <=>  ox >= (pad - offset) / stride
  const lo = Math.max(0, Math.ceil((pad - offset) / stride));
  const hi = Math.min(outW, Math.floor((width - 1 + pad - offset) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

export function im2col(x: Storage, xOffset: number, g: ConvGeometry, cols: Storage, colsOffset = 0, ldCols = g.outH * g.outW): void {
  const { channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW } = g;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const xc = xOffset + c * height * width;
    for (let ki = 0; ki < kernelH; ki++) {
      for (let kj = 0; kj < kernelW; kj++, row++) {
        const base = colsOffset + row * ldCols;
        const [lo, hi] = validRange(outW, width, strideW, padW, kj * dilationW);
        const shift = kj * dilationW - padW;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * strideH - padH + ki * dilationH;
          const dst = base + oy * outW;
          if (iy < 0 || iy >= height) {
            for (let ox = 0; ox < outW; ox++) cols[dst + ox] = 0;
            continue;
          }
          const src = xc + iy * width + shift;
          for (let ox = 0; ox < lo; ox++) cols[dst + ox] = 0;
          if (strideW === 1) for (let ox = lo; ox < hi; ox++) cols[dst + ox] = x[src + ox];
          else for (let ox = lo; ox < hi; ox++) cols[dst + ox] = x[src + ox * strideW];
          for (let ox = hi; ox < outW; ox++) cols[dst + ox] = 0;
        }
      }
    }
  }
}

export function col2im(cols: Storage, g: ConvGeometry, out: Storage, outOffset: number, colsOffset = 0, ldCols = g.outH * g.outW): void {
  const { channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW } = g;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const xc = outOffset + c * height * width;
    for (let ki = 0; ki < kernelH; ki++) {
      for (let kj = 0; kj < kernelW; kj++, row++) {
        const base = colsOffset + row * ldCols;
        const [lo, hi] = validRange(outW, width, strideW, padW, kj * dilationW);
        const shift = kj * dilationW - padW;
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * strideH - padH + ki * dilationH;
          if (iy < 0 || iy >= height) continue;
          const src = base + oy * outW;
          const dst = xc + iy * width + shift;
          if (strideW === 1) for (let ox = lo; ox < hi; ox++) out[dst + ox] += cols[src + ox];
          else for (let ox = lo; ox < hi; ox++) out[dst + ox * strideW] += cols[src + ox];
        }
      }
    }
  }
}
