/**
 * descent's optimizers: update rules over flat arrays (transforms), the Optimizer base class
 * that binds them to parameters, the registry (optimizers by name), wrappers (Lookahead, SWA,
 * EMA, SAM, gradient noise), learning-rate schedules and gradient clipping.
 *
 * The registry lists every built-in optimizer from explicit catalogs (./catalog.ts,
 * wrappers/catalog.ts, second-order/catalog.ts): `listOptimizers()`, `createOptimizer(name,
 * params, options)`, `describeOptimizer(name)`, `isAdaptiveOptimizer(name)`.
 */
export * from './types.js';
export * from './options.js';
export { Optimizer, encodeState, decodeState, evaluateClosure, gradData, zerosLikeStorage, type OptionsOf } from './optimizer.js';
export * from './registry.js';
export {
  chain, namedChain, TransformOptimizer, flipSign, addWeightDecay, scaleByLr, decoupledWeightDecay, scale,
  type Transform, type UpdateContext, type Hyper, type HyperOf, type ChainHyper,
} from './transform.js';
export { defineOptimizer, type OptimizerDefinition, type OptimizerClass, type OptimizerAlias } from './define.js';
export { firstOrderOptimizers } from './catalog.js';

export { SGD, sgdMomentum, type SGDOptions } from './methods/sgd.js';
export { Adagrad, scaleByAdagrad, type AdagradOptions } from './methods/adagrad.js';
export { Adadelta, scaleByAdadelta, type AdadeltaOptions } from './methods/adadelta.js';
export { RMSprop, scaleByRms, type RMSpropOptions } from './methods/rmsprop.js';
export { Adam, AdamW, AdamNC, scaleByAdam, scaleByAdamNC, type AdamOptions, type AdamWOptions, type AdamNCOptions } from './methods/adam.js';
export { Adamax, scaleByAdamax, type AdamaxOptions } from './methods/adamax.js';
export { NAdam, scaleByNAdam, type NAdamOptions } from './methods/nadam.js';
export { RAdam, scaleByRAdam, type RAdamOptions } from './methods/radam.js';
export { AdaBound, adaboundStep, type AdaBoundOptions } from './methods/adabound.js';
export { AdaBelief, scaleByBelief, type AdaBeliefOptions } from './methods/adabelief.js';
export { Yogi, scaleByYogi, type YogiOptions } from './methods/yogi.js';
export { Adafactor, adafactorStep, type AdafactorOptions } from './methods/adafactor.js';
export { Lamb, lambStep, type LambOptions } from './methods/lamb.js';
export { Lars, larsStep, type LarsOptions } from './methods/lars.js';
export { Lion, lionStep, type LionOptions } from './methods/lion.js';
export { NovoGrad, scaleByNovoGrad, type NovoGradOptions } from './methods/novograd.js';
export { SignSGD, Signum, scaleBySign, emaMomentum, type SignSGDOptions, type SignumOptions } from './methods/sign.js';
export { Rprop, rpropStep, type RpropOptions } from './methods/rprop.js';
export { ASGD, asgdStep, asgdAverages, type ASGDOptions } from './methods/asgd.js';
export { AdaShift, adashiftStep, type AdaShiftOptions, type AdaShiftPhi } from './methods/adashift.js';

export { WrapperOptimizer, wrapperEntry, type BuildOptimizer } from './wrappers/wrapper.js';
export { wrappers } from './wrappers/catalog.js';
export { Lookahead, type LookaheadOptions } from './wrappers/lookahead.js';
export { SWA, EMA, type SWAOptions, type EMAOptions } from './wrappers/averaging.js';
export { SAM, type SAMOptions } from './wrappers/sam.js';
export { GradientNoise, type GradientNoiseOptions } from './wrappers/noise.js';

export * from './schedules/index.js';
export * from './clip.js';

export * from './second-order/index.js';
