/**
 * The schedule base class and its binding to an optimizer. A {@link Schedule} is a pure
 * function of the step (`lrAt(t, baseLr)`), usable on its own (optax style) or attached to an
 * optimizer as an {@link LRScheduler} with PyTorch's `scheduler.step()` semantics: attaching
 * sets every group's lr to `lrAt(0)`, and each `step()` (called after `optimizer.step()`)
 * advances t by one and sets `lrAt(t)`.
 */
import type { Optimizer } from '../optimizer.js';
import type { OptionSpecs } from '../options.js';
import type { JSONValue } from '../types.js';

/** A parameter group as schedules see it. */
export type Group = Record<string, unknown>;

/**
 * What a schedule file exports beside its class: the name, doc line, option table and aliases
 * the catalog lists, and how to build it from validated options. `build` is `createSchedule`,
 * for schedules that hold another by name (warmup).
 */
export interface ScheduleDefinition {
  /** Canonical lower-case name, e.g. 'cosine'. */
  name: string;
  /** One line: lr as a function of t (and the PyTorch class it matches). */
  doc: string;
  options: OptionSpecs;
  /** Other names accepted by `createSchedule` (PyTorch's class names, lower case). */
  aliases?: readonly string[];
  create(options: Record<string, unknown>, build: (name: string, options: Record<string, unknown>) => Schedule): Schedule;
}

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

/** The optimizer's parameter groups as plain records. */
export function groupsOf(optimizer: Optimizer<object>): Group[] {
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

/** A per-group option's value for group `group` (a number applies to every group). */
export function perGroup(v: unknown, group: number, owner: string, key: string): number {
  if (typeof v === 'number') return v;
  const list = v as number[];
  if (group >= list.length) throw new Error(`${owner}: ${key} has ${list.length} values but the optimizer has more parameter groups`);
  return list[group];
}
