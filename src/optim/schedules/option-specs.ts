/** Shorthands for the schedules' option tables (same specs and validation as optimizers'). */
import type { OptionSpec } from '../options.js';

/** A number option. */
export const num = (dflt: number | undefined, doc: string, extra: Partial<OptionSpec> = {}): OptionSpec =>
  ({ type: 'number', default: dflt, doc, ...extra });

/** An integer option of at least `min`. */
export const int = (dflt: number | undefined, doc: string, min = 1): OptionSpec => ({ type: 'integer', default: dflt, min, doc });

/** A non-negative number, or one per parameter group. */
export const perGroupNum = (dflt: number | undefined, doc: string): OptionSpec => ({ type: 'numberOrNumbers', default: dflt, min: 0, doc });
