/** SAM: sharpness-aware minimization (the gradient at the worst nearby point within radius ρ). */
import type { Storage } from '../../tensor/dtype.js';
import { peekGrad } from '../../tensor/tensor.js';
import { evaluateClosure, gradData, type Optimizer } from '../optimizer.js';
import type { OptionSpecs } from '../options.js';
import type { Closure } from '../types.js';
import { WrapperOptimizer, wrapperEntry } from './wrapper.js';

export interface SAMOptions {
  rho: number;
  adaptive: boolean;
}

const specs: OptionSpecs = {
  rho: { type: 'number', default: 0.05, min: 0, doc: 'neighbourhood radius ρ' },
  adaptive: { type: 'boolean', default: false, doc: 'ASAM: scale the perturbation by |θ| (Kwon et al. 2021)' },
};

/**
 * **SAM** (Foret, Kleiner, Mobahi & Neyshabur 2021, "Sharpness-Aware Minimization for
 * Efficiently Improving Generalization", algorithm 1, p = 2), optionally adaptive
 * (**ASAM**, Kwon et al. 2021, T_θ = |θ|):
 *
 * ```
 * g = ∇L(θ);   ε̂ = ρ g / ‖g‖₂                  (ASAM: ε̂ = ρ T² g / ‖T g‖₂)
 * θ ← inner step with the gradient ∇L(θ + ε̂)
 * ```
 * ‖·‖ is over all parameters together. `step(closure)` needs a closure that recomputes the
 * loss and calls `backward()`; it is called twice per step (at θ and at θ + ε̂), gradients are
 * cleared before each call, and the loss at θ is returned.
 */
export class SAM extends WrapperOptimizer<SAMOptions> {
  constructor(inner: Optimizer<object>, options: Partial<SAMOptions> = {}) {
    super('sam', inner, options, specs);
    this.globalState = { step: 0 };
  }

  override step(closure?: Closure): number | undefined {
    if (!closure) {
      throw new Error('sam: step() needs a closure that recomputes the loss and calls backward() (SAM evaluates the gradient twice per step)');
    }
    const params = this.params();
    this.zeroGrad();
    const loss = evaluateClosure(closure);
    const { rho, adaptive } = this.defaults;
    let sq = 0;
    for (const p of params) {
      if (!peekGrad(p)) continue;
      const g = gradData(p);
      const w = p.data;
      for (let i = 0; i < g.length; i++) {
        const x = adaptive ? Math.abs(w[i]) * g[i] : g[i];
        sq += x * x;
      }
    }
    const scale = rho / (Math.sqrt(sq) + 1e-12);
    const perturb = new Map<typeof params[number], Float64Array>();
    for (const p of params) {
      if (!peekGrad(p)) continue;
      const g = gradData(p);
      const w = p.data;
      const e = new Float64Array(g.length);
      for (let i = 0; i < g.length; i++) {
        e[i] = scale * (adaptive ? w[i] * w[i] : 1) * g[i];
        w[i] += e[i];
      }
      perturb.set(p, e);
    }
    this.zeroGrad();
    evaluateClosure(closure);
    for (const [p, e] of perturb) {
      const w: Storage = p.data;
      for (let i = 0; i < w.length; i++) w[i] -= e[i];
    }
    this.inner.step();
    this.globalState.step = (this.globalState.step as number) + 1;
    return loss;
  }
}

/** The registry entry of `sam` (listed in wrappers/catalog.ts). */
export const samEntry = wrapperEntry(
  'sam',
  'SAM: sharpness-aware minimization; the inner optimizer steps with the gradient at θ + ρ g/‖g‖ (needs a closure)',
  'Foret et al. 2021 (ICLR), alg. 1; ASAM: Kwon et al. 2021 (ICML)',
  'ε = ρ g/‖g‖;  θ ← innerStep(θ, ∇L(θ + ε))',
  specs,
  (inner, o) => new SAM(inner, o as Partial<SAMOptions>),
);
