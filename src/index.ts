/**
 * descent: train neural networks in TypeScript with the whole literature of optimization and
 * regularization methods.
 */
export * from './tensor/index.js';
export { setBackend, backendInfo, listBackends, registerBackend, type BackendInfo } from './backend/registry.js';
export type { Kernels, GemmArgs, ConvGeometry, UnaryOp, BinaryOp, ReduceOp, AdamHyper } from './backend/kernels.js';
export * from './data/index.js';
