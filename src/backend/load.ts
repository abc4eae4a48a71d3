/**
 * Finding, loading and choosing backends. The package root calls {@link initBackend} once on
 * import, so users get the fastest backend without asking:
 *
 * - `blas` (Node only): the system's CBLAS for GEMM, found on its own (the `DESCENT_BLAS`
 *   environment variable may name the library's path), called through koffi (an optional peer
 *   dependency: without it, this backend is skipped quietly), with the wasm kernels for the rest;
 * - `wasm`: the SIMD WebAssembly kernels shipped in the package, where no BLAS is found, and
 *   in browsers (there they load asynchronously: await {@link initBackendAsync});
 * - `js`: the reference kernels, always present.
 *
 * The wasm backend runs its GEMM and convolutions on worker threads where SharedArrayBuffer
 * allows (Node; a cross-origin isolated browser's Web Worker), on as many threads as there are
 * cores (at most 8): `DESCENT_WASM_THREADS=N` or `initBackend({ wasmThreads })` sets the count,
 * 1 turns threads off. Results are the same bits on any count.
 *
 * `DESCENT_BACKEND=js|wasm|blas` (or `initBackend({ backend })`) overrides the choice. A
 * backend that was asked for but cannot load falls back to the next one with one line on
 * stderr saying why; nothing here throws.
 *
 * This module is part of the portable package root: it imports nothing from Node statically
 * (bundlers never see koffi or node:fs) and reaches them at run time on Node only.
 */
import { jsKernels } from './js/index.js';
import type { Kernels } from './kernels.js';
import { backendInfo, listBackends, registerBackend, setBackend, type BackendInfo } from './registry.js';
import { adaptsThreads, createBlasKernels, findBlas, type BlasLibrary } from './blas/index.js';
import { createWasmKernels, WASM_MT_URL, WASM_URL, wasmApi, wasmSimdSupported, type WasmKernels, type WasmModule } from './wasm/index.js';
import { defaultWasmThreads, MAX_WASM_THREADS, wasmThreadsProblem, type PoolBlas } from './wasm/threads.js';
import { WEIGHT_GRAD_CHUNK, type RawSgemm } from './wasm/blas-parts.js';
import { openNativeKernels, type NativeKernels, type NativeKoffi, type NativeStamp } from './native/index.js';
import { NATIVE_IMAGE_WORK } from './native/conv.js';
import { isNode, nodeBuiltin } from '../platform/node-builtin.js';

export type BackendName = 'js' | 'wasm' | 'blas';

export interface InitBackendOptions {
  /** Which backend to use; 'auto' (the default) picks blas, then wasm, then js. Default: `DESCENT_BACKEND` or 'auto'. */
  backend?: BackendName | 'auto';
  /** Path or name of the CBLAS library to use; default: `DESCENT_BLAS`, else a search of the usual names. */
  blasLibrary?: string;
  /** Do not write the one-line fallback notices to stderr. */
  quiet?: boolean;
  /**
   * The most threads the wasm backend's GEMM and convolutions use (1 to 8; 1: one thread).
   * Default: `DESCENT_WASM_THREADS`, else the cores. The first load fixes the most a later
   * call can ask for.
   */
  wasmThreads?: number;
}

/** A backend's load outcome; `optional` marks a failure that is only an uninstalled optional package (no notice under 'auto'). */
type Loaded<T> = { ok: true; value: T } | { ok: false; reason: string; optional?: boolean };

interface NodeModuleLib {
  createRequire(url: string | URL): ((id: string) => unknown) & { resolve(id: string): string };
}

const proc = (globalThis as { process?: NodeJS.Process }).process;

/**
 * Node's require, reached without a static import of a node: module (so this file also loads in
 * browsers) and without top-level await (so CommonJS transpilers accept it).
 */
const nodeRequire = nodeBuiltin<NodeModuleLib>('node:module')?.createRequire(import.meta.url) ?? null;

let wasm: Loaded<WasmKernels> | undefined;
/** The compiled modules, kept for the blas backend's own instance. */
let wasmModule: WasmModule | undefined;
let wasmMtModule: WasmModule | null = null;
let wasmThreadCount = 1;
let wasmOneThread: WasmKernels | undefined;
let wasmForBlasImages: WasmKernels | undefined;
/** Whether the wasm backend's GEMM has been primed (once, on its first activation). */
let wasmPrimed = false;
const blasByPath = new Map<string, Loaded<BlasLibrary | null>>();

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

