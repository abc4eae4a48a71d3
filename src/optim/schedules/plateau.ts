/**
 * Reduce-on-plateau: not a function of the step, so its {@link ReduceLROnPlateau} scheduler
 * takes the metric in `step(metric)`. Its options, classes and catalog entry.
 */
import type { Optimizer } from '../optimizer.js';
import { resolveOptions, type OptionSpecs } from '../options.js';
import type { JSONValue } from '../types.js';
import { int, num, perGroupNum } from './option-specs.js';
import { groupsOf, perGroup, Schedule, type ScheduleDefinition, type Scheduler } from './schedule.js';

/** Options of `plateau`. */
export const plateauOptions: OptionSpecs = {
  mode: { type: 'string', default: 'min', choices: ['min', 'max'], doc: 'whether the metric should decrease or increase' },
  factor: num(0.1, 'lr multiplier on a plateau', { min: 0, max: 1, maxExclusive: true }),
  patience: int(10, 'steps without improvement before reducing', 0),
  threshold: num(1e-4, 'minimal change that counts as an improvement', { min: 0 }),
  thresholdMode: { type: 'string', default: 'rel', choices: ['rel', 'abs'], doc: 'relative or absolute threshold' },
  cooldown: int(0, 'steps to wait after a reduction', 0),
  minLr: perGroupNum(0, 'lower bound on lr (or one per group)'),
  eps: num(1e-8, 'reductions smaller than this are skipped', { min: 0 }),
  };

/** Reduce-on-plateau as a schedule: `attach` gives a {@link ReduceLROnPlateau}. */
export class PlateauSchedule extends Schedule {
  readonly name = 'plateau';
  lrAt(): number {
    throw new Error('plateau: reduce-on-plateau depends on the metric, not the step; attach it and call step(metric)');
  }
  override attach(optimizer: Optimizer<object>): ReduceLROnPlateau {
    return new ReduceLROnPlateau(optimizer, this.options as unknown as PlateauOptions);
  }
}

export interface PlateauOptions {
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLr: number | number[];
  eps: number;
}

/**
 * Divides lr by 1/factor when the metric has not improved for `patience` steps
 * (PyTorch ReduceLROnPlateau, same thresholds, cooldown and minimum lr).
 */
export class ReduceLROnPlateau implements Scheduler {
  readonly options: PlateauOptions;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;

  constructor(readonly optimizer: Optimizer<object>, options: Partial<PlateauOptions> = {}) {
    this.options = resolveOptions('plateau', plateauOptions, options as Record<string, unknown>) as unknown as PlateauOptions;
    this.best = this.worst();
  }

  private worst(): number {
    return this.options.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number, best: number): boolean {
    const { mode, thresholdMode, threshold } = this.options;
    if (mode === 'min') return thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }

  step(metric?: number): void {
    if (typeof metric !== 'number' || Number.isNaN(metric)) throw new TypeError(`plateau: step(metric) needs the monitored metric as a number, got ${String(metric)}`);
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.options.patience) {
      groupsOf(this.optimizer).forEach((g, i) => {
        const old = g.lr as number;
        const minLr = perGroup(this.options.minLr, i, 'plateau', 'minLr');
        const next = Math.max(old * this.options.factor, minLr);
        if (old - next > this.options.eps) g.lr = next;
      });
      this.cooldownCounter = this.options.cooldown;
      this.numBadEpochs = 0;
    }
  }

  getLastLr(): number[] {
    return groupsOf(this.optimizer).map((g) => g.lr as number);
  }

  stateDict(): JSONValue {
    return {
      schedule: 'plateau',
      best: Number.isFinite(this.best) ? this.best : String(this.best),
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastEpoch: this.lastEpoch,
    };
  }

  loadStateDict(state: JSONValue): void {
    const s = state as Record<string, unknown>;
    if (!s || typeof s.numBadEpochs !== 'number') throw new Error('plateau.loadStateDict: expected { best, numBadEpochs, cooldownCounter, lastEpoch }');
    this.best = Number(s.best);
    this.numBadEpochs = s.numBadEpochs;
    this.cooldownCounter = Number(s.cooldownCounter);
    this.lastEpoch = Number(s.lastEpoch);
  }
}

/** The `plateau` schedule as the catalog lists it. */
export const plateauDefinition: ScheduleDefinition = {
  name: 'plateau',
  doc: 'reduce lr by factor when a metric stops improving (ReduceLROnPlateau); step(metric)',
  options: plateauOptions,
  aliases: ['reducelronplateau', 'reduce_on_plateau'],
  create: (o) => new PlateauSchedule(o),
};
