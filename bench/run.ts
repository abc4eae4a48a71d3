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
 * - loading Fashion-MNIST (bench/data-load.ts).
 *
 *   npm run bench                      everything; writes bench/RESULTS.md
 *   npm run bench -- --libs=descent-blas,pytorch --no-write
 *   BENCH_QUICK=1 npm run bench        shorter timings (and partial epochs), for a smoke test
 *   BENCH_ROUNDS=n npm run bench       rounds of the target workloads for descent-blas and PyTorch (default 5)
 *   BENCH_ONLY=sgemm,mlp-step npm run bench
 *
 * Prints a table of times and of ratios to descent (its default backend: blas where a BLAS is
 * found) and checks the performance targets.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const libsArg = args.find((a) => a.startsWith('--libs='))?.slice(7).split(',');
const write = !args.includes('--no-write');
const python = process.env.PYTHON ?? '/usr/bin/python3';
const tsx = [process.execPath, '--import', 'tsx'];

interface Lib {
  id: string;
  label: string;
  cmd: string[];
}

const LIBS: Lib[] = [
  { id: 'descent-blas', label: 'descent blas', cmd: [...tsx, 'bench/descent.ts', 'blas'] },
  { id: 'descent-wasm', label: 'descent wasm', cmd: [...tsx, 'bench/descent.ts', 'wasm'] },
  { id: 'descent-js', label: 'descent js', cmd: [...tsx, 'bench/descent.ts', 'js'] },
  { id: 'pytorch', label: 'PyTorch', cmd: [python, 'bench/torch_bench.py'] },
  { id: 'tfjs-wasm', label: 'TF.js wasm', cmd: [...tsx, 'bench/tfjs.ts', 'wasm'] },
  { id: 'tfjs-cpu', label: 'TF.js cpu', cmd: [...tsx, 'bench/tfjs.ts', 'cpu'] },
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
  ['mlp-epoch', 'MLP epoch, Fashion-MNIST'],
  ['adam-1M', 'Adam 1M params'],
  ['adam-10M', 'Adam 10M params'],
];

const rows: Row[] = [];
const problems: string[] = [];
const loadStart = os.loadavg();
const started = new Date();
const selected = LIBS.filter((l) => !libsArg || libsArg.includes(l.id));

/** Runs one library's process (limited to `only` workloads when given) and returns its rows. */
function runLib(lib: Lib, only?: string): Row[] {
  const env: NodeJS.ProcessEnv = { ...process.env, DESCENT_BACKEND: undefined, ...(only ? { BENCH_ONLY: only } : {}) };
  const r = spawnSync(lib.cmd[0], lib.cmd.slice(1), { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, env });
  const got = (r.stdout ?? '').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Row);
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr ?? '').trim().split('\n').filter((l) => !l.startsWith('npm warn')).slice(-3).join(' / ');
    problems.push(`${lib.label}: exited with ${r.status ?? 'an error'} (${why.slice(0, 300)})`);
  }
  return got;
}

