/** `SequentialSchedule`: schedules one after another, built in code only. */
import { PlateauSchedule } from './plateau.js';
import { Schedule } from './schedule.js';

/**
 * Schedules one after another (PyTorch SequentialLR): schedules[i] runs from milestones[i-1]
 * (0 for the first) with its step counted from there, so lr(t) = schedules[i].lrAt(t - start_i).
 */
export class SequentialSchedule extends Schedule {
  readonly name = 'sequential';

  constructor(readonly schedules: readonly Schedule[], readonly milestones: readonly number[]) {
    super({ milestones: [...milestones] });
    if (schedules.length === 0 || milestones.length !== schedules.length - 1) {
      throw new RangeError(`sequential: expected one milestone fewer than schedules, got ${schedules.length} schedule(s) and ${milestones.length} milestone(s)`);
    }
    milestones.forEach((m, i) => {
      if (!Number.isInteger(m) || m < 1 || (i > 0 && m <= milestones[i - 1])) {
        throw new RangeError(`sequential: milestones must be increasing positive integers, got ${JSON.stringify(milestones)}`);
      }
    });
    if (schedules.some((s) => s instanceof PlateauSchedule)) throw new Error('sequential: reduce-on-plateau is not a function of the step and cannot be sequenced');
  }

  private phase(t: number): [Schedule, number] {
    let i = 0;
    while (i < this.milestones.length && t >= this.milestones[i]) i++;
    return [this.schedules[i], i === 0 ? t : t - this.milestones[i - 1]];
  }

  lrAt(t: number, base: number, group = 0): number {
    const [schedule, local] = this.phase(t);
    return schedule.lrAt(local, base, group);
  }

  override momentumAt(t: number, group: number): number | undefined {
    const [schedule, local] = this.phase(t);
    return schedule.momentumAt(local, group);
  }

  override baseLrFor(groupLr: number, group: number): number {
    return this.schedules[0].baseLrFor(groupLr, group);
  }
}
