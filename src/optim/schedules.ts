/**
 * Learning-rate schedules. A {@link Schedule} is a pure function of the step (`lrAt(t, baseLr)`),
 * usable on its own (optax style) or attached to an optimizer as an {@link LRScheduler} with
 * PyTorch's `scheduler.step()` semantics: attaching sets every group's lr to `lrAt(0)`, and each
 * `step()` (called after `optimizer.step()`) advances t by one and sets `lrAt(t)`. The numbers
 * match torch.optim.lr_scheduler (checked against PyTorch 1.13 fixtures).
 *
 * Reduce-on-plateau is not a function of the step: its {@link ReduceLROnPlateau} scheduler
 * takes the metric in `step(metric)`.
 *
 * By name: `createSchedule('cosine', { tMax: 100 }).attach(optimizer)`; `listSchedules()`,
 * `describeSchedule(name)`. Warmup and cyclic rates: seed 000 §2.2.1.
 */
import type { Optimizer } from './optimizer.js';
import { describeOptionType, resolveOptions, type OptionSpecs } from './options.js';
import type { OptionDescription } from './registry.js';
import type { JSONValue } from './types.js';

type Group = Record<string, unknown>;

/** A learning-rate schedule: lr as a function of the step, given the group's base lr. */
export abstract class Schedule {
  abstract readonly name: string;
  /** The validated options it was built from. */
  readonly options: Record<string, unknown>;

  constructor(options: Record<string, unknown>) {
    this.options = options;
  }

  /** The learning rate at step t (t = 0 before the first `scheduler.step()`), for a group with base lr `baseLr`. */
  abstract lrAt(t: number, baseLr: number, group?: number): number;

  /** The momentum (or β1) at step t for schedules that cycle it; undefined otherwise. */
  momentumAt(_t: number, _group: number): number | undefined {
    return undefined;
  }

  /** The base lr of group `group` given its current lr (one-cycle and cyclic fix their own). */
  baseLrFor(groupLr: number, _group: number): number {
    return groupLr;
  }

  /** Binds the schedule to an optimizer (sets every group's lr to lrAt(0)). */
  attach(optimizer: Optimizer<object>): Scheduler {
    return new LRScheduler(optimizer, this);
  }
}

/** What `attach` returns: advance with `step()` once per optimizer step (or per epoch). */
export interface Scheduler {
  readonly optimizer: Optimizer<object>;
  step(metric?: number): void;
  /** The lr of each group after the last `step()`. */
  getLastLr(): number[];
  stateDict(): JSONValue;
  loadStateDict(state: JSONValue): void;
}

function groupsOf(optimizer: Optimizer<object>): Group[] {
  return optimizer.paramGroups as unknown as Group[];
}

function setMomentum(g: Group, m: number, owner: string): void {
  if (Array.isArray(g.betas)) g.betas = [m, ...(g.betas as number[]).slice(1)];
  else if ('momentum' in g) g.momentum = m;
  else throw new Error(`${owner}: cycleMomentum needs an optimizer with a 'momentum' or 'betas' option; pass cycleMomentum: false`);
}

/** A step-based schedule bound to an optimizer (torch.optim.lr_scheduler semantics). */
export class LRScheduler implements Scheduler {
  /** The step index of the current lr (-1 before construction finishes). */
  lastEpoch = -1;
  readonly baseLrs: number[];
  private lastLr: number[] = [];

  constructor(readonly optimizer: Optimizer<object>, readonly schedule: Schedule) {
    this.baseLrs = groupsOf(optimizer).map((g, i) => {
      if (typeof g.lr !== 'number') throw new Error(`${schedule.name}: parameter group ${i} has no numeric lr to schedule`);
      return schedule.baseLrFor(g.lr, i);
    });
    if (schedule.momentumAt(0, 0) !== undefined) for (const g of groupsOf(optimizer)) setMomentum(g, 0, schedule.name);
    this.step();
  }

  /** Advances one step (or jumps to `epoch`) and sets each group's lr (and momentum). */
  step(epoch?: number): void {
    this.lastEpoch = epoch ?? this.lastEpoch + 1;
    this.apply();
  }

