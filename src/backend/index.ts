/** Backends: the kernel interface, the registry, and loading (see load.ts). */
export { registerBackend, setBackend, backendInfo, listBackends, kernels, optimizerKernels, type BackendInfo } from './registry.js';
export { initBackend, initBackendAsync, loadBackends, backendProblem, type BackendName, type InitBackendOptions } from './load.js';
export type { Kernels, GemmArgs, ConvGeometry, UnaryOp, BinaryOp, ReduceOp } from './kernels.js';
export type { OptimizerKernels, AdamHyper, SgdHyper, RmspropHyper, AdagradHyper } from './optimizer-kernels.js';
