/** Helpers of the package tests: what a bundle still imports from Node. */

const NODE_BUILTINS = new Set(['fs', 'path', 'zlib', 'module', 'crypto', 'os', 'url', 'worker_threads', 'child_process']);
const NODE_ONLY_PACKAGES = new Set(['koffi', '@resvg/resvg-js']);

/** The Node built-ins and native packages that bundled code still imports or requires. */
export function nodeImports(code: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
    /^\s*import\s*["']([^"']+)["']/gm,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) found.add(m[1]);
  return [...found].filter((m) => m.startsWith('node:') || NODE_BUILTINS.has(m) || NODE_ONLY_PACKAGES.has(m)).sort();
}
