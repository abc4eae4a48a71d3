#!/usr/bin/env node
// Builds descent's WebAssembly kernels: src/backend/wasm/*.c -> src/backend/wasm/kernels.wasm,
// with clang's wasm32 target, SIMD (simd128) and bulk memory, no libc; and the same sources
// again as kernels-mt.wasm, the multi-threaded variant: atomics, an imported shared memory
// (which the worker threads' instances share; a non-shared memory cannot be given to it, hence
// two binaries) and an exported __stack_pointer, which each thread points at its own stack.
//
// Both binaries are committed, so a clone without clang still runs on the wasm backend. Beside it,
// kernels.wasm.json records the SHA-256 of the sources and flags it was built from, of the
// binary itself, and the compiler: "stale" means those hashes disagree with the files, never a
// file's modification time (a git checkout sets those in any order). The build is deterministic:
// no debug info, names or paths reach the binary (--strip-all), so the same clang gives the same
// bytes from any directory; test/package/wasm.test.ts rebuilds it and compares.
//
//   node scripts/build-wasm.mjs             build (fails with a clear message if clang is missing)
//   node scripts/build-wasm.mjs --if-stale  build only when kernels.wasm is stale; without clang,
//                                           keep the committed binary (with a warning when stale)
//   node scripts/build-wasm.mjs --check     exit 1, saying why, when kernels.wasm is stale
//   node scripts/build-wasm.mjs --out FILE  build into FILE (and the threaded one into FILE's
//                                           name with -mt before .wasm) instead; the stamp is left alone
//   node scripts/build-wasm.mjs --copy DIR  also copy kernels.wasm and kernels-mt.wasm into DIR (for dist/)
//
// CLANG=/path/to/clang picks the compiler (default: clang, then clang-19 ... clang-14).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLANG_NAMES, findCompiler } from './find-compiler.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'src/backend/wasm');
const committed = join(dir, 'kernels.wasm');
const committedMt = join(dir, 'kernels-mt.wasm');
const stampPath = join(dir, 'kernels.wasm.json');
const sources = readdirSync(dir).filter((f) => f.endsWith('.c') || f.endsWith('.h')).sort();
const cSources = sources.filter((f) => f.endsWith('.c'));
const args = process.argv.slice(2);
const ifStale = args.includes('--if-stale');
const check = args.includes('--check');
const valueOf = (flag) => (args.indexOf(flag) >= 0 ? args[args.indexOf(flag) + 1] : undefined);
const copyTo = valueOf('--copy');
const outAt = valueOf('--out');
const output = outAt ?? committed;
const outputMt = outAt ? outAt.replace(/(\.wasm)?$/, '-mt.wasm') : committedMt;

const FLAGS = [
  '--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-mnontrapping-fptoint', '-nostdlib',
  '-fno-builtin', '-Wall', '-Wextra', '-Wno-unused-parameter',
  '-Wl,--no-entry', '-Wl,--export=__heap_base', '-Wl,-z,stack-size=262144', '-Wl,--strip-all',
];

/** The threaded variant's extra flags: 4 GiB is wasm32's whole address space. */
const MT_FLAGS = [
  '-matomics', '-mmutable-globals', '-Wl,--shared-memory', '-Wl,--import-memory', '-Wl,--max-memory=4294967296',
  // The threads' JavaScript creates the memory with this many bytes (MT_INITIAL_PAGES in threads.ts).
  '-Wl,--initial-memory=8388608',
  '-Wl,--export=__stack_pointer',
];

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** The hash of what the binary is built from: the flags, then each source's name and bytes. */
function sourcesHash() {
  const h = createHash('sha256').update(JSON.stringify(FLAGS)).update(JSON.stringify(MT_FLAGS));
  for (const f of sources) h.update(`\0${f}\0`).update(readFileSync(join(dir, f)));
  return h.digest('hex');
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(stampPath, 'utf8'));
  } catch {
    return null;
  }
}

