/** Backends: the kernel interface, the registry, and loading (see load.ts). */
export { registerBackend, setBackend, backendInfo, listBackends, kernels, type BackendInfo } from './registry.js';
export { initBackend, initBackendAsync, loadBackends, backendProblem, type BackendName, type InitBackendOptions } from './load.js';
export type { Kernels, GemmArgs, ConvGeometry, UnaryOp, BinaryOp, ReduceOp, AdamHyper, SgdHyper, RmspropHyper, AdagradHyper } from './kernels.js';
