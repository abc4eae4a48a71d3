/**
 * The base of optimizer wrappers (Lookahead, SWA, EMA, SAM, gradient noise): an optimizer that
 * holds an inner optimizer, shares its parameter groups (so schedules that change `lr` reach
 * the inner optimizer) and nests the inner state dict in its own.
 */
import type { Storage } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { Optimizer } from '../optimizer.js';
import type { OptionSpec, OptionSpecs } from '../options.js';
import type { OptimizerEntry } from '../registry.js';
import type { JSONValue, ParamGroup, ParamState, ParamsInput } from '../types.js';

export abstract class WrapperOptimizer<O extends object = Record<string, unknown>> extends Optimizer<O> {
  /** The wrapped optimizer; it does the actual update. */
  readonly inner: Optimizer<object>;

  constructor(name: string, inner: Optimizer<object>, options: Record<string, unknown>, specs: OptionSpecs) {
    super(name, null, options, specs);
    if (!(inner instanceof Optimizer)) throw new TypeError(`${name}: the first argument must be the optimizer to wrap`);
    this.inner = inner;
    this.paramGroups = inner.paramGroups as unknown as ParamGroup<O>[];
  }

  /** Wrappers do not step parameters one by one; their `step` drives the inner optimizer. */
  protected initState(): ParamState {
    return {};
  }
  protected updateParam(): void {
    throw new Error(`${this.name}: updateParam is not used by wrappers`);
  }

  override addParamGroup(group: { params: Tensor[] } & Record<string, unknown>): void {
    if (!this.inner) return; // during construction
    this.inner.addParamGroup(group);
  }

  protected override extraConfig(tensors: Record<string, Tensor>): Record<string, JSONValue> {
    const sd = this.inner.stateDict();
    for (const [k, t] of Object.entries(sd.tensors)) tensors[`inner.${k}`] = t;
    return { inner: sd.config };
  }

  protected override loadExtraConfig(config: Record<string, JSONValue>, tensors: Record<string, Tensor>): void {
    const innerTensors: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(tensors)) if (k.startsWith('inner.')) innerTensors[k.slice(6)] = t;
    this.inner.loadStateDict({ tensors: innerTensors, config: config.inner });
  }

  /** The per-parameter state of this wrapper, created with `make` on first use. */
  protected wrapperState(p: Tensor, make: () => ParamState): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = make();
      this.state.set(p, s);
    }
    return s;
  }
}

/** A copy of a parameter's elements. */
export function copyOf(p: Storage): Storage {
  return p instanceof Float64Array ? new Float64Array(p) : new Float32Array(p);
}

/** Options every wrapper takes when built by name: the inner optimizer and its options. */
export const innerSpecs: Record<string, OptionSpec> = {
  optimizer: { type: 'string', default: 'sgd', doc: 'registry name of the wrapped (inner) optimizer' },
  optimizerOptions: { type: 'object', default: {}, doc: 'options of the inner optimizer, e.g. { "lr": 0.1 }' },
};

/** Builds the wrapped optimizer of a wrapper entry by name (the registry's `createOptimizer`). */
export type BuildOptimizer = (name: string, params: ParamsInput, options: Record<string, unknown>) => Optimizer<object>;

/**
 * The registry entry of a wrapper: `createOptimizer(name, params, { optimizer: 'adam',
 * optimizerOptions: {...}, ...own })` builds the inner optimizer by name, then `make(inner,
 * own)`. A wrapper is as adaptive as what it wraps: `isAdaptiveOptimizer` follows `optimizer`.
 */
export function wrapperEntry(
  name: string,
  doc: string,
  source: string,
  formula: string,
  specs: OptionSpecs,
  make: (inner: Optimizer<object>, options: Record<string, unknown>) => Optimizer<object>,
): OptimizerEntry {
  return {
    name,
    doc,
    source,
    formula,
    adaptive: false,
    wrapper: true,
    options: { ...innerSpecs, ...specs },
    create(params: ParamsInput, options: Record<string, unknown>, build?: BuildOptimizer) {
      if (!build) throw new Error(`${name}: build it with createOptimizer('${name}', ...), which builds the inner optimizer by name`);
      const { optimizer, optimizerOptions, ...own } = options;
      return make(build(optimizer as string, params, optimizerOptions as Record<string, unknown>), own);
    },
  };
}
