/** Matrix products: batched with broadcasting (NumPy's matmul rules), and the linear map. */
import { kernels } from '../../backend/registry.js';
import { allocateForWrite, requireFloating } from '../dtype.js';
import { broadcastShapes, sameShape, shapeToString, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, makeResult, promoted } from './result.js';

/**
 * The matrix product with NumPy semantics: 1-D operands are promoted to a row (left) or a
 * column (right) vector and the added axis removed again; leading batch axes broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  requireFloating(checkTensor(a, 'matmul', 'first operand').dtype, 'matmul', 'first operand');
  requireFloating(checkTensor(b, 'matmul', 'second operand').dtype, 'matmul', 'second operand');
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RangeError(`matmul: operands must have at least one dimension, got shapes ${shapeToString(a.shape)} and ${shapeToString(b.shape)}`);
  }
  let [pa, pb] = promoted(a, b);
  const k = pa.shape[pa.ndim - 1];
  const kb = pb.ndim === 1 ? pb.shape[0] : pb.shape[pb.ndim - 2];
  if (k !== kb) {
    throw new RangeError(
      `matmul: shapes ${shapeToString(a.shape)} and ${shapeToString(b.shape)} are not aligned: ` +
        `the last dimension of the first (${k}) must equal the ${b.ndim === 1 ? 'only' : 'second-to-last'} dimension of the second (${kb})`,
    );
  }
  const vecA = pa.ndim === 1;
  const vecB = pb.ndim === 1;
  if (vecA) pa = pa.reshape(1, k);
  if (vecB) pb = pb.reshape(k, 1);
  let out: Tensor;
  const aBatch = pa.shape.slice(0, -2);
  const bBatch = pb.shape.slice(0, -2);
  if (bBatch.length === 0) {
    // Fold a's batch axes into its rows: one large GEMM instead of many small ones.
    const m = pa.shape[pa.ndim - 2];
    const flat = gemmOp(pa.reshape(sizeOf(aBatch) * m, k), pb, false, false);
    out = flat.reshape(...aBatch, m, pb.shape[1]);
  } else {
    let batch: number[];
    try {
      batch = broadcastShapes(aBatch, bBatch, 'matmul');
    } catch {
      throw new RangeError(
        `matmul: the batch dimensions ${shapeToString(aBatch)} of ${shapeToString(a.shape)} and ${shapeToString(bBatch)} of ${shapeToString(b.shape)} ` +
          'cannot be broadcast together (aligned from the right, each pair must be equal or one of them 1)',
      );
    }
    const ea = sameShape(aBatch, batch) ? pa : pa.broadcastTo([...batch, ...pa.shape.slice(-2)]);
    const eb = sameShape(bBatch, batch) ? pb : pb.broadcastTo([...batch, ...pb.shape.slice(-2)]);
    out = gemmOp(ea, eb, false, false);
  }
  if (vecA) out = out.squeeze(-2);
  if (vecB) out = out.squeeze(-1);
  return out;
}

/** The inner product of two vectors of the same length. */
export function dot(a: Tensor, b: Tensor): Tensor {
  requireFloating(checkTensor(a, 'dot').dtype, 'dot');
  requireFloating(checkTensor(b, 'dot').dtype, 'dot');
  if (a.ndim !== 1 || b.ndim !== 1 || a.numel() !== b.numel()) {
    throw new RangeError(`dot: expected two vectors of the same length, got shapes ${shapeToString(a.shape)} and ${shapeToString(b.shape)}`);
  }
  return matmul(a, b);
}

