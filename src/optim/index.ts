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
export type { OptimizerName, OptimizerOptionsByName, OptimizerOptionsFor } from './names.js';
export {
  chain, namedChain, TransformOptimizer, flipSign, addWeightDecay, scaleByLr, decoupledWeightDecay, scale, present,
  type Transform, type UpdateContext, type Hyper, type HyperOf, type ChainHyper,
} from './transform.js';
export { defineOptimizer, type OptimizerDefinition, type OptimizerClass, type OptimizerAlias } from './define.js';
export { firstOrderOptimizers } from './catalog.js';

export { SGD, sgdMomentum, type SGDOptions, type SGDState } from './methods/sgd.js';
export { Adagrad, scaleByAdagrad, type AdagradOptions, type AdagradState } from './methods/adagrad.js';
export { Adadelta, scaleByAdadelta, type AdadeltaOptions, type AdadeltaState } from './methods/adadelta.js';
export { RMSprop, scaleByRms, type RMSpropOptions, type RMSpropState } from './methods/rmsprop.js';
export { Adam, AdamW, AdamNC, scaleByAdam, scaleByAdamNC, type AdamOptions, type AdamWOptions, type AdamNCOptions, type AdamState, type AdamNCState } from './methods/adam.js';
export { Adamax, scaleByAdamax, type AdamaxOptions, type AdamaxState } from './methods/adamax.js';
export { NAdam, scaleByNAdam, type NAdamOptions, type NAdamState } from './methods/nadam.js';
export { RAdam, scaleByRAdam, type RAdamOptions, type RAdamState } from './methods/radam.js';
export { AdaBound, adaboundStep, type AdaBoundOptions, type AdaBoundState } from './methods/adabound.js';
export { AdaBelief, scaleByBelief, type AdaBeliefOptions, type AdaBeliefState } from './methods/adabelief.js';
export { Yogi, scaleByYogi, type YogiOptions, type YogiState } from './methods/yogi.js';
export { Adafactor, adafactorStep, type AdafactorOptions, type AdafactorState } from './methods/adafactor.js';
export { Lamb, lambStep, type LambOptions, type LambState } from './methods/lamb.js';
export { Lars, larsStep, type LarsOptions, type LarsState } from './methods/lars.js';
export { Lion, lionStep, type LionOptions, type LionState } from './methods/lion.js';
export { NovoGrad, scaleByNovoGrad, type NovoGradOptions, type NovoGradState } from './methods/novograd.js';
export { SignSGD, Signum, scaleBySign, emaMomentum, type SignSGDOptions, type SignumOptions, type EmaMomentumState } from './methods/sign.js';
export { Rprop, rpropStep, type RpropOptions, type RpropState } from './methods/rprop.js';
export { ASGD, asgdStep, asgdAverages, type ASGDOptions, type ASGDState } from './methods/asgd.js';
export { AdaShift, adashiftStep, type AdaShiftOptions, type AdaShiftPhi, type AdaShiftState } from './methods/adashift.js';

export { WrapperOptimizer, wrapperEntry, type BuildOptimizer } from './wrappers/wrapper.js';
export { optimizerWrappers } from './wrappers/catalog.js';
export { Lookahead, type LookaheadOptions } from './wrappers/lookahead.js';
export { SWA, EMA, type SWAOptions, type EMAOptions } from './wrappers/averaging.js';
export { SAM, type SAMOptions } from './wrappers/sam.js';
export { GradientNoise, type GradientNoiseOptions } from './wrappers/noise.js';

export * from './schedules/index.js';
export * from './clip.js';

export * from './second-order/index.js';
