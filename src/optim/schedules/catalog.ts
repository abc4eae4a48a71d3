/**
 * Every schedule that can be built by name, one line each (`createSchedule` reads this list).
 * Adding a schedule: src/optim/schedules/NAME.ts with its options, its `Schedule` subclass and
 * its `ScheduleDefinition`, and a line here. `LambdaSchedule` and `SequentialSchedule` take
 * functions or other schedules, which no lab spec can carry, so they are built in code only.
 */
import { constantDefinition } from './constant.js';
import { cosineDefinition } from './cosine.js';
import { cyclicDefinition } from './cyclic.js';
import { exponentialDefinition } from './exponential.js';
import { invsqrtDefinition } from './invsqrt.js';
import { linearDefinition } from './linear.js';
import { multistepDefinition } from './multistep.js';
import { onecycleDefinition } from './onecycle.js';
import { plateauDefinition } from './plateau.js';
import { polynomialDefinition } from './polynomial.js';
import type { ScheduleDefinition } from './schedule.js';
import { sgdrDefinition } from './sgdr.js';
import { stepDefinition } from './step.js';
import { warmupDefinition } from './warmup.js';

/** The schedules that can be built by name. */
export const scheduleDefinitions: readonly ScheduleDefinition[] = [
  constantDefinition,
  stepDefinition,
  multistepDefinition,
  exponentialDefinition,
  polynomialDefinition,
  cosineDefinition,
  sgdrDefinition,
  onecycleDefinition,
  cyclicDefinition,
  linearDefinition,
  invsqrtDefinition,
  warmupDefinition,
  plateauDefinition,
];
