/**
 * Experiment specs: a JSON or YAML file declaring tasks x optimizers x hyperparameter grid x
 * seeds. Validated with zod; every error names the file and the field
 * (e.g. `spec.yaml: optimizers[1].grid.lr: expected an array of values`).
 *
 * ```yaml
 * name: mlp-adaptive
 * tasks:
 *   - name: mlp
 *     options: { epochs: 3, dataset: builtin }
 * optimizers:
 *   - sgd                         # a name alone
 *   - name: adam
 *     options: { betas: [0.9, 0.999] }
 *     grid: { lr: [0.001, 0.003] } # one trial per value (per combination)
 * seeds: 3                        # or a list: [0, 1, 2]
 * workers: 2                      # optional; default: the number of cores
 * ```
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Tensor } from '../tensor/index.js';
import { buildOptimizer, resolveMethod, type Method } from './methods.js';
import { getTask } from './catalog.js';
import { parseTaskOptions, withDefaultLr } from './tasks.js';
import type { TrialConfig } from './trial.js';
import { describeOptions, LabError, type Json, type JsonObject } from './util.js';

const json: z.ZodType<Json> = z.lazy(() => z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)]));
const jsonObject = z.record(z.string(), json);

const taskEntry = z.union([
  z.string().min(1),
  z.object({ name: z.string().min(1), label: z.string().optional(), options: jsonObject.optional() }).strict(),
]);

const optimizerEntry = z.union([
  z.string().min(1),
  z
    .object({
      name: z.string().min(1),
      label: z.string().optional(),
      options: jsonObject.optional(),
      grid: z.record(z.string(), z.array(json).min(1, 'a grid entry needs at least one value')).optional(),
    })
    .strict(),
]);

/** The most seeds a count may ask for: more is surely a typo (a list can name any seeds). */
export const MAX_SEED_COUNT = 10_000;

const show = (v: unknown): string => (typeof v === 'string' ? `the string '${v}'` : JSON.stringify(v) ?? String(v));

/** Why `v` is not a valid `seeds` field (a count, or a list of seed values), or null. */
function seedsProblem(v: unknown): { message: string; path: number[] } | null {
  const problem = seedsMessage(v);
  if (problem === null) return null;
  const m = /^\[(\d+)\]: (.*)$/.exec(problem);
  return m ? { message: m[2], path: [Number(m[1])] } : { message: problem, path: [] };
}

function seedsMessage(v: unknown): string | null {
  const expected = `expected a count of seeds (an integer from 1 to ${MAX_SEED_COUNT}) or a list of seed values (integers from 0 to 2^53 - 1)`;
  if (typeof v === 'number') {
    return Number.isInteger(v) && v >= 1 && v <= MAX_SEED_COUNT ? null : `${expected}, got ${show(v)}`;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return `${expected}, got an empty list`;
    const bad = v.findIndex((x) => typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0);
    return bad < 0 ? null : `[${bad}]: a seed value must be an integer from 0 to 2^53 - 1, got ${show(v[bad])}`;
  }
  return `${expected}, got ${show(v)}`;
}

const seedsField = z
  .custom<number | number[]>()
  .superRefine((v, ctx) => {
    const problem = seedsProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
  })
  .default(1);

export const specSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, dot, dash and underscore only').optional(),
    description: z.string().optional(),
    tasks: z.array(taskEntry).min(1, 'declare at least one task'),
    optimizers: z.array(optimizerEntry).min(1, 'declare at least one optimizer'),
    seeds: seedsField,
    workers: z.number().int().min(0).optional(),
  })
  .strict();

export type ExperimentSpec = z.infer<typeof specSchema>;

function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || '(top level)';
}

/** Validates a parsed spec object; throws a LabError naming `source` and the first bad field. */
export function validateSpec(raw: unknown, source = 'spec'): ExperimentSpec {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new LabError(`${source}: a spec must be an object with 'tasks' and 'optimizers', got ${Array.isArray(raw) ? 'a list' : JSON.stringify(raw)}`);
  }
  const r = specSchema.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.slice(0, 5).map((i0) => {
      const i = specific(i0);
      return `${source}: ${formatPath(i.path)}: ${issueMessage(i)}`;
    });
    throw new LabError(lines.join('\n'));
  }
  return r.data;
}

