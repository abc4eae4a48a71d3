/**
 * torch.nn.functional.embedding: rows of a weight table looked up by integer indices. The rows
 * are a gather, so the weight's gradient is a scatter-add of the output's (to every order).
 */
import { gatherFlat, Tensor } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';
import { checkTensor } from '../tensor/ops/result.js';
import { shapeToString } from '../tensor/shape.js';

export interface EmbeddingFunctionalOptions {
  /** Outputs of this row keep its value but send it no gradient (negative counts from the end). */
  paddingIdx?: number | null;
  /** Rows looked up whose normType-norm exceeds this are first rescaled in place to norm maxNorm (as PyTorch's embedding_renorm_). */
  maxNorm?: number | null;
  /** The p of the maxNorm norm; default 2. */
  normType?: number;
}

/** `weight`'s rows [numEmbeddings, dim] at `indices` (a tensor of integers, any shape): [...indices.shape, dim]. */
export function embedding(indices: Tensor, weight: Tensor, options: EmbeddingFunctionalOptions = {}): Tensor {
  return lookUpRows(indices, weight, options, 'embedding');
}

/** {@link embedding}, its errors naming `op` (the Embedding layer's own name). */
export function lookUpRows(indices: Tensor, weight: Tensor, options: EmbeddingFunctionalOptions, op: string): Tensor {
  if (!(indices instanceof Tensor)) throw new TypeError(`${op}: indices must be a Tensor of integers`);
  checkTensor(weight, op, 'weight');
  checkOptions(op, options, ['paddingIdx', 'maxNorm', 'normType']);
  if (weight.ndim !== 2) throw new RangeError(`${op}: weight must be [numEmbeddings, embeddingDim], got shape ${shapeToString(weight.shape)}`);
  const [count, dim] = weight.shape;
  const o = options ?? {};
  let pad = o.paddingIdx ?? null;
  if (pad !== null) {
    if (!Number.isInteger(pad) || pad < -count || pad >= count) throw new RangeError(`${op}: paddingIdx must be an integer in [${-count}, ${count - 1}], got ${pad}`);
    if (pad < 0) pad += count;
  }
  const flat = indices.data;
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (!Number.isInteger(v) || v < 0 || v >= count) throw new RangeError(`${op}: index ${v} at flat position ${i} is not an integer in [0, ${count - 1}]`);
  }
  if (o.maxNorm !== undefined && o.maxNorm !== null) renormRows(weight, flat, o.maxNorm, o.normType ?? 2, op);
  const rows = new Int32Array(flat.length * dim);
  const padRows = pad === null ? null : new Int32Array(flat.length * dim).fill(-1);
  for (let i = 0; i < flat.length; i++) {
    for (let j = 0; j < dim; j++) {
      const at = flat[i] * dim + j;
      if (padRows && flat[i] === pad) {
        rows[i * dim + j] = -1;
        padRows[i * dim + j] = at;
      } else rows[i * dim + j] = at;
    }
  }
  const shape = [...indices.shape, dim];
  const out = gatherFlat(weight, rows, shape);
  // The padding row's values come from a detached gather: the gathers' supports do not overlap, so the sum is exact.
  return padRows ? out.add(gatherFlat(weight.detach(), padRows, shape)) : out;
}

/** PyTorch's embedding_renorm_: each distinct row looked up with norm > maxNorm is scaled by maxNorm / (norm + 1e-7), in place. */
function renormRows(weight: Tensor, indices: ArrayLike<number>, maxNorm: number, p: number, op: string): void {
  if (typeof maxNorm !== 'number' || !(maxNorm > 0)) throw new RangeError(`${op}: maxNorm must be a positive number, got ${JSON.stringify(maxNorm)}`);
  if (typeof p !== 'number' || !(p > 0)) throw new RangeError(`${op}: normType must be a positive number, got ${JSON.stringify(p)}`);
  const dim = weight.shape[1];
  const w = weight.data;
  for (const r of new Set(Array.from(indices))) {
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const a = Math.abs(w[r * dim + j]);
      norm = p === Infinity ? Math.max(norm, a) : norm + a ** p;
    }
    if (p !== Infinity) norm **= 1 / p;
    if (norm > maxNorm) {
      const scale = maxNorm / (norm + 1e-7);
      for (let j = 0; j < dim; j++) w[r * dim + j] *= scale;
    }
  }
}
