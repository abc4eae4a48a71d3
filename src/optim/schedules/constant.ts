/** The `constant` learning-rate schedule: its options, its class and its catalog entry. */
import type { OptionSpecs } from '../options.js';
import { num, int } from './option-specs.js';
import { Schedule, type ScheduleDefinition } from './schedule.js';

/** Options of `constant`. */
export const constantOptions: OptionSpecs = {
  factor: num(1, 'multiplier of the base lr during the first totalIters steps', { min: 0, max: 1 }),
  totalIters: int(0, 'steps during which the factor applies', 0),
};

/** lr = base · factor for t < totalIters, then base (PyTorch ConstantLR; factor 1: constant). */
export class ConstantSchedule extends Schedule {
  readonly name = 'constant';
  lrAt(t: number, base: number): number {
    const o = this.options as { factor: number; totalIters: number };
    return t < o.totalIters ? base * o.factor : base;
  }
}

/** The `constant` schedule as the catalog lists it. */
export const constantDefinition: ScheduleDefinition = {
  name: 'constant',
  doc: 'constant lr (PyTorch ConstantLR: base·factor for the first totalIters steps)',
  options: constantOptions,
  aliases: ['constantlr'],
  create: (o) => new ConstantSchedule(o),
};
