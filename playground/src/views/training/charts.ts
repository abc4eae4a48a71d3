/**
 * The training view's drawings on canvases: line charts with axes and a legend, the confusion
 * matrix, and sample images with their predicted and true labels. Canvases are sized in CSS
 * pixels and drawn at the device's pixel ratio, so they stay sharp on phones.
 */

/** Colours of the runs (Tableau 10, distinguishable and colour-blind friendly in order). */
export const RUN_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** One line of a chart. */
export interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  points: { x: number; y: number }[];
}

/** Sizes the canvas to its CSS box at the device pixel ratio and returns a context in CSS pixels. */
export function prepare(canvas: HTMLCanvasElement, height: number): { ctx: CanvasRenderingContext2D; w: number; h: number } {
  const w = Math.max(200, canvas.clientWidth || canvas.parentElement?.clientWidth || 320);
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, height);
  return { ctx, w, h: height };
}

function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || 1;
  const step0 = span / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * span; t += step) out.push(Number(t.toPrecision(6)));
  return out;
}

/** A line chart: axes with ticks and titles, one line per series, a legend on top. */
export function drawLines(canvas: HTMLCanvasElement, series: Series[], o: { title: string; xTitle: string; yTitle: string; height?: number; yMin?: number; yMax?: number }): void {
  const { ctx, w, h } = prepare(canvas, o.height ?? 220);
  const legendRows = Math.ceil(series.length / Math.max(1, Math.floor((w - 60) / 150)));
  const m = { l: 58, r: 12, t: 22 + 14 * legendRows, b: 34 };
  const pts = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y));
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = '#222';
  ctx.fillText(o.title, m.l, 14);
  let lx = m.l;
  let ly = 30;
  for (const s of series) {
    const tw = ctx.measureText(s.label).width + 30;
    if (lx + tw > w - m.r) {
      lx = m.l;
      ly += 14;
    }
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(s.dashed ? [5, 3] : []);
    ctx.beginPath();
    ctx.moveTo(lx, ly - 4);
    ctx.lineTo(lx + 18, ly - 4);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#333';
    ctx.fillText(s.label, lx + 22, ly);
    lx += tw;
  }
  if (pts.length === 0) {
    ctx.fillStyle = '#777';
    ctx.fillText('press Play to train', m.l + 10, m.t + 30);
    return;
  }
  let x0 = Math.min(...pts.map((p) => p.x));
  let x1 = Math.max(...pts.map((p) => p.x));
  if (x1 === x0) x1 = x0 + 1;
  let y0 = o.yMin ?? Math.min(...pts.map((p) => p.y));
  let y1 = o.yMax ?? Math.max(...pts.map((p) => p.y));
  if (y1 - y0 < 1e-9) {
    y0 -= 0.5;
    y1 += 0.5;
  }
  const pad = (y1 - y0) * 0.05;
  if (o.yMin === undefined) y0 -= pad;
  if (o.yMax === undefined) y1 += pad;
  x0 = Math.min(x0, 0);
  const X = (x: number): number => m.l + ((x - x0) / (x1 - x0)) * (w - m.l - m.r);
  const Y = (y: number): number => h - m.b - ((y - y0) / (y1 - y0)) * (h - m.t - m.b);
  ctx.strokeStyle = '#e4e4e4';
  ctx.lineWidth = 1;
  ctx.fillStyle = '#555';
  ctx.font = '11px system-ui, sans-serif';
  for (const t of niceTicks(y0, y1, 4)) {
    ctx.beginPath();
    ctx.moveTo(m.l, Y(t));
    ctx.lineTo(w - m.r, Y(t));
    ctx.stroke();
    ctx.fillText(String(t), 18, Y(t) + 4);
  }
  for (const t of niceTicks(x0, x1, Math.max(2, Math.floor(w / 90)))) {
    ctx.fillText(String(t), X(t) - 8, h - m.b + 14);
  }
  ctx.strokeStyle = '#888';
  ctx.strokeRect(m.l, m.t, w - m.l - m.r, h - m.t - m.b);
  ctx.fillStyle = '#333';
  ctx.fillText(o.xTitle, (m.l + w - m.r) / 2 - 20, h - 4);
  ctx.save();
  ctx.translate(12, (m.t + h - m.b) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText(o.yTitle, 0, 0);
  ctx.restore();
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(s.dashed ? [5, 3] : []);
    ctx.beginPath();
    let started = false;
    for (const p of s.points) {
      if (!Number.isFinite(p.y)) continue;
      if (!started) ctx.moveTo(X(p.x), Y(p.y));
      else ctx.lineTo(X(p.x), Y(p.y));
      started = true;
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

/** The confusion matrix as a grid of shaded counts, row = true class, column = predicted. */
export function drawConfusion(canvas: HTMLCanvasElement, matrix: number[], classes: readonly string[], title: string): void {
  const k = classes.length;
  const width = Math.max(200, canvas.clientWidth || 320);
  const { ctx, w } = prepare(canvas, 48 + k * Math.min(40, Math.max(8, Math.floor((Math.min(width, 420) - 86) / k))));
  const label = 78;
  const cell = Math.min(40, Math.max(8, Math.floor((Math.min(w, 420) - label - 8) / k)));
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = '#222';
  ctx.fillText(title, 4, 14);
  const top = 40;
  ctx.font = '10px system-ui, sans-serif';
  ctx.fillStyle = '#555';
  ctx.fillText('predicted →', label, top - 6);
  const rowMax = classes.map((_, i) => Math.max(1, matrix.slice(i * k, i * k + k).reduce((a, b) => a + b, 0)));
  for (let i = 0; i < k; i++) {
    ctx.fillStyle = '#333';
    ctx.fillText(classes[i].slice(0, 12), 2, top + i * cell + cell / 2 + 3);
    for (let j = 0; j < k; j++) {
      const v = matrix[i * k + j] / rowMax[i];
      const shade = Math.round(255 - v * 200);
      ctx.fillStyle = i === j ? `rgb(${shade},${Math.round(255 - v * 110)},${shade})` : `rgb(255,${shade},${shade})`;
      ctx.fillRect(label + j * cell, top + i * cell, cell - 1, cell - 1);
      if (cell >= 22 && matrix[i * k + j] > 0) {
        ctx.fillStyle = v > 0.6 ? '#fff' : '#222';
        ctx.fillText(String(matrix[i * k + j]), label + j * cell + 3, top + i * cell + cell / 2 + 3);
      }
    }
  }
}

/** Sample images (grey [0, 1], size x size each) with "predicted (true)" under each, red when wrong. */
export function drawSamples(canvas: HTMLCanvasElement, images: Float32Array[], size: number, predicted: number[], truth: number[], classes: readonly string[]): void {
  const n = images.length;
  const tile = 64;
  const perRow = Math.max(1, Math.floor(Math.max(200, canvas.clientWidth || 320) / (tile + 8)));
  const { ctx: c2 } = prepare(canvas, Math.ceil(n / perRow) * (tile + 30) + 4);
  const img = new ImageData(size, size);
  const scratch = new OffscreenCanvas(size, size);
  const sctx = scratch.getContext('2d')!;
  c2.imageSmoothingEnabled = false;
  c2.font = '10px system-ui, sans-serif';
  images.forEach((px, i) => {
    for (let p = 0; p < size * size; p++) {
      const v = Math.round(255 - px[p] * 255);
      img.data[4 * p] = v;
      img.data[4 * p + 1] = v;
      img.data[4 * p + 2] = v;
      img.data[4 * p + 3] = 255;
    }
    sctx.putImageData(img, 0, 0);
    const x = (i % perRow) * (tile + 8) + 4;
    const y = Math.floor(i / perRow) * (tile + 30) + 4;
    c2.drawImage(scratch, x, y, tile, tile);
    const ok = predicted[i] === truth[i];
    c2.fillStyle = predicted[i] === undefined ? '#777' : ok ? '#1b7a2f' : '#c0392b';
    c2.fillText(predicted[i] === undefined ? '…' : (classes[predicted[i]] ?? '?').slice(0, 11), x, y + tile + 11);
    c2.fillStyle = '#555';
    c2.fillText(`(${(classes[truth[i]] ?? '?').slice(0, 10)})`, x, y + tile + 23);
  });
}
