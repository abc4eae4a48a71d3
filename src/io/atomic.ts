/**
 * The one write path for every file descent writes (results stores, reports, plots,
 * checkpoints, traces).
 *
 * - {@link writeFileAtomic} replaces a file: the bytes go to a temporary file in the
 *   destination's directory (same file system, so the rename is atomic), which is written to
 *   the end (a short write is continued, never ignored), flushed to disk (fsync) and renamed
 *   over the destination. A failure at any point removes the temporary file and leaves the
 *   previous file untouched; readers never see a half-written file.
 * - {@link appendFileDurable} appends to a log (the JSONL trials store) the same way: written to
 *   the end and fsync'ed; on failure the file is cut back to its previous length, so a full
 *   disk never leaves a torn line (a kill mid-write still can, which the store's reader skips).
 *
 * Failures become a {@link FileWriteError} whose message is one line: which file, what went
 * wrong in words (the disk is full, an I/O error, not writable) and that the previous file is
 * intact. The system calls go through {@link fileSystemCalls}, which tests replace
 * ({@link useFileSystemCalls}) to inject short writes and ENOSPC.
 */
import fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { removeOrphanedTempFiles, tempFileName } from './temp-files.js';

/** The system calls the write path uses; {@link useFileSystemCalls} swaps them in tests. */
export interface FileSystemCalls {
  openSync(path: string, flags: string, mode?: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  ftruncateSync(fd: number, length: number): void;
  fstatSync(fd: number): { size: number };
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  mkdirSync(path: string, options: { recursive: true }): unknown;
}

const nodeCalls: FileSystemCalls = {
  openSync: (p, f, m) => fs.openSync(p, f, m),
  writeSync: (fd, b, o, l) => fs.writeSync(fd, b, o, l),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  ftruncateSync: (fd, l) => fs.ftruncateSync(fd, l),
  fstatSync: (fd) => fs.fstatSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (a, b) => fs.renameSync(a, b),
  unlinkSync: (p) => fs.unlinkSync(p),
  mkdirSync: (p, o) => fs.mkdirSync(p, o),
};

let calls: FileSystemCalls = nodeCalls;

/** The system calls in use (Node's fs unless a test replaced some). */
export function fileSystemCalls(): FileSystemCalls {
  return calls;
}

/**
 * Replaces some of the system calls (for fault-injection tests); returns a function that
 * restores the previous ones.
 */
export function useFileSystemCalls(replacements: Partial<FileSystemCalls>): () => void {
  const previous = calls;
  calls = { ...previous, ...replacements };
  return () => {
    calls = previous;
  };
}

/** What {@link writeFileAtomic} and {@link appendFileDurable} accept. */
export type FileData = string | Uint8Array | Iterable<Uint8Array>;

/** A write that failed; `message` is one line naming the file and saying the old one is intact. */
export class FileWriteError extends Error {
  /** The file that was being written. */
  readonly path: string;
  /** The system error code (ENOSPC, EIO, EACCES, ...), when there was one. */
  readonly code: string | undefined;
  constructor(message: string, path: string, code: string | undefined, cause: unknown) {
    super(message, { cause });
    this.name = 'FileWriteError';
    this.path = path;
    this.code = code;
  }
}

/** The system error code of `err` (ENOSPC, ...), if it has one. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A system error in words; the code is kept in parentheses. */
export function describeFileError(err: unknown): string {
  const code = errorCode(err);
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full (ENOSPC)';
    case 'EDQUOT':
      return 'the disk quota is exhausted (EDQUOT)';
    case 'EIO':
      return 'an input/output error from the disk (EIO)';
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    default:
      return (err instanceof Error ? err.message : String(err)).split('\n')[0];
  }
}

function toChunks(data: FileData): Iterable<Uint8Array> {
  if (typeof data === 'string') return [Buffer.from(data, 'utf8')];
  if (data instanceof Uint8Array) return [data];
  return data;
}

/** Writes every byte of `chunk` at the file position: a short write is continued, not dropped. */
export function writeAll(fd: number, chunk: Uint8Array): void {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const n = calls.writeSync(fd, chunk, offset, chunk.byteLength - offset);
    // A write that makes no progress would loop forever; the kernel reports a full disk this way.
    if (!(n > 0)) throw Object.assign(new Error(`write made no progress (${n} bytes written)`), { code: 'ENOSPC' });
    offset += n;
  }
}

