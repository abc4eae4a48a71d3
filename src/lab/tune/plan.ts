/**
 * A tuning spec made concrete: per task and method, the searched params and the candidate
 * configurations, every name and option checked before anything runs. The trials are ordinary
 * {@link TrialConfig}s, so their ids are the store's ids and a study resumes like `compare`.
 */
import { getOptimizerEntry } from '../../optim/index.js';
import { Tensor } from '../../tensor/index.js';
import { getTask } from '../catalog.js';
import { buildOptimizer, hasLr, resolveMethod, type Method } from '../methods.js';
import { parseTaskOptions, withDefaultLr, type TaskDef } from '../tasks.js';
import type { TrialConfig } from '../trial.js';
import { describeOptions, LabError, type JsonObject } from '../util.js';
import { halton, sobol, SOBOL_MAX_DIMS } from './sequences.js';
import { DEFAULT_LR_RANGE, gridPoints, pointOptions, toParam, type Param, type ParamEntry } from './space.js';
import type { TuneSpec } from './spec.js';

/** The study of one method on one task. */
export interface MethodStudy {
  /** Index of the task entry in the spec, and its label in tables. */
  taskIndex: number;
  task: string;
  taskLabel: string;
  /** The task options of the final runs, and of the tuning trials (with `tuneOptions` merged). */
  taskOptions: JsonObject;
  tuneTaskOptions: JsonObject;
  /** The method with its fixed options (no searched option set), and its plain label. */
  method: Method;
  params: Param[];
  /** Searched options of each candidate configuration. */
  candidates: JsonObject[];
}

/** A spec's studies and what they are judged by. */
export interface StudyPlan {
  name: string;
  spec: TuneSpec;
  studies: MethodStudy[];
  metric: string;
  goal: 'min' | 'max';
  /** Per task entry: the target of the metric, when the spec sets one. */
  targets: (number | undefined)[];
  /** The seeds of the final runs of each method's best configuration. */
  seeds: number[];
}

function searchedParams(method: Method, fixed: JsonObject, search: Record<string, ParamEntry> | undefined, where: string): Param[] {
  const entry = getOptimizerEntry(method.optimizer);
  const table = Object.keys(entry.options);
  const params: Param[] = [];
  for (const [name, p] of Object.entries(search ?? {})) {
    if (!table.includes(name)) throw new LabError(`${where}.search.${name}: '${method.optimizer}' has no option '${name}'; its options: ${table.join(', ')}`);
    try {
      params.push(toParam(name, p, `${where}.search.${name}`));
    } catch (err) {
      throw new LabError((err as Error).message);
    }
  }
  // The learning rate is searched unless the spec fixes it or searches it already.
  if (!params.some((p) => p.name === 'lr') && !('lr' in fixed) && table.includes('lr')) {
    params.unshift({ name: 'lr', scale: 'log', low: DEFAULT_LR_RANGE[0], high: DEFAULT_LR_RANGE[1], integer: false });
  }
  return params;
}

/** The candidate configurations of a method's params under the spec's search. */
export function candidatesOf(params: readonly Param[], search: TuneSpec['search']): JsonObject[] {
  if (params.length === 0) return [{}];
  if (search.method === 'grid') return gridPoints(params, search.points);
  const dims = params.length;
  if (search.sequence === 'sobol' && dims > SOBOL_MAX_DIMS) throw new LabError(`search.sequence: sobol supports at most ${SOBOL_MAX_DIMS} searched options, this method has ${dims}; use halton`);
  const points = search.sequence === 'sobol' ? sobol(search.trials, dims, search.seed) : halton(search.trials, dims, search.seed);
  // Rounding can make two points equal: keep each configuration once.
  const seen = new Map<string, JsonObject>();
  for (const u of points) {
    const o = pointOptions(params, u);
    seen.set(JSON.stringify(o), o);
  }
  return [...seen.values()];
}

/** The trial of `study`'s candidate `options` at `seed`; `tuning` picks the tuning task options, `budget` sets the budget option. */
export function trialOf(study: MethodStudy, options: JsonObject, seed: number, o: { tuning: boolean; budget?: { option: string; value: number } }): TrialConfig {
  const taskOptions = { ...(o.tuning ? study.tuneTaskOptions : study.taskOptions), ...(o.budget ? { [o.budget.option]: o.budget.value } : {}) };
  const text = describeOptions(options);
  const label = o.tuning ? (text ? `${study.method.label} ${text}` : study.method.label) : study.method.label;
  return { task: study.task, taskOptions, method: { label, optimizer: study.method.optimizer, options: { ...study.method.options, ...options } }, seed };
}

