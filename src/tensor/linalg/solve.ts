/** Square linear systems by LU with partial pivoting: torch.linalg.solve and torch.linalg.inv. */
import { shapeToString } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { makeResult, promoted } from '../ops/result.js';
import { luFactor, luSolve } from './kernels.js';
import { broadcastBatches, identity, inBatch, matrixAt, mT, resultStorage, squareBatch } from './matrices.js';
import { checkTensor } from '../ops/result.js';

/** Options of {@link solve}. */
export interface SolveOptions {
  /** Solve A X = B (default); false: X A = B. */
  left?: boolean;
}

const KEYS = ['left'] as const satisfies readonly (keyof SolveOptions)[];

/**
 * X with A X = B (PyTorch's `torch.linalg.solve`). A is [..., n, n]; B is [..., n, k], or a
 * batch of vectors [..., n] when B is 1-D or its shape is A's without the last axis (PyTorch's
 * rule). Batch axes broadcast. Differentiable in A and B (∂A = -Aᵀ⁻¹ G Xᵀ). A singular A
 * throws, naming the first zero pivot.
 */
export function solve(a: Tensor, b: Tensor, options: SolveOptions = {}): Tensor {
  const op = 'linalg.solve';
  squareBatch(a, op, 'A');
  checkTensor(b, op, 'B');
  checkOptions(op, options, KEYS);
  const { left = true } = options;
  if (!left) return mT(solve(mT(a), mT(b)));
  const n = a.shape[a.ndim - 1];
  const vector = b.ndim === 1 || (b.ndim === a.ndim - 1 && b.shape.every((d, i) => d === a.shape[i]));
  const bm = vector ? b.unsqueeze(-1) : b;
  if (bm.ndim < 2 || bm.shape[bm.ndim - 2] !== n) {
    throw new RangeError(
      `${op}: A of shape ${shapeToString(a.shape)} and B of shape ${shapeToString(b.shape)} do not match: ` +
        `B must be [..., ${n}, k] or a batch of vectors [..., ${n}]`,
    );
  }
  const [pa, pb] = promoted(a, bm);
  const [ea, eb] = broadcastBatches(pa, pb, op);
  const x = luSolveOp(ea, eb, op);
  return vector ? x.squeeze(-1) : x;
}

/**
 * The inverse of a square matrix or of each of a batch (PyTorch's `torch.linalg.inv`).
 * Differentiable (∂A = -A⁻ᵀ G A⁻ᵀ, itself differentiable). A singular matrix throws
 * "linalg.inv: the matrix is singular (pivot k is 0)".
 */
export function inv(a: Tensor): Tensor {
  const { batch, rows: n } = squareBatch(a, 'linalg.inv', 'A');
  const eye = identity(n, a.dtype);
  return luSolveOp(a, batch.length === 0 ? eye : eye.broadcastTo([...batch, n, n]), 'linalg.inv');
}

/** The differentiable primitive: X = A⁻¹ B for A [..., n, n] and B [..., n, k] of the same batch and dtype. */
export function luSolveOp(a: Tensor, b: Tensor, op: string): Tensor {
  const n = a.shape[a.ndim - 1];
  const k = b.shape[b.ndim - 1];
  const count = a.numel() / (n * n || 1);
  const out = resultStorage(b.dtype, count, n, k);
  for (let c = 0; c < count; c++) {
    const f = luFactor(matrixAt(a.data, c, n, n), n);
    if (f.zeroPivot) throw new RangeError(`${op}: the matrix is singular (pivot ${f.zeroPivot} is 0)${inBatch(count, c)}`);
    out.set(luSolve(f, matrixAt(b.data, c, n, k), n, k), c * n * k);
  }
  const x = makeResult(out, b.shape, op, [a, b], (g) => {
    const gb = luSolveOp(mT(a), g, op);
    return [a.requiresGrad ? gb.matmul(mT(x)).neg() : null, b.requiresGrad ? gb : null];
  });
  return x;
}
