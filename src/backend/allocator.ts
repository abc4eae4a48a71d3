/**
 * Tuning of the C allocator behind V8's typed arrays (Linux with glibc, Node only).
 *
 * glibc serves every allocation above its mmap threshold (128 KiB to start) with fresh pages
 * from the kernel, which are zeroed on first touch, and returns them on free. A training step
 * allocates tens of megabytes of such arrays, and the garbage collector frees them a few steps
 * later, so every step pays the page faults again: on the benchmark's CNN step that was about
 * a tenth of the step's time and most of its variance. Raising the threshold keeps freed arrays
 * in the heap for reuse, as PyTorch's allocations get through its own allocator or jemalloc.
 * The cost is a process that returns memory to the system less eagerly.
 *
 * This changes the whole process, so the library never does it on its own: the `descent`
 * command and the benchmark call it, and an application may.
 */
import { createRequire } from 'node:module';

/** mallopt parameters (glibc's malloc.h). */
const M_TRIM_THRESHOLD = -1;
const M_MMAP_THRESHOLD = -3;

export interface AllocatorTuning {
  applied: boolean;
  /** What was set, or why nothing was. */
  detail: string;
}

/**
 * Sets glibc's mmap threshold to `mmapThresholdBytes` (default 64 MiB) and its trim threshold
 * to four times that, through koffi. Does nothing (and says why) off Linux, without glibc, or
 * when DESCENT_TUNE_MALLOC=0.
 */
export function tuneNativeAllocator(mmapThresholdBytes = 64 * 1024 * 1024): AllocatorTuning {
  if (process.env.DESCENT_TUNE_MALLOC === '0') return { applied: false, detail: 'DESCENT_TUNE_MALLOC=0' };
  if (process.platform !== 'linux') return { applied: false, detail: `not Linux (${process.platform})` };
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  if (!report?.header?.glibcVersionRuntime) return { applied: false, detail: 'not glibc' };
  try {
    const koffi = createRequire(import.meta.url)('koffi') as { load(path: string): { func(signature: string): (...args: number[]) => number } };
    const mallopt = koffi.load('libc.so.6').func('int mallopt(int param, int value)');
    const ok = mallopt(M_MMAP_THRESHOLD, mmapThresholdBytes) === 1 && mallopt(M_TRIM_THRESHOLD, 4 * mmapThresholdBytes) === 1;
    return ok
      ? { applied: true, detail: `glibc ${report.header.glibcVersionRuntime}: mmap threshold ${mmapThresholdBytes >> 20} MiB, trim threshold ${mmapThresholdBytes >> 18} MiB` }
      : { applied: false, detail: 'mallopt refused the values' };
  } catch (e) {
    return { applied: false, detail: `mallopt unavailable: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}` };
  }
}