function notice(text: string, options: InitBackendOptions): void {
  if (!options.quiet) console.warn(`descent: ${text}`);
}

/** The wasm thread count asked for: the option, else DESCENT_WASM_THREADS or the cores. */
function wantedThreads(options: InitBackendOptions): number {
  const n = options.wasmThreads;
  if (n === undefined) return defaultWasmThreads();
  if (!Number.isInteger(n) || n < 1) {
    notice(`wasmThreads must be a whole number >= 1, got ${n}; using one thread`, options);
    return 1;
  }
  return Math.min(n, MAX_WASM_THREADS);
}

function registerWasm(module: WasmModule, mtModule: WasmModule | null, threads: number): Loaded<WasmKernels> {
  wasmModule = module;
  wasmMtModule = mtModule;
  wasmThreadCount = threads;
  const w = createWasmKernels(module, mtModule ? { module: mtModule, threads } : undefined);
  const on = w.threads > 1 ? `; GEMM and convolutions on up to ${w.threads} threads` : '';
  // Only GEMM and the convolutions run on threads. Everything else runs on the plain module's
  // instance (the one the blas backend uses): V8 copies into a shared memory with relaxed atomic
  // moves (16-23 GB/s here, against memcpy's 41), and those copies were a tenth of the wasm MLP
  // step. Adam on the MLP's 270K parameters: 0.64-0.83 -> 0.41-0.54 ms.
  const plain = oneThreadWasm(w)!;
  const { gemm, conv2d, conv2dInputGrad, conv2dWeightGrad } = w.kernels;
  const kernels = plain === w ? w.kernels : { ...plain.kernels, gemm, conv2d, conv2dInputGrad, conv2dWeightGrad };
  registerBackend(kernels, `WebAssembly SIMD kernels (GEMM, convolutions, optimizer updates, elementwise maps, max-pool)${on}; js for the rest and for float64`, plain.optimizerKernels);
  return { ok: true, value: w };
}

/**
 * Makes the wasm backend the active one, with its first products' cost paid up front: the GEMM
 * primed (`primeGemm`, 3-5 ms) and the worker threads started rather than on the first large
 * product. A worker is ready some 40-55 ms after it starts, and the first training steps of a
 * fresh process ran on one thread until then (the mean of the MLP's first 20 steps: 13.2 ms
 * against 14.3 started lazily, six A/B runs, 2-core VM, 2026-12-03). Unref'd, the workers never
 * keep the process alive. Only here: a process on the blas backend registers wasm too, and
 * pays for neither.
 */
function activateWasm(w: WasmKernels): void {
  setBackend('wasm');
  if (!wasmPrimed) w.primeGemm();
  wasmPrimed = true;
  w.readyThreads();
}

/**
 * The wasm kernels that run on one thread, under the blas backend and for the wasm backend's
 * non-GEMM kernels: `w` itself when it has no threads, else an instance of the plain module
 * (its memory is not shared, so copies into it run at memcpy speed).
 */
function oneThreadWasm(w: WasmKernels | null = wasm?.ok ? wasm.value : null): WasmKernels | null {
  if (!w) return null;
  if (w.threads === 1) return w;
  wasmOneThread ??= createWasmKernels(wasmModule!);
  return wasmOneThread;
}

/**
 * The blas backend's large convolutions (where threads can run): a threaded instance whose
 * workers each open the library (`blas`), so that whole images run on each thread with
 * one-thread GEMMs (blas-parts.ts). Null without threads.
 */
function blasImagesWasm(blas: PoolBlas): WasmKernels | null {
  if (!wasm?.ok || !wasmMtModule || wasmThreadCount < 2) return null;
  wasmForBlasImages ??= createWasmKernels(wasmModule!, { module: wasmMtModule, threads: wasmThreadCount, blas });
  return wasmForBlasImages.threads > 1 ? wasmForBlasImages : null;
}

