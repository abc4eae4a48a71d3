/**
 * The curvature view's state as URL keys, and its equivalent lab commands: `descent trace` of
 * plain gradient descent from the clicked point (its iterates shrink or grow along each
 * eigenvector by the factors shown), and a `descent compare` spec of the lab's
 * `edge-of-stability` task with the MLP panel's settings. DOM-free.
 */
import { functions2d } from '../../../../src/lab/problems/functions2d.js';
import { DEFAULT_EDGE, methodOptions, TENSOR_FUNCTIONS, type EdgeSettings } from './compute.js';

/** Everything the view shows, as settings. */
export interface CurvatureState {
  problem: string;
  /** The clicked point; null: the problem's start. */
  point: [number, number] | null;
  /** The step size whose stability is judged; NaN: the problem's plain-SGD lr. */
  lr: number;
  edge: EdgeSettings;
}

export const DEFAULT_CURVATURE: CurvatureState = { problem: 'quadratic', point: null, lr: NaN, edge: DEFAULT_EDGE };

const num = (s: string | undefined, fallback: number, ok: (v: number) => boolean): number => {
  if (s === undefined || s === '') return fallback;
  const v = Number(s);
  return Number.isFinite(v) && ok(v) ? v : fallback;
};
const posInt = (max: number) => (v: number): boolean => Number.isInteger(v) && v > 0 && v <= max;

/** The problem's step size when the state names none. */
export function lrOf(s: CurvatureState): number {
  return Number.isFinite(s.lr) ? s.lr : functions2d.find((f) => f.name === s.problem)!.lr.sgd;
}

/** The point shown (the problem's start unless one was clicked). */
export function pointOf(s: CurvatureState): [number, number] {
  return s.point ?? [...functions2d.find((f) => f.name === s.problem)!.start];
}

/** Reads the state from URL keys; a missing or invalid key keeps its default. */
export function parseCurvatureState(q: Readonly<Record<string, string>>): CurvatureState {
  const d = DEFAULT_EDGE;
  const problem = q.problem && q.problem in TENSOR_FUNCTIONS ? q.problem : DEFAULT_CURVATURE.problem;
  const at = (q.at ?? '').split(',').map(Number);
  return {
    problem,
    point: at.length === 2 && q.at !== '' && at.every(Number.isFinite) ? [at[0], at[1]] : null,
    lr: num(q.lr, NaN, (v) => v > 0),
    edge: {
      trainLimit: num(q.n, d.trainLimit, posInt(6000)),
      width: num(q.width, d.width, posInt(512)),
      depth: num(q.depth, d.depth, (v) => Number.isInteger(v) && v >= 0 && v <= 8),
      activation: q.act === 'relu' ? 'relu' : 'tanh',
      loss: q.loss === 'crossEntropy' ? 'crossEntropy' : 'mse',
      steps: num(q.steps, d.steps, posInt(20000)),
      evalEvery: num(q.every, d.evalEvery, posInt(20000)),
      lanczosIterations: num(q.lanczos, d.lanczosIterations, posInt(200)),
      optimizer: q.opt && /^[a-z0-9-]+$/i.test(q.opt) ? q.opt : d.optimizer,
      lr: num(q.mlr, d.lr, (v) => v > 0),
      momentum: num(q.mom, d.momentum, (v) => v >= 0 && v < 1),
      seed: num(q.seed, d.seed, (v) => Number.isInteger(v) && v >= 0),
    },
  };
}

/** The URL keys of a state. */
export function serializeCurvatureState(s: CurvatureState): Record<string, string> {
  const e = s.edge;
  return {
    problem: s.problem, at: s.point ? `${s.point[0]},${s.point[1]}` : '', lr: Number.isFinite(s.lr) ? String(s.lr) : '',
    n: String(e.trainLimit), width: String(e.width), depth: String(e.depth), act: e.activation, loss: e.loss, steps: String(e.steps),
    every: String(e.evalEvery), lanczos: String(e.lanczosIterations), opt: e.optimizer, mlr: String(e.lr), mom: String(e.momentum), seed: String(e.seed),
  };
}

/** The `descent compare` spec of the lab's edge-of-stability task with the MLP panel's settings. */
export function edgeSpec(e: EdgeSettings): Record<string, unknown> {
  return {
    name: 'playground-curvature',
    description: 'exported from the descent playground (curvature view)',
    tasks: [{ name: 'edge-of-stability', options: { dataset: 'builtin', trainLimit: e.trainLimit, width: e.width, depth: e.depth, activation: e.activation, loss: e.loss, steps: e.steps, evalEvery: e.evalEvery, lanczosIterations: e.lanczosIterations } }],
    optimizers: [{ name: e.optimizer, options: methodOptions(e) }],
    seeds: [e.seed],
  };
}

/** The commands that compute the same from the CLI. */
export function curvatureCommand(s: CurvatureState): string {
  const [x, y] = pointOf(s);
  return [
    `# plain gradient descent from the point: along each eigenvector the error is multiplied by |1 - lr·λ| per step`,
    `npx descent trace ${s.problem} --optimizer sgd --set lr=${lrOf(s)} --start ${x},${y} --steps 50 --json`,
    `# the MLP panel: the lab's edge-of-stability task (λ₁ every ${s.edge.evalEvery} full-batch steps)`,
    `echo '${JSON.stringify(edgeSpec(s.edge))}' > curvature.json && npx descent compare curvature.json`,
  ].join('\n');
}
