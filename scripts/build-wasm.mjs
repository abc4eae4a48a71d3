#!/usr/bin/env node
// Builds descent's WebAssembly kernels: src/backend/wasm/*.c -> src/backend/wasm/kernels.wasm,
// with clang's wasm32 target, SIMD (simd128) and bulk memory, no libc.
//
//   node scripts/build-wasm.mjs             build (fails with a clear message if clang is missing)
//   node scripts/build-wasm.mjs --if-stale  build only when kernels.wasm is missing or older than
//                                           its sources; without clang, warn and go on (the wasm
//                                           backend is then unavailable and descent uses js/blas)
//   node scripts/build-wasm.mjs --copy DIR  also copy kernels.wasm into DIR (for dist/)
//
// CLANG=/path/to/clang picks the compiler (default: clang, then clang-19 ... clang-14).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'src/backend/wasm');
const output = join(dir, 'kernels.wasm');
const sources = readdirSync(dir).filter((f) => f.endsWith('.c') || f.endsWith('.h')).map((f) => join(dir, f));
const cSources = sources.filter((f) => f.endsWith('.c'));
const args = process.argv.slice(2);
const ifStale = args.includes('--if-stale');
const copyAt = args.indexOf('--copy');
const copyTo = copyAt >= 0 ? args[copyAt + 1] : undefined;

const FLAGS = [
  '--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-mnontrapping-fptoint', '-nostdlib',
  '-fno-builtin', '-Wall', '-Wextra', '-Wno-unused-parameter',
  '-Wl,--no-entry', '-Wl,--export=__heap_base', '-Wl,-z,stack-size=262144', '-Wl,--strip-all',
];

function stale() {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return [...sources, fileURLToPath(import.meta.url)].some((f) => statSync(f).mtimeMs > built);
}

function findClang() {
  const candidates = process.env.CLANG ? [process.env.CLANG] : ['clang', ...[19, 18, 17, 16, 15, 14].map((v) => `clang-${v}`)];
  for (const c of candidates) {
    const r = spawnSync(c, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return c;
  }
  return null;
}

function fail(message) {
  if (ifStale) {
    console.warn(`descent: ${message}\ndescent: going on without the wasm backend${existsSync(output) ? ' (keeping the existing, older kernels.wasm)' : ''}.`);
    process.exit(0);
  }
  console.error(`descent: ${message}`);
  process.exit(1);
}

if (!ifStale || stale()) {
  const clang = findClang();
  if (!clang) {
    fail('cannot build the WebAssembly kernels: clang was not found. Install clang and lld ' +
      '(Debian/Ubuntu: apt-get install clang lld; macOS: brew install llvm), or set CLANG=/path/to/clang.');
  }
  const r = spawnSync(clang, [...FLAGS, '-o', output, ...cSources], { encoding: 'utf8' });
  if (r.status !== 0) {
    const text = `${r.stderr}${r.stdout}`;
    const hint = /wasm-ld/.test(text) && /(not found|doesn't exist|No such file)/i.test(text)
      ? ' The WebAssembly linker wasm-ld is missing: install lld (Debian/Ubuntu: apt-get install lld).' : '';
    fail(`building the WebAssembly kernels with ${clang} failed.${hint}\n${text.trim()}`);
  }
  if (r.stderr.trim()) process.stderr.write(r.stderr);
  console.log(`descent: built ${output.slice(root.length + 1)} (${statSync(output).size} bytes) with ${clang}`);
}

if (copyTo && existsSync(output)) {
  mkdirSync(copyTo, { recursive: true });
  copyFileSync(output, join(copyTo, 'kernels.wasm'));
}
