/**
 * Learning-rate schedules: one file per schedule (its options beside its class), the
 * {@link Schedule} base and its PyTorch-style binding in ./schedule.ts, and the catalog that
 * `createSchedule` reads. The numbers match torch.optim.lr_scheduler (checked against
 * PyTorch 1.13 fixtures).
 *
 * By name: `createSchedule('cosine', { tMax: 100 }).attach(optimizer)`; `listSchedules()`,
 * `describeSchedule(name)`. Warmup and cyclic rates: seed 000 §2.2.1.
 */
import { describeOptionType, resolveOptions, type OptionSpecs } from '../options.js';
import type { OptionDescription } from '../registry.js';
import { scheduleDefinitions } from './catalog.js';
import type { UncheckedName } from '../names.js';
import type { ScheduleName, ScheduleOptionsByName } from './names.js';
import type { Schedule, ScheduleDefinition } from './schedule.js';

export { Schedule, LRScheduler, type Scheduler, type ScheduleDefinition } from './schedule.js';
export { ConstantSchedule, constantOptions, constantDefinition } from './constant.js';
export { StepSchedule, stepOptions, stepDefinition } from './step.js';
export { MultiStepSchedule, multistepOptions, multistepDefinition } from './multistep.js';
export { ExponentialSchedule, exponentialOptions, exponentialDefinition } from './exponential.js';
export { PolynomialSchedule, polynomialOptions, polynomialDefinition } from './polynomial.js';
export { CosineSchedule, cosineOptions, cosineDefinition } from './cosine.js';
export { CosineRestartsSchedule, sgdrOptions, sgdrDefinition } from './sgdr.js';
export { OneCycleSchedule, onecycleOptions, onecycleDefinition } from './onecycle.js';
export { CyclicSchedule, cyclicOptions, cyclicDefinition } from './cyclic.js';
export { LinearSchedule, linearOptions, linearDefinition } from './linear.js';
export { InverseSqrtSchedule, invsqrtOptions, invsqrtDefinition } from './invsqrt.js';
export { WarmupSchedule, linearWarmup, warmupOptions, warmupDefinition } from './warmup.js';
export { PlateauSchedule, ReduceLROnPlateau, plateauOptions, plateauDefinition, type PlateauOptions } from './plateau.js';
export { LambdaSchedule } from './lambda.js';
export { SequentialSchedule } from './sequential.js';
export { scheduleDefinitions } from './catalog.js';
export type * from './names.js';

const byName = new Map<string, ScheduleDefinition>();
for (const d of scheduleDefinitions) {
  for (const n of [d.name, ...(d.aliases ?? [])]) {
    if (byName.has(n)) throw new Error(`schedule catalog: '${n}' is listed twice`);
    byName.set(n, d);
  }
}

/** Option tables of every schedule by canonical name (same validation as optimizers). */
export const scheduleSpecs: Record<string, OptionSpecs> = Object.fromEntries(scheduleDefinitions.map((d) => [d.name, d.options]));

/** Canonical names of every schedule, sorted. */
export function listSchedules(): string[] {
  return scheduleDefinitions.map((d) => d.name).sort();
}

function lookup(name: string, op: string): ScheduleDefinition {
  if (typeof name !== 'string') throw new TypeError(`${op}: the schedule name must be a string`);
  const d = byName.get(name.trim().toLowerCase());
  if (!d) throw new Error(`${op}: unknown schedule '${name}'; available: ${listSchedules().join(', ')}`);
  return d;
}

/** Builds a schedule by name; invalid options throw errors listing the valid ones. */
export function createSchedule<N extends ScheduleName>(name: N, options?: ScheduleOptionsByName[N]): Schedule;
/** A name known only when it runs (a `string` from a spec file or a flag). */
export function createSchedule<N extends string>(name: N & UncheckedName<N>, options?: Record<string, unknown>): Schedule;
export function createSchedule(name: string, options: Record<string, unknown> = {}): Schedule {
  const d = lookup(name, 'createSchedule');
  return d.create(resolveOptions(d.name, d.options, options), createSchedule as (name: string, options: Record<string, unknown>) => Schedule);
}

/** Option names, types, defaults and the doc line of a schedule. */
export function describeSchedule(name: string): { name: string; doc: string; options: OptionDescription[] } {
  const d = lookup(name, 'describeSchedule');
  return {
    name: d.name,
    doc: d.doc,
    options: Object.entries(d.options).map(([n, s]) => ({
      name: n, type: describeOptionType(s), default: s.default, required: s.default === undefined, doc: s.doc,
    })),
  };
}
