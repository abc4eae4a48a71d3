/**
 * Two-dimensional test functions for watching optimizers move: each has its value, its exact
 * gradient, a default start, the window drawn under the trajectory and its minima. Each is
 * also a lab task of the same name (one trajectory from the start point).
 */
import { z } from 'zod';
import { Tensor } from '../../tensor/index.js';
import { buildOptimizer, isAdaptive, type Method } from '../methods.js';
import { optionsSchema } from '../options-schema.js';
import type { TaskDef } from '../tasks.js';
import { pow } from '../../backend/math/pow.js';
// sin(2πx), cos(2πx) and powers with the same bits on every engine (a trace in the browser is the CLI's).
import { cosTwoPi, sinTwoPi } from '../../backend/math/trig.js';

export interface Function2D {
  name: string;
  title: string;
  description: string;
  f(x: number, y: number): number;
  grad(x: number, y: number): [number, number];
  start: [number, number];
  /** [xmin, xmax, ymin, ymax] of the contour plot. */
  window: [number, number, number, number];
  /** Global minimizers (or the local ones worth marking). */
  minima: [number, number][];
  /** Learning rates that give a readable trajectory, for plain SGD-like and adaptive methods. */
  lr: { sgd: number; adaptive: number };
  /** Draw contours of log(1 + f - fmin) rather than f. */
  logContours: boolean;
  /** The smallest value (for the log contours and the gap to the optimum). */
  fmin: number;
}

const ROSEN_A = 1;
const ROSEN_B = 100;

export const rosenbrock: Function2D = {
  name: 'rosenbrock',
  title: 'Rosenbrock (a = 1, b = 100)',
  description: 'f = (a - x)^2 + b (y - x^2)^2, a curved narrow valley; minimum at (1, 1)',
  f: (x, y) => (ROSEN_A - x) ** 2 + ROSEN_B * (y - x * x) ** 2,
  grad: (x, y) => [-2 * (ROSEN_A - x) - 4 * ROSEN_B * x * (y - x * x), 2 * ROSEN_B * (y - x * x)],
  start: [-1.5, 2],
  window: [-2, 2, -1, 3],
  minima: [[1, 1]],
  lr: { sgd: 1e-3, adaptive: 0.02 },
  logContours: true,
  fmin: 0,
};

export const beale: Function2D = {
  name: 'beale',
  title: 'Beale',
  description: 'f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2; minimum at (3, 0.5)',
  f: (x, y) => (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * pow(y, 3)) ** 2,
  grad: (x, y) => {
    const t1 = 1.5 - x + x * y;
    const t2 = 2.25 - x + x * y * y;
    const t3 = 2.625 - x + x * pow(y, 3);
    return [
      2 * t1 * (y - 1) + 2 * t2 * (y * y - 1) + 2 * t3 * (pow(y, 3) - 1),
      2 * t1 * x + 4 * t2 * x * y + 6 * t3 * x * y * y,
    ];
  },
  start: [1, 1.5],
  window: [-4.5, 4.5, -4.5, 4.5],
  minima: [[3, 0.5]],
  lr: { sgd: 1e-3, adaptive: 0.02 },
  logContours: true,
  fmin: 0,
};

