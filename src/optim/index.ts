/**
 * descent's optimizers: update rules over flat arrays, the Optimizer base class that binds
 * them to parameters, the registry (optimizers by name), schedules and gradient clipping.
 */
export * from './types.js';
export * from './options.js';
export { Optimizer, encodeState, decodeState, evaluateClosure, gradData, zerosLikeStorage, type OptionsOf } from './optimizer.js';
export * from './registry.js';
