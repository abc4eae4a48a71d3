/**
 * `descent trace`: one optimizer on a 2D test function or an online counterexample; the
 * trajectory as JSON (the start point, then the point after each step: N steps give N + 1
 * points) or as a plot over the function's contours.
 */
import { getTask } from './catalog.js';
import { optionTypes, resolveMethod, type Method } from './methods.js';
import { contourChart, curvesChart, type Plot } from './plots.js';
import { functions2d, getFunction2D, runFunction2D } from './problems/functions2d.js';
import { onlineDefaults, runOnline, type OnlineKind } from './problems/online.js';
import { parseTaskOptions, withDefaultLr } from './tasks.js';
import { LabError, type Json, type JsonObject } from './util.js';

export const traceProblems = [...functions2d.map((f) => f.name), 'online-stochastic', 'online-sequential'];

export interface TraceResult {
  problem: string;
  optimizer: string;
  /** The options the optimizer ran with (the given ones, plus the problem's default lr when none was given). */
  options: JsonObject;
  /** The start point, then the point after each step. */
  iterates: number[][];
  /** f at each iterate (2D functions) or the per-step cost's expectation δθ (online). */
  values: number[];
  seed: number;
}

export interface TraceOptions {
  problem: string;
  optimizer: string;
  options?: JsonObject;
  steps?: number;
  start?: number[];
  seed?: number;
}

export function runTrace(o: TraceOptions): TraceResult {
  const problem = o.problem.toLowerCase();
  const method = resolveMethod(o.optimizer, o.options ?? {});
  const seed = o.seed ?? 0;
  const fn = getFunction2D(problem);
  if (fn) {
    const start = (o.start ?? fn.start) as number[];
    if (start.length !== 2) throw new LabError(`--start: ${problem} is two-dimensional: give x,y (got ${start.length} number${start.length === 1 ? '' : 's'})`);
    const m = taskDefaultLr(fn.name, method);
    const tr = runFunction2D(fn, m, o.steps ?? 500, [start[0], start[1]]);
    return { problem: fn.name, optimizer: o.optimizer, options: m.options, iterates: tr.points.map((p) => [p[0], p[1]]), values: tr.losses, seed };
  }
  if (problem === 'online-stochastic' || problem === 'online-sequential') {
    const kind = problem.slice('online-'.length) as OnlineKind;
    const start = o.start ?? [0];
    if (start.length !== 1) throw new LabError(`--start: ${problem} is one-dimensional: give a single θ (got ${start.length} numbers)`);
    const m = taskDefaultLr(problem, method);
    const opts = { ...onlineDefaults[kind], steps: o.steps ?? onlineDefaults[kind].steps, start: start[0], copies: 1, points: 1 };
    const r = runOnline(m, opts, seed, { trace: true });
    const slope = kind === 'stochastic' ? opts.delta : (opts.C - (opts.d - 1)) / opts.d;
    return { problem, optimizer: o.optimizer, options: m.options, iterates: r.iterates!.map((t) => [t]), values: r.iterates!.map((t) => slope * t), seed };
  }
  throw new LabError(`unknown problem '${o.problem}'; available: ${traceProblems.join(', ')}`);
}

/** The method with the default lr of the task of the same name (its default options), when it names none. */
function taskDefaultLr(taskName: string, method: Method): Method {
  const task = getTask(taskName);
  return withDefaultLr(task, method, parseTaskOptions(task, {}));
}

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
