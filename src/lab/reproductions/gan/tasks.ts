/**
 * The lab tasks behind the GAN reproductions. The lab registers them by name (so worker
 * threads, which load the task registry on their own, know them too):
 *
 *   import { ganTasks } from '../gan/reproductions/tasks.js';
 *   for (const def of ganTasks) registerTask(def);
 */
import type { TaskDef } from '../../tasks.js';
import { criticDriftTask } from './critic-drift.js';
import { criticOptimizerTask } from './critic-optimizers.js';
import { fixedPointsTask } from './fixed-points.js';
import { mixtureTask } from './mixture-modes.js';
import { optimalDirectionTask } from './optimal-direction.js';
import { surveyTableTask } from './survey-table.js';

export const ganTasks: readonly TaskDef[] = [fixedPointsTask, optimalDirectionTask, criticDriftTask, mixtureTask, criticOptimizerTask, surveyTableTask];
