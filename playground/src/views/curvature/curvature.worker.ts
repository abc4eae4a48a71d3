/**
 * The curvature view's worker: loads the wasm kernels, answers Hessian-at-a-point requests,
 * and runs the MLP's edge-of-stability training one λ₁ evaluation at a time (posting the curve
 * after each, yielding between them so a 'stop' or a newer request gets through), then the
 * final analysis.
 */
import { backendInfo, initBackendAsync, Tensor } from '../../../../src/index.js';
import { EdgeRun, finalAnalysis, pointHessian } from './compute.js';
import type { FromCurvatureWorker, ToCurvatureWorker } from './protocol.js';

const post = (m: FromCurvatureWorker): void => (self as unknown as { postMessage(m: FromCurvatureWorker): void }).postMessage(m);
const ready = initBackendAsync({ quiet: true }).catch(() => undefined);
/** The edge run being computed (a newer 'edge' or a 'stop' replaces it). */
let current = 0;

const yieldToMessages = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

async function edge(m: Extract<ToCurvatureWorker, { type: 'edge' }>): Promise<void> {
  current = m.id;
  const t0 = performance.now();
  const data = { x: new Tensor(m.train.x, m.train.xShape), y: new Tensor(m.train.y, [m.train.y.length]) };
  const run = new EdgeRun(m.settings, data);
  const progress = (): void => post({ type: 'edge-progress', id: m.id, step: run.step, points: run.points, losses: run.losses, threshold: run.threshold, diverged: run.diverged, seconds: (performance.now() - t0) / 1000, backend: backendInfo().name });
  while (!run.done) {
    run.advance();
    progress();
    await yieldToMessages();
    if (current !== m.id) return;
  }
  if (run.diverged) return;
  post({ type: 'edge-final', id: m.id, analysis: finalAnalysis(run, m.analysis), seconds: (performance.now() - t0) / 1000 });
}

self.onmessage = async (ev: MessageEvent<ToCurvatureWorker>) => {
  const m = ev.data;
  await ready;
  try {
    if (m.type === 'point') post({ type: 'point', id: m.id, result: pointHessian(m.problem, m.point, m.lr), backend: backendInfo().name });
    else if (m.type === 'stop') current = m.id;
    else await edge(m);
  } catch (e) {
    post({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) });
  }
};