/** Applies a thread count asked for after the first load (up to the loaded capacity). */
function applyThreads(options: InitBackendOptions): void {
  if (wasm?.ok && (options.wasmThreads !== undefined)) wasm.value.setThreads(wantedThreads(options));
}

/** Compiles and registers the wasm backend synchronously (Node); remembers the outcome. */
function loadWasmSync(options: InitBackendOptions = {}): Loaded<WasmKernels> {
  if (wasm) {
    applyThreads(options);
    return wasm;
  }
  try {
    if (!wasmSimdSupported()) wasm = { ok: false, reason: 'this JavaScript engine lacks WebAssembly SIMD' };
    else if (!nodeRequire) return { ok: false, reason: 'loading the kernels needs Node >= 20.16 (process.getBuiltinModule)' };
    else {
      const fs = nodeRequire('node:fs') as typeof import('node:fs');
      let bytes: Uint8Array;
      try {
        bytes = fs.readFileSync(WASM_URL);
      } catch {
        return (wasm = { ok: false, reason: `${decodeURIComponent(WASM_URL.pathname)} is missing (build it with \`npm run build:wasm\`, which needs clang and lld)` });
      }
      const threads = wantedThreads(options);
      let mt: WasmModule | null = null;
      if (threads > 1 && !wasmThreadsProblem()) {
        try {
          mt = new wasmApi!.Module(fs.readFileSync(WASM_MT_URL));
        } catch {
          // No kernels-mt.wasm (an old build): one thread.
        }
      }
      wasm = registerWasm(new wasmApi!.Module(bytes), mt, threads);
    }
  } catch (e) {
    wasm = { ok: false, reason: `the kernels failed to load: ${message(e)}` };
  }
  return wasm;
}

/**
 * The native kernels (native/index.ts) over `base`, or why not: an empty reason when they were
 * not built here (no compiler, another platform) or DESCENT_NATIVE=0 turned them off.
 */
function loadNative(koffi: NativeKoffi, base: Kernels): NativeKernels | { reason: string } {
  if (proc?.env.DESCENT_NATIVE === '0') return { reason: '' };
  const fs = nodeRequire!('node:fs') as typeof import('node:fs');
  const { fileURLToPath } = nodeRequire!('node:url') as typeof import('node:url');
  const { dirname, join } = nodeRequire!('node:path') as typeof import('node:path');
  // Where scripts/build-native.mjs puts them. A path, not a `new URL('…', import.meta.url)`
  // literal, which bundlers would try to ship with the browser build.
  const path = join(dirname(fileURLToPath(import.meta.url)), 'native', 'kernels.so');
  let stamp: NativeStamp;
  try {
    stamp = JSON.parse(fs.readFileSync(`${path}.json`, 'utf8')) as NativeStamp;
  } catch {
    return { reason: '' };
  }
  if (stamp.platform !== `${proc!.platform}-${proc!.arch}` || !fs.existsSync(path)) return { reason: '' };
  try {
    return openNativeKernels(koffi, path, stamp, base);
  } catch (e) {
    return { reason: `native kernels not used: ${message(e)}` };
  }
}

