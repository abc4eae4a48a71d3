/**
 * Bringing data into the page: the built-in subset's files are bundled by Vite (`?url`) and
 * fetched from the site itself (no network beyond it), gzip undone by DecompressionStream; a
 * user's CSV is read as text; a user's images (a folder per class, from a folder picker or
 * several files with their relative paths, or a .zip of them) are decoded and scaled to 28 x 28 grey.
 */
/// <reference types="vite/client" />
import trainImagesUrl from '../../../../data/fashion-mnist-subset/train-images-idx3-ubyte.gz?url';
import trainLabelsUrl from '../../../../data/fashion-mnist-subset/train-labels-idx1-ubyte.gz?url';
import testImagesUrl from '../../../../data/fashion-mnist-subset/t10k-images-idx3-ubyte.gz?url';
import testLabelsUrl from '../../../../data/fashion-mnist-subset/t10k-labels-idx1-ubyte.gz?url';
import { DatasetError, decodeSubset, imagesDataset, parseCsv, userData, type GreyImage } from './datasets.js';
import type { ClassificationData } from './run.js';
import { readZip } from './zip.js';

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

async function grey(file: Blob, name: string): Promise<Float32Array> {
  const bitmap = await createImageBitmap(file).catch(() => {
    throw new DatasetError(`images: ${name} could not be decoded as an image (PNG, JPEG, GIF, WebP or BMP expected)`);
  });
  const c = new OffscreenCanvas(IMAGE_SIZE, IMAGE_SIZE);
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, IMAGE_SIZE, IMAGE_SIZE);
  ctx.drawImage(bitmap, 0, 0, IMAGE_SIZE, IMAGE_SIZE);
  const d = ctx.getImageData(0, 0, IMAGE_SIZE, IMAGE_SIZE).data;
  const out = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
  // Dark objects on a light background become bright on black, as in Fashion-MNIST.
  for (let p = 0; p < out.length; p++) out[p] = 1 - (0.299 * d[4 * p] + 0.587 * d[4 * p + 1] + 0.114 * d[4 * p + 2]) / 255;
  return out;
}

/** A file with its path (inside the chosen folder or zip). */
interface PathedFile {
  path: string;
  blob: Blob;
}

const IMAGE_TYPES = /\.(png|jpe?g|gif|webp|bmp)$/i;

/** A user's files as a dataset: one .csv, or images whose parent folder names their class, or a .zip of either. */
export async function loadUserFiles(files: File[]): Promise<{ data: ClassificationData; name: string }> {
  if (files.length === 0) throw new DatasetError('no file chosen: pick a .csv file, a .zip, or a folder with a sub-folder of images per class');
  let all: PathedFile[] = files.map((f) => ({ path: (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name, blob: f }));
  const zip = files.find((f) => f.name.toLowerCase().endsWith('.zip'));
  if (zip) all = (await readZip(new Uint8Array(await zip.arrayBuffer()), zip.name)).filter((e) => !e.path.startsWith('__MACOSX/')).map((e) => ({ path: e.path, blob: new Blob([e.bytes as BlobPart]) }));
  const csv = all.find((f) => f.path.toLowerCase().endsWith('.csv'));
  if (csv) {
    const name = csv.path.split('/').pop()!;
    return { data: userData(parseCsv(await csv.blob.text(), name)), name };
  }
  const images = all.filter((f) => IMAGE_TYPES.test(f.path));
  if (images.length === 0) throw new DatasetError(`none of the ${all.length} file(s) is a .csv or an image (png, jpg, gif, webp, bmp)`);
  const decoded: GreyImage[] = [];
  for (const f of images) {
    const parts = f.path.split('/');
    if (parts.length < 2) throw new DatasetError(`images: ${f.path} is not inside a class folder; choose a folder (or zip) holding one sub-folder of images per class`);
    decoded.push({ className: parts[parts.length - 2], pixels: await grey(f.blob, f.path) });
  }
  const root = zip ? zip.name : images[0].path.split('/')[0];
  return { data: userData(imagesDataset(decoded, IMAGE_SIZE)), name: `${root} (${decoded.length} images)` };
}
