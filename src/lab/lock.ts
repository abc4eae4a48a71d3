/**
 * The writer's lock on a run directory: one `descent` process at a time trains into it.
 *
 * The lock is the file `<run>/.descent-lock`, created with O_EXCL (so of two processes racing
 * for it exactly one succeeds), holding the holder's pid, host, start time and command. A
 * second writer is refused with a message naming the holder. A lock whose holder is gone
 * (same host, pid not running: a kill -9 or a power cut) is taken over with a notice. A lock
 * held from another host cannot be checked from here; `--break-lock` (or deleting the file)
 * breaks it, which is safe once that process is known to be gone.
 */
import fs from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { describeFileError, errorCode, writeAll } from '../io/atomic.js';
import { processAlive } from '../io/temp-files.js';
import { LabError } from './util.js';

/** The lock file's name inside a run directory. */
export const LOCK_FILE = '.descent-lock';

/** Who holds a run directory's lock. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the holder took the lock. */
  startedAt: string;
  command: string;
}

/** A held lock; `release()` removes the file if it is still this process's. */
export interface RunLock {
  path: string;
  holder: LockHolder;
  release(): void;
}

function readHolder(path: string): LockHolder | null {
  try {
    const h = JSON.parse(fs.readFileSync(path, 'utf8')) as LockHolder;
    return h && typeof h.pid === 'number' && typeof h.host === 'string' ? h : null;
  } catch {
    return null;
  }
}

function describeHolder(h: LockHolder): string {
  return `pid ${h.pid} on host ${h.host}, since ${h.startedAt}${h.command ? ` (${h.command})` : ''}`;
}

function sameHolder(a: LockHolder | null, b: LockHolder | null): boolean {
  return !!a && !!b && a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;
}

/** Creates the lock file with O_EXCL; false when it already exists. */
function tryCreate(path: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = fs.openSync(path, 'wx', 0o644);
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    throw new LabError(`output directory '${dirname(path)}' is not writable (creating its lock file ${path}: ${describeFileError(err)})`);
  }
  try {
    writeAll(fd, Buffer.from(JSON.stringify(holder) + '\n'));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/**
 * Removes the lock file only if it still names `expected`: moves it aside first (rename is
 * atomic, so of two processes taking over the same stale lock only one moves it), then checks
 * what it moved and puts back a lock that another process took meanwhile.
 */
function removeIfHeldBy(path: string, expected: LockHolder | null): boolean {
  const aside = `${path}.${process.pid}.breaking`;
  try {
    fs.renameSync(path, aside);
  } catch {
    return false;
  }
  const moved = readHolder(aside);
  if (expected && !sameHolder(moved, expected)) {
    try {
      fs.linkSync(aside, path);
    } catch {
      // a third process locked meanwhile; the moved lock's holder will find its lock gone
    }
    fs.rmSync(aside, { force: true });
    return false;
  }
  fs.rmSync(aside, { force: true });
  return true;
}

/**
 * Takes the writer's lock on `dir` (which must exist) for `command`. Refuses (a LabError naming
 * the holder) when another live process holds it; takes over a stale one, calling `notice`.
 */
export function lockRunDir(dir: string, command: string, notice: (line: string) => void = () => {}): RunLock {
  const path = join(dir, LOCK_FILE);
  const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
  for (let attempt = 0; attempt < 20; attempt++) {
    if (tryCreate(path, holder)) return heldLock(path, holder);
    const current = readHolder(path);
    if (current === null) {
      // Being written by its creator this instant, or left empty by a crash: look again, and
      // treat a lock that stays unreadable for a while as stale.
      const age = ageMs(path);
      if (age !== null && age < 2000) {
        sleepMs(50);
        continue;
      }
      if (removeIfHeldBy(path, null)) notice(`descent: removed an unreadable lock file ${path}`);
      continue;
    }
    if (current.host === holder.host && current.pid === process.pid) {
      throw new LabError(`run directory '${dir}' is already locked by this process`);
    }
    if (current.host === holder.host && !processAlive(current.pid)) {
      if (removeIfHeldBy(path, current)) notice(`descent: took over the stale lock of ${describeHolder(current)}, which is no longer running`);
      continue;
    }
    throw new LabError(
      `run directory '${dir}' is in use by another descent process: ${describeHolder(current)}. ` +
        `Wait for it to finish; if it is gone (e.g. on another host), run again with --break-lock or delete ${path}`,
    );
  }
  throw new LabError(`could not lock run directory '${dir}': ${path} keeps changing hands`);
}

/**
 * Removes `dir`'s lock whoever holds it (`--break-lock`); returns the holder it named, or null
 * when there was none.
 */
export function breakRunLock(dir: string): LockHolder | null {
  const path = join(dir, LOCK_FILE);
  if (!fs.existsSync(path)) return null;
  const holder = readHolder(path);
  fs.rmSync(path, { force: true });
  return holder ?? { pid: 0, host: 'unknown', startedAt: 'unknown', command: '' };
}

/** The holder of `dir`'s lock, or null when it is not locked. */
export function lockHolder(dir: string): LockHolder | null {
  return readHolder(join(dir, LOCK_FILE));
}

function heldLock(path: string, holder: LockHolder): RunLock {
  let released = false;
  return {
    path,
    holder,
    release() {
      if (released) return;
      released = true;
      if (sameHolder(readHolder(path), holder)) removeIfHeldBy(path, holder);
    },
  };
}

function ageMs(path: string): number | null {
  try {
    return Date.now() - fs.statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
