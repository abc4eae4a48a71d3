/**
 * Parameter norm penalties (survey 000 §3.2.1; course notes 003 §5.1) and parameter tying
 * (000 §3.2.4): terms added to the loss.
 *
 * Conventions (the gradient of each term is what an optimizer sees):
 *
 * | penalty     | term added to the loss              | gradient                 |
 * | ----------- | ----------------------------------- | ------------------------ |
 * | L2          | (λ/2) Σ w²                          | λ w                      |
 * | L1          | λ Σ |w|                             | λ sign(w)                |
 * | elastic net | λ₁ Σ |w| + (λ₂/2) Σ w²              | λ₁ sign(w) + λ₂ w        |
 * | soft tie    | (λ/2) Σ (w_A - w_B)²                | λ (w_B - w_A) on B       |
 *
 * With the λ/2 in the L2 term, an L2 coefficient λ with plain SGD is exactly weight decay λ
 * (θ ← θ - η(∇L₀ + λθ) = (1 - ηλ)θ - η∇L₀). The survey writes the penalties for a loss summed
 * over n examples (eq. 13: λ/(2n) Σ W², eq. 15: λ/n Σ |W|): with descent's mean losses, its λ
 * is this λ·n, i.e. pass `coef = λ_survey / n`.
 *
 * Usage, one line in the training loop:
 *
 * ```ts
 * const l2 = l2Penalty(1e-4);                    // weights only: no biases, no norm parameters
 * const loss = crossEntropy(model.forward(x), y).add(l2.loss(model));
 * ```
 */
import type { Module } from '../nn/index.js';
import { noGrad, Tensor, zeros } from '../tensor/index.js';
import { peekGrad } from '../tensor/tensor.js';
import { selectParameters, type ParamSource, type SelectOptions } from './select.js';
import { checkNonNegative, checkOptions } from './validate.js';

/** A penalty over a model's parameters: `loss(model)` is a scalar tensor to add to the loss. */
export interface ParameterPenalty {
  readonly name: string;
  /** The penalty term (a scalar, differentiable with respect to the selected parameters). */
  loss(model: ParamSource): Tensor;
  /**
   * The same gradient without building a graph: adds ∂Ω/∂w to every selected parameter's
   * `.grad` in place (after `loss.backward()`, before `optimizer.step()`), and returns the
   * penalty's value. Cheaper on large models; the update is identical.
   */
  addGradient(model: ParamSource): number;
}

/** g += dΩ/dw elementwise for the selected parameters; returns Σ Ω(w) (value and derivative per element). */
function addElementwiseGradient(source: ParamSource, select: SelectOptions['select'], op: string, f: (w: number) => number, df: (w: number) => number): number {
  let value = 0;
  for (const [, p] of selectParameters(source, select, op)) {
    const w = p.data;
    if (!peekGrad(p)) p.grad = new Tensor(new (w instanceof Float64Array ? Float64Array : Float32Array)(w.length), p.shape);
    const g = peekGrad(p)!.data; // written in place, not kept: backward's array stays recyclable
    for (let i = 0; i < w.length; i++) {
      value += f(w[i]);
      g[i] += df(w[i]);
    }
  }
  return value;
}

function scalarZero(params: readonly [string, Tensor][]): Tensor {
  return zeros([], { dtype: params[0]?.[1].dtype ?? 'float32' });
}

function sumOver(params: readonly [string, Tensor][], term: (p: Tensor) => Tensor): Tensor {
  let total: Tensor | null = null;
  for (const [, p] of params) {
    const t = term(p);
    total = total ? total.add(t) : t;
  }
  return total ?? scalarZero(params);
}

/** Σ w² over the selected parameters (the squared L2 norm), differentiable. */
export function sumOfSquares(source: ParamSource, options: SelectOptions = {}): Tensor {
  return sumOver(selectParameters(source, options.select, 'sumOfSquares'), (p) => p.square().sum());
}

/** Σ |w| over the selected parameters (the L1 norm), differentiable (subgradient 0 at 0). */
export function sumOfAbs(source: ParamSource, options: SelectOptions = {}): Tensor {
  return sumOver(selectParameters(source, options.select, 'sumOfAbs'), (p) => p.abs().sum());
}

