/**
 * A progress hook for {@link fit}: calls a function with the fraction done, a given number of
 * times over training (the lab's progress bars and worker messages).
 */
import type { Callback, TrainContext } from './callback.js';
import { checkOptions } from './validate.js';

export interface ProgressOptions {
  /** About how many reports over training (default 100; Infinity: every step). */
  updates?: number;
  /** The status text of a report (default `epoch E/EPOCHS`). */
  status?: (ctx: TrainContext) => string;
}

/**
 * Reports `onProgress(step / totalSteps, status)` after every ⌊totalSteps / updates⌋-th step
 * (at least every step). Without a known total (an unsized iterable and no maxSteps) it reports
 * every step with the fraction NaN.
 *
 * ```ts
 * fit(model, train, { optimizer: 'sgd', epochs: 10, callbacks: [new Progress((f, s) => console.log(`${(100 * f).toFixed(0)}% ${s}`), { updates: 20 })] });
 * ```
 */
export class Progress implements Callback {
  readonly updates: number;
  private readonly status: (ctx: TrainContext) => string;

  constructor(
    readonly onProgress: (fraction: number, status: string) => void,
    options: ProgressOptions = {},
  ) {
    checkOptions('Progress', options, ['updates', 'status']);
    if (typeof onProgress !== 'function') throw new TypeError(`Progress: onProgress must be a function (fraction, status) => void, got ${typeof onProgress}`);
    const updates = options.updates ?? 100;
    if (typeof updates !== 'number' || !(updates > 0)) throw new RangeError(`Progress: updates must be a positive number (Infinity: every step), got ${String(updates)}`);
    this.updates = updates;
    this.status = options.status ?? ((ctx) => `epoch ${ctx.epoch}/${ctx.epochs}`);
  }

  /** Callback: reports when this step is one of the due ones. */
  onStepEnd(ctx: TrainContext): void {
    const total = ctx.totalSteps;
    if (total === null) {
      this.onProgress(NaN, this.status(ctx));
      return;
    }
    if (ctx.step % Math.max(1, Math.floor(total / this.updates)) === 0) this.onProgress(ctx.step / total, this.status(ctx));
  }
}
