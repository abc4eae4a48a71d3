/**
 * Functions on vectors laid along one axis, as torch.nn.functional has them: Lp normalization,
 * cosine similarity, pairwise distance, and one-hot encoding of class indices.
 */
import { broadcastShapes, Tensor, zeros } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';

function checkTensor(op: string, x: unknown, what: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${what} must be a Tensor, got ${typeof x}`);
}

function resolveDim(op: string, dim: number, ndim: number): number {
  if (!Number.isInteger(dim) || dim < -ndim || dim >= Math.max(ndim, 1)) {
    throw new RangeError(`${op}: dim ${dim} is out of range for a tensor with ${ndim} dimensions (expected an integer in [${-ndim}, ${ndim - 1}])`);
  }
  return dim < 0 ? dim + ndim : dim;
}

function checkP(op: string, p: number): void {
  if (typeof p !== 'number' || !(p > 0)) throw new RangeError(`${op}: p must be a positive number (Infinity for the max norm), got ${p}`);
}

/** The p-norm along `dim`; 1, 2 and Infinity use the engine's norm (exact gradient at 0), other p sum |x|^p. */
function pNorm(x: Tensor, p: number, dim: number, keepDims: boolean): Tensor {
  if (p === 1 || p === 2) return x.norm(p, dim, keepDims);
  if (p === Infinity) return x.norm('inf', dim, keepDims);
  return x.abs().pow(p).sum(dim, keepDims).pow(1 / p);
}

export interface NormalizeOptions {
  /** The norm's exponent (default 2; Infinity for the max norm). */
  p?: number;
  /** The axis of the vectors (default 1, as PyTorch). */
  dim?: number;
  /** Smallest divisor, so zero vectors stay zero (default 1e-12). */
  eps?: number;
}

/** x / max(||x||_p, eps) along `dim`: PyTorch's normalize. */
export function normalize(x: Tensor, options: NormalizeOptions = {}): Tensor {
  checkOptions('normalize', options, ['p', 'dim', 'eps']);
  checkTensor('normalize', x, 'input');
  const p = options.p ?? 2;
  checkP('normalize', p);
  const dim = resolveDim('normalize', options.dim ?? 1, x.ndim);
  return x.div(pNorm(x, p, dim, true).clamp(options.eps ?? 1e-12));
}

export interface CosineSimilarityOptions {
  /** The axis of the vectors (default 1, as PyTorch). */
  dim?: number;
  /** Smallest norm, so zero vectors give 0 (default 1e-8). */
  eps?: number;
}

/**
 * x1 . x2 / (max(||x1||, eps) max(||x2||, eps)) along `dim`, the inputs broadcast together:
 * PyTorch's cosine_similarity.
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, options: CosineSimilarityOptions = {}): Tensor {
  checkOptions('cosineSimilarity', options, ['dim', 'eps']);
  checkTensor('cosineSimilarity', x1, 'x1');
  checkTensor('cosineSimilarity', x2, 'x2');
  const shape = broadcastShapes(x1.shape, x2.shape, 'cosineSimilarity');
  const dim = resolveDim('cosineSimilarity', options.dim ?? 1, shape.length);
  const eps = options.eps ?? 1e-8;
  const a = x1.broadcastTo(shape);
  const b = x2.broadcastTo(shape);
  return a.mul(b).sum(dim).div(a.norm(2, dim).clamp(eps).mul(b.norm(2, dim).clamp(eps)));
}

export interface PairwiseDistanceOptions {
  /** The norm's exponent (default 2). */
  p?: number;
  /** Added to the difference, so equal vectors have a differentiable distance (default 1e-6). */
  eps?: number;
  /** Keep the reduced last axis as 1 (default false). */
  keepDim?: boolean;
}

/** ||x1 - x2 + eps||_p over the last axis, the inputs broadcast together: PyTorch's pairwise_distance. */
export function pairwiseDistance(x1: Tensor, x2: Tensor, options: PairwiseDistanceOptions = {}): Tensor {
  checkOptions('pairwiseDistance', options, ['p', 'eps', 'keepDim']);
  checkTensor('pairwiseDistance', x1, 'x1');
  checkTensor('pairwiseDistance', x2, 'x2');
  const p = options.p ?? 2;
  checkP('pairwiseDistance', p);
  const d = x1.sub(x2).add(options.eps ?? 1e-6);
  if (d.ndim === 0) throw new RangeError('pairwiseDistance: inputs must have at least one dimension, got scalars');
  return pNorm(d, p, d.ndim - 1, options.keepDim ?? false);
}

/**
 * One-hot rows: for class indices of any shape (int32 or a float tensor of integers), a tensor of shape
 * [...indices.shape, numClasses] with 1 at each index (PyTorch's one_hot; numClasses -1, the
 * default, means max index + 1). Not differentiable: indices are labels.
 */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  checkTensor('oneHot', indices, 'indices');
  const d = indices.data;
  let max = -1;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isInteger(d[i]) || d[i] < 0) throw new RangeError(`oneHot: index ${d[i]} at flat position ${i} is not a non-negative integer`);
    if (d[i] > max) max = d[i];
  }
  const k = numClasses === -1 ? max + 1 : numClasses;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`oneHot: numClasses must be a positive integer (or -1 to infer it), got ${numClasses}${numClasses === -1 ? ' with no indices to infer from' : ''}`);
  if (max >= k) throw new RangeError(`oneHot: index ${max} is not a class in [0, ${k - 1}] (numClasses ${k})`);
  const out = zeros([...indices.shape, k], { dtype: indices.dtype });
  for (let i = 0; i < d.length; i++) out.data[i * k + d[i]] = 1;
  return out;
}
