/** The `cosine` learning-rate schedule: its options, its class and its catalog entry. */
import type { OptionSpecs } from '../options.js';
import { num, int } from './option-specs.js';
import { Schedule, type ScheduleDefinition } from './schedule.js';

/** Options of `cosine`. */
export const cosineOptions: OptionSpecs = { tMax: int(undefined, 'half period T_max in steps'), etaMin: num(0, 'minimum lr', { min: 0 }) };

/** lr = ηmin + (base - ηmin)(1 + cos(π t / T))/2 (Loshchilov & Hutter 2017; PyTorch CosineAnnealingLR). */
export class CosineSchedule extends Schedule {
  readonly name = 'cosine';
  lrAt(t: number, base: number): number {
    const o = this.options as { tMax: number; etaMin: number };
    return o.etaMin + ((base - o.etaMin) * (1 + Math.cos((Math.PI * t) / o.tMax))) / 2;
  }
}

/** The `cosine` schedule as the catalog lists it. */
export const cosineDefinition: ScheduleDefinition = {
  name: 'cosine',
  doc: 'cosine annealing ηmin + (base-ηmin)(1+cos(πt/T))/2 (CosineAnnealingLR; Loshchilov & Hutter 2017)',
  options: cosineOptions,
  aliases: ['cosineannealinglr'],
  create: (o) => new CosineSchedule(o),
};
