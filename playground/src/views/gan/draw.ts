/**
 * The GAN view's picture on a canvas: the critic's values as a blue-white-red heatmap (red where
 * the critic calls points real), the real samples as small dark dots, the mode centres as
 * crosses, the fake samples as green dots with an arrow along the critic's gradient at each
 * (where the generator is pushed), and a colour key.
 */
import type { GanSnapshot } from './session.js';

function heatColor(t: number): [number, number, number] {
  const u = Math.max(-1, Math.min(1, t));
  return u >= 0 ? [255, Math.round(255 - 120 * u), Math.round(255 - 140 * u)] : [Math.round(255 + 140 * u), Math.round(255 + 100 * u), 255];
}

/** Draws a snapshot into a square canvas of `size` CSS pixels. */
export function drawGan(canvas: HTMLCanvasElement, s: GanSnapshot, centers: number[], size: number): void {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(size * dpr);
  canvas.height = Math.round((size + 26) * dpr);
  canvas.style.width = `${size}px`;
  canvas.style.height = `${size + 26}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, size, size + 26);
  const [x0, x1, y0, y1] = s.bounds;
  const X = (x: number): number => ((x - x0) / (x1 - x0)) * size;
  const Y = (y: number): number => ((y1 - y) / (y1 - y0)) * size;
  const res = s.heat.res;
  const img = new ImageData(res, res);
  s.heat.cells.forEach((v, i) => {
    const [r, g, b] = heatColor(v);
    img.data.set([r, g, b, 255], 4 * i);
  });
  const tile = new OffscreenCanvas(res, res);
  tile.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tile, 0, 0, size, size);
  ctx.fillStyle = 'rgba(30,30,30,0.55)';
  for (let i = 0; i + 1 < s.real.length; i += 2) ctx.fillRect(X(s.real[i]) - 1, Y(s.real[i + 1]) - 1, 2, 2);
  ctx.strokeStyle = '#111';
  ctx.lineWidth = 1.5;
  for (let i = 0; i + 1 < centers.length; i += 2) {
    const cx = X(centers[i]);
    const cy = Y(centers[i + 1]);
    ctx.beginPath();
    ctx.moveTo(cx - 5, cy);
    ctx.lineTo(cx + 5, cy);
    ctx.moveTo(cx, cy - 5);
    ctx.lineTo(cx, cy + 5);
    ctx.stroke();
  }
  // Arrows: direction of ∇D, length scaled by the largest gradient so relative sizes show.
  let gmax = 0;
  for (let i = 0; i + 1 < s.fakeGrads.length; i += 2) gmax = Math.max(gmax, Math.hypot(s.fakeGrads[i], s.fakeGrads[i + 1]));
  const len = size / 14;
  ctx.strokeStyle = 'rgba(20,110,40,0.8)';
  ctx.fillStyle = '#1b9e3a';
  ctx.lineWidth = 1;
  for (let i = 0; i + 1 < s.fake.length; i += 2) {
    const px = X(s.fake[i]);
    const py = Y(s.fake[i + 1]);
    if (gmax > 0) {
      const gx = s.fakeGrads[i] / gmax;
      const gy = s.fakeGrads[i + 1] / gmax;
      const ex = px + gx * len;
      const ey = py - gy * len;
      ctx.beginPath();
      ctx.moveTo(px, py);
      ctx.lineTo(ex, ey);
      const a = Math.atan2(ey - py, ex - px);
      if (Math.hypot(ex - px, ey - py) > 3) {
        ctx.moveTo(ex, ey);
        ctx.lineTo(ex - 4 * Math.cos(a - 0.5), ey - 4 * Math.sin(a - 0.5));
        ctx.moveTo(ex, ey);
        ctx.lineTo(ex - 4 * Math.cos(a + 0.5), ey - 4 * Math.sin(a + 0.5));
      }
      ctx.stroke();
    }
    ctx.beginPath();
    ctx.arc(px, py, 2.2, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.strokeStyle = '#888';
  ctx.strokeRect(0.5, 0.5, size - 1, size - 1);
  // Key.
  ctx.font = '11px system-ui, sans-serif';
  const keyY = size + 8;
  for (let k = 0; k < 60; k++) {
    const [r, g, b] = heatColor(-1 + (2 * k) / 59);
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fillRect(4 + k, keyY, 1, 10);
  }
  ctx.fillStyle = '#333';
  ctx.fillText('critic: low → high', 70, keyY + 9);
  ctx.fillStyle = '#1b9e3a';
  ctx.fillText('● fake, → ∇D', 172, keyY + 9);
  ctx.fillStyle = '#333';
  ctx.fillText('+ mode', 255, keyY + 9);
}
