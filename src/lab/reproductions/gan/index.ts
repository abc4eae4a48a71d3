/**
 * The GAN reproductions (`descent reproduce NAME`), each implementing the lab's Reproduction
 * interface, and the tasks they run.
 */
import type { Reproduction } from '../types.js';
import { criticDrift } from './critic-drift.js';
import { criticOptimizers } from './critic-optimizers.js';
import { fixedPoints } from './fixed-points.js';
import { mixtureModes } from './mixture-modes.js';
import { optimalDirection } from './optimal-direction.js';
import { surveyTable } from './survey-table.js';

export { ganTasks } from './tasks.js';
export { fixedPoints, optimalDirection, criticDrift, mixtureModes, criticOptimizers, surveyTable };

/** In the order of the issue: figure 2-2, figure 2-4, §2.6.4, mixtures, figure 3-7a, survey tables. */
export const ganReproductions: readonly Reproduction[] = [fixedPoints, optimalDirection, criticDrift, mixtureModes, criticOptimizers, surveyTable];
