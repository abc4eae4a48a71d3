/**
 * The `Optimizer` base class: binds an update rule to a list of parameter tensors for the
 * familiar `zeroGrad(); loss.backward(); step()` loop, with parameter groups (each with its own
 * options), lazily created per-parameter state, and `stateDict()` / `loadStateDict()` in the
 * `{ tensors, config }` format of docs/ARCHITECTURE.md.
 *
 * A subclass supplies `initState` (the state of one parameter before its first step) and
 * `updateParam` (one step of one parameter, in place on `param.data`, from `param.grad.data`).
 * Methods that need the whole group at once (L-BFGS, SAM, ...) override `stepGroup` or `step`.
 * Optimizer-wide state that is not per parameter goes in `globalState`; both are trees of flat
 * arrays and JSON values ({@link StateValue}) and are serialized automatically.
 */
import { Tensor, peekGrad } from '../tensor/tensor.js';
import { enableGrad } from '../tensor/autograd.js';
import { anomalyDetection, checkFiniteGradients } from '../tensor/anomaly.js';
import type { Storage } from '../tensor/dtype.js';
import { resolveOptions, type OptionSpecs } from './options.js';
import { checkGroupOptions, checkParamState, keepReferenceDtypes } from './state-validation.js';
import type { Closure, JSONValue, OptimizerStateDict, ParamGroup, ParamGroupInput, ParamState, ParamsInput, StateValue } from './types.js';

/** Options every optimizer understands: its own option table plus nothing hidden. */
export type OptionsOf<T> = T extends Optimizer<infer O> ? O : never;

export abstract class Optimizer<O extends object = Record<string, unknown>> {
  /** The registry name of the method (e.g. 'adam'); used in errors and saved in state dicts. */
  readonly name: string;
  /** The options every group starts from (validated, defaults filled in). */
  readonly defaults: Readonly<O>;
  /** Parameter groups: `params` plus every option, resolved. Schedules change `lr` here. */
  paramGroups: ParamGroup<O>[] = [];
  /** Calls of step() so far, for anomaly detection's messages. */
  /** step() calls so far (1-based in messages). */
  protected stepCalls = 0;
  /** Per-parameter state, created on the first step in which the parameter has a gradient. */
  readonly state = new Map<Tensor, ParamState>();
  /** State that belongs to the optimizer as a whole (serialized with the rest). */
  globalState: ParamState = {};
  /** The option table, when the optimizer validates its options (all built-in ones do). */
  readonly optionSpecs?: OptionSpecs;

