/**
 * Noise injection (survey 000 §3.1.2): Gaussian noise on the inputs (Vincent et al. 2008's
 * denoising), on hidden units (a module), on the weights (perturb before the forward pass,
 * restore after), and on the labels (flipping a fraction; label smoothing, Szegedy et al. 2016
 * and Vaswani et al. 2017). Noise on gradients is the optimizer wrapper `gradnoise`
 * (src/optim/wrappers/noise.ts, Neelakantan et al. 2015).
 */
import { Module } from '../nn/index.js';
import { defaultGenerator, noGrad, normal, Tensor, type Generator } from '../tensor/index.js';
import type { Batch, BatchAugment } from '../data/index.js';
import { selectParameters, type ParamSource, type SelectOptions } from './select.js';
import { checkNonNegative, checkOptions, checkPositiveInt, checkProbability, generatorOf } from './validate.js';

const gen = (op: string, g: Generator | number | undefined): Generator => generatorOf(op, g, defaultGenerator);

export interface NoiseOptions {
  generator?: Generator | number;
  /** Clamp the result to [min, max] (e.g. [0, 1] for images); default none. */
  clip?: readonly [number, number] | null;
}

/** x + σ·ε with ε ~ N(0, 1) elementwise (no gradient flows into the noise). */
export function addGaussianNoise(x: Tensor, std: number, options: NoiseOptions = {}): Tensor {
  checkNonNegative('addGaussianNoise', 'std', std);
  checkOptions('addGaussianNoise', options, ['generator', 'clip']);
  let out = std === 0 ? x : x.add(normal(x.shape, 0, std, { generator: gen('addGaussianNoise', options.generator), dtype: x.dtype }));
  if (options.clip) out = out.clamp(options.clip[0], options.clip[1]);
  return out;
}

/** Input noise as a DataLoader augmentation: `new DataLoader(data, { augment: inputNoise(0.1) })`. */
export function inputNoise(std: number, options: Omit<NoiseOptions, 'generator'> = {}): BatchAugment {
  checkNonNegative('inputNoise', 'std', std);
  checkOptions('inputNoise', options, ['clip']);
  return (batch: Batch, generator: Generator) => ({ x: noGrad(() => addGaussianNoise(batch.x, std, { ...options, generator })), y: batch.y });
}

/** Additive Gaussian noise on hidden units: x + σε in training, x in evaluation. */
export class GaussianNoise extends Module {
  readonly std: number;
  generator?: Generator;

  constructor(std: number, options: { generator?: Generator | number } = {}) {
    super();
    this.std = checkNonNegative('GaussianNoise', 'std', std);
    checkOptions('GaussianNoise', options, ['generator']);
    this.generator = options.generator === undefined ? undefined : gen('GaussianNoise', options.generator);
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.std === 0) return x;
    return addGaussianNoise(x, this.std, { generator: this.generator });
  }

  override extraRepr(): string {
    return `std=${this.std}`;
  }
}

export interface WeightNoiseOptions extends SelectOptions {
  generator?: Generator | number;
}

/**
 * Weight noise: the forward and backward passes run at perturbed weights w + σε, the update is
 * applied to the unperturbed w (Graves 2011's additive weight noise; in expectation a penalty
 * on the curvature of the loss, Bishop 1995 / An 1996):
 *
 * ```ts
 * const wn = new WeightNoise(0.01);
 * const restore = wn.perturb(model);      // w ← w + σε (selected parameters, in place)
 * const loss = lossFn(model.forward(x), y);
 * loss.backward();                        // gradients at the perturbed weights
 * restore();                              // w back, bit for bit
 * optimizer.step();
 * ```
 * or `wn.run(model, () => { ...forward and backward... })`.
 */
export class WeightNoise {
  readonly std: number;
  readonly options: WeightNoiseOptions;
  private readonly generator: Generator;

  constructor(std: number, options: WeightNoiseOptions = {}) {
    this.std = checkNonNegative('WeightNoise', 'std', std);
    checkOptions('WeightNoise', options, ['select', 'generator']);
    this.options = options;
    this.generator = gen('WeightNoise', options.generator);
  }

