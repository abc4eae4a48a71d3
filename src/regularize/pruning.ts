/**
 * Magnitude pruning (Han et al. 2015; the lottery-ticket experiments of Frankle and Carbin
 * 2019): remove the weights of smallest |w|, globally over the chosen parameters or the same
 * fraction in each, and keep them removed while training continues.
 *
 * ```ts
 * let mask = magnitudePrune(model, { amount: 0.2 });            // the 20 % smallest weights, globally
 * applyMask(mask);                                               // set them to 0
 * const release = maskOptimizer(optimizer, mask);                // they stay 0 through every step
 * mask = magnitudePrune(model, { amount: 0.2, mask });           // a further 20 % of the survivors
 * release();                                                     // the optimizer steps unmasked again
 * ```
 *
 * A mask holds one 0/1 byte per element for each pruned tensor; tensors it does not list are
 * not pruned. The default selection is the weights (no biases, no normalization parameters),
 * as {@link selectParameters} chooses them.
 */
import type { Optimizer } from '../optim/optimizer.js';
import type { Closure } from '../optim/types.js';
import { Tensor } from '../tensor/index.js';
import type { Storage } from '../tensor/dtype.js';
import { selectParameters, type ParamSource, type SelectOptions } from './select.js';

/** Per pruned tensor, 1 where the weight is kept and 0 where it is pruned (same length as the tensor). */
export type PruningMask = Map<Tensor, Uint8Array>;

export interface MagnitudePruneOptions extends SelectOptions {
  /** The fraction of the still-unpruned weights to remove, in [0, 1]. */
  amount: number;
  /** 'global' (default): one threshold over every selected tensor; 'layer': `amount` of each tensor. */
  scope?: 'global' | 'layer';
  /** An earlier mask: its pruned weights stay pruned and `amount` is a fraction of its survivors. */
  mask?: PruningMask;
}

/** The surviving elements' |w| of one tensor under `keep` (all when there is no mask). */
function survivors(data: Storage, keep: Uint8Array | undefined): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) if (!keep || keep[i]) out.push(Math.abs(data[i]));
  return out;
}

/**
 * Prunes `count` survivors of each listed tensor (or, with `global`, `count` over all of them)
 * in ascending |w|; ties broken by order, so exactly that many go.
 */
function pruneSmallest(entries: { t: Tensor; keep: Uint8Array }[], count: number): void {
  const all: { e: number; i: number; a: number }[] = [];
  entries.forEach(({ t, keep }, e) => {
    for (let i = 0; i < t.data.length; i++) if (keep[i]) all.push({ e, i, a: Math.abs(t.data[i]) });
  });
  all.sort((x, y) => x.a - y.a || x.e - y.e || x.i - y.i);
  for (let k = 0; k < count && k < all.length; k++) entries[all[k].e].keep[all[k].i] = 0;
}

/**
 * A new mask that removes `amount` of the surviving selected weights with the smallest |w|
 * (rounded to the nearest whole weight), on top of `options.mask` when given. The weights
 * themselves are not changed: {@link applyMask} zeroes them.
 */
export function magnitudePrune(model: ParamSource, options: MagnitudePruneOptions): PruningMask {
  const { amount, scope = 'global', mask } = options ?? ({} as MagnitudePruneOptions);
  if (typeof amount !== 'number' || !(amount >= 0 && amount <= 1)) throw new RangeError(`magnitudePrune: amount must be a fraction in [0, 1], got ${String(amount)}`);
  if (scope !== 'global' && scope !== 'layer') throw new TypeError(`magnitudePrune: scope must be 'global' or 'layer', got ${String(scope)}`);
  const params = selectParameters(model, options.select, 'magnitudePrune');
  if (params.length === 0) throw new Error('magnitudePrune: no parameters selected (the default selects weights: tensors of 2+ dimensions not named bias)');
  const entries = params.map(([name, t]) => {
    const old = mask?.get(t);
    if (old && old.length !== t.data.length) throw new Error(`magnitudePrune: the mask for ${name} has ${old.length} elements, the tensor ${t.data.length}`);
    return { t, keep: old ? Uint8Array.from(old) : new Uint8Array(t.data.length).fill(1) };
  });
  if (scope === 'global') {
    const alive = entries.reduce((s, { t, keep }) => s + survivors(t.data, keep).length, 0);
    pruneSmallest(entries, Math.round(amount * alive));
  } else {
    for (const e of entries) pruneSmallest([e], Math.round(amount * survivors(e.t.data, e.keep).length));
  }
  const out: PruningMask = new Map(mask ?? []);
  for (const { t, keep } of entries) out.set(t, keep);
  return out;
}

