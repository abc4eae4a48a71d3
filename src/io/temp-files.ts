/**
 * descent's temporary file names, and the clean-up of the ones a killed write left behind.
 *
 * An atomic write (src/io/atomic.ts) writes `.<name>.<pid>.<12 hex>.tmp` next to its target and
 * renames it; a kill between the two leaves the temporary file. The next write or load in that
 * directory removes such orphans, and only when all of these hold, so a user's file or a write
 * in progress is never touched: the name has exactly descent's pattern, the file was last
 * modified before this process started, and the process that wrote it (the pid in the name) is
 * not running.
 */
import fs from 'node:fs';
import { join } from 'node:path';

/** `.<target>.<pid>.<hex>.tmp` (atomic writes) and `run.json.tmp-<pid>` (older results stores). */
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;
const LEGACY_STORE_TEMP = /^run\.json\.tmp-(\d+)$/;

/** The temporary name of an atomic write of `target` (a base name) by this process. */
export function tempFileName(target: string, random: string): string {
  return `.${target}.${process.pid}.${random}.tmp`;
}

/** The pid that wrote `name` when it is one of descent's temporary names; null otherwise. */
export function tempFileOwner(name: string): number | null {
  const m = TEMP_NAME.exec(name) ?? LEGACY_STORE_TEMP.exec(name);
  return m ? Number(m[1]) : null;
}

/** Whether a process with this pid runs on this machine (EPERM: it runs as another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

const processStartMs = Date.now() - process.uptime() * 1000;

/**
 * Removes descent's orphaned temporary files in `dir` (see the module comment); returns the
 * names removed. Never throws: clean-up must not fail the write or load that triggered it.
 */
export function removeOrphanedTempFiles(dir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const owner = tempFileOwner(name);
    if (owner === null) continue;
    if (owner !== process.pid && processAlive(owner)) continue;
    const path = join(dir, name);
    try {
      const st = fs.lstatSync(path);
      if (!st.isFile() || st.mtimeMs >= processStartMs) continue;
      fs.unlinkSync(path);
      removed.push(name);
    } catch {
      // vanished or not ours to remove
    }
  }
  return removed;
}
