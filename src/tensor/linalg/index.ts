/**
 * descent's torch.linalg: decompositions (cholesky, qr, eigh, svd), solvers (solve,
 * solveTriangular, lstsq), inverses (inv, pinv), determinants (det, slogdet), norms and the
 * matrix exponential. Inputs are matrices or batches of matrices in the last two axes; values
 * are computed in float64 and returned in the input's dtype; each op is differentiable where
 * PyTorch's is, with backward rules written in differentiable ops (second derivatives work).
 */
export { cholesky, type CholeskyOptions } from './cholesky.js';
export { solve, inv, type SolveOptions } from './solve.js';
export { det, slogdet, type Slogdet } from './determinant.js';
export { solveTriangular, type SolveTriangularOptions } from './triangular.js';
export { vectorNorm, matrixNorm, type MatrixNormOrder } from './norms.js';
export { qr, type QR, type QrOptions } from './qr.js';
export { eigh, eigvalsh, type Eigh } from './eigh.js';
export { svd, svdvals, type SVD, type SvdOptions } from './svd.js';
export { lstsq, pinv, type Lstsq, type PinvOptions } from './lstsq.js';
export { matrixExp } from './matrix-exp.js';
