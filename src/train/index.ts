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
 * This layer imports tensor, nn, optim, data and io only. ModelCheckpoint writes files, so it
 * is Node only: the portable root exports ./portable.ts, `descent` on Node (src/node.ts) this index.
 */
export * from './portable.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint.js';
