/**
 * The GAN view's state as URL keys, and the lab trial it is: the `descent compare` spec of the
 * lab's `gan-mixture` task with the view's choices as task options, the trial configuration
 * the lab expands that spec to (so the same trial id: SHA-256 of its canonical JSON, through
 * Web Crypto since node:crypto is not in browsers), and the run as the lab's TrialRecord.
 * DOM-free.
 */
import { resolveMethod, type Method } from '../../../../src/lab/methods.js';
import { MIXTURE_DEFAULT_LR, MIXTURE_LIPSCHITZ, MIXTURE_LOSSES, MIXTURE_NORMS, type MixtureLipschitz, type MixtureLoss } from '../../../../src/lab/reproductions/gan/mixture-task.js';
import type { TrialConfig, TrialRecord } from '../../../../src/lab/trial.js';
import type { Json, JsonObject } from '../../../../src/lab/util.js';

/** The objectives offered (the lab task's `loss` values). */
export const LOSSES = MIXTURE_LOSSES as readonly MixtureLoss[];
/** A loss choice. */
export type LossChoice = MixtureLoss;
/** The Lipschitz methods offered (the lab task's `lipschitz` values). */
export const LIPSCHITZ = MIXTURE_LIPSCHITZ as readonly MixtureLipschitz[];
/** A Lipschitz method choice. */
export type LipschitzChoice = MixtureLipschitz;
/** The discriminator normalizations offered (the lab task's `normalization` values). */
export const NORMS = MIXTURE_NORMS;
/** A normalization choice. */
export type NormChoice = (typeof MIXTURE_NORMS)[number];

/** An optimizer of one player: a registry name (or preset) and the options set. */
export interface OptimizerState {
  name: string;
  options: JsonObject;
}

/** Every setting of a GAN run. */
export interface GanSpec {
  mixture: 'ring' | 'grid';
  loss: LossChoice;
  lipschitz: LipschitzChoice;
  /** The penalty's weight λ (penalties) or the clipping bound c ('clip'); NaN: the method's default. */
  lambda: number;
  /** The discriminator's normalization (spectral whenever the Lipschitz method is). */
  normalization: NormChoice;
  nCritic: number;
  /** The run's length in generator updates (the lab trial's `iterations`). */
  iterations: number;
  hidden: number;
  layers: number;
  batchSize: number;
  /** Iterations between the lab's recorded evaluations (500 samples each). */
  evalEvery: number;
  seed: number;
  /** The generator's optimizer (the trial's method). */
  generator: OptimizerState;
  /** The discriminator's; null: the same as the generator's. */
  discriminator: OptimizerState | null;
}

/** The view's state on a bare link: the lab task's defaults, Adam (lr 1e-3, β = (0.5, 0.9)) for both players. */
export const DEFAULT_GAN_STATE: GanSpec = {
  mixture: 'ring', loss: 'nonsaturating', lipschitz: 'none', lambda: NaN, normalization: 'none', nCritic: 1, iterations: 2000, hidden: 64, layers: 3, batchSize: 128, evalEvery: 100, seed: 0,
  generator: { name: 'adam', options: { lr: 1e-3, betas: [0.5, 0.9] } }, discriminator: null,
};

const num = (s: string | undefined, fallback: number, ok: (v: number) => boolean): number => {
  if (s === undefined || s === '') return fallback;
  const v = Number(s);
  return Number.isFinite(v) && ok(v) ? v : fallback;
};
const posInt = (v: number): boolean => Number.isInteger(v) && v > 0;

