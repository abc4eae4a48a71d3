/**
 * The GAN view's state as URL keys, and the lab trial it is: the `descent compare` spec of the
 * lab's `gan-mixture` task with the view's choices as task options, the trial configuration
 * the lab expands that spec to (so the same trial id: SHA-256 of its canonical JSON, computed
 * here since node:crypto is not in browsers), and the run as the lab's TrialRecord.
 * DOM-free.
 */
import { resolveMethod, type Method } from '../../../../src/lab/methods.js';
import { MIXTURE_DEFAULT_LR, MIXTURE_LIPSCHITZ, MIXTURE_LOSSES, MIXTURE_NORMS, type MixtureLipschitz, type MixtureLoss } from '../../../../src/lab/reproductions/gan/mixture-task.js';
import type { TrialConfig, TrialRecord } from '../../../../src/lab/trial.js';
import type { Json, JsonObject } from '../../../../src/lab/util.js';
import { canonicalJson } from '../../../../src/lab/canonical-json.js';

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


const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/**
 * SHA-256 of a text's UTF-8 bytes, as hex: the lab hashes with node:crypto, which browsers lack,
 * and Web Crypto is asynchronous and missing outside secure contexts; this runs anywhere.
 */
export function sha256Hex(text: string): string {
  const bytes = new TextEncoder().encode(text);
  const n = Math.ceil((bytes.length + 9) / 64) * 64;
  const m = new Uint8Array(n);
  m.set(bytes);
  m[bytes.length] = 0x80;
  const view = new DataView(m.buffer);
  view.setUint32(n - 8, Math.floor((bytes.length * 8) / 2 ** 32));
  view.setUint32(n - 4, (bytes.length * 8) >>> 0);
  const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  const rotr = (x: number, r: number): number => (x >>> r) | (x << (32 - r));
  for (let off = 0; off < n; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + 4 * i);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  return Array.from(h, (x) => x.toString(16).padStart(8, '0')).join('');
}

/** The lab's trial id (src/lab/trial.ts trialId): the first 16 hex digits of SHA-256 of the configuration's canonical JSON. */
export function trialIdOf(config: TrialConfig): string {
  return sha256Hex(canonicalJson({ task: config.task, taskOptions: config.taskOptions, method: config.method, seed: config.seed, tags: config.tags ?? {} })).slice(0, 16);
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
