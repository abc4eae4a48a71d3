/** The `sgdr` learning-rate schedule: its options, its class and its catalog entry. */
import type { OptionSpecs } from '../options.js';
import { num, int } from './option-specs.js';
import { Schedule, type ScheduleDefinition } from './schedule.js';

/** Options of `sgdr`. */
export const sgdrOptions: OptionSpecs = { t0: int(undefined, 'length of the first period'), tMult: int(1, 'period multiplier after each restart'), etaMin: num(0, 'minimum lr', { min: 0 }) };

/**
 * SGDR, cosine annealing with warm restarts (Loshchilov & Hutter 2017; PyTorch
 * CosineAnnealingWarmRestarts): periods T_0, T_0·m, T_0·m², ...; within a period,
 * lr = ηmin + (base - ηmin)(1 + cos(π T_cur / T_i))/2.
 */
export class CosineRestartsSchedule extends Schedule {
  readonly name = 'sgdr';
  lrAt(t: number, base: number): number {
    const o = this.options as { t0: number; tMult: number; etaMin: number };
    let tCur = t;
    let ti = o.t0;
    while (tCur >= ti) {
      tCur -= ti;
      ti *= o.tMult;
    }
    return o.etaMin + ((base - o.etaMin) * (1 + Math.cos((Math.PI * tCur) / ti))) / 2;
  }
}

/** The `sgdr` schedule as the catalog lists it. */
export const sgdrDefinition: ScheduleDefinition = {
  name: 'sgdr',
  doc: 'cosine annealing with warm restarts, periods T0·tMult^i (CosineAnnealingWarmRestarts; Loshchilov & Hutter 2017)',
  options: sgdrOptions,
  aliases: ['cosine_restarts', 'cosineannealingwarmrestarts'],
  create: (o) => new CosineRestartsSchedule(o),
};
