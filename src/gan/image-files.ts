/**
 * Sample grids as PNG (Node only): the SVG of {@link imageGridSvg} rasterized by resvg (the
 * renderer the lab's plots use), an optional peer dependency loaded on first use.
 */
import { dirname } from 'node:path';
import { ensureDirectory, writeFileAtomic } from '../io/atomic.js';
import { requirePeer } from '../platform/optional-peer.js';
import type { Tensor } from '../tensor/index.js';
import { imageGridSvg, type GridOptions } from './images.js';

/** The grid as PNG bytes. */
export function imageGridPng(images: Tensor, options: GridOptions = {}): Buffer {
  const svg = imageGridSvg(images, options);
  const { Resvg } = requirePeer<typeof import('@resvg/resvg-js')>('@resvg/resvg-js', 'imageGridPng (PNG sample grids)');
  const r = new Resvg(svg, { fitTo: { mode: 'zoom', value: options.scale ?? 3 }, background: '#808080', shapeRendering: 0 });
  return r.render().asPng();
}

/** Writes the grid to `path` as PNG; returns the path. */
export function saveImageGrid(path: string, images: Tensor, options: GridOptions = {}): string {
  ensureDirectory(dirname(path), 'saveImageGrid');
  writeFileAtomic(path, imageGridPng(images, options), 'saveImageGrid');
  return path;
}
