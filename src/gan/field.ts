/**
 * Discriminator gradient fields on 2-D data (thesis 004 figures 2-2 and 2-4): arrows of
 * ∇_x f(x) (normalized) on a grid and at the fake samples, drawn over the real data's density
 * (a Gaussian kernel estimate) or over the critic's values, with the real and fake samples as
 * dots. Written as a self-contained SVG.
 */
import { grad, noGrad, Tensor } from '../tensor/index.js';

export interface FieldOptions {
  /** The critic: points [N, 2] → outputs [N] or [N, 1]. */
  critic: (x: Tensor) => Tensor;
  real: Tensor;
  fake?: Tensor;
  /** [xmin, xmax, ymin, ymax]; default: the points' box with a 25 % margin. */
  bounds?: [number, number, number, number];
  /** Arrows per side of the grid (default 15; 0 for none). */
  grid?: number;
  /** Background: the real samples' kernel density (default) or the critic's values. */
  background?: 'density' | 'critic';
  /** Cells per side of the background (default 60). */
  resolution?: number;
  /** Kernel bandwidth of the density (default: 8 % of the box's size). */
  bandwidth?: number;
  title?: string;
  /** Picture size in pixels (default 420). */
  size?: number;
}

/** ∇_x f and f at `points` [N, 2] (no graph kept). */
export function criticGradients(critic: (x: Tensor) => Tensor, points: Tensor): { values: Float64Array; grads: Float64Array } {
  const x = points.detach().requiresGrad_();
  const out = critic(x);
  const [g] = grad(out.sum(), x);
  return { values: Float64Array.from(out.data), grads: Float64Array.from(g.data) };
}

function box(points: Tensor[]): [number, number, number, number] {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    for (let i = 0; i < p.shape[0]; i++) {
      x0 = Math.min(x0, p.data[2 * i]);
      x1 = Math.max(x1, p.data[2 * i]);
      y0 = Math.min(y0, p.data[2 * i + 1]);
      y1 = Math.max(y1, p.data[2 * i + 1]);
    }
  }
  const span = Math.max(x1 - x0, y1 - y0, 1e-3);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const half = span * 0.75;
  return [cx - half, cx + half, cy - half, cy + half];
}

const f3 = (v: number): string => (Math.round(v * 100) / 100).toString();

/** Blue-white-red for signed values scaled to [-1, 1]; white-to-navy for densities in [0, 1]. */
function color(t: number, signed: boolean): string {
  if (!signed) {
    const u = Math.max(0, Math.min(1, t));
    const r = Math.round(255 - u * (255 - 40));
    const g = Math.round(255 - u * (255 - 70));
    const b = Math.round(255 - u * (255 - 140));
    return `rgb(${r},${g},${b})`;
  }
  const u = Math.max(-1, Math.min(1, t));
  if (u >= 0) return `rgb(255,${Math.round(255 - 120 * u)},${Math.round(255 - 140 * u)})`;
  return `rgb(${Math.round(255 + 140 * u)},${Math.round(255 + 100 * u)},255)`;
}

/** A computed gradient field (JSON-serializable, so a trial can store it and a report draw it later). */
export interface FieldData {
  bounds: [number, number, number, number];
  /** Background cells (row-major, top row first), res x res, scaled to [0, 1] (density) or [-1, 1] (critic). */
  background: { kind: 'density' | 'critic'; res: number; cells: number[] };
  /** Grid arrows: positions and gradients, flat [x0, y0, x1, y1, ...]. */
  gridPoints: number[];
  gridGrads: number[];
  real: number[];
  fake: number[];
  fakeGrads: number[];
}

const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;

