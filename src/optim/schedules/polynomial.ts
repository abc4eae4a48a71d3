/** The `polynomial` learning-rate schedule: its options, its class and its catalog entry. */
import type { OptionSpecs } from '../options.js';
import { num, int } from './option-specs.js';
import { Schedule, type ScheduleDefinition } from './schedule.js';
import { pow } from '../../backend/math/pow.js';

/** Options of `polynomial`. */
export const polynomialOptions: OptionSpecs = { totalIters: int(5, 'steps over which lr decays to 0'), power: num(1, 'power of the polynomial', { min: 0 }) };

/** lr = base · (1 - min(t, T)/T)^power (PyTorch PolynomialLR). */
export class PolynomialSchedule extends Schedule {
  readonly name = 'polynomial';
  lrAt(t: number, base: number): number {
    const o = this.options as { totalIters: number; power: number };
    return base * pow(1 - Math.min(o.totalIters, t) / o.totalIters, o.power);
  }
}

/** The `polynomial` schedule as the catalog lists it. */
export const polynomialDefinition: ScheduleDefinition = {
  name: 'polynomial',
  doc: 'base·(1 - min(t,T)/T)^power (PolynomialLR)',
  options: polynomialOptions,
  aliases: ['polynomiallr', 'poly'],
  create: (o) => new PolynomialSchedule(o),
};
