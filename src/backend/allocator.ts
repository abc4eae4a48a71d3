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
 * The heap's first pages are fresh too: until the first collections free some arrays, every
 * new one faults its pages in (a 1 MiB array: 0.45-0.6 ms here, against 0.07 ms in touched
 * memory), which made the first 20 calls of a 512 x 512 product 1.4x the later ones while the
 * GEMM itself is at 1.0x from its second call. So the heap is also touched once up front: a
 * block just under the threshold is allocated, advised to use transparent huge pages (where
 * the kernel allows them, 2 MiB per fault instead of 4 KiB), written, and freed back into the
 * heap, which the trim threshold keeps.
 *
 * This changes the whole process, so the library never does it on its own: the `descent`
 * command and the benchmark call it, and an application may.
 */
import { createRequire } from 'node:module';

/** mallopt parameters (glibc's malloc.h). */
const M_TRIM_THRESHOLD = -1;
const M_MMAP_THRESHOLD = -3;
/** madvise's advice for transparent huge pages (linux/mman.h). */
const MADV_HUGEPAGE = 14;
const HUGE_PAGE = 2 * 1024 * 1024;

/** The part of koffi this module uses: libc's functions take numbers and opaque pointers. */
type LibcFunction = (...args: unknown[]) => unknown;

export interface AllocatorTuning {
  applied: boolean;
  /** What was set, or why nothing was. */
  detail: string;
}

/**
 * Sets glibc's mmap threshold to `mmapThresholdBytes` (default 64 MiB) and its trim threshold
 * to four times that, through koffi, then touches a heap block just under the threshold once
 * (see the module's doc; 36-45 ms here with small pages, 7-130 ms with huge pages, whose
 * faults may wait on the kernel compacting memory). Does nothing (and says
 * why) off Linux, without glibc, or when DESCENT_TUNE_MALLOC=0.
 */
export function tuneNativeAllocator(mmapThresholdBytes = 64 * 1024 * 1024): AllocatorTuning {
  if (process.env.DESCENT_TUNE_MALLOC === '0') return { applied: false, detail: 'DESCENT_TUNE_MALLOC=0' };
  if (process.platform !== 'linux') return { applied: false, detail: `not Linux (${process.platform})` };
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  if (!report?.header?.glibcVersionRuntime) return { applied: false, detail: 'not glibc' };
  try {
    const koffi = createRequire(import.meta.url)('koffi') as { load(path: string): { func(signature: string): LibcFunction } };
    const libc = koffi.load('libc.so.6');
    const mallopt = libc.func('int mallopt(int param, int value)');
    const ok = mallopt(M_MMAP_THRESHOLD, mmapThresholdBytes) === 1 && mallopt(M_TRIM_THRESHOLD, 4 * mmapThresholdBytes) === 1;
    if (!ok) return { applied: false, detail: 'mallopt refused the values' };
    const touched = touchHeap(libc, mmapThresholdBytes);
    return { applied: true, detail: `glibc ${report.header.glibcVersionRuntime}: mmap threshold ${mmapThresholdBytes >> 20} MiB, trim threshold ${mmapThresholdBytes >> 18} MiB, ${touched >> 20} MiB of heap touched` };
  } catch (e) {
    return { applied: false, detail: `mallopt unavailable: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}` };
  }
}

/**
 * Allocates, writes and frees a heap block of whole huge pages that stays below the mmap
 * threshold `below` (aligned_alloc adds up to one alignment), so that glibc keeps its pages for
 * the arrays that follow. Returns its size (0 when there is no room under the threshold).
 */
function touchHeap(libc: { func(signature: string): LibcFunction }, below: number): number {
  const bytes = Math.floor((below - 2 * HUGE_PAGE) / HUGE_PAGE) * HUGE_PAGE;
  if (bytes <= 0) return 0;
  const alignedAlloc = libc.func('void *aligned_alloc(size_t alignment, size_t size)');
  const madvise = libc.func('int madvise(void *addr, size_t length, int advice)');
  const memset = libc.func('void *memset(void *s, int c, size_t n)');
  const free = libc.func('void free(void *ptr)');
  const block = alignedAlloc(HUGE_PAGE, bytes);
  if (!block) return 0;
  madvise(block, bytes, MADV_HUGEPAGE); // a hint: refused where huge pages are off, which changes nothing else
  memset(block, 0, bytes);
  free(block);
  return bytes;
}
