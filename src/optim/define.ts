/**
 * `defineOptimizer`: turns a transform and an option table into an optimizer class whose
 * registry entries (the method and its aliases) it carries, so each built-in method is a few
 * lines of composition plus its docs. Defining registers nothing: src/optim/catalog.ts lists
 * the classes and the registry reads that list.
 */
import type { OptionSpecs } from './options.js';
import type { OptimizerEntry } from './registry.js';
import { TransformOptimizer, type Transform } from './transform.js';
import type { ParamGroup, ParamsInput } from './types.js';

/** An extra registry name that builds the same optimizer with some defaults changed. */
export interface OptimizerAlias {
  name: string;
  doc: string;
  defaults: Record<string, unknown>;
}

export interface OptimizerDefinition<O extends object = Record<string, unknown>> {
  /** Registry name (lower case). */
  name: string;
  /** One-line description. */
  doc: string;
  /** Paper, year; seed section. */
  source: string;
  /** The update rule in one line. */
  formula: string;
  /** Whether the step is normalized by gradient statistics (see {@link OptimizerEntry.adaptive}). */
  adaptive: boolean;
  options: OptionSpecs;
  /** The update rule: it reads the options `O` (its state type is the transform's own). */
  transform: Transform<O, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Checks between options of one group; returns an error message or null. */
  checkGroup?: (group: O) => string | null;
  /** Extra registry names that build the same optimizer with some defaults changed. */
  aliases?: OptimizerAlias[];
}

/** A constructor of a built-in optimizer: `new Adam(params, { lr: 1e-3 })`. */
export type OptimizerClass<O extends object> = (new (params: ParamsInput, options?: Partial<O>) => TransformOptimizer<O>) & {
  /** What the class was defined from. */
  readonly definition: OptimizerDefinition<O>;
  /** Its registry entries: the method, then its aliases. */
  readonly entries: readonly OptimizerEntry[];
};

/** Builds the class for `def`; its `entries` are what the catalog hands the registry. */
export function defineOptimizer<O extends object>(def: OptimizerDefinition<O>): OptimizerClass<O> {
  const entry = (name: string, doc: string, options: OptionSpecs): OptimizerEntry => ({
    name,
    doc,
    source: def.source,
    formula: def.formula,
    adaptive: def.adaptive,
    options,
    create: (params, resolved) => new cls(params, resolved as Partial<O>),
  });
  const entries = Object.freeze([
    entry(def.name, def.doc, def.options),
    ...(def.aliases ?? []).map((alias) => entry(alias.name, alias.doc, withDefaults(def.options, alias.defaults))),
  ]);
  const cls = class extends TransformOptimizer<O> {
    static readonly definition = def;
    static readonly entries: readonly OptimizerEntry[] = entries;
    constructor(params: ParamsInput, options: Partial<O> = {}) {
      super(def.name, params, options as Record<string, unknown>, def.transform, def.options);
    }
    protected override checkGroup(group: ParamGroup<O>): string | null {
      return def.checkGroup ? def.checkGroup(group) : null;
    }
  };
  Object.defineProperty(cls, 'name', { value: def.name });
  return cls;
}

/** `specs` with the defaults of the keys in `defaults` replaced. */
function withDefaults(specs: OptionSpecs, defaults: Record<string, unknown>): OptionSpecs {
  const out: Record<string, OptionSpecs[string]> = {};
  for (const [k, s] of Object.entries(specs)) out[k] = k in defaults ? { ...s, default: defaults[k] as never } : s;
  return out;
}
