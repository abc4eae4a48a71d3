/**
 * descent: train neural networks in TypeScript with the whole literature of optimization and
 * regularization methods.
 *
 * This is the portable package root: it runs in Node, browsers and bundlers, and imports no
 * Node module statically (a test bundles it for the browser). Node's `import 'descent'`
 * resolves to ./node.ts instead, which adds the file loaders to these same names.
 */
export * from './tensor/index.js';
export { setBackend, backendInfo, listBackends, registerBackend, type BackendInfo } from './backend/registry.js';
export type { Kernels, GemmArgs, ConvGeometry, UnaryOp, BinaryOp, ReduceOp } from './backend/kernels.js';
export type { OptimizerKernels, AdamHyper } from './backend/optimizer-kernels.js';
export { initBackend, initBackendAsync, loadBackends, type BackendName, type InitBackendOptions } from './backend/load.js';
export * from './data/portable.js';
export * as nn from './nn/index.js';
export {
  Module, parameter, Linear, Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d, Flatten, Dropout, Embedding, Sequential, Residual,
  ReLU, LeakyReLU, ELU, SELU, GELU, Tanh, Sigmoid, Softplus, SiLU,
  BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm, InstanceNorm2d, weightNorm, spectralNorm,
  mseLoss, l1Loss, huberLoss, smoothL1Loss, crossEntropy, nllLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv,
  multiMarginLoss, hingeLoss, oneHot, type Reduction,
} from './nn/index.js';
export * from './io/portable.js';

// The fastest backend by default: system BLAS (Node), else the wasm kernels, else js (DESCENT_BACKEND overrides).
import { initBackend as selectBackend } from './backend/load.js';
selectBackend();
export * from './optim/index.js';
export * from './train/portable.js';
export * as regularize from './regularize/index.js';
export * as gan from './gan/portable.js';
export * as diagnostics from './diagnostics/index.js';
