/**
 * End to end: `npm pack` this checkout (prepack builds dist/), install the tarball into a fresh
 * project as a tensors-only user would (`--omit=dev`, no optional peers), and check what such a
 * user gets: one training step on the wasm backend (no BLAS FFI, no clang), require() from
 * CommonJS, a browser bundle of dist/index.js, and `descent info` asking for the lab's packages;
 * then add them and check that `descent info` names their versions. Skips, saying why, when
 * npm cannot install (no registry and no cache).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { nodeImports } from './bundle.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const LAB_PEERS = ['commander', 'cli-progress', 'yaml', 'vega', 'vega-lite', '@resvg/resvg-js'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  // npm_config_* of an enclosing `npm test` would leak into the child npm (e.g. its prefix).
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  return spawnSync(command, args, { cwd, encoding: 'utf8', env, timeout: 240_000 });
}

/** `npm install ARGS`: from the cache alone when it can, else from the registry; null when neither works. */
function npmInstall(args: string[], cwd: string): string | null {
  const common = ['install', '--no-audit', '--no-fund', ...args];
  if (run(npm, [...common, '--offline'], cwd).status === 0) return '';
  const r = run(npm, [...common, '--prefer-offline'], cwd);
  return r.status === 0 ? '' : null;
}

describe('the packed package, installed', { timeout: 600_000 }, () => {
  let dir = '';
  let app = '';
  let skip = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'descent-pack-'));
    const packed = run(npm, ['pack', '--pack-destination', dir], root);
    assert.equal(packed.status, 0, `npm pack failed:\n${packed.stderr}`);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack wrote no tarball');
    app = join(dir, 'app');
    run('mkdir', [app], dir);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    if (npmInstall(['--omit=dev', join(dir, tarball)], app) === null) skip = 'npm could not install the tarball (no registry and no cached zod)';
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a tensors-only install holds descent and zod only, and ships dist with the wasm kernels', (t) => {
    if (skip) return t.skip(skip);
    assert.deepEqual(readdirSync(join(app, 'node_modules')).filter((f) => !f.startsWith('.')).sort(), ['descent', 'zod']);
    const wasm = readdirSync(join(app, 'node_modules/descent/dist/backend/wasm'));
    assert.ok(wasm.includes('kernels.wasm'), `dist/backend/wasm holds ${wasm.join(', ')}`);
    assert.ok(wasm.includes('kernels-mt.wasm'), `dist/backend/wasm lacks the threaded kernels: it holds ${wasm.join(', ')}`);
  });

  test('it trains one step on the wasm backend, with the shipped data', (t) => {
    if (skip) return t.skip(skip);
    const script = `
      import { nn, createOptimizer, mseLoss, Generator, randn, backendInfo, loadFashionMNISTSubset } from 'descent';
      const g = new Generator(0);
      const model = new nn.Linear(4, 1);
      const opt = createOptimizer('sgd', model.parameters(), { lr: 0.1 });
      const x = randn([16, 4], { generator: g });
      const y = x.sum(1, true);
      const loss0 = mseLoss(model.forward(x), y);
      opt.zeroGrad(); loss0.backward(); opt.step();
      const loss1 = mseLoss(model.forward(x), y).item();
      console.log(JSON.stringify({ backend: backendInfo().name, loss0: loss0.item(), loss1, images: loadFashionMNISTSubset({ split: 'test', limit: 3 }).x.shape }));`;
    const r = run(process.execPath, ['--input-type=module', '-e', script], app);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim()) as { backend: string; loss0: number; loss1: number; images: number[] };
    assert.equal(out.backend, 'wasm');
    assert.equal(r.stderr, '', 'no notice: koffi is an optional peer, its absence is not news');
    assert.ok(out.loss1 < out.loss0, `one SGD step: ${out.loss0} -> ${out.loss1}`);
    assert.deepEqual(out.images, [3, 1, 28, 28]);
  });

  test('require() from CommonJS works or says descent is ESM-only', (t) => {
    if (skip) return t.skip(skip);
    const r = run(process.execPath, ['-e', "try { console.log(typeof require('descent').tensor) } catch (e) { console.log(e.message) }"], app);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout.trim(), /^(function|descent is ESM-only .*import)/);
  });

  test('dist/index.js and `import ... from "descent"` bundle for the browser with no Node import', async (t) => {
    if (skip) return t.skip(skip);
    writeFileSync(join(app, 'browser.js'), "import { tensor, backendInfo } from 'descent';\nconsole.log(tensor([1, 2]).sum().item(), backendInfo().name);\n");
    for (const entry of [join(app, 'node_modules/descent/dist/index.js'), join(app, 'browser.js')]) {
      const result = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', absWorkingDir: app });
      assert.deepEqual(result.errors, []);
      assert.deepEqual(nodeImports(result.outputFiles[0].text), [], entry);
    }
  });

  test('descent info asks for the lab packages, then names their versions once installed', (t) => {
    if (skip) return t.skip(skip);
    const without = run(npx, ['--no-install', 'descent', 'info'], app);
    assert.equal(without.status, 1);
    assert.match(without.stderr, new RegExp(`npm install ${LAB_PEERS.join(' ')}`));
    if (npmInstall(LAB_PEERS, app) === null) return t.skip('npm could not install the lab packages');
    const info = run(npx, ['--no-install', 'descent', 'info'], app);
    assert.equal(info.status, 0, info.stderr);
    const libraries = /^libraries: (.*)$/m.exec(info.stdout)?.[1] ?? '';
    for (const name of [...LAB_PEERS, 'zod']) assert.match(libraries, new RegExp(`(^|, )${name.replace('/', '\\/')} \\d+\\.\\d+\\.\\d+`), `libraries: ${libraries}`);
  });

  test('the install built the native kernels where a C compiler is, and the blas backend runs them once koffi is added', async (t) => {
    if (skip) return t.skip(skip);
    const { CLANG_NAMES, findCompiler } = (await import(pathToFileURL(join(root, 'scripts/find-compiler.mjs')).href)) as { CLANG_NAMES: string[]; findCompiler(names: string[], env: string): unknown };
    if (!findCompiler([...CLANG_NAMES, 'gcc'], 'CC')) return t.skip('no C compiler here, so the install step skipped the native kernels');
    const native = readdirSync(join(app, 'node_modules/descent/dist/backend/native'));
    assert.ok(native.includes('kernels.so') && native.includes('kernels.so.json'), `dist/backend/native holds ${native.join(', ')}`);
    if (npmInstall(['koffi'], app) === null) return t.skip('npm could not install koffi');
    const r = run(process.execPath, ['--input-type=module', '-e', "import { backendInfo } from 'descent'; console.log(JSON.stringify(backendInfo()))"], app);
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout.trim()) as { name: string; detail: string };
    if (info.name !== 'blas') return t.skip(`no CBLAS library on this machine (${info.detail})`);
    assert.match(info.detail, /native kernels \(/);
  });
});
