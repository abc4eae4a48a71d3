/**
 * Where the playground's built site is, and building it when it is missing or older than its
 * sources. In a source checkout the site is playground/dist, built with Vite; an npm-installed
 * package ships it prebuilt in dist/playground (copied there by `prepack`) and has nothing to build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: two levels above this file (src/cli or dist/cli). */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The newest modification time under `path` (a file or a folder), in ms. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) {
    if (name === 'dist' || name === 'node_modules') continue;
    t = Math.max(t, newest(join(path, name)));
  }
  return t;
}

/** The playground's sources (everything whose change means a rebuild): the playground and the library it bundles. */
function sources(root: string): string[] {
  return [join(root, 'playground'), join(root, 'src')];
}

export interface PlaygroundSite {
  /** The folder to serve. */
  dir: string;
  /** Whether it was built just now. */
  built: boolean;
}

/**
 * The site to serve: the source checkout's playground/dist (built first if missing or stale),
 * else the packaged dist/playground. Throws, saying what to do, when there is neither.
 */
export function ensurePlaygroundSite(root = packageRoot, log: (line: string) => void = () => {}): PlaygroundSite {
  const dist = join(root, 'playground', 'dist');
  if (existsSync(join(root, 'playground', 'vite.config.ts'))) {
    const index = join(dist, 'index.html');
    const stale = !existsSync(index) || statSync(index).mtimeMs < Math.max(...sources(root).map(newest));
    if (!stale) return { dir: dist, built: false };
    log(existsSync(index) ? 'playground: sources changed; rebuilding playground/dist\n' : 'playground: building playground/dist (once)\n');
    const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
    if (!existsSync(vite)) throw new Error(`playground: vite is not installed (${vite} is missing); run npm install in ${root}`);
    const wasm = spawnSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs'), '--if-stale'], { cwd: root, encoding: 'utf8' });
    if (wasm.status !== 0) throw new Error(`playground: building the wasm kernels failed:\n${wasm.stderr || wasm.stdout}`);
    const r = spawnSync(process.execPath, [vite, 'build', '--config', join(root, 'playground', 'vite.config.ts'), '--logLevel', 'warn'], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`playground: vite build failed:\n${r.stderr || r.stdout}`);
    return { dir: dist, built: true };
  }
  const packaged = join(root, 'dist', 'playground');
  if (existsSync(join(packaged, 'index.html'))) return { dir: packaged, built: false };
  throw new Error(`playground: no built site in ${packaged} and no playground sources to build it from; this package was packed without it. From a clone of descent: npm install && npm run playground:build, then npx descent playground`);
}
