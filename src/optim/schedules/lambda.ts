/** `LambdaSchedule`: lr = base · factor(t), built in code only (a function is no lab option). */
import { Schedule } from './schedule.js';

/**
 * lr = base · factor(t, group) for a function of the step (PyTorch LambdaLR). Built in code only:
 * a function is not an option a lab spec can carry, so it is not in the registry.
 */
export class LambdaSchedule extends Schedule {
  readonly name = 'lambda';

  constructor(readonly factor: (t: number, group: number) => number) {
    super({});
    if (typeof factor !== 'function') throw new TypeError(`lambda: expected a function of the step giving the lr factor, got ${typeof factor}`);
  }

  lrAt(t: number, base: number, group = 0): number {
    const f = this.factor(t, group);
    if (typeof f !== 'number' || !Number.isFinite(f)) throw new Error(`lambda: the factor function gave ${String(f)} at step ${t}; expected a finite number`);
    return base * f;
  }
}
