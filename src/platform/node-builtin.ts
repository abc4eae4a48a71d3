/**
 * Node's built-in modules, reached at run time through `process.getBuiltinModule` (Node >=
 * 20.16, the package's engines floor) instead of a static `import 'node:…'`. The portable
 * package root uses this for what it does better on Node (BLAS through koffi, synchronous wasm
 * loading, gzip), so the same modules still load and bundle in browsers, where it returns
 * undefined.
 */

const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }).process;

/** Whether this is Node (not a browser, a worker of one, or another engine). */
export const isNode = typeof proc?.versions?.node === 'string';

/** The Node built-in module `id` (e.g. 'node:zlib'), or undefined outside Node or on Nodes older than 20.16. */
export function nodeBuiltin<T>(id: `node:${string}`): T | undefined {
  return isNode && typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule(id) as T) : undefined;
}
