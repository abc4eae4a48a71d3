/** The `linear` learning-rate schedule: its options, its class and its catalog entry. */
import type { OptionSpecs } from '../options.js';
import { num, int } from './option-specs.js';
import { Schedule, type ScheduleDefinition } from './schedule.js';

/** Options of `linear`. */
export const linearOptions: OptionSpecs = {
  startFactor: num(1 / 3, 'multiplier of the base lr at step 0', { min: 0, max: 1, minExclusive: true }),
  endFactor: num(1, 'multiplier at totalIters and after', { min: 0, max: 1 }),
  totalIters: int(5, 'steps of the linear ramp'),
};

/** lr = base · (s + (e - s) · min(t, T)/T) (PyTorch LinearLR). */
export class LinearSchedule extends Schedule {
  readonly name = 'linear';
  lrAt(t: number, base: number): number {
    const o = this.options as { startFactor: number; endFactor: number; totalIters: number };
    return base * (o.startFactor + ((o.endFactor - o.startFactor) * Math.min(o.totalIters, t)) / o.totalIters);
  }
}

/** The `linear` schedule as the catalog lists it. */
export const linearDefinition: ScheduleDefinition = {
  name: 'linear',
  doc: 'linear ramp of the multiplier from startFactor to endFactor (LinearLR)',
  options: linearOptions,
  aliases: ['linearlr'],
  create: (o) => new LinearSchedule(o),
};