/** (λ/2) Σ w²: the L2 penalty ("weight decay" in the loss), gradient λw. */
export function l2Penalty(coef: number, options: SelectOptions = {}): ParameterPenalty {
  checkNonNegative('l2Penalty', 'coef', coef);
  checkOptions('l2Penalty', options, ['select']);
  return {
    name: `L2 λ=${coef}`,
    loss: (model) => sumOfSquares(model, options).mul(coef / 2),
    addGradient: (model) => addElementwiseGradient(model, options.select, 'l2Penalty', (w) => (coef / 2) * w * w, (w) => coef * w),
  };
}

/** λ Σ |w|: the L1 penalty (sparse weights), subgradient λ sign(w). */
export function l1Penalty(coef: number, options: SelectOptions = {}): ParameterPenalty {
  checkNonNegative('l1Penalty', 'coef', coef);
  checkOptions('l1Penalty', options, ['select']);
  return {
    name: `L1 λ=${coef}`,
    loss: (model) => sumOfAbs(model, options).mul(coef),
    addGradient: (model) => addElementwiseGradient(model, options.select, 'l1Penalty', (w) => coef * Math.abs(w), (w) => coef * Math.sign(w)),
  };
}

/** λ₁ Σ |w| + (λ₂/2) Σ w²: elastic net (Zou & Hastie 2005; survey eq. 16). */
export function elasticNetPenalty(l1: number, l2: number, options: SelectOptions = {}): ParameterPenalty {
  checkNonNegative('elasticNetPenalty', 'l1', l1);
  checkNonNegative('elasticNetPenalty', 'l2', l2);
  checkOptions('elasticNetPenalty', options, ['select']);
  return {
    name: `elastic net λ1=${l1} λ2=${l2}`,
    loss(model) {
      const params = selectParameters(model, options.select, 'elasticNetPenalty');
      return sumOver(params, (p) => p.abs().sum().mul(l1).add(p.square().sum().mul(l2 / 2)));
    },
    addGradient: (model) =>
      addElementwiseGradient(model, options.select, 'elasticNetPenalty', (w) => l1 * Math.abs(w) + (l2 / 2) * w * w, (w) => l1 * Math.sign(w) + l2 * w),
  };
}

/** Sums several penalties (an empty list is 0). */
export function combinePenalties(...penalties: ParameterPenalty[]): ParameterPenalty {
  return {
    name: penalties.map((p) => p.name).join(' + ') || 'none',
    loss(model) {
      let total: Tensor | null = null;
      for (const p of penalties) {
        const t = p.loss(model);
        total = total ? total.add(t) : t;
      }
      return total ?? zeros([]);
    },
    addGradient: (model) => penalties.reduce((v, p) => v + p.addGradient(model), 0),
  };
}

// ---- steps applied to the weights directly ---------------------------------------------------

/**
 * Decoupled weight decay (Loshchilov & Hutter 2019), for any optimizer: after
 * `optimizer.step()`, `decay.apply(model, lr)` shrinks the selected parameters by θ ← (1 - lr·λ)θ,
 * outside the gradient (so an adaptive method does not rescale it). Prefer the optimizer's own
 * option where it has one (AdamW's `weightDecay`), restricted to weights with
 * {@link weightDecayGroups}.
 */
export class DecoupledWeightDecay {
  readonly coef: number;
  readonly options: SelectOptions;

  constructor(coef: number, options: SelectOptions = {}) {
    this.coef = checkNonNegative('DecoupledWeightDecay', 'coef', coef);
    checkOptions('DecoupledWeightDecay', options, ['select']);
    this.options = options;
  }

  apply(model: ParamSource, lr: number): void {
    checkNonNegative('DecoupledWeightDecay.apply', 'lr', lr);
    const f = 1 - lr * this.coef;
    for (const [, p] of selectParameters(model, this.options.select, 'DecoupledWeightDecay')) {
      const d = p.data;
      for (let i = 0; i < d.length; i++) d[i] *= f;
    }
  }
}

