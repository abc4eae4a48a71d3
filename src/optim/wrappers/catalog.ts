/**
 * Every built-in wrapper's registry entry, one line each (the registry reads this list).
 * Adding a wrapper: a file with its `WrapperOptimizer` subclass and `wrapperEntry(...)`, and a
 * line here.
 */
import type { OptimizerEntry } from '../registry.js';
import { emaEntry, swaEntry } from './averaging.js';
import { lookaheadEntry } from './lookahead.js';
import { gradientNoiseEntry } from './noise.js';
import { samEntry } from './sam.js';

/** The wrappers' registry entries. */
export const optimizerWrappers: readonly OptimizerEntry[] = [lookaheadEntry, swaEntry, emaEntry, samEntry, gradientNoiseEntry];