/** x W^T + b, the affine map of a linear layer (W is [out, in], as in PyTorch). */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  requireFloating(checkTensor(x, 'linear').dtype, 'linear');
  requireFloating(checkTensor(weight, 'linear', 'weight').dtype, 'linear', 'weight');
  if (weight.ndim !== 2) throw new RangeError(`linear: weight must be 2-D [out, in], got shape ${shapeToString(weight.shape)}`);
  const inFeatures = weight.shape[1];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inFeatures) {
    throw new RangeError(`linear: input of shape ${shapeToString(x.shape)} does not end in ${inFeatures} features, as weight ${shapeToString(weight.shape)} expects`);
  }
  const lead = x.shape.slice(0, -1);
  const [xx, w] = promoted(x, weight);
  const x2 = xx.reshape(sizeOf(lead), inFeatures);
  const n = weight.shape[0];
  if (bias && bias.ndim === 1 && bias.numel() === n && bias.dtype === xx.dtype) return linearWithBias(x2, w, bias, lead);
  let y = gemmOp(x2, w, false, true).reshape(...lead, n);
  if (bias) y = y.add(bias);
  return y;
}

/**
 * x W^T + b as one op, as PyTorch's addmm computes it: the bias is copied into every row of
 * the output and the GEMM adds x W^T to it (beta = 1), without a broadcast add's extra array
 * and pass. (An element loop adding the bias after the GEMM took ~80 us on a 128 x 256 output,
 * a tenth of a small MLP's step; the row copies are memcpys.) The gradients are those of
 * gemmOp(x, W, false, true) and, for b, g summed over rows.
 */
function linearWithBias(x2: Tensor, w: Tensor, bias: Tensor, lead: readonly number[]): Tensor {
  const [m, k] = x2.shape;
  const n = w.shape[0];
  const out = allocateForWrite(x2.dtype, m * n, () => `linear: output shape ${shapeToString([m, n])}`);
  const b = bias.data.subarray(0, n);
  // The same array type as out (linear checked the dtypes); TypeScript cannot pair the unions.
  for (let i = 0; i < m; i++) out.set(b as never, i * n);
  kernels().gemm({
    transA: false, transB: true, m, n, k, alpha: 1, beta: 1,
    a: x2.data, aOffset: 0, lda: k, b: w.data, bOffset: 0, ldb: k, c: out, cOffset: 0, ldc: n,
  });
  return makeResult(out, [...lead, n], 'linear', [x2, w, bias], (g) => {
    const g2 = g.reshape(m, n);
    return [
      x2.requiresGrad ? gemmOp(g2, w, false, false) : null,
      w.requiresGrad ? gemmOp(g2, x2, true, false) : null,
      bias.requiresGrad ? g2.sum(0) : null,
    ];
  });
}

/**
 * op(A) op(B) for operands with equal batch axes; op transposes the last two axes when its flag
 * is set. Transposition happens inside the kernel, never by copying, and the backward rules
 * are products of the same kind.
 */
export function gemmOp(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const batch = a.shape.slice(0, -2);
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const n = transB ? br : bc;
  const count = sizeOf(batch);
  // beta 0 below: the product overwrites every element, so a pooled array need not be zeroed.
  const out = allocateForWrite(a.dtype, count * m * n, () => `matmul: output shape ${shapeToString([...batch, m, n])}`);
  const kern = kernels();
  for (let i = 0; i < count; i++) {
    kern.gemm({
      transA, transB, m, n, k, alpha: 1, beta: 0,
      a: a.data, aOffset: i * ar * ac, lda: ac,
      b: b.data, bOffset: i * br * bc, ldb: bc,
      c: out, cOffset: i * m * n, ldc: n,
    });
  }
  return makeResult(out, [...batch, m, n], 'matmul', [a, b], (g) => {
    // C = op(A) op(B): dA and dB as products with g, arranged so no transpose is materialized.
    const ga = !a.requiresGrad ? null
      : transA ? (transB ? gemmOp(b, g, true, true) : gemmOp(b, g, false, true))
      : transB ? gemmOp(g, b, false, false) : gemmOp(g, b, false, true);
    const gb = !b.requiresGrad ? null
      : transB ? (transA ? gemmOp(g, a, true, true) : gemmOp(g, a, true, false))
      : transA ? gemmOp(a, g, false, false) : gemmOp(a, g, true, false);
    return [ga, gb];
  });
}
