/**
 * Atomic file replacement: the bytes go to a temporary file in the destination's directory
 * (same file system, so the rename is atomic), which is flushed to disk (fsync) and then
 * renamed over the destination. A failure at any point removes the temporary file and leaves
 * the previous file untouched; readers never see a half-written file.
 */
import fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Writes `chunks` (in order) to `path` atomically. */
export function writeFileAtomic(path: string, chunks: Iterable<Uint8Array>, op = 'writeFileAtomic'): void {
  if (typeof path !== 'string' || path === '') throw new TypeError(`${op}: path must be a non-empty string`);
  const target = resolve(path);
  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
    for (const chunk of chunks) {
      let offset = 0;
      while (offset < chunk.byteLength) offset += fs.writeSync(fd, chunk, offset, chunk.byteLength - offset);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, target);
  } catch (err) {
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // the temporary file may not exist (open failed)
    }
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${op}: could not write '${path}': ${message} (any previous file at that path is unchanged)`, { cause: err });
  }
  // Make the rename itself durable; not supported everywhere (e.g. directories on Windows).
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // best effort
  }
}
