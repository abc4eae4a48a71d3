'use strict';
/**
 * descent is an ES module; these .cjs files are what `require('descent')` resolves to. Where
 * Node can require() ES modules (20.19+ and 22.12+; descent has no top-level await) they hand
 * over the ES build; on other Nodes they throw one line saying how to import descent instead.
 *
 * @param {() => unknown} load requires the ES build
 * @param {string} specifier the name the user required ('descent', 'descent/lab')
 */
module.exports = function requireEsm(load, specifier) {
  try {
    return load();
  } catch (error) {
    const code = error && error.code;
    if (code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE') {
      throw Object.assign(new Error(`${specifier} is ESM-only and this Node cannot require() it: use \`import { ... } from '${specifier}'\`, or \`const m = await import('${specifier}')\` in CommonJS`, { cause: error }), { code: 'ERR_REQUIRE_ESM' });
    }
    throw error;
  }
};
