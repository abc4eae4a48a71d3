/** The option checks moved to src/train/validate.ts (the training loop needs them and may not import regularize); re-exported here for the regularization methods. */
export * from '../train/validate.js';
