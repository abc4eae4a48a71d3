/**
 * The committed WebAssembly kernels: src/backend/wasm/kernels.wasm and its threaded build
 * kernels-mt.wasm must be what kernels.c and scripts/build-wasm.mjs build (kernels.wasm.json
 * records the hashes), so a clone without clang runs on the wasm backend with the current kernels.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WA } from '../helpers/wasm-api.js';


const root = fileURLToPath(new URL('../..', import.meta.url));
const wasmDir = join(root, 'src/backend/wasm');
const script = join(root, 'scripts/build-wasm.mjs');

function buildWasm(args: string[], options: { script?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [options.script ?? script, ...args], { encoding: 'utf8', env: { ...process.env, ...options.env } });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** The first line of `clang --version` when clang (with lld, checked by building) is here. */
function clangVersion(): string | null {
  const r = spawnSync(process.env.CLANG ?? 'clang', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0].trim() : null;
}

/** A copy of the build script and the kernels' folder, to change sources without touching the repository. */
function scratchCopy(): { dir: string; script: string; wasm: string; source: string } {
  const dir = mkdtempSync(join(tmpdir(), 'descent-wasm-'));
  mkdirSync(join(dir, 'scripts'));
  mkdirSync(join(dir, 'src/backend/wasm'), { recursive: true });
  copyFileSync(script, join(dir, 'scripts/build-wasm.mjs'));
  copyFileSync(join(root, 'scripts/find-compiler.mjs'), join(dir, 'scripts/find-compiler.mjs'));
  // every source the script compiles (each .c and .h there), and the committed build
  const sources = readdirSync(wasmDir).filter((f) => f.endsWith('.c') || f.endsWith('.h'));
  for (const f of [...sources, 'kernels.wasm', 'kernels-mt.wasm', 'kernels.wasm.json']) copyFileSync(join(wasmDir, f), join(dir, 'src/backend/wasm', f));
  return { dir, script: join(dir, 'scripts/build-wasm.mjs'), wasm: join(dir, 'src/backend/wasm/kernels.wasm'), source: join(dir, 'src/backend/wasm/kernels.c') };
}

describe('committed wasm kernels', () => {
  test('kernels.wasm.json records the current sources and the committed binary', () => {
    const r = buildWasm(['--check']);
    assert.equal(r.status, 0, r.output);
    const stamp = JSON.parse(readFileSync(join(wasmDir, 'kernels.wasm.json'), 'utf8')) as { bytes: number; bytesMt: number };
    assert.equal(readFileSync(join(wasmDir, 'kernels.wasm')).length, stamp.bytes);
    assert.equal(readFileSync(join(wasmDir, 'kernels-mt.wasm')).length, stamp.bytesMt);
  });

  test('the threaded build imports a shared memory and exports its stack pointer; the one-thread build does neither', () => {
    const mt = new WA.Module(readFileSync(join(wasmDir, 'kernels-mt.wasm')));
    assert.deepEqual(WA.Module.imports(mt), [{ module: 'env', name: 'memory', kind: 'memory' }]);
    const mtExports = WA.Module.exports(mt).map((e) => e.name);
    for (const name of ['__stack_pointer', 'sgemm_part', 'conv2d_part', 'conv2d_input_grad_part', 'conv2d_weight_grad_part']) assert.ok(mtExports.includes(name), name);
    const st = new WA.Module(readFileSync(join(wasmDir, 'kernels.wasm')));
    assert.deepEqual(WA.Module.imports(st), []);
    assert.ok(!WA.Module.exports(st).some((e) => e.name === '__stack_pointer'));
    // The memory a non-shared instance would get is refused: the two builds are not interchangeable.
    assert.throws(() => new WA.Instance(mt, { env: { memory: new WA.Memory({ initial: 128, maximum: 65536 }) } }));
  });

  test('a stale threaded binary is reported by --check', () => {
    const copy = scratchCopy();
    try {
      appendFileSync(join(copy.dir, 'src/backend/wasm/kernels-mt.wasm'), Buffer.from([0]));
      const r = buildWasm(['--check'], { script: copy.script });
      assert.equal(r.status, 1);
      assert.match(r.output, /kernels-mt\.wasm is not the binary/);
    } finally {
      rmSync(copy.dir, { recursive: true, force: true });
    }
  });

  test('a rebuild from kernels.c gives the committed bytes', (t) => {
    const version = clangVersion();
    if (!version) return t.skip('clang is not installed: the committed binary is checked against its recorded hashes only');
    const stamp = JSON.parse(readFileSync(join(wasmDir, 'kernels.wasm.json'), 'utf8')) as { compiler: string };
    if (stamp.compiler !== version) return t.skip(`kernels.wasm was built with ${stamp.compiler}, this machine has ${version}: other compilers give other (equally valid) bytes`);
    const dir = mkdtempSync(join(tmpdir(), 'descent-wasm-'));
    try {
      const out = join(dir, 'kernels.wasm');
      const r = buildWasm(['--out', out]);
      if (r.status !== 0 && /wasm-ld/.test(r.output)) return t.skip(`lld is not installed: ${r.output.split('\n')[0]}`);
      assert.equal(r.status, 0, r.output);
      for (const [built, name] of [[out, 'kernels.wasm'], [join(dir, 'kernels-mt.wasm'), 'kernels-mt.wasm']]) {
        const rebuilt = readFileSync(built);
        const committed = readFileSync(join(wasmDir, name));
        assert.equal(rebuilt.length, committed.length, `the rebuilt ${name} differs in size from the committed one: run \`npm run build:wasm\` and commit it`);
        assert.ok(rebuilt.equals(committed), `the rebuilt ${name} differs from the committed one: run \`npm run build:wasm\` and commit it`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--check fails, naming the fix, when kernels.c changed after the build', () => {
    const copy = scratchCopy();
    try {
      appendFileSync(copy.source, '\n// changed\n');
      const r = buildWasm(['--check'], { script: copy.script });
      assert.equal(r.status, 1);
      assert.match(r.output, /other sources.*npm run build:wasm/s);
    } finally {
      rmSync(copy.dir, { recursive: true, force: true });
    }
  });

  test('--if-stale without clang keeps the committed binary: silent when fresh, a warning when stale', () => {
    const copy = scratchCopy();
    try {
      const before = readFileSync(copy.wasm);
      const noClang = { CLANG: join(copy.dir, 'no-such-clang') };
      const fresh = buildWasm(['--if-stale'], { script: copy.script, env: noClang });
      assert.equal(fresh.status, 0);
      assert.equal(fresh.output, '');
      appendFileSync(copy.source, '\n// changed\n');
      const stale = buildWasm(['--if-stale'], { script: copy.script, env: noClang });
      assert.equal(stale.status, 0);
      assert.match(stale.output, /clang was not found.*keeping the committed kernels\.wasm/s);
      assert.ok(readFileSync(copy.wasm).equals(before));
    } finally {
      rmSync(copy.dir, { recursive: true, force: true });
    }
  });
});
