/** Triangular solves: torch.linalg.solve_triangular. */
import { shapeToString } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { makeResult, promoted } from '../ops/result.js';
import { backSubstitute, forwardSubstitute } from './kernels.js';
import { broadcastBatches, inBatch, matrixAt, matrixBatch, mT, resultStorage, squareBatch, tril, triu } from './matrices.js';

/** Options of {@link solveTriangular}; `upper` is required, as in PyTorch. */
export interface SolveTriangularOptions {
  /** A is upper triangular (its strict lower triangle is ignored); false: lower. */
  upper: boolean;
  /** Solve A X = B (default); false: X A = B. */
  left?: boolean;
  /** A's diagonal is taken to be all ones (it is not read). */
  unitriangular?: boolean;
}

const KEYS = ['upper', 'left', 'unitriangular'] as const satisfies readonly (keyof SolveTriangularOptions)[];

/**
 * X with A X = B (or X A = B when `left: false`) for triangular A, reading only A's triangle
 * (PyTorch's `torch.linalg.solve_triangular`). A is [..., n, n], B is [..., n, k] (left) or
 * [..., k, n] (right); batch axes broadcast. Differentiable in A and B.
 */
export function solveTriangular(a: Tensor, b: Tensor, options: SolveTriangularOptions): Tensor {
  const op = 'linalg.solveTriangular';
  squareBatch(a, op, 'A');
  matrixBatch(b, op, 'B');
  checkOptions(op, options, KEYS);
  if (typeof options?.upper !== 'boolean') throw new TypeError(`${op}: options.upper (true or false) is required, as in PyTorch`);
  const { upper, left = true, unitriangular = false } = options;
  const n = a.shape[a.ndim - 1];
  const bn = left ? b.shape[b.ndim - 2] : b.shape[b.ndim - 1];
  if (bn !== n) {
    throw new RangeError(
      `${op}: A of shape ${shapeToString(a.shape)} and B of shape ${shapeToString(b.shape)} do not match: ` +
        `B's ${left ? 'rows' : 'columns'} (${bn}) must equal A's size (${n})`,
    );
  }
  const [pa, pb] = promoted(a, b);
  const [ea, eb] = broadcastBatches(pa, pb, op);
  return left ? triangularSolve(ea, eb, upper, unitriangular) : mT(triangularSolve(mT(ea), mT(eb), !upper, unitriangular));
}

/** The differentiable primitive: A X = B for A, B of the same batch shape and dtype. */
export function triangularSolve(a: Tensor, b: Tensor, upper: boolean, unit: boolean): Tensor {
  const n = a.shape[a.ndim - 1];
  const k = b.shape[b.ndim - 1];
  const count = b.numel() / (n * k || 1);
  const out = resultStorage(b.dtype, count, n, k);
  for (let c = 0; c < count; c++) {
    const t = matrixAt(a.data, c, n, n);
    if (!unit) {
      for (let i = 0; i < n; i++) {
        if (t[i * n + i] === 0) throw new RangeError(`linalg.solveTriangular: the matrix is singular (diagonal element ${i + 1} is 0)${inBatch(count, c)}`);
      }
    }
    const x = matrixAt(b.data, c, n, k);
    (upper ? backSubstitute : forwardSubstitute)(t, x, n, k, unit);
    out.set(x, c * n * k);
  }
  const x = makeResult(out, b.shape, 'solveTriangular', [a, b], (g) => {
    const gb = triangularSolve(mT(a), g, !upper, unit);
    const full = gb.matmul(mT(x)).neg();
    const ga = upper ? triu(full, unit ? 1 : 0) : tril(full, unit ? -1 : 0);
    return [a.requiresGrad ? ga : null, gb];
  });
  return x;
}

