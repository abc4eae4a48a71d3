/**
 * Tasks by name: what a trial trains. Each declares its options as a zod schema (defaults
 * filled in, unknown keys refused) and runs one trial of a method with a seed.
 */
import { z } from 'zod';
import { isAdaptive, type Method } from './methods.js';
import { functions2d, getFunction2D, distanceToMinimum, type Function2D } from './problems/functions2d.js';
import { onlineDefaults, runOnline, type OnlineKind } from './problems/online.js';
import { quadraticDefaults, runQuadratic } from './problems/quadratic.js';
import { classificationTasks } from './problems/classification.js';
import { regularizationTasks } from './reproductions/regularize/tasks.js';
import { ganTasks } from './reproductions/gan/tasks.js';
import { buildOptimizer } from './methods.js';
import { Tensor } from '../tensor/index.js';
import type { TrialConfig, TrialOutput } from './trial.js';
import { LabError, type JsonObject } from './util.js';

export interface TaskHooks {
  /** Called now and then with the fraction done (0..1) and an optional short status. */
  onProgress?: (fraction: number, status?: string) => void;
}

export interface TaskDef {
  name: string;
  title: string;
  description: string;
  /** Validates and fills the task options. */
  schema: z.ZodType<JsonObject>;
  /** The figure a summary ranks by, and whether lower is better. */
  primary: { metric: string; goal: 'min' | 'max' };
  /** Default learning rate when the method's options have none. */
  defaultLr?(method: Method): number | undefined;
  run(config: TrialConfig, options: JsonObject, hooks: TaskHooks): Promise<TrialOutput> | TrialOutput;
}

const registry = new Map<string, TaskDef>();

export function registerTask(def: TaskDef): void {
  registry.set(def.name, def);
}

export function listTasks(): TaskDef[] {
  return [...registry.values()];
}

export function getTask(name: string): TaskDef {
  const t = registry.get(name);
  if (!t) throw new LabError(`unknown task '${name}'; available: ${[...registry.keys()].join(', ')}`);
  return t;
}

/** Fills in the method's learning rate from the task's default when it has none. */
export function withDefaultLr(task: TaskDef, method: Method): Method {
  if ('lr' in method.options) return method;
  const lr = task.defaultLr?.(method);
  return lr === undefined ? method : { ...method, options: { ...method.options, lr } };
}

// ---- 2D functions --------------------------------------------------------------------------

const point = z.tuple([z.number(), z.number()]);

export interface Trajectory {
  points: [number, number][];
  losses: number[];
}

/** Runs a method on a 2D function and returns the start and the point after every step. */
export function runFunction2D(fn: Function2D, method: Method, steps: number, start: [number, number] = fn.start): Trajectory {
  const p = new Tensor(Float64Array.from(start), [2]);
  p.requiresGrad = true;
  const opt = buildOptimizer(method, [p]);
  const points: [number, number][] = [[start[0], start[1]]];
  const losses = [fn.f(start[0], start[1])];
  // The closure recomputes the gradient, so methods that evaluate several points per step
  // (line searches, L-BFGS) work too.
  const closure = (): number => {
    const [gx, gy] = fn.grad(p.data[0], p.data[1]);
    p.grad = new Tensor(Float64Array.of(gx, gy), [2]);
    return fn.f(p.data[0], p.data[1]);
  };
  for (let t = 0; t < steps; t++) {
    closure();
    opt.step(closure);
    const x = p.data[0];
    const y = p.data[1];
    points.push([x, y]);
    losses.push(fn.f(x, y));
  }
  return { points, losses };
}

for (const fn of functions2d) {
  registerTask({
    name: fn.name,
    title: fn.title,
    description: `2D test function: ${fn.description}`,
    schema: z.object({ steps: z.number().int().positive().default(500), start: point.default(fn.start) }).strict() as unknown as z.ZodType<JsonObject>,
    primary: { metric: 'loss', goal: 'min' },
    defaultLr: (m) => (isAdaptive(m) ? fn.lr.adaptive : fn.lr.sgd),
    run(config, options) {
      const steps = options.steps as number;
      const tr = runFunction2D(fn, config.method, steps, options.start as [number, number]);
      const [x, y] = tr.points[tr.points.length - 1];
      return {
        steps: { step: tr.losses.map((_, i) => i), loss: tr.losses, x: tr.points.map((q) => q[0]), y: tr.points.map((q) => q[1]) },
        final: { loss: fn.f(x, y), gap: fn.f(x, y) - fn.fmin, distance: distanceToMinimum(fn, x, y), x, y },
      };
    },
  });
}

