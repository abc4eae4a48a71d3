/** The `cyclic` learning-rate schedule: its options, its class and its catalog entry. */
import type { OptionSpecs } from '../options.js';
import { num, int, perGroupNum } from './option-specs.js';
import { perGroup, Schedule, type ScheduleDefinition } from './schedule.js';
import { pow } from '../../backend/math/pow.js';

/** Options of `cyclic`. */
export const cyclicOptions: OptionSpecs = {
  baseLr: perGroupNum(undefined, 'lower lr bound (or one per group)'),
  maxLr: perGroupNum(undefined, 'upper lr bound (or one per group)'),
  stepSizeUp: int(2000, 'steps in the increasing half of a cycle'),
  stepSizeDown: { type: 'integer', default: null, nullable: true, min: 1, doc: 'steps in the decreasing half (null: stepSizeUp)' },
  mode: { type: 'string', default: 'triangular', choices: ['triangular', 'triangular2', 'exp_range'], doc: 'amplitude policy' },
  gamma: num(1, "decay base of 'exp_range' (amplitude γ^t)", { min: 0 }),
  cycleMomentum: { type: 'boolean', default: true, doc: 'cycle momentum (or β1) inversely to lr' },
  baseMomentum: perGroupNum(0.8, 'lowest momentum (at peak lr)'),
  maxMomentum: perGroupNum(0.9, 'highest momentum'),
};

/**
 * Cyclical learning rates (Smith 2017; PyTorch CyclicLR): lr oscillates between baseLr and maxLr
 * with a triangular wave of stepSizeUp + stepSizeDown steps; the amplitude is scaled by 1
 * ('triangular'), 1/2^(cycle-1) ('triangular2') or γ^t ('exp_range'). Momentum (or β1) cycles
 * inversely between maxMomentum and baseMomentum.
 */
export class CyclicSchedule extends Schedule {
  readonly name = 'cyclic';

  private position(t: number): { cycle: number; scale: number; amp: number } {
    const o = this.options as { stepSizeUp: number; stepSizeDown: number | null; mode: string; gamma: number };
    const up = o.stepSizeUp;
    const down = o.stepSizeDown ?? up;
    const total = up + down;
    const ratio = up / total;
    const cycle = Math.floor(1 + t / total);
    const x = 1 + t / total - cycle;
    const scale = x <= ratio ? x / ratio : (x - 1) / (ratio - 1);
    const amp = o.mode === 'triangular' ? 1 : o.mode === 'triangular2' ? 1 / pow(2, cycle - 1) : pow(o.gamma, t);
    return { cycle, scale, amp };
  }

  lrAt(t: number, base: number, group = 0): number {
    const { scale, amp } = this.position(t);
    const max = perGroup(this.options.maxLr, group, 'cyclic', 'maxLr');
    return base + (max - base) * scale * amp;
  }

  override momentumAt(t: number, group: number): number | undefined {
    if (!this.options.cycleMomentum) return undefined;
    const { scale, amp } = this.position(t);
    const maxM = perGroup(this.options.maxMomentum, group, 'cyclic', 'maxMomentum');
    const baseM = perGroup(this.options.baseMomentum, group, 'cyclic', 'baseMomentum');
    return maxM - (maxM - baseM) * scale * amp;
  }

  override baseLrFor(_groupLr: number, group: number): number {
    return perGroup(this.options.baseLr, group, 'cyclic', 'baseLr');
  }
}

/** The `cyclic` schedule as the catalog lists it. */
export const cyclicDefinition: ScheduleDefinition = {
  name: 'cyclic',
  doc: 'cyclical lr between baseLr and maxLr: triangular, triangular2, exp_range (CyclicLR; Smith 2017)',
  options: cyclicOptions,
  aliases: ['cycliclr'],
  create: (o) => new CyclicSchedule(o),
};
