/**
 * The diagnostics tasks' network and GD's stability threshold, with no import that needs Node,
 * so the playground's curvature view builds the same network and draws the same line.
 */
import { Flatten, Linear, type Module, ReLU, Residual, Sequential, Tanh } from '../../../nn/index.js';
import { Generator } from '../../../tensor/index.js';
import type { Method } from '../../methods.js';

export interface NetOptions {
  /** Hidden width. */
  width: number;
  /** Hidden layers after the first (each a residual block when `residual`). */
  depth: number;
  residual: boolean;
  activation: 'relu' | 'tanh';
  seed: number;
}

/**
 * 784 → width, then `depth` hidden layers width → width (each x + act(W x + b) with `residual`,
 * act(W x + b) without), then width → 10.
 */
export function buildNet(o: NetOptions): Module {
  const generator = new Generator(o.seed);
  const act = (): Module => (o.activation === 'tanh' ? new Tanh() : new ReLU());
  const layers: Module[] = [new Flatten(), new Linear(784, o.width, { generator }), act()];
  for (let i = 0; i < o.depth; i++) {
    const block = new Sequential(new Linear(o.width, o.width, { generator }), act());
    layers.push(o.residual ? new Residual(block) : block);
  }
  layers.push(new Linear(o.width, 10, { generator }));
  return new Sequential(...layers);
}

/** The largest curvature the method is stable at on a quadratic: 2/η for GD, (2 + 2β)/η with heavy-ball momentum; NaN for others. */
export function stabilityThreshold(method: Method): number {
  const lr = Number(method.options.lr);
  if (method.optimizer !== 'sgd' || !(lr > 0)) return NaN;
  const beta = Number(method.options.momentum ?? 0);
  if (method.options.nesterov) return (2 + 2 * beta) / (lr * (1 + 2 * beta));
  return (2 + 2 * beta) / lr;
}

