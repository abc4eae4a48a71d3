/**
 * The metrics history: one array per metric name over the epochs, as Keras' History. {@link fit}
 * keeps one (run after every other callback, so it sees what they add) and returns its records.
 */
import type { Callback, TrainContext } from './callback.js';

/**
 * Records `epoch` and every entry of `ctx.metrics` at each epoch's end. A metric first seen
 * late is padded with NaN for the epochs before it, and one missing from an epoch gets NaN
 * there, so every array has one entry per recorded epoch.
 *
 * ```ts
 * const history = new History();
 * fit(model, train, { optimizer: 'adam', epochs: 3, callbacks: [history] });
 * history.records.loss;   // [loss of epoch 1, 2, 3]
 * ```
 */
export class History implements Callback {
  /** One array per metric name, plus `epoch`. */
  readonly records: Record<string, number[]> = { epoch: [] };

  /** Appends one epoch's figures. */
  record(epoch: number, metrics: Readonly<Record<string, number>>): void {
    const n = this.records.epoch.length;
    this.records.epoch.push(epoch);
    for (const [name, value] of Object.entries(metrics)) {
      if (name === 'epoch') continue;
      this.records[name] ??= new Array<number>(n).fill(NaN);
      this.records[name].push(value);
    }
    for (const values of Object.values(this.records)) if (values.length === n) values.push(NaN);
  }

  /** Callback: starts an empty history. */
  onTrainBegin(): void {
    for (const name of Object.keys(this.records)) delete this.records[name];
    this.records.epoch = [];
  }

  /** Callback: records the epoch that just ended. */
  onEpochEnd(ctx: TrainContext): void {
    this.record(ctx.epoch, ctx.metrics);
  }
}
