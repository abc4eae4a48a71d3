/**
 * `defineOptimizer`: turns a transform and an option table into an optimizer class and a
 * registry entry, so each built-in method is a few lines of composition plus its docs.
 */
import type { OptionSpecs } from './options.js';
import { registerOptimizer } from './registry.js';
import { TransformOptimizer, type Hyper, type Transform } from './transform.js';
import type { ParamGroup, ParamsInput } from './types.js';

export interface OptimizerDefinition {
  /** Registry name (lower case). */
  name: string;
  /** One-line description. */
  doc: string;
  /** Paper, year; seed section. */
  source: string;
  /** The update rule in one line. */
  formula: string;
  options: OptionSpecs;
  transform: Transform;
  /** Checks between options of one group; returns an error message or null. */
  checkGroup?: (group: Hyper) => string | null;
  /** Extra registry names that build the same optimizer with some defaults changed. */
  aliases?: { name: string; doc: string; defaults: Record<string, unknown> }[];
}

/** A constructor of a built-in optimizer: `new Adam(params, { lr: 1e-3 })`. */
export type OptimizerClass<O extends object> = new (params: ParamsInput, options?: Partial<O>) => TransformOptimizer<O>;

/** Builds the class for `def` and registers it (and its aliases) by name. */
export function defineOptimizer<O extends object>(def: OptimizerDefinition): OptimizerClass<O> {
  const cls = class extends TransformOptimizer<O> {
    constructor(params: ParamsInput, options: Partial<O> = {}) {
      super(def.name, params, options as Record<string, unknown>, def.transform, def.options);
    }
    protected override checkGroup(group: ParamGroup<O>): string | null {
      return def.checkGroup ? def.checkGroup(group as Hyper) : null;
    }
  };
  Object.defineProperty(cls, 'name', { value: def.name });
  registerOptimizer({
    name: def.name,
    doc: def.doc,
    source: def.source,
    formula: def.formula,
    options: def.options,
    create: (params, options) => new cls(params, options as Partial<O>),
  });
  for (const alias of def.aliases ?? []) {
    const specs: Record<string, (typeof def.options)[string]> = {};
    for (const [k, s] of Object.entries(def.options)) {
      specs[k] = k in alias.defaults ? { ...s, default: alias.defaults[k] as never } : s;
    }
    registerOptimizer({
      name: alias.name,
      doc: alias.doc,
      source: def.source,
      formula: def.formula,
      options: specs,
      create: (params, options) => new cls(params, options as Partial<O>),
    });
  }
  return cls;
}
