/** The `step` learning-rate schedule: its options, its class and its catalog entry. */
import type { OptionSpecs } from '../options.js';
import { num, int } from './option-specs.js';
import { Schedule, type ScheduleDefinition } from './schedule.js';
import { pow } from '../../backend/math/pow.js';

/** Options of `step`. */
export const stepOptions: OptionSpecs = { stepSize: int(undefined, 'period of the decay in steps'), gamma: num(0.1, 'multiplicative decay', { min: 0 }) };

/** lr = base · γ^⌊t / stepSize⌋ (PyTorch StepLR). */
export class StepSchedule extends Schedule {
  readonly name = 'step';
  lrAt(t: number, base: number): number {
    const o = this.options as { stepSize: number; gamma: number };
    return base * pow(o.gamma, Math.floor(t / o.stepSize));
  }
}

/** The `step` schedule as the catalog lists it. */
export const stepDefinition: ScheduleDefinition = {
  name: 'step',
  doc: 'step decay: base·γ^⌊t/stepSize⌋ (StepLR)',
  options: stepOptions,
  aliases: ['steplr'],
  create: (o) => new StepSchedule(o),
};