/**
 * For a value that matched no branch of a union (a task or optimizer entry), the issue of the
 * branch that got furthest (the object form, when an object was given), with its full path.
 */
function specific(i: z.core.$ZodIssue): z.core.$ZodIssue {
  if (i.code !== 'invalid_union' || !i.errors?.length) return i;
  let best: z.core.$ZodIssue | null = null;
  for (const branch of i.errors) {
    const first = branch[0];
    if (!first) continue;
    if (first.code === 'invalid_type' && first.path.length === 0) continue;
    if (!best || first.path.length > best.path.length) best = first;
  }
  return best ? specific({ ...best, path: [...i.path, ...best.path] } as z.core.$ZodIssue) : i;
}

function issueMessage(i: z.core.$ZodIssue): string {
  if (i.code === 'unrecognized_keys') return `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')}`;
  if (i.code === 'invalid_union') return 'expected a name (string) or an object with a name (and options)';
  return i.message;
}

/**
 * The parsed contents of a spec file (.json as JSON, anything else as YAML), not yet validated;
 * `what` names the kind of spec in the error when the file cannot be read.
 */
export function readSpecFile(path: string, what = 'spec'): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new LabError(`cannot read ${what} '${path}': ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const ext = extname(path).toLowerCase();
  try {
    return ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new LabError(`${path}: not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** The name a spec file's run gets when the spec names none: the file's name without extension. */
export function specFileName(path: string): string {
  return basename(path, extname(path));
}

/** Reads a spec file (.json, .yaml or .yml). */
export function loadSpecFile(path: string): ExperimentSpec & { name: string } {
  const spec = validateSpec(readSpecFile(path), path);
  return { ...spec, name: spec.name ?? specFileName(path) };
}

function cartesian(grid: Record<string, Json[]>): JsonObject[] {
  let combos: JsonObject[] = [{}];
  for (const [k, values] of Object.entries(grid)) {
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
  }
  return combos;
}

/**
 * Expands a spec into trial configurations (tasks x optimizers x grid x seeds), checking every
 * task name and option, optimizer name and option before anything runs.
 */
export function expandSpec(spec: ExperimentSpec, source = 'spec'): TrialConfig[] {
  const seeds = typeof spec.seeds === 'number' ? Array.from({ length: spec.seeds }, (_, i) => i) : spec.seeds;
  const trials: TrialConfig[] = [];
  const probe = new Tensor(new Float32Array(4), [4]);
  spec.tasks.forEach((t, ti) => {
    const entry = typeof t === 'string' ? { name: t, options: {} } : t;
    let task;
    try {
      task = getTask(entry.name);
    } catch (err) {
      throw new LabError(`${source}: tasks[${ti}].name: ${(err as Error).message}`);
    }
    let taskOptions: JsonObject;
    try {
      taskOptions = parseTaskOptions(task, entry.options ?? {}, `tasks[${ti}].options`);
    } catch (err) {
      throw new LabError(`${source}: ${(err as Error).message}`);
    }
    spec.optimizers.forEach((o, oi) => {
      const oe = typeof o === 'string' ? { name: o, options: {}, grid: undefined, label: undefined } : o;
      for (const combo of cartesian(oe.grid ?? {})) {
        const options = { ...(oe.options ?? {}), ...combo };
        let method: Method;
        try {
          method = resolveMethod(oe.name, options);
        } catch (err) {
          throw new LabError(`${source}: optimizers[${oi}].name: ${(err as Error).message}`);
        }
        method = withDefaultLr(task, method, taskOptions);
        const gridText = describeOptions(combo);
        method.label = oe.label ? (gridText ? `${oe.label} ${gridText}` : oe.label) : gridText ? `${method.label} ${gridText}` : method.label;
        try {
          buildOptimizer(method, [probe]);
        } catch (err) {
          const where = Object.keys(combo).length ? `optimizers[${oi}] (grid ${gridText})` : `optimizers[${oi}].options`;
          throw new LabError(`${source}: ${where}: ${(err as Error).message.replace(/^[^:]*: /, '')}`);
        }
        for (const seed of seeds) {
          trials.push({ task: entry.name, taskOptions: (entry.options ?? {}) as JsonObject, method: { ...method, options: { ...method.options } }, seed });
        }
      }
    });
  });
  return trials;
}