/** Why the committed kernels.wasm does not match its sources, or '' when it does. */
function staleness() {
  if (!existsSync(committed)) return 'src/backend/wasm/kernels.wasm is missing';
  const stamp = readStamp();
  if (!stamp) return 'src/backend/wasm/kernels.wasm.json (the record of what kernels.wasm was built from) is missing';
  if (stamp.sources !== sourcesHash()) return `kernels.wasm was built from other sources or flags than ${sources.join(', ')} and scripts/build-wasm.mjs now hold`;
  if (stamp.wasm !== sha256(readFileSync(committed))) return 'kernels.wasm is not the binary kernels.wasm.json records (it was changed or rebuilt without updating the record)';
  if (!existsSync(committedMt)) return 'src/backend/wasm/kernels-mt.wasm is missing';
  if (stamp.wasmMt !== sha256(readFileSync(committedMt))) return 'kernels-mt.wasm is not the binary kernels.wasm.json records (it was changed or rebuilt without updating the record)';
  return '';
}

function fail(message) {
  if (ifStale) {
    const keep = existsSync(committed)
      ? ' (keeping the committed kernels.wasm, built from older sources: run `npm run build:wasm` once clang and lld are installed)'
      : '';
    console.warn(`descent: ${message}\ndescent: going on${keep || ' without the wasm backend'}.`);
    process.exit(0);
  }
  console.error(`descent: ${message}`);
  process.exit(1);
}

const why = outAt ? 'asked for' : staleness();
if (check) {
  if (why) {
    console.error(`descent: ${why}; rebuild it with \`npm run build:wasm\` (needs clang and lld) and commit kernels.wasm and kernels.wasm.json`);
    process.exit(1);
  }
  console.log('descent: src/backend/wasm/kernels.wasm matches its sources');
} else if (!ifStale || why) {
  const clang = findCompiler(CLANG_NAMES, 'CLANG');
  if (!clang) {
    fail(`cannot build the WebAssembly kernels (${why || 'a rebuild was asked for'}): clang was not found. Install clang and lld ` +
      '(Debian/Ubuntu: apt-get install clang lld; macOS: brew install llvm), or set CLANG=/path/to/clang.');
  }
  const build = (flags, out) => {
    const r = spawnSync(clang.command, [...flags, '-o', out, ...cSources], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) {
      const text = `${r.stderr}${r.stdout}`;
      const hint = /wasm-ld/.test(text) && /(not found|doesn't exist|No such file)/i.test(text)
        ? ' The WebAssembly linker wasm-ld is missing: install lld (Debian/Ubuntu: apt-get install lld).' : '';
      fail(`building the WebAssembly kernels with ${clang.command} failed.${hint}\n${text.trim()}`);
    }
    if (r.stderr.trim()) process.stderr.write(r.stderr);
    return readFileSync(out);
  };
  const bytes = build(FLAGS, output);
  const bytesMt = build([...FLAGS, ...MT_FLAGS], outputMt);
  if (!outAt) {
    const stamp = { sources: sourcesHash(), wasm: sha256(bytes), bytes: bytes.length, wasmMt: sha256(bytesMt), bytesMt: bytesMt.length, compiler: clang.version };
    writeFileSync(stampPath, `${JSON.stringify(stamp, null, 2)}\n`);
  }
  const shown = (f) => (f.startsWith(root) ? f.slice(root.length + 1) : f);
  console.log(`descent: built ${shown(output)} (${statSync(output).size} bytes) and ${shown(outputMt)} (${statSync(outputMt).size} bytes) with ${clang.version}`);
}

if (copyTo && existsSync(committed)) {
  mkdirSync(copyTo, { recursive: true });
  copyFileSync(committed, join(copyTo, 'kernels.wasm'));
  if (existsSync(committedMt)) copyFileSync(committedMt, join(copyTo, 'kernels-mt.wasm'));
}