export const himmelblau: Function2D = {
  name: 'himmelblau',
  title: 'Himmelblau',
  description: 'f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2, four minima of value 0',
  f: (x, y) => (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
  grad: (x, y) => [4 * x * (x * x + y - 11) + 2 * (x + y * y - 7), 2 * (x * x + y - 11) + 4 * y * (x + y * y - 7)],
  start: [0, 0],
  window: [-5, 5, -5, 5],
  minima: [
    [3, 2],
    [-2.805118, 3.131312],
    [-3.77931, -3.283186],
    [3.584428, -1.848126],
  ],
  lr: { sgd: 5e-3, adaptive: 0.05 },
  logContours: true,
  fmin: 0,
};

export const saddle: Function2D = {
  name: 'saddle',
  title: 'Saddle (x^2 - y^2 + y^4/4)',
  description: 'f = x^2 - y^2 + y^4/4: a saddle at the origin between minima at (0, ±sqrt(2)); starts next to the saddle',
  f: (x, y) => x * x - y * y + 0.25 * pow(y, 4),
  grad: (x, y) => [2 * x, -2 * y + pow(y, 3)],
  start: [1.5, 1e-3],
  window: [-2, 2, -2.2, 2.2],
  minima: [
    [0, Math.SQRT2],
    [0, -Math.SQRT2],
  ],
  lr: { sgd: 0.05, adaptive: 0.05 },
  logContours: false,
  fmin: -1,
};

const KAPPA_2D = 50;

export const quadratic2d: Function2D = {
  name: 'quadratic',
  title: `Ill-conditioned quadratic (kappa = ${KAPPA_2D})`,
  description: `f = (x^2 + ${KAPPA_2D} y^2) / 2: condition number ${KAPPA_2D}; minimum at the origin`,
  f: (x, y) => 0.5 * (x * x + KAPPA_2D * y * y),
  grad: (x, y) => [x, KAPPA_2D * y],
  start: [-4, 1],
  window: [-5, 5, -2, 2],
  minima: [[0, 0]],
  lr: { sgd: 1.9 / KAPPA_2D, adaptive: 0.1 },
  logContours: false,
  fmin: 0,
};

export const rastrigin: Function2D = {
  name: 'rastrigin',
  title: 'Rastrigin',
  description: 'f = 20 + sum(x_i^2 - 10 cos(2 pi x_i)): a bowl covered in local minima; global minimum at the origin',
  f: (x, y) => 20 + x * x - 10 * cosTwoPi(x) + y * y - 10 * cosTwoPi(y),
  grad: (x, y) => [2 * x + 20 * Math.PI * sinTwoPi(x), 2 * y + 20 * Math.PI * sinTwoPi(y)],
  start: [3.2, -2.7],
  window: [-5.12, 5.12, -5.12, 5.12],
  minima: [[0, 0]],
  lr: { sgd: 2e-3, adaptive: 0.05 },
  logContours: false,
  fmin: 0,
};

export const functions2d: readonly Function2D[] = [rosenbrock, beale, himmelblau, saddle, quadratic2d, rastrigin];

export function getFunction2D(name: string): Function2D | undefined {
  return functions2d.find((f) => f.name === name.toLowerCase());
}

/** Distance from (x, y) to the nearest listed minimum. */
export function distanceToMinimum(fn: Function2D, x: number, y: number): number {
  return Math.min(...fn.minima.map(([a, b]) => Math.hypot(x - a, y - b)));
}

/** The start point and the point after every step, with f at each. */
export interface Trajectory {
  points: [number, number][];
  losses: number[];
}

/** Runs a method on a 2D function and returns the start and the point after every step. */
export function runFunction2D(fn: Function2D, method: Method, steps: number, start: [number, number] = fn.start): Trajectory {
  const p = new Tensor(Float64Array.from(start), [2]);
  p.requiresGrad = true;
  const opt = buildOptimizer(method, [p]);
  const points: [number, number][] = [[start[0], start[1]]];
  const losses = [fn.f(start[0], start[1])];
  // The closure recomputes the gradient, so methods that evaluate several points per step
  // (line searches, L-BFGS) work too.
  const closure = (): number => {
    const [gx, gy] = fn.grad(p.data[0], p.data[1]);
    p.grad = new Tensor(Float64Array.of(gx, gy), [2]);
    return fn.f(p.data[0], p.data[1]);
  };
  for (let t = 0; t < steps; t++) {
    closure();
    opt.step(closure);
    const x = p.data[0];
    const y = p.data[1];
    points.push([x, y]);
    losses.push(fn.f(x, y));
  }
  return { points, losses };
}

const point = z.tuple([z.number(), z.number()]);

/** The task of a 2D function: `steps` steps from `start`; the default lr is the function's own. */
function function2DTask(fn: Function2D): TaskDef {
  return {
    name: fn.name,
    title: fn.title,
    description: `2D test function: ${fn.description}`,
    schema: optionsSchema({ steps: z.number().int().positive().default(500), start: point.default(fn.start) }),
    primary: { metric: 'loss', goal: 'min' },
    defaultLr: (m) => (isAdaptive(m) ? fn.lr.adaptive : fn.lr.sgd),
    run(config, options) {
      const steps = options.steps as number;
      const tr = runFunction2D(fn, config.method, steps, options.start as [number, number]);
      const [x, y] = tr.points[tr.points.length - 1];
      return {
        steps: { step: tr.losses.map((_, i) => i), loss: tr.losses, x: tr.points.map((q) => q[0]), y: tr.points.map((q) => q[1]) },
        final: { loss: fn.f(x, y), gap: fn.f(x, y) - fn.fmin, distance: distanceToMinimum(fn, x, y), x, y },
      };
    },
  };
}

/** One task per 2D function, named as the function. */
export const functions2dTasks: readonly TaskDef[] = functions2d.map(function2DTask);
