/**
 * A method's search space: for each searched option, a range on a log or linear scale, or a
 * list of choices. Points of the unit cube (from a quasi-random sequence) map onto it, and a
 * grid enumerates it. Continuous values are rounded to three significant digits, so a trial's
 * label and id stay short and stable (`adam lr=0.00316`).
 *
 * ```yaml
 * search:
 *   lr: { log: [1.0e-5, 1.0e-1] }       # log-uniform (the default for lr)
 *   momentum: { linear: [0.5, 0.99] }
 *   betas: { choice: [[0.9, 0.999], [0.9, 0.99]] }
 *   warmup: { linear: [0, 100], integer: true, points: 3 }   # points: this option's grid size
 * ```
 */
import { z } from 'zod';
import type { Json, JsonObject } from '../util.js';

/** One searched option. */
export type Param =
  | { name: string; scale: 'log' | 'linear'; low: number; high: number; integer: boolean; points?: number }
  | { name: string; scale: 'choice'; values: Json[] };

const json: z.ZodType<Json> = z.lazy(() => z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)]));
const range = z.tuple([z.number(), z.number()]);
const extras = { integer: z.boolean().optional(), points: z.number().int().min(1).optional() };

/** The schema of one `search` entry. */
export const paramSchema = z.union([
  z.object({ log: range, ...extras }).strict(),
  z.object({ linear: range, ...extras }).strict(),
  z.object({ choice: z.array(json).min(1, 'a choice needs at least one value') }).strict(),
  z.array(json).min(1, 'a choice needs at least one value'),
]);

export type ParamEntry = z.infer<typeof paramSchema>;

/** DeepOBS's learning-rate range, the default when a method's lr is searched without one. */
export const DEFAULT_LR_RANGE: [number, number] = [1e-5, 1e2];

/** The {@link Param} of a validated entry; `where` names it in errors (a bounds problem). */
export function toParam(name: string, entry: ParamEntry, where: string): Param {
  if (Array.isArray(entry)) return { name, scale: 'choice', values: entry };
  if ('choice' in entry) return { name, scale: 'choice', values: entry.choice };
  const scale = 'log' in entry ? 'log' : 'linear';
  const [low, high] = 'log' in entry ? entry.log : entry.linear;
  if (!(low <= high)) throw new Error(`${where}: expected [low, high] with low <= high, got [${low}, ${high}]`);
  if (scale === 'log' && low <= 0) throw new Error(`${where}: a log range needs positive bounds, got [${low}, ${high}]`);
  return { name, scale, low, high, integer: entry.integer ?? false, ...(entry.points ? { points: entry.points } : {}) };
}

/** `x` rounded to three significant digits (exact values such as 0.001 stay exact). */
export function roundSignificant(x: number, digits = 3): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(digits));
}

function continuous(p: Extract<Param, { scale: 'log' | 'linear' }>, u: number): number {
  if (p.integer) {
    const lo = Math.ceil(p.low);
    const hi = Math.floor(p.high);
    if (p.scale === 'linear') return Math.min(hi, lo + Math.floor(u * (hi - lo + 1)));
    return Math.min(hi, Math.max(lo, Math.round(Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))))));
  }
  const v = p.scale === 'log' ? Math.exp(Math.log(p.low) + u * (Math.log(p.high) - Math.log(p.low))) : p.low + u * (p.high - p.low);
  return roundSignificant(v);
}

/** The value of `p` at the unit coordinate `u` in [0, 1). */
export function valueAt(p: Param, u: number): Json {
  if (p.scale === 'choice') return p.values[Math.min(p.values.length - 1, Math.floor(u * p.values.length))];
  return continuous(p, u);
}

/** The options of one point `u` of the unit cube (one coordinate per param). */
export function pointOptions(params: readonly Param[], u: readonly number[]): JsonObject {
  return Object.fromEntries(params.map((p, i) => [p.name, valueAt(p, u[i])]));
}

/** The grid values of one param: its choices, or `points` values from low to high on its scale. */
export function gridValues(p: Param, points: number): Json[] {
  if (p.scale === 'choice') return p.values;
  const n = p.points ?? points;
  if (n === 1 || p.low === p.high) return [continuous(p, 0.5)];
  const values: number[] = [];
  for (let k = 0; k < n; k++) {
    const t = k / (n - 1);
    const v = p.scale === 'log' ? Math.exp(Math.log(p.low) + t * (Math.log(p.high) - Math.log(p.low))) : p.low + t * (p.high - p.low);
    values.push(p.integer ? Math.round(v) : roundSignificant(v));
  }
  return [...new Set(values)];
}

/** Every combination of the params' grid values, the first param varying slowest. */
export function gridPoints(params: readonly Param[], points: number): JsonObject[] {
  let combos: JsonObject[] = [{}];
  for (const p of params) {
    const values = gridValues(p, points);
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [p.name]: v })));
  }
  return combos;
}
