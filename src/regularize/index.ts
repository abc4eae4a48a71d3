/**
 * regularize: every regularization method of the source documents (survey 000 §3; course
 * notes 003 §5), each usable in a line or two from a training loop. See docs/regularization.md.
 *
 * - parameter norm penalties (L2, L1, elastic net) on chosen parameters, decoupled weight
 *   decay, the L1 proximal step: penalties.ts, select.ts;
 * - norm constraints (max-norm, unit-norm, non-negativity) as projections: constraints.ts;
 * - sparse representations (L1 and KL sparsity on activations): sparse.ts;
 * - parameter tying (soft tie) and sharing: penalties.ts; multi-task learning: multitask.ts;
 * - the dropout family (inverted, classic, alpha, spatial, DropConnect, Gaussian): dropout.ts;
 * - noise injection (inputs, hidden units, weights, labels; label smoothing): noise.ts;
 * - data augmentation for images (crop, flip, rotation/translation, cutout, mixup, cutmix): augment.ts;
 * - adversarial training (FGSM, PGD, robust accuracy): adversarial.ts;
 * - early stopping: early-stopping.ts;
 * - semi-supervised learning (pseudo-labels, entropy minimization, Π-model consistency): semi-supervised.ts;
 * - ensembles and bagging: ensemble.ts;
 * - a declarative configuration of all of it (for lab specs) and training loops: spec.ts, train.ts,
 *   fit-semi-supervised.ts.
 */
export * from './select.js';
export * from './penalties.js';
export * from './constraints.js';
export * from './sparse.js';
export * from './dropout.js';
export * from './noise.js';
export * from './augment.js';
export * from './adversarial.js';
export * from './early-stopping.js';
export * from './semi-supervised.js';
export * from './ensemble.js';
export * from './multitask.js';
export * from './spec.js';
export * from './train.js';
export * from './fit-semi-supervised.js';
export * from './pruning.js';
