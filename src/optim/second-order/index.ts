/**
 * Second-order and quasi-Newton methods for small and medium problems: L-BFGS, Newton,
 * Hessian-free Newton-CG and nonlinear conjugate gradient, with their shared line searches.
 * They all take a closure in `step(closure)`; see each class for what the closure returns.
 * The registry knows them as 'lbfgs', 'newton', 'newtoncg' and 'nonlinearcg' (from
 * ./catalog.ts; names are case-insensitive: createOptimizer('newtonCG', ...) works).
 */

export { LBFGS, LBFGS_OPTIONS, type LBFGSOptions } from './lbfgs.js';
export { Newton, NEWTON_OPTIONS, DampedNewtonBase, DAMPED_NEWTON_OPTIONS, type NewtonOptions, type DampedNewtonOptions, type NewtonDirection } from './newton.js';
export { NewtonCG, NEWTON_CG_OPTIONS, type NewtonCGOptions, type CgStop } from './newton-cg.js';
export { NonlinearCG, NONLINEAR_CG_OPTIONS, cgBeta, type NonlinearCGOptions, type CgBeta } from './nonlinear-cg.js';
export {
  strongWolfe, cubicInterpolate, backtracking, exactLineSearch,
  type LineObjective, type LinePoint, type LineSearchResult, type StrongWolfeOptions, type BacktrackingOptions, type BacktrackingResult, type ExactLineSearchOptions,
} from './line-search.js';
export { secondOrderMethods } from './catalog.js';
export { SecondOrderOptimizer, evaluateWithGraph, type GraphEvaluation } from './base.js';
