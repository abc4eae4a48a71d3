/**
 * The benchmark: descent on each backend (js, wasm, blas), TensorFlow.js 4.22 (cpu and wasm)
 * and PyTorch, one process per library, on the same workloads:
 *
 * - sgemm n = 128, 512, 1024;
 * - one training step of the MLP 784-256-256-10 (batch 128, Adam) and of the CNN (conv 3x3
 *   1->16 pad 1, ReLU, max-pool 2, conv 3x3 16->32 pad 1, ReLU, max-pool 2, dense 1568->10,
 *   batch 64, Adam);
 * - one epoch of the MLP on Fashion-MNIST (batch 128, shuffled);
 * - the Adam update of 1M and 10M parameters;
 * - written through the public API as users write them (bench/lib/user-workloads.ts): the CNN of
 *   PyTorch's MNIST example (train step, eval of 1000 images), the MLP epoch as the README's
 *   loop and the first-20-steps figure (these two in a fresh process each);
 * - the machine's limits: peak sgemm (n = 1024..2048, 1 and 2 threads, descent's BLAS and
 *   PyTorch) and stream bandwidth (copy, triad), against which each workload's FLOPs and bytes
 *   give its physical limit;
 * - every optimizer's step on the MLP's parameters (bench/optimizer-steps.ts);
 * - CPU profiles and GC pauses of the MNIST-example CNN step and the MLP epoch (bench/profile-user.ts);
 * - loading Fashion-MNIST (bench/data-load.ts).
 *
 * PyTorch runs as three processes: tuned as descent tunes its own process (glibc's allocator as
 * src/backend/allocator.ts sets it, here through MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_,
 * with the same 60 MiB of heap touched up front by torch_bench.py, and OpenBLAS's short spin, OPENBLAS_THREAD_TIMEOUT=16, as src/backend/blas sets it) on
 * 2 threads and on 1 thread, and untuned on 2 threads. The targets compare descent with tuned
 * PyTorch at its faster thread count, workload by workload (descent's BLAS uses up to 2
 * threads: the same budget); the untuned column stays beside it. The descent wasm column runs as a fresh
 * install without OpenBLAS and clang does: DESCENT_BACKEND=wasm, the committed kernels.wasm, and
 * the process checks that no BLAS library was mapped.
 *
 *   npm run bench                         everything; writes bench/RESULTS.md (~15 min)
 *   npm run bench -- --quick              few repetitions and partial epochs (a smoke test)
 *   npm run bench -- --only mnist-cnn-step,first20-mlp    only these workloads (prefixes)
 *   npm run bench -- --libs=descent-blas,pytorch --no-write
 *   BENCH_ROUNDS=n npm run bench          rounds of the target workloads for descent-blas and PyTorch 2t and 1t,
 *                                         and of the first-20 figures for descent wasm too (default 5)
 *
 * --quick, --only and --libs write bench/out/RESULTS-partial.md instead of bench/RESULTS.md.
 * BENCH_QUICK=1 and BENCH_ONLY=... are the environment forms of --quick and --only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COSTS, limitMs, parseOptimizerTable } from './lib/costs.js';
import { FRESH_WORKLOADS } from './lib/timing.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
function argValue(name: string): string | undefined {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return args[i].includes('=') ? args[i].slice(name.length + 3) : args[i + 1];
}
if (args.includes('--quick')) process.env.BENCH_QUICK = '1';
const onlyArg = argValue('only');
if (onlyArg) process.env.BENCH_ONLY = onlyArg;
const QUICK = process.env.BENCH_QUICK === '1';
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const libsArg = argValue('libs')?.split(',');
const partial = QUICK || ONLY.length > 0 || !!libsArg;
const write = !args.includes('--no-write');
const python = process.env.PYTHON ?? '/usr/bin/python3';
const tsx = [process.execPath, '--import', 'tsx'];

/** Whether workload `name` is selected (by --only, as prefixes). */
const wanted = (name: string): boolean => ONLY.length === 0 || ONLY.some((o) => name.startsWith(o));

/** glibc's allocator tuning as src/backend/allocator.ts gives descent (mmap 64 MiB, trim 256 MiB). */
const TUNED = { MALLOC_MMAP_THRESHOLD_: '67108864', MALLOC_TRIM_THRESHOLD_: '268435456', OPENBLAS_THREAD_TIMEOUT: '16' };
const UNTUNED = { MALLOC_MMAP_THRESHOLD_: undefined, MALLOC_TRIM_THRESHOLD_: undefined, OPENBLAS_THREAD_TIMEOUT: undefined };

interface Lib {
  id: string;
  label: string;
  cmd: string[];
  env: Record<string, string | undefined>;
  /** Runs the fresh-process workloads (FRESH_WORKLOADS). */
  fresh: boolean;
}

