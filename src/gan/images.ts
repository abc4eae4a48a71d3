/**
 * Sample grids: images [N, 1, H, W] (or [N, H, W]) tiled into one grayscale picture, as an SVG
 * of pixel runs (runs anywhere; image-files.ts rasterizes it to PNG on Node).
 */
import type { Tensor } from '../tensor/index.js';

export interface GridOptions {
  /** Images per row (default ceil(sqrt(N))). */
  columns?: number;
  /** Pixels between images (default 2). */
  padding?: number;
  /** The value range mapped to black..white (default [0, 1]; use [-1, 1] for tanh outputs). */
  range?: [number, number];
  /** Output pixels per image pixel (default 3). */
  scale?: number;
}

/** The grid as an SVG (one rect per run of equal gray levels in each image row). */
export function imageGridSvg(images: Tensor, options: GridOptions = {}): string {
  if (images.ndim !== 3 && images.ndim !== 4) throw new RangeError(`imageGridSvg: expected images [N, 1, H, W] or [N, H, W], got shape [${images.shape}]`);
  if (images.ndim === 4 && images.shape[1] !== 1) throw new RangeError('imageGridSvg: only single-channel images are supported');
  const n = images.shape[0];
  const h = images.shape[images.ndim - 2];
  const w = images.shape[images.ndim - 1];
  const cols = options.columns ?? Math.max(1, Math.ceil(Math.sqrt(n)));
  const rows = Math.max(1, Math.ceil(n / cols));
  const pad = options.padding ?? 2;
  const [lo, hi] = options.range ?? [0, 1];
  const width = cols * (w + pad) + pad;
  const height = rows * (h + pad) + pad;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" shape-rendering="crispEdges">`, `<rect width="${width}" height="${height}" fill="#808080"/>`];
  const d = images.data;
  const level = (v: number): number => Math.max(0, Math.min(255, Math.round(((v - lo) / (hi - lo)) * 255)));
  for (let k = 0; k < n; k++) {
    const ox = pad + (k % cols) * (w + pad);
    const oy = pad + Math.floor(k / cols) * (h + pad);
    for (let r = 0; r < h; r++) {
      let c = 0;
      while (c < w) {
        const g = level(d[k * h * w + r * w + c]);
        let e = c + 1;
        while (e < w && level(d[k * h * w + r * w + e]) === g) e++;
        const hex = g.toString(16).padStart(2, '0');
        parts.push(`<rect x="${ox + c}" y="${oy + r}" width="${e - c}" height="1" fill="#${hex}${hex}${hex}"/>`);
        c = e;
      }
    }
  }
  parts.push('</svg>');
  return parts.join('');
}
