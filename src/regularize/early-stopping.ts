/**
 * Early stopping (course notes 003 §5.3): one implementation, in src/train/early-stopping.ts,
 * which is both a stepper for a hand-written loop and a callback of the training loop `fit`.
 * Re-exported here, where the regularization methods are gathered.
 *
 * ```ts
 * const stopper = new EarlyStopping({ patience: 5, mode: 'min' });
 * for (let epoch = 0; epoch < maxEpochs; epoch++) {
 *   train(model);
 *   if (stopper.step(validationLoss(model), model)) break;
 * }
 * stopper.restore(model);   // the best epoch's weights (and buffers)
 * ```
 */
export { EarlyStopping, cloneStateDict, type EarlyStoppingOptions } from '../train/early-stopping.js';