/** Evaluates the critic's gradients on a grid and at the fake samples, and the background. */
export function computeField(o: FieldOptions): FieldData {
  const [x0, x1, y0, y1] = o.bounds ?? box([o.real, ...(o.fake ? [o.fake] : [])]);
  const res = o.resolution ?? 60;
  const centers = new Float32Array(res * res * 2);
  for (let i = 0; i < res; i++) {
    for (let j = 0; j < res; j++) {
      centers[2 * (i * res + j)] = x0 + ((j + 0.5) / res) * (x1 - x0);
      centers[2 * (i * res + j) + 1] = y1 - ((i + 0.5) / res) * (y1 - y0);
    }
  }
  const kind = o.background ?? 'density';
  const cells: number[] = [];
  if (kind === 'density') {
    const bw = o.bandwidth ?? 0.08 * Math.max(x1 - x0, y1 - y0);
    const n = o.real.shape[0];
    let max = 0;
    for (let c = 0; c < res * res; c++) {
      let s = 0;
      for (let k = 0; k < n; k++) {
        const dx = centers[2 * c] - o.real.data[2 * k];
        const dy = centers[2 * c + 1] - o.real.data[2 * k + 1];
        s += Math.exp(-(dx * dx + dy * dy) / (2 * bw * bw));
      }
      cells.push(s);
      max = Math.max(max, s);
    }
    for (let c = 0; c < cells.length; c++) cells[c] = max > 0 ? r4(cells[c] / max) : 0;
  } else {
    const vals = noGrad(() => o.critic(new Tensor(centers, [res * res, 2])).data);
    let mean = 0;
    for (const v of vals) mean += v / vals.length;
    let scale = 0;
    for (const v of vals) scale = Math.max(scale, Math.abs(v - mean));
    for (const v of vals) cells.push(scale > 0 ? r4((v - mean) / scale) : 0);
  }
  const g = o.grid ?? 15;
  const gridPoints: number[] = [];
  let gridGrads: number[] = [];
  if (g > 0) {
    const pts = new Float32Array(g * g * 2);
    for (let i = 0; i < g; i++) {
      for (let j = 0; j < g; j++) {
        pts[2 * (i * g + j)] = x0 + ((j + 0.5) / g) * (x1 - x0);
        pts[2 * (i * g + j) + 1] = y0 + ((i + 0.5) / g) * (y1 - y0);
      }
    }
    gridPoints.push(...Array.from(pts, r4));
    gridGrads = Array.from(criticGradients(o.critic, new Tensor(pts, [g * g, 2])).grads, r4);
  }
  const fakeGrads = o.fake ? Array.from(criticGradients(o.critic, o.fake).grads, r4) : [];
  return {
    bounds: [x0, x1, y0, y1],
    background: { kind, res, cells },
    gridPoints,
    gridGrads,
    real: Array.from(o.real.data, r4),
    fake: o.fake ? Array.from(o.fake.data, r4) : [],
    fakeGrads,
  };
}

/** Draws a computed field as an SVG string. */
export function fieldSvg(d: FieldData, options: { title?: string; size?: number } = {}): string {
  const size = options.size ?? 420;
  const top = options.title ? 26 : 6;
  const [x0, x1, y0, y1] = d.bounds;
  const sx = (x: number): number => 6 + ((x - x0) / (x1 - x0)) * size;
  const sy = (y: number): number => top + (1 - (y - y0) / (y1 - y0)) * size;
  const parts: string[] = [];
  const W = size + 12;
  const H = size + top + LEGEND_HEIGHT;
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`);
  parts.push(`<defs><marker id="ah" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#222"/></marker>` +
    `<marker id="ahf" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c0392b"/></marker></defs>`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  if (options.title) parts.push(`<text x="6" y="18" font-size="14">${escapeXml(options.title)}</text>`);
  const res = d.background.res;
  const cw = size / res;
  for (let i = 0; i < res; i++) {
    for (let j = 0; j < res; j++) {
      parts.push(`<rect x="${f3(6 + j * cw)}" y="${f3(top + i * cw)}" width="${f3(cw + 0.3)}" height="${f3(cw + 0.3)}" fill="${color(d.background.cells[i * res + j], d.background.kind === 'critic')}"/>`);
    }
  }
  parts.push(`<rect x="6" y="${top}" width="${size}" height="${size}" fill="none" stroke="#888"/>`);
  const arrow = (px: number, py: number, gx: number, gy: number, len: number, cls: 'grid' | 'fake'): void => {
    const norm = Math.hypot(gx, gy);
    if (!(norm > 0)) return;
    const ax = sx(px);
    const ay = sy(py);
    const bx = ax + (gx / norm) * len;
    const by = ay - (gy / norm) * len;
    parts.push(`<line x1="${f3(ax)}" y1="${f3(ay)}" x2="${f3(bx)}" y2="${f3(by)}" stroke="${cls === 'grid' ? '#222' : '#c0392b'}" stroke-width="${cls === 'grid' ? 1 : 1.8}" marker-end="url(#${cls === 'grid' ? 'ah' : 'ahf'})" opacity="${cls === 'grid' ? 0.7 : 1}"/>`);
  };
  const g = Math.round(Math.sqrt(d.gridPoints.length / 2));
  for (let k = 0; k < d.gridPoints.length / 2; k++) arrow(d.gridPoints[2 * k], d.gridPoints[2 * k + 1], d.gridGrads[2 * k], d.gridGrads[2 * k + 1], (size / Math.max(g, 1)) * 0.7, 'grid');
  for (let k = 0; k < d.real.length / 2; k++) parts.push(`<circle cx="${f3(sx(d.real[2 * k]))}" cy="${f3(sy(d.real[2 * k + 1]))}" r="3.5" fill="#1f77b4" stroke="white" stroke-width="0.6"/>`);
  for (let k = 0; k < d.fake.length / 2; k++) {
    parts.push(`<circle cx="${f3(sx(d.fake[2 * k]))}" cy="${f3(sy(d.fake[2 * k + 1]))}" r="3.5" fill="#ff7f0e" stroke="white" stroke-width="0.6"/>`);
    arrow(d.fake[2 * k], d.fake[2 * k + 1], d.fakeGrads[2 * k], d.fakeGrads[2 * k + 1], size / 10, 'fake');
  }
  parts.push(fieldLegend(d, top + size + 8, size));
  parts.push('</svg>');
  return parts.join('');
}

