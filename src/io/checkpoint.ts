/**
 * Checkpoints: a model's state dict, an optimizer's state and string metadata in one
 * safetensors file, written atomically.
 *
 * Layout: model tensors under `model.<name>`, optimizer tensors under `optimizer.<name>`; the
 * `__metadata__` map holds the user's entries plus reserved `descent.*` entries: the format
 * marker, whether a model and an optimizer are present, and the optimizer's JSON config (as a
 * JSON string; non-finite numbers are kept, encoded as tagged strings).
 */
import { dirname, resolve } from 'node:path';
import type { Tensor } from '../tensor/index.js';
import { removeOrphanedTempFiles } from './temp-files.js';
import { readSafetensors, saveSafetensors } from './safetensors-files.js';

export type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

/** What an optimizer's stateDict() returns (see src/optim). */
export interface OptimizerState {
  tensors: Record<string, Tensor>;
  config: JSONValue;
}

/** Anything with a PyTorch-style stateDict (an nn.Module). */
export interface HasStateDict {
  stateDict(): Record<string, Tensor>;
}

export interface LoadsStateDict {
  loadStateDict(sd: Record<string, Tensor>, options?: { strict?: boolean }): unknown;
}

export interface CheckpointContents {
  model?: Record<string, Tensor> | HasStateDict;
  optimizer?: OptimizerState;
  meta?: Record<string, string>;
}

export interface LoadedCheckpoint {
  model?: Record<string, Tensor>;
  optimizer?: OptimizerState;
  meta: Record<string, string>;
}

export interface LoadCheckpointOptions {
  /** Load the model state into this module (with its loadStateDict, which checks keys and shapes). */
  model?: LoadsStateDict;
  /** Load the optimizer state into this optimizer. */
  optimizer?: { loadStateDict(sd: OptimizerState): unknown };
  /** Passed to the model's loadStateDict (default true: keys must match exactly). */
  strict?: boolean;
}

const FORMAT_KEY = 'descent.format';
const FORMAT = 'checkpoint';
const VERSION_KEY = 'descent.version';
const MODEL_KEY = 'descent.model';
const OPTIMIZER_KEY = 'descent.optimizer';
const CONFIG_KEY = 'descent.optimizer.config';
const NUMBER_TAG = '__descent_number__:';

function encodeConfig(config: JSONValue): string {
  const json = JSON.stringify(config, (_k, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return `${NUMBER_TAG}${v}`;
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') {
      throw new TypeError(`saveCheckpoint: the optimizer config holds a ${typeof v}, which is not JSON`);
    }
    return v;
  });
  if (json === undefined) throw new TypeError('saveCheckpoint: the optimizer config is not JSON-serializable');
  return json;
}

function decodeConfig(text: string, source: string): JSONValue {
  try {
    return JSON.parse(text, (_k, v: unknown) =>
      typeof v === 'string' && v.startsWith(NUMBER_TAG) ? Number(v.slice(NUMBER_TAG.length)) : v,
    ) as JSONValue;
  } catch (err) {
    throw new Error(`loadCheckpoint: ${source}: the optimizer config in the metadata is not valid JSON (${(err as Error).message})`);
  }
}

function isModule(m: unknown): m is HasStateDict {
  return typeof m === 'object' && m !== null && typeof (m as HasStateDict).stateDict === 'function';
}

/**
 * Saves a checkpoint to `path` (safetensors, written to a temporary file, fsynced and renamed,
 * so an interrupted save never leaves a partial file). `model` is a state dict or a module.
 */