/**
 * The proximal step of the L1 penalty (soft thresholding): w ← sign(w) max(|w| - lr·λ, 0),
 * applied after `optimizer.step()`. Unlike the subgradient of {@link l1Penalty}, it sets
 * small weights exactly to zero (proximal gradient descent / ISTA).
 */
export class L1Proximal {
  readonly coef: number;
  readonly options: SelectOptions;

  constructor(coef: number, options: SelectOptions = {}) {
    this.coef = checkNonNegative('L1Proximal', 'coef', coef);
    checkOptions('L1Proximal', options, ['select']);
    this.options = options;
  }

  apply(model: ParamSource, lr: number): void {
    checkNonNegative('L1Proximal.apply', 'lr', lr);
    const t = lr * this.coef;
    for (const [, p] of selectParameters(model, this.options.select, 'L1Proximal')) {
      const d = p.data;
      for (let i = 0; i < d.length; i++) {
        const a = Math.abs(d[i]) - t;
        d[i] = a > 0 ? Math.sign(d[i]) * a : 0;
      }
    }
  }
}

// ---- parameter tying and sharing (000 §3.2.4) ------------------------------------------------

export interface SoftTieOptions extends SelectOptions {
  /**
   * 'prior' (default): model A is a trained model whose parameters are the prior for B, as in
   * the survey; A gets no gradient. 'mutual': both are trained and pulled towards each other.
   */
  mode?: 'prior' | 'mutual';
}

/**
 * Soft parameter tying: (λ/2) Σ ‖w_A - w_B‖² over parameters matched by name (survey eq. 19,
 * Ω = ‖W_A - W_B‖²₂, with the 1/2 of the L2 convention). Where L2 pulls weights towards 0, a
 * soft tie pulls them towards another model's. Both models must have the selected names with
 * equal shapes.
 *
 * Hard sharing needs no penalty: put the same Module instance in both models (see
 * docs/regularization.md); its parameters are then one set of tensors, listed once by a model
 * containing both, and their gradients from the two uses add up in one `.grad`.
 */
export function softTiePenalty(modelA: ParamSource, modelB: ParamSource, coef: number, options: SoftTieOptions = {}): Tensor {
  checkNonNegative('softTiePenalty', 'coef', coef);
  checkOptions('softTiePenalty', options, ['select', 'mode']);
  const mode = options.mode ?? 'prior';
  if (mode !== 'prior' && mode !== 'mutual') throw new RangeError(`softTiePenalty: mode must be 'prior' or 'mutual', got ${JSON.stringify(mode)}`);
  const a = new Map(selectParameters(modelA, options.select, 'softTiePenalty'));
  const b = selectParameters(modelB, options.select, 'softTiePenalty');
  if (b.length === 0) throw new Error('softTiePenalty: no parameters of model B are selected');
  let total: Tensor | null = null;
  for (const [name, pb] of b) {
    const pa = a.get(name);
    if (!pa) throw new Error(`softTiePenalty: model A has no selected parameter '${name}' (model A has: ${[...a.keys()].join(', ') || 'none'})`);
    if (pa.numel() !== pb.numel() || pa.ndim !== pb.ndim || pa.shape.some((d, i) => d !== pb.shape[i])) {
      throw new RangeError(`softTiePenalty: '${name}' has shape [${pa.shape}] in model A but [${pb.shape}] in model B`);
    }
    const ref = mode === 'prior' ? pa.detach() : pa;
    const t = pb.sub(ref).square().sum();
    total = total ? total.add(t) : t;
  }
  return total!.mul(coef / 2);
}

/** The parameter tensors two models share (the same tensor objects): what hard sharing ties. */
export function sharedParameters(modelA: Module, modelB: Module): Tensor[] {
  const inB = new Set(modelB.parameters());
  return modelA.parameters().filter((p) => inB.has(p));
}

/** A snapshot (deep copy) of parameters, for a soft tie to a fixed earlier state. */
export function snapshotParameters(source: ParamSource, options: SelectOptions = { select: 'all' }): [string, Tensor][] {
  return noGrad(() => selectParameters(source, options.select, 'snapshotParameters').map(([n, p]) => [n, p.detach().clone()] as [string, Tensor]));
}
