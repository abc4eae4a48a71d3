/**
 * Generates the Fashion-MNIST subset shipped in data/fashion-mnist-subset/ from the full
 * dataset (Debian's dataset-fashion-mnist by default): for each split, a class-balanced sample
 * (600 train / 100 test images per class) chosen with a fixed seed, kept in the original order,
 * written as gzipped IDX files with a manifest of the source indices and checksums.
 *
 *   npx tsx scripts/make-builtin-dataset.ts [--source DIR] [--out DIR] [--check]
 *
 * --check regenerates in memory and compares with the files in --out (exit 1 on a difference).
 * The output is byte-for-byte reproducible for a given zlib.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Generator } from '../src/tensor/random.js';
import { deriveSeed } from '../src/data/seed.js';
import { maybeGunzip, readIdx, writeIdx } from '../src/data/idx.js';
import { DEBIAN_FASHION_MNIST_DIR, FASHION_MNIST_CHECKSUMS, FASHION_MNIST_FILES, type Split } from '../src/data/fashion-mnist.js';
import { FASHION_MNIST_SUBSET_PER_CLASS } from '../src/data/builtin.js';

export const SUBSET_SEED = 20170825; // Fashion-MNIST's release date

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export interface SubsetFiles {
  files: Map<string, Uint8Array>;
  manifest: Record<string, unknown>;
}

/** Chooses `perClass` examples of each class with a seeded permutation; returns them sorted. */
export function chooseBalanced(labels: Uint8Array, perClass: number, classes: number, seed: number): Int32Array {
  const perm = new Generator(seed).permutation(labels.length);
  const taken = new Array<number>(classes).fill(0);
  const chosen: number[] = [];
  for (const i of perm) {
    const c = labels[i];
    if (taken[c] < perClass) {
      taken[c]++;
      chosen.push(i);
    }
  }
  const short = taken.findIndex((t) => t < perClass);
  if (short >= 0) throw new Error(`class ${short} has only ${taken[short]} examples, fewer than ${perClass}`);
  return Int32Array.from(chosen).sort();
}

export function makeSubset(sourceDir: string): SubsetFiles {
  const files = new Map<string, Uint8Array>();
  const indices: Record<string, number[]> = {};
  const sources: Record<string, { sha256: string; idxSha256: string }> = {};
  (['train', 'test'] as Split[]).forEach((split, s) => {
    const names = FASHION_MNIST_FILES[split];
    const read = (stem: string) => {
      const path = join(sourceDir, `${stem}.gz`);
      const gz = readFileSync(path);
      sources[`${stem}.gz`] = { sha256: sha256(gz), idxSha256: sha256(maybeGunzip(gz, path)) };
      return readIdx(gz, { name: path });
    };
    const images = read(names.images);
    const labels = read(names.labels);
    const [, h, w] = images.shape;
    const chosen = chooseBalanced(labels.data as Uint8Array, FASHION_MNIST_SUBSET_PER_CLASS[split], 10, deriveSeed(SUBSET_SEED, s));
    const px = h * w;
    const img = new Uint8Array(chosen.length * px);
    const lab = new Uint8Array(chosen.length);
    chosen.forEach((i, k) => {
      img.set((images.data as Uint8Array).subarray(i * px, (i + 1) * px), k * px);
      lab[k] = labels.data[i];
    });
    files.set(`${names.images}.gz`, writeIdx({ type: 'ubyte', shape: [chosen.length, h, w], data: img }, { gzip: true }));
    files.set(`${names.labels}.gz`, writeIdx({ type: 'ubyte', shape: [chosen.length], data: lab }, { gzip: true }));
    indices[split] = Array.from(chosen);
  });
  const manifest = {
    description: 'Class-balanced subset of Fashion-MNIST (Zalando Research, MIT license): 600 train / 100 test images per class, original order kept.',
    generator: 'scripts/make-builtin-dataset.ts',
    seed: SUBSET_SEED,
    perClass: FASHION_MNIST_SUBSET_PER_CLASS,
    source: { files: sources, officialGz: FASHION_MNIST_CHECKSUMS },
    files: Object.fromEntries([...files].map(([name, b]) => [name, { bytes: b.length, sha256: sha256(b) }])),
    // Row k of the subset's split is row indices[split][k] of the full split.
    indices,
  };
  return { files, manifest };
}

function main(argv: string[]): void {
  const arg = (flag: string, fallback: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  const source = arg('--source', process.env.DESCENT_FASHION_MNIST ?? DEBIAN_FASHION_MNIST_DIR);
  const out = arg('--out', fileURLToPath(new URL('../data/fashion-mnist-subset/', import.meta.url)));
  if (!existsSync(source)) throw new Error(`${source} not found: install Debian's dataset-fashion-mnist or pass --source DIR`);
  const { files, manifest } = makeSubset(source);
  const manifestText = `${JSON.stringify(manifest, (k, v) => (Array.isArray(v) && typeof v[0] === 'number' ? JSON.stringify(v) : v), 2).replace(/"(\[[\d,]*\])"/g, '$1')}\n`;
  if (argv.includes('--check')) {
    let ok = true;
    for (const [name, bytes] of files) {
      const path = join(out, name);
      if (!existsSync(path) || sha256(readFileSync(path)) !== sha256(bytes)) {
        console.error(`${path}: differs from a fresh generation`);
        ok = false;
      }
    }
    console.log(ok ? 'subset matches a fresh generation' : 'subset differs');
    process.exit(ok ? 0 : 1);
  }
  mkdirSync(out, { recursive: true });
  for (const [name, bytes] of files) writeFileSync(join(out, name), bytes);
  writeFileSync(join(out, 'manifest.json'), manifestText);
  let total = 0;
  for (const [name, bytes] of files) {
    total += bytes.length;
    console.log(`${name}: ${bytes.length} bytes`);
  }
  console.log(`wrote ${files.size} files, ${total} bytes, to ${out}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
