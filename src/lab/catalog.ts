/**
 * Every lab task and every reproduction, listed here and nowhere else: the CLI, the runner's
 * worker threads and specs find them by name through this file. A new task or reproduction is
 * one file (exporting its TaskDef or Reproduction) plus one line below.
 */
import { classificationTasks } from './problems/classification.js';
import { functions2dTasks } from './problems/functions2d.js';
import { onlineTasks } from './problems/online.js';
import { quadraticTask } from './problems/quadratic.js';
import { adashiftMnist } from './reproductions/optim/adashift-mnist.js';
import { batchSize } from './reproductions/optim/batch-size.js';
import { counterexample } from './reproductions/optim/counterexample.js';
import { momentum } from './reproductions/optim/momentum.js';
import { adversarialFmnistTask, adversarialTraining } from './reproductions/regularize/adversarial.js';
import { overfitFmnistTask, regularizationFmnist } from './reproductions/regularize/overfit-fmnist.js';
import { overfitRegressionTask, regularizationRegression } from './reproductions/regularize/overfit-regression.js';
import { pseudoLabeling, semiSupervisedTask } from './reproductions/regularize/semi-supervised.js';
import { criticDrift, criticDriftTask } from './reproductions/gan/critic-drift.js';
import { criticOptimizers, criticOptimizerTask } from './reproductions/gan/critic-optimizers.js';
import { fixedPoints, fixedPointsTask } from './reproductions/gan/fixed-points.js';
import { mixtureModes, mixtureTask } from './reproductions/gan/mixture-modes.js';
import { optimalDirection, optimalDirectionTask } from './reproductions/gan/optimal-direction.js';
import { surveyTable, surveyTableTask } from './reproductions/gan/survey-table.js';
import { edgeOfStability, edgeOfStabilityTask } from './reproductions/diagnostics/edge-of-stability.js';
import { gradientCorrelations, gradientCorrelationsTask } from './reproductions/diagnostics/gradient-correlations.js';
import { landscape, landscapeTask } from './reproductions/diagnostics/landscape.js';
import { modeConnectivity, modeConnectivityTask } from './reproductions/diagnostics/mode-connectivity.js';
import { batchSharpnessTask, sharpMinima } from './reproductions/diagnostics/sharp-minima.js';
// issue 20 part B (h9): pruning, normalization, conditioning and initialization reproductions
import { lotteryTicket, lotteryTicketTask } from './reproductions/regularize/lottery-ticket.js';
import { conditioningSpectrum, quadraticSpectrumTask } from './reproductions/optim/conditioning.js';
import { criticalC, criticalCTask } from './reproductions/optim/critical-c.js';
import { initGradients, initGradientsTask } from './reproductions/nn/init-gradients.js';
import type { Reproduction } from './reproductions/types.js';
import type { TaskDef } from './tasks.js';
import { LabError } from './util.js';

/** The optimizer test problems of src/lab/problems: 2D functions, online counterexamples, the quadratic, Fashion-MNIST. */
export const problemTasks: readonly TaskDef[] = [...functions2dTasks, ...onlineTasks, quadraticTask, ...classificationTasks, quadraticSpectrumTask, criticalCTask];

/** The tasks of the regularization reproductions. */
export const regularizationTasks: readonly TaskDef[] = [overfitFmnistTask, overfitRegressionTask, adversarialFmnistTask, semiSupervisedTask, lotteryTicketTask, initGradientsTask];

/** The tasks of the GAN reproductions. */
export const ganTasks: readonly TaskDef[] = [fixedPointsTask, optimalDirectionTask, criticDriftTask, mixtureTask, criticOptimizerTask, surveyTableTask];

/** The tasks of the diagnostics reproductions (issue 20): gradient statistics, sharpness, landscape, mode connectivity, edge of stability. */
export const diagnosticsTasks: readonly TaskDef[] = [gradientCorrelationsTask, batchSharpnessTask, landscapeTask, modeConnectivityTask, edgeOfStabilityTask];

/** Every task, in the order `descent list tasks` shows them. */
export const tasks: readonly TaskDef[] = [...problemTasks, ...regularizationTasks, ...ganTasks, ...diagnosticsTasks];

/** The optimizer reproductions (thesis 004, course notes 003). */
export const optimReproductions: readonly Reproduction[] = [counterexample, adashiftMnist, momentum, batchSize, conditioningSpectrum, criticalC];

/** The regularization reproductions (survey 000 §3). */
export const regularizationReproductions: readonly Reproduction[] = [regularizationFmnist, regularizationRegression, adversarialTraining, pseudoLabeling, lotteryTicket, initGradients];

/** The GAN reproductions, in the order of the issue: figure 2-2, figure 2-4, §2.6.4, mixtures, figure 3-7a, survey tables. */
export const ganReproductions: readonly Reproduction[] = [fixedPoints, optimalDirection, criticDrift, mixtureModes, criticOptimizers, surveyTable];

/** The diagnostics reproductions (issue 20): thesis 3.D, Keskar's sharp minima, the landscape claims, mode connectivity, the edge of stability. */
export const diagnosticsReproductions: readonly Reproduction[] = [gradientCorrelations, sharpMinima, landscape, modeConnectivity, edgeOfStability];

/** Every reproduction, in the order `descent reproduce` lists them. */
export const reproductions: readonly Reproduction[] = [...optimReproductions, ...regularizationReproductions, ...ganReproductions, ...diagnosticsReproductions];

/** Every task. */
export function listTasks(): TaskDef[] {
  return [...tasks];
}

/** The task named `name`; a LabError lists the names there are. */
export function getTask(name: string): TaskDef {
  const t = tasks.find((x) => x.name === name);
  if (!t) throw new LabError(`unknown task '${name}'; available: ${tasks.map((x) => x.name).join(', ')}`);
  return t;
}

/** The reproduction named `name`; a LabError lists the names there are. */
export function getReproduction(name: string): Reproduction {
  const r = reproductions.find((x) => x.name === name);
  if (!r) throw new LabError(`unknown reproduction '${name}'; available: ${reproductions.map((x) => x.name).join(', ')} (or 'all')`);
  return r;
}