function closeQuietly(fd: number | null): void {
  if (fd === null) return;
  try {
    calls.closeSync(fd);
  } catch {
    // already failing; the original error is the one to report
  }
}

/**
 * Creates `dir` (and parents). A failure says the directory is not writable and why, found
 * from its nearest existing ancestor: Node's recursive mkdir reports a read-only file system
 * as ENOENT, which would send the user looking for a missing directory.
 */
export function ensureDirectory(dir: string, op?: string): void {
  try {
    calls.mkdirSync(dir, { recursive: true });
  } catch (err) {
    let reason = describeFileError(err);
    let code = errorCode(err);
    let ancestor = resolve(dir);
    while (!fs.existsSync(ancestor) && dirname(ancestor) !== ancestor) ancestor = dirname(ancestor);
    try {
      if (!fs.statSync(ancestor).isDirectory()) reason = `'${ancestor}' is a file, not a directory`;
      else fs.accessSync(ancestor, fs.constants.W_OK);
    } catch (accessErr) {
      code = errorCode(accessErr) ?? code;
      reason = `${ancestor === resolve(dir) ? 'it' : `'${ancestor}'`} cannot be written to: ${describeFileError(accessErr)}`;
    }
    throw new FileWriteError(`${op ? `${op}: ` : ''}output directory '${dir}' is not writable (${reason})`, dir, code, err);
  }
}

/**
 * Writes `data` to `path` atomically (see the module comment). The directory must exist
 * ({@link ensureDirectory} makes it). `op` prefixes the error message (e.g. 'saveSafetensors').
 */
export function writeFileAtomic(path: string, data: FileData, op = 'writeFileAtomic'): void {
  if (typeof path !== 'string' || path === '') throw new TypeError(`${op}: path must be a non-empty string`);
  const target = resolve(path);
  const dir = dirname(target);
  removeOrphanedTempFiles(dir);
  const tmp = join(dir, tempFileName(basename(target), randomBytes(6).toString('hex')));
  let fd: number | null = null;
  try {
    fd = calls.openSync(tmp, 'wx', 0o644);
    for (const chunk of toChunks(data)) writeAll(fd, chunk);
    calls.fsyncSync(fd);
    calls.closeSync(fd);
    fd = null;
    calls.renameSync(tmp, target);
  } catch (err) {
    closeQuietly(fd);
    try {
      calls.unlinkSync(tmp);
    } catch {
      // the temporary file may not exist (open failed)
    }
    throw new FileWriteError(`${op}: could not write '${path}': ${describeFileError(err)}; the previous file at that path is unchanged`, path, errorCode(err), err);
  }
  syncDirectory(dir);
}

/**
 * Appends `data` to `path` (created if missing; its directory must exist), written to the end and fsync'ed. On failure
 * the file is cut back to its length before the append, so it holds exactly what it held.
 */
export function appendFileDurable(path: string, data: FileData, op = 'appendFileDurable'): void {
  if (typeof path !== 'string' || path === '') throw new TypeError(`${op}: path must be a non-empty string`);
  let fd: number | null = null;
  let before = -1;
  try {
    fd = calls.openSync(path, 'a', 0o644);
    before = calls.fstatSync(fd).size;
    for (const chunk of toChunks(data)) writeAll(fd, chunk);
    calls.fsyncSync(fd);
    calls.closeSync(fd);
    fd = null;
  } catch (err) {
    let restored = before < 0;
    if (fd !== null && before >= 0) {
      try {
        calls.ftruncateSync(fd, before);
        calls.fsyncSync(fd);
        restored = true;
      } catch {
        // reported below: the file may end in a partial record, which readers skip
      }
    }
    closeQuietly(fd);
    const state = restored ? 'the file is intact (nothing was appended)' : 'the file may end in a partial record, which is skipped on reading';
    throw new FileWriteError(`${op}: could not append to '${path}': ${describeFileError(err)}; ${state}`, path, errorCode(err), err);
  }
}

/** Makes a rename durable; not supported everywhere (e.g. directories on Windows). */
function syncDirectory(dir: string): void {
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
