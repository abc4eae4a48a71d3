#!/usr/bin/env node
// Builds the blas backend's native kernels: src/backend/wasm's kernels.c, adashift.c and
// averaging.c compiled for this machine (src/backend/native/wasm-simd-native.h stands in for
// wasm_simd128.h), with src/backend/native/conv-images.c (the large convolutions on POSIX
// threads), into src/backend/native/kernels.so, which the backend calls through koffi on the
// tensors' own arrays instead of copying them into the wasm module's memory and back. Same
// operations in the same order, so the same bits as the wasm kernels.
//
// The library is built per machine and not committed. Beside it, kernels.so.json records what it
// was built from (the sources' and flags' hash, the compiler, the platform) and the C prototype
// of each export, which the loader binds by. Without a C compiler the build is skipped with one
// line, and the blas backend uses the wasm kernels as before.
//
//   node scripts/build-native.mjs             build (fails with a clear message without a compiler)
//   node scripts/build-native.mjs --if-stale  build only when kernels.so is missing or stale; without a compiler, skip
//   node scripts/build-native.mjs --install   npm's install step: as --if-stale, never failing; in an installed
//                                             package (no TypeScript sources) the library goes into
//                                             dist/backend/native, where the compiled loader looks for it
//
// CC=/path/to/compiler picks the compiler (default: clang, then clang-19 ... clang-14, then gcc).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLANG_NAMES, findCompiler } from './find-compiler.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wasmDir = join(root, 'src/backend/wasm');
const nativeDir = join(root, 'src/backend/native');
const args = process.argv.slice(2);
const install = args.includes('--install');
const ifStale = install || args.includes('--if-stale');
// The package ships the C sources under src/ but not the TypeScript; its loader is dist's.
const outDir = install && !existsSync(join(nativeDir, 'index.ts')) ? join(root, 'dist/backend/native') : nativeDir;
const output = join(outDir, 'kernels.so');
const stampPath = join(outDir, 'kernels.so.json');
const cSources = [...['kernels.c', 'adashift.c', 'averaging.c'].map((f) => join(wasmDir, f)), ...['conv-images.c', 'normal32-lanes.c'].map((f) => join(nativeDir, f))];
const headers = [...['simd.h', 'f64-lanes.h', 'xoshiro-lanes.h', 'normal32-consts.h'].map((f) => join(wasmDir, f)), ...['wasm-simd-native.h', 'normal32-lanes.h'].map((f) => join(nativeDir, f))];

// No fused multiply-add (wasm has none) and no fast-math: the same IEEE operations as wasm.
// x86-64-v2 (SSE4.2, 2009 on) so that a library built here runs on any x86-64 it is copied to.
const FLAGS = [
  '-O3', '-ffp-contract=off', '-fno-math-errno', '-fno-strict-aliasing', '-fvisibility=hidden', '-fPIC', '-shared', '-pthread',
  '-Wall', '-Wno-unused-function', '-Wno-unknown-pragmas',
  ...(process.arch === 'x64' ? ['-march=x86-64-v2'] : []),
];

const platform = `${process.platform}-${process.arch}`;

function sourcesHash(compiler) {
  const h = createHash('sha256').update(JSON.stringify({ FLAGS, platform, compiler }));
  for (const f of [...cSources, ...headers]) h.update(`\0${f.slice(root.length)}\0`).update(readFileSync(f));
  return h.digest('hex');
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(stampPath, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * `EXPORT(name)` followed by its definition's head: name -> a C prototype koffi parses. A
 * parameter-list macro (kernels.c's CONV_ARGS) is expanded from its #define; an export whose
 * parameters are not plain numbers, number pointers or strings is left out.
 */
function prototypes() {
  const found = {};
  for (const f of cSources) {
    const text = readFileSync(f, 'utf8');
    const macros = new Map([...text.matchAll(/^#define (\w+)((?:[^\n]*\\\n)*[^\n]*)/gm)].map((m) => [m[1], m[2].replace(/\\\n/g, ' ')]));
    for (const m of text.matchAll(/EXPORT\((\w+)\)\s*\n\s*(void|int|float|double)\s+(\w+)\(([^)]*)\)/g)) {
      if (m[1] !== m[3]) continue;
      const params = m[4].split(',').map((p) => p.trim()).flatMap((p) => (macros.has(p) ? macros.get(p).split(',') : [p]))
        .map((p) => p.replace(/\brestrict\b/g, '').replace(/\s+/g, ' ').trim()).filter((p) => p !== '' && p !== 'void');
      if (!params.every((p) => /^(const )?(int|float|double|char)( ?\*)? ?\w+$/.test(p))) continue;
      found[m[1]] = `${m[2]} ${m[1]}(${params.join(', ')})`;
    }
  }
  return found;
}

function skip(message) {
  if (ifStale) {
    console.warn(`descent: ${message}; the blas backend will use the wasm kernels for the rest`);
    process.exit(0);
  }
  console.error(`descent: ${message}`);
  process.exit(1);
}

if (process.platform === 'win32') skip('the native kernels are not built on Windows');
const compiler = findCompiler([...CLANG_NAMES, 'gcc'], 'CC');
if (!compiler) skip('no C compiler (clang or gcc) to build the native kernels: install clang, or set CC');
const hash = sourcesHash(compiler.version);
const stamp = readStamp();
if (ifStale && stamp?.sources === hash && existsSync(output)) process.exit(0);
const partial = `${output}.${process.pid}.tmp`;
const r = spawnSync(compiler.command, [...FLAGS, '-o', partial, ...cSources, '-ldl'], { encoding: 'utf8' });
if (r.status !== 0) {
  rmSync(partial, { force: true });
  skip(`building the native kernels with ${compiler.command} failed:\n${`${r.stderr}${r.stdout}`.trim()}`);
}
if (r.stderr.trim()) process.stderr.write(r.stderr);
try {
  renameSync(partial, output); // atomic: a process loading the library never sees half of it
  writeFileSync(stampPath, `${JSON.stringify({ sources: hash, compiler: compiler.version, platform, prototypes: prototypes() }, null, 2)}\n`);
} catch (e) {
  rmSync(partial, { force: true });
  skip(`cannot write ${output}: ${e.message}`);
}
console.log(`descent: built ${relative(root, output)} with ${compiler.version}`);
