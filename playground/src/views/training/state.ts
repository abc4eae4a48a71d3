/**
 * The training view's whole state as URL keys, the equivalent `descent compare` spec, and run
 * records in the lab's store format (src/lab/trial.ts TrialRecord, with the lab's trial ids:
 * SHA-256 of the configuration's canonical JSON, through Web Crypto since node:crypto is not
 * in browsers). DOM-free.
 */
import type { regularize } from '../../../../src/index.js';
import type { CurvePoint, RunSpec } from './run.js';

/** One optimizer of the side-by-side comparison. */
export interface RunChoice {
  optimizer: string;
  lr: number;
}

/** Every setting of the view. */
export interface TrainingState {
  arch: 'mlp' | 'cnn';
  runs: RunChoice[];
  hidden: number[];
  batchSize: number;
  epochs: number;
  /** Training examples of the built-in subset used (it holds 6,000). */
  trainLimit: number;
  seed: number;
  dropout: number;
  weightDecay: number;
  labelSmoothing: number;
  /** Random-crop padding in pixels (0 for none). */
  crop: number;
  flip: boolean;
  /** Early-stopping patience in epochs (0 for none). */
  patience: number;
}

export const DEFAULT_STATE: TrainingState = {
  arch: 'mlp',
  runs: [
    { optimizer: 'sgd', lr: 0.05 },
    { optimizer: 'adam', lr: 0.001 },
  ],
  hidden: [128],
  batchSize: 64,
  epochs: 5,
  trainLimit: 2000,
  seed: 0,
  dropout: 0,
  weightDecay: 0,
  labelSmoothing: 0,
  crop: 0,
  flip: false,
  patience: 0,
};

const num = (s: string | undefined, fallback: number, ok: (v: number) => boolean): number => {
  if (s === undefined) return fallback;
  const v = Number(s);
  return Number.isFinite(v) && ok(v) ? v : fallback;
};
const posInt = (v: number): boolean => Number.isInteger(v) && v > 0;
const rate = (v: number): boolean => v >= 0 && v < 1;

/** Reads the state from URL keys; a missing or invalid key keeps its default. */
export function parseState(q: Readonly<Record<string, string>>): TrainingState {
  const d = DEFAULT_STATE;
  const runs = q.runs
    ?.split(',')
    .map((r) => r.split(':'))
    .filter((p) => p[0] && Number(p[1]) > 0)
    .map((p) => ({ optimizer: p[0], lr: Number(p[1]) }));
  const hidden = q.hidden?.split('-').map(Number);
  return {
    arch: q.arch === 'cnn' ? 'cnn' : 'mlp',
    runs: runs && runs.length > 0 ? runs : d.runs,
    hidden: hidden && hidden.length > 0 && hidden.every(posInt) ? hidden : d.hidden,
    batchSize: num(q.bs, d.batchSize, posInt),
    epochs: num(q.epochs, d.epochs, posInt),
    trainLimit: num(q.n, d.trainLimit, posInt),
    seed: num(q.seed, d.seed, (v) => Number.isInteger(v) && v >= 0),
    dropout: num(q.dropout, d.dropout, rate),
    weightDecay: num(q.wd, d.weightDecay, (v) => v >= 0),
    labelSmoothing: num(q.ls, d.labelSmoothing, rate),
    crop: num(q.crop, d.crop, (v) => Number.isInteger(v) && v >= 0),
    flip: q.flip === '1',
    patience: num(q.es, d.patience, (v) => Number.isInteger(v) && v >= 0),
  };
}

/** The URL keys of a state (every key, so a shared link pins every setting). */
export function serializeState(s: TrainingState): Record<string, string> {
  return {
    arch: s.arch,
    runs: s.runs.map((r) => `${r.optimizer}:${r.lr}`).join(','),
    hidden: s.hidden.join('-'),
    bs: String(s.batchSize),
    epochs: String(s.epochs),
    n: String(s.trainLimit),
    seed: String(s.seed),
    dropout: String(s.dropout),
    wd: String(s.weightDecay),
    ls: String(s.labelSmoothing),
    crop: String(s.crop),
    flip: s.flip ? '1' : '0',
    es: String(s.patience),
  };
}

/** The regularization configuration of a state (only the methods switched on). */
export function regularizationOf(s: TrainingState): regularize.RegularizationConfig {
  const r: regularize.RegularizationConfig = {};
  if (s.dropout > 0) r.dropout = s.dropout;
  if (s.weightDecay > 0) r.weightDecay = s.weightDecay;
  if (s.labelSmoothing > 0) r.labelSmoothing = s.labelSmoothing;
  if (s.crop > 0 || s.flip) r.augment = { ...(s.crop > 0 ? { crop: s.crop } : {}), ...(s.flip ? { flip: true } : {}) };
  if (s.patience > 0) r.earlyStopping = { patience: s.patience };
  return r;
}

