/** The `invsqrt` learning-rate schedule: its options, its class and its catalog entry. */
import type { OptionSpecs } from '../options.js';
import { num } from './option-specs.js';
import { Schedule, type ScheduleDefinition } from './schedule.js';

/** Options of `invsqrt`. */
export const invsqrtOptions: OptionSpecs = { timescale: num(1, 'τ in lr = base/√(1 + t/τ)', { min: 0, minExclusive: true }) };

/** lr = base / √(1 + t/τ): inverse square-root decay (Vaswani et al. 2017, after warmup). */
export class InverseSqrtSchedule extends Schedule {
  readonly name = 'invsqrt';
  lrAt(t: number, base: number): number {
    return base / Math.sqrt(1 + t / (this.options.timescale as number));
  }
}

/** The `invsqrt` schedule as the catalog lists it. */
export const invsqrtDefinition: ScheduleDefinition = {
  name: 'invsqrt',
  doc: 'inverse square root decay base/√(1 + t/τ) (Vaswani et al. 2017)',
  options: invsqrtOptions,
  aliases: ['inverse_sqrt'],
  create: (o) => new InverseSqrtSchedule(o),
};
