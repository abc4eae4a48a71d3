/** Trajectories over the contour canvas: a line per run up to step t, the start and the minima. */
import type { RaceSurface } from './surfaces.js';

/** Canvas pixel of a point of the surface's window. */
export function pointToPixel(s: RaceSurface, x: number, y: number, size: number): [number, number] {
  const [x0, x1, y0, y1] = s.window;
  return [((x - x0) / (x1 - x0)) * size, ((y1 - y) / (y1 - y0)) * size];
}

/** The point of the window under a canvas pixel. */
export function pixelToPoint(s: RaceSurface, px: number, py: number, size: number): [number, number] {
  const [x0, x1, y0, y1] = s.window;
  return [x0 + (px / size) * (x1 - x0), y1 - (py / size) * (y1 - y0)];
}

/** Draws each run's path up to step t (outlined in white so it reads on any band). */
export function drawTrajectories(c: CanvasRenderingContext2D, s: RaceSurface, start: readonly [number, number], runs: readonly { color: string; points: readonly number[][] }[], t: number): void {
  const size = c.canvas.width;
  c.save();
  c.lineJoin = 'round';
  for (const [mx, my] of s.minima) {
    const [px, py] = pointToPixel(s, mx, my, size);
    c.strokeStyle = '#fff';
    c.lineWidth = 2;
    c.beginPath();
    c.moveTo(px - 5, py - 5); c.lineTo(px + 5, py + 5); c.moveTo(px + 5, py - 5); c.lineTo(px - 5, py + 5);
    c.stroke();
  }
  for (const run of runs) {
    const n = Math.min(t, run.points.length - 1);
    if (n < 0) continue;
    const path = new Path2D();
    for (let i = 0; i <= n; i++) {
      const [px, py] = pointToPixel(s, run.points[i][0], run.points[i][1], size);
      if (i === 0) path.moveTo(px, py);
      else path.lineTo(px, py);
    }
    c.strokeStyle = 'rgba(255,255,255,0.85)';
    c.lineWidth = 4.5;
    c.stroke(path);
    c.strokeStyle = run.color;
    c.lineWidth = 2.5;
    c.stroke(path);
    const [hx, hy] = pointToPixel(s, run.points[n][0], run.points[n][1], size);
    c.fillStyle = run.color;
    c.strokeStyle = '#000';
    c.lineWidth = 1.5;
    c.beginPath();
    c.arc(hx, hy, 5, 0, 2 * Math.PI);
    c.fill();
    c.stroke();
  }
  const [sx, sy] = pointToPixel(s, start[0], start[1], size);
  c.fillStyle = '#fff';
  c.strokeStyle = '#000';
  c.lineWidth = 1.5;
  c.beginPath();
  c.rect(sx - 5, sy - 5, 10, 10);
  c.fill();
  c.stroke();
  c.restore();
}
