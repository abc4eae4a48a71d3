import type { OptimizerKernels } from '../../optimizer-kernels.js';
import { adagrad } from './adagrad.js';
import { adam } from './adam.js';
import { rmsprop } from './rmsprop.js';
import { sgd } from './sgd.js';

/** The plain TypeScript fused optimizer steps: the reference the other backends are checked against. */
export const jsOptimizerKernels: OptimizerKernels = { name: 'js', adam, sgd, rmsprop, adagrad };
