/**
 * Gradient checking: compares the gradients autodiff computes with central finite differences,
 * in float64. Used by the test suite for every op, and public for users' own functions.
 */
import { Tensor } from './tensor.js';
import { grad } from './functional.js';
import { Generator } from './random.js';
import { enableGrad, noGrad } from './autograd.js';
import { checkOptions } from './options.js';

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-4). */
  rtol?: number;
  /** Seed of the random projection of a non-scalar output (default 0). */
  seed?: number;
}

const GRADCHECK_KEYS = ['eps', 'atol', 'rtol', 'seed'] as const satisfies readonly (keyof GradcheckOptions)[];

export interface GradcheckResult {
  ok: boolean;
  /** Largest |analytic - numeric| - rtol |numeric| found; <= atol when ok. */
  worst: number;
  /** Where the worst disagreement is, and its two values. */
  detail: string;
}

/**
 * Checks the gradient of `f` at `inputs` (converted to float64). A non-scalar output is reduced
 * to a scalar with fixed random weights first, which checks the full vector-Jacobian product.
 */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  checkOptions('gradcheck', options, GRADCHECK_KEYS);
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-4, seed = 0 } = options;
  const xs = inputs.map((x) => x.detach().double());
  const probe = noGrad(() => f(...xs));
  const rng = new Generator(seed);
  const weights = Tensor.fill(probe.shape, 0, 'float64');
  for (let i = 0; i < weights.numel(); i++) weights.data[i] = rng.uniform(0.5, 1.5) * (rng.random() < 0.5 ? -1 : 1);
  const scalar = (...a: Tensor[]): Tensor => f(...a).double().mul(weights).sum();

  const analytic = enableGrad(() => grad(scalar, { argnums: xs.map((_, i) => i) })(...xs)) as Tensor[];
  let worst = -Infinity;
  let detail = 'no elements';
  noGrad(() => {
    xs.forEach((x, k) => {
      for (let i = 0; i < x.numel(); i++) {
        const saved = x.data[i];
        x.data[i] = saved + eps;
        const up = scalar(...xs).item();
        x.data[i] = saved - eps;
        const down = scalar(...xs).item();
        x.data[i] = saved;
        const numeric = (up - down) / (2 * eps);
        const got = analytic[k].data[i];
        // A NaN on either side (autodiff, or a finite difference that left the domain) is the
        // worst possible disagreement; it must not be overwritten by later good elements.
        const diff = Math.abs(got - numeric) - rtol * Math.abs(numeric);
        const err = Number.isNaN(diff) ? Infinity : diff;
        if (err > worst) {
          worst = err;
          detail = `input ${k}, flat index ${i}: autodiff ${got}, finite differences ${numeric}`;
        }
      }
    });
  });
  return { ok: worst <= atol, worst, detail };
}

/**
 * Checks second derivatives: the gradient of <grad f(x), w> for fixed random w, which exercises
 * every backward rule's own backward.
 */
export function gradgradcheck(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  checkOptions('gradgradcheck', options, GRADCHECK_KEYS);
  const rng = new Generator((options.seed ?? 0) + 1);
  const xs = inputs.map((x) => x.detach().double());
  const probe = noGrad(() => f(...xs));
  const weights = Tensor.fill(probe.shape, 0, 'float64');
  for (let i = 0; i < weights.numel(); i++) weights.data[i] = rng.uniform(-1, 1);
  const directions = xs.map((x) => {
    const u = Tensor.fill(x.shape, 0, 'float64');
    for (let i = 0; i < u.numel(); i++) u.data[i] = rng.uniform(-1, 1);
    return u;
  });
  const first = (...a: Tensor[]): Tensor => {
    const gs = grad((...b: Tensor[]) => f(...b).double().mul(weights).sum(), { argnums: a.map((_, i) => i) })(...a) as Tensor[];
    return gs.map((g, k) => g.mul(directions[k]).sum()).reduce((p, q) => p.add(q));
  };
  return gradcheck(first, xs, { ...options, eps: options.eps ?? 1e-5, atol: options.atol ?? 1e-4 });
}