function optionsJson(s: string | undefined): JsonObject | null {
  if (!s) return null;
  try {
    const v = JSON.parse(s) as Json;
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

function optimizerState(name: string | undefined, options: string | undefined, fallback: OptimizerState): OptimizerState {
  if (!name) return fallback;
  try {
    resolveMethod(name);
  } catch {
    return fallback;
  }
  return { name, options: optionsJson(options) ?? (name === fallback.name ? fallback.options : {}) };
}

/** Reads the state from URL keys; a missing or invalid key keeps its default. */
export function parseGanState(q: Readonly<Record<string, string>>): GanSpec {
  const d = DEFAULT_GAN_STATE;
  const lipschitz = (LIPSCHITZ as readonly string[]).includes(q.lipschitz) ? (q.lipschitz as LipschitzChoice) : d.lipschitz;
  let generator = optimizerState(q.gopt, q.gopts, d.generator);
  // An older link's learning rate (before the optimizers were choices).
  if (!q.gopts && q.ganlr && Number(q.ganlr) > 0) generator = { ...generator, options: { ...generator.options, lr: Number(q.ganlr) } };
  const discriminator = q.dopt ? optimizerState(q.dopt, q.dopts, generator) : null;
  return {
    mixture: q.mixture === 'grid' ? 'grid' : 'ring',
    loss: (LOSSES as readonly string[]).includes(q.loss) ? (q.loss as LossChoice) : d.loss,
    lipschitz,
    lambda: lipschitz === 'none' || lipschitz === 'spectral' ? NaN : num(q.lambda, d.lambda, (v) => v >= 0 && (lipschitz !== 'clip' || v > 0)),
    normalization: lipschitz === 'spectral' ? 'spectral' : (NORMS as readonly string[]).includes(q.norm) ? (q.norm as NormChoice) : d.normalization,
    nCritic: num(q.ncritic, d.nCritic, posInt),
    iterations: num(q.steps, d.iterations, posInt),
    hidden: num(q.width, d.hidden, posInt),
    layers: num(q.layers, d.layers, (v) => posInt(v) && v <= 16),
    batchSize: num(q.batch, d.batchSize, (v) => posInt(v) && v <= 8192),
    evalEvery: num(q.evalevery, d.evalEvery, posInt),
    seed: num(q.ganseed, d.seed, (v) => Number.isInteger(v) && v >= 0),
    generator,
    discriminator,
  };
}

/** The URL keys of a state (λ empty for the method's default; the D optimizer's keys only when it has its own). */
export function serializeGanState(s: GanSpec): Record<string, string | undefined> {
  return {
    mixture: s.mixture, loss: s.loss, lipschitz: s.lipschitz, lambda: Number.isFinite(s.lambda) ? String(s.lambda) : '', norm: s.normalization,
    ncritic: String(s.nCritic), steps: String(s.iterations), width: String(s.hidden), layers: String(s.layers), batch: String(s.batchSize), evalevery: String(s.evalEvery), ganseed: String(s.seed),
    gopt: s.generator.name, gopts: JSON.stringify(s.generator.options), dopt: s.discriminator?.name, dopts: s.discriminator ? JSON.stringify(s.discriminator.options) : undefined,
    ganlr: undefined,
  };
}

/** The lab task's options for a state: every choice explicit, the optional ones only when set. */
export function labTaskOptions(s: GanSpec): JsonObject {
  const o: JsonObject = { mixture: s.mixture, loss: s.loss, lipschitz: s.lipschitz };
  if (Number.isFinite(s.lambda) && s.lipschitz !== 'none' && s.lipschitz !== 'spectral') o.lambda = s.lambda;
  // The task's normalization defaults to spectral under SN, else none: named only when it differs.
  if (s.lipschitz !== 'spectral' && s.normalization !== 'none') o.normalization = s.normalization;
  Object.assign(o, { nCritic: s.nCritic, iterations: s.iterations, hidden: s.hidden, layers: s.layers, batchSize: s.batchSize, evalEvery: s.evalEvery });
  if (s.discriminator) o.discriminatorOptimizer = { name: s.discriminator.name, options: s.discriminator.options };
  return o;
}

/** The method's label in the spec (and so in the trial record). */
export function methodLabel(s: GanSpec): string {
  return s.discriminator ? `G ${s.generator.name}, D ${s.discriminator.name}` : s.generator.name;
}

/** The `descent compare` spec of a state: one task, the generator's optimizer as the method, the seed. */
export function compareSpec(s: GanSpec): JsonObject {
  return {
    name: `playground-gan-${s.mixture}`,
    description: 'exported from the descent playground (GAN view)',
    tasks: [{ name: 'gan-mixture', options: labTaskOptions(s) }],
    optimizers: [{ name: s.generator.name, label: methodLabel(s), options: s.generator.options }],
    seeds: [s.seed],
  };
}

/** The shell command that runs the same trial in the lab. */
export function ganCommand(s: GanSpec): string {
  return `echo '${JSON.stringify(compareSpec(s))}' > playground-gan.json && npx descent compare playground-gan.json`;
}

/**
 * The trial configuration `descent compare` expands {@link compareSpec} to: the task options as
 * written, the method resolved by the lab's registry names (presets included) with the task's
 * default lr when none is set, the label given, the seed.
 */
export function trialConfig(s: GanSpec): TrialConfig {
  const m = resolveMethod(s.generator.name, s.generator.options);
  const method: Method = { ...m, label: methodLabel(s), options: 'lr' in m.options ? { ...m.options } : { ...m.options, lr: MIXTURE_DEFAULT_LR } };
  return { task: 'gan-mixture', taskOptions: labTaskOptions(s), method, seed: s.seed };
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

/** The lab's trial id (src/lab/trial.ts trialId): the first 16 hex digits of SHA-256 of the configuration's canonical JSON. */
export async function trialIdOf(config: TrialConfig): Promise<string> {
  const text = JSON.stringify(sortKeys({ task: config.task, taskOptions: config.taskOptions, method: config.method, seed: config.seed, tags: config.tags ?? {} }));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('').slice(0, 16);
}

/** What a run hands to {@link trialRecord}: the trial's output so far and whether it is complete. */
export interface RunRecordPart {
  status: 'done' | 'failed';
  steps: Record<string, number[]>;
  final: Record<string, number | null>;
  extra?: JsonObject;
  error?: string;
}

/**
 * A run as the lab's results store keeps it. A complete run is the record the lab writes for
 * the same spec (seconds and finishedAt aside); a run stopped short is 'failed' (so the lab
 * would run it again rather than skip it), its error saying where it stopped.
 */
export function trialRecord(s: GanSpec, part: RunRecordPart, id: string, seconds: number): TrialRecord {
  return {
    type: 'trial', id, status: part.status, config: trialConfig(s), steps: part.steps, final: part.final,
    ...(part.extra ? { extra: part.extra } : {}), ...(part.error ? { error: part.error } : {}),
    seconds, finishedAt: new Date().toISOString(),
  };
}