/** Opens the CBLAS (Node only) and registers the blas backend on top of wasm or js. */
function loadBlas(path: string | undefined): Loaded<BlasLibrary | null> {
  const key = path ?? '';
  const known = blasByPath.get(key);
  if (known) return known;
  let result: Loaded<BlasLibrary | null>;
  if (!nodeRequire) result = { ok: false, reason: 'BLAS needs Node >= 20.16' };
  else {
    try {
      let koffi: Parameters<typeof findBlas>[0];
      try {
        koffi = nodeRequire('koffi') as Parameters<typeof findBlas>[0];
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && /'koffi'/.test(message(e))) {
          throw Object.assign(new Error('the koffi package (the FFI that calls BLAS, an optional peer dependency) is not installed: npm install koffi'), { optional: true });
        }
        throw new Error(`the koffi package (the FFI that calls BLAS) cannot load: ${message(e)}`);
      }
      const { isMainThread } = nodeRequire('node:worker_threads') as typeof import('node:worker_threads');
      const lib = findBlas(koffi, path, isMainThread);
      if (lib) {
        // Whole images per thread needs a library whose thread count descent sets (OpenBLAS):
        // each thread's GEMMs then run on one library thread.
        const poolBlas = adaptsThreads(lib)
          ? { koffiPath: nodeRequire.resolve('koffi'), libraryPath: lib.path, sgemm: lib.sgemm as unknown as RawSgemm, chunkImages: WEIGHT_GRAD_CHUNK }
          : null;
        const w = oneThreadWasm();
        const base: Kernels = w ? { ...jsKernels, ...w.kernels } : jsKernels;
        const over = w ? 'wasm' : 'js';
        const { oneThread, ...blas } = createBlasKernels(lib, base);
        // Convolutions: BLAS GEMMs with the columns unfolded inside the wasm module (no
        // JavaScript copies of them): for planes of 256 outputs and more image by image on the
        // tensors' own arrays, the large ones whole images on each thread; else over chunks of
        // images side by side. Without wasm, the js composite (which calls this backend's GEMM).
        // The threaded instance comes on the first large convolution (not at import).
        // With the native kernels, those run on the tensors' arrays on POSIX threads instead
        // (native/conv.ts, the same bits), on as many threads as the wasm path would use.
        const native = loadNative(koffi as unknown as NativeKoffi, base);
        const jsConv = { conv2d: jsKernels.conv2d, conv2dInputGrad: jsKernels.conv2dInputGrad, conv2dWeightGrad: jsKernels.conv2dWeightGrad };
        const nativeConv = 'kernels' in native && w && poolBlas && oneThread ? native.imageConvolutions(lib.path, wasmThreadCount, oneThread.set, jsConv) : null;
        const imageThreads = nativeConv ? wasmThreadCount : w && poolBlas && oneThread && wasmMtModule ? wasmThreadCount : 1;
        const large = nativeConv
          ? () => nativeConv
          : imageThreads > 1 ? () => blasImagesWasm(poolBlas!)?.convWithGemm(blas.gemm, oneThread!) ?? null : undefined;
        const hooks = oneThread ? { ...oneThread, large, ...(nativeConv ? { largeWork: NATIVE_IMAGE_WORK } : {}) } : undefined;
        const conv = w && process.env.DESCENT_BLAS_CONV !== 'js' ? w.convWithGemm(blas.gemm, hooks) : jsConv;
        const images = large ? `, large convolutions whole images on ${imageThreads} thread${imageThreads > 1 ? 's' : ''}${nativeConv ? ' (native)' : ''}` : '';
        const rest = 'kernels' in native
          ? `${native.description} for elementwise maps, sums, optimizer steps${native.normal32 ? ' and float32 normals' : ''}, ${over} for the rest`
          : `${over} kernels for the rest${native.reason ? ` (${native.reason})` : ''}`;
        // The Generator's bulk draws stay wasm's, but for the float32 normals where the native library has them.
        const wasmRandom = w?.optimizerKernels.random;
        const random = wasmRandom && 'kernels' in native && native.normal32 ? { random: { ...wasmRandom, normal32: native.normal32 } } : {};
        registerBackend({ ...base, ...('kernels' in native ? native.kernels : {}), ...blas, ...conv }, `${lib.description} (${lib.path}) for GEMM${images}; ${rest}`,
          { ...(w ? w.optimizerKernels : {}), ...('kernels' in native ? native.optimizerKernels : {}), ...random });
      }
      result = { ok: true, value: lib };
    } catch (e) {
      result = { ok: false, reason: message(e), optional: (e as { optional?: boolean }).optional };
    }
  }
  blasByPath.set(key, result);
  return result;
}

function requested(options: InitBackendOptions): BackendName | 'auto' {
  const env = isNode ? proc!.env.DESCENT_BACKEND : undefined;
  const want = options.backend ?? (env === undefined || env === '' ? 'auto' : env);
  if (want === 'auto' || want === 'js' || want === 'wasm' || want === 'blas') return want;
  notice(`unknown backend '${want}'${options.backend ? '' : ' in DESCENT_BACKEND'}; expected js, wasm, blas or auto; choosing automatically`, options);
  return 'auto';
}

function blasPath(options: InitBackendOptions): string | undefined {
  const env = isNode ? proc!.env.DESCENT_BLAS : undefined;
  return options.blasLibrary ?? (env ? env : undefined);
}

