/**
 * The window a typed f(x, y) is drawn on: x and y ranges, validated (finite, min below max, a
 * span the contour grid can resolve, within ±1e6), written in the URL as `window=x0,x1,y0,y1`.
 */

/** [x min, x max, y min, y max]. */
export type PlotWindow = [number, number, number, number];

/** The window a typed function starts on. */
export const DEFAULT_WINDOW: PlotWindow = [-5, 5, -5, 5];

/** The largest |bound| a window may have. */
export const MAX_BOUND = 1e6;
/** The smallest span, relative to the bounds' size (below it the grid's points coincide). */
const MIN_RELATIVE_SPAN = 1e-9;

/** A window that is not one: the message names the bound and what was expected. */
export class WindowError extends Error {}

const NAMES = ['x min', 'x max', 'y min', 'y max'] as const;

/** The four bounds as typed (text or numbers) as a valid window; throws a {@link WindowError}. */
export function checkWindow(bounds: readonly (string | number)[]): PlotWindow {
  if (bounds.length !== 4) throw new WindowError(`window: expected 4 numbers (x min, x max, y min, y max), got ${bounds.length}`);
  const w = bounds.map((b, i) => {
    const text = String(b).trim();
    const v = text === '' ? NaN : Number(text);
    if (!Number.isFinite(v)) throw new WindowError(`${NAMES[i]}: expected a finite number, got '${text}'`);
    if (Math.abs(v) > MAX_BOUND) throw new WindowError(`${NAMES[i]}: expected a number within ±${MAX_BOUND}, got ${v}`);
    return v;
  }) as PlotWindow;
  for (const [axis, lo, hi] of [['x', w[0], w[1]], ['y', w[2], w[3]]] as const) {
    if (!(lo < hi)) throw new WindowError(`${axis} range: the min (${lo}) must be less than the max (${hi})`);
    if (hi - lo < MIN_RELATIVE_SPAN * Math.max(1, Math.abs(lo), Math.abs(hi))) throw new WindowError(`${axis} range: [${lo}, ${hi}] is too narrow to draw (the span must be at least ${MIN_RELATIVE_SPAN} of the bounds' size)`);
  }
  return w;
}

/** `window=` text: the four bounds joined by commas. */
export function formatWindow(w: readonly number[]): string {
  return w.join(',');
}

/** The window in `window=` text; throws a {@link WindowError}. */
export function parseWindow(text: string): PlotWindow {
  return checkWindow(text.split(','));
}

/** Whether (x, y) lies in the window. */
export function inWindow(w: readonly number[], x: number, y: number): boolean {
  return x >= w[0] && x <= w[1] && y >= w[2] && y <= w[3];
}
