/**
 * Metrics for {@link evaluate} and {@link fit}'s validation: each sums a per-example value over a
 * batch, and the evaluator divides the total by the example count, so a metric computed in
 * chunks equals the metric of the whole set.
 */
import type { Tensor } from '../tensor/index.js';

/**
 * A metric: its name (the key it gets in results; `val` + Name in fit's metrics) and the sum of
 * its per-example values over one batch.
 *
 * ```ts
 * const meanAbsError: Metric = { name: 'mae', sum: (out, y) => out.sub(y).abs().sum().item() / out.shape[1] };
 * evaluate(model, test, { loss: mseLoss, metrics: [meanAbsError] });
 * ```
 */
export interface Metric {
  readonly name: string;
  sum(output: Tensor, target: Tensor): number;
}

/** Classification accuracy: the fraction of rows whose largest output is the target class index. */
export const accuracy: Metric = {
  name: 'accuracy',
  sum(output: Tensor, target: Tensor): number {
    const pred = output.argmax(1).data;
    const y = target.data;
    let correct = 0;
    for (let i = 0; i < output.shape[0]; i++) if (pred[i] === y[i]) correct++;
    return correct;
  },
};

/** A metric or the name of a built-in one. */
export type MetricLike = Metric | 'accuracy';

const BUILT_IN: Record<string, Metric> = { accuracy };

/** The metrics named or given, checked: an unknown name is refused, naming the built-in ones. */
export function resolveMetrics(op: string, metrics: readonly MetricLike[] | undefined): Metric[] {
  if (metrics === undefined) return [];
  if (!Array.isArray(metrics)) throw new TypeError(`${op}: metrics must be an array of metric names or { name, sum } objects, got ${typeof metrics}`);
  return metrics.map((m) => {
    if (typeof m === 'string') {
      const found = BUILT_IN[m];
      if (!found) throw new RangeError(`${op}: unknown metric '${m}'; expected ${Object.keys(BUILT_IN).map((k) => `'${k}'`).join(', ')} or a { name, sum } object`);
      return found;
    }
    if (!m || typeof m.name !== 'string' || typeof m.sum !== 'function') throw new TypeError(`${op}: a metric must be a name or a { name, sum } object`);
    return m;
  });
}
