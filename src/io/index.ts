/** io: checkpoints in the safetensors format, written atomically. */
export {
  saveCheckpoint, loadCheckpoint,
  type CheckpointContents, type LoadedCheckpoint, type LoadCheckpointOptions, type OptimizerState, type HasStateDict, type LoadsStateDict,
} from './checkpoint.js';
export { saveSafetensors, loadSafetensors, readSafetensors, encodeSafetensors, decodeSafetensors, type SafetensorsContents } from './safetensors.js';
export { writeFileAtomic } from './atomic.js';
