/**
 * descent for Node: every name of the portable root (./index.ts) plus the Node-only ones: the
 * file loaders (MNIST-format files, Fashion-MNIST found on disk or downloaded, the subset shipped
 * in the package), safetensors files and checkpoints, atomic writes, and in `gan` the
 * Fashion-MNIST classifier and PNG sample grids. `import 'descent'` resolves here on Node (the
 * "node" export condition), so Node users keep one import; `descent/node` names it explicitly.
 * The backend choice (BLAS, else wasm, else js) is the root's, made when it loads.
 */
export * from './index.js';
export * from './data/index.js';
export * from './io/index.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './train/model-checkpoint.js';
export * as gan from './gan/index.js';
export { MissingPeerError } from './platform/optional-peer.js';
