/**
 * The evaluator: a model's mean loss and metrics over a dataset, in evaluation mode, in chunks,
 * without building a graph. The one {@link fit}'s validation, the lab's classification tasks
 * and the regularization loops all use.
 */
import type { TensorDataset } from '../data/index.js';
import { crossEntropy, type Module } from '../nn/index.js';
import { noGrad, type Tensor } from '../tensor/index.js';
import { resolveMetrics, type MetricLike } from './metrics.js';
import { checkOptions, checkPositiveInt } from './validate.js';

/** A loss: a scalar tensor of a model's output and the targets (mean over the batch). */
export type LossFn = (output: Tensor, target: Tensor) => Tensor;

export interface EvaluateOptions {
  /** The loss (default cross-entropy of logits against class indices). */
  loss?: LossFn;
  /** Metrics besides the loss, e.g. ['accuracy'] (default none). */
  metrics?: readonly MetricLike[];
  /** Examples per forward pass (default 1000): bounds the memory, not the result. */
  batchSize?: number;
}

/** The mean loss and each metric (by name) over a dataset. */
export type Evaluation = { loss: number } & Record<string, number>;

/**
 * The mean loss and metrics of `model` over `data`, in evaluation mode (dropout off, batch-norm
 * running statistics), without gradients. The model's training mode is restored afterwards,
 * also when the model or the loss throws. The loss of each chunk is weighted by its size, so
 * the result does not depend on `batchSize` beyond rounding.
 *
 * ```ts
 * const { loss, accuracy } = evaluate(model, test, { metrics: ['accuracy'] });
 * ```
 */
export function evaluate(model: Module, data: TensorDataset, options: EvaluateOptions = {}): Evaluation {
  checkOptions('evaluate', options, ['loss', 'metrics', 'batchSize']);
  const lossFn = options.loss ?? crossEntropy;
  if (typeof lossFn !== 'function') throw new TypeError(`evaluate: loss must be a function (output, target) => Tensor, got ${typeof lossFn}`);
  const metrics = resolveMetrics('evaluate', options.metrics);
  const chunk = checkPositiveInt('evaluate', 'batchSize', options.batchSize ?? 1000);
  const n = data.x.shape[0];
  let lossSum = 0;
  const sums = metrics.map(() => 0);
  const wasTraining = model.training;
  model.eval();
  try {
    noGrad(() => {
      for (let s = 0; s < n; s += chunk) {
        const len = Math.min(chunk, n - s);
        const x = data.x.narrow(0, s, len);
        const y = data.y.narrow(0, s, len);
        const out = model.forward(x);
        lossSum += lossFn(out, y).item() * len;
        metrics.forEach((m, i) => (sums[i] += m.sum(out, y)));
      }
    });
  } finally {
    model.train(wasTraining);
  }
  const result: Evaluation = { loss: lossSum / n };
  metrics.forEach((m, i) => (result[m.name] = sums[i] / n));
  return result;
}
