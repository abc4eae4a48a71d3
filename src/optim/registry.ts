/**
 * Optimizers by name, so a spec file or a CLI flag can build one from text:
 * `createOptimizer('adam', params, { lr: 1e-3 })`, `listOptimizers()`, `describeOptimizer('adam')`.
 *
 * Each entry carries its option table (type, default, range, doc line), which validates the
 * options before the optimizer is built and is what `describeOptimizer` reports.
 */
import type { Optimizer } from './optimizer.js';
import { describeOptionType, resolveOptions, type OptionSpecs } from './options.js';
import type { JSONValue, ParamsInput } from './types.js';

export interface OptimizerEntry {
  /** Lower-case registry name, e.g. 'adam'. */
  name: string;
  /** One line: what the method is. */
  doc: string;
  /** Where the method comes from (paper, year; seed section). */
  source?: string;
  /** The update rule in one line of plain-text math (for the catalog and the CLI). */
  formula?: string;
  /** Option table; options not in it are rejected. */
  options: OptionSpecs;
  /** Builds the optimizer from validated options (defaults filled in). */
  create(params: ParamsInput, options: Record<string, unknown>): Optimizer<object>;
}

export interface OptionDescription {
  name: string;
  type: string;
  default: JSONValue | undefined;
  required: boolean;
  doc: string;
}

export interface OptimizerDescription {
  name: string;
  doc: string;
  source?: string;
  formula?: string;
  options: OptionDescription[];
}

const entries = new Map<string, OptimizerEntry>();

function key(name: string): string {
  return name.trim().toLowerCase();
}

/** Registers an optimizer under `entry.name` (lower case); an existing name is replaced only with `replace`. */
export function registerOptimizer(entry: OptimizerEntry, { replace = false } = {}): void {
  const k = key(entry.name);
  if (entries.has(k) && !replace) {
    throw new Error(`registerOptimizer: '${k}' is already registered (pass { replace: true } to override it)`);
  }
  entries.set(k, { ...entry, name: k });
}

/** Names of every registered optimizer, sorted. */
export function listOptimizers(): string[] {
  return [...entries.keys()].sort();
}

/** Whether an optimizer is registered under `name`. */
export function hasOptimizer(name: string): boolean {
  return entries.has(key(name));
}

function lookup(name: string, op: string): OptimizerEntry {
  if (typeof name !== 'string') throw new TypeError(`${op}: the optimizer name must be a string, got ${typeof name}`);
  const e = entries.get(key(name));
  if (!e) throw new Error(`${op}: unknown optimizer '${name}'; available: ${listOptimizers().join(', ')}`);
  return e;
}

/** The registry entry of `name` (throws listing the valid names). */
export function getOptimizerEntry(name: string): OptimizerEntry {
  return lookup(name, 'getOptimizerEntry');
}

/**
 * Builds the optimizer registered as `name` over `params` (tensors or parameter groups).
 * Unknown names, unknown option keys, wrong types and out-of-range values throw errors that
 * list what is valid.
 */
export function createOptimizer(name: string, params: ParamsInput, options: Record<string, unknown> = {}): Optimizer<object> {
  const e = lookup(name, 'createOptimizer');
  const resolved = resolveOptions(e.name, e.options, options);
  return e.create(params, resolved);
}

/** The option names, types, defaults and doc line of an optimizer (what the CLI prints). */
export function describeOptimizer(name: string): OptimizerDescription {
  const e = lookup(name, 'describeOptimizer');
  return {
    name: e.name,
    doc: e.doc,
    source: e.source,
    formula: e.formula,
    options: Object.entries(e.options).map(([n, s]) => ({
      name: n,
      type: describeOptionType(s),
      default: s.default,
      required: s.default === undefined,
      doc: s.doc,
    })),
  };
}
