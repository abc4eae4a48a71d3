/**
 * MNIST-format image datasets (MNIST, Fashion-MNIST, EMNIST, KMNIST): a ubyte IDX file of
 * images [N, H, W] and a ubyte IDX file of labels [N]. Both are parsed and checked (types,
 * shapes, counts, label range) before any tensor is built, then the images are converted in
 * one pass to float32 [N, 1, H, W] in [0, 1].
 */
import { allocate, type DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import type { TensorDataset } from './dataset.js';
import { IdxFormatError, maybeGunzip, readIdxHeader } from './idx.js';

/** Images x [N, 1, H, W] in [0, 1], labels y [N] (class indices as floats), and class names. */
export interface ImageClassificationDataset extends TensorDataset {
  classes: readonly string[];
}

export interface MnistFormatOptions {
  /** Class names; their count bounds the labels. Defaults to '0'..'9' for 10 classes. */
  classes?: readonly string[];
  /** Expected image size [H, W]; refuses other sizes. Default: any. */
  imageSize?: readonly [number, number];
  /** Swap each image's rows and columns (EMNIST stores images transposed). */
  transpose?: boolean;
  /** Keep only the first `limit` examples. */
  limit?: number;
  /** Default 'float32'. */
  dtype?: DType;
}

export interface NamedBytes {
  bytes: Uint8Array;
  /** The file's path or label, used in error messages. */
  name: string;
}

/** Decodes an images/labels pair of IDX byte arrays (gzip or plain) into a dataset. */
export function decodeMnistFormat(images: NamedBytes, labels: NamedBytes, options: MnistFormatOptions = {}): ImageClassificationDataset {
  const classes = options.classes ?? Array.from({ length: 10 }, (_, i) => String(i));
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 0)) {
    throw new RangeError(`limit must be a non-negative integer, got ${options.limit}`);
  }
  // Parse and validate both files before building anything.
  const imgRaw = maybeGunzip(images.bytes, images.name);
  const img = readIdxHeader(imgRaw, { name: images.name });
  const labRaw = maybeGunzip(labels.bytes, labels.name);
  const lab = readIdxHeader(labRaw, { name: labels.name });
  if (img.type !== 'ubyte' || img.shape.length !== 3) {
    throw new IdxFormatError(images.name, `expected an images file (ubyte, 3 dimensions [N, H, W], magic 00 00 08 03), found ${img.type} with shape [${img.shape}]${lab.type === 'ubyte' && img.shape.length === 1 ? ' (is this the labels file?)' : ''}`);
  }
  if (lab.type !== 'ubyte' || lab.shape.length !== 1) {
    throw new IdxFormatError(labels.name, `expected a labels file (ubyte, 1 dimension [N], magic 00 00 08 01), found ${lab.type} with shape [${lab.shape}]${lab.shape.length === 3 ? ' (is this the images file?)' : ''}`);
  }
  const [n, h, w] = img.shape;
  if (options.imageSize && (h !== options.imageSize[0] || w !== options.imageSize[1])) {
    throw new IdxFormatError(images.name, `images are ${h} x ${w}, expected ${options.imageSize[0]} x ${options.imageSize[1]}`);
  }
  if (lab.shape[0] !== n) {
    throw new IdxFormatError(labels.name, `holds ${lab.shape[0]} labels but ${images.name} holds ${n} images; the counts must match (mismatched or mixed-up files?)`);
  }
  const labelBytes = labRaw.subarray(lab.offset, lab.offset + n);
  for (let i = 0; i < n; i++) {
    if (labelBytes[i] >= classes.length) {
      throw new IdxFormatError(labels.name, `label ${labelBytes[i]} at index ${i} is out of range: there are ${classes.length} classes (0..${classes.length - 1})`);
    }
  }
  const count = options.limit === undefined ? n : Math.min(n, options.limit);
  // One pass from bytes to floats.
  const pixels = h * w;
  const src = imgRaw.subarray(img.offset, img.offset + count * pixels);
  const x = allocate(options.dtype ?? 'float32', count * pixels);
  if (!options.transpose) {
    const total = x.length;
    for (let i = 0; i < total; i++) x[i] = src[i] / 255;
  } else {
    for (let k = 0; k < count; k++) {
      const base = k * pixels;
      for (let r = 0; r < w; r++) for (let c = 0; c < h; c++) x[base + r * h + c] = src[base + c * w + r] / 255;
    }
  }
  const y = allocate(options.dtype ?? 'float32', count);
  for (let i = 0; i < count; i++) y[i] = labelBytes[i];
  const shape = options.transpose ? [count, 1, w, h] : [count, 1, h, w];
  return { x: new Tensor(x, shape), y: new Tensor(y, [count]), classes };
}
