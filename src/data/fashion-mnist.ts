/**
 * Fashion-MNIST (Zalando Research, MIT license): 60,000 training and 10,000 test images of
 * clothing, 28 x 28 grey levels, 10 classes.
 *
 * The files are looked for, in order, in: an explicit `path` (then nowhere else), the directory
 * named by $DESCENT_FASHION_MNIST, Debian's /usr/share/datasets/fashion-mnist (package
 * dataset-fashion-mnist), and the user cache (~/.cache/descent/fashion-mnist, or under
 * $XDG_CACHE_HOME). With `download: true` a missing split is fetched from the official
 * repository into the cache (or into `path` when one is given), each file checked against its published MD5 and SHA-256 first.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import type { DType } from '../tensor/dtype.js';
import type { ImageClassificationDataset } from './mnist.js';
import { loadMnistFormat } from './mnist-files.js';

/** The ten classes, by label index. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

export type Split = 'train' | 'test';

/** File names of each split (without .gz; gzip or plain files are both accepted). */
export const FASHION_MNIST_FILES: Readonly<Record<Split, { images: string; labels: string }>> = Object.freeze({
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
});

/** The official files: the raw files of the zalandoresearch/fashion-mnist repository. */
export const FASHION_MNIST_URL = 'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/';

export interface FileChecksum {
  bytes: number;
  md5: string;
  sha256: string;
}

/** The official .gz files' sizes and checksums (MD5 as published in the repository's README). */
export const FASHION_MNIST_CHECKSUMS: Readonly<Record<string, FileChecksum>> = Object.freeze({
  'train-images-idx3-ubyte.gz': { bytes: 26421880, md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d', sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84' },
  'train-labels-idx1-ubyte.gz': { bytes: 29515, md5: '25c81989df183df01b3e8a0aad5dffbe', sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845' },
  't10k-images-idx3-ubyte.gz': { bytes: 4422102, md5: 'bef4ecab320f06d8554ea6380940ec79', sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073' },
  't10k-labels-idx1-ubyte.gz': { bytes: 5148, md5: 'bb300cfdad3c16e7a12a480ee83cd310', sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5' },
});

export const FASHION_MNIST_ENV = 'DESCENT_FASHION_MNIST';
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The part of the fetch API the downloader uses (inject one to test or to go through a proxy). */
export type FetchLike = (url: string) => Promise<{ ok: boolean; status: number; statusText?: string; arrayBuffer(): Promise<ArrayBuffer> }>;

export interface LocateOptions {
  /** A directory holding the files: the only place looked. */
  path?: string;
  /** Environment to read DESCENT_FASHION_MNIST, XDG_CACHE_HOME and HOME from; default process.env. */
  env?: Record<string, string | undefined>;
  /** Debian's directory; null skips it. Default /usr/share/datasets/fashion-mnist. */
  debianDir?: string | null;
  /** The user cache directory; default ~/.cache/descent/fashion-mnist. */
  cacheDir?: string;
}

export interface DownloadOptions {
  cacheDir?: string;
  env?: Record<string, string | undefined>;
  /** Default: the global fetch. */
  fetch?: FetchLike;
  /** Default: {@link FASHION_MNIST_URL}. */
  baseUrl?: string;
  /** Expected sizes and checksums by file name; default {@link FASHION_MNIST_CHECKSUMS}. */
  checksums?: Readonly<Record<string, FileChecksum>>;
  /** Which splits; default both. */
  splits?: readonly Split[];
  /** Print progress lines (default: none). */
  log?: (line: string) => void;
}

export interface LoadFashionMNISTOptions extends LocateOptions, Omit<DownloadOptions, 'splits' | 'cacheDir' | 'env'> {
  /** 'train' (60,000 images) or 'test' (10,000); default 'train'. */
  split?: Split;
  /** Download into the cache when the files are found nowhere; default false. */
  download?: boolean;
  /** Keep only the first `limit` examples. */
  limit?: number;
  dtype?: DType;
}

/** Nothing found: `searched` lists the places looked, the message says how to get the data. */
export class DatasetNotFoundError extends Error {
  readonly searched: string[];
  constructor(message: string, searched: string[]) {
    super(message);
    this.name = 'DatasetNotFoundError';
    this.searched = searched;
  }
}

/** A downloaded file whose size or checksum is not the published one (nothing was saved). */
export class ChecksumError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(message);
    this.name = 'ChecksumError';
    this.file = file;
  }
}

/** ~/.cache/descent/fashion-mnist (or $XDG_CACHE_HOME/descent/fashion-mnist). */
export function fashionMNISTCacheDir(env: Record<string, string | undefined> = process.env): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'descent', 'fashion-mnist');
}

