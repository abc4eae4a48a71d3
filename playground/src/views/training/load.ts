/**
 * Bringing data into the page: the built-in subset's files are bundled by Vite (`?url`) and
 * fetched from the site itself (no network beyond it), gzip undone by DecompressionStream; a
 * user's CSV is read as text; a user's images (a folder per class, from a folder picker or
 * several files with their relative paths) are decoded and scaled to 28 x 28 grey.
 */
/// <reference types="vite/client" />
import trainImagesUrl from '../../../../data/fashion-mnist-subset/train-images-idx3-ubyte.gz?url';
import trainLabelsUrl from '../../../../data/fashion-mnist-subset/train-labels-idx1-ubyte.gz?url';
import testImagesUrl from '../../../../data/fashion-mnist-subset/t10k-images-idx3-ubyte.gz?url';
import testLabelsUrl from '../../../../data/fashion-mnist-subset/t10k-labels-idx1-ubyte.gz?url';
import { DatasetError, decodeSubset, imagesDataset, parseCsv, userData, type GreyImage } from './datasets.js';
import type { ClassificationData } from './run.js';

async function bytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`loading ${url} gave HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

async function gunzip(b: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([b as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The built-in Fashion-MNIST subset (6,000 train / 1,000 test), the first `trainLimit` training images kept. */
export async function loadBuiltin(trainLimit: number): Promise<ClassificationData> {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([bytes(trainImagesUrl), bytes(trainLabelsUrl), bytes(testImagesUrl), bytes(testLabelsUrl)]);
  return decodeSubset({ trainImages, trainLabels, testImages, testLabels }, gunzip, trainLimit);
}

const IMAGE_SIZE = 28;

async function grey(file: File): Promise<Float32Array> {
  const bitmap = await createImageBitmap(file).catch(() => {
    throw new DatasetError(`images: ${file.name} could not be decoded as an image (PNG, JPEG, GIF, WebP or BMP expected)`);
  });
  const c = new OffscreenCanvas(IMAGE_SIZE, IMAGE_SIZE);
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, IMAGE_SIZE, IMAGE_SIZE);
  ctx.drawImage(bitmap, 0, 0, IMAGE_SIZE, IMAGE_SIZE);
  const d = ctx.getImageData(0, 0, IMAGE_SIZE, IMAGE_SIZE).data;
  const out = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
  // Dark ink on a light background, as Fashion-MNIST's bright-object-on-black after inversion.
  for (let p = 0; p < out.length; p++) out[p] = 1 - (0.299 * d[4 * p] + 0.587 * d[4 * p + 1] + 0.114 * d[4 * p + 2]) / 255;
  return out;
}

/** A user's files as a dataset: one .csv, or images whose parent folder names their class. */
export async function loadUserFiles(files: File[]): Promise<{ data: ClassificationData; name: string }> {
  if (files.length === 0) throw new DatasetError('no file chosen: pick a .csv file or a folder with a sub-folder of images per class');
  const csv = files.find((f) => f.name.toLowerCase().endsWith('.csv'));
  if (csv) return { data: userData(parseCsv(await csv.text(), csv.name)), name: csv.name };
  const images = files.filter((f) => /\.(png|jpe?g|gif|webp|bmp)$/i.test(f.name));
  if (images.length === 0) throw new DatasetError(`none of the ${files.length} file(s) is a .csv or an image (png, jpg, gif, webp, bmp)`);
  const decoded: GreyImage[] = [];
  for (const f of images) {
    const path = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
    const parts = path.split('/');
    if (parts.length < 2) throw new DatasetError(`images: ${f.name} is not inside a class folder; choose a folder holding one sub-folder of images per class`);
    decoded.push({ className: parts[parts.length - 2], pixels: await grey(f) });
  }
  const root = ((images[0] as File & { webkitRelativePath?: string }).webkitRelativePath || 'images').split('/')[0];
  return { data: userData(imagesDataset(decoded, IMAGE_SIZE)), name: `${root} (${decoded.length} images)` };
}
