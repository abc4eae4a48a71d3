/**
 * The trajectory part of `descent trace`, free of node-only imports so that the browser
 * playground runs the very same code (its `descentPlayground.trace` must equal the CLI's
 * `--json`). Plotting and flag parsing stay in ./trace.ts.
 */
import { resolveMethod, type Method } from './methods.js';
import { functions2d, functions2dTasks, getFunction2D, runFunction2D } from './problems/functions2d.js';
import { onlineDefaults, onlineTasks, runOnline, type OnlineKind } from './problems/online.js';
import { parseTaskOptions, withDefaultLr, type TaskDef } from './tasks.js';
import { LabError, type JsonObject } from './util.js';

/** The problems `descent trace` accepts: every 2D function, then the two online counterexamples. */
export const traceProblems = [...functions2d.map((f) => f.name), 'online-stochastic', 'online-sequential'];

export interface TraceResult {
  problem: string;
  optimizer: string;
  /** The options the optimizer ran with (the given ones, plus the problem's default lr when none was given). */
  options: JsonObject;
  /** The start point, then the point after each step. */
  iterates: number[][];
  /** f at each iterate (2D functions) or the per-step cost's expectation δθ (online). */
  values: number[];
  seed: number;
}

export interface TraceOptions {
  problem: string;
  optimizer: string;
  options?: JsonObject;
  steps?: number;
  start?: number[];
  seed?: number;
}

/** One optimizer on one trace problem: the start point, then the point after each step. */
export function runTrace(o: TraceOptions): TraceResult {
  const problem = o.problem.toLowerCase();
  const method = resolveMethod(o.optimizer, o.options ?? {});
  const seed = o.seed ?? 0;
  const fn = getFunction2D(problem);
  if (fn) {
    const start = (o.start ?? fn.start) as number[];
    if (start.length !== 2) throw new LabError(`--start: ${problem} is two-dimensional: give x,y (got ${start.length} number${start.length === 1 ? '' : 's'})`);
    const m = taskDefaultLr(fn.name, method);
    const tr = runFunction2D(fn, m, o.steps ?? 500, [start[0], start[1]]);
    return { problem: fn.name, optimizer: o.optimizer, options: m.options, iterates: tr.points.map((p) => [p[0], p[1]]), values: tr.losses, seed };
  }
  if (problem === 'online-stochastic' || problem === 'online-sequential') {
    const kind = problem.slice('online-'.length) as OnlineKind;
    const start = o.start ?? [0];
    if (start.length !== 1) throw new LabError(`--start: ${problem} is one-dimensional: give a single θ (got ${start.length} numbers)`);
    const m = taskDefaultLr(problem, method);
    const opts = { ...onlineDefaults[kind], steps: o.steps ?? onlineDefaults[kind].steps, start: start[0], copies: 1, points: 1 };
    const r = runOnline(m, opts, seed, { trace: true });
    const slope = kind === 'stochastic' ? opts.delta : (opts.C - (opts.d - 1)) / opts.d;
    return { problem, optimizer: o.optimizer, options: m.options, iterates: r.iterates!.map((t) => [t]), values: r.iterates!.map((t) => slope * t), seed };
  }
  throw new LabError(`unknown problem '${o.problem}'; available: ${traceProblems.join(', ')}`);
}

// The same task objects the lab's catalog lists (the catalog itself pulls in node-only reproductions).
const traceTasks: readonly TaskDef[] = [...functions2dTasks, ...onlineTasks];

/** The method with the default lr of the task of the same name (its default options), when it names none. */
function taskDefaultLr(taskName: string, method: Method): Method {
  const task = traceTasks.find((t) => t.name === taskName)!;
  return withDefaultLr(task, method, parseTaskOptions(task, {}));
}

