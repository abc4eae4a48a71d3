/** io names that run anywhere: the safetensors format from and to bytes, and the checkpoint types. */
export { encodeSafetensors, decodeSafetensors, type SafetensorsContents, type SafetensorsReadOptions } from './safetensors.js';
export type { CheckpointContents, LoadedCheckpoint, LoadCheckpointOptions, OptimizerState, HasStateDict, LoadsStateDict } from './checkpoint.js';
