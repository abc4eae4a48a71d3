/** The train names that run anywhere (the package root's): everything but ModelCheckpoint, which writes files. */
export { fit, type FitOptions, type FitResult, type BatchSource, type TrainStep, type NonFinitePolicy } from './fit.js';
export { type Callback, type Hook, type TrainContext } from './callback.js';
export { evaluate, type EvaluateOptions, type Evaluation, type LossFn } from './evaluate.js';
export { accuracy, type Metric, type MetricLike } from './metrics.js';
export { EarlyStopping, cloneStateDict, type EarlyStoppingOptions } from './early-stopping.js';
export { Progress, type ProgressOptions } from './progress.js';
export { History } from './history.js';
export type { MonitorMode } from './monitor.js';
