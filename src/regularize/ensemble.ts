/**
 * Ensembles and bagging (Breiman 1996; the ensemble view of dropout in course notes 003 §5.4):
 * train K models on bootstrap samples of the training set (N draws with replacement), and
 * average their predicted probabilities.
 *
 * ```ts
 * const ens = bagging({ k: 5, data: train, seed: 0, build: (i, g) => makeModel(g), fit: (m, d, i) => trainModel(m, d) });
 * const probs = ens.forward(xTest);   // mean of the members' softmax outputs [N, C]
 * ```
 */
import { Module } from '../nn/index.js';
import { takeRows, type TensorDataset } from '../data/portable.js';
import { Generator, Tensor, noGrad } from '../tensor/index.js';
import { checkChoice, checkOptions, checkPositiveInt } from './validate.js';

/** N indices drawn uniformly with replacement from 0..n-1 (a bootstrap sample; n = size by default). */
export function bootstrapIndices(n: number, generator: Generator, size = n): Int32Array {
  checkPositiveInt('bootstrapIndices', 'n', n);
  checkPositiveInt('bootstrapIndices', 'size', size);
  const out = new Int32Array(size);
  for (let i = 0; i < size; i++) out[i] = generator.randint(0, n);
  return out;
}

/** A bootstrap resample of a dataset (rows drawn with replacement). */
export function bootstrapSample(data: TensorDataset, generator: Generator): TensorDataset {
  const idx = bootstrapIndices(data.x.shape[0], generator);
  return { x: takeRows(data.x, idx), y: takeRows(data.y, idx) };
}

export type Combine = 'probs' | 'logits' | 'mean';

/**
 * Averages the members' predictions. `combine`: 'probs' (default, classifiers): the mean of
 * softmax(member(x)) over members, a probability tensor (take log() for a loss, argmax for the
 * class); 'logits': the mean of the raw outputs; 'mean': the same, named for regression.
 */
export class Ensemble extends Module {
  readonly members: Module[];
  readonly combine: Combine;

  constructor(members: readonly Module[], options: { combine?: Combine } = {}) {
    super();
    checkOptions('Ensemble', options, ['combine']);
    if (!Array.isArray(members) || members.length === 0 || !members.every((m) => m instanceof Module)) throw new TypeError('Ensemble: expected a non-empty array of Modules');
    this.members = [...members];
    this.combine = checkChoice('Ensemble', 'combine', options.combine ?? 'probs', ['probs', 'logits', 'mean'] as const);
  }

  forward(x: Tensor): Tensor {
    let sum: Tensor | null = null;
    for (const m of this.members) {
      const out = m.forward(x);
      const t = this.combine === 'probs' ? out.softmax(-1) : out;
      sum = sum ? sum.add(t) : t;
    }
    return sum!.div(this.members.length);
  }

  /** Each member's output on x (probabilities for 'probs'), without a graph. */
  memberOutputs(x: Tensor): Tensor[] {
    return noGrad(() => this.members.map((m) => (this.combine === 'probs' ? m.forward(x).softmax(-1) : m.forward(x))));
  }
}

export interface BaggingOptions {
  /** Number of members (>= 1). */
  k: number;
  data: TensorDataset;
  /** Seeds the bootstrap samples and the members' generators. */
  seed: number;
  /** Builds member i (its initialization drawn from `generator`). */
  build: (i: number, generator: Generator) => Module;
  /** Trains member i on its bootstrap sample. */
  fit: (model: Module, data: TensorDataset, i: number) => void;
  combine?: Combine;
  /** Train every member on the full data instead of bootstrap samples (an ensemble of seeds). Default false. */
  noBootstrap?: boolean;
}

/** Trains K models on bootstrap samples and returns their ensemble. */
export function bagging(options: BaggingOptions): Ensemble {
  checkOptions('bagging', options, ['k', 'data', 'seed', 'build', 'fit', 'combine', 'noBootstrap']);
  const k = checkPositiveInt('bagging', 'k', options.k);
  const master = new Generator(options.seed);
  const members: Module[] = [];
  for (let i = 0; i < k; i++) {
    const g = master.fork();
    const sample = options.noBootstrap ? options.data : bootstrapSample(options.data, g);
    const model = options.build(i, g);
    options.fit(model, sample, i);
    members.push(model);
  }
  return new Ensemble(members, { combine: options.combine });
}
