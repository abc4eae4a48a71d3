/**
 * MNIST-format IDX files read from disk (Node only; {@link decodeMnistFormat} decodes bytes
 * from anywhere).
 */
import { readFileSync } from 'node:fs';
import { decodeMnistFormat, type ImageClassificationDataset, type MnistFormatOptions } from './mnist.js';

function readFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(`${path}: cannot read (${err.code ?? err.message})`);
  }
}

/** Loads an images/labels pair of MNIST-format IDX files (gzip or plain) from disk. */
export function loadMnistFormat(paths: { images: string; labels: string }, options: MnistFormatOptions = {}): ImageClassificationDataset {
  return decodeMnistFormat({ bytes: readFile(paths.images), name: paths.images }, { bytes: readFile(paths.labels), name: paths.labels }, options);
}