/** Sets every pruned weight to 0, in place. */
export function applyMask(mask: PruningMask): void {
  for (const [t, keep] of mask) {
    const d = t.data;
    for (let i = 0; i < d.length; i++) if (!keep[i]) d[i] = 0;
  }
}

/** The fraction of the masked tensors' elements still kept (1 for an empty mask). */
export function maskDensity(mask: PruningMask): number {
  let kept = 0;
  let total = 0;
  for (const keep of mask.values()) {
    total += keep.length;
    for (const k of keep) kept += k;
  }
  return total === 0 ? 1 : kept / total;
}

/** Replaces `t.grad` by a copy with the pruned elements set to 0 (the caller's tensor is not touched). */
function maskGradient(t: Tensor, keep: Uint8Array): void {
  if (!t.grad) return;
  const g = t.grad.data;
  const copy = g instanceof Float64Array ? new Float64Array(g) : new Float32Array(g);
  for (let i = 0; i < copy.length; i++) if (!keep[i]) copy[i] = 0;
  t.grad = new Tensor(copy, t.grad.shape);
}

/**
 * Zeroes the pruned elements of every per-element array in an optimizer state: arrays of the
 * tensor's length (momentum, second moments) and of a multiple of it (AdaShift's queue of n
 * gradients, one slot after another).
 */
function maskState(value: unknown, keep: Uint8Array): void {
  if (value instanceof Float32Array || value instanceof Float64Array) {
    const n = keep.length;
    if (n === 0 || value.length % n !== 0) return;
    for (let j = 0; j < value.length; j++) if (!keep[j % n]) value[j] = 0;
  } else if (Array.isArray(value)) for (const v of value) maskState(v, keep);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) maskState(v, keep);
}

/**
 * Makes `optimizer` respect `mask` until the returned function is called: before each step the
 * pruned elements' gradients are set to 0 (after the closure, when one is given), and after it
 * the pruned weights and their per-element state (momentum buffers, moments) are set to 0, so a
 * pruned weight stays exactly 0 and carries no momentum. Wraps the instance's `step`; the
 * returned function restores it (a pruned weight's state then restarts from 0).
 */
export function maskOptimizer(optimizer: Optimizer<object>, mask: PruningMask): () => void {
  const original = optimizer.step;
  const maskAll = (): void => {
    for (const [t, keep] of mask) maskGradient(t, keep);
  };
  optimizer.step = function maskedStep(this: Optimizer<object>, closure?: Closure) {
    if (!closure) maskAll();
    const loss = original.call(this, closure ? () => {
      const l = closure();
      maskAll();
      return l;
    } : undefined);
    applyMask(mask);
    for (const [t, keep] of mask) {
      const s = this.state.get(t);
      if (s) maskState(s, keep);
    }
    return loss;
  };
  return () => {
    optimizer.step = original;
  };
}

/** A copy of the selected parameters' values, for {@link rewindWeights} (the lottery ticket's θ_0). */
export function snapshotWeights(model: ParamSource, options: SelectOptions = {}): Map<Tensor, Storage> {
  const out = new Map<Tensor, Storage>();
  for (const [, t] of selectParameters(model, options.select ?? 'all', 'snapshotWeights')) out.set(t, t.data.slice());
  return out;
}

/** Copies the snapshot back into its tensors (in place), then zeroes what `mask` prunes when given. */
export function rewindWeights(snapshot: Map<Tensor, Storage>, mask?: PruningMask): void {
  for (const [t, data] of snapshot) {
    if (data.length !== t.data.length) throw new Error(`rewindWeights: the snapshot has ${data.length} elements for a tensor of ${t.data.length}`);
    t.data.set(data);
  }
  if (mask) applyMask(mask);
}
