/**
 * train: the training loop and its callbacks, as Keras' `model.fit` or a Lightning Trainer.
 *
 * ```ts
 * import { fit, evaluate, EarlyStopping, ModelCheckpoint, Progress } from 'descent';
 * const { history } = fit(model, train, {
 *   optimizer: 'adam', epochs: 30, batchSize: 64, seed: 0, validation: val, metrics: ['accuracy'],
 *   callbacks: [new EarlyStopping({ patience: 3 }), new ModelCheckpoint({ path: 'best.safetensors', monitor: 'valLoss', saveBestOnly: true })],
 * });
 * const { loss, accuracy } = evaluate(model, test, { metrics: ['accuracy'] });
 * ```
 *
 * - fit.ts: the loop (fit, FitOptions, FitResult);
 * - callback.ts: the hooks and the context they see;
 * - evaluate.ts, metrics.ts: the evaluator and its metrics (accuracy);
 * - early-stopping.ts, model-checkpoint.ts, progress.ts, history.ts: the built-in callbacks;
 * - validate.ts: the option checks shared with the regularization methods.
 *
 * This layer imports tensor, nn, optim, data and io only.
 */
export { fit, type FitOptions, type FitResult, type BatchSource, type TrainStep, type NonFinitePolicy } from './fit.js';
export { type Callback, type Hook, type TrainContext } from './callback.js';
export { evaluate, type EvaluateOptions, type Evaluation, type LossFn } from './evaluate.js';
export { accuracy, type Metric, type MetricLike } from './metrics.js';
export { EarlyStopping, cloneStateDict, type EarlyStoppingOptions } from './early-stopping.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint.js';
export { Progress, type ProgressOptions } from './progress.js';
export { History } from './history.js';
export type { MonitorMode } from './monitor.js';
