/**
 * Data loading benchmark: full Fashion-MNIST (when installed) and the shipped subset into
 * float32 tensors, and one shuffled DataLoader epoch.
 *
 *   npx tsx bench/data-load.ts [--repeats N] [--json]
 *
 * `benchDataLoad()` returns the figures for the bench runner.
 */
import { fileURLToPath } from 'node:url';
import { DataLoader, findFashionMNIST, loadFashionMNISTSubset, loadFashionMNISTSync } from '../src/data/index.js';

export interface DataLoadFigure {
  name: string;
  /** Median wall time over the repeats, milliseconds. */
  ms: number;
  /** Fastest repeat, milliseconds. */
  minMs: number;
  examples: number;
  repeats: number;
}

export interface DataLoadResult {
  figures: DataLoadFigure[];
  /** Measurements not taken, with the reason (e.g. full Fashion-MNIST not installed). */
  skipped: string[];
  node: string;
}

function time(name: string, repeats: number, fn: () => number): DataLoadFigure {
  const times: number[] = [];
  let examples = 0;
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    examples = fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { name, ms: times[Math.floor(times.length / 2)], minMs: times[0], examples, repeats };
}

export async function benchDataLoad(options: { repeats?: number } = {}): Promise<DataLoadResult> {
  const repeats = options.repeats ?? 3;
  const figures: DataLoadFigure[] = [];
  const skipped: string[] = [];
  if (findFashionMNIST('train')) {
    figures.push(time('fashion-mnist train (60k) -> float32 [N,1,28,28]', repeats, () => loadFashionMNISTSync({ split: 'train' }).x.shape[0]));
    figures.push(time('fashion-mnist test (10k) -> float32', repeats, () => loadFashionMNISTSync({ split: 'test' }).x.shape[0]));
  } else {
    skipped.push('full Fashion-MNIST: not found (install dataset-fashion-mnist or set DESCENT_FASHION_MNIST)');
  }
  figures.push(time('builtin subset train (6k)', repeats, () => loadFashionMNISTSubset({ split: 'train' }).x.shape[0]));
  figures.push(time('builtin subset test (1k)', repeats, () => loadFashionMNISTSubset({ split: 'test' }).x.shape[0]));
  const train = loadFashionMNISTSubset({ split: 'train' });
  const loader = new DataLoader(train, { batchSize: 128, shuffle: true, seed: 0 });
  figures.push(
    time('DataLoader epoch, subset, batch 128, shuffled', repeats, () => {
      let n = 0;
      for (const b of loader) n += b.x.shape[0];
      return n;
    }),
  );
  return { figures, skipped, node: process.version };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--repeats');
  const result = await benchDataLoad({ repeats: i >= 0 ? Number(argv[i + 1]) : 3 });
  if (argv.includes('--json')) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  for (const f of result.figures) console.log(`${f.name.padEnd(52)} ${f.ms.toFixed(1).padStart(8)} ms (min ${f.minMs.toFixed(1)}, ${f.examples} examples)`);
  for (const s of result.skipped) console.log(`skipped: ${s}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
