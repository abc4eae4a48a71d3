/**
 * Which kernels run. A backend supplies any subset of the engine's {@link Kernels} and,
 * separately, of the fused {@link OptimizerKernels}; the rest come from the `js` reference.
 * The active backend is process-wide.
 */
import type { Kernels } from './kernels.js';
import type { OptimizerKernels } from './optimizer-kernels.js';
import { jsKernels } from './js/index.js';
import { jsOptimizerKernels } from './js/optimizers/index.js';

export interface BackendInfo {
  /** Backend name, e.g. 'js', 'wasm', 'blas'. */
  name: string;
  /** Human-readable detail: the library path, SIMD support, thread count... */
  detail: string;
}

interface Backend {
  kernels: Kernels;
  optimizerKernels: OptimizerKernels;
  detail: string;
}

const registered = new Map<string, Backend>([
  ['js', { kernels: jsKernels, optimizerKernels: jsOptimizerKernels, detail: 'plain TypeScript reference kernels' }],
]);
let active: Backend = registered.get('js')!;

/**
 * Registers a backend under `partial.name`: its engine kernels and (optionally) its fused
 * optimizer kernels; whatever it does not provide falls back to `js`.
 */
export function registerBackend(
  partial: Partial<Kernels> & { name: string },
  detail = '',
  optimizerKernels: Partial<Omit<OptimizerKernels, 'name'>> = {},
): void {
  registered.set(partial.name, {
    kernels: { ...jsKernels, ...partial },
    optimizerKernels: { ...jsOptimizerKernels, ...optimizerKernels, name: partial.name },
    detail,
  });
}

/** Makes a registered backend the active one. */
export function setBackend(name: string): void {
  const entry = registered.get(name);
  if (!entry) {
    throw new Error(`setBackend: unknown backend '${name}'; registered backends: ${[...registered.keys()].join(', ')}`);
  }
  active = entry;
}

/** Every registered backend's name and detail. */
export function listBackends(): BackendInfo[] {
  return [...registered].map(([name, e]) => ({ name, detail: e.detail }));
}

/** The active backend's name and detail. */
export function backendInfo(): BackendInfo {
  return { name: active.kernels.name, detail: active.detail };
}

/** The active engine kernels; the engine calls this on every op. */
export function kernels(): Kernels {
  return active.kernels;
}

/**
 * The active backend's fused optimizer steps; only `TransformOptimizer` calls this for steps
 * (the averaging wrappers and the Generator also read its optional `ema`, `swa` and `random`).
 */
export function optimizerKernels(): OptimizerKernels {
  return active.optimizerKernels;
}
