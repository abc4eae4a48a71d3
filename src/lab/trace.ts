/**
 * `descent trace`: one optimizer on a 2D test function or an online counterexample; the
 * trajectory as JSON (the start point, then the point after each step: N steps give N + 1
 * points) or as a plot over the function's contours.
 */
import { getOptimizerEntry } from '../optim/index.js';
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
 * flag true/false, a number a number, an object option JSON, anything else bare text. Where the
 * optimizer's option table is known, a single number for a list option becomes a one-element
 * list. A dotted key sets one entry of an object option: a wrapper's inner optimizer is
 * `--set optimizer=adam` and its options `--set optimizerOptions.lr=0.01` (typed by the inner
 * optimizer's own table).
 */
export function parseSetFlags(flags: readonly string[], optimizer?: string): JsonObject {
  const method = optimizer ? (() => { try { return resolveMethod(optimizer); } catch { return null; } })() : null;
  const types = method ? optionTypes(method.optimizer) : {};
  const pairs = flags.map((flag): [string, string] => {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new LabError(`--set ${flag}: expected key=value (e.g. --set lr=0.01, --set betas=0.9,0.99, --set amsgrad=true)`);
    return [flag.slice(0, eq).trim(), flag.slice(eq + 1).trim()];
  });
  // The inner optimizer a wrapper's `optimizerOptions.*` flags are typed by.
  const innerName = (): string => {
    const named = [...pairs].reverse().find(([k]) => k === 'optimizer')?.[1];
    if (named) return named;
    const dflt = method ? getOptimizerEntry(method.optimizer).options.optimizer?.default : undefined;
    return typeof dflt === 'string' ? dflt : '';
  };
  const out: JsonObject = {};
  for (const [key, text] of pairs) {
    const dot = key.indexOf('.');
    if (dot <= 0) {
      const v = parseValue(text, types[key], key);
      const prev = out[key];
      // `--set optimizerOptions={...}` and `--set optimizerOptions.lr=...` combine.
      out[key] = isObject(prev) && isObject(v) ? { ...prev, ...v } : v;
      continue;
    }
    const head = key.slice(0, dot);
    const sub = key.slice(dot + 1);
    if (method && types[head] !== 'object') {
      const objects = Object.keys(types).filter((k) => types[k] === 'object');
      throw new LabError(`--set ${key}=${text}: '${head}' is not an option of ${method.optimizer} that takes an object${objects.length ? ` (those are: ${objects.join(', ')})` : ' (it has none)'}`);
    }
    const subTypes = head === 'optimizerOptions' ? optionTypes(innerName()) : {};
    const prev = out[head];
    if (prev !== undefined && !isObject(prev)) throw new LabError(`--set ${key}=${text}: '${head}' was already set to ${JSON.stringify(prev)}, not an object`);
    out[head] = { ...(prev ?? {}), [sub]: parseValue(text, subTypes[sub], key) };
  }
  return out;
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseValue(text: string, type: string | undefined, key: string): Json {
  const num = (s: string): number | null => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : null);
  if (type === 'string') return text;
  if (type === 'object') {
    try {
      const v = JSON.parse(text) as Json;
      if (isObject(v)) return v;
    } catch {
      // fall through to the error below
    }
    throw new LabError(`--set ${key}=${text}: '${key}' takes an object: JSON such as {"lr":0.01}, or one entry at a time with --set ${key}.lr=0.01`);
  }
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