  /** Adds noise to the selected parameters in place; returns the function that restores them. */
  perturb(model: ParamSource): () => void {
    const saved: [Tensor, Tensor['data']][] = [];
    for (const [, p] of selectParameters(model, this.options.select, 'WeightNoise')) {
      saved.push([p, p.data.slice()]);
      if (this.std === 0) continue;
      // d[i] += std * normal() for each i, in one bulk draw (the same numbers)
      this.generator.addNormal(p.data, p.data, this.std);
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      for (const [p, copy] of saved) p.data.set(copy);
    };
  }

  /** Runs fn with the weights perturbed, restoring them afterwards (also when fn throws). */
  run<T>(model: ParamSource, fn: () => T): T {
    const restore = this.perturb(model);
    try {
      return fn();
    } finally {
      restore();
    }
  }
}

// ---- label noise ---------------------------------------------------------------------------

export interface LabelNoiseOptions {
  generator?: Generator | number;
}

/**
 * Flips exactly round(fraction·N) labels, chosen uniformly without replacement, each to a
 * class drawn uniformly among the other numClasses-1 (symmetric label noise; Xie et al. 2016's
 * DisturbLabel draws the new label among all classes). Returns new labels [N].
 */
export function flipLabels(y: Tensor, fraction: number, numClasses: number, options: LabelNoiseOptions = {}): Tensor {
  checkProbability('flipLabels', 'fraction', fraction);
  checkOptions('flipLabels', options, ['generator']);
  checkPositiveInt('flipLabels', 'numClasses', numClasses);
  if (y.ndim !== 1) throw new RangeError(`flipLabels: expects class indices of shape [N], got [${y.shape}]`);
  if (numClasses < 2 && fraction > 0) throw new RangeError('flipLabels: numClasses must be >= 2 to flip labels');
  const g = gen('flipLabels', options.generator);
  const n = y.shape[0];
  const out = y.data.slice();
  const count = Math.round(fraction * n);
  const order = g.permutation(n);
  for (let k = 0; k < count; k++) {
    const i = order[k];
    const c = out[i];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw new RangeError(`flipLabels: label ${c} at ${i} is not a class index below ${numClasses}`);
    const r = g.randint(0, numClasses - 1);
    out[i] = r >= c ? r + 1 : r;
  }
  return new Tensor(out, y.shape);
}

/** Label noise as a DataLoader augmentation (fresh flips every batch). */
export function labelNoise(fraction: number, numClasses: number): BatchAugment {
  checkProbability('labelNoise', 'fraction', fraction);
  checkPositiveInt('labelNoise', 'numClasses', numClasses);
  return (batch, generator) => ({ x: batch.x, y: flipLabels(batch.y, fraction, numClasses, { generator }) });
}

/**
 * Class indices [N] (or probability rows [N, C]) → probability rows [N, C]: one-hot, or
 * unchanged when already probabilities.
 */
export function toProbabilities(y: Tensor, numClasses: number, op = 'toProbabilities'): Tensor {
  checkPositiveInt(op, 'numClasses', numClasses);
  if (y.ndim === 2) {
    if (y.shape[1] !== numClasses) throw new RangeError(`${op}: probability targets have ${y.shape[1]} columns, expected numClasses = ${numClasses}`);
    return y;
  }
  if (y.ndim !== 1) throw new RangeError(`${op}: expects class indices [N] or probabilities [N, ${numClasses}], got [${y.shape}]`);
  const n = y.shape[0];
  const out = new (y.dtype === 'float64' ? Float64Array : Float32Array)(n * numClasses);
  for (let i = 0; i < n; i++) {
    const c = y.data[i];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw new RangeError(`${op}: label ${c} at ${i} is not a class index below ${numClasses}`);
    out[i * numClasses + c] = 1;
  }
  return new Tensor(out, [n, numClasses]);
}

/**
 * Label smoothing: (1 - ε)·onehot(y) + ε/C (Szegedy et al. 2016). Cross-entropy against these
 * targets equals `crossEntropy(logits, y, { labelSmoothing: ε })` (PyTorch's label_smoothing).
 */
export function smoothLabels(y: Tensor, epsilon: number, numClasses: number): Tensor {
  checkProbability('smoothLabels', 'epsilon', epsilon);
  const p = toProbabilities(y, numClasses, 'smoothLabels');
  return noGrad(() => p.mul(1 - epsilon).add(epsilon / numClasses));
}
