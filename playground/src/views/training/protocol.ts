/**
 * Messages between the training view and its workers (one worker per run). Datasets travel as
 * flat arrays with their shapes, since tensors do not survive structured cloning.
 */
import { Tensor, type TensorDataset } from '../../../../src/index.js';
import type { ClassificationData, CurvePoint, RunSpec } from './run.js';

/** A dataset split as plain arrays. */
export interface WireSplit {
  x: Float32Array;
  xShape: number[];
  y: Float32Array;
}

export interface WireData {
  train: WireSplit;
  test: WireSplit;
  classes: readonly string[];
}

/** UI → worker. */
export type ToWorker =
  | { type: 'start'; spec: RunSpec; data: WireData; evalEvery: number; samples: number[] }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step'; steps: number };

/** Worker → UI. */
export type FromWorker =
  | { type: 'progress'; step: number; epoch: number; stepsPerEpoch: number; curve: CurvePoint[]; batchLoss: { step: number; loss: number }[]; confusion: number[]; samplePredictions: number[]; finished: string | null; seconds: number; backend: string }
  | { type: 'error'; message: string };

const toWire = (d: TensorDataset): WireSplit => ({ x: Float32Array.from(d.x.data), xShape: [...d.x.shape], y: Float32Array.from(d.y.data) });
const fromWire = (w: WireSplit): TensorDataset => ({ x: new Tensor(w.x, w.xShape), y: new Tensor(w.y, [w.y.length]) });

/** A dataset ready to post. */
export function dataToWire(d: ClassificationData): WireData {
  return { train: toWire(d.train), test: toWire(d.test), classes: d.classes };
}

/** A posted dataset back as tensors. */
export function dataFromWire(w: WireData): ClassificationData {
  return { train: fromWire(w.train), test: fromWire(w.test), classes: w.classes };
}
