/**
 * The `blas` backend (Node only): GEMM through the system's CBLAS (OpenBLAS, BLIS, MKL,
 * Accelerate, or a reference CBLAS), called with koffi directly on the tensors' typed arrays (no
 * copies; offsets become subarrays). Everything else comes from the kernels it is layered on
 * (wasm where available, else js).
 */
import type { GemmArgs, Kernels } from '../kernels.js';

/** What koffi's `load` returns, as far as this module uses it. */
interface KoffiLib {
  func(signature: string): (...args: unknown[]) => unknown;
}
interface Koffi {
  load(path: string): KoffiLib;
}

type Gemm = (order: number, transA: number, transB: number, m: number, n: number, k: number, alpha: number,
  a: Float32Array | Float64Array, lda: number, b: Float32Array | Float64Array, ldb: number, beta: number,
  c: Float32Array | Float64Array, ldc: number) => void;

const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

export interface BlasLibrary {
  /** The path or name it was opened by. */
  path: string;
  /** e.g. 'OpenBLAS 0.3.21 with 2 threads'. */
  description: string;
  sgemm: Gemm;
  dgemm: Gemm;
  /** The library's thread count (1 when it cannot say). */
  threads: number;
  /** Sets the library's thread count, where it lets descent (OpenBLAS); null otherwise. */
  setThreads: ((n: number) => void) | null;
  /** Reads the library's current thread count (OpenBLAS); null otherwise. */
  getThreads: (() => number) | null;
  /**
   * Whether descent leaves the count alone: DESCENT_BLAS_THREADS fixed it, or descent runs in a
   * worker thread. The count is process-wide, so a worker changing it would re-split another
   * thread's product mid-flight (different rounding from run to run); only the main thread adapts it.
   */
  fixedThreads: boolean;
}

/** Library names and paths tried in order when DESCENT_BLAS does not name one. */
export function blasCandidates(platform: string = process.platform): string[] {
  if (platform === 'darwin') {
    return [
      '/System/Library/Frameworks/Accelerate.framework/Accelerate',
      '/opt/homebrew/opt/openblas/lib/libopenblas.dylib',
      '/usr/local/opt/openblas/lib/libopenblas.dylib',
      'libopenblas.dylib',
      'libblis.dylib',
      'libmkl_rt.dylib',
      'libcblas.dylib',
    ];
  }
  if (platform === 'win32') return ['libopenblas.dll', 'openblas.dll', 'mkl_rt.2.dll', 'mkl_rt.dll', 'libblis.dll', 'cblas.dll'];
  const multiarch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  return [
    'libopenblas.so.0',
    'libopenblas.so',
    `/usr/lib/${multiarch}/openblas-pthread/libopenblas.so.0`,
    `/usr/lib/${multiarch}/openblas-openmp/libopenblas.so.0`,
    `/usr/lib/${multiarch}/openblas-serial/libopenblas.so.0`,
    '/usr/lib64/libopenblas.so.0',
    '/usr/local/lib/libopenblas.so.0',
    '/opt/OpenBLAS/lib/libopenblas.so.0',
    'libblis.so.4',
    'libblis.so',
    `/usr/lib/${multiarch}/blis-pthread/libblis.so.4`,
    'libmkl_rt.so.2',
    'libmkl_rt.so',
    '/opt/intel/oneapi/mkl/latest/lib/intel64/libmkl_rt.so.2',
    'libcblas.so.3',
    'libcblas.so',
    'libblas.so.3',
  ];
}

/**
 * OpenBLAS's idle worker threads spin for 2^28 cycles (about 0.1 s) after each threaded product
 * before they sleep. Where cores are few, that spinning takes a core from whatever runs next:
 * the large convolutions' own threads right after a threaded fully connected layer ran 40%
 * slower (the MNIST example's step: 63-73 ms, and 47-49 ms with 2^16 cycles; the MLP epoch did
 * not change). OpenBLAS reads OPENBLAS_THREAD_TIMEOUT (log2 of the cycles) once, when it loads,
 * so descent sets 16 for that moment only, unless the user set it.
 */
function withShortSpin<T>(load: () => T): T {
  const env = (globalThis as { process?: NodeJS.Process }).process?.env;
  if (!env || env.OPENBLAS_THREAD_TIMEOUT !== undefined) return load();
  env.OPENBLAS_THREAD_TIMEOUT = '16';
  try {
    return load();
  } finally {
    delete env.OPENBLAS_THREAD_TIMEOUT;
  }
}

function optional<T>(lib: KoffiLib, signature: string): T | null {
  try {
    return lib.func(signature) as T;
  } catch {
    return null;
  }
}

