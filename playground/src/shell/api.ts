/**
 * `window.descentPlayground`: the page's programmatic face, for tests and for anyone scripting
 * the page. `trace` runs the lab's own trace in the compute worker, so its iterates equal
 * `descent trace PROBLEM --json` for the same settings.
 */
import type { JsonObject } from '../../../src/lab/util.js';
import type { TraceOptions } from '../../../src/lab/trace-run.js';
import { compute } from './compute-client.js';
import type { BackendReply } from './compute-protocol.js';

/** The settings of one trace, named as `descent trace`'s flags (the lab's own trace options). */
export type TraceSettings = TraceOptions;

export interface PlaygroundApi {
  /** The trajectory: the start point, then the point after each step. */
  trace(settings: TraceSettings): Promise<{ iterates: number[][]; options: JsonObject; values: number[] }>;
  /** The ids of the views, in tab order. */
  views: string[];
  /** What the toolbar's Export JSON would save for the current view (null when it has none). */
  exportJson(): unknown;
  /** The compute worker's backend: its name and detail (the wasm thread count), isolation, and why threads cannot run. */
  backend(): Promise<BackendReply>;
}

declare global {
  interface Window {
    descentPlayground: PlaygroundApi;
  }
}

/** Installs the API on window; `currentJson` is the shell's view of the current view's JSON export. */
export function installApi(views: string[], currentJson: () => unknown): void {
  window.descentPlayground = {
    views,
    trace: (s) => compute({ kind: 'trace', ...s }),
    exportJson: currentJson,
    backend: () => compute({ kind: 'backend' }),
  };
}