for (const lib of selected) {
  process.stderr.write(`running ${lib.label}: ${lib.cmd.slice(lib.cmd[0] === process.execPath ? 3 : 0).join(' ')}\n`);
  const t0 = performance.now();
  const got = runLib(lib);
  rows.push(...got);
  for (const row of got) {
    if (row.name === 'unavailable') problems.push(`${lib.label}: unavailable (${row.reason})`);
    else if (row.name !== 'info') process.stderr.write(`  ${row.name.padEnd(12)} ${row.ms === null ? `n/a: ${row.error}` : `${row.ms.toFixed(3)} ms`}\n`);
  }
  process.stderr.write(`  (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
}

// The workloads that decide descent-vs-PyTorch targets are close enough that the load of the
// moment can tip them, so descent-blas and PyTorch run them again, alternately, and each figure
// is the median of the rounds (round by round, the medians of repeated runs), not one window.
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? (process.env.BENCH_QUICK === '1' ? 1 : 5)));
const ROUND_LIBS = ['descent-blas', 'pytorch'];
const ROUND_WORKLOADS = ['sgemm-512', 'sgemm-1024', 'mlp-step', 'cnn-step', 'adam-10M'].filter((w) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY.split(',').includes(w));
const roundLibs = selected.filter((l) => ROUND_LIBS.includes(l.id));
if (ROUNDS > 1 && roundLibs.length && ROUND_WORKLOADS.length) {
  const rounds = new Map<string, Row[]>();
  const key = (r: Row): string => `${r.lib}/${r.name}`;
  for (const r of rows) if (ROUND_LIBS.includes(r.lib) && ROUND_WORKLOADS.includes(r.name) && r.ms !== null) rounds.set(key(r), [r]);
  for (let round = 2; round <= ROUNDS; round++) {
    for (const lib of roundLibs) {
      process.stderr.write(`round ${round}/${ROUNDS}: ${lib.label} (${ROUND_WORKLOADS.join(', ')})\n`);
      for (const r of runLib(lib, ROUND_WORKLOADS.join(','))) rounds.get(key(r))?.push(r);
    }
  }
  for (const [k, list] of rounds) {
    const sorted = [...list].sort((a, b) => (a.ms as number) - (b.ms as number));
    const median = { ...sorted[(sorted.length - 1) >> 1], rounds: list.map((r) => r.ms) };
    rows[rows.findIndex((r) => key(r) === k)] = median;
  }
}

// The data loading benchmark of the data area, when present.
let dataLoad: { figures: { name: string; ms: number; minMs: number; examples: number }[]; skipped: string[] } | null = null;
if (existsSync(join(root, 'bench/data-load.ts')) && !libsArg) {
  process.stderr.write('running bench/data-load.ts\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/data-load.ts', '--json'], { cwd: root, encoding: 'utf8' });
  try {
    dataLoad = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
  } catch {
    problems.push(`bench/data-load.ts failed: ${(r.stderr ?? '').trim().split('\n').slice(-1)[0]}`);
  }
}
const loadEnd = os.loadavg();

// ---- tables ------------------------------------------------------------------------------------
const find = (lib: string, name: string): Row | undefined => rows.find((r) => r.lib === lib && r.name === name);
const present = selected.filter((l) => rows.some((r) => r.lib === l.id && r.name !== 'info' && r.name !== 'unavailable'));
const reference = ['descent-blas', 'descent-wasm', 'descent-js'].find((id) => present.some((l) => l.id === id));

function fmtMs(ms: number): string {
  return ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

function cell(lib: string, name: string): string {
  const r = find(lib, name);
  if (!r) return '-';
  if (r.ms === null) return 'n/a*';
  let s = fmtMs(r.ms);
  if (typeof r.gflops === 'number') s += ` (${r.gflops.toFixed(1)} GF/s)`;
  if (r.extrapolatedFrom) s += ` ~`;
  return s;
}

function ratio(lib: string, name: string): string {
  const r = find(lib, name);
  const ref = reference && find(reference, name);
  if (!r || r.ms === null || !ref || ref.ms === null) return '-';
  return `${(r.ms / ref.ms).toFixed(2)}x`;
}

const header = `| workload | ${present.map((l) => l.label).join(' | ')} |`;
const rule = `|---|${present.map(() => '---:').join('|')}|`;
const timeTable = [header, rule, ...WORKLOADS.filter(([id]) => present.some((l) => find(l.id, id))).map(([id, label]) => `| ${label} | ${present.map((l) => cell(l.id, id)).join(' | ')} |`)];
const ratioTable = [header, rule, ...WORKLOADS.filter(([id]) => present.some((l) => find(l.id, id))).map(([id, label]) => `| ${label} | ${present.map((l) => ratio(l.id, id)).join(' | ')} |`)];

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
  const p = find('pytorch', `sgemm-${n}`)?.gflops as number | undefined;
  targets.push({ what: `sgemm n=${n}, BLAS path >= 90% of PyTorch's GFLOP/s`, value: d && p ? `${d.toFixed(1)} vs ${p.toFixed(1)} GF/s = ${((100 * d) / p).toFixed(0)}%` : 'not measured', met: d && p ? d >= 0.9 * p : null });
}
function vs(what: string, a: number | null, b: number | null, limit: number, text: (r: number) => string, met: (r: number) => boolean): void {
  targets.push(a !== null && b !== null ? { what, value: text(a / b), met: met(a / b) } : { what, value: 'not measured', met: null });
}
vs('MLP step, BLAS <= 1.3x PyTorch', ms('descent-blas', 'mlp-step'), ms('pytorch', 'mlp-step'), 1.3, (r) => `${fmtMs(ms('descent-blas', 'mlp-step')!)} vs ${fmtMs(ms('pytorch', 'mlp-step')!)} = ${r.toFixed(2)}x`, (r) => r <= 1.3);
vs('MLP step, wasm >= 1.5x faster than TF.js wasm', ms('tfjs-wasm', 'mlp-step'), ms('descent-wasm', 'mlp-step'), 1.5, (r) => `${fmtMs(ms('descent-wasm', 'mlp-step')!)} vs ${fmtMs(ms('tfjs-wasm', 'mlp-step')!)}: ${r.toFixed(1)}x faster`, (r) => r >= 1.5);
vs('CNN step, BLAS no slower than PyTorch', ms('descent-blas', 'cnn-step'), ms('pytorch', 'cnn-step'), 1, (r) => `${fmtMs(ms('descent-blas', 'cnn-step')!)} vs ${fmtMs(ms('pytorch', 'cnn-step')!)} = ${r.toFixed(2)}x`, (r) => r <= 1);
const tfCnn = find('tfjs-wasm', 'cnn-step');
if (tfCnn && tfCnn.ms === null && ms('descent-wasm', 'cnn-step') !== null) {
  targets.push({ what: 'CNN step, wasm faster than TF.js wasm', value: `${fmtMs(ms('descent-wasm', 'cnn-step')!)}; TF.js wasm cannot train it (${tfCnn.error})`, met: true });
} else {
  vs('CNN step, wasm faster than TF.js wasm', ms('tfjs-wasm', 'cnn-step'), ms('descent-wasm', 'cnn-step'), 1, (r) => `${fmtMs(ms('descent-wasm', 'cnn-step')!)} vs ${fmtMs(ms('tfjs-wasm', 'cnn-step')!)}: ${r.toFixed(1)}x faster`, (r) => r > 1);
}
const torchAdam = [ms('pytorch', 'adam-10M'), ms('pytorch', 'adam-10M-foreach')].filter((v): v is number => v !== null);
const bestTorchAdam = torchAdam.length ? Math.min(...torchAdam) : null;
const refAdam = reference ? ms(reference, 'adam-10M') : null;
vs(`Adam 10M params no slower than PyTorch (faster of plain/foreach)`, refAdam, bestTorchAdam, 1, (r) => `${fmtMs(refAdam!)} vs ${fmtMs(bestTorchAdam!)} = ${r.toFixed(2)}x`, (r) => r <= 1);

const targetLines = targets.map((t) => `| ${t.what} | ${t.value} | ${t.met === null ? 'not measured' : t.met ? 'met' : '**missed**'} |`);

// ---- environment ---------------------------------------------------------------------------------
const info = (lib: string): Row | undefined => find(lib, 'info');
const cpu = os.cpus();
const env = [
  `- Date: ${started.toISOString()}`,
  `- Command: \`${process.env.npm_lifecycle_event === 'bench' ? 'npm run bench' : `tsx bench/run.ts`}${args.length ? ` ${args.join(' ')}` : ''}\`${process.env.BENCH_QUICK ? ' with BENCH_QUICK=1' : ''}${process.env.BENCH_ONLY ? ` with BENCH_ONLY=${process.env.BENCH_ONLY}` : ''}`,
  `- Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} logical CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()} ${os.arch()}`,
  `- Load average (1/5/15 min) at start: ${loadStart.map((v) => v.toFixed(2)).join(' / ')}; at end: ${loadEnd.map((v) => v.toFixed(2)).join(' / ')}`,
  `- Node ${process.version}; descent ${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}`,
  ...(['descent-blas', 'descent-wasm'] as const).filter((l) => info(l)).map((l) => `- ${l}: ${info(l)!.detail}`),
  ...(info('descent-blas') ? [`- descent's C allocator (as the \`descent\` command sets it, src/backend/allocator.ts): ${info('descent-blas')!.allocator}`] : []),
  ...(info('pytorch') ? [`- PyTorch ${info('pytorch')!.version} (${info('pytorch')!.threads} intra-op thread(s), BLAS: ${info('pytorch')!.blas})`] : []),
  ...(info('tfjs-wasm') ? [`- TensorFlow.js ${info('tfjs-wasm')!.version} (wasm: SIMD ${info('tfjs-wasm')!.simd ? 'on' : 'off'}, threads ${info('tfjs-wasm')!.threads ? 'on' : 'off'})`] : []),
];

const notes = [
  '`~`: extrapolated from the first batches of the epoch (slow libraries). `n/a*`: the library cannot run the workload (see below).',
  'Times are medians of repeated runs (wall clock, one process per library, run one after another).',
  ...(rows.some((r) => Array.isArray(r.rounds))
    ? [`- ${ROUND_WORKLOADS.join(', ')} for ${roundLibs.map((l) => l.label).join(' and ')}: the median of ${ROUNDS} rounds run alternately (each round's figure in ms):`,
      ...rows.filter((r) => Array.isArray(r.rounds)).map((r) => `  - ${r.lib} ${r.name}: ${(r.rounds as number[]).map((ms) => fmtMs(ms)).join(', ')}`)]
    : []),
  ...rows.filter((r) => r.ms === null && r.error).map((r) => `- ${r.lib} ${r.name}: ${r.error}`),
  ...rows.filter((r) => r.name === 'mlp-epoch').map((r) => `- ${r.lib} epoch: mean loss ${Number(r.meanLoss).toFixed(3)}${r.trainAccuracy !== undefined ? `, train accuracy after it ${(100 * Number(r.trainAccuracy)).toFixed(1)}%` : ''}${r.extrapolatedFrom ? ` (${r.extrapolatedFrom} batches)` : ''}; data loading ${fmtMs(Number(r.loadMs))}`),
  ...problems.map((p) => `- ${p}`),
];

const dataLines = dataLoad
  ? ['', '## Data loading (bench/data-load.ts)', '', '| what | median | min | examples |', '|---|---:|---:|---:|',
    ...dataLoad.figures.map((f) => `| ${f.name} | ${fmtMs(f.ms)} | ${fmtMs(f.minMs)} | ${f.examples} |`), ...dataLoad.skipped.map((s) => `\nskipped: ${s}`)]
  : [];

const report = [
  '## Times', '', ...timeTable, '',
  `## Ratios to descent (${reference ?? 'n/a'}; above 1 = slower than descent)`, '', ...ratioTable, '',
  '## Targets', '', '| target | measured | |', '|---|---|---|', ...targetLines, '',
  '## Notes', '', ...notes, ...dataLines,
].join('\n');

console.log(`\n${env.join('\n')}\n\n${report}\n`);

if (write) {
  const analysisPath = join(root, 'bench/ANALYSIS.md');
  const analysis = existsSync(analysisPath) ? `\n## Analysis\n\n${readFileSync(analysisPath, 'utf8').trim()}\n` : '';
  const md = `# Benchmark results\n\nGenerated by bench/run.ts (\`npm run bench\`); the analysis at the end is bench/ANALYSIS.md.\n\n${env.join('\n')}\n\n${report}\n${analysis}`;
  writeFileSync(join(root, 'bench/RESULTS.md'), md);
  console.log('wrote bench/RESULTS.md');
}
