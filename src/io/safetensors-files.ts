/**
 * safetensors files on disk (Node only): written atomically, read with the checks of
 * {@link decodeSafetensors}. The format itself, from and to bytes, is in safetensors.ts.
 */
import fs from 'node:fs';
import type { Tensor } from '../tensor/index.js';
import { writeFileAtomic } from './atomic.js';
import { decodeSafetensors, encodeParts, type SafetensorsContents } from './safetensors.js';

/** Writes `tensors` (and string metadata) to `path` as safetensors, atomically. */
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): void {
  const parts = encodeParts(tensors, metadata, 'saveSafetensors');
  writeFileAtomic(path, parts, 'saveSafetensors');
}

/** Reads a safetensors file: its tensors and its metadata. */
export function readSafetensors(path: string): SafetensorsContents {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(path);
  } catch (err) {
    throw new Error(`safetensors: cannot read '${path}': ${(err as Error).message}`, { cause: err });
  }
  return decodeSafetensors(bytes, `'${path}'`);
}

/** Reads the tensors of a safetensors file (see {@link readSafetensors} for the metadata too). */
export function loadSafetensors(path: string): Record<string, Tensor> {
  return readSafetensors(path).tensors;
}