function checkTaskOptions(task: TaskDef, options: JsonObject, where: string, source: string): JsonObject {
  try {
    return parseTaskOptions(task, options, where);
  } catch (err) {
    throw new LabError(`${source}: ${(err as Error).message}`);
  }
}

/** Expands a validated spec into its studies; errors name `source` and the field. */
export function planStudies(spec: TuneSpec & { name: string }, source = 'spec'): StudyPlan {
  const probe = new Tensor(new Float32Array(4), [4]);
  const studies: MethodStudy[] = [];
  const targets: (number | undefined)[] = [];
  let metric = spec.metric;
  let goal = spec.goal;
  spec.tasks.forEach((t, ti) => {
    const entry = typeof t === 'string' ? { name: t } : t;
    let task: TaskDef;
    try {
      task = getTask(entry.name);
    } catch (err) {
      throw new LabError(`${source}: tasks[${ti}].name: ${(err as Error).message}`);
    }
    if (metric === undefined) metric = task.primary.metric;
    if (goal === undefined) goal = metric === task.primary.metric ? task.primary.goal : 'min';
    const taskOptions = (entry.options ?? {}) as JsonObject;
    const tuneTaskOptions = { ...taskOptions, ...((entry.tuneOptions ?? {}) as JsonObject) };
    const parsed = checkTaskOptions(task, taskOptions, `tasks[${ti}].options`, source);
    checkTaskOptions(task, tuneTaskOptions, `tasks[${ti}].tuneOptions`, source);
    const budget = spec.search.budget;
    if (budget && spec.search.method !== 'grid' && spec.search.method !== 'quasirandom') {
      checkTaskOptions(task, { ...tuneTaskOptions, [budget.option]: budget.max }, `search.budget.option (as '${budget.option}' of tasks[${ti}])`, source);
    }
    if (budget && spec.search.method === 'asha') {
      const reports = task.epochReports;
      if (!reports || reports.option !== budget.option) {
        throw new LabError(
          `${source}: search.method asha stops trials from their per-epoch reports, and task '${entry.name}' (tasks[${ti}]) ${reports ? `reports per '${reports.option}', not per '${budget.option}'; set search.budget.option to '${reports.option}'` : 'does not report per epoch'}; use search.method successive-halving for it (rungs rerun from the start)`,
        );
      }
      const m = metric!;
      if (!reports.metrics.includes(m)) throw new LabError(`${source}: search.method asha judges the per-epoch reports by the metric, and task '${entry.name}' reports ${reports.metrics.join(', ')} per epoch, not '${m}'; pick one of those as metric, or use successive-halving`);
    }
    targets.push(entry.target);
    spec.optimizers.forEach((o, oi) => {
      const oe = typeof o === 'string' ? { name: o } : o;
      const where = `optimizers[${oi}]`;
      let method: Method;
      try {
        method = resolveMethod(oe.name, (oe.options ?? {}) as JsonObject, oe.label);
      } catch (err) {
        throw new LabError(`${source}: ${where}.name: ${(err as Error).message}`);
      }
      let params: Param[];
      try {
        params = searchedParams(method, method.options, oe.search, where);
      } catch (err) {
        throw new LabError(`${source}: ${(err as Error).message}`);
      }
      // A method whose lr is neither fixed nor searched runs at the task's default.
      if (!params.some((p) => p.name === 'lr') && !hasLr(method)) method = withDefaultLr(task, method, parsed);
      const candidates = candidatesOf(params, spec.search);
      for (const c of candidates) {
        try {
          buildOptimizer({ ...method, options: { ...method.options, ...c } }, [probe]);
        } catch (err) {
          throw new LabError(`${source}: ${where} (candidate ${describeOptions(c)}): ${(err as Error).message.replace(/^[^:]*: /, '')}`);
        }
      }
      studies.push({ taskIndex: ti, task: entry.name, taskLabel: entry.label ?? entry.name, taskOptions, tuneTaskOptions, method, params, candidates });
    });
  });
  const seeds = typeof spec.seeds === 'number' ? Array.from({ length: spec.seeds }, (_, i) => i) : spec.seeds;
  return { name: spec.name, spec, studies, metric: metric!, goal: goal!, targets, seeds };
}
