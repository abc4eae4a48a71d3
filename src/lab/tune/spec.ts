/**
 * Tuning specs: the tasks and methods of a `descent compare` spec, plus what to search and how.
 * Validated with zod; errors name the file and the field.
 *
 * ```yaml
 * name: mlp-lr
 * tasks:
 *   - name: mlp
 *     options: { dataset: builtin, epochs: 3 }
 *     tuneOptions: { holdout: 1000 }   # merged into the options while tuning (a validation split)
 *     target: 0.8                      # time to target and the performance profile use it
 * optimizers:
 *   - sgd                              # lr log-uniform over DeepOBS's 1e-5..1e2
 *   - name: adam
 *     search: { lr: { log: [1.0e-5, 1.0e-1] }, betas: { choice: [[0.9, 0.999], [0.9, 0.99]] } }
 * search:
 *   method: quasirandom                # grid | quasirandom | asha | successive-halving
 *   trials: 16                         # configurations per method (quasirandom, asha)
 *   sequence: halton                   # or sobol
 *   seed: 0                            # the scrambling seed
 *   budget: { option: epochs, min: 1, max: 9 }   # asha, successive-halving: the task option that is the budget
 *   eta: 3
 * seeds: 5                             # the best configuration of each method is rerun on these
 * ```
 */
import { z } from 'zod';
import { readSpecFile, specFileName } from '../spec.js';
import { LabError, type Json } from '../util.js';
import { paramSchema } from './space.js';

const json: z.ZodType<Json> = z.lazy(() => z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)]));
const jsonObject = z.record(z.string(), json);
const seedList = z.array(z.number().int().min(0)).min(1, 'a seed list needs at least one seed');

const taskEntry = z.union([
  z.string().min(1),
  z
    .object({
      name: z.string().min(1),
      label: z.string().optional(),
      options: jsonObject.optional(),
      tuneOptions: jsonObject.optional(),
      target: z.number().optional(),
    })
    .strict(),
]);

const optimizerEntry = z.union([
  z.string().min(1),
  z
    .object({
      name: z.string().min(1),
      label: z.string().optional(),
      options: jsonObject.optional(),
      search: z.record(z.string(), paramSchema).optional(),
    })
    .strict(),
]);

/**
 * The search methods. 'asha': every configuration's trial runs once at the full budget and is
 * stopped at a rung epoch when its report is not in the top 1/η reported there so far (./asha.ts;
 * tasks with per-epoch reports). 'successive-halving': rung after rung, each a batch of trials
 * retrained from the start at the rung's budget (./halving.ts; any task with a budget option).
 */
export const SEARCH_METHODS = ['grid', 'quasirandom', 'asha', 'successive-halving'] as const;

const searchSchema = z
  .object({
    method: z.enum(SEARCH_METHODS).default('quasirandom'),
    trials: z.number().int().min(1).max(10_000).default(16),
    sequence: z.enum(['halton', 'sobol']).default('halton'),
    seed: z.number().int().min(0).default(0),
    points: z.number().int().min(1).max(1000).default(5),
    budget: z.object({ option: z.string().min(1), min: z.number().int().min(1), max: z.number().int().min(1) }).strict().optional(),
    eta: z.number().gt(1, 'eta (the reduction factor) must be above 1').default(3),
  })
  .strict();

export const tuneSpecSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, dot, dash and underscore only').optional(),
    description: z.string().optional(),
    tasks: z.array(taskEntry).min(1, 'declare at least one task'),
    optimizers: z.array(optimizerEntry).min(1, 'declare at least one optimizer'),
    search: searchSchema.default(() => searchSchema.parse({})),
    metric: z.string().optional(),
    goal: z.enum(['min', 'max']).optional(),
    tuningSeeds: seedList.default([0]),
    seeds: z.union([z.number().int().min(1).max(10_000), seedList]).default(3),
    workers: z.number().int().min(0).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const halving = s.search.method === 'asha' || s.search.method === 'successive-halving';
    if (halving && !s.search.budget) ctx.addIssue({ code: 'custom', path: ['search', 'budget'], message: `${s.search.method} needs a budget: { option: <task option, e.g. epochs>, min: <int>, max: <int> }` });
    if (s.search.budget && s.search.budget.min > s.search.budget.max) ctx.addIssue({ code: 'custom', path: ['search', 'budget'], message: `expected min <= max, got min ${s.search.budget.min} and max ${s.search.budget.max}` });
  });

export type TuneSpec = z.infer<typeof tuneSpecSchema>;

function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || '(top level)';
}

function issueText(i: z.core.$ZodIssue): string {
  if (i.code === 'unrecognized_keys') return `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')}`;
  if (i.code === 'invalid_union') {
    const deepest = (i.errors ?? []).map((b) => b[0]).filter((x) => x && x.path.length > 0)[0];
    if (deepest) return `${formatPath(deepest.path)}: ${issueText(deepest)}`;
    return 'expected a name (string) or an object with a name; a search entry is { log: [lo, hi] }, { linear: [lo, hi] }, { choice: [...] } or a list';
  }
  return i.message;
}

/** Validates a parsed tuning spec; a LabError names `source` and the first bad fields. */
export function validateTuneSpec(raw: unknown, source = 'spec'): TuneSpec {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new LabError(`${source}: a tuning spec must be an object with 'tasks' and 'optimizers'`);
  const r = tuneSpecSchema.safeParse(raw);
  if (!r.success) throw new LabError(r.error.issues.slice(0, 5).map((i) => `${source}: ${formatPath(i.path)}: ${issueText(i)}`).join('\n'));
  return r.data;
}

/** Reads a tuning spec file (.json, .yaml or .yml); its name defaults to the file's. */
export function loadTuneSpecFile(path: string): TuneSpec & { name: string } {
  const spec = validateTuneSpec(readSpecFile(path, 'tuning spec'), path);
  return { ...spec, name: spec.name ?? specFileName(path) };
}
