export { LBFGS, LBFGS_OPTIONS, type LBFGSOptions } from './lbfgs.js';
export { strongWolfe, cubicInterpolate, backtracking, exactLineSearch } from './line-search.js';
