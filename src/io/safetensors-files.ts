/**
 * safetensors files on disk (Node only): written atomically, read with the checks of
 * {@link decodeSafetensors}. The format itself, from and to bytes, is in safetensors.ts.
 */
import fs from 'node:fs';
import type { Tensor } from '../tensor/index.js';
import { writeFileAtomic } from './atomic.js';
import { decodeSafetensors, encodeParts, type SafetensorsContents, type SafetensorsReadOptions } from './safetensors.js';

/** Writes `tensors` (and string metadata) to `path` as safetensors, atomically. */
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): void {
  const parts = encodeParts(tensors, metadata, 'saveSafetensors');
  writeFileAtomic(path, parts, 'saveSafetensors');
}

/** Reads a safetensors file: its tensors and its metadata (`options`: what I64 loads as). */
export function readSafetensors(path: string, options: SafetensorsReadOptions = {}): SafetensorsContents {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(path);
  } catch (err) {
    throw new Error(`safetensors: cannot read '${path}': ${(err as Error).message}`, { cause: err });
  }
  return decodeSafetensors(bytes, `'${path}'`, options);
}

/** Reads the tensors of a safetensors file (see {@link readSafetensors} for the metadata too). */
export function loadSafetensors(path: string, options: SafetensorsReadOptions = {}): Record<string, Tensor> {
  return readSafetensors(path, options).tensors;
}
