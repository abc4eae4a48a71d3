/**
 * The results store: one directory per run, holding
 *
 * - `run.json`: what the run is (name, exact command, spec, machine, versions), written to a
 *   temporary file and renamed, so it is always whole;
 * - `trials.jsonl`: one JSON line per finished trial (configuration, per-step and per-epoch
 *   metrics, final figures), appended and fsync'ed before the next trial is reported done.
 *
 * Why JSON Lines and not an embedded database: a crash can at worst leave one half-written
 * last line, which the reader skips and the next append starts after; every finished trial is
 * already on disk. The format needs no native module (Node 20 has no built-in SQLite, and
 * better-sqlite3 needs a compiler or a prebuilt download), is readable with any tool, and one
 * file per run directory means separate runs never contend. Only the main thread writes
 * (workers send their results to it), so lines never interleave.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { appendFileDurable, ensureDirectory, writeFileAtomic } from '../io/atomic.js';
import { removeOrphanedTempFiles } from '../io/temp-files.js';
import type { TrialRecord } from './trial.js';
import { LabError, type JsonObject } from './util.js';

export const TRIALS_FILE = 'trials.jsonl';
export const RUN_FILE = 'run.json';

export interface RunInfo {
  name: string;
  kind: 'main' | 'compare' | 'reproduce' | 'trace' | 'tune';
  /** The exact command line that produced the run. */
  command: string;
  createdAt: string;
  updatedAt?: string;
  machine: JsonObject;
  spec?: unknown;
  /** Number of trials the run declares. */
  trials?: number;
}

/** Every file the store writes goes through descent's one atomic write path (src/io/atomic.ts). */
export { writeFileAtomic } from '../io/atomic.js';

export class RunStore {
  readonly dir: string;
  private records = new Map<string, TrialRecord>();
  private loaded = false;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  get trialsPath(): string {
    return join(this.dir, TRIALS_FILE);
  }

  /** Creates the directory (if needed) and writes or refreshes run.json. */
  open(info: RunInfo): void {
    ensureDirectory(this.dir);
    const path = join(this.dir, RUN_FILE);
    let createdAt = info.createdAt;
    if (existsSync(path)) {
      try {
        createdAt = (JSON.parse(readFileSync(path, 'utf8')) as RunInfo).createdAt ?? createdAt;
      } catch {
        /* a damaged run.json is rewritten */
      }
    }
    writeFileAtomic(path, JSON.stringify({ ...info, createdAt, updatedAt: new Date().toISOString() }, null, 2) + '\n', 'results store');
    this.load();
  }

  info(): RunInfo | null {
    const path = join(this.dir, RUN_FILE);
    if (!existsSync(path)) return null;
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as RunInfo;
    } catch {
      return null;
    }
  }

  /** Reads trials.jsonl; a damaged line (a crash mid-write) is skipped. Later records win. */
  load(): Map<string, TrialRecord> {
    this.records.clear();
    removeOrphanedTempFiles(this.dir);
    if (existsSync(this.trialsPath)) {
      const text = readFileSync(this.trialsPath, 'utf8');
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          const r = JSON.parse(line) as TrialRecord;
          if (r && r.type === 'trial' && typeof r.id === 'string') this.records.set(r.id, r);
        } catch {
          /* half-written line from an interrupted run */
        }
      }
    }
    this.loaded = true;
    return this.records;
  }

  trials(): TrialRecord[] {
    if (!this.loaded) this.load();
    return [...this.records.values()];
  }

  /** Finished (status done) trial ids. */
  doneIds(): Set<string> {
    return new Set(this.trials().filter((r) => r.status === 'done').map((r) => r.id));
  }

  /**
   * Appends one record and fsyncs it (short-write-safe; on a full disk the file is left as it
   * was and a FileWriteError says so).
   */
  append(record: TrialRecord): void {
    ensureDirectory(this.dir);
    let prefix = '';
    if (existsSync(this.trialsPath)) {
      const size = statSync(this.trialsPath).size;
      if (size > 0) {
        // After a crash mid-line the file may not end in a newline: start on a fresh line.
        const fd = openSync(this.trialsPath, 'r');
        const b = Buffer.alloc(1);
        try {
          readSyncAt(fd, b, size - 1);
        } finally {
          closeSync(fd);
        }
        if (b[0] !== 0x0a) prefix = '\n';
      }
    }
    appendFileDurable(this.trialsPath, prefix + JSON.stringify(record) + '\n', 'results store');
    this.records.set(record.id, record);
  }
}

function readSyncAt(fd: number, buf: Buffer, position: number): void {
  readSync(fd, buf, 0, 1, position);
}

/** Whether `dir` is a run directory (has run.json or trials.jsonl). */
export function isRunDir(dir: string): boolean {
  return existsSync(join(dir, RUN_FILE)) || existsSync(join(dir, TRIALS_FILE));
}

/** Run directories at `root` or one level below it (a run directory itself counts). */
export function findRuns(root: string): string[] {
  const abs = resolve(root);
  if (!existsSync(abs)) return [];
  if (isRunDir(abs)) return [abs];
  const found: string[] = [];
  for (const name of readdirSync(abs).sort()) {
    const p = join(abs, name);
    try {
      if (statSync(p).isDirectory() && isRunDir(p)) found.push(p);
    } catch {
      /* vanished */
    }
  }
  return found;
}

/** Opens an existing run directory for reading; a LabError when it is not one. */
export function openRun(dir: string): RunStore {
  if (!isRunDir(dir)) throw new LabError(`'${dir}' is not a run directory (no ${RUN_FILE} or ${TRIALS_FILE} in it)`);
  const s = new RunStore(dir);
  s.load();
  return s;
}