export function saveCheckpoint(path: string, contents: CheckpointContents): void {
  if (contents === null || typeof contents !== 'object') throw new TypeError('saveCheckpoint: expected { model?, optimizer?, meta? }');
  const { model, optimizer, meta = {} } = contents;
  const tensors: Record<string, Tensor> = {};
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta)) {
    if (k.startsWith('descent.')) throw new RangeError(`saveCheckpoint: metadata key '${k}' is reserved (keys starting with 'descent.' are descent's own)`);
    if (typeof v !== 'string') throw new TypeError(`saveCheckpoint: metadata value for '${k}' must be a string, got ${typeof v}`);
    metadata[k] = v;
  }
  metadata[FORMAT_KEY] = FORMAT;
  metadata[VERSION_KEY] = '1';
  if (model !== undefined) {
    const sd = isModule(model) ? model.stateDict() : model;
    if (sd === null || typeof sd !== 'object') throw new TypeError('saveCheckpoint: model must be a Module or a Record<string, Tensor>');
    for (const [k, t] of Object.entries(sd)) tensors[`model.${k}`] = t;
    metadata[MODEL_KEY] = 'true';
  }
  if (optimizer !== undefined) {
    if (optimizer === null || typeof optimizer !== 'object' || typeof optimizer.tensors !== 'object' || optimizer.tensors === null) {
      throw new TypeError('saveCheckpoint: optimizer must be { tensors: Record<string, Tensor>, config: JSON } (what Optimizer.stateDict() returns)');
    }
    for (const [k, t] of Object.entries(optimizer.tensors)) tensors[`optimizer.${k}`] = t;
    metadata[OPTIMIZER_KEY] = 'true';
    metadata[CONFIG_KEY] = encodeConfig(optimizer.config ?? null);
  }
  saveSafetensors(path, tensors, metadata);
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint}: `{ model?, optimizer?, meta }` with the
 * same names as saved. With `options.model` (and/or `options.optimizer`) the state is also loaded
 * into it; a missing key or a shape mismatch is then an error naming the key.
 *
 * A safetensors file not written by saveCheckpoint (no descent metadata) is read as a plain
 * model state dict, so weights saved by other tools can be loaded the same way.
 */
export function loadCheckpoint(path: string, options: LoadCheckpointOptions = {}): LoadedCheckpoint {
  // A save killed mid-write leaves its temporary file; the next load (or save) here removes it.
  if (typeof path === 'string' && path !== '') removeOrphanedTempFiles(dirname(resolve(path)));
  const { tensors, metadata } = readSafetensors(path);
  const source = `'${path}'`;
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) if (!k.startsWith('descent.')) meta[k] = v;
  const out: LoadedCheckpoint = { meta };
  if (metadata[FORMAT_KEY] !== FORMAT) {
    out.model = tensors;
  } else {
    const model: Record<string, Tensor> = {};
    const optTensors: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(tensors)) {
      if (k.startsWith('model.')) model[k.slice(6)] = t;
      else if (k.startsWith('optimizer.')) optTensors[k.slice(10)] = t;
      else throw new Error(`loadCheckpoint: ${source}: tensor '${k}' belongs to neither the model ('model.' keys) nor the optimizer ('optimizer.' keys)`);
    }
    if (metadata[MODEL_KEY] === 'true') out.model = model;
    else if (Object.keys(model).length) throw new Error(`loadCheckpoint: ${source}: has model tensors but is not marked as holding a model`);
    if (metadata[OPTIMIZER_KEY] === 'true') {
      if (metadata[CONFIG_KEY] === undefined) throw new Error(`loadCheckpoint: ${source}: the optimizer's config is missing from the metadata`);
      out.optimizer = { tensors: optTensors, config: decodeConfig(metadata[CONFIG_KEY], source) };
    } else if (Object.keys(optTensors).length) {
      throw new Error(`loadCheckpoint: ${source}: has optimizer tensors but is not marked as holding an optimizer state`);
    }
  }
  if (options.model) {
    if (!out.model) throw new Error(`loadCheckpoint: ${source} holds no model state to load into the model`);
    try {
      options.model.loadStateDict(out.model, { strict: options.strict ?? true });
    } catch (err) {
      throw new Error(`loadCheckpoint: ${source}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (options.optimizer) {
    if (!out.optimizer) throw new Error(`loadCheckpoint: ${source} holds no optimizer state to load into the optimizer`);
    options.optimizer.loadStateDict(out.optimizer);
  }
  return out;
}
