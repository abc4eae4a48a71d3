/**
 * Option checks shared by the training loop and the regularization methods (which re-export
 * them from src/regularize/validate.ts). A bad option is a RangeError (or a
 * TypeError for the wrong type) whose message names the method, the option, the valid range
 * and the value given, e.g. `AlphaDropout: p must lie in [0, 1), got 1.5`.
 */
import type { Generator } from '../tensor/index.js';
import { Generator as GeneratorClass } from '../tensor/index.js';
import { checkOptions as checkOptionKeys } from '../tensor/options.js';

export interface RangeSpec {
  /** Lower bound (inclusive unless `minExclusive`). */
  min?: number;
  /** Upper bound (inclusive unless `maxExclusive`). */
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
  /** The value must be an integer. */
  integer?: boolean;
}

/** The valid range in words: 'in [0, 1)', '>= 0', '> 0', 'a non-negative integer'. */
export function describeRange(r: RangeSpec): string {
  const hasMin = r.min !== undefined;
  const hasMax = r.max !== undefined;
  if (r.integer) {
    if (hasMin && !hasMax && r.min === 0 && !r.minExclusive) return 'a non-negative integer';
    if (hasMin && !hasMax && ((r.min === 1 && !r.minExclusive) || (r.min === 0 && r.minExclusive))) return 'a positive integer';
  }
  let s: string;
  if (hasMin && hasMax) s = `in ${r.minExclusive ? '(' : '['}${r.min}, ${r.max}${r.maxExclusive ? ')' : ']'}`;
  else if (hasMin) s = `${r.minExclusive ? '>' : '>='} ${r.min}`;
  else if (hasMax) s = `${r.maxExclusive ? '<' : '<='} ${r.max}`;
  else s = 'a finite number';
  return r.integer ? `an integer ${s}` : s;
}

function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Checks that `value` is a number within `range`; returns it. */
export function checkNumber(op: string, name: string, value: unknown, range: RangeSpec = {}): number {
  const expected = describeRange(range);
  const msg = `${op}: ${name} must ${expected.startsWith('in ') ? 'lie' : 'be'} ${expected}, got ${show(value)}`;
  if (typeof value !== 'number') throw new TypeError(msg);
  if (Number.isNaN(value)) throw new RangeError(msg);
  if (!Number.isFinite(value) && !(range.max === Infinity || range.min === -Infinity)) throw new RangeError(msg);
  if (range.integer && !Number.isInteger(value)) throw new RangeError(msg);
  if (range.min !== undefined && (range.minExclusive ? !(value > range.min) : !(value >= range.min))) throw new RangeError(msg);
  if (range.max !== undefined && (range.maxExclusive ? !(value < range.max) : !(value <= range.max))) throw new RangeError(msg);
  return value;
}

/** A drop probability: [0, 1). */
export const checkRate = (op: string, name: string, value: unknown): number => checkNumber(op, name, value, { min: 0, max: 1, maxExclusive: true });
/** A probability: [0, 1]. */
export const checkProbability = (op: string, name: string, value: unknown): number => checkNumber(op, name, value, { min: 0, max: 1 });
/** A penalty coefficient, a noise level, an epsilon: >= 0. */
export const checkNonNegative = (op: string, name: string, value: unknown): number => checkNumber(op, name, value, { min: 0 });
/** Strictly positive. */
export const checkPositive = (op: string, name: string, value: unknown): number => checkNumber(op, name, value, { min: 0, minExclusive: true });
/** A count >= 0. */
export const checkCount = (op: string, name: string, value: unknown): number => checkNumber(op, name, value, { min: 0, integer: true });
/** A count >= 1. */
export const checkPositiveInt = (op: string, name: string, value: unknown): number => checkNumber(op, name, value, { min: 1, integer: true });

/** Checks that `value` is one of `choices`. */
export function checkChoice<T extends string>(op: string, name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    throw new RangeError(`${op}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${show(value)}`);
  }
  return value as T;
}

/** The generator to draw from: the one given, else a fresh one from a numeric seed, else the global one. */
export function generatorOf(op: string, g: Generator | number | undefined, fallback: () => Generator): Generator {
  if (g === undefined) return fallback();
  if (g instanceof GeneratorClass) return g;
  if (typeof g === 'number' && Number.isFinite(g)) return new GeneratorClass(g);
  throw new TypeError(`${op}: generator must be a Generator or a finite seed, got ${show(g)}`);
}

/**
 * Checks that an options object has only known keys: a misspelt option (`{ genrator: 1 }`)
 * would otherwise be ignored silently and the default used. The engine's one check
 * (src/tensor/options.ts): a RangeError naming the unknown key, the nearest valid one and all of them.
 */
export const checkOptions = checkOptionKeys;
