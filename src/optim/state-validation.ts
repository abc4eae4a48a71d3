/**
 * Checks a state dict before {@link Optimizer.loadStateDict} uses it, so bad state is refused at
 * load, naming the group, the parameter and the field, instead of surfacing steps later as NaN
 * or an out-of-bounds offset: group options of the wrong type or range or unknown to the
 * optimizer, step counters that are not non-negative integers, and per-parameter arrays whose
 * length does not fit the parameter they are loaded for (state saved for another model).
 *
 * The reference for a parameter's state is the state the optimizer would create for it now
 * (`initState`): each array it holds fixes the saved array's length and dtype. A field it leaves
 * null is a buffer created on first use (SGD's momentum buffer): every built-in optimizer's is
 * one value per element of the parameter, so that is the length a saved one must have.
 */
import type { Tensor } from '../tensor/tensor.js';
import { checkOption, type OptionSpecs } from './options.js';
import type { JSONValue, ParamState, StateValue } from './types.js';

type Json = JSONValue;

function isStorage(v: unknown): v is Tensor['data'] {
  return v instanceof Float32Array || v instanceof Float64Array || v instanceof Int32Array || v instanceof Uint8Array || v instanceof Uint8ClampedArray;
}

function tensorRef(v: Json | undefined): string | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.$tensor === 'string' && Object.keys(v).length === 1 ? v.$tensor : null;
}

function show(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** A saved non-finite number ({ $number: 'Infinity' }) as the number it stands for. */
function asNumber(v: Json): number | null {
  if (typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.$number === 'string' && Object.keys(v).length === 1) return Number(v.$number);
  return null;
}

/**
 * Checks the saved options of parameter group `gi` against the group they are loaded into:
 * every key must be one the group has, with a value its option spec accepts (or, for keys
 * without a spec, of the same kind as the current value).
 */
export function checkGroupOptions(owner: string, gi: number, saved: Record<string, Json>, current: Record<string, unknown>, specs: OptionSpecs | undefined): void {
  const where = `${owner}: parameter group ${gi}`;
  const valid = Object.keys(current).filter((k) => k !== 'params');
  for (const [key, value] of Object.entries(saved)) {
    if (key === 'params') continue;
    if (!(key in current)) {
      throw new Error(`${where}: unknown option '${key}' in the state dict; this optimizer's group options are ${valid.join(', ') || '(none)'}`);
    }
    const spec = specs?.[key];
    const num = asNumber(value);
    if (spec) {
      const err = checkOption(`${where}`, key, num ?? value, spec);
      if (err) throw new TypeError(`${err} (in the state dict)`);
      continue;
    }
    const now = current[key];
    const nowKind = kindOf(now);
    const savedKind = num !== null ? 'number' : kindOf(value);
    if (now !== undefined && now !== null && value !== null && nowKind !== savedKind) {
      throw new TypeError(`${where}: option '${key}' must be a ${nowKind} like the optimizer's ${show(now)}, got ${show(value)} in the state dict`);
    }
  }
}

/**
 * Checks the saved state of one parameter (`where` names it) against `reference`, the state the
 * optimizer would create for it, and the saved tensors.
 */
export function checkParamState(where: string, saved: Json, reference: ParamState, tensors: Record<string, Tensor>, numel: number): void {
  if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) {
    throw new TypeError(`${where}: the state must be an object of fields, got ${show(saved)}`);
  }
  for (const [key, value] of Object.entries(saved)) checkField(`${where}, field '${key}'`, key, value, reference[key], tensors, numel);
}

function checkField(where: string, key: string, value: Json, reference: StateValue | undefined, tensors: Record<string, Tensor>, numel: number): void {
  const ref = tensorRef(value);
  if (ref !== null) {
    const t = tensors[ref];
    if (!t) throw new Error(`${where}: refers to tensor '${ref}', which is missing from the state dict's tensors`);
    if (isStorage(reference) && t.data.length !== reference.length) {
      throw new RangeError(`${where}: holds ${t.data.length} values, expected ${reference.length} for this parameter (state saved for a parameter of another size?)`);
    }
    // null: a buffer the optimizer creates on first use, one value per element of the parameter.
    if (reference === null && t.data.length !== numel) {
      throw new RangeError(`${where}: holds ${t.data.length} values, expected ${numel} (one per element of the parameter; state saved for a parameter of another size?)`);
    }
    if (reference !== undefined && reference !== null && !isStorage(reference)) throw new TypeError(`${where}: is an array, expected a ${kindOf(reference)} like ${show(reference)}`);
    return;
  }
  if (isStorage(reference)) throw new TypeError(`${where}: expected an array of ${reference.length} values, got ${show(value)}`);
  const num = asNumber(value);
  if (key === 'step' && num !== null) {
    if (!Number.isInteger(num) || num < 0) throw new RangeError(`${where}: a step count must be a non-negative integer, got ${show(value)}`);
    return;
  }
  if (reference === undefined || reference === null || value === null) return;
  if (typeof reference === 'number') {
    if (num === null) throw new TypeError(`${where}: expected a number, got ${show(value)}`);
    return;
  }
  if (typeof reference === 'boolean' || typeof reference === 'string') {
    if (typeof value !== typeof reference) throw new TypeError(`${where}: expected a ${typeof reference}, got ${show(value)}`);
    return;
  }
  if (Array.isArray(reference)) {
    if (!Array.isArray(value)) throw new TypeError(`${where}: expected a list, got ${show(value)}`);
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${where}: expected an object of fields, got ${show(value)}`);
  for (const [k, v] of Object.entries(value)) checkField(`${where}.${k}`, k, v, (reference as Record<string, StateValue>)[k], tensors, numel);
}

/**
 * Gives each decoded array the dtype of its reference: decoding copies arrays into the
 * parameter's dtype, but state kept in float64 beside a float32 parameter (a running sum) must
 * come back as saved, or a resumed run would round differently from an uninterrupted one.
 */
export function keepReferenceDtypes(decoded: ParamState, reference: ParamState, saved: Json, tensors: Record<string, Tensor>): void {
  if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) return;
  for (const [key, ref] of Object.entries(reference)) {
    const name = tensorRef(saved[key]);
    const t = name === null ? undefined : tensors[name];
    if (ref instanceof Float64Array && t && !(decoded[key] instanceof Float64Array)) decoded[key] = Float64Array.from(t.data);
    else if (ref !== null && typeof ref === 'object' && !isStorage(ref) && !Array.isArray(ref)) {
      const d = decoded[key];
      if (d !== null && typeof d === 'object' && !isStorage(d) && !Array.isArray(d)) keepReferenceDtypes(d, ref, saved[key], tensors);
    }
  }
}