const LIBS: Lib[] = [
  { id: 'descent-blas', label: 'descent blas', cmd: [...tsx, 'bench/descent.ts', 'blas'], env: { DESCENT_BACKEND: 'blas' }, fresh: true },
  { id: 'descent-wasm', label: 'descent wasm (no BLAS)', cmd: [...tsx, 'bench/descent.ts', 'wasm'], env: { DESCENT_BACKEND: 'wasm' }, fresh: true },
  { id: 'descent-js', label: 'descent js', cmd: [...tsx, 'bench/descent.ts', 'js'], env: { DESCENT_BACKEND: 'js' }, fresh: false },
  { id: 'pytorch', label: 'PyTorch tuned 2t', cmd: [python, 'bench/torch_bench.py'], env: { ...TUNED, BENCH_TORCH_THREADS: '2', BENCH_LIB_ID: 'pytorch' }, fresh: true },
  { id: 'pytorch-1t', label: 'PyTorch tuned 1t', cmd: [python, 'bench/torch_bench.py'], env: { ...TUNED, BENCH_TORCH_THREADS: '1', BENCH_LIB_ID: 'pytorch-1t' }, fresh: true },
  { id: 'pytorch-untuned', label: 'PyTorch untuned 2t', cmd: [python, 'bench/torch_bench.py'], env: { ...UNTUNED, BENCH_TORCH_THREADS: '2', BENCH_LIB_ID: 'pytorch-untuned' }, fresh: true },
  { id: 'tfjs-wasm', label: 'TF.js wasm', cmd: [...tsx, 'bench/tfjs.ts', 'wasm'], env: {}, fresh: false },
  { id: 'tfjs-cpu', label: 'TF.js cpu', cmd: [...tsx, 'bench/tfjs.ts', 'cpu'], env: {}, fresh: false },
];

interface Row {
  lib: string;
  name: string;
  ms: number | null;
  [k: string]: unknown;
}

const WORKLOADS: [string, string][] = [
  ['sgemm-128', 'sgemm n=128'],
  ['sgemm-512', 'sgemm n=512'],
  ['sgemm-1024', 'sgemm n=1024'],
  ['mlp-step', 'MLP step (batch 128)'],
  ['cnn-step', 'CNN step (batch 64)'],
  ['mnist-cnn-step', 'MNIST-example CNN train step (batch 64, Adadelta)'],
  ['mnist-cnn-eval', 'MNIST-example CNN eval, 1000 images'],
  ['mlp-epoch', 'MLP epoch, Fashion-MNIST'],
  ['mlp-epoch-loop', "MLP epoch, the README's loop (fresh process)"],
  ['first20-mlp', 'MLP step, mean of steps 1-20 (fresh process)'],
  ['first20-matmul512', '512x512 a.matmul(b), mean of calls 1-20 (fresh process)'],
  ['adam-1M', 'Adam 1M params'],
  ['adam-10M', 'Adam 10M params'],
];

const rows: Row[] = [];
const problems: string[] = [];
const loadStart = os.loadavg();
const started = new Date();
const t00 = performance.now();
const selected = LIBS.filter((l) => !libsArg || libsArg.includes(l.id));

/** Runs one process of `lib` with BENCH_ONLY=`only` (all its workloads when undefined) and returns its rows. */
function runLib(lib: Lib, only?: string, extraEnv: Record<string, string | undefined> = {}, label = lib.label): Row[] {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_ONLY: only, ...lib.env, ...extraEnv };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const r = spawnSync(lib.cmd[0], lib.cmd.slice(1), { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, env });
  const got = (r.stdout ?? '').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Row);
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr ?? '').trim().split('\n').filter((l) => !l.startsWith('npm warn')).slice(-3).join(' / ');
    problems.push(`${label}${only ? ` (${only})` : ''}: exited with ${r.status ?? 'an error'} (${why.slice(0, 300)})`);
  }
  return got;
}

function report(lib: Lib, got: Row[]): void {
  for (const row of got) {
    if (row.name === 'unavailable') problems.push(`${lib.label}: unavailable (${row.reason})`);
    else if (!['info', 'native'].includes(row.name) && !row.name.startsWith('gc:')) process.stderr.write(`  ${row.name.padEnd(18)} ${row.ms === null ? `n/a: ${row.error}` : `${row.ms.toFixed(3)} ms`}\n`);
  }
}

/** Adds `got` to the rows, keeping one info row per library (the first). */
function add(got: Row[]): void {
  for (const r of got) if (!(r.name === 'info' && rows.some((o) => o.lib === r.lib && o.name === 'info'))) rows.push(r);
}