  /**
   * `params` are tensors or parameter groups; `defaults` are validated against `specs` (and
   * missing ones filled in). Wrappers pass `params = null` and share their inner optimizer's
   * `paramGroups` instead.
   */
  constructor(name: string, params: ParamsInput | null, defaults: Record<string, unknown>, specs?: OptionSpecs) {
    this.name = name;
    this.optionSpecs = specs;
    this.defaults = Object.freeze(
      (specs ? resolveOptions(name, specs, defaults) : { ...defaults }) as O,
    );
    if (params === null) return;
    const groups = normalizeParams(name, params);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Adds a group of parameters with its own option overrides (validated). */
  addParamGroup(group: ParamGroupInput): void {
    if (!group || !Array.isArray(group.params)) {
      throw new TypeError(`${this.name}: a parameter group must be an object with a 'params' array of tensors`);
    }
    group.params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new TypeError(`${this.name}: params[${i}] of group ${this.paramGroups.length} is not a Tensor`);
    });
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of group.params) {
      if (seen.has(p)) throw new Error(`${this.name}: a parameter appears in more than one parameter group`);
      seen.add(p);
    }
    const { params, ...overrides } = group;
    const resolved = this.optionSpecs
      ? resolveOptions(`${this.name} (parameter group ${this.paramGroups.length})`, this.optionSpecs, overrides, { partial: true })
      : overrides;
    const full: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.defaults)) full[k] = Array.isArray(v) ? [...v] : v;
    Object.assign(full, resolved);
    full.params = [...params];
    const err = this.checkGroup(full as ParamGroup<O>);
    if (err) throw new Error(`${this.name}${this.paramGroups.length ? ` (parameter group ${this.paramGroups.length})` : ''}: ${err}`);
    this.paramGroups.push(full as ParamGroup<O>);
  }

  /**
   * Checks that hold between options of one group (e.g. Nesterov needs momentum); returns an
   * error message or null. Runs from the constructor: it must not use subclass fields.
   */
  protected checkGroup(_group: ParamGroup<O>): string | null {
    return null;
  }

  /** All parameters of all groups, in order (the numbering used by state dicts). */
  params(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** Clears every parameter's gradient (sets `.grad` to null, like PyTorch's set_to_none). */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  /**
   * One optimization step. With a closure, the closure is called first (with gradient
   * recording on) to recompute the loss and its gradients; its loss is returned.
   */
  step(closure?: Closure): number | undefined {
    let loss: number | undefined;
    if (closure) loss = evaluateClosure(closure);
    this.stepCalls++;
    if (anomalyDetection) checkFiniteGradients(this.name, this.paramGroups, this.stepCalls);
    for (const group of this.paramGroups) this.stepGroup(group);
    return loss;
  }

  /** Steps every parameter of a group that has a gradient. */
  protected stepGroup(group: ParamGroup<O>): void {
    for (const p of group.params) {
      if (!peekGrad(p)) continue;
      const grad = gradData(p);
      this.updateParam(p.data, grad, this.stateOf(p, group), group, p);
    }
  }

  /** The state of `param`, created with `initState` on first use. */
  protected stateOf(param: Tensor, group: ParamGroup<O>): ParamState {
    let s = this.state.get(param);
    if (!s) {
      s = this.initState(param.data, group, param);
      this.state.set(param, s);
    }
    return s;
  }

  /** The state of one parameter before its first step. */
  protected abstract initState(param: Storage, group: ParamGroup<O>, tensor: Tensor): ParamState;

  /** One step for one parameter: update `param` in place from `grad` (do not modify `grad`). */
  protected abstract updateParam(param: Storage, grad: Storage, state: ParamState, group: ParamGroup<O>, tensor: Tensor): void;

  // ---- serialization ------------------------------------------------------------------------

  /**
   * The optimizer's state: per-parameter and global state arrays as tensors (copied), and a
   * JSON config with the method name, the groups' options (parameters as indices into the
   * flat parameter list) and every scalar of the state.
   */
  stateDict(): OptimizerStateDict {
    const tensors: Record<string, Tensor> = {};
    const index = new Map<Tensor, number>();
    this.params().forEach((p, i) => index.set(p, i));
    const groups: JSONValue[] = this.paramGroups.map((g) => {
      const { params, ...opts } = g as ParamGroup<O> & Record<string, unknown>;
      return { ...(toJSON(opts) as Record<string, JSONValue>), params: params.map((p) => index.get(p)!) };
    });
    const state: Record<string, JSONValue> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      state[String(i)] = encodeState(s, `state.${i}`, tensors);
    }
    const config: JSONValue = {
      name: this.name,
      paramGroups: groups,
      state,
      globalState: encodeState(this.globalState, 'global', tensors),
      ...this.extraConfig(tensors),
    };
    return { tensors, config };
  }

  /**
   * Restores a state dict saved by an optimizer of the same method over parameters of the same
   * sizes in the same groups. Group options (learning rates changed by a schedule...) are
   * restored too. The arrays are copied: the dict can be reused.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const cfg = sd?.config as Record<string, JSONValue> | null;
    if (!cfg || typeof cfg !== 'object' || !Array.isArray(cfg.paramGroups)) {
      throw new Error(`${this.name}.loadStateDict: not an optimizer state dict (expected { tensors, config: { name, paramGroups, state } })`);
    }
    if (cfg.name !== this.name) {
      throw new Error(`${this.name}.loadStateDict: the state dict was saved by optimizer '${String(cfg.name)}', not '${this.name}'`);
    }
    const groups = cfg.paramGroups as Record<string, JSONValue>[];
    if (groups.length !== this.paramGroups.length) {
      throw new Error(`${this.name}.loadStateDict: the state dict has ${groups.length} parameter groups, this optimizer has ${this.paramGroups.length}`);
    }
    const owner = `${this.name}.loadStateDict`;
    groups.forEach((g, gi) => {
      if (g === null || typeof g !== 'object' || !Array.isArray(g.params)) throw new TypeError(`${owner}: parameter group ${gi} must be an object with a 'params' list`);
      const n = (g.params as number[]).length;
      if (n !== this.paramGroups[gi].params.length) {
        throw new Error(`${owner}: parameter group ${gi} has ${n} parameters in the state dict but ${this.paramGroups[gi].params.length} here`);
      }
      checkGroupOptions(owner, gi, g, this.paramGroups[gi] as Record<string, unknown>, this.optionSpecs);
    });
    const params = this.params();
    const tensors = sd.tensors ?? {};
    // Where each parameter sits, and the group options it will step with once loaded.
    const place = new Map<Tensor, { gi: number; pi: number; group: ParamGroup<O> }>();
    this.paramGroups.forEach((g, gi) => {
      const { params: _params, ...saved } = groups[gi];
      const group = { ...g, ...(cloneJSON(saved as JSONValue) as object) } as ParamGroup<O>;
      g.params.forEach((p, pi) => place.set(p, { gi, pi, group }));
    });
    const newState = new Map<Tensor, ParamState>();
    const stateEntries = cfg.state ?? {};
    if (typeof stateEntries !== 'object' || Array.isArray(stateEntries)) throw new TypeError(`${owner}: 'state' must be an object keyed by parameter index`);
    for (const [key, enc] of Object.entries(stateEntries as Record<string, JSONValue>)) {
      const p = /^\d+$/.test(key) ? params[Number(key)] : undefined;
      if (!p) throw new Error(`${owner}: state for parameter ${key}, but there are only ${params.length} parameters (indices 0 to ${params.length - 1})`);
      const at = place.get(p)!;
      let reference: ParamState = {};
      try {
        reference = this.initState(p.data, at.group, p);
      } catch {
        // no reference: the saved state is taken as it is
      }
      checkParamState(`${owner}: parameter ${key} (group ${at.gi}, parameter ${at.pi}, shape [${p.shape.join(', ')}])`, enc, reference, tensors, p.data.length);
      const decoded = decodeState(enc, tensors, p.data, owner) as ParamState;
      keepReferenceDtypes(decoded, reference, enc, tensors);
      newState.set(p, decoded);
    }
    groups.forEach((g, gi) => {
      const target = this.paramGroups[gi] as Record<string, unknown>;
      for (const [k, v] of Object.entries(g)) {
        if (k === 'params') continue;
        target[k] = cloneJSON(v);
      }
    });
    this.state.clear();
    for (const [p, s] of newState) this.state.set(p, s);
    this.globalState = (cfg.globalState ? decodeState(cfg.globalState, tensors, null, `${this.name}.loadStateDict`) : {}) as ParamState;
    this.loadExtraConfig(cfg, tensors);
  }

  /** Extra config entries a subclass saves (wrappers save their inner optimizer here). */
  protected extraConfig(_tensors: Record<string, Tensor>): Record<string, JSONValue> {
    return {};
  }

  /** Restores what {@link extraConfig} saved. */
  protected loadExtraConfig(_config: Record<string, JSONValue>, _tensors: Record<string, Tensor>): void {}
}

