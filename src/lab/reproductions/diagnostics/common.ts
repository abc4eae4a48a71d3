/**
 * What the diagnostics reproductions share: the Fashion-MNIST data (the classification tasks'
 * loader), an MLP with optional residual blocks, a model's loss as a diagnostics objective,
 * training through `fit`, and a loss slice drawn with the lab's contour chart.
 */
import { z } from 'zod';
import * as diagnostics from '../../../diagnostics/index.js';
import { crossEntropy, type Module } from '../../../nn/index.js';
import type { TensorDataset } from '../../../data/index.js';
import { noGrad } from '../../../tensor/index.js';
import { fit, type Callback } from '../../../train/index.js';
import { buildOptimizer } from '../../methods.js';
import { contourChart } from '../../plots.js';
import { loadData } from '../../problems/classification.js';
import type { Function2D } from '../../problems/functions2d.js';
import type { Method, Plot } from '../kit.js';

/** The dataset option of the diagnostics tasks (as the classification tasks have it). */
export const datasetOption = z.enum(['auto', 'builtin', 'full']).default('builtin');

/** Train and test rows of Fashion-MNIST (the built-in subset unless the full set is asked for). */
export function fmnist(dataset: 'auto' | 'builtin' | 'full', trainLimit: number, testLimit: number): { train: TensorDataset; test: TensorDataset; source: string } {
  return loadData(dataset, trainLimit, testLimit);
}

export { buildNet, type NetOptions } from './nets.js';

/** The mean cross-entropy of the model on the whole dataset, as an objective of its parameters. */
export function lossObjective(model: Module, data: TensorDataset): diagnostics.Objective {
  return () => crossEntropy(model.forward(data.x), data.y);
}

/** Accuracy of the model on the dataset (evaluation mode, no graph). */
export function accuracy(model: Module, data: TensorDataset): number {
  model.eval();
  const out = noGrad(() => model.forward(data.x));
  model.train();
  const [n, c] = out.shape;
  let right = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < c; k++) if (out.data[i * c + k] > out.data[i * c + best]) best = k;
    if (best === data.y.data[i]) right++;
  }
  return right / n;
}

/** Trains `model` with `fit` (cross-entropy, shuffled batches seeded by `seed`); returns the steps taken. */
export function train(model: Module, data: TensorDataset, method: Method, o: { epochs: number; batchSize: number; seed: number; callbacks?: Callback[] }): number {
  const optimizer = buildOptimizer(method, model.parameters());
  const r = fit(model, data, { optimizer, epochs: o.epochs, batchSize: Math.min(o.batchSize, data.x.shape[0]), shuffle: true, seed: o.seed, loss: crossEntropy, nonFinite: 'stop', callbacks: o.callbacks ?? [] });
  return r.steps;
}

/** A loss slice as the lab's contour chart draws a 2-D function (bilinear between grid points, log contours). */
export function surfaceChart(s: { x: number[]; y: number[]; loss: number[][] }, o: { name: string; title: string }): Promise<Plot> {
  const { x, y, loss } = s;
  const at = (v: number, axis: number[]): [number, number] => {
    const t = ((v - axis[0]) / (axis[axis.length - 1] - axis[0])) * (axis.length - 1);
    const i = Math.max(0, Math.min(axis.length - 2, Math.floor(t)));
    return [i, Math.max(0, Math.min(1, t - i))];
  };
  const f = (px: number, py: number): number => {
    const [i, u] = at(px, x);
    const [j, w] = at(py, y);
    const l = (r: number, c: number): number => (Number.isFinite(loss[r][c]) ? loss[r][c] : 1e3);
    return (1 - w) * ((1 - u) * l(j, i) + u * l(j, i + 1)) + w * ((1 - u) * l(j + 1, i) + u * l(j + 1, i + 1));
  };
  const fmin = Math.min(...loss.flat().filter(Number.isFinite));
  const fn: Function2D = {
    name: o.name, title: o.title, description: 'a loss slice', f, grad: () => [0, 0], start: [0, 0],
    window: [x[0], x[x.length - 1], y[0], y[y.length - 1]], minima: [[0, 0]], lr: { sgd: 0, adaptive: 0 }, logContours: true, fmin,
  };
  return contourChart(fn, [], { name: o.name, title: o.title, width: 320 });
}