/**
 * Opens `path` and binds cblas_sgemm/cblas_dgemm, then checks them on a small product (which
 * catches 64-bit-integer builds and broken installs). Throws an Error saying what failed.
 */
export function openBlas(koffi: Koffi, path: string, mainThread = true): BlasLibrary {
  let lib: KoffiLib;
  try {
    lib = withShortSpin(() => koffi.load(path));
  } catch (e) {
    throw new Error(`cannot open ${path}: ${firstLine(e)}`);
  }
  const bind = (name: string, t: 'float' | 'double'): Gemm => {
    try {
      return lib.func(`void ${name}(int order, int transA, int transB, int m, int n, int k, ${t} alpha, ` +
        `const ${t} *a, int lda, const ${t} *b, int ldb, ${t} beta, ${t} *c, int ldc)`) as unknown as Gemm;
    } catch (e) {
      throw new Error(`${path} has no ${name} (${firstLine(e)})`);
    }
  };
  const sgemm = bind('cblas_sgemm', 'float');
  const dgemm = bind('cblas_dgemm', 'double');
  // [[1, 2], [3, 4]] [[5, 6], [7, 8]]^T with alpha 2, beta 1 over C = 1: [[35, 47], [79, 107]].
  for (const [gemm, Arr] of [[sgemm, Float32Array], [dgemm, Float64Array]] as const) {
    const a = new Arr([9, 1, 2, 3, 4]);
    const b = new Arr([5, 6, 7, 8]);
    const c = new Arr([9, 1, 1, 1, 1]);
    gemm(ROW_MAJOR, NO_TRANS, TRANS, 2, 2, 2, 2, a.subarray(1), 2, b, 2, 1, c.subarray(1), 2);
    const want = [9, 35, 47, 79, 107];
    if (want.some((v, i) => c[i] !== v)) {
      throw new Error(`${path}: a test product came out wrong (${[...c.subarray(1)].join(', ')} instead of 35, 47, 79, 107); a 64-bit-integer (ILP64) build or a broken library?`);
    }
  }
  // DESCENT_BLAS_THREADS=n fixes the library's thread count (OpenBLAS, BLIS, MKL), e.g. 1 on a
  // machine shared with other work, where spinning worker threads cost more than they give.
  const wantThreads = Number(process.env.DESCENT_BLAS_THREADS);
  const fixed = Number.isInteger(wantThreads) && wantThreads > 0;
  const openblasSet = optional<(n: number) => void>(lib, 'void openblas_set_num_threads(int)');
  if (fixed) {
    openblasSet?.(wantThreads);
    optional<(n: number) => void>(lib, 'void bli_thread_set_num_threads(long)')?.(wantThreads);
    optional<(n: number) => void>(lib, 'void MKL_Set_Num_Threads(int)')?.(wantThreads);
  }
  const config = optional<() => string>(lib, 'const char *openblas_get_config()');
  const coreName = optional<() => string>(lib, 'const char *openblas_get_corename()');
  const threads = optional<() => number>(lib, 'int openblas_get_num_threads()');
  const blisThreads = optional<() => number>(lib, 'long bli_thread_get_num_threads()');
  const mklThreads = optional<() => number>(lib, 'int MKL_Get_Max_Threads()');
  let description: string;
  if (config) description = `${config().split(' ').slice(0, 2).join(' ')}${coreName ? ` (${coreName()} kernels)` : ''}${threads ? ` with ${threads()} threads` : ''}`;
  else if (blisThreads) description = `BLIS with ${blisThreads()} threads`;
  else if (mklThreads) description = `MKL with ${mklThreads()} threads`;
  else if (path.includes('Accelerate')) description = 'Accelerate';
  else description = 'CBLAS';
  const count = threads ? threads() : 1;
  if (openblasSet && !fixed && mainThread && count > 1) description += ', 1 for products under 2^23 multiply-adds';
  return { path, description, sgemm, dgemm, threads: count, setThreads: openblasSet, getThreads: threads, fixedThreads: fixed || !mainThread };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/**
 * Finds a working CBLAS: `path` when given (an error if it fails), else the first of
 * {@link blasCandidates} that opens and passes the check. Returns null when none is found.
 * `mainThread`: false in a worker thread (see {@link BlasLibrary.fixedThreads}).
 */
export function findBlas(koffi: Koffi, path?: string, mainThread = true): BlasLibrary | null {
  if (path) return openBlas(koffi, path, mainThread);
  let brokenError: Error | null = null;
  for (const candidate of blasCandidates()) {
    try {
      return openBlas(koffi, candidate, mainThread);
    } catch (e) {
      // A library that opened but failed the check is worth reporting if nothing else works.
      if (!(e as Error).message.startsWith('cannot open') && !brokenError) brokenError = e as Error;
    }
  }
  if (brokenError) throw brokenError;
  return null;
}

/** A thread count every product uses instead of the adaptive policy (see {@link pinBlasThreads}). */
let pinnedThreads: number | null = null;

/**
 * Runs every product of the main thread on `n` library threads (null: back to the adaptive
 * policy). The lab pins one thread while it runs trials in the main thread, as its workers
 * do, so a seed gives the same numbers whatever the worker count.
 */
export function pinBlasThreads(n: number | null): void {
  pinnedThreads = n;
}

/**
 * Multiply-adds from which a product runs on all the library's threads (2^23, half a 256^3
 * product): the per-image GEMMs of the MNIST example's conv 32->64 (64 x 576 x 288, 10.6M)
 * then run on two threads, which made its train step 10% faster (104 -> 93 ms), while the
 * benchmark's small CNN and MLP steps did not change (A/B on a quiet machine, 2026-12-02).
 */
const MULTI_THREAD_WORK = 2 ** 23;

/** The blas backend's kernels, and the one-thread GEMM of the convolutions' per-image products. */
export interface BlasKernels extends Partial<Kernels> {
  name: string;
  gemm: Kernels['gemm'];
  /**
   * Where descent sets the library's thread count (see {@link BlasLibrary.fixedThreads}): GEMM
   * on one library thread, and a call that leaves the library on one thread for raw calls
   * (blas-parts.ts). An image's GEMM then gives the same bits on whichever thread runs it.
   */
  oneThread: { gemm: Kernels['gemm']; set(): void } | null;
}

/** Whether descent sets the library's thread count call by call (OpenBLAS with threads, not fixed by the user or a worker). */
export function adaptsThreads(lib: BlasLibrary): boolean {
  return lib.setThreads !== null && lib.getThreads !== null && !lib.fixedThreads && lib.threads > 1;
}

/** GEMM on the library, for both dtypes; `fallback` gets mixed or unusual argument types. */
export function createBlasKernels(lib: BlasLibrary, fallback: Kernels): BlasKernels {
  const { sgemm, dgemm } = lib;
  const adaptive = adaptsThreads(lib);
  /**
   * OpenBLAS's worker threads spin after each call before they sleep; beside a training step's
   * other kernels, on a machine whose logical CPUs share cores, that spinning costs more than a
   * second thread gains on a small product (the CNN step ran 1.4x slower with 2 threads
   * than with 1 here). Products below MULTI_THREAD_WORK multiply-adds therefore run on one
   * thread, larger ones on all. The count is read back each time rather than remembered: it is
   * process-wide, and a worker thread that fixes its own (the lab's workers) changes it here too.
   */
  const useThreads = (work: number): void => {
    const want = pinnedThreads ?? (work >= MULTI_THREAD_WORK ? lib.threads : 1);
    if (lib.getThreads!() !== want) lib.setThreads!(want);
  };
  const setOne = (): void => {
    if (lib.getThreads!() !== 1) lib.setThreads!(1);
  };
  function gemm(g: GemmArgs, oneThread = false): void {
    const { a, b, c, m, n, k } = g;
    if (m === 0 || n === 0) return;
    const f32 = a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array;
    const f64 = !f32 && a instanceof Float64Array && b instanceof Float64Array && c instanceof Float64Array;
    if (!f32 && !f64) return fallback.gemm(g);
    // BLAS requires lda >= max(1, columns) even where no element is read; the reference kernel
    // takes anything, so tiny degenerate shapes go there.
    const aCols = g.transA ? m : k;
    const bCols = g.transB ? k : n;
    if (k === 0 || g.lda < Math.max(1, aCols) || g.ldb < Math.max(1, bCols) || g.ldc < Math.max(1, n)) return fallback.gemm(g);
    if (adaptive) {
      if (oneThread) setOne();
      else useThreads(m * n * k);
    }
    (f32 ? sgemm : dgemm)(
      ROW_MAJOR, g.transA ? TRANS : NO_TRANS, g.transB ? TRANS : NO_TRANS, m, n, k, g.alpha,
      g.aOffset ? a.subarray(g.aOffset) : a, g.lda,
      g.bOffset ? b.subarray(g.bOffset) : b, g.ldb,
      g.beta,
      g.cOffset ? c.subarray(g.cOffset) : c, g.ldc,
    );
  }
  return { name: 'blas', gemm: (g) => gemm(g), oneThread: adaptive ? { gemm: (g) => gemm(g, true), set: setOne } : null };
}