// ---- helpers ------------------------------------------------------------------------------

function normalizeParams(name: string, params: ParamsInput): ParamGroupInput[] {
  if (!Array.isArray(params)) {
    throw new TypeError(`${name}: params must be an array of tensors or of parameter groups ({ params: Tensor[], ...options })`);
  }
  if (params.length === 0) throw new Error(`${name}: got an empty parameter list`);
  if (params.every((p) => p instanceof Tensor)) return [{ params: params as Tensor[] }];
  if (params.every((p) => !(p instanceof Tensor) && typeof p === 'object' && p !== null)) return params as ParamGroupInput[];
  throw new TypeError(`${name}: params must be all tensors or all parameter groups, not a mix`);
}

/** The gradient's storage in the parameter's dtype. */
export function gradData(p: Tensor): Storage {
  const g = peekGrad(p)!.data;
  if (g.length !== p.data.length) {
    throw new RangeError(`optimizer: gradient of a parameter has ${g.length} elements, the parameter ${p.data.length}`);
  }
  if (g.constructor === p.data.constructor) return g;
  return p.data instanceof Float64Array ? Float64Array.from(g) : Float32Array.from(g);
}

/** Calls a closure with gradient recording on and returns its loss as a number. */
export function evaluateClosure(closure: Closure): number {
  const out = enableGrad(closure);
  if (typeof out === 'number') return out;
  if (out instanceof Tensor) return out.item();
  throw new TypeError('optimizer: the closure must return the loss (a Tensor or a number)');
}