/** The file in `dir` for base name `base`: gzip or plain, official or MNIST-site spelling. */
function findFile(dir: string, base: string): string | null {
  const dotted = base.replace('-idx', '.idx'); // yann.lecun.com spelled them train-images.idx3-ubyte
  for (const name of [`${base}.gz`, base, `${dotted}.gz`, dotted]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return null;
}

export interface Located {
  images: string;
  labels: string;
  dir: string;
  /** Which rule found it: 'path', 'env', 'debian' or 'cache'. */
  source: 'path' | 'env' | 'debian' | 'cache';
}

interface Place {
  source: Located['source'];
  dir: string | null;
  label: string;
}

function places(options: LocateOptions): Place[] {
  const env = options.env ?? process.env;
  if (options.path !== undefined) return [{ source: 'path', dir: resolve(options.path), label: `${resolve(options.path)} (the path given)` }];
  const fromEnv = env[FASHION_MNIST_ENV];
  const out: Place[] = [
    fromEnv ? { source: 'env', dir: resolve(fromEnv), label: `${resolve(fromEnv)} ($${FASHION_MNIST_ENV})` } : { source: 'env', dir: null, label: `$${FASHION_MNIST_ENV} (not set)` },
  ];
  const debian = options.debianDir === undefined ? DEBIAN_FASHION_MNIST_DIR : options.debianDir;
  if (debian !== null) out.push({ source: 'debian', dir: debian, label: `${debian} (Debian's dataset-fashion-mnist)` });
  const cache = options.cacheDir ?? fashionMNISTCacheDir(env);
  out.push({ source: 'cache', dir: cache, label: `${cache} (user cache)` });
  return out;
}

function searchOnce(split: Split, options: LocateOptions): { found: Located | null; notes: string[] } {
  const files = FASHION_MNIST_FILES[split];
  const notes: string[] = [];
  for (const place of places(options)) {
    if (place.dir === null) {
      notes.push(place.label);
      continue;
    }
    const images = findFile(place.dir, files.images);
    const labels = findFile(place.dir, files.labels);
    if (images && labels) return { found: { images, labels, dir: place.dir, source: place.source }, notes };
    const what = !existsSync(place.dir) ? 'no such directory' : images ? `has ${files.images} but not ${files.labels}` : labels ? `has ${files.labels} but not ${files.images}` : 'no Fashion-MNIST files there';
    notes.push(`${place.label}: ${what}`);
  }
  return { found: null, notes };
}

/** Where the files of `split` are, or null. */
export function findFashionMNIST(split: Split = 'train', options: LocateOptions = {}): Located | null {
  return searchOnce(checkSplit(split), options).found;
}

function checkSplit(split: unknown): Split {
  if (split !== 'train' && split !== 'test') throw new RangeError(`Fashion-MNIST: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  return split;
}

function notFound(split: Split, notes: string[], options: LocateOptions): DatasetNotFoundError {
  const files = FASHION_MNIST_FILES[split];
  const cache = options.cacheDir ?? fashionMNISTCacheDir(options.env ?? process.env);
  const lines = [
    `Fashion-MNIST (${split} split) not found: looked for ${files.images}[.gz] and ${files.labels}[.gz] in`,
    ...notes.map((n) => `  - ${n}`),
    'To get the data, do one of:',
    `  - install Debian's package: sudo apt install dataset-fashion-mnist (puts the files in ${DEBIAN_FASHION_MNIST_DIR})`,
    `  - put the four IDX files from https://github.com/zalandoresearch/fashion-mnist (data/fashion) in a directory and set ${FASHION_MNIST_ENV}=that directory, or pass { path }`,
    `  - pass { download: true } to download them (checksum-verified) into ${cache}`,
    '  - or use loadFashionMNISTSubset(), the 6,000/1,000-image subset shipped with descent',
  ];
  return new DatasetNotFoundError(lines.join('\n'), notes);
}

function digest(algorithm: 'md5' | 'sha256', bytes: Uint8Array): string {
  return createHash(algorithm).update(bytes).digest('hex');
}

/** Checks bytes against a size and checksums; throws a ChecksumError naming the file. */
export function verifyChecksum(name: string, bytes: Uint8Array, expected: FileChecksum, source = name): void {
  const problems: string[] = [];
  if (bytes.length !== expected.bytes) problems.push(`size ${bytes.length} bytes, expected ${expected.bytes}`);
  const sha = digest('sha256', bytes);
  if (sha !== expected.sha256) problems.push(`SHA-256 ${sha}, expected ${expected.sha256}`);
  const md5 = digest('md5', bytes);
  if (md5 !== expected.md5) problems.push(`MD5 ${md5}, expected ${expected.md5}`);
  if (problems.length) throw new ChecksumError(name, `${name}: checksum mismatch for ${source}: ${problems.join('; ')}. The file was not saved; the download may be corrupt or the upstream file changed.`);
}

/**
 * Downloads the official files of `splits` into the cache directory, verifying sizes, SHA-256
 * and MD5 before writing each file (to a temporary name, then renamed: a failed or corrupt
 * download leaves nothing behind). Files already in the cache with the right checksums are
 * kept. Returns the cache directory.
 */
export async function downloadFashionMNIST(options: DownloadOptions = {}): Promise<string> {
  const dir = options.cacheDir ?? fashionMNISTCacheDir(options.env ?? process.env);
  const fetchFn = options.fetch ?? (globalThis as unknown as { fetch?: FetchLike }).fetch;
  if (!fetchFn) throw new Error('downloadFashionMNIST: no fetch function available (Node 18+ has one built in); pass { fetch }');
  const base = options.baseUrl ?? FASHION_MNIST_URL;
  const checksums = options.checksums ?? FASHION_MNIST_CHECKSUMS;
  const splits = options.splits ?? ['train', 'test'];
  mkdirSync(dir, { recursive: true });
  for (const split of splits) {
    for (const stem of Object.values(FASHION_MNIST_FILES[checkSplit(split)])) {
      const name = `${stem}.gz`;
      const expected = checksums[name];
      if (!expected) throw new Error(`downloadFashionMNIST: no checksum known for ${name}`);
      const target = join(dir, name);
      if (existsSync(target)) {
        try {
          verifyChecksum(name, readFileSync(target), expected, target);
          continue;
        } catch {
          options.log?.(`${target}: checksum mismatch, downloading again`);
        }
      }
      const url = base.endsWith('/') ? base + name : `${base}/${name}`;
      options.log?.(`downloading ${url}`);
      let bytes: Uint8Array;
      try {
        const res = await fetchFn(url);
        if (!res.ok) throw new Error(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
        bytes = new Uint8Array(await res.arrayBuffer());
      } catch (e) {
        throw new Error(`downloadFashionMNIST: fetching ${url} failed: ${(e as Error).message}. Without network access, install Debian's dataset-fashion-mnist or set ${FASHION_MNIST_ENV}.`);
      }
      verifyChecksum(name, bytes, expected, url);
      writeFileAtomic(target, bytes, 'downloadFashionMNIST');
    }
  }
  return dir;
}

function loadOptions(options: LoadFashionMNISTOptions) {
  return { classes: FASHION_MNIST_CLASSES, imageSize: [28, 28] as const, limit: options.limit, dtype: options.dtype };
}

/**
 * Fashion-MNIST from files already on disk (no download): x [N, 1, 28, 28] float32 in [0, 1],
 * y [N] class indices, and the class names. Throws a DatasetNotFoundError saying where it
 * looked and how to get the data.
 */
export function loadFashionMNISTSync(options: Omit<LoadFashionMNISTOptions, 'download' | 'fetch'> = {}): ImageClassificationDataset & { source: Located } {
  const split = checkSplit(options.split ?? 'train');
  const { found, notes } = searchOnce(split, options);
  if (!found) throw notFound(split, notes, options);
  return { ...loadMnistFormat(found, loadOptions(options)), source: found };
}

/**
 * Fashion-MNIST: as {@link loadFashionMNISTSync}, and with `download: true` fetches a split
 * found nowhere into the cache (verified against the published checksums) first.
 */
export async function loadFashionMNIST(options: LoadFashionMNISTOptions = {}): Promise<ImageClassificationDataset & { source: Located }> {
  const split = checkSplit(options.split ?? 'train');
  const { found, notes } = searchOnce(split, options);
  if (found) return { ...loadMnistFormat(found, loadOptions(options)), source: found };
  if (!options.download) throw notFound(split, notes, options);
  // With an explicit path, the download goes there; otherwise into the cache.
  const dir = await downloadFashionMNIST({ cacheDir: options.path ?? options.cacheDir, env: options.env, fetch: options.fetch, baseUrl: options.baseUrl, checksums: options.checksums, splits: [split], log: options.log });
  const files = FASHION_MNIST_FILES[split];
  const located: Located = { images: join(dir, `${files.images}.gz`), labels: join(dir, `${files.labels}.gz`), dir, source: 'cache' };
  return { ...loadMnistFormat(located, loadOptions(options)), source: located };
}
