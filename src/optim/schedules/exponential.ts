/** The `exponential` learning-rate schedule: its options, its class and its catalog entry. */
import type { OptionSpecs } from '../options.js';
import { num } from './option-specs.js';
import { Schedule, type ScheduleDefinition } from './schedule.js';
import { pow } from '../../backend/math/pow.js';

/** Options of `exponential`. */
export const exponentialOptions: OptionSpecs = { gamma: num(undefined, 'multiplicative decay per step', { min: 0 }) };

/** lr = base · γ^t (PyTorch ExponentialLR). */
export class ExponentialSchedule extends Schedule {
  readonly name = 'exponential';
  lrAt(t: number, base: number): number {
    return base * pow(this.options.gamma as number, t);
  }
}

/** The `exponential` schedule as the catalog lists it. */
export const exponentialDefinition: ScheduleDefinition = {
  name: 'exponential',
  doc: 'base·γ^t (ExponentialLR)',
  options: exponentialOptions,
  aliases: ['exponentiallr'],
  create: (o) => new ExponentialSchedule(o),
};