/** The run specs of a state, one per chosen optimizer. */
export function runSpecs(s: TrainingState): RunSpec[] {
  return s.runs.map((r) => ({ arch: s.arch, hidden: s.hidden, optimizer: r.optimizer, lr: r.lr, batchSize: s.batchSize, epochs: s.epochs, seed: s.seed, regularization: regularizationOf(s) }));
}

/** A run's label in legends and records. */
export const runLabel = (r: RunChoice): string => `${r.optimizer} lr=${r.lr}`;

/**
 * The lab task and options that train the same model: `regularize-fmnist` (the MLP with the
 * regularization configuration) or `cnn` (the lab's CNN, which has no regularization options).
 */
export function labTask(s: TrainingState): { task: string; options: Record<string, unknown> } {
  if (s.arch === 'cnn') return { task: 'cnn', options: { dataset: 'builtin', trainLimit: s.trainLimit, epochs: s.epochs, batchSize: s.batchSize } };
  const valLimit = s.patience > 0 ? Math.max(1, Math.floor(s.trainLimit / 10)) : 0;
  return { task: 'regularize-fmnist', options: { trainLimit: s.trainLimit - valLimit, valLimit, testLimit: 1000, hidden: s.hidden, epochs: s.epochs, batchSize: s.batchSize, evalEvery: 1, regularization: regularizationOf(s) } };
}

/** The `descent compare` spec of a state (labels given, so the lab's trial ids equal the playground's). */
export function compareSpec(s: TrainingState): Record<string, unknown> {
  const t = labTask(s);
  return {
    name: `playground-${s.arch}`,
    description: 'exported from the descent playground (training view)',
    tasks: [{ name: t.task, options: t.options }],
    optimizers: s.runs.map((r) => ({ name: r.optimizer, label: runLabel(r), options: { lr: r.lr } })),
    seeds: [s.seed],
  };
}

/** The shell command that runs the same comparison in the lab. */
export function compareCommand(s: TrainingState): string {
  const spec = JSON.stringify(compareSpec(s));
  return `echo '${spec}' > playground-${s.arch}.json && npx descent compare playground-${s.arch}.json`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** The lab's trial id: the first 16 hex digits of SHA-256 of the configuration's canonical JSON. */
export async function trialIdOf(config: { task: string; taskOptions: unknown; method: unknown; seed: number; tags?: unknown }): Promise<string> {
  const text = JSON.stringify(sortKeys({ task: config.task, taskOptions: config.taskOptions, method: config.method, seed: config.seed, tags: config.tags ?? {} }));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('').slice(0, 16);
}

/** What a finished (or stopped) run hands to {@link trialRecord}. */
export interface RunResult {
  curve: CurvePoint[];
  batchLoss: { step: number; loss: number }[];
  steps: number;
  epochs: number;
  finished: string | null;
  seconds: number;
}

/** A run's trial configuration, as the lab's `descent compare` builds it from {@link compareSpec}. */
export function trialConfig(s: TrainingState, choice: RunChoice): { task: string; taskOptions: Record<string, unknown>; method: { label: string; optimizer: string; options: { lr: number } }; seed: number } {
  const t = labTask(s);
  return { task: t.task, taskOptions: t.options, method: { label: runLabel(choice), optimizer: choice.optimizer, options: { lr: choice.lr } }, seed: s.seed };
}

/**
 * A run as the lab's results store keeps it; `id` is {@link trialIdOf} its {@link trialConfig}
 * (computed ahead, since Web Crypto is asynchronous and the toolbar's export is not).
 */
export function trialRecord(s: TrainingState, choice: RunChoice, r: RunResult, dataName: string, id: string): Record<string, unknown> {
  const config = trialConfig(s, choice);
  const last = r.curve[r.curve.length - 1];
  const col = (k: keyof CurvePoint): number[] => r.curve.map((p) => p[k]);
  return {
    type: 'trial',
    id,
    status: r.finished === 'diverged' ? 'failed' : 'done',
    config,
    steps: { step: r.batchLoss.map((p) => p.step), loss: r.batchLoss.map((p) => p.loss) },
    epochs: { step: col('step'), epoch: col('epoch'), trainLoss: col('trainLoss'), trainAccuracy: col('trainAccuracy'), testLoss: col('testLoss'), testAccuracy: col('testAccuracy'), valLoss: col('valLoss') },
    final: { trainLoss: last?.trainLoss ?? null, testLoss: last?.testLoss ?? null, gap: last ? last.testLoss - last.trainLoss : null, testAccuracy: last?.testAccuracy ?? null, steps: r.steps, epochsRun: r.epochs },
    extra: { source: 'descent playground', data: dataName, stopReason: r.finished ?? 'stopped by the user' },
    ...(r.finished === 'diverged' ? { error: 'the loss became non-finite' } : {}),
    seconds: r.seconds,
    finishedAt: new Date().toISOString(),
  };
}
