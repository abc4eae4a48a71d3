/**
 * The main job (`descent` with no arguments): the same MLP trained on the built-in
 * Fashion-MNIST subset with six optimizers (SGD, momentum, Nesterov, Adam, AMSGrad, AdaShift),
 * a few seeds each; a table of final train loss, test accuracy and time (mean ± std over
 * seeds) and an HTML report with plots.
 */
import { resolveMethod, type Method } from './methods.js';
import type { TrialConfig } from './trial.js';
import type { JsonObject } from './util.js';

export interface MainJobOptions {
  seeds: number;
  epochs: number;
  hidden: number[];
  batchSize: number;
  /** Training examples used from the built-in subset (null: all 6,000). */
  trainLimit: number | null;
}

export const mainJobDefaults: MainJobOptions = { seeds: 2, epochs: 3, hidden: [256, 256], batchSize: 64, trainLimit: null };

/**
 * The methods compared, with learning rates from the usual defaults (SGD-family 0.05 with
 * momentum 0.9 where used, so the effective step is comparable; Adam and AMSGrad 1e-3; AdaShift
 * with the max spatial function 1e-2, about ten times Adam's, as thesis 004 appendix 3.F finds).
 */
export function mainJobMethods(): Method[] {
  return [
    resolveMethod('sgd', { lr: 0.05 }, 'sgd'),
    resolveMethod('momentum', { lr: 0.01, momentum: 0.9 }, 'momentum'),
    resolveMethod('nesterov', { lr: 0.01, momentum: 0.9 }, 'nesterov'),
    resolveMethod('adam', { lr: 0.001 }, 'adam'),
    resolveMethod('amsgrad', { lr: 0.001 }, 'amsgrad'),
    resolveMethod('adashift', { lr: 0.01 }, 'adashift'),
  ];
}

export function mainJobTrials(o: MainJobOptions): TrialConfig[] {
  const taskOptions: JsonObject = { dataset: 'builtin', epochs: o.epochs, hidden: o.hidden, batchSize: o.batchSize, trainLimit: o.trainLimit };
  const trials: TrialConfig[] = [];
  for (const method of mainJobMethods()) {
    for (let seed = 0; seed < o.seeds; seed++) trials.push({ task: 'mlp', taskOptions, method, seed });
  }
  return trials;
}
