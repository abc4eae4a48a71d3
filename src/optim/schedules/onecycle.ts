/** The `onecycle` learning-rate schedule: its options, its class and its catalog entry. */
import type { OptionSpecs } from '../options.js';
import { num, int, perGroupNum } from './option-specs.js';
import { perGroup, Schedule, type ScheduleDefinition } from './schedule.js';

/** Options of `onecycle`. */
export const onecycleOptions: OptionSpecs = {
  maxLr: perGroupNum(undefined, 'peak lr (or one per parameter group)'),
  totalSteps: int(undefined, 'total number of steps in the cycle'),
  pctStart: num(0.3, 'fraction of the cycle spent increasing lr', { min: 0, max: 1 }),
  annealStrategy: { type: 'string', default: 'cos', choices: ['cos', 'linear'], doc: 'annealing shape' },
  cycleMomentum: { type: 'boolean', default: true, doc: 'cycle momentum (or β1) inversely to lr' },
  baseMomentum: perGroupNum(0.85, 'lowest momentum (at peak lr)'),
  maxMomentum: perGroupNum(0.95, 'highest momentum'),
  divFactor: num(25, 'initial lr = maxLr / divFactor', { min: 0, minExclusive: true }),
  finalDivFactor: num(1e4, 'final lr = initial lr / finalDivFactor', { min: 0, minExclusive: true }),
  threePhase: { type: 'boolean', default: false, doc: 'three phases (up, down to initial, annihilate) instead of two' },
};

/**
 * The 1cycle policy (Smith & Topin 2019; PyTorch OneCycleLR): lr rises from maxLr/divFactor to
 * maxLr over pctStart of totalSteps, then anneals to maxLr/(divFactor·finalDivFactor)
 * (three-phase: back to the initial lr first); momentum (or β1) cycles inversely between
 * maxMomentum and baseMomentum.
 */
export class OneCycleSchedule extends Schedule {
  readonly name = 'onecycle';

  private phases(): { end: number; lr: [string, string]; mom: [string, string] }[] {
    const o = this.options as { totalSteps: number; pctStart: number; threePhase: boolean };
    const T = o.totalSteps;
    return o.threePhase
      ? [
          { end: o.pctStart * T - 1, lr: ['initial', 'max'], mom: ['maxM', 'baseM'] },
          { end: 2 * o.pctStart * T - 2, lr: ['max', 'initial'], mom: ['baseM', 'maxM'] },
          { end: T - 1, lr: ['initial', 'min'], mom: ['maxM', 'maxM'] },
        ]
      : [
          { end: o.pctStart * T - 1, lr: ['initial', 'max'], mom: ['maxM', 'baseM'] },
          { end: T - 1, lr: ['max', 'min'], mom: ['baseM', 'maxM'] },
        ];
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.options.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  private values(t: number, group: number): { lr: number; mom: number } {
    const o = this.options as { totalSteps: number; divFactor: number; finalDivFactor: number };
    if (t > o.totalSteps) throw new Error(`onecycle: stepped ${t + 1} times but totalSteps is ${o.totalSteps}`);
    const max = perGroup(this.options.maxLr, group, 'onecycle', 'maxLr');
    const initial = max / o.divFactor;
    const v: Record<string, number> = {
      initial,
      max,
      min: initial / o.finalDivFactor,
      maxM: perGroup(this.options.maxMomentum, group, 'onecycle', 'maxMomentum'),
      baseM: perGroup(this.options.baseMomentum, group, 'onecycle', 'baseMomentum'),
    };
    const phases = this.phases();
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const ph = phases[i];
      if (t <= ph.end || i === phases.length - 1) {
        const pct = (t - start) / (ph.end - start);
        return { lr: this.anneal(v[ph.lr[0]], v[ph.lr[1]], pct), mom: this.anneal(v[ph.mom[0]], v[ph.mom[1]], pct) };
      }
      start = ph.end;
    }
    throw new Error('unreachable');
  }

  lrAt(t: number, _base: number, group = 0): number {
    return this.values(t, group).lr;
  }

  override momentumAt(t: number, group: number): number | undefined {
    return this.options.cycleMomentum ? this.values(t, group).mom : undefined;
  }

  override baseLrFor(_groupLr: number, group: number): number {
    return perGroup(this.options.maxLr, group, 'onecycle', 'maxLr') / (this.options.divFactor as number);
  }
}

/** The `onecycle` schedule as the catalog lists it. */
export const onecycleDefinition: ScheduleDefinition = {
  name: 'onecycle',
  doc: '1cycle: warm up to maxLr then anneal far below, momentum cycled inversely (OneCycleLR; Smith & Topin 2019)',
  options: onecycleOptions,
  aliases: ['onecyclelr', 'one_cycle'],
  create: (o) => new OneCycleSchedule(o),
};
