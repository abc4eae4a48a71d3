/** Messages between the curvature view and its worker (plain JSON and typed arrays). */
import type { WireSplit } from '../training/protocol.js';
import type { AnalysisSettings, EdgePoint, EdgeSettings, FinalAnalysis, PointHessian } from './compute.js';

/** UI → worker. `id` ties a reply to its request (a newer request makes older replies stale). */
export type ToCurvatureWorker =
  | { type: 'point'; id: number; problem: string; point: [number, number]; lr: number }
  | { type: 'edge'; id: number; settings: EdgeSettings; analysis: AnalysisSettings; train: WireSplit }
  | { type: 'stop'; id: number };

/** Worker → UI. */
export type FromCurvatureWorker =
  | { type: 'point'; id: number; result: PointHessian; backend: string }
  | { type: 'edge-progress'; id: number; step: number; points: EdgePoint[]; losses: number[]; threshold: number; diverged: boolean; seconds: number; backend: string }
  | { type: 'edge-final'; id: number; analysis: FinalAnalysis; seconds: number }
  | { type: 'error'; id: number; message: string };