  private apply(): void {
    groupsOf(this.optimizer).forEach((g, i) => {
      g.lr = this.schedule.lrAt(this.lastEpoch, this.baseLrs[i], i);
      const m = this.schedule.momentumAt(this.lastEpoch, i);
      if (m !== undefined) setMomentum(g, m, this.schedule.name);
    });
    this.lastLr = groupsOf(this.optimizer).map((g) => g.lr as number);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): JSONValue {
    return { schedule: this.schedule.name, lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  loadStateDict(state: JSONValue): void {
    const s = state as { lastEpoch?: unknown; baseLrs?: unknown };
    if (!s || typeof s.lastEpoch !== 'number' || !Array.isArray(s.baseLrs) || s.baseLrs.length !== this.baseLrs.length) {
      throw new Error(`${this.schedule.name}.loadStateDict: expected { lastEpoch, baseLrs } with ${this.baseLrs.length} base lrs`);
    }
    this.baseLrs.splice(0, this.baseLrs.length, ...(s.baseLrs as number[]));
    this.lastEpoch = s.lastEpoch;
    this.apply();
  }
}

// ---- the schedules ------------------------------------------------------------------------

/** lr = base · factor for t < totalIters, then base (PyTorch ConstantLR; factor 1: constant). */
export class ConstantSchedule extends Schedule {
  readonly name = 'constant';
  lrAt(t: number, base: number): number {
    const o = this.options as { factor: number; totalIters: number };
    return t < o.totalIters ? base * o.factor : base;
  }
}

/** lr = base · γ^⌊t / stepSize⌋ (PyTorch StepLR). */
export class StepSchedule extends Schedule {
  readonly name = 'step';
  lrAt(t: number, base: number): number {
    const o = this.options as { stepSize: number; gamma: number };
    return base * o.gamma ** Math.floor(t / o.stepSize);
  }
}

/** lr = base · γ^(number of milestones ≤ t) (PyTorch MultiStepLR). */
export class MultiStepSchedule extends Schedule {
  readonly name = 'multistep';
  lrAt(t: number, base: number): number {
    const o = this.options as { milestones: number[]; gamma: number };
    return base * o.gamma ** o.milestones.filter((m) => m <= t).length;
  }
}

/** lr = base · γ^t (PyTorch ExponentialLR). */
export class ExponentialSchedule extends Schedule {
  readonly name = 'exponential';
  lrAt(t: number, base: number): number {
    return base * (this.options.gamma as number) ** t;
  }
}

/** lr = base · (1 - min(t, T)/T)^power (PyTorch PolynomialLR). */
export class PolynomialSchedule extends Schedule {
  readonly name = 'polynomial';
  lrAt(t: number, base: number): number {
    const o = this.options as { totalIters: number; power: number };
    return base * (1 - Math.min(o.totalIters, t) / o.totalIters) ** o.power;
  }
}

/** lr = ηmin + (base - ηmin)(1 + cos(π t / T))/2 (Loshchilov & Hutter 2017; PyTorch CosineAnnealingLR). */
export class CosineSchedule extends Schedule {
  readonly name = 'cosine';
  lrAt(t: number, base: number): number {
    const o = this.options as { tMax: number; etaMin: number };
    return o.etaMin + ((base - o.etaMin) * (1 + Math.cos((Math.PI * t) / o.tMax))) / 2;
  }
}

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

function perGroup(v: unknown, group: number, owner: string, key: string): number {
  if (typeof v === 'number') return v;
  const list = v as number[];
  if (group >= list.length) throw new Error(`${owner}: ${key} has ${list.length} values but the optimizer has more parameter groups`);
  return list[group];
}

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
    const amp = o.mode === 'triangular' ? 1 : o.mode === 'triangular2' ? 1 / 2 ** (cycle - 1) : o.gamma ** t;
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

/** lr = base · (s + (e - s) · min(t, T)/T) (PyTorch LinearLR). */
export class LinearSchedule extends Schedule {
  readonly name = 'linear';
  lrAt(t: number, base: number): number {
    const o = this.options as { startFactor: number; endFactor: number; totalIters: number };
    return base * (o.startFactor + ((o.endFactor - o.startFactor) * Math.min(o.totalIters, t)) / o.totalIters);
  }
}

/** lr = base / √(1 + t/τ): inverse square-root decay (Vaswani et al. 2017, after warmup). */
export class InverseSqrtSchedule extends Schedule {
  readonly name = 'invsqrt';
  lrAt(t: number, base: number): number {
    return base / Math.sqrt(1 + t / (this.options.timescale as number));
  }
}

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

/**
 * lr = base · factor(t, group) for a function of the step (PyTorch LambdaLR). Built in code only:
 * a function is not an option a lab spec can carry, so it is not in the registry.
 */
export class LambdaSchedule extends Schedule {
  readonly name = 'lambda';

  constructor(readonly factor: (t: number, group: number) => number) {
    super({});
    if (typeof factor !== 'function') throw new TypeError(`lambda: expected a function of the step giving the lr factor, got ${typeof factor}`);
  }

  lrAt(t: number, base: number, group = 0): number {
    const f = this.factor(t, group);
    if (typeof f !== 'number' || !Number.isFinite(f)) throw new Error(`lambda: the factor function gave ${String(f)} at step ${t}; expected a finite number`);
    return base * f;
  }
}

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

/** Puts a linear warmup of `warmupSteps` steps in front of `schedule`. */
export function linearWarmup(schedule: Schedule | null, options: { warmupSteps: number; startFactor?: number }): WarmupSchedule {
  return new WarmupSchedule(resolveOptions('warmup', scheduleSpecs.warmup, { ...options }), schedule);
}

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
    this.options = resolveOptions('plateau', scheduleSpecs.plateau, options as Record<string, unknown>) as unknown as PlateauOptions;
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

// ---- registry -----------------------------------------------------------------------------

const num = (dflt: number | undefined, doc: string, extra: Partial<OptionSpecs[string]> = {}) =>
  ({ type: 'number', default: dflt, doc, ...extra }) as OptionSpecs[string];
const int = (dflt: number | undefined, doc: string, min = 1) => ({ type: 'integer', default: dflt, min, doc }) as OptionSpecs[string];
const perGroupNum = (dflt: number | undefined, doc: string) => ({ type: 'numberOrNumbers', default: dflt, min: 0, doc }) as OptionSpecs[string];

/** Option tables of every schedule (same validation as optimizers). */
export const scheduleSpecs: Record<string, OptionSpecs> = {
  constant: {
    factor: num(1, 'multiplier of the base lr during the first totalIters steps', { min: 0, max: 1 }),
    totalIters: int(0, 'steps during which the factor applies', 0),
  },
  step: { stepSize: int(undefined, 'period of the decay in steps'), gamma: num(0.1, 'multiplicative decay', { min: 0 }) },
  multistep: {
    milestones: { type: 'numbers', default: undefined, min: 0, doc: 'increasing step indices at which lr is multiplied by gamma',
      check: (v: number[]) => (v.every((x, i) => i === 0 || x > v[i - 1]) ? null : 'milestones must be increasing') },
    gamma: num(0.1, 'multiplicative decay', { min: 0 }),
  },
  exponential: { gamma: num(undefined, 'multiplicative decay per step', { min: 0 }) },
  polynomial: { totalIters: int(5, 'steps over which lr decays to 0'), power: num(1, 'power of the polynomial', { min: 0 }) },
  cosine: { tMax: int(undefined, 'half period T_max in steps'), etaMin: num(0, 'minimum lr', { min: 0 }) },
  sgdr: { t0: int(undefined, 'length of the first period'), tMult: int(1, 'period multiplier after each restart'), etaMin: num(0, 'minimum lr', { min: 0 }) },
  onecycle: {
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
  },
  cyclic: {
    baseLr: perGroupNum(undefined, 'lower lr bound (or one per group)'),
    maxLr: perGroupNum(undefined, 'upper lr bound (or one per group)'),
    stepSizeUp: int(2000, 'steps in the increasing half of a cycle'),
    stepSizeDown: { type: 'integer', default: null, nullable: true, min: 1, doc: 'steps in the decreasing half (null: stepSizeUp)' },
    mode: { type: 'string', default: 'triangular', choices: ['triangular', 'triangular2', 'exp_range'], doc: 'amplitude policy' },
    gamma: num(1, "decay base of 'exp_range' (amplitude γ^t)", { min: 0 }),
    cycleMomentum: { type: 'boolean', default: true, doc: 'cycle momentum (or β1) inversely to lr' },
    baseMomentum: perGroupNum(0.8, 'lowest momentum (at peak lr)'),
    maxMomentum: perGroupNum(0.9, 'highest momentum'),
  },
  linear: {
    startFactor: num(1 / 3, 'multiplier of the base lr at step 0', { min: 0, max: 1, minExclusive: true }),
    endFactor: num(1, 'multiplier at totalIters and after', { min: 0, max: 1 }),
    totalIters: int(5, 'steps of the linear ramp'),
  },
  invsqrt: { timescale: num(1, 'τ in lr = base/√(1 + t/τ)', { min: 0, minExclusive: true }) },
  warmup: {
    warmupSteps: int(undefined, 'steps of linear warmup'),
    startFactor: num(0, 'multiplier of the base lr at step 0', { min: 0, max: 1 }),
    schedule: { type: 'string', default: null, nullable: true, doc: 'name of the schedule that follows the warmup (null: constant)' },
    scheduleOptions: { type: 'object', default: {}, doc: 'options of that schedule' },
  },
  plateau: {
    mode: { type: 'string', default: 'min', choices: ['min', 'max'], doc: 'whether the metric should decrease or increase' },
    factor: num(0.1, 'lr multiplier on a plateau', { min: 0, max: 1, maxExclusive: true }),
    patience: int(10, 'steps without improvement before reducing', 0),
    threshold: num(1e-4, 'minimal change that counts as an improvement', { min: 0 }),
    thresholdMode: { type: 'string', default: 'rel', choices: ['rel', 'abs'], doc: 'relative or absolute threshold' },
    cooldown: int(0, 'steps to wait after a reduction', 0),
    minLr: perGroupNum(0, 'lower bound on lr (or one per group)'),
    eps: num(1e-8, 'reductions smaller than this are skipped', { min: 0 }),
  },
};

const scheduleDocs: Record<string, string> = {
  constant: 'constant lr (PyTorch ConstantLR: base·factor for the first totalIters steps)',
  step: 'step decay: base·γ^⌊t/stepSize⌋ (StepLR)',
  multistep: 'base·γ^(milestones passed) (MultiStepLR)',
  exponential: 'base·γ^t (ExponentialLR)',
  polynomial: 'base·(1 - min(t,T)/T)^power (PolynomialLR)',
  cosine: 'cosine annealing ηmin + (base-ηmin)(1+cos(πt/T))/2 (CosineAnnealingLR; Loshchilov & Hutter 2017)',
  sgdr: 'cosine annealing with warm restarts, periods T0·tMult^i (CosineAnnealingWarmRestarts; Loshchilov & Hutter 2017)',
  onecycle: '1cycle: warm up to maxLr then anneal far below, momentum cycled inversely (OneCycleLR; Smith & Topin 2019)',
  cyclic: 'cyclical lr between baseLr and maxLr: triangular, triangular2, exp_range (CyclicLR; Smith 2017)',
  linear: 'linear ramp of the multiplier from startFactor to endFactor (LinearLR)',
  invsqrt: 'inverse square root decay base/√(1 + t/τ) (Vaswani et al. 2017)',
  warmup: 'linear warmup from startFactor·base, then any other schedule (Goyal et al. 2017)',
  plateau: 'reduce lr by factor when a metric stops improving (ReduceLROnPlateau); step(metric)',
};

const aliases: Record<string, string> = {
  steplr: 'step', multisteplr: 'multistep', exponentiallr: 'exponential', polynomiallr: 'polynomial', poly: 'polynomial',
  cosineannealinglr: 'cosine', cosine_restarts: 'sgdr', cosineannealingwarmrestarts: 'sgdr', onecyclelr: 'onecycle',
  one_cycle: 'onecycle', cycliclr: 'cyclic', linearlr: 'linear', constantlr: 'constant', inverse_sqrt: 'invsqrt',
  reducelronplateau: 'plateau', reduce_on_plateau: 'plateau', linear_warmup: 'warmup',
};

/** Canonical names of every schedule, sorted. */
export function listSchedules(): string[] {
  return Object.keys(scheduleSpecs).sort();
}

function canonical(name: string, op: string): string {
  if (typeof name !== 'string') throw new TypeError(`${op}: the schedule name must be a string`);
  const k = name.trim().toLowerCase();
  const c = aliases[k] ?? k;
  if (!(c in scheduleSpecs)) throw new Error(`${op}: unknown schedule '${name}'; available: ${listSchedules().join(', ')}`);
  return c;
}

/** Builds a schedule by name; invalid options throw errors listing the valid ones. */
export function createSchedule(name: string, options: Record<string, unknown> = {}): Schedule {
  const c = canonical(name, 'createSchedule');
  const o = resolveOptions(c, scheduleSpecs[c], options);
  switch (c) {
    case 'constant': return new ConstantSchedule(o);
    case 'step': return new StepSchedule(o);
    case 'multistep': return new MultiStepSchedule(o);
    case 'exponential': return new ExponentialSchedule(o);
    case 'polynomial': return new PolynomialSchedule(o);
    case 'cosine': return new CosineSchedule(o);
    case 'sgdr': return new CosineRestartsSchedule(o);
    case 'onecycle': return new OneCycleSchedule(o);
    case 'cyclic': return new CyclicSchedule(o);
    case 'linear': return new LinearSchedule(o);
    case 'invsqrt': return new InverseSqrtSchedule(o);
    case 'plateau': return new PlateauSchedule(o);
    case 'warmup': {
      const inner = o.schedule === null ? null : createSchedule(o.schedule as string, o.scheduleOptions as Record<string, unknown>);
      return new WarmupSchedule(o, inner);
    }
  }
  throw new Error(`createSchedule: unknown schedule '${name}'`);
}

/** Option names, types, defaults and the doc line of a schedule. */
export function describeSchedule(name: string): { name: string; doc: string; options: OptionDescription[] } {
  const c = canonical(name, 'describeSchedule');
  return {
    name: c,
    doc: scheduleDocs[c],
    options: Object.entries(scheduleSpecs[c]).map(([n, s]) => ({
      name: n, type: describeOptionType(s), default: s.default, required: s.default === undefined, doc: s.doc,
    })),
  };
}
