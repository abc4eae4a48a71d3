/**
 * A trial is one training run: a task, a method (optimizer and options) and a seed. Its id is
 * a hash of that configuration, so the same trial in a re-run of the same experiment has the
 * same id and can be skipped.
 */
import type { Method } from './methods.js';
import { stableHash, type JsonObject } from './util.js';

export interface TrialConfig {
  task: string;
  taskOptions: JsonObject;
  method: Method;
  seed: number;
  /** Extra coordinates for grouping and plotting (e.g. { kappa: 100 }). */
  tags?: JsonObject;
}

/** Columnar history: each key a column of equal length (e.g. { epoch: [...], trainLoss: [...] }). */
export type Columns = Record<string, number[]>;

export interface TrialOutput {
  /** Per step (or per logged step). */
  steps?: Columns;
  /** Per epoch. */
  epochs?: Columns;
  /** Final figures. */
  final: Record<string, number | null>;
  /** Free-form extra data a task wants to keep (e.g. a trajectory). */
  extra?: JsonObject;
}

export interface TrialRecord extends TrialOutput {
  type: 'trial';
  id: string;
  status: 'done' | 'failed';
  config: TrialConfig;
  error?: string;
  /** Wall-clock seconds of the trial. */
  seconds: number;
  finishedAt: string;
}

export function trialId(config: TrialConfig): string {
  return stableHash({ task: config.task, taskOptions: config.taskOptions, method: config.method, seed: config.seed, tags: config.tags ?? {} });
}

/** The key that groups trials differing only by seed. */
export function groupKey(config: TrialConfig): string {
  return stableHash({ task: config.task, taskOptions: config.taskOptions, method: config.method, tags: config.tags ?? {} });
}
