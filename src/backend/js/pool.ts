import type { Storage } from '../storage.js';
import type { ConvGeometry } from '../kernels.js';

export function maxPool2d(x: Storage, planes: number, g: ConvGeometry, out: Storage, argmax: Int32Array): void {
  const { height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW } = g;
  if (padH === 0 && padW === 0) return maxPoolUnpadded(x, planes, g, out, argmax);
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

/** maxPool2d without padding: every window lies inside the image, so no bounds checks (same results). */
function maxPoolUnpadded(x: Storage, planes: number, g: ConvGeometry, out: Storage, argmax: Int32Array): void {
  const { height, width, kernelH, kernelW, strideH, strideW, dilationH, dilationW, outH, outW } = g;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * height * width;
    for (let oy = 0; oy < outH; oy++) {
      const rowBase = base + oy * strideH * width;
      for (let ox = 0; ox < outW; ox++, o++) {
        const corner = rowBase + ox * strideW;
        let at = -1;
        let best = -Infinity;
        for (let ki = 0; ki < kernelH; ki++) {
          const r = corner + ki * dilationH * width;
          for (let kj = 0; kj < kernelW; kj++) {
            const i = r + kj * dilationW;
            const v = x[i];
            if (v > best || at < 0 || v !== v) {
              best = v;
              at = i;
              if (v !== v) break;
            }
          }
        }
        out[o] = best;
        argmax[o] = at;
      }
    }
  }
}

/** PyTorch's adaptive window bounds: output cell i of out over an axis of length size reads [start, end). */
export const adaptiveStart = (i: number, size: number, out: number): number => Math.floor((i * size) / out);
export const adaptiveEnd = (i: number, size: number, out: number): number => Math.ceil(((i + 1) * size) / out);

/**
 * Adaptive max pooling of `planes` images [height, width] stacked in x to [outH, outW] each:
 * argmax receives each output's winner as a flat index into x (a larger value, or any NaN,
 * takes over, as in PyTorch, so NaN propagates).
 */
export function adaptiveMaxPool2d(x: Storage, planes: number, height: number, width: number, outH: number, outW: number, out: Storage, argmax: Int32Array): void {
  let at = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * height * width;
    for (let i = 0; i < outH; i++) {
      const ys = adaptiveStart(i, height, outH);
      const ye = adaptiveEnd(i, height, outH);
      for (let j = 0; j < outW; j++, at++) {
        const xs = adaptiveStart(j, width, outW);
        const xe = adaptiveEnd(j, width, outW);
        let best = base + ys * width + xs;
        for (let y = ys; y < ye; y++) {
          for (let xx = xs; xx < xe; xx++) {
            const q = base + y * width + xx;
            if (x[q] > x[best] || Number.isNaN(x[q])) best = q;
          }
        }
        out[at] = x[best];
        argmax[at] = best;
      }
    }
  }
}
