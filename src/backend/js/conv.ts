import type { Storage } from '../storage.js';
import type { ConvBatch, ConvGeometry, Kernels } from '../kernels.js';

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

// ---- whole-batch convolutions --------------------------------------------------------------
//
// Built from the active backend's own im2col, col2im and GEMM (through `this`, the kernels
// object they are called on), so a backend with a fast GEMM (BLAS) runs these as they are.
// A chunk of images is unfolded side by side, columns [group][ckk][nb * plane], so each group
// is one GEMM over the whole chunk: large products instead of one small one per image.

/** Columns of a chunk hold at most this many elements (64 MiB of float32). */
const COLS_BUDGET = 16 * 1024 * 1024;

interface Layout {
  n: number;
  c: number;
  o: number;
  groups: number;
  og: number;
  ckk: number;
  plane: number;
  imageSize: number;
  /** Images per chunk. */
  chunk: number;
}

function layout(b: ConvBatch): Layout {
  const g = b.geometry;
  const ckk = g.channels * g.kernelH * g.kernelW;
  const plane = g.outH * g.outW;
  const chunk = Math.max(1, Math.min(b.n, Math.floor(COLS_BUDGET / Math.max(1, b.groups * ckk * plane))));
  return { n: b.n, c: g.channels * b.groups, o: b.outChannels, groups: b.groups, og: b.outChannels / b.groups, ckk, plane, imageSize: g.height * g.width, chunk };
}

function like(x: Storage, size: number): Storage {
  return x instanceof Float64Array ? new Float64Array(size) : new Float32Array(size);
}

/** Images [i0, i0 + nb) of x unfolded into columns [group][ckk][nb * plane]. */
function unfold(k: Kernels, x: Storage, L: Layout, g: ConvGeometry, i0: number, nb: number): Storage {
  const ld = nb * L.plane;
  const cols = like(x, L.groups * L.ckk * ld);
  for (let gi = 0; gi < L.groups; gi++) {
    for (let i = 0; i < nb; i++) k.im2col(x, ((i0 + i) * L.c + gi * g.channels) * L.imageSize, g, cols, gi * L.ckk * ld + i * L.plane, ld);
  }
  return cols;
}

/** [nb, O, plane] at image i0 of y -> [O, nb * plane]. */
function toChannelMajor(y: Storage, L: Layout, i0: number, nb: number): Storage {
  const { o, plane } = L;
  const out = like(y, o * nb * plane);
  for (let ch = 0; ch < o; ch++) {
    for (let i = 0; i < nb; i++) {
      const src = ((i0 + i) * o + ch) * plane;
      const dst = (ch * nb + i) * plane;
      for (let q = 0; q < plane; q++) out[dst + q] = y[src + q];
    }
  }
  return out;
}

/** [O, nb * plane] -> [nb, O, plane] at image i0 of y, adding bias[channel] when given. */
function fromChannelMajor(cm: Storage, L: Layout, i0: number, nb: number, y: Storage, bias: Storage | null): void {
  const { o, plane } = L;
  for (let ch = 0; ch < o; ch++) {
    const b = bias ? bias[ch] : 0;
    for (let i = 0; i < nb; i++) {
      const src = (ch * nb + i) * plane;
      const dst = ((i0 + i) * o + ch) * plane;
      if (bias) for (let q = 0; q < plane; q++) y[dst + q] = cm[src + q] + b;
      else for (let q = 0; q < plane; q++) y[dst + q] = cm[src + q];
    }
  }
}

/** The unfolded x that conv2d hands to conv2dWeightGrad (when the batch was one chunk). */
class SavedColumns {
  constructor(readonly x: Storage, readonly cols: Storage) {}
}

export function conv2d(this: Kernels, x: Storage, w: Storage, bias: Storage | null, b: ConvBatch, y: Storage): unknown {
  const L = layout(b);
  const g = b.geometry;
  let saved: SavedColumns | null = null;
  for (let i0 = 0; i0 < L.n; i0 += L.chunk) {
    const nb = Math.min(L.chunk, L.n - i0);
    const ld = nb * L.plane;
    const cols = unfold(this, x, L, g, i0, nb);
    // With one image the channel-major layout is the image layout: write straight into y.
    const cm = nb === 1 ? y : like(x, L.o * ld);
    const cmOffset = nb === 1 ? i0 * L.o * L.plane : 0;
    for (let gi = 0; gi < L.groups; gi++) {
      this.gemm({ transA: false, transB: false, m: L.og, n: ld, k: L.ckk, alpha: 1, beta: 0,
        a: w, aOffset: gi * L.og * L.ckk, lda: L.ckk, b: cols, bOffset: gi * L.ckk * ld, ldb: ld,
        c: cm, cOffset: cmOffset + gi * L.og * ld, ldc: ld });
    }
    if (nb !== 1) fromChannelMajor(cm, L, i0, nb, y, bias);
    else if (bias) {
      for (let ch = 0; ch < L.o; ch++) {
        const bv = bias[ch];
        const at = (i0 * L.o + ch) * L.plane;
        for (let q = 0; q < L.plane; q++) y[at + q] += bv;
      }
    }
    if (nb === L.n) saved = new SavedColumns(x, cols);
  }
  return saved;
}

export function conv2dInputGrad(this: Kernels, gy: Storage, w: Storage, b: ConvBatch, gx: Storage): void {
  const L = layout(b);
  const g = b.geometry;
  gx.fill(0);
  for (let i0 = 0; i0 < L.n; i0 += L.chunk) {
    const nb = Math.min(L.chunk, L.n - i0);
    const ld = nb * L.plane;
    const cm = nb === 1 ? gy : toChannelMajor(gy, L, i0, nb);
    const cmOffset = nb === 1 ? i0 * L.o * L.plane : 0;
    const cols = like(gy, L.groups * L.ckk * ld);
    for (let gi = 0; gi < L.groups; gi++) {
      this.gemm({ transA: true, transB: false, m: L.ckk, n: ld, k: L.og, alpha: 1, beta: 0,
        a: w, aOffset: gi * L.og * L.ckk, lda: L.ckk, b: cm, bOffset: cmOffset + gi * L.og * ld, ldb: ld,
        c: cols, cOffset: gi * L.ckk * ld, ldc: ld });
      for (let i = 0; i < nb; i++) this.col2im(cols, g, gx, ((i0 + i) * L.c + gi * g.channels) * L.imageSize, gi * L.ckk * ld + i * L.plane, ld);
    }
  }
}

export function conv2dWeightGrad(this: Kernels, x: Storage, gy: Storage, b: ConvBatch, gw: Storage, saved?: unknown): void {
  const L = layout(b);
  const g = b.geometry;
  for (let i0 = 0; i0 < L.n; i0 += L.chunk) {
    const nb = Math.min(L.chunk, L.n - i0);
    const ld = nb * L.plane;
    const cols = saved instanceof SavedColumns && saved.x === x && nb === L.n ? saved.cols : unfold(this, x, L, g, i0, nb);
    const cm = nb === 1 ? gy : toChannelMajor(gy, L, i0, nb);
    const cmOffset = nb === 1 ? i0 * L.o * L.plane : 0;
    for (let gi = 0; gi < L.groups; gi++) {
      this.gemm({ transA: false, transB: true, m: L.og, n: L.ckk, k: ld, alpha: 1, beta: i0 === 0 ? 0 : 1,
        a: cm, aOffset: cmOffset + gi * L.og * ld, lda: ld, b: cols, bOffset: gi * L.ckk * ld, ldb: ld,
        c: gw, cOffset: gi * L.og * L.ckk, ldc: L.ckk });
    }
  }
}
