/**
 * The package root is browser-clean: esbuild bundles it for the browser with no stubs and no
 * externals, the bundle imports no Node module, and the wasm kernels are referenced the way
 * bundlers find assets (`new URL('./kernels.wasm', import.meta.url)`). This bundles the
 * sources (esbuild reads TypeScript); test/package/pack.test.ts bundles the built dist/index.js
 * of the packed package too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { nodeImports } from './bundle.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('esbuild bundles the package root for the browser, with no Node import left', async () => {
  const result = await build({
    entryPoints: [`${root}src/index.ts`],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  assert.deepEqual(result.errors, []);
  const code = result.outputFiles[0].text;
  assert.deepEqual(nodeImports(code), []);
  assert.doesNotMatch(code, /__require\b/, 'esbuild stubbed a require() call');
  assert.match(code, /new URL\(\s*["']\.\/kernels\.wasm["'],\s*import\.meta\.url\s*\)/);
  assert.match(code, /new URL\(\s*["']\.\/kernels-mt\.wasm["'],\s*import\.meta\.url\s*\)/, 'the threaded kernels are not referenced as an asset');
  // Names that must stay in the portable root.
  for (const name of ['decodeSafetensors', 'encodeSafetensors', 'decodeMnistFormat', 'readIdx', 'initBackendAsync', 'imageGridSvg']) {
    assert.match(code, new RegExp(`\\b${name}\\b`), `${name} is missing from the browser bundle`);
  }
});

test('the Node-only loaders are not in the portable root; the Node entry has every name of the root plus them', async () => {
  const portable = await import('../../src/index.js');
  const node = await import('../../src/node.js');
  const nodeOnly = ['loadFashionMNISTSubset', 'loadFashionMNIST', 'loadMnistFormat', 'saveCheckpoint', 'loadCheckpoint', 'saveSafetensors', 'readSafetensors', 'loadSafetensors', 'writeFileAtomic'];
  for (const name of nodeOnly) {
    assert.equal(name in portable, false, `${name} is in the portable root`);
    assert.equal(typeof (node as Record<string, unknown>)[name], 'function', `${name} is missing from the Node entry`);
  }
  for (const name of Object.keys(portable)) assert.ok(name in node, `${name} is missing from the Node entry`);
  for (const name of ['loadOrTrainClassifier', 'imageGridPng', 'saveImageGrid']) {
    assert.equal(name in portable.gan, false, `gan.${name} is in the portable root`);
    assert.equal(typeof (node.gan as Record<string, unknown>)[name], 'function');
  }
  assert.equal(Object.keys(portable.gan).filter((k) => !(k in node.gan)).length, 0);
});