const freshSelected = FRESH_WORKLOADS.filter(wanted);
// The main process runs the selected workloads but the fresh-process ones (BENCH_NO_FRESH), which
// get a process each.
const mainOnly = ONLY.length ? ONLY.join(',') : undefined;
const NO_FRESH = { BENCH_NO_FRESH: '1' };
// --only peak (or optimizers, profile, data-load) runs no library's workloads.
// (mlp-params: PyTorch's reference for the optimizer table, see torch_bench.py.)
const anyLibWorkload = WORKLOADS.some(([id]) => wanted(id)) || wanted('mlp-params');
for (const lib of anyLibWorkload ? selected : []) {
  process.stderr.write(`running ${lib.label}: ${lib.cmd.slice(lib.cmd[0] === process.execPath ? 3 : 0).join(' ')}\n`);
  const t0 = performance.now();
  const got = runLib(lib, mainOnly, NO_FRESH);
  add(got);
  report(lib, got);
  if (lib.fresh) {
    for (const w of freshSelected) {
      const one = runLib(lib, w);
      add(one.filter((r) => r.name !== 'info'));
      report(lib, one);
    }
  }
  process.stderr.write(`  (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
}

// ---- the machine's limits ------------------------------------------------------------------------
const limitRows: Row[] = [];
if (wanted('peak') && (!libsArg || libsArg.some((l) => l.startsWith('descent-blas') || l.startsWith('pytorch')))) {
  process.stderr.write('measuring the machine: peak sgemm (descent blas 1 and 2 threads, PyTorch 1 and 2 threads), stream bandwidth\n');
  const blas = LIBS.find((l) => l.id === 'descent-blas')!;
  for (const t of ['1', '2']) limitRows.push(...runLib(blas, 'peak-sgemm', { DESCENT_BLAS_THREADS: t, BENCH_LIB_ID: `descent-blas-t${t}` }).filter((r) => r.name.startsWith('peak')).map((r) => ({ ...r, threads: Number(t) })));
  limitRows.push(...runLib(LIBS.find((l) => l.id === 'pytorch')!, 'peak', { BENCH_LIB_ID: 'pytorch' }).filter((r) => r.name.startsWith('peak') || r.name.startsWith('stream')));
}

// The workloads that decide descent-vs-PyTorch targets are close enough that the load of the
// moment can tip them, so descent-blas and PyTorch run them again, alternately, and each figure
// is the median of the rounds (round by round, the medians of repeated runs), not one window.
// The first-20 figures are one fresh process each, the noisiest of all (one process of a run
// put the blas MLP at 5.3x, three others that hour at 1.2-1.5x), so they get rounds too, on
// both descent backends and both PyTorch thread counts; their median is the round of median
// ratio (first 20 against steady), the figure the targets judge.
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 5)));
const ROUND_LIBS = ['descent-blas', 'pytorch', 'pytorch-1t'];
const ROUND_WORKLOADS = ['sgemm-512', 'sgemm-1024', 'mlp-step', 'cnn-step', 'mnist-cnn-step', 'mnist-cnn-eval', 'adam-10M'].filter(wanted);
const ROUND_FRESH = ['mlp-epoch-loop'].filter(wanted);
const FIRST20_LIBS = ['descent-blas', 'descent-wasm', 'pytorch', 'pytorch-1t'];
const ROUND_FIRST20 = ['first20-mlp', 'first20-matmul512'].filter(wanted);
const roundLibs = selected.filter((l) => ROUND_LIBS.includes(l.id) || (ROUND_FIRST20.length > 0 && FIRST20_LIBS.includes(l.id)));
/** What a round is ranked by: a first-20 row by its ratio, any other by its time. */
const roundValue = (r: Row): number => (typeof r.steadyMs === 'number' ? (r.ms as number) / r.steadyMs : (r.ms as number));
if (ROUNDS > 1 && roundLibs.length && ROUND_WORKLOADS.length + ROUND_FRESH.length + ROUND_FIRST20.length) {
  const rounds = new Map<string, Row[]>();
  const key = (r: Row): string => `${r.lib}/${r.name}`;
  const workloadsOf = (lib: string): { main: string[]; fresh: string[] } => ({
    main: ROUND_LIBS.includes(lib) ? ROUND_WORKLOADS : [],
    fresh: [...(ROUND_LIBS.includes(lib) ? ROUND_FRESH : []), ...(FIRST20_LIBS.includes(lib) ? ROUND_FIRST20 : [])],
  });
  for (const r of rows) {
    const { main, fresh } = workloadsOf(r.lib);
    if ([...main, ...fresh].includes(r.name) && r.ms !== null) rounds.set(key(r), [r]);
  }
  for (let round = 2; round <= ROUNDS; round++) {
    for (const lib of roundLibs) {
      const { main, fresh } = workloadsOf(lib.id);
      process.stderr.write(`round ${round}/${ROUNDS}: ${lib.label} (${[...main, ...fresh].join(', ')})\n`);
      const got = main.length ? runLib(lib, main.join(','), NO_FRESH) : [];
      for (const w of fresh) got.push(...runLib(lib, w));
      for (const r of got) rounds.get(key(r))?.push(r);
    }
  }
  for (const [k, list] of rounds) {
    const sorted = [...list].sort((a, b) => roundValue(a) - roundValue(b));
    const median = { ...sorted[(sorted.length - 1) >> 1], rounds: list.map((r) => r.ms), roundRatios: list.map((r) => (typeof r.steadyMs === 'number' ? roundValue(r) : null)) };
    rows[rows.findIndex((r) => key(r) === k)] = median;
  }
}

// ---- every optimizer's step (bench/optimizer-steps.ts) ---------------------------------------------
interface OptimizerTable { lines: string[]; steps: { name: string; ms: number; xAdam: number }[] }
let optimizers: OptimizerTable | null = null;
if (wanted('optimizers') && (!libsArg || libsArg.includes('descent-blas'))) {
  process.stderr.write('running bench/optimizer-steps.ts blas\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/optimizer-steps.ts', 'blas'], { cwd: root, encoding: 'utf8', maxBuffer: 16 << 20, env: { ...process.env, DESCENT_BACKEND: 'blas', BENCH_ONLY: undefined } });
  if (r.status !== 0) problems.push(`bench/optimizer-steps.ts failed: ${(r.stderr ?? '').trim().split('\n').slice(-1)[0]}`);
  optimizers = parseOptimizerTable(r.stdout ?? '');
}

// ---- where the time goes: CPU profiles and GC of the user workloads (bench/profile-user.ts) -------
const profiles: string[] = [];
if (wanted('profile') && (!libsArg || libsArg.includes('descent-blas'))) {
  for (const w of ['mnist-cnn', 'mlp-epoch']) {
    process.stderr.write(`running bench/profile-user.ts ${w} (blas)\n`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/profile-user.ts', w, '--top', '15'], { cwd: root, encoding: 'utf8', maxBuffer: 16 << 20, env: { ...process.env, DESCENT_BACKEND: 'blas' } });
    if (r.status !== 0) problems.push(`bench/profile-user.ts ${w} failed: ${(r.stderr ?? '').trim().split('\n').slice(-1)[0]}`);
    else profiles.push((r.stdout ?? '').trim());
  }
}

// The data loading benchmark of the data area, when present.
let dataLoad: { figures: { name: string; ms: number; minMs: number; examples: number }[]; skipped: string[] } | null = null;
if (existsSync(join(root, 'bench/data-load.ts')) && !libsArg && wanted('data-load')) {
  process.stderr.write('running bench/data-load.ts\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/data-load.ts', '--json'], { cwd: root, encoding: 'utf8' });
  try {
    dataLoad = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
  } catch {
    problems.push(`bench/data-load.ts failed: ${(r.stderr ?? '').trim().split('\n').slice(-1)[0]}`);
  }
}
// The no-BLAS column must be what a machine without OpenBLAS runs: no BLAS library in its processes.
for (const r of rows) if (r.lib === 'descent-wasm' && r.name === 'native' && (r.nativeLibraries as string[]).length) problems.push(`descent wasm: a BLAS library was loaded (${(r.nativeLibraries as string[]).join(', ')}): the column is not the no-BLAS path`);
const loadEnd = os.loadavg();
const totalS = (performance.now() - t00) / 1000;

// ---- tables ------------------------------------------------------------------------------------
const find = (lib: string, name: string): Row | undefined => rows.find((r) => r.lib === lib && r.name === name);
const isFigure = (r: Row): boolean => !['info', 'native', 'unavailable'].includes(r.name) && !r.name.startsWith('gc:');
const present = selected.filter((l) => rows.some((r) => r.lib === l.id && isFigure(r)));
const reference = ['descent-blas', 'descent-wasm', 'descent-js'].find((id) => present.some((l) => l.id === id));
// The PyTorch reference of the targets: tuned, at its faster thread count (1 or 2) workload by
// workload, so that descent (whose BLAS uses up to 2 threads) meets PyTorch's best with the same
// thread budget, and a loaded machine's penalty on spinning OpenMP threads cannot flatter descent.
const TORCH = 'pytorch-best';
for (const name of new Set(rows.filter((r) => r.lib === 'pytorch' || r.lib === 'pytorch-1t').map((r) => r.name))) {
  const cands = [find('pytorch', name), find('pytorch-1t', name)].filter((r): r is Row => !!r && typeof r.ms === 'number' && isFigure(r));
  if (!cands.length) continue;
  const best = cands.sort((a, b) => (a.ms as number) - (b.ms as number))[0];
  rows.push({ ...best, lib: TORCH, from: best.lib });
}
const torchLabel = (name: string): string => {
  const r = find(TORCH, name);
  return r ? (r.from === 'pytorch-1t' ? 'PyTorch 1t' : 'PyTorch 2t') : 'PyTorch';
};

function fmtMs(ms: number): string {
  return ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

function cell(lib: string, name: string): string {
  const r = find(lib, name);
  if (!r) return '-';
  if (r.ms === null) return 'n/a*';
  let s = fmtMs(r.ms);
  if (typeof r.gflops === 'number') s += ` (${r.gflops.toFixed(1)} GF/s)`;
  if (typeof r.steadyMs === 'number') {
    const median = typeof r.steadyMedianMs === 'number' ? `, median ${fmtMs(r.steadyMedianMs)}` : '';
    s += ` (steady ${fmtMs(r.steadyMs)}${median}: ${(r.ms / r.steadyMs).toFixed(2)}x)`;
  }
  if (r.extrapolatedFrom) s += ` ~`;
  return s;
}

function ratioTo(lib: string, name: string, ref: string | undefined): string {
  const r = find(lib, name);
  const base = ref && find(ref, name);
  if (!r || r.ms === null || !base || base.ms === null) return '-';
  return `${(r.ms / base.ms).toFixed(2)}x`;
}

const shown = WORKLOADS.filter(([id]) => present.some((l) => find(l.id, id)));
const header = `| workload | ${present.map((l) => l.label).join(' | ')} |`;
const rule = `|---|${present.map(() => '---:').join('|')}|`;
const timeTable = [header, rule, ...shown.map(([id, label]) => `| ${label} | ${present.map((l) => cell(l.id, id)).join(' | ')} |`)];
const ratioTable = [header, rule, ...shown.map(([id, label]) => `| ${label} | ${present.map((l) => ratioTo(l.id, id, reference)).join(' | ')} |`)];
// descent over PyTorch (below 1 = descent faster): like with like, thread for thread.
const VS: [string, string, string][] = [
  ['descent-blas', 'pytorch', 'blas / PyTorch tuned 2t'],
  ['descent-blas', 'pytorch-1t', 'blas / PyTorch tuned 1t'],
  ['descent-blas', 'pytorch-untuned', 'blas / PyTorch untuned 2t'],
  ['descent-wasm', 'pytorch-1t', 'wasm / PyTorch tuned 1t'],
  ['descent-wasm', 'descent-blas', 'wasm / blas'],
].filter(([a, b]) => present.some((l) => l.id === a) && present.some((l) => l.id === b)) as [string, string, string][];
const vsTable = VS.length
  ? [`| workload | ${VS.map((v) => v[2]).join(' | ')} |`, `|---|${VS.map(() => '---:').join('|')}|`,
    ...shown.filter(([id]) => !id.startsWith('first20')).map(([id, label]) => `| ${label} | ${VS.map(([a, b]) => ratioTo(a, id, b)).join(' | ')} |`)]
  : [];

// ---- limits --------------------------------------------------------------------------------------
const bestOf = (rs: Row[], field: string): Row | undefined => rs.filter((r) => typeof r[field] === 'number').sort((a, b) => (b[field] as number) - (a[field] as number))[0];
const peakRow = bestOf(limitRows.filter((r) => r.name.startsWith('peak')), 'gflops');
const peak1Row = bestOf(limitRows.filter((r) => r.name.startsWith('peak') && Number(r.threads) === 1), 'gflops');
const bwRow = bestOf(limitRows.filter((r) => r.name.startsWith('stream')), 'gbPerS');
const PEAK = peakRow ? (peakRow.gflops as number) : null; // GFLOP/s
const BW = bwRow ? (bwRow.gbPerS as number) : null; // GB/s

const COST = COSTS;
const fmtCount = (v: number, unit: string): string => (v >= 1e9 ? `${(v / 1e9).toFixed(2)} G${unit}` : v >= 1e6 ? `${(v / 1e6).toFixed(1)} M${unit}` : `${(v / 1e3).toFixed(0)} K${unit}`);
/** The workload's lower bound in ms: its FLOPs at peak plus its bytes at stream bandwidth (the phases do not overlap). */
const limitOf = (id: string): number | null => (PEAK && BW && COST[id] ? limitMs(COST[id], PEAK, BW) : null);
const LIMIT_LIBS = ['descent-blas', 'descent-wasm', 'pytorch', 'pytorch-1t'].filter((id) => present.some((l) => l.id === id));
const limitTable = PEAK && BW
  ? [`| workload | FLOPs | bytes | limit | ${LIMIT_LIBS.map((id) => `${LIBS.find((l) => l.id === id)!.label} % of limit`).join(' | ')} |`,
    `|---|---:|---:|---:|${LIMIT_LIBS.map(() => '---:').join('|')}|`,
    ...shown.filter(([id]) => COST[id]).map(([id, label]) => {
      const lim = limitOf(id)!;
      const c = COST[id];
      return `| ${label} | ${c.flops ? fmtCount(c.flops, 'FLOP') : '-'} | ${c.bytes ? fmtCount(c.bytes, 'B') : '-'} | ${fmtMs(lim)} | ${LIMIT_LIBS.map((lib) => {
        const m = find(lib, id)?.ms;
        return typeof m === 'number' ? `${((100 * lim) / m).toFixed(0)}%` : '-';
      }).join(' | ')} |`;
    })]
  : [];
const limitLines = limitRows.length
  ? [
    `Measured on this machine: peak sgemm **${PEAK?.toFixed(1)} GFLOP/s** (${peakRow?.lib} ${peakRow?.name}, ${peakRow?.threads} thread(s)); one thread: ${peak1Row ? `${(peak1Row.gflops as number).toFixed(1)} GFLOP/s (${peak1Row.lib} ${peak1Row.name})` : 'n/a'}; stream bandwidth **${BW?.toFixed(1)} GB/s** (${bwRow?.name}, counting bytes read and written).`,
    '',
    '| measurement | time | rate |', '|---|---:|---:|',
    ...limitRows.filter((r) => typeof r.ms === 'number').map((r) => `| ${r.lib} ${r.name} | ${fmtMs(r.ms as number)} | ${typeof r.gflops === 'number' ? `${r.gflops.toFixed(1)} GFLOP/s` : `${(r.gbPerS as number).toFixed(1)} GB/s`} |`),
    '',
    "Limit = FLOPs / peak + bytes / bandwidth: no program can be faster on this machine (activations' memory traffic, im2col and elementwise passes are left out, so the true bound is higher). % of limit = limit / measured time. Every column, single-thread ones (descent wasm, PyTorch 1t) included, is measured against the same peak: the best any library reached at any thread count.",
  ]
  : ['not measured (run without --only, or with --only peak)'];

// ---- targets -----------------------------------------------------------------------------------
interface Target {
  what: string;
  value: string;
  met: boolean | null;
}
const targets: Target[] = [];
const ms = (lib: string, name: string): number | null => find(lib, name)?.ms ?? null;
for (const n of [512, 1024]) {
  const d = find('descent-blas', `sgemm-${n}`)?.gflops as number | undefined;
  const p = find(TORCH, `sgemm-${n}`)?.gflops as number | undefined;
  targets.push({ what: `sgemm n=${n}, BLAS path >= 90% of PyTorch's GFLOP/s`, value: d && p ? `${d.toFixed(1)} vs ${p.toFixed(1)} GF/s (${torchLabel(`sgemm-${n}`)}) = ${((100 * d) / p).toFixed(0)}%` : 'not measured', met: d && p ? d >= 0.9 * p : null });
}
function vs(what: string, a: number | null, b: number | null, text: (r: number) => string, met: (r: number) => boolean): void {
  targets.push(a !== null && b !== null ? { what, value: text(a / b), met: met(a / b) } : { what, value: 'not measured', met: null });
}
/** Target: descent's `lib` on `name` at most `limit` times `other`'s time. */
function atMost(what: string, lib: string, other: string, name: string, limit: number): void {
  const a = ms(lib, name);
  const b = ms(other, name);
  vs(what, a, b, (r) => `${fmtMs(a!)} vs ${fmtMs(b!)}${other === TORCH ? ` (${torchLabel(name)})` : ''} = ${r.toFixed(2)}x`, (r) => r <= limit);
}
atMost('MLP step, BLAS <= 1.3x PyTorch', 'descent-blas', TORCH, 'mlp-step', 1.3);
vs('MLP step, wasm >= 1.5x faster than TF.js wasm', ms('tfjs-wasm', 'mlp-step'), ms('descent-wasm', 'mlp-step'), (r) => `${fmtMs(ms('descent-wasm', 'mlp-step')!)} vs ${fmtMs(ms('tfjs-wasm', 'mlp-step')!)}: ${r.toFixed(1)}x faster`, (r) => r >= 1.5);
atMost('CNN step, BLAS no slower than PyTorch', 'descent-blas', TORCH, 'cnn-step', 1);
const tfCnn = find('tfjs-wasm', 'cnn-step');
if (tfCnn && tfCnn.ms === null && ms('descent-wasm', 'cnn-step') !== null) {
  targets.push({ what: 'CNN step, wasm faster than TF.js wasm', value: `${fmtMs(ms('descent-wasm', 'cnn-step')!)}; TF.js wasm cannot train it (${tfCnn.error})`, met: true });
} else {
  vs('CNN step, wasm faster than TF.js wasm', ms('tfjs-wasm', 'cnn-step'), ms('descent-wasm', 'cnn-step'), (r) => `${fmtMs(ms('descent-wasm', 'cnn-step')!)} vs ${fmtMs(ms('tfjs-wasm', 'cnn-step')!)}: ${r.toFixed(1)}x faster`, (r) => r > 1);
}
const torchAdam = [ms(TORCH, 'adam-10M'), ms(TORCH, 'adam-10M-foreach')].filter((v): v is number => v !== null);
const bestTorchAdam = torchAdam.length ? Math.min(...torchAdam) : null;
const refAdam = reference ? ms(reference, 'adam-10M') : null;
vs(`Adam 10M params no slower than PyTorch (faster of plain/foreach)`, refAdam, bestTorchAdam, (r) => `${fmtMs(refAdam!)} vs ${fmtMs(bestTorchAdam!)} = ${r.toFixed(2)}x`, (r) => r <= 1);
atMost('MNIST-example CNN train step, BLAS <= 1.0x PyTorch', 'descent-blas', TORCH, 'mnist-cnn-step', 1);
atMost('MNIST-example CNN eval (1000 images), BLAS <= 1.0x PyTorch', 'descent-blas', TORCH, 'mnist-cnn-eval', 1);
atMost("MLP epoch (README loop), BLAS <= 1.0x PyTorch", 'descent-blas', TORCH, 'mlp-epoch-loop', 1);
for (const lib of ['descent-blas', 'descent-wasm']) {
  for (const [id, what] of [['first20-mlp', 'MLP step'], ['first20-matmul512', '512x512 matmul']]) {
    const r = find(lib, id);
    const p = find(TORCH, id);
    if (!present.some((l) => l.id === lib)) continue;
    targets.push(r && typeof r.ms === 'number' && typeof r.steadyMs === 'number'
      ? { what: `${what}, ${lib.slice(8)}: first 20 steps within 1.3x of steady state`, value: `${fmtMs(r.ms)} vs ${fmtMs(r.steadyMs)} = ${(r.ms / r.steadyMs).toFixed(2)}x${p && typeof p.ratio === 'number' ? ` (PyTorch ${(p.ratio as number).toFixed(2)}x)` : ''}`, met: r.ms / r.steadyMs <= 1.3 }
      : { what: `${what}, ${lib.slice(8)}: first 20 steps within 1.3x of steady state`, value: 'not measured', met: null });
  }
}
if (optimizers) {
  const adam = optimizers.steps.find((s) => s.name === 'adam');
  // The ratio column: each method against the Adam steps timed in its own window (a drifting
  // load moves both), not against the one Adam row.
  const worst = [...optimizers.steps].sort((a, b) => b.xAdam - a.xAdam);
  const over = worst.filter((s) => s.xAdam > 2);
  // PyTorch on the same parameters (one process, one thread): fused Adam against a normal
  // sample added to each gradient before SGD, what gradnoise's row does.
  const torchLib = find('pytorch-1t', 'mlp-params-noise') ? 'pytorch-1t' : 'pytorch';
  const [torchAdamMs, torchNoiseMs] = [ms(torchLib, 'mlp-params-adam'), ms(torchLib, 'mlp-params-noise')];
  const torchNoise = torchAdamMs && torchNoiseMs
    ? `; PyTorch ${torchLib === 'pytorch-1t' ? '1t' : '2t'}: Adam (foreach) ${torchAdamMs.toFixed(3)} ms, randn_like + add_ + SGD ${torchNoiseMs.toFixed(3)} ms = ${(torchNoiseMs / torchAdamMs).toFixed(1)}x`
    : '';
  targets.push(adam
    ? { what: 'every optimizer within 2x fused Adam (MLP params, blas)', value: `Adam ${adam.ms.toFixed(3)} ms; slowest ${worst[0].name} ${worst[0].ms.toFixed(3)} ms = ${worst[0].xAdam.toFixed(1)}x; ${over.length} of ${optimizers.steps.length} over 2x${over.length ? ` (${over.slice(0, 8).map((s) => s.name).join(', ')}${over.length > 8 ? ', ...' : ''})` : ''}${torchNoise}`, met: over.length === 0 }
    : { what: 'every optimizer within 2x fused Adam (MLP params, blas)', value: 'adam not in bench/optimizer-steps.ts output', met: null });
}
atMost('MLP step, wasm (no BLAS) within 1.5x BLAS', 'descent-wasm', 'descent-blas', 'mlp-step', 1.5);
atMost('CNN step, wasm (no BLAS) within 1.3x BLAS', 'descent-wasm', 'descent-blas', 'cnn-step', 1.3);
atMost('MNIST-example CNN step, wasm (no BLAS) within 1.3x BLAS', 'descent-wasm', 'descent-blas', 'mnist-cnn-step', 1.3);

const targetLines = targets.map((t) => `| ${t.what} | ${t.value} | ${t.met === null ? 'not measured' : t.met ? 'met' : '**missed**'} |`);

// ---- environment ---------------------------------------------------------------------------------
const info = (lib: string): Row | undefined => find(lib, 'info');
const natives = (lib: string): string[] => [...new Set(rows.filter((r) => r.lib === lib && r.name === 'native').flatMap((r) => r.nativeLibraries as string[]))];
const cpu = os.cpus();
const env = [
  `- Date: ${started.toISOString()}; the run took ${(totalS / 60).toFixed(1)} min`,
  `- Command: \`${process.env.npm_lifecycle_event === 'bench' ? 'npm run bench' : 'tsx bench/run.ts'}${args.length ? ` ${args.join(' ')}` : ''}\`${QUICK ? ' (quick)' : ''}${ONLY.length ? ` (only ${ONLY.join(',')})` : ''}`,
  `- Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} logical CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()} ${os.arch()}`,
  `- OpenBLAS settings in the environment (inherited by descent and PyTorch alike): ${Object.keys(process.env).filter((k) => k.startsWith('OPENBLAS_')).sort().map((k) => `${k}=${process.env[k]}`).join(', ') || 'none'}`,
  `- Load average (1/5/15 min) at start: ${loadStart.map((v) => v.toFixed(2)).join(' / ')}; at end: ${loadEnd.map((v) => v.toFixed(2)).join(' / ')}`,
  `- Node ${process.version}; descent ${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}`,
  ...(['descent-blas', 'descent-wasm'] as const).filter((l) => info(l)).map((l) => `- ${l} (threads as its backend says): ${info(l)!.detail}; native libraries mapped: ${natives(l).length ? natives(l).join(', ') : '**none** (no BLAS loaded)'}`),
  ...(info('descent-blas') ? [`- descent's C allocator (as the \`descent\` command sets it, src/backend/allocator.ts): ${info('descent-blas')!.allocator}`] : []),
  ...(['pytorch', 'pytorch-1t', 'pytorch-untuned'].filter((l) => info(l)).map((l) => `- ${LIBS.find((x) => x.id === l)!.label}: PyTorch ${info(l)!.version}, ${info(l)!.threads} intra-op thread(s), allocator ${info(l)!.allocator ?? '?'}, BLAS: ${info(l)!.blas}`)),
  ...(info('tfjs-wasm') ? [`- TensorFlow.js ${info('tfjs-wasm')!.version} (wasm: SIMD ${info('tfjs-wasm')!.simd ? 'on' : 'off'}, threads ${info('tfjs-wasm')!.threads ? 'on' : 'off'})`] : []),
];

/** Which workloads ran in rounds, for which libraries (the notes' rounds line). */
function roundedWhat(): string {
  const labels = (ids: string[]) => roundLibs.filter((l) => ids.includes(l.id)).map((l) => l.label).join(' and ');
  const parts = [[[...ROUND_WORKLOADS, ...ROUND_FRESH], ROUND_LIBS], [ROUND_FIRST20, FIRST20_LIBS]] as const;
  return parts.filter(([names, ids]) => names.length && labels([...ids])).map(([names, ids]) => `${names.join(', ')} for ${labels([...ids])}`).join('; ');
}

const gcNotes = rows.filter((r) => r.name.startsWith('gc:') && typeof r.ms === 'number').map((r) => `  - ${r.lib} ${r.name.slice(3)}: ${r.count} collections, ${fmtMs(r.ms as number)} of ${fmtMs(Number(r.windowMs))} (${((100 * (r.ms as number)) / Number(r.windowMs)).toFixed(0)}%)`);
const notes = [
  '`~`: extrapolated from the first batches of the epoch (slow libraries, or --quick). `n/a*`: the library cannot run the workload (see below). `-`: not run (the user workloads do not run on descent js and TF.js cpu: minutes each).',
  'Times are medians of repeated runs (wall clock, one process per library, run one after another). first20 rows: the mean of calls 1-20 in a fresh process (the round of median ratio, see below), and (steady) the mean of calls 100-300 of the same process, with their median beside it; the ratio is mean to mean.',
  ...(rows.some((r) => Array.isArray(r.rounds))
    ? [`- ${roundedWhat()}: the median of ${ROUNDS} rounds run alternately (each round's figure; a first20 row is the round of median ratio, each round's ratio in brackets):`,
      ...rows.filter((r) => Array.isArray(r.rounds)).map((r) => `  - ${r.lib} ${r.name}: ${(r.rounds as number[]).map((v, i) => { const q = (r.roundRatios as (number | null)[] | undefined)?.[i]; return `${fmtMs(v)}${typeof q === 'number' ? ` [${q.toFixed(2)}x]` : ''}`; }).join(', ')}`)]
    : []),
  ...(gcNotes.length ? ['- GC pauses inside the user workloads (perf_hooks gc entries, whole workload including warm-up):', ...gcNotes] : []),
  ...rows.filter((r) => r.ms === null && r.error).map((r) => `- ${r.lib} ${r.name}: ${r.error}`),
  ...rows.filter((r) => r.name === 'mlp-epoch' || r.name === 'mlp-epoch-loop').map((r) => `- ${r.lib} ${r.name}: mean loss ${Number(r.meanLoss).toFixed(3)}${r.trainAccuracy !== undefined ? `, train accuracy after it ${(100 * Number(r.trainAccuracy)).toFixed(1)}%` : ''}${r.extrapolatedFrom ? ` (${r.extrapolatedFrom} batches)` : ''}; data loading ${fmtMs(Number(r.loadMs))}`),
  ...rows.filter((r) => r.name === 'mnist-cnn-step' && typeof r.meanLoss === 'number').map((r) => `- ${r.lib} mnist-cnn-step: mean loss over the timed steps ${Number(r.meanLoss).toFixed(3)}`),
  ...problems.map((p) => `- ${p}`),
];

const dataLines = dataLoad
  ? ['', '## Data loading (bench/data-load.ts)', '', '| what | median | min | examples |', '|---|---:|---:|---:|',
    ...dataLoad.figures.map((f) => `| ${f.name} | ${fmtMs(f.ms)} | ${fmtMs(f.minMs)} | ${f.examples} |`), ...dataLoad.skipped.map((s) => `\nskipped: ${s}`)]
  : [];
const optimizerLines = optimizers ? ['', '## Optimizer steps (bench/optimizer-steps.ts blas)', '', ...optimizers.lines] : [];
const profileLines = profiles.length
  ? ['', '## Where the time goes (bench/profile-user.ts: V8 CPU profile of the timed loop, self time; GC from perf_hooks)', '', ...profiles.flatMap((p) => [p, ''])]
  : [];

const body = [
  '## Times', '', ...timeTable, '',
  `## Ratios to descent (${reference ?? 'n/a'}; above 1 = slower than descent)`, '', ...ratioTable, '',
  ...(vsTable.length ? ['## descent against PyTorch, thread for thread (below 1 = descent faster)', '', ...vsTable, ''] : []),
  '## Physical limits', '', ...limitLines, '', ...limitTable, '',
  '## Targets', '', 'Targets against PyTorch use tuned PyTorch (the same allocator tuning as descent) at its faster thread count, 1 or 2, workload by workload (named beside each figure): descent blas runs big products on 2 threads, so both sides have the same thread budget. The untuned figures are in the PyTorch untuned column.', '', '| target | measured | |', '|---|---|---|', ...targetLines, '',
  '## Notes', '', ...notes, ...optimizerLines, ...profileLines, ...dataLines,
].join('\n');

console.log(`\n${env.join('\n')}\n\n${body}\n`);

if (write) {
  const analysisPath = join(root, 'bench/ANALYSIS.md');
  const analysis = existsSync(analysisPath) ? `\n## Analysis\n\n${readFileSync(analysisPath, 'utf8').trim()}\n` : '';
  const md = `# Benchmark results\n\nGenerated by bench/run.ts (\`npm run bench\`); the analysis at the end is bench/ANALYSIS.md.\n\n${env.join('\n')}\n\n${body}\n${analysis}`;
  const out = partial ? join(root, 'bench/out/RESULTS-partial.md') : join(root, 'bench/RESULTS.md');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, md);
  console.log(`wrote ${out.slice(root.length + 1)}${partial ? ' (a partial run: --quick, --only or --libs; bench/RESULTS.md is left as it was)' : ''}`);
}
