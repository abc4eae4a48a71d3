/**
 * What the race can run on: every 2D function of the lab (by name, run by the lab's own
 * trace) and a user's f(x, y) (parsed here, its gradient by autodiff in the worker).
 */
import { functions2d } from '../../../../src/lab/problems/functions2d.js';
import type { Surface } from '../../ui/contour.js';
import { compileNumeric, parseExpression } from './expression.js';
import { DEFAULT_WINDOW, type PlotWindow } from './plot-window.js';

export interface RaceSurface extends Surface {
  /** The lab problem's name, or 'custom'. */
  name: string;
  title: string;
  description: string;
  start: [number, number];
  minima: readonly (readonly [number, number])[];
  /** The default lr the lab gives this problem (plain SGD-like, adaptive). */
  lr: { sgd: number; adaptive: number };
}

/** The lab's 2D problems. */
export const labSurfaces: readonly RaceSurface[] = functions2d.map((f) => ({
  name: f.name, title: f.title, description: f.description, f: f.f, window: f.window, logContours: f.logContours,
  fmin: f.fmin, start: f.start, minima: f.minima, lr: f.lr,
}));

/** Learning rates for a user's function when a run names none (the lab's defaults for Rosenbrock). */
export const CUSTOM_LR = { sgd: 1e-3, adaptive: 0.02 } as const;

/** The expression a custom surface starts with (Booth's function). */
export const DEFAULT_EXPRESSION = '(x + 2*y - 7)^2 + (2*x + y - 5)^2';

/** A user's f(x, y) on a window (validated by plot-window.ts); throws an ExpressionError naming what is wrong. */
export function customSurface(expression: string, window: PlotWindow = DEFAULT_WINDOW): RaceSurface {
  const f = compileNumeric(parseExpression(expression));
  // The smallest value on a coarse grid stands in for fmin (for the log bands and the gap).
  let fmin = Infinity;
  let fmax = -Infinity;
  for (let j = 0; j <= 60; j++) {
    for (let i = 0; i <= 60; i++) {
      const v = f(window[0] + (i / 60) * (window[1] - window[0]), window[2] + (j / 60) * (window[3] - window[2]));
      if (Number.isFinite(v)) {
        fmin = Math.min(fmin, v);
        fmax = Math.max(fmax, v);
      }
    }
  }
  if (!Number.isFinite(fmin)) fmin = 0;
  return {
    name: 'custom', title: `f(x, y) = ${expression}`, description: 'your function; its gradient comes from descent\'s autodiff',
    f, window: [window[0], window[1], window[2], window[3]], logContours: fmax - fmin > 100, fmin, start: [window[0] + 0.1 * (window[1] - window[0]), window[3] - 0.1 * (window[3] - window[2])], minima: [], lr: CUSTOM_LR,
  };
}
