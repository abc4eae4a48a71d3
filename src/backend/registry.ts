/**
 * Which kernels the engine runs on. A backend supplies any subset of {@link Kernels}; the rest
 * come from the `js` reference. The active backend is process-wide.
 */
import type { Kernels } from './kernels.js';
import { jsKernels } from './js/index.js';

export interface BackendInfo {
  /** Backend name, e.g. 'js', 'wasm', 'blas'. */
  name: string;
  /** Human-readable detail: the library path, SIMD support, thread count... */
  detail: string;
}

const registered = new Map<string, { kernels: Kernels; detail: string }>([
  ['js', { kernels: jsKernels, detail: 'plain TypeScript reference kernels' }],
]);
let active: Kernels = jsKernels;

/** Registers a backend under `partial.name`; kernels it does not provide fall back to `js`. */
export function registerBackend(partial: Partial<Kernels> & { name: string }, detail = ''): void {
  registered.set(partial.name, { kernels: { ...jsKernels, ...partial }, detail });
}

/** Makes a registered backend the active one. */
export function setBackend(name: string): void {
  const entry = registered.get(name);
  if (!entry) {
    throw new Error(`setBackend: unknown backend '${name}'; registered backends: ${[...registered.keys()].join(', ')}`);
  }
  active = entry.kernels;
}

export function listBackends(): BackendInfo[] {
  return [...registered].map(([name, e]) => ({ name, detail: e.detail }));
}

/** The active backend's name and detail. */
export function backendInfo(): BackendInfo {
  return { name: active.name, detail: registered.get(active.name)?.detail ?? '' };
}

/** The active kernels; the engine calls this on every op. */
export function kernels(): Kernels {
  return active;
}
