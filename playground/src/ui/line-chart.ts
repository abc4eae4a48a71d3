/**
 * A plain SVG line chart (exportable as SVG or PNG): lines over a shared x axis, an optional
 * log y axis, tick labels, and a vertical marker for the current step.
 */
const NS = 'http://www.w3.org/2000/svg';

export interface Series {
  label: string;
  color: string;
  x: readonly number[];
  y: readonly number[];
  /** Dashed (for a second quantity of the same run, e.g. v̂ beside v). */
  dashed?: boolean;
  /** Thin and faint (a single realization behind a mean). */
  thin?: boolean;
}

export interface ChartOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  logY?: boolean;
  /** Draw only points with x <= upTo (animation). */
  upTo?: number;
  /** Horizontal reference lines. */
  rules?: { y: number; label: string }[];
  /** Fixed y range (else from the data). */
  yRange?: [number, number];
  width?: number;
  height?: number;
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Three or so round tick values over [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 4): number[] {
  if (!(hi > lo)) return [lo];
  const step0 = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push(Math.abs(v) < 1e-12 * step ? 0 : v);
  return out;
}

/** Short text for a tick value. */
export function tickText(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(0) : String(Number(v.toPrecision(3)));
}

/** Renders the chart into `svg` (replacing its content). */
export function drawLineChart(svg: SVGSVGElement, series: readonly Series[], o: ChartOptions): void {
  const W = o.width ?? 480;
  const H = o.height ?? 260;
  const m = { l: 56, r: 22, t: 26, b: 40 };
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('xmlns', NS);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', o.title);
  svg.replaceChildren();
  const ty = (v: number): number => (o.logY ? Math.log10(Math.max(v, 1e-300)) : v);
  let xMax = 1;
  let yLo = Infinity;
  let yHi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      xMax = Math.max(xMax, s.x[i]);
      const v = ty(s.y[i]);
      if (Number.isFinite(v)) {
        yLo = Math.min(yLo, v);
        yHi = Math.max(yHi, v);
      }
    }
  }
  for (const r of o.rules ?? []) {
    yLo = Math.min(yLo, ty(r.y));
    yHi = Math.max(yHi, ty(r.y));
  }
  if (o.yRange) [yLo, yHi] = [ty(o.yRange[0]), ty(o.yRange[1])];
  if (!Number.isFinite(yLo)) [yLo, yHi] = [0, 1];
  if (yHi - yLo < 1e-12) [yLo, yHi] = [yLo - 0.5, yHi + 0.5];
  const px = (x: number): number => m.l + (x / xMax) * (W - m.l - m.r);
  const py = (v: number): number => H - m.b - ((v - yLo) / (yHi - yLo)) * (H - m.t - m.b);
  svg.append(el('rect', { x: 0, y: 0, width: W, height: H, fill: '#ffffff' }));
  svg.append(el('text', { x: m.l, y: 16, 'font-size': 13, 'font-weight': 600, fill: '#222' }, o.title));
  const axis = el('g', { stroke: '#999', 'stroke-width': 1 });
  axis.append(el('line', { x1: m.l, y1: H - m.b, x2: W - m.r, y2: H - m.b }), el('line', { x1: m.l, y1: m.t, x2: m.l, y2: H - m.b }));
  svg.append(axis);
  const labels = el('g', { 'font-size': 11, fill: '#333' });
  for (const v of niceTicks(0, xMax)) labels.append(el('text', { x: px(v), y: H - m.b + 14, 'text-anchor': 'middle' }, tickText(v)));
  const yTicks = o.logY ? niceTicks(Math.floor(yLo), Math.ceil(yHi)).filter((v) => Number.isInteger(v) && v >= yLo - 1e-9 && v <= yHi + 1e-9) : niceTicks(yLo, yHi);
  for (const v of yTicks) {
    labels.append(el('text', { x: m.l - 6, y: py(v) + 4, 'text-anchor': 'end' }, o.logY ? `1e${v}` : tickText(v)));
    svg.append(el('line', { x1: m.l, y1: py(v), x2: W - m.r, y2: py(v), stroke: '#eee' }));
  }
  labels.append(el('text', { x: (m.l + W - m.r) / 2, y: H - 6, 'text-anchor': 'middle' }, o.xTitle));
  labels.append(el('text', { x: 12, y: (m.t + H - m.b) / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${(m.t + H - m.b) / 2})` }, o.yTitle));
  svg.append(labels);
  for (const r of o.rules ?? []) {
    svg.append(el('line', { x1: m.l, y1: py(ty(r.y)), x2: W - m.r, y2: py(ty(r.y)), stroke: '#555', 'stroke-dasharray': '2 3' }));
    svg.append(el('text', { x: W - m.r - 2, y: py(ty(r.y)) - 3, 'text-anchor': 'end', 'font-size': 10, fill: '#555' }, r.label));
  }
  const clip = el('clipPath', { id: `clip-${Math.random().toString(36).slice(2)}` });
  clip.append(el('rect', { x: m.l, y: m.t, width: W - m.l - m.r, height: H - m.t - m.b }));
  svg.append(clip);
  for (const s of series) {
    const pts: string[] = [];
    for (let i = 0; i < s.x.length; i++) {
      if (o.upTo !== undefined && s.x[i] > o.upTo) break;
      const v = ty(s.y[i]);
      if (Number.isFinite(v)) pts.push(`${px(s.x[i]).toFixed(1)},${py(v).toFixed(1)}`);
    }
    svg.append(el('polyline', { points: pts.join(' '), fill: 'none', stroke: s.color, 'stroke-width': s.thin ? 1 : 2, 'stroke-opacity': s.thin ? 0.45 : 1, 'stroke-dasharray': s.dashed ? '5 3' : 'none', 'clip-path': `url(#${clip.id})` }));
  }
  if (o.upTo !== undefined) svg.append(el('line', { x1: px(o.upTo), y1: m.t, x2: px(o.upTo), y2: H - m.b, stroke: '#888', 'stroke-dasharray': '3 3' }));
}

/** A new, empty chart element. */
export function newChart(className = 'chart'): SVGSVGElement {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('class', className);
  return svg;
}
