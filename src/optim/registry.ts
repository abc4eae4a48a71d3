/**
 * Optimizers by name, so a spec file or a CLI flag can build one from text:
 * `createOptimizer('adam', params, { lr: 1e-3 })`, `listOptimizers()`, `describeOptimizer('adam')`.
 *
 * The built-in entries come from three explicit catalogs: ./catalog.ts (first-order methods),
 * ./wrappers/catalog.ts and ./second-order/catalog.ts. Nothing registers itself on import;
 * `registerOptimizer` and `registerWrapper` are for users' own methods. Each entry carries its
 * option table (type, default, range, doc line), which validates the options before the
 * optimizer is built and is what `describeOptimizer` reports.
 */
import { firstOrderOptimizers } from './catalog.js';
import type { Optimizer } from './optimizer.js';
import { describeOptionType, resolveOptions, type OptionSpecs } from './options.js';
import { secondOrderMethods } from './second-order/catalog.js';
import type { OptimizerName, OptimizerOptionsFor, UncheckedName } from './names.js';
import type { JSONValue, ParamsInput } from './types.js';
import { optimizerWrappers } from './wrappers/catalog.js';
import { wrapperEntry, type BuildOptimizer } from './wrappers/wrapper.js';

export interface OptimizerEntry {
  /** Lower-case registry name, e.g. 'adam'. */
  name: string;
  /** One line: what the method is. */
  doc: string;
  /** Where the method comes from (paper, year; seed section). */
  source?: string;
  /** The update rule in one line of plain-text math (for the catalog and the CLI). */
  formula?: string;
  /**
   * Whether the step is normalized by statistics of the gradient (per coordinate, or per
   * tensor: Adam, RMSprop, sign methods, LAMB, LARS, ...), so the gradient's scale cancels out
   * and the method wants an Adam-like learning rate; false for SGD-like steps (sgd, asgd) and
   * for the second-order methods. A wrapper's flag is false: it is as adaptive as the
   * optimizer it wraps (see {@link isAdaptiveOptimizer}).
   */
  adaptive: boolean;
  /** Set on wrappers: the entry builds an inner optimizer named by its `optimizer` option. */
  wrapper?: boolean;
  /** Option table; options not in it are rejected. */
  options: OptionSpecs;
  /**
   * Builds the optimizer from validated options (defaults filled in). `build` is
   * `createOptimizer`, for entries that build another optimizer by name (wrappers).
   */
  create(params: ParamsInput, options: Record<string, unknown>, build?: BuildOptimizer): Optimizer<object>;
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
  adaptive: boolean;
  options: OptionDescription[];
}

function key(name: string): string {
  return name.trim().toLowerCase();
}

const entries = new Map<string, OptimizerEntry>();
for (const entry of [...firstOrderOptimizers.flatMap((cls) => cls.entries), ...optimizerWrappers, ...secondOrderMethods]) {
  if (entries.has(key(entry.name))) throw new Error(`optimizer catalogs: '${entry.name}' is listed twice`);
  entries.set(key(entry.name), { ...entry, name: key(entry.name) });
}

/**
 * Registers a user's optimizer under `entry.name` (lower case); an existing name is replaced
 * only with `replace`. Built-in methods are listed in the catalogs instead.
 */
export function registerOptimizer(entry: OptimizerEntry, { replace = false } = {}): void {
  const k = key(entry.name);
  if (entries.has(k) && !replace) {
    throw new Error(`registerOptimizer: '${k}' is already registered (pass { replace: true } to override it)`);
  }
  if (typeof entry.adaptive !== 'boolean') {
    throw new TypeError(`registerOptimizer: '${k}' needs adaptive: true or false (is its step normalized by gradient statistics?), got ${String(entry.adaptive)}`);
  }
  entries.set(k, { ...entry, name: k });
}

/**
 * Registers a user's wrapper by name: `createOptimizer(name, params, { optimizer: 'adam',
 * optimizerOptions: {...}, ...own })` builds the inner optimizer, then `make(inner, own)`.
 */
export function registerWrapper(
  name: string,
  doc: string,
  source: string,
  formula: string,
  specs: OptionSpecs,
  make: (inner: Optimizer<object>, options: Record<string, unknown>) => Optimizer<object>,
): void {
  registerOptimizer(wrapperEntry(name, doc, source, formula, specs, make));
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
 * Whether the optimizer registered as `name` is adaptive (its entry's `adaptive`): what picks
 * an Adam-like or an SGD-like default learning rate. For a wrapper, pass its options: the
 * answer is that of the optimizer it wraps (`options.optimizer`, 'sgd' by default).
 */
export function isAdaptiveOptimizer(name: string, options: Record<string, unknown> = {}): boolean {
  const e = lookup(name, 'isAdaptiveOptimizer');
  if (!e.wrapper) return e.adaptive;
  const inner = options.optimizer ?? e.options.optimizer?.default;
  if (typeof inner !== 'string') throw new TypeError(`isAdaptiveOptimizer: '${e.name}' wraps the optimizer named by its 'optimizer' option, got ${JSON.stringify(inner)}`);
  const innerOptions = options.optimizerOptions;
  return isAdaptiveOptimizer(inner, innerOptions && typeof innerOptions === 'object' ? (innerOptions as Record<string, unknown>) : {});
}

/**
 * Builds the optimizer registered as `name` over `params` (tensors or parameter groups).
 * Unknown names, unknown option keys, wrong types and out-of-range values throw errors that
 * list what is valid.
 */
export function createOptimizer<N extends OptimizerName>(name: N, params: ParamsInput, options?: OptimizerOptionsFor<N>): Optimizer<object>;
/** A name known only when it runs (a `string`, e.g. a user's `registerOptimizer` name or a CLI flag). */
export function createOptimizer<N extends string>(name: N & UncheckedName<N>, params: ParamsInput, options?: Record<string, unknown>): Optimizer<object>;
export function createOptimizer(name: string, params: ParamsInput, options: Record<string, unknown> = {}): Optimizer<object> {
  const e = lookup(name, 'createOptimizer');
  const resolved = resolveOptions(e.name, e.options, options);
  return e.create(params, resolved, createOptimizer as BuildOptimizer);
}

/** The option names, types, defaults and doc line of an optimizer (what the CLI prints). */
export function describeOptimizer(name: string): OptimizerDescription {
  const e = lookup(name, 'describeOptimizer');
  return {
    name: e.name,
    doc: e.doc,
    source: e.source,
    formula: e.formula,
    adaptive: e.adaptive,
    options: Object.entries(e.options).map(([n, s]) => ({
      name: n,
      type: describeOptionType(s),
      default: s.default,
      required: s.default === undefined,
      doc: s.doc,
    })),
  };
}
