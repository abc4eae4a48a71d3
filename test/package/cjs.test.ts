/**
 * CommonJS: `require('descent')` resolves to src/cjs/index.cjs, which hands over the ES build
 * where Node can require() ES modules and otherwise throws one line saying how to import it.
 * test/package/pack.test.ts requires the installed package too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const requireEsm = createRequire(import.meta.url)('../../src/cjs/esm-only.cjs') as (load: () => unknown, specifier: string) => unknown;

test('where Node can require the ES build, require() returns it', () => {
  const module = { tensor: () => 1 };
  assert.equal(requireEsm(() => module, 'descent'), module);
});

test('where it cannot, the error is one line saying descent is ESM-only and how to import it', () => {
  for (const code of ['ERR_REQUIRE_ESM', 'ERR_REQUIRE_ASYNC_MODULE']) {
    const load = (): never => {
      throw Object.assign(new Error('require() of ES Module not supported'), { code });
    };
    assert.throws(() => requireEsm(load, 'descent'), (e: Error & { code?: string }) => {
      assert.equal(e.message.split('\n').length, 1);
      assert.match(e.message, /^descent is ESM-only .*import \{ \.\.\. \} from 'descent'.*await import\('descent'\)/);
      assert.equal(e.code, 'ERR_REQUIRE_ESM');
      return true;
    });
  }
});

test('other failures pass through unchanged', () => {
  const failure = new Error('boom');
  assert.throws(() => requireEsm(() => {
    throw failure;
  }, 'descent'), (e) => e === failure);
});
