/**
 * Runs a test body once per registered backend, so every kernel is checked on every backend.
 *
 * Backends register themselves when their module is imported; a backend that is not available
 * on this machine (no BLAS library, no WebAssembly build) simply does not register and is not
 * listed. Import the optional backends here, before listing.
 */
import { backendInfo, listBackends, setBackend } from '../../src/backend/registry.js';
import { backendProblem, loadBackends } from '../../src/backend/load.js';

// Register wasm (when kernels.wasm is built) and blas (when a CBLAS library is found) without
// changing the active backend; say once which are missing, so a skipped backend is visible.
const available = loadBackends();
for (const name of ['wasm', 'blas'] as const) {
  if (!available.includes(name)) {
    console.log(`# backend ${name} not available here (${backendProblem(name) || 'not loaded'}); its tests run on the others`);
  }
}

/** Runs `fn(name)` with each registered backend active in turn, then restores the previous one. */
export function forEachBackend(fn: (name: string) => void): void {
  const previous = backendInfo().name;
  try {
    for (const { name } of listBackends()) {
      setBackend(name);
      fn(name);
    }
  } finally {
    setBackend(previous);
  }
}
