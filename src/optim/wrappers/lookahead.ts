/** Lookahead: k fast steps of an inner optimizer, then one interpolation step of slow weights. */
import type { Storage } from '../../tensor/dtype.js';
import type { Optimizer } from '../optimizer.js';
import type { OptionSpecs } from '../options.js';
import type { Closure } from '../types.js';
import { copyOf, WrapperOptimizer, wrapperEntry } from './wrapper.js';

export interface LookaheadOptions {
  k: number;
  alpha: number;
}

const specs: OptionSpecs = {
  k: { type: 'integer', default: 5, min: 1, doc: 'synchronization period: inner steps per slow-weight update' },
  alpha: { type: 'number', default: 0.5, min: 0, max: 1, doc: 'slow-weight step size α' },
};

/**
 * **Lookahead** (Zhang, Lucas, Hinton & Ba 2019, "Lookahead Optimizer: k steps forward, 1 step
 * back", algorithm 1). Slow weights φ start at the parameters; every k inner steps:
 *
 * ```
 * φ_t = φ_{t-1} + α (θ_{t,k} - φ_{t-1});    θ_{t+1,0} = φ_t
 * ```
 * Seed 001 §3.2.3 (algorithm 15). By name: `createOptimizer('lookahead', params, { optimizer:
 * 'adam', optimizerOptions: { lr: 1e-3 }, k: 5, alpha: 0.5 })`.
 */
export class Lookahead extends WrapperOptimizer<LookaheadOptions> {
  constructor(inner: Optimizer<object>, options: Partial<LookaheadOptions> = {}) {
    super('lookahead', inner, options, specs);
    this.globalState = { step: 0 };
  }

  override step(closure?: Closure): number | undefined {
    for (const p of this.params()) this.wrapperState(p, () => ({ slow: copyOf(p.data) }));
    const loss = this.inner.step(closure);
    const t = (this.globalState.step as number) + 1;
    this.globalState.step = t;
    if (t % this.defaults.k === 0) {
      const a = this.defaults.alpha;
      for (const p of this.params()) {
        const slow = this.state.get(p)!.slow as Storage;
        const w = p.data;
        for (let i = 0; i < w.length; i++) {
          slow[i] += a * (w[i] - slow[i]);
          w[i] = slow[i];
        }
      }
    }
    return loss;
  }
}

/** The registry entry of `lookahead` (listed in wrappers/catalog.ts). */
export const lookaheadEntry = wrapperEntry(
  'lookahead',
  'Lookahead: k steps of an inner optimizer, then slow weights move α of the way to the fast ones',
  'Zhang et al. 2019 (NeurIPS), alg. 1; seed 001 §3.2.3 alg. 15',
  'every k steps: φ += α(θ - φ);  θ = φ',
  specs,
  (inner, o) => new Lookahead(inner, o as Partial<LookaheadOptions>),
);
