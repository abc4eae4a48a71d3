// The C compiler the build scripts use: the first of `names` (or $envVar when set) that answers
// --version, as { command, version: its first line }, or null.
import { spawnSync } from 'node:child_process';

/** clang, then clang-19 ... clang-14. */
export const CLANG_NAMES = ['clang', ...[19, 18, 17, 16, 15, 14].map((v) => `clang-${v}`)];

export function findCompiler(names, envVar) {
  const candidates = process.env[envVar] ? [process.env[envVar]] : names;
  for (const c of candidates) {
    const r = spawnSync(c, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return { command: c, version: r.stdout.split('\n')[0].trim() };
  }
  return null;
}
