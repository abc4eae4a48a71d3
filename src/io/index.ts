/** io: checkpoints in the safetensors format, written atomically (files: Node only; see ./portable.ts for bytes). */
export * from './portable.js';
export { saveCheckpoint, loadCheckpoint } from './checkpoint.js';
export { saveSafetensors, loadSafetensors, readSafetensors } from './safetensors-files.js';
export { writeFileAtomic } from './atomic.js';
