/**
 * Option specifications and their validation. Every optimizer (and schedule) declares its
 * options once: type, default, range and a doc line. The same table validates user input
 * (unknown keys, wrong types, out-of-range values all throw errors that list what is valid),
 * fills in defaults, and is what `describeOptimizer` prints.
 */
import type { JSONValue } from './types.js';
import { nearestKey } from '../tensor/options.js';

export type OptionType =
  | 'number'
  | 'integer'
  | 'boolean'
  | 'string'
  /** Two numbers, e.g. Adam's betas. */
  | 'pair'
  /** A list of numbers, e.g. milestones. */
  | 'numbers'
  /** Any JSON object (e.g. a wrapped optimizer's options). */
  | 'object'
  /** A number or a list of numbers (one per parameter group). */
  | 'numberOrNumbers';

export interface OptionSpec {
  type: OptionType;
  /** The default; `undefined` marks a required option. */
  default: JSONValue | undefined;
  doc: string;
  /** Lower bound for numbers (each element for pairs and lists). */
  min?: number;
  /** Upper bound for numbers (each element for pairs and lists). */
  max?: number;
  /** Whether `min` itself is excluded. */
  minExclusive?: boolean;
  /** Whether `max` itself is excluded. */
  maxExclusive?: boolean;
  /** Allowed strings for 'string' options. */
  choices?: readonly string[];
  /** Whether null is allowed (e.g. an optional bound). */
  nullable?: boolean;
  /** An extra check after the type check; returns what is wrong (e.g. 'etas must satisfy 0 < etaminus < 1 < etaplus') or null. */
  check?: (value: any) => string | null; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

function describeRange(s: OptionSpec): string {
  if (s.min === undefined && s.max === undefined) return '';
  const lo = s.min === undefined ? '(-inf' : `${s.minExclusive ? '(' : '['}${s.min}`;
  const hi = s.max === undefined ? 'inf)' : `${s.max}${s.maxExclusive ? ')' : ']'}`;
  return ` in ${lo}, ${hi}`;
}

/** A one-line description of the type (and range) of an option, for errors and help text. */
export function describeOptionType(s: OptionSpec): string {
  const range = describeRange(s);
  let base: string;
  switch (s.type) {
    case 'number': base = `a number${range}`; break;
    case 'integer': base = `an integer${range}`; break;
    case 'boolean': base = 'a boolean'; break;
    case 'string': base = s.choices ? `one of ${s.choices.map((c) => `'${c}'`).join(', ')}` : 'a string'; break;
    case 'pair': base = `a pair of numbers${range}`; break;
    case 'numbers': base = `a list of numbers${range}`; break;
    case 'numberOrNumbers': base = `a number or a list of numbers${range}`; break;
    case 'object': base = 'an object'; break;
  }
  return s.nullable ? `${base} or null` : base;
}

function inRange(v: number, s: OptionSpec): boolean {
  if (!Number.isFinite(v) && !(v === Infinity && s.max === undefined)) return false;
  if (s.min !== undefined && (s.minExclusive ? v <= s.min : v < s.min)) return false;
  if (s.max !== undefined && (s.maxExclusive ? v >= s.max : v > s.max)) return false;
  return true;
}

function isNumberList(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number');
}

/** Checks one value against its spec; returns an error message or null. */
export function checkOption(owner: string, key: string, value: unknown, s: OptionSpec): string | null {
  const typeErr = checkType(owner, key, value, s);
  if (typeErr || value === null || !s.check) return typeErr;
  const extra = s.check(value);
  return extra ? `${owner}: option '${key}': ${extra}, got ${show(value)}` : null;
}

function checkType(owner: string, key: string, value: unknown, s: OptionSpec): string | null {
  const bad = (): string => `${owner}: option '${key}' must be ${describeOptionType(s)}, got ${show(value)}`;
  if (value === null) return s.nullable ? null : bad();
  switch (s.type) {
    case 'number':
      return typeof value === 'number' && !Number.isNaN(value) && inRange(value, s) ? null : bad();
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && inRange(value, s) ? null : bad();
    case 'boolean':
      return typeof value === 'boolean' ? null : bad();
    case 'string':
      return typeof value === 'string' && (!s.choices || s.choices.includes(value)) ? null : bad();
    case 'pair':
      return isNumberList(value) && value.length === 2 && value.every((x) => inRange(x, s)) ? null : bad();
    case 'numbers':
      return isNumberList(value) && value.every((x) => inRange(x, s)) ? null : bad();
    case 'numberOrNumbers':
      if (typeof value === 'number') return inRange(value, s) ? null : bad();
      return isNumberList(value) && value.length > 0 && value.every((x) => inRange(x, s)) ? null : bad();
    case 'object':
      return typeof value === 'object' && !Array.isArray(value) ? null : bad();
  }
}

function show(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return 'a function';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * Validates `given` against `specs` and returns a complete options object (defaults filled in).
 * With `partial`, only the given keys are checked and returned (parameter-group overrides).
 * Keys in `extraKeys` are allowed and passed through unchecked (e.g. `params`).
 */
export function resolveOptions(
  owner: string,
  specs: OptionSpecs,
  given: Record<string, unknown> | undefined,
  { partial = false, extraKeys = [] as readonly string[] } = {},
): Record<string, unknown> {
  if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) {
    throw new TypeError(`${owner}: options must be an object, got ${show(given)}`);
  }
  const out: Record<string, unknown> = {};
  const valid = Object.keys(specs);
  for (const [key, value] of Object.entries(given ?? {})) {
    if (extraKeys.includes(key)) {
      out[key] = value;
      continue;
    }
    const s = specs[key];
    if (!s) {
      const near = nearestKey(key, valid);
      throw new Error(`${owner}: unknown option '${key}'; valid options: ${valid.length ? valid.join(', ') : '(none)'}${near ? ` (did you mean '${near}'?)` : ''}`);
    }
    if (value === undefined) continue;
    const err = checkOption(owner, key, value, s);
    if (err) throw new TypeError(err);
    out[key] = Array.isArray(value) ? [...value] : value;
  }
  if (!partial) {
    for (const [key, s] of Object.entries(specs)) {
      if (key in out) continue;
      if (s.default === undefined) {
        throw new Error(`${owner}: option '${key}' is required (${describeOptionType(s)}: ${s.doc})`);
      }
      out[key] = Array.isArray(s.default) ? [...s.default] : s.default;
    }
  }
  return out;
}

/** Common specs, shared so every optimizer names and checks them the same way. */
export const common = {
  lr: (dflt: number | undefined): OptionSpec => ({ type: 'number', default: dflt, min: 0, doc: 'learning rate' }),
  weightDecay: (dflt = 0, doc = 'L2 penalty added to the gradient (coupled weight decay)'): OptionSpec => ({ type: 'number', default: dflt, min: 0, doc }),
  eps: (dflt: number, doc = 'term added to the denominator for numerical stability'): OptionSpec => ({ type: 'number', default: dflt, min: 0, doc }),
  betas: (b1: number, b2: number, doc = 'coefficients of the running averages of the gradient and its square'): OptionSpec => ({
    type: 'pair', default: [b1, b2], min: 0, max: 1, maxExclusive: true, doc,
  }),
  maximize: (): OptionSpec => ({ type: 'boolean', default: false, doc: 'maximize the objective instead of minimizing it' }),
  momentum: (dflt = 0, doc = 'momentum factor'): OptionSpec => ({ type: 'number', default: dflt, min: 0, doc }),
};
