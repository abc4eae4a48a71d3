/**
 * Optional peer dependencies (Node only): packages that only some of descent needs (the lab's
 * plotting and command line, PNG rendering, the BLAS FFI), so a tensors-only install does not
 * carry them. Each is loaded when first needed; a missing one is an error that names it and the
 * command that installs it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** Thrown when an optional peer dependency is needed but not installed. */
export class MissingPeerError extends Error {
  readonly packages: readonly string[];
  constructor(packages: readonly string[], purpose: string) {
    super(`${purpose} needs ${packages.join(', ')}, not installed: npm install ${packages.join(' ')}`);
    this.name = 'MissingPeerError';
    this.packages = packages;
  }
}

/**
 * The package.json of `name` as Node would find the package from here: in the node_modules
 * folders from descent's own up to the root (npm may hoist it to any of them). Read directly,
 * since many packages' "exports" do not export their package.json.
 */
function packageJsonOf(name: string): { version?: unknown } | undefined {
  for (const dir of require.resolve.paths(name) ?? []) {
    try {
      return JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')) as { version?: unknown };
    } catch {
      // not in this node_modules folder: look further up
    }
  }
  return undefined;
}

/** Whether `name` is installed where Node resolves it from descent. */
export function isInstalled(name: string): boolean {
  return packageJsonOf(name) !== undefined;
}

/** Throws a {@link MissingPeerError} naming every package of `names` that is not installed. */
export function assertInstalled(names: readonly string[], purpose: string): void {
  const missing = names.filter((n) => !isInstalled(n));
  if (missing.length > 0) throw new MissingPeerError(missing, purpose);
}

/** `require(name)`, or a {@link MissingPeerError} saying what needs it and how to install it. */
export function requirePeer<T>(name: string, purpose: string): T {
  assertInstalled([name], purpose);
  return require(name) as T;
}

/** The installed version of `name` (read from its package.json), or undefined when it is not installed. */
export function installedVersion(name: string): string | undefined {
  const version = packageJsonOf(name)?.version;
  return typeof version === 'string' ? version : undefined;
}