/**
 * Loads the backends this environment supports and makes the fastest (or the requested) one
 * active; returns {@link backendInfo}. Safe to call again, e.g. with another `backend`.
 */
export function initBackend(options: InitBackendOptions = {}): BackendInfo {
  const want = requested(options);
  if (want === 'js') {
    setBackend('js');
    return backendInfo();
  }
  if (!isNode) {
    // Browsers load asynchronously: start now, switch when ready.
    initBackendAsync(options).catch(() => undefined);
    return backendInfo();
  }
  const w = loadWasmSync(options);
  if (want === 'blas' || want === 'auto') {
    const path = blasPath(options);
    const b = loadBlas(path);
    if (b.ok && b.value) {
      setBackend('blas');
      return backendInfo();
    }
    const fallbackName = w.ok ? 'wasm' : 'js';
    if (!b.ok) {
      // An uninstalled optional koffi is a choice, not news, unless BLAS was asked for.
      if (want === 'blas' || !b.optional) notice(`BLAS backend unavailable (${b.reason}); using ${fallbackName}`, options);
    } else if (want === 'blas') notice(`BLAS backend unavailable (no CBLAS library found; set DESCENT_BLAS to its path); using ${fallbackName}`, options);
  }
  if (w.ok) {
    activateWasm(w.value);
  } else {
    notice(`wasm backend unavailable (${w.reason}); using js`, options);
    setBackend('js');
  }
  return backendInfo();
}

/**
 * Like {@link initBackend}, for environments that must compile WebAssembly asynchronously
 * (browsers); in Node it does the same as initBackend.
 */
export async function initBackendAsync(options: InitBackendOptions = {}): Promise<BackendInfo> {
  if (isNode) {
    const active = backendInfo().name;
    // Keep the backend the package root (or the user) already chose.
    if (active !== 'js' && options.backend === undefined) return backendInfo();
    return initBackend(options);
  }
  const want = requested(options);
  if (want === 'js') {
    setBackend('js');
    return backendInfo();
  }
  if (!wasm) {
    try {
      if (!wasmSimdSupported()) throw new Error('this browser lacks WebAssembly SIMD');
      const threads = wantedThreads(options);
      const fetchModule = async (url: URL): Promise<WasmModule> => {
        const response = await fetch(url);
        if (!response.ok) throw new Error(`fetching ${url.href} gave HTTP ${response.status}`);
        return wasmApi!.compile(await response.arrayBuffer());
      };
      const [module, mt] = await Promise.all([
        fetchModule(WASM_URL),
        // Threads: only where they can run, and one thread when the threaded build cannot load.
        threads > 1 && !wasmThreadsProblem() ? fetchModule(WASM_MT_URL).catch(() => null) : Promise.resolve(null),
      ]);
      wasm = registerWasm(module, mt, threads);
    } catch (e) {
      wasm = { ok: false, reason: message(e) };
    }
  }
  applyThreads(options);
  if (wasm.ok) {
    // Switch unless the user picked another backend while this was loading.
    if (backendInfo().name === 'js') activateWasm(wasm.value);
  } else {
    notice(`wasm backend unavailable (${wasm.reason}); using js`, options);
  }
  return backendInfo();
}

/**
 * Registers every backend that can load here without changing the active one, and returns
 * their names (always including 'js'). Tests and benchmarks use it to run on each backend.
 */
export function loadBackends(options: Pick<InitBackendOptions, 'blasLibrary' | 'wasmThreads'> = {}): BackendName[] {
  if (isNode) {
    loadWasmSync(options);
    loadBlas(blasPath(options));
  }
  const names = new Set(listBackends().map((b) => b.name));
  return (['js', 'wasm', 'blas'] as const).filter((n) => names.has(n));
}

/** Why a backend could not load ('' when it did or was not tried). */
export function backendProblem(name: BackendName, options: Pick<InitBackendOptions, 'blasLibrary'> = {}): string {
  if (name === 'wasm') return wasm && !wasm.ok ? wasm.reason : '';
  if (name === 'blas') {
    const b = blasByPath.get(blasPath(options) ?? '');
    return !b ? '' : !b.ok ? b.reason : b.value ? '' : 'no CBLAS library found (set DESCENT_BLAS to its path)';
  }
  return '';
}
