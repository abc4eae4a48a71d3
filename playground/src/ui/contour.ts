/**
 * Filled contour bands of f(x, y) on a canvas, in viridis, with a thin line where the band
 * changes (the contour lines) and a colour-bar legend. Values are banded on log(1 + f - fmin)
 * when the function spans many orders of magnitude (Rosenbrock, Beale), else on f itself.
 */
import { viridis } from './colors.js';

export interface Surface {
  f(x: number, y: number): number;
  /** [xmin, xmax, ymin, ymax]. */
  window: readonly [number, number, number, number];
  logContours: boolean;
  fmin: number;
}

/** The number of colour bands. */
export const BANDS = 14;

/** Maps f to [0, 1] for the colour scale, and back (for the legend's labels). */
export interface Scale {
  toUnit(v: number): number;
  fromUnit(u: number): number;
}

/** The scale over the values sampled on the grid (2nd to 98th percentile, so one spike does not flatten the rest). */
export function surfaceScale(s: Surface, n = 64): Scale {
  const vals: number[] = [];
  const [x0, x1, y0, y1] = s.window;
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) vals.push(s.f(x0 + ((i + 0.5) / n) * (x1 - x0), y0 + ((j + 0.5) / n) * (y1 - y0)));
  const finite = vals.filter(Number.isFinite).sort((a, b) => a - b);
  const t = (v: number): number => (s.logContours ? Math.log1p(Math.max(0, v - s.fmin)) : v);
  const lo = t(finite.length ? finite[Math.floor(finite.length * 0.0)] : 0);
  const hi0 = t(finite.length ? finite[Math.min(finite.length - 1, Math.floor(finite.length * 0.98))] : 1);
  const hi = hi0 > lo ? hi0 : lo + 1;
  return {
    toUnit: (v) => (t(v) - lo) / (hi - lo),
    fromUnit: (u) => {
      const w = lo + u * (hi - lo);
      return s.logContours ? Math.expm1(w) + s.fmin : w;
    },
  };
}

/** Draws the banded surface into the canvas (its pixel size is kept). */
export function drawSurface(canvas: HTMLCanvasElement, s: Surface, scale: Scale): void {
  const W = canvas.width;
  const H = canvas.height;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(W, H);
  const [x0, x1, y0, y1] = s.window;
  const band = new Int16Array(W * H);
  for (let j = 0; j < H; j++) {
    const y = y1 - ((j + 0.5) / H) * (y1 - y0);
    for (let i = 0; i < W; i++) {
      const u = scale.toUnit(s.f(x0 + ((i + 0.5) / W) * (x1 - x0), y));
      band[j * W + i] = Number.isFinite(u) ? Math.min(BANDS - 1, Math.max(0, Math.floor(u * BANDS))) : BANDS - 1;
    }
  }
  for (let j = 0; j < H; j++) {
    for (let i = 0; i < W; i++) {
      const b = band[j * W + i];
      const [r, g, bl] = viridis((b + 0.5) / BANDS);
      const edge = (i > 0 && band[j * W + i - 1] !== b) || (j > 0 && band[(j - 1) * W + i] !== b);
      const k = (j * W + i) * 4;
      const dim = edge ? 0.72 : 1;
      img.data[k] = r * dim;
      img.data[k + 1] = g * dim;
      img.data[k + 2] = bl * dim;
      img.data[k + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
}

/** A horizontal colour bar with the f values at its ends and middle. */
export function drawLegend(canvas: HTMLCanvasElement, scale: Scale, caption: string): void {
  const W = canvas.width;
  const H = canvas.height;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  const barH = 12;
  for (let b = 0; b < BANDS; b++) {
    const [r, g, bl] = viridis((b + 0.5) / BANDS);
    ctx.fillStyle = `rgb(${r},${g},${bl})`;
    ctx.fillRect(8 + (b / BANDS) * (W - 16), 4, (W - 16) / BANDS + 0.5, barH);
  }
  ctx.fillStyle = '#222';
  ctx.font = '11px system-ui, sans-serif';
  const fmt = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(3))));
  ctx.textAlign = 'left';
  ctx.fillText(fmt(scale.fromUnit(0)), 8, barH + 18);
  ctx.textAlign = 'center';
  ctx.fillText(`${caption}  ${fmt(scale.fromUnit(0.5))}`, W / 2, barH + 18);
  ctx.textAlign = 'right';
  ctx.fillText(`≥ ${fmt(scale.fromUnit(1))}`, W - 8, barH + 18);
}