function isStorage(v: unknown): v is Storage {
  return v instanceof Float32Array || v instanceof Float64Array;
}

function toJSON(v: unknown): JSONValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return encodeNumber(v);
  if (Array.isArray(v)) return v.map(toJSON);
  if (isStorage(v)) return Array.from(v, encodeNumber);
  if (typeof v === 'object') {
    const out: Record<string, JSONValue> = {};
    for (const [k, x] of Object.entries(v as object)) if (x !== undefined && typeof x !== 'function') out[k] = toJSON(x);
    return out;
  }
  return null;
}

/** Non-finite numbers are not JSON: they are written as {"$number": "Infinity"} and back. */
function encodeNumber(x: number): JSONValue {
  return Number.isFinite(x) ? x : { $number: String(x) };
}

function cloneJSON(v: JSONValue): unknown {
  if (Array.isArray(v)) return v.map(cloneJSON);
  if (v && typeof v === 'object') {
    if ('$number' in v && Object.keys(v).length === 1) return Number(v.$number);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = cloneJSON(x);
    return out;
  }
  return v;
}

/**
 * Encodes a state tree: arrays become tensors in `tensors` under `prefix.path` and are
 * referenced as {"$tensor": key}; numbers and other scalars stay inline.
 */
export function encodeState(v: StateValue, prefix: string, tensors: Record<string, Tensor>): JSONValue {
  if (isStorage(v)) {
    const copy = v instanceof Float64Array ? new Float64Array(v) : new Float32Array(v);
    tensors[prefix] = new Tensor(copy, [copy.length]);
    return { $tensor: prefix };
  }
  if (typeof v === 'number') return encodeNumber(v);
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x, i) => encodeState(x, `${prefix}.${i}`, tensors));
  const out: Record<string, JSONValue> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = encodeState(x, `${prefix}.${k}`, tensors);
  return out;
}

/**
 * Decodes what {@link encodeState} wrote. Arrays are copied into the dtype of `like` (the
 * parameter they belong to) when given, else they keep the saved tensor's dtype.
 */
export function decodeState(v: JSONValue, tensors: Record<string, Tensor>, like: Storage | null, owner: string): StateValue {
  if (Array.isArray(v)) return v.map((x) => decodeState(x, tensors, like, owner));
  if (v && typeof v === 'object') {
    if (typeof v.$tensor === 'string' && Object.keys(v).length === 1) {
      const t = tensors[v.$tensor];
      if (!t) throw new Error(`${owner}: the state dict refers to tensor '${v.$tensor}', which is missing from its tensors`);
      const src = t.data;
      if (like instanceof Float64Array) return Float64Array.from(src);
      if (like instanceof Float32Array) return Float32Array.from(src);
      return src instanceof Float64Array ? new Float64Array(src) : new Float32Array(src);
    }
    if (typeof v.$number === 'string' && Object.keys(v).length === 1) return Number(v.$number);
    const out: Record<string, StateValue> = {};
    for (const [k, x] of Object.entries(v)) out[k] = decodeState(x, tensors, like, owner);
    return out;
  }
  return v;
}

/** Allocates a zero-filled array of the parameter's dtype and length. */
export function zerosLikeStorage(p: Storage, value = 0): Storage {
  const out = p instanceof Float64Array ? new Float64Array(p.length) : new Float32Array(p.length);
  if (value !== 0) out.fill(value);
  return out;
}
