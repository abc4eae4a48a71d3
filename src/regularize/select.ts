/**
 * Choosing the parameters a regularizer acts on. By default a penalty, a constraint or weight
 * decay acts on the *weights* only: not on biases, and not on the scale and shift of
 * normalization layers (BatchNorm, LayerNorm, GroupNorm, InstanceNorm), following the survey
 * (000 §3.2.1: "L2 regularization has no effect on the bias; usually only the weights are
 * penalized") and common practice. Other choices:
 *
 * - `'all'`: every parameter;
 * - a name pattern: a RegExp tested against the dotted name (`/^fc\d\.weight$/`), or a glob
 *   string where `*` matches anything (`'*.weight'`, `'encoder.*'`);
 * - a predicate over named parameters `(name, param, owner) => boolean`, where `owner` is the
 *   module that holds the parameter directly;
 * - `{ include, exclude }`, both of the above kinds (include defaults to the weights).
 */
import { BatchNorm1d, BatchNorm2d, GroupNorm, InstanceNorm2d, LayerNorm, Module } from '../nn/index.js';
import { Tensor } from '../tensor/index.js';

/** A predicate over a named parameter and the module holding it. */
export type ParamPredicate = (name: string, param: Tensor, owner: Module | null) => boolean;

export type ParamPattern = 'weights' | 'all' | string | RegExp | ParamPredicate;

export type ParamSelector = ParamPattern | { include?: ParamPattern; exclude?: ParamPattern };

/** Something parameters can be taken from: a model, a list of tensors, or named tensors. */
export type ParamSource = Module | readonly Tensor[] | readonly (readonly [string, Tensor])[];

export interface SelectOptions {
  /** Which parameters (default 'weights': no biases, no normalization parameters). */
  select?: ParamSelector;
}

const NORM_TYPES = [BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm, InstanceNorm2d];

/** Whether `m` is a normalization layer (its parameters are not weights to decay). */
export function isNormalization(m: Module | null): boolean {
  return m !== null && NORM_TYPES.some((T) => m instanceof T);
}

/**
 * The default 'weights' rule: a parameter of at least two dimensions (a matrix or a kernel),
 * not named `bias`, not held by a normalization layer.
 */
export const isWeight: ParamPredicate = (name, p, owner) => {
  const last = name.split('.').pop() ?? name;
  return p.ndim >= 2 && !/bias/i.test(last) && !isNormalization(owner);
};

function globToRegExp(glob: string): RegExp {
  const body = glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`);
}

function toPredicate(p: ParamPattern, op: string): ParamPredicate {
  if (p === 'weights') return isWeight;
  if (p === 'all') return () => true;
  if (p instanceof RegExp) return (name) => { p.lastIndex = 0; return p.test(name); };
  if (typeof p === 'string') {
    const re = globToRegExp(p);
    return (name) => re.test(name);
  }
  if (typeof p === 'function') return p;
  throw new TypeError(`${op}: select must be 'weights', 'all', a name pattern (RegExp or glob string), a predicate (name, param, owner) => boolean, or { include, exclude }; got ${String(p)}`);
}

/** Turns a selector into one predicate. */
export function selectorPredicate(select: ParamSelector | undefined, op = 'select'): ParamPredicate {
  if (select === undefined) return isWeight;
  if (typeof select === 'object' && !(select instanceof RegExp)) {
    const inc = toPredicate(select.include ?? 'weights', op);
    const exc = select.exclude === undefined ? null : toPredicate(select.exclude, op);
    return (n, p, o) => inc(n, p, o) && !(exc && exc(n, p, o));
  }
  return toPredicate(select, op);
}

/** Every parameter of `source` with its dotted name and owning module (shared tensors once). */
export function namedParametersWithOwner(source: ParamSource, op = 'select'): [string, Tensor, Module | null][] {
  if (source instanceof Module) {
    const out: [string, Tensor, Module | null][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of source.namedModules()) {
      for (const [name, t] of m.namedParameters({ recurse: false })) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([prefix ? `${prefix}.${name}` : name, t, m]);
      }
    }
    return out;
  }
  if (!Array.isArray(source)) throw new TypeError(`${op}: expected a Module, an array of tensors or an array of [name, tensor] pairs`);
  return (source as readonly (Tensor | readonly [string, Tensor])[]).map((e, i) => {
    if (e instanceof Tensor) return [e.name ?? String(i), e, null];
    if (Array.isArray(e) && typeof e[0] === 'string' && e[1] instanceof Tensor) return [e[0], e[1], null];
    throw new TypeError(`${op}: element ${i} is neither a Tensor nor a [name, Tensor] pair`);
  });
}

/**
 * The parameters of `source` chosen by `select` (default: the weights), as [name, tensor]
 * pairs in the model's order. A bare tensor list has no names or owners: the 'weights' rule
 * then looks at the dimension only (matrices and kernels, not vectors).
 */
export function selectParameters(source: ParamSource, select?: ParamSelector, op = 'selectParameters'): [string, Tensor][] {
  const pred = selectorPredicate(select, op);
  return namedParametersWithOwner(source, op)
    .filter(([n, p, o]) => pred(n, p, o))
    .map(([n, p]) => [n, p] as [string, Tensor]);
}

/**
 * Optimizer parameter groups that apply the optimizer's `weightDecay` only to the selected
 * parameters (default: the weights) and 0 to the others (biases, normalization parameters):
 * `createOptimizer('adamw', weightDecayGroups(model, 0.01), { lr: 1e-3 })`.
 */
export function weightDecayGroups(model: Module, weightDecay: number, options: SelectOptions = {}): { params: Tensor[]; weightDecay: number }[] {
  if (typeof weightDecay !== 'number' || !(weightDecay >= 0) || !Number.isFinite(weightDecay)) {
    throw new RangeError(`weightDecayGroups: weightDecay must be >= 0, got ${weightDecay}`);
  }
  const pred = selectorPredicate(options.select, 'weightDecayGroups');
  const decay: Tensor[] = [];
  const rest: Tensor[] = [];
  for (const [n, p, o] of namedParametersWithOwner(model, 'weightDecayGroups')) (pred(n, p, o) ? decay : rest).push(p);
  const groups = [{ params: decay, weightDecay }];
  if (rest.length) groups.push({ params: rest, weightDecay: 0 });
  return groups.filter((g) => g.params.length > 0);
}
