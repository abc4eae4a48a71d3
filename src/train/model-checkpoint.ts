/**
 * Checkpointing during {@link fit}: the model (and optimizer) state saved to a safetensors file
 * at epoch ends, every time or only when a monitored metric improves. Files are written through
 * src/io's saveCheckpoint, atomically: a crash mid-write leaves the previous file whole.
 */
import { saveCheckpoint } from '../io/index.js';
import type { Callback, TrainContext } from './callback.js';
import { improves, monitoredValue, worstValue, type MonitorMode } from './monitor.js';
import { checkChoice, checkOptions, checkPositiveInt } from './validate.js';

export interface ModelCheckpointOptions {
  /**
   * Where to save: a path in which `{epoch}` and `{step}` are replaced by the epoch and step
   * counts (e.g. 'ckpt/epoch-{epoch}.safetensors'), or a function of the context.
   */
  path: string | ((ctx: TrainContext) => string);
  /** A metric of `ctx.metrics` (e.g. 'valLoss') recorded in the file's metadata and, with saveBestOnly, compared. */
  monitor?: string;
  /** 'min' (default) or 'max': which way the monitored metric improves. */
  mode?: MonitorMode;
  /** Save only when the monitored metric improves on the best so far (needs monitor; default false). */
  saveBestOnly?: boolean;
  /** Save every this many epochs (default 1). */
  every?: number;
  /** Include the optimizer's state, to resume training (default true). */
  saveOptimizer?: boolean;
}

/**
 * Saves checkpoints at epoch ends. Load one back with `loadCheckpoint(path, { model, optimizer })`.
 *
 * ```ts
 * const checkpoint = new ModelCheckpoint({ path: 'runs/best.safetensors', monitor: 'valLoss', saveBestOnly: true });
 * fit(model, train, { optimizer: 'adam', epochs: 20, validation: val, callbacks: [checkpoint] });
 * loadCheckpoint(checkpoint.bestPath!, { model });   // the best epoch's weights
 * ```
 *
 * The metadata holds `epoch`, `step` and the monitored metric (as strings).
 */
export class ModelCheckpoint implements Callback {
  readonly monitor: string | null;
  readonly mode: MonitorMode;
  readonly saveBestOnly: boolean;
  readonly every: number;
  readonly saveOptimizer: boolean;
  private readonly pathOf: (ctx: TrainContext) => string;
  /** The best monitored value saved (±Infinity before the first). */
  bestValue: number;
  /** The file of the best monitored value (with monitor), else null. */
  bestPath: string | null = null;
  /** The last file written, or null. */
  lastPath: string | null = null;
  /** Every file written, in order (a path repeats when the pattern has no placeholder). */
  readonly saved: string[] = [];

  constructor(options: ModelCheckpointOptions) {
    checkOptions('ModelCheckpoint', options, ['path', 'monitor', 'mode', 'saveBestOnly', 'every', 'saveOptimizer']);
    const { path } = options;
    if (typeof path === 'string' && path !== '') {
      this.pathOf = (ctx) => path.replaceAll('{epoch}', String(ctx.epoch)).replaceAll('{step}', String(ctx.step));
    } else if (typeof path === 'function') {
      this.pathOf = path;
    } else {
      throw new TypeError(`ModelCheckpoint: path must be a file path (with optional {epoch} and {step}) or a function of the context, got ${String(path)}`);
    }
    this.monitor = options.monitor ?? null;
    this.mode = checkChoice('ModelCheckpoint', 'mode', options.mode ?? 'min', ['min', 'max'] as const);
    this.saveBestOnly = options.saveBestOnly ?? false;
    if (this.saveBestOnly && this.monitor === null) throw new RangeError("ModelCheckpoint: saveBestOnly needs a monitor (e.g. monitor: 'valLoss')");
    this.every = checkPositiveInt('ModelCheckpoint', 'every', options.every ?? 1);
    this.saveOptimizer = options.saveOptimizer ?? true;
    this.bestValue = worstValue(this.mode);
  }

  /** Callback: saves when this epoch is due (and, with saveBestOnly, improves). */
  onEpochEnd(ctx: TrainContext): void {
    if (ctx.epoch % this.every !== 0) return;
    const value = this.monitor === null ? null : monitoredValue('ModelCheckpoint', ctx, this.monitor);
    const better = value !== null && improves(value, this.bestValue, this.mode);
    if (this.saveBestOnly && !better) return;
    const path = this.pathOf(ctx);
    const meta: Record<string, string> = { epoch: String(ctx.epoch), step: String(ctx.step) };
    if (this.monitor !== null) meta[this.monitor] = String(value);
    saveCheckpoint(path, { model: ctx.model, optimizer: this.saveOptimizer ? ctx.optimizer.stateDict() : undefined, meta });
    this.lastPath = path;
    this.saved.push(path);
    if (better) {
      this.bestValue = value;
      this.bestPath = path;
    }
  }
}
