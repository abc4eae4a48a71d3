/**
 * The second-order and quasi-Newton methods' registry entries (the registry reads this list).
 * None is adaptive in the first-order sense: their steps come from curvature and line
 * searches, not from gradient statistics.
 */
import type { OptimizerEntry } from '../registry.js';
import { LBFGS, LBFGS_OPTIONS } from './lbfgs.js';
import { Newton, NEWTON_OPTIONS } from './newton.js';
import { NewtonCG, NEWTON_CG_OPTIONS } from './newton-cg.js';
import { NonlinearCG, NONLINEAR_CG_OPTIONS } from './nonlinear-cg.js';

/** L-BFGS, Newton, Newton-CG and nonlinear CG by name (names are case-insensitive). */
export const secondOrderMethods: readonly OptimizerEntry[] = [
  {
    name: 'lbfgs',
    doc: 'L-BFGS with an optional strong Wolfe line search (torch.optim.LBFGS semantics); step(closure), closure calls backward',
    source: 'Liu & Nocedal 1989; Nocedal & Wright 2006, ch. 7.2 (Algorithm 7.4)',
    formula: 'd = -H_k g by the two-loop recursion over the last m pairs (s, y), H_0 = (sᵀy / yᵀy) I;  x += t d',
    adaptive: false,
    options: LBFGS_OPTIONS,
    create: (params, options) => new LBFGS(params, options),
  },
  {
    name: 'newton',
    doc: "Newton's method with the Hessian assembled from Hessian-vector products, damping and line search; step(closure), closure returns the loss tensor",
    source: 'Nocedal & Wright 2006, ch. 3.3-3.4 (Algorithm 3.3 for the identity shift)',
    formula: '(H + λI + τI) p = -g;  x += t p',
    adaptive: false,
    options: NEWTON_OPTIONS,
    create: (params, options) => new Newton(params, options),
  },
  {
    name: 'newtonCG',
    doc: 'Hessian-free Newton: truncated CG on (H + λI) p = -g with Hessian-vector products, negative-curvature exit, line search; step(closure), closure returns the loss tensor',
    source: 'Nocedal & Wright 2006, Algorithm 7.1; Martens 2010 (ICML), Hessian-free optimization',
    formula: 'p ≈ argmin gᵀp + ½ pᵀ(H + λI)p by CG until |r| <= η|g|;  x += t p',
    adaptive: false,
    options: NEWTON_CG_OPTIONS,
    create: (params, options) => new NewtonCG(params, options),
  },
  {
    name: 'nonlinearCG',
    doc: 'Nonlinear conjugate gradient (Fletcher-Reeves, Polak-Ribière+, Hestenes-Stiefel, Dai-Yuan) with restarts and a strong Wolfe line search; step(closure), closure calls backward',
    source: 'Nocedal & Wright 2006, ch. 5.2 (Algorithm 5.4, eqs. 5.41a, 5.45, 5.46, 5.49, 5.52)',
    formula: 'd_{k+1} = -g_{k+1} + β_{k+1} d_k;  x += t d (strong Wolfe t)',
    adaptive: false,
    options: NONLINEAR_CG_OPTIONS,
    create: (params, options) => new NonlinearCG(params, options),
  },
];
