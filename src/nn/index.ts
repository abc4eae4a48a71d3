/**
 * nn: everything needed to define a model, in the spirit of torch.nn: the Module base class,
 * layers, activations, initializers, normalization layers and reparametrizations, and losses.
 */
export { Module, parameter, buffer, type ForwardHook, type ForwardPreHook, type HookHandle, type LoadStateDictOptions, type LoadStateDictResult } from './module.js';
export {
  Linear, Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d, GlobalAvgPool2d, Flatten, Identity, Dropout, Dropout2d, Embedding,
  Sequential, ModuleList, Residual, BasicBlock,
  type LayerOptions, type Conv2dLayerOptions, type ConvTranspose2dLayerOptions, type PoolLayerOptions, type MaxPoolLayerOptions, type AvgPoolLayerOptions, type DropoutLayerOptions,
  type EmbeddingOptions, type ResidualOptions, type BasicBlockOptions,
} from './layers.js';
export {
  ReLU, LeakyReLU, ELU, SELU, GELU, Tanh, Sigmoid, Softplus, SiLU, Softmax, LogSoftmax,
  Hardtanh, ReLU6, Hardswish, Hardsigmoid, Mish, Softsign, Tanhshrink, PReLU, CELU, GLU, Softmin,
} from './activation.js';
export {
  BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm, InstanceNorm2d, batchNorm, layerNorm, groupNorm,
  type BatchNormOptions, type BatchNormFunctionalOptions, type InstanceNormOptions,
  RMSNorm, rmsNorm, localResponseNorm, instanceNorm, type LocalResponseNormOptions, type InstanceNormFunctionalOptions,
} from './norm.js';
export { SwitchableNorm2d, switchableStatistics, type SwitchableNormOptions, type SwitchableStatistics } from './switchable-norm.js';
export { weightNorm, removeWeightNorm, spectralNorm, removeSpectralNorm, type WeightNormOptions, type SpectralNormOptions } from './reparam.js';
export {
  mseLoss, l1Loss, huberLoss, smoothL1Loss, crossEntropy, nllLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv,
  multiMarginLoss, hingeLoss, hingeEmbeddingLoss,
  MSELoss, L1Loss, HuberLoss, SmoothL1Loss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss, MultiMarginLoss, HingeLoss,
  type Reduction, type ReductionOptions, type NllOptions, type CrossEntropyOptions, type BceOptions, type BceWithLogitsOptions,
  type KlDivOptions, type MultiMarginOptions,
} from './loss.js';
export {
  marginRankingLoss, cosineEmbeddingLoss, tripletMarginLoss, poissonNllLoss, gaussianNllLoss, softMarginLoss, multilabelMarginLoss, multilabelSoftMarginLoss,
  MarginRankingLoss, CosineEmbeddingLoss, TripletMarginLoss, PoissonNLLLoss, GaussianNLLLoss, SoftMarginLoss, MultiLabelMarginLoss, MultiLabelSoftMarginLoss,
  type MarginOptions, type TripletMarginOptions, type PoissonNllOptions, type GaussianNllOptions, type MultilabelSoftMarginOptions,
} from './loss-extra.js';
export { ctcLoss, CTCLoss, type CtcLossOptions } from './ctc-loss.js';
export { oneHot } from './vectors.js';
export * as init from './init.js';
export * as functional from './functional.js';
export { dropout, dropout2d, relu, leakyRelu, tanh, sigmoid } from './functional.js';

// issue 19: spatial ops
export {
  Conv1d, Conv3d, MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d,
  Upsample, PixelShuffle, PixelUnshuffle, Fold, Unfold, type Conv1dLayerOptions, type Conv3dLayerOptions,
} from './spatial-layers.js';
export type { PaddingMode } from './padding-mode.js';
export { embedding, type EmbeddingFunctionalOptions } from './embedding.js';
