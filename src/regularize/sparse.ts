/**
 * Sparse representations (survey 000 §3.2.3): penalties on hidden *activations* h rather than
 * on weights, L = L₀ + αΩ(h), so that most units are inactive for a given input:
 *
 * - L1: Ω(h) = Σ_j |h_j|, averaged over the batch;
 * - KL sparsity (Ng 2011's sparse autoencoder): for sigmoid units with mean activation
 *   ρ̂_j = mean over the batch of h_j, Ω = Σ_j KL(ρ‖ρ̂_j)
 *   = Σ_j [ρ log(ρ/ρ̂_j) + (1-ρ) log((1-ρ)/(1-ρ̂_j))], pushing every unit's mean activation to ρ.
 *
 * `captureActivations` records chosen modules' outputs during the forward pass, so the penalty
 * is one line:
 *
 * ```ts
 * const acts = captureActivations(model, (name, m) => m instanceof Sigmoid);
 * const out = model.forward(x);
 * const loss = mseLoss(out, x).add(klSparsity(acts.all(), 0.05, 1e-3));
 * ```
 */
import type { Module } from '../nn/index.js';
import type { HookHandle } from '../nn/index.js';
import { Tensor } from '../tensor/index.js';
import { checkNonNegative, checkNumber } from './validate.js';

const list = (h: Tensor | readonly Tensor[]): readonly Tensor[] => (h instanceof Tensor ? [h] : h);

/** coef · (1/N) Σ_n Σ_j |h_nj| over one or several activation tensors [N, ...]. */
export function activationL1(h: Tensor | readonly Tensor[], coef: number): Tensor {
  checkNonNegative('activationL1', 'coef', coef);
  let total: Tensor | null = null;
  for (const t of list(h)) {
    if (t.ndim < 1) throw new RangeError('activationL1: activations must have a batch axis [N, ...]');
    const term = t.abs().sum().div(t.shape[0]);
    total = total ? total.add(term) : term;
  }
  if (!total) throw new RangeError('activationL1: no activations given');
  return total.mul(coef);
}

/** Σ_j KL(ρ‖ρ̂_j) for mean activations ρ̂ (a tensor of values in (0, 1)); ρ̂ is clamped to [eps, 1-eps]. */
export function klDivergenceBernoulli(rho: number, rhoHat: Tensor, eps = 1e-6): Tensor {
  checkNumber('klDivergenceBernoulli', 'rho', rho, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const q = rhoHat.clamp(eps, 1 - eps);
  return q.log().mul(-rho).add(q.neg().add(1).log().mul(-(1 - rho))).add(rho * Math.log(rho) + (1 - rho) * Math.log(1 - rho)).sum();
}

/**
 * coef · Σ_j KL(ρ‖ρ̂_j) with ρ̂_j the mean over the batch (first axis) of unit j's activation,
 * for activations in (0, 1) (sigmoid units), summed over the given tensors.
 */
export function klSparsity(h: Tensor | readonly Tensor[], rho: number, coef: number): Tensor {
  checkNonNegative('klSparsity', 'coef', coef);
  checkNumber('klSparsity', 'rho', rho, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  let total: Tensor | null = null;
  for (const t of list(h)) {
    if (t.ndim < 1) throw new RangeError('klSparsity: activations must have a batch axis [N, ...]');
    const term = klDivergenceBernoulli(rho, t.mean(0));
    total = total ? total.add(term) : term;
  }
  if (!total) throw new RangeError('klSparsity: no activations given');
  return total.mul(coef);
}

/** Recorded outputs of chosen modules, refreshed at every forward pass. */
export interface ActivationCapture {
  /** The last output of the module named `name`. */
  get(name: string): Tensor;
  /** The last outputs of every captured module that has run, in model order. */
  all(): Tensor[];
  /** The names of the captured modules. */
  readonly names: string[];
  /** Forgets the recorded outputs. */
  clear(): void;
  /** Removes the hooks. */
  remove(): void;
}

/**
 * Records the outputs of the submodules chosen by `select` (names, or a predicate over
 * (name, module)) with forward hooks. The recorded tensors are part of the graph, so a penalty
 * on them trains the layers below.
 */
export function captureActivations(model: Module, select: readonly string[] | ((name: string, module: Module) => boolean)): ActivationCapture {
  const mods = model.namedModules();
  const chosen = Array.isArray(select)
    ? (select as readonly string[]).map((n) => {
        const hit = mods.find(([name]) => name === n);
        if (!hit) throw new Error(`captureActivations: no submodule named '${n}' (names: ${mods.map(([m]) => `'${m}'`).join(', ')})`);
        return hit;
      })
    : mods.filter(([n, m]) => (select as (name: string, module: Module) => boolean)(n, m));
  if (chosen.length === 0) throw new Error('captureActivations: no module was selected');
  const outputs = new Map<string, Tensor>();
  const handles: HookHandle[] = chosen.map(([name, m]) =>
    m.registerForwardHook((_mod, _in, out) => {
      outputs.set(name, out);
    }),
  );
  const names = chosen.map(([n]) => n);
  return {
    names,
    get(name) {
      const t = outputs.get(name);
      if (!t) throw new Error(`captureActivations: '${name}' has no recorded output${names.includes(name) ? ' yet (run a forward pass first)' : ` (captured: ${names.join(', ')})`}`);
      return t;
    },
    all: () => names.filter((n) => outputs.has(n)).map((n) => outputs.get(n)!),
    clear: () => outputs.clear(),
    remove: () => handles.forEach((h) => h.remove()),
  };
}
