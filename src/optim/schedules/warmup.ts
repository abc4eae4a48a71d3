/** The `warmup` learning-rate schedule: its options, its class and its catalog entry. */
import { resolveOptions, type OptionSpecs } from '../options.js';
import { int, num } from './option-specs.js';
import { PlateauSchedule } from './plateau.js';
import { Schedule, type ScheduleDefinition } from './schedule.js';

/** Options of `warmup`. */
export const warmupOptions: OptionSpecs = {
  warmupSteps: int(undefined, 'steps of linear warmup'),
  startFactor: num(0, 'multiplier of the base lr at step 0', { min: 0, max: 1 }),
  schedule: { type: 'string', default: null, nullable: true, doc: 'name of the schedule that follows the warmup (null: constant)' },
  scheduleOptions: { type: 'object', default: {}, doc: 'options of that schedule' },
  };

/**
 * Linear warmup in front of any schedule (Goyal et al. 2017): for t < W,
 * lr = base · (s + (1 - s) t / W); from t = W on, the inner schedule at t - W (or base when none).
 */
export class WarmupSchedule extends Schedule {
  readonly name = 'warmup';
  readonly inner: Schedule | null;

  constructor(options: Record<string, unknown>, inner: Schedule | null) {
    super(options);
    if (inner instanceof PlateauSchedule) throw new Error('warmup: cannot warm up reduce-on-plateau (it is not a function of the step)');
    this.inner = inner;
  }

  lrAt(t: number, base: number, group = 0): number {
    const o = this.options as { warmupSteps: number; startFactor: number };
    if (t < o.warmupSteps) return base * (o.startFactor + ((1 - o.startFactor) * t) / o.warmupSteps);
    return this.inner ? this.inner.lrAt(t - o.warmupSteps, base, group) : base;
  }

  override momentumAt(t: number, group: number): number | undefined {
    const w = this.options.warmupSteps as number;
    return this.inner ? this.inner.momentumAt(Math.max(0, t - w), group) : undefined;
  }

  override baseLrFor(groupLr: number, group: number): number {
    return this.inner ? this.inner.baseLrFor(groupLr, group) : groupLr;
  }
}

/** Puts a linear warmup of `warmupSteps` steps in front of `schedule`. */
export function linearWarmup(schedule: Schedule | null, options: { warmupSteps: number; startFactor?: number }): WarmupSchedule {
  return new WarmupSchedule(resolveOptions('warmup', warmupOptions, { ...options }), schedule);
}

/** The `warmup` schedule as the catalog lists it. */
export const warmupDefinition: ScheduleDefinition = {
  name: 'warmup',
  doc: 'linear warmup from startFactor·base, then any other schedule (Goyal et al. 2017)',
  options: warmupOptions,
  aliases: ['linear_warmup'],
  create: (o, build) => new WarmupSchedule(o, o.schedule === null ? null : build(o.schedule as string, o.scheduleOptions as Record<string, unknown>)),
};
