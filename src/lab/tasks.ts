/**
 * What a task is: what a trial trains. Each task declares its options as a strict zod schema
 * ({@link optionsSchema}: defaults filled in, unknown keys refused) and runs one trial of a
 * method with a seed. The tasks themselves are listed in ./catalog.ts.
 */
import type { z } from 'zod';
import { getOptimizerEntry } from '../optim/index.js';
import { hasLr, type Method } from './methods.js';
import type { TrialConfig, TrialOutput } from './trial.js';
import { LabError, type JsonObject } from './util.js';

export { optionsSchema } from './options-schema.js';

/** What a running task may report back. */
export interface TaskHooks {
  /** Called now and then with the fraction done (0..1) and an optional short status. */
  onProgress?: (fraction: number, status?: string) => void;
  /**
   * An intermediate report at the end of each epoch (tasks with {@link TaskDef.epochReports}):
   * the epoch (from 1) and its figures (the names of the task's `epochs` columns). Returning
   * true stops the trial there (a pruner's decision, see `descent tune`'s asha search); the
   * record then holds the epochs run so far and the last epoch's figures.
   */
  onEpoch?: (epoch: number, values: Record<string, number>) => boolean | void;
}

/** A task: its name, its options and how one trial of it runs. */
export interface TaskDef {
  name: string;
  title: string;
  description: string;
  /** Validates and fills the task options. */
  schema: z.ZodType<JsonObject>;
  /** The figure a summary ranks by, and whether lower is better. */
  primary: { metric: string; goal: 'min' | 'max' };
  /**
   * The learning rate a method runs with when its options have none, given the validated task
   * options; undefined leaves the optimizer's own default. Applied only by {@link withDefaultLr}.
   */
  defaultLr?(method: Method, options: JsonObject): number | undefined;
  run(config: TrialConfig, options: JsonObject, hooks: TaskHooks): Promise<TrialOutput> | TrialOutput;
  /**
   * Set when the task calls {@link TaskHooks.onEpoch} after every epoch and honours its stop:
   * `option` is the task option counting the epochs (the budget asha searches over), `metrics`
   * the figures each report carries.
   */
  epochReports?: { option: string; metrics: readonly string[] };
}

/**
 * The one place a task's default learning rate is applied: the method as it is when its options
 * name an lr, else with the task's default for these (validated) options, when the task has one.
 */
export function withDefaultLr(task: TaskDef, method: Method, options: JsonObject): Method {
  if (hasLr(method)) return method;
  const lr = task.defaultLr?.(method, options);
  return lr === undefined ? method : applyDefaultLr(method, lr);
}

/**
 * The method with learning rate `lr` where its options name none. A wrapper (lookahead, swa,
 * ...) has no lr of its own: the default goes to its inner optimizer's options.
 */
export function applyDefaultLr(method: Method, lr: number): Method {
  if (hasLr(method)) return method;
  if (getOptimizerEntry(method.optimizer).wrapper) {
    const inner = method.options.optimizerOptions;
    const innerOptions = inner && typeof inner === 'object' && !Array.isArray(inner) ? inner : {};
    return 'lr' in innerOptions ? method : { ...method, options: { ...method.options, optimizerOptions: { ...innerOptions, lr } } };
  }
  return { ...method, options: { ...method.options, lr } };
}

/** Validates task options with the task's schema; errors name the field under `path`. */
export function parseTaskOptions(task: TaskDef, options: unknown, path = 'options'): JsonObject {
  const r = task.schema.safeParse(options ?? {});
  if (!r.success) {
    const first = r.error.issues[0];
    const where = [path, ...first.path.map(String)].join('.');
    // An unknown option: name the valid ones (a strict object schema knows them).
    const shape = (task.schema as unknown as { shape?: Record<string, unknown> }).shape;
    const message = first.code === 'unrecognized_keys' && shape && first.path.length === 0 ? `unknown option${first.keys.length > 1 ? 's' : ''} ${first.keys.map((k) => `'${k}'`).join(', ')}; valid options: ${Object.keys(shape).join(', ')}` : first.message;
    throw new LabError(`${where}: ${message} (task '${task.name}')`);
  }
  return r.data;
}
