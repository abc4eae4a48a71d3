/**
 * `descent trace`: one optimizer on a 2D test function or an online counterexample; the
 * trajectory as JSON (the start point, then the point after each step: N steps give N + 1
 * points) or as a plot over the function's contours.
 */
import { optionTypes, resolveMethod } from './methods.js';
import { contourChart, curvesChart, type Plot } from './plots.js';
import { getFunction2D } from './problems/functions2d.js';
import type { TraceResult } from './trace-run.js';
import { LabError, type Json, type JsonObject } from './util.js';

// The run itself is portable (the browser playground imports it from there).
export { runTrace, traceProblems, type TraceOptions, type TraceResult } from './trace-run.js';

/** The trajectory drawn over the contours (2D) or θ against the step (online). */
export async function tracePlot(r: TraceResult, name = 'trace'): Promise<Plot> {
  const label = `${r.optimizer} ${Object.entries(r.options).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' ')}`.trim();
  const fn = getFunction2D(r.problem);
  if (fn) {
    return contourChart(fn, [{ label, points: r.iterates.map((p) => [p[0], p[1]] as [number, number]) }], { name, title: `${fn.title}: ${r.iterates.length - 1} steps` });
  }
  return curvesChart([{ label, x: r.iterates.map((_, i) => i), mean: r.iterates.map((p) => p[0]) }], {
    name,
    title: `${r.problem}: θ over ${r.iterates.length - 1} steps (the optimum is θ = -1)`,
    xTitle: 'step',
    yTitle: 'θ',
    rule: { y: r.iterates[0][0], label: 'start' },
    maxPoints: 2000,
  });
}

/**
 * Parses `--set key=value` flags into optimizer options: a list is comma-separated numbers, a
 * flag true/false, a number a number, anything else bare text. Where the optimizer's option
 * table is known, a single number for a list option becomes a one-element list.
 */
export function parseSetFlags(flags: readonly string[], optimizer?: string): JsonObject {
  const method = optimizer ? (() => { try { return resolveMethod(optimizer); } catch { return null; } })() : null;
  const types = method ? optionTypes(method.optimizer) : {};
  const out: JsonObject = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new LabError(`--set ${flag}: expected key=value (e.g. --set lr=0.01, --set betas=0.9,0.99, --set amsgrad=true)`);
    const key = flag.slice(0, eq).trim();
    const text = flag.slice(eq + 1).trim();
    out[key] = parseValue(text, types[key], key);
  }
  return out;
}

function parseValue(text: string, type: string | undefined, key: string): Json {
  const num = (s: string): number | null => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : null);
  if (type === 'string') return text;
  if (text.includes(',')) {
    const parts = text.split(',').map((s) => num(s));
    if (parts.some((p) => p === null)) throw new LabError(`--set ${key}=${text}: a list must be comma-separated numbers`);
    return parts as number[];
  }
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  const n = num(text);
  if (n !== null) return type === 'numbers' ? [n] : n;
  return text;
}