// ---- online counterexamples ------------------------------------------------------------------

function onlineSchema(kind: OnlineKind): z.ZodType<JsonObject> {
  const d = onlineDefaults[kind];
  return z
    .object({
      C: z.number().positive().default(d.C),
      delta: z.number().min(0).default(d.delta),
      d: z.number().int().min(0).default(d.d),
      bound: z.number().positive().nullable().default(d.bound),
      copies: z.number().int().positive().default(d.copies),
      steps: z.number().int().positive().default(d.steps),
      start: z.number().default(d.start),
      points: z.number().int().positive().default(d.points),
    })
    .strict() as unknown as z.ZodType<JsonObject>;
}

for (const kind of ['stochastic', 'sequential'] as const) {
  registerTask({
    name: `online-${kind}`,
    title: kind === 'stochastic' ? 'Stochastic online counterexample (thesis 004 eq. 3-7)' : 'Sequential online counterexample (thesis 004 eq. 3-6)',
    description:
      kind === 'stochastic'
        ? 'f_t(θ) = Cθ with probability (1+δ)/(C+1), else -θ, on [-1, 1]; the expected cost is δθ, so θ should go down'
        : 'f_t(θ) = Cθ when t mod d = 1, else -θ, on [-1, 1]; each period sums to C-d+1 > 0, so θ should go down',
    schema: onlineSchema(kind),
    primary: { metric: 'thetaMean', goal: 'min' },
    defaultLr: () => 0.001,
    run(config, options, hooks) {
      const r = runOnline(config.method, { ...onlineDefaults[kind], ...(options as object), kind } as never, config.seed, {
        onProgress: hooks.onProgress,
      });
      return { steps: { step: r.step, thetaMean: r.mean, thetaStd: r.std, thetaMin: r.min, thetaMax: r.max }, final: r.final };
    },
  });
}

// ---- many-dimensional ill-conditioned quadratic ---------------------------------------------

registerTask({
  name: 'quadratic-nd',
  title: 'Ill-conditioned quadratic in many dimensions',
  description: 'f(x) = ½ Σ λ_i x_i² with λ log-spaced over [1, κ]; counts iterations until f ≤ tol·f(x0)',
  schema: z
    .object({
      dim: z.number().int().positive().default(quadraticDefaults.dim),
      kappa: z.number().min(1).default(quadraticDefaults.kappa),
      tol: z.number().positive().lt(1).default(quadraticDefaults.tol),
      maxSteps: z.number().int().positive().default(quadraticDefaults.maxSteps),
      points: z.number().int().positive().default(quadraticDefaults.points),
    })
    .strict() as unknown as z.ZodType<JsonObject>,
  primary: { metric: 'iterations', goal: 'min' },
  defaultLr: (m) => (isAdaptive(m) ? 0.01 : undefined),
  run(config, options, hooks) {
    const o = options as unknown as typeof quadraticDefaults;
    const lr = 'lr' in config.method.options ? undefined : 2 / (o.kappa + 1);
    const method = lr === undefined ? config.method : { ...config.method, options: { ...config.method.options, lr } };
    const r = runQuadratic(method, o, config.seed, { onProgress: hooks.onProgress });
    return { steps: { step: r.step, relLoss: r.relLoss }, final: { iterations: r.final.iterations, relLoss: r.final.relLoss } };
  },
});

// ---- classification on Fashion-MNIST -------------------------------------------------------

for (const def of classificationTasks) registerTask(def);

// ---- regularization (src/regularize/reproductions/tasks.ts) ----------------------------------

for (const def of regularizationTasks) registerTask(def);

// ---- GANs (src/gan/reproductions/tasks.ts) -------------------------------------------------

for (const def of ganTasks) registerTask(def);

/** Validates task options with the task's schema; errors name the field under `path`. */
export function parseTaskOptions(task: TaskDef, options: unknown, path = 'options'): JsonObject {
  const r = task.schema.safeParse(options ?? {});
  if (!r.success) {
    const first = r.error.issues[0];
    const where = [path, ...first.path.map(String)].join('.');
    throw new LabError(`${where}: ${first.message} (task '${task.name}')`);
  }
  return r.data;
}

export { getFunction2D };
