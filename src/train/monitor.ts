/**
 * What "better" means for a monitored metric, shared by {@link EarlyStopping} and
 * {@link ModelCheckpoint} so the two always agree on which epoch was the best.
 */
import type { TrainContext } from './callback.js';

/** 'min' for a loss, 'max' for an accuracy. */
export type MonitorMode = 'min' | 'max';

/** The starting best: +Infinity in 'min' mode, -Infinity in 'max' mode. */
export const worstValue = (mode: MonitorMode): number => (mode === 'min' ? Infinity : -Infinity);

/** Whether `value` beats `best` by more than `minDelta` (a non-finite value never does). */
export function improves(value: number, best: number, mode: MonitorMode, minDelta = 0): boolean {
  if (!Number.isFinite(value)) return false;
  return mode === 'min' ? value < best - minDelta : value > best + minDelta;
}

/** The monitored metric of this epoch; an error naming the metrics there are when it is missing. */
export function monitoredValue(op: string, ctx: TrainContext, monitor: string): number {
  const value = ctx.metrics[monitor];
  if (typeof value !== 'number') {
    const have = Object.keys(ctx.metrics);
    throw new RangeError(`${op}: the monitored metric '${monitor}' is not among this epoch's metrics (${have.length ? have.map((k) => `'${k}'`).join(', ') : 'none'}); pass validation data for 'valLoss', or monitor one of these`);
  }
  return value;
}
