/**
 * The training view's datasets, DOM-free: the built-in Fashion-MNIST subset decoded from its IDX
 * bytes (gzip undone by the caller's `gunzip`, DecompressionStream in browsers), a user's CSV
 * (numeric features, the label in the last column or in a column named `label`), and a user's
 * images already decoded to grey pixels (a folder per class). Bad input is an error naming the
 * line, column or file and what was expected.
 */
import { decodeMnistFormat, isGzip, stratifiedSplit, Tensor, type TensorDataset } from '../../../../src/index.js';
import type { ClassificationData } from './run.js';

/** Fashion-MNIST's class names, in label order. */
export const FASHION_CLASSES: readonly string[] = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** The four files of the built-in subset, as bytes (gzip or plain). */
export interface SubsetBytes {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

/** Decodes the built-in subset, keeping the first `trainLimit` training examples. */
export async function decodeSubset(b: SubsetBytes, gunzip: (bytes: Uint8Array) => Promise<Uint8Array>, trainLimit?: number): Promise<ClassificationData> {
  const plain = async (bytes: Uint8Array): Promise<Uint8Array> => (isGzip(bytes) ? gunzip(bytes) : bytes);
  const [ti, tl, si, sl] = await Promise.all([plain(b.trainImages), plain(b.trainLabels), plain(b.testImages), plain(b.testLabels)]);
  const train = decodeMnistFormat({ bytes: ti, name: 'train-images-idx3-ubyte' }, { bytes: tl, name: 'train-labels-idx1-ubyte' }, { classes: FASHION_CLASSES, limit: trainLimit });
  const test = decodeMnistFormat({ bytes: si, name: 't10k-images-idx3-ubyte' }, { bytes: sl, name: 't10k-labels-idx1-ubyte' }, { classes: FASHION_CLASSES });
  return { train, test, classes: FASHION_CLASSES };
}

/** An error in a user's dataset, naming the file and what was wrong. */
export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

function splitLine(line: string): string[] {
  return line.split(line.includes(',') ? ',' : /[;\t]/).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

/**
 * Parses a CSV of numeric features and a class label: the column named `label` if the header
 * has one, else the last column. A first line with any non-numeric feature is a header. Labels
 * may be any text; classes are their sorted distinct values. Features are scaled to [0, 1] per
 * column (min-max over the file), so a learning rate suits any units.
 */
export function parseCsv(text: string, name = 'the CSV'): { x: Tensor; y: Tensor; classes: string[] } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new DatasetError(`${name}: expected a header or data line and at least one more; found ${lines.length} non-empty line(s)`);
  let cells = lines.map(splitLine);
  const width = cells[0].length;
  if (width < 2) throw new DatasetError(`${name}: expected at least 2 columns (features, then a label), found ${width} on line 1`);
  const isNum = (s: string): boolean => s !== '' && Number.isFinite(Number(s));
  let labelCol = width - 1;
  let start = 0;
  const header = cells[0];
  const named = header.findIndex((h) => h.toLowerCase() === 'label');
  if (named >= 0 || header.some((h, j) => j !== labelCol && !isNum(h))) {
    if (named >= 0) labelCol = named;
    start = 1;
  }
  cells = cells.slice(start);
  if (cells.length < 2) throw new DatasetError(`${name}: expected at least 2 data rows, found ${cells.length}`);
  const features = width - 1;
  const n = cells.length;
  const x = new Float32Array(n * features);
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const row = cells[i];
    const lineNo = i + start + 1;
    if (row.length !== width) throw new DatasetError(`${name}: line ${lineNo} has ${row.length} columns, expected ${width} like line 1`);
    let f = 0;
    for (let j = 0; j < width; j++) {
      if (j === labelCol) continue;
      const v = Number(row[j]);
      if (!isNum(row[j])) throw new DatasetError(`${name}: line ${lineNo}, column ${j + 1} is "${row[j]}", expected a number (features must be numeric; the label is ${start ? `column "${header[labelCol]}"` : 'the last column'})`);
      x[i * features + f++] = v;
    }
    if (row[labelCol] === '') throw new DatasetError(`${name}: line ${lineNo} has an empty label (column ${labelCol + 1})`);
    labels.push(row[labelCol]);
  }
  for (let f = 0; f < features; f++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, x[i * features + f]);
      hi = Math.max(hi, x[i * features + f]);
    }
    const span = hi - lo || 1;
    for (let i = 0; i < n; i++) x[i * features + f] = (x[i * features + f] - lo) / span;
  }
  const classes = [...new Set(labels)].sort((a, b) => (isNum(a) && isNum(b) ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
  if (classes.length < 2) throw new DatasetError(`${name}: expected at least 2 classes in the label column, found only "${classes[0]}"`);
  const index = new Map(classes.map((c, k) => [c, k]));
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = index.get(labels[i])!;
  return { x: new Tensor(x, [n, features]), y: new Tensor(y, [n]), classes };
}

/** One user image, decoded to grey values in [0, 1] at a common size. */
export interface GreyImage {
  className: string;
  pixels: Float32Array;
}

/** Stacks user images (all `size` x `size`) into a dataset [N, 1, size, size] of their folders' classes. */
export function imagesDataset(images: readonly GreyImage[], size: number): { x: Tensor; y: Tensor; classes: string[] } {
  if (images.length < 2) throw new DatasetError(`images: expected at least 2 images, found ${images.length}`);
  const classes = [...new Set(images.map((i) => i.className))].sort();
  if (classes.length < 2) throw new DatasetError(`images: expected a folder per class (at least 2), found only "${classes[0]}"`);
  const px = size * size;
  const x = new Float32Array(images.length * px);
  const y = new Float32Array(images.length);
  images.forEach((im, i) => {
    if (im.pixels.length !== px) throw new DatasetError(`images: image ${i} of "${im.className}" has ${im.pixels.length} pixels, expected ${px} (${size}x${size})`);
    x.set(im.pixels, i * px);
    y[i] = classes.indexOf(im.className);
  });
  return { x: new Tensor(x, [images.length, 1, size, size]), y: new Tensor(y, [images.length]), classes };
}

/** Splits a user's dataset into train and test (a fifth, stratified by class, seeded). */
export function userData(d: { x: Tensor; y: Tensor; classes: string[] }, seed = 0): ClassificationData {
  const [train, test] = stratifiedSplit({ x: d.x, y: d.y }, [0.8, 0.2], seed);
  const plain = (s: TensorDataset): TensorDataset => ({ x: s.x, y: s.y });
  return { train: plain(train), test: plain(test), classes: d.classes };
}
