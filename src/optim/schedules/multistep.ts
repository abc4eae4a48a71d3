/** The `multistep` learning-rate schedule: its options, its class and its catalog entry. */
import type { OptionSpecs } from '../options.js';
import { num } from './option-specs.js';
import { Schedule, type ScheduleDefinition } from './schedule.js';
import { pow } from '../../backend/math/pow.js';

/** Options of `multistep`. */
export const multistepOptions: OptionSpecs = {
  milestones: { type: 'numbers', default: undefined, min: 0, doc: 'increasing step indices at which lr is multiplied by gamma',
    check: (v: number[]) => (v.every((x, i) => i === 0 || x > v[i - 1]) ? null : 'milestones must be increasing') },
  gamma: num(0.1, 'multiplicative decay', { min: 0 }),
};

/** lr = base · γ^(number of milestones ≤ t) (PyTorch MultiStepLR). */
export class MultiStepSchedule extends Schedule {
  readonly name = 'multistep';
  lrAt(t: number, base: number): number {
    const o = this.options as { milestones: number[]; gamma: number };
    return base * pow(o.gamma, o.milestones.filter((m) => m <= t).length);
  }
}

/** The `multistep` schedule as the catalog lists it. */
export const multistepDefinition: ScheduleDefinition = {
  name: 'multistep',
  doc: 'base·γ^(milestones passed) (MultiStepLR)',
  options: multistepOptions,
  aliases: ['multisteplr'],
  create: (o) => new MultiStepSchedule(o),
};
