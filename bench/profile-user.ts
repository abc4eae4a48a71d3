/**
 * Where the time of the user workloads goes: a CPU profile (V8's sampling profiler, as
 * `node --cpu-prof` takes it, here through node:inspector so that it covers the timed loop only)
 * and the GC pauses (perf_hooks) of
 *
 * - mnist-cnn: 40 train steps (10 with BENCH_QUICK=1) of the CNN of PyTorch's MNIST example (after 5 warm-up steps);
 * - mlp-epoch: one epoch of the MLP written as the README's loop (60 steps with BENCH_QUICK=1);
 *
 *   DESCENT_BACKEND=blas npx tsx bench/profile-user.ts mnist-cnn|mlp-epoch [--top 25]
 *
 * Prints markdown: self time by function (top N), by source area, and the GC pauses; writes the
 * raw profile to bench/out/NAME.cpuprofile (open it in Chrome's DevTools).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname, join, relative } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DataLoader, Generator, backendInfo, createOptimizer, crossEntropy, loadFashionMNISTSync, nllLoss } from '../src/node.js';
import { tuneNativeAllocator } from '../src/backend/allocator.js';
import { mnistCnn, readmeMlp } from './lib/user-workloads.js';
import { wasmExportNames } from './lib/wasm-names.js';
import { QUICK } from './lib/timing.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const which = process.argv[2] ?? 'mnist-cnn';
const topArg = process.argv.indexOf('--top');
const TOP = topArg > 0 ? Number(process.argv[topArg + 1]) : 25;
if (which !== 'mnist-cnn' && which !== 'mlp-epoch') throw new Error(`bench/profile-user.ts: expected mnist-cnn or mlp-epoch, got ${which}`);

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

tuneNativeAllocator(); // as bench/descent.ts and the descent command do
const CNN_STEPS = QUICK ? 10 : 40;
const train = loadFashionMNISTSync({ split: 'train' });
const generator = new Generator(0);
let body: () => number;
if (which === 'mnist-cnn') {
  const model = mnistCnn(generator);
  const optimizer = createOptimizer('adadelta', model.parameters(), { lr: 1.0 });
  const batches = [...new DataLoader(train, { batchSize: 64, shuffle: true, seed: 0 })].slice(0, CNN_STEPS + 5);
  const step = ({ x, y }: { x: typeof train.x; y: typeof train.y }): void => {
    optimizer.zeroGrad();
    const loss = nllLoss(model.forward(x), y);
    loss.backward();
    optimizer.step();
    loss.item();
  };
  for (const b of batches.slice(0, 5)) step(b);
  body = () => {
    for (const b of batches.slice(5)) step(b);
    return CNN_STEPS;
  };
} else {
  const model = readmeMlp(generator);
  const optimizer = createOptimizer('adam', model.parameters(), { lr: 1e-3 });
  body = () => {
    let n = 0;
    for (const { x, y } of new DataLoader(train, { batchSize: 128, shuffle: true, seed: 0 })) {
      if (QUICK && n >= 60) break;
      optimizer.zeroGrad();
      const loss = crossEntropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      loss.item();
      n++;
    }
    return n;
  };
}

const gcs: { kind: number; ms: number; start: number }[] = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ kind: (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0, ms: e.duration, start: e.startTime });
});
obs.observe({ entryTypes: ['gc'] });

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
const t0 = performance.now();
const steps = body();
const wall = performance.now() - t0;
const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
session.disconnect();
await new Promise((r) => setTimeout(r, 100));
obs.disconnect();
const inWindow = gcs.filter((g) => g.start >= t0 && g.start <= t0 + wall);

mkdirSync(join(root, 'bench/out'), { recursive: true });
writeFileSync(join(root, `bench/out/${which}.cpuprofile`), JSON.stringify(profile));

const wasmNames = wasmExportNames(readFileSync(join(root, 'src/backend/wasm/kernels.wasm')));

// Self time per node: each sample's time delta goes to the node it landed in.
const self = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);
const where = (n: ProfileNode): string => {
  const url = n.callFrame.url.replace(/^file:\/\//, '');
  return url ? relative(root, url) : '';
};
const byFunction = new Map<string, number>();
const byArea = new Map<string, number>();
for (const [id, ms] of self) {
  const n = byId.get(id)!;
  let file = where(n);
  let fn = `${n.callFrame.functionName || '(anonymous)'}${file ? ` (${file})` : ''}`;
  const wasmFn = /^wasm-function\[(\d+)\]$/.exec(n.callFrame.functionName);
  if (wasmFn) {
    fn = `wasm ${wasmNames.get(Number(wasmFn[1])) ?? n.callFrame.functionName}`;
    file = 'kernels.wasm';
  } else if (!file && !SPECIAL.has(n.callFrame.functionName)) {
    // A native function (a koffi call into BLAS, a V8 builtin): named by its JavaScript caller
    // (the profiler gives every koffi trampoline the same, unrelated name).
    const caller = byId.get(parent.get(id) ?? -1);
    const cfile = caller ? where(caller) : '';
    const blas = cfile.startsWith('src/backend/blas/') || cfile === 'src/backend/wasm/blas-parts.ts';
    fn = `${blas ? 'BLAS (native, through koffi)' : 'native code'} called from ${caller?.callFrame.functionName || '?'}${cfile ? ` (${cfile})` : ''}`;
    file = blas ? 'BLAS (native)' : `native, from ${cfile || '?'}`;
  }
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  const area = file.startsWith('src/') ? file.split('/').slice(0, file.startsWith('src/backend/') || file.startsWith('src/tensor/') ? 3 : 2).join('/') : file.includes('node_modules') ? `node_modules/${file.split('node_modules/')[1].split('/')[0]}` : file || n.callFrame.functionName;
  byArea.set(area, (byArea.get(area) ?? 0) + ms);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const pct = (ms: number): string => `${((100 * ms) / total).toFixed(1)}%`;
const sorted = (m: Map<string, number>): [string, number][] => [...m].sort((a, b) => b[1] - a[1]);
const gcMs = inWindow.reduce((a, g) => a + g.ms, 0);
const KIND: Record<number, string> = { 1: 'minor (scavenge)', 2: 'major (mark-compact)', 4: 'incremental', 8: 'weak callbacks' };
const kinds = new Map<string, { n: number; ms: number }>();
for (const g of inWindow) {
  const k = KIND[g.kind] ?? `kind ${g.kind}`;
  const e = kinds.get(k) ?? { n: 0, ms: 0 };
  e.n++;
  e.ms += g.ms;
  kinds.set(k, e);
}

console.log(`### Profile: ${which}, backend ${backendInfo().name}: ${steps} steps in ${wall.toFixed(0)} ms (${(wall / steps).toFixed(2)} ms a step)\n`);
console.log(`GC: ${inWindow.length} pauses, ${gcMs.toFixed(0)} ms (${((100 * gcMs) / wall).toFixed(1)}% of the wall time): ${[...kinds].map(([k, e]) => `${k} ${e.n}x ${e.ms.toFixed(0)} ms`).join(', ')}\n`);
console.log('| source area | self time | share |\n|---|---:|---:|');
for (const [a, ms] of sorted(byArea).slice(0, 15)) console.log(`| ${a} | ${ms.toFixed(0)} ms | ${pct(ms)} |`);
console.log(`\n| function (self time, top ${TOP}) | self time | share |\n|---|---:|---:|`);
for (const [f, ms] of sorted(byFunction).slice(0, TOP)) console.log(`| ${f.replace(/\|/g, '\\|')} | ${ms.toFixed(0)} ms | ${pct(ms)} |`);