/** Room under the picture for the axis ranges, the marker legend and the colour bar. */
const LEGEND_HEIGHT = 64;

/**
 * What the picture's marks mean: the axis ranges, a legend of the dots and arrows (drawn as
 * paths, so the picture's own <line> arrows stay countable), and the background's colour bar.
 */
function fieldLegend(d: FieldData, y: number, size: number): string {
  const [x0, x1, y0, y1] = d.bounds;
  const t = (x: number, yy: number, text: string, anchor = 'start'): string => `<text x="${f3(x)}" y="${f3(yy)}" font-size="11" fill="#333" text-anchor="${anchor}">${escapeXml(text)}</text>`;
  const out: string[] = [t(6, y + 4, `x ∈ [${f3(x0)}, ${f3(x1)}], y ∈ [${f3(y0)}, ${f3(y1)}]`)];
  let x = 6;
  const row = y + 22;
  const dot = (fill: string, label: string): void => {
    out.push(`<circle cx="${f3(x + 4)}" cy="${f3(row - 4)}" r="3.5" fill="${fill}" stroke="white" stroke-width="0.6"/>`, t(x + 11, row, label));
    x += 11 + label.length * 6.2 + 12;
  };
  const arrow = (stroke: string, marker: string, label: string): void => {
    out.push(`<path d="M${f3(x)},${f3(row - 4)} H${f3(x + 18)}" stroke="${stroke}" stroke-width="1.5" marker-end="url(#${marker})"/>`, t(x + 24, row, label));
    x += 24 + label.length * 6.2 + 12;
  };
  dot('#1f77b4', 'real');
  if (d.fake.length) dot('#ff7f0e', 'fake');
  if (d.gridPoints.length) arrow('#222', 'ah', '∇f direction');
  if (d.fakeGrads.length) arrow('#c0392b', 'ahf', '∇f at fakes');
  // The colour bar: density from 0 to its maximum, or the critic's value about its mean.
  const critic = d.background.kind === 'critic';
  const barY = y + 34;
  const barW = Math.min(size, 240);
  const steps = 24;
  for (let k = 0; k < steps; k++) {
    const v = critic ? -1 + (2 * (k + 0.5)) / steps : (k + 0.5) / steps;
    out.push(`<rect x="${f3(6 + (k * barW) / steps)}" y="${f3(barY)}" width="${f3(barW / steps + 0.3)}" height="8" fill="${color(v, critic)}"/>`);
  }
  out.push(`<rect x="6" y="${f3(barY)}" width="${f3(barW)}" height="8" fill="none" stroke="#888"/>`);
  out.push(t(6, barY + 20, critic ? '−max' : '0'), t(6 + barW / 2, barY + 20, critic ? 'critic f − mean f' : 'real-data density', 'middle'), t(6 + barW, barY + 20, critic ? '+max' : 'max', 'end'));
  return out.join('');
}

/** The gradient field as an SVG string: {@link computeField} then {@link fieldSvg}. */
export function gradientFieldSvg(o: FieldOptions): string {
  return fieldSvg(computeField(o), { title: o.title, size: o.size });
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
