/**
 * Running and product reductions along one axis (issue 19): cumsum, cumprod and prod. Their
 * backward rules are tensor ops (cumsum, flips, slices), so second derivatives work, and they
 * stay exact where inputs are 0.
 */
import { allocate } from '../dtype.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { concat, indexSelect, slice } from './indexing.js';
import { checkTensor, makeResult } from './result.js';

/** x's axis `axis` as (outer, n, inner) for row-major loops. */
function layout(x: Tensor, axis: number): [number, number, number] {
  return [sizeOf(x.shape.slice(0, axis)), x.shape[axis], sizeOf(x.shape.slice(axis + 1))];
}

/** Runs `step(previous, value)` along `axis`, starting from the first element of each line. */
function scanRaw(x: Tensor, axis: number, step: (acc: number, v: number) => number): Tensor {
  const [outer, n, inner] = layout(x, axis);
  const out = allocate(x.dtype, x.size);
  const d = x.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let at = o * n * inner + i;
      let acc = d[at];
      out[at] = acc;
      for (let k = 1; k < n; k++) {
        at += inner;
        acc = step(acc, d[at]);
        out[at] = acc;
      }
    }
  }
  return new Tensor(out, x.shape);
}

/** x reversed along `axis` (differentiable: an indexSelect). */
function flip(x: Tensor, axis: number): Tensor {
  const n = x.shape[axis];
  return indexSelect(x, axis, Array.from({ length: n }, (_, i) => n - 1 - i));
}

/** x shifted one place along `axis`, a 1 entering first and the last entry dropped. */
function shiftInOne(x: Tensor, axis: number): Tensor {
  const one = Tensor.fill(x.shape.map((d, i) => (i === axis ? 1 : d)), 1, x.dtype);
  return x.shape[axis] === 1 ? one : concat([one, slice(x, axis, 0, -1)], axis);
}

/** The sums of x from each position to the end of `axis`: the adjoint of cumsum. */
function reverseCumsum(x: Tensor, axis: number): Tensor {
  return flip(cumsum(flip(x, axis), axis), axis);
}

/** The running sum along `axis` (torch.cumsum): out[k] = x[0] + ... + x[k]. */
export function cumsum(x: Tensor, axis: number): Tensor {
  checkTensor(x, 'cumsum');
  const a = normalizeAxis(axis, Math.max(x.ndim, 1), 'cumsum');
  if (x.ndim === 0) return makeResult(x.data.slice(), [], 'cumsum', [x], (g) => [g]);
  const y = scanRaw(x, a, (acc, v) => acc + v);
  return makeResult(y.data, x.shape, 'cumsum', [x], (g) => [reverseCumsum(g, a)]);
}

/**
 * The running product along `axis` (torch.cumprod): out[k] = x[0] · ... · x[k]. The gradient is
 * exact where entries are 0 (as PyTorch's): without zeros it is reverseCumsum(g · y) / x; with
 * zeros, grad[k] = (x[0] ··· x[k-1]) · s[k] with s[k] = g[k] + x[k+1] · s[k+1], built slice by
 * slice along the axis (one small op per position, so slower for long axes).
 */
export function cumprod(x: Tensor, axis: number): Tensor {
  checkTensor(x, 'cumprod');
  const a = normalizeAxis(axis, Math.max(x.ndim, 1), 'cumprod');
  if (x.ndim === 0) return makeResult(x.data.slice(), [], 'cumprod', [x], (g) => [g]);
  const data = scanRaw(x, a, (acc, v) => acc * v).data;
  let y: Tensor;
  y = makeResult(data, x.shape, 'cumprod', [x], (g) => {
    if (x.shape[a] === 0) return [g];
    if (!x.data.includes(0)) return [reverseCumsum(g.mul(y), a).div(x)];
    const n = x.shape[a];
    const s: Tensor[] = new Array<Tensor>(n);
    s[n - 1] = slice(g, a, n - 1, n);
    for (let k = n - 2; k >= 0; k--) s[k] = slice(g, a, k, k + 1).add(slice(x, a, k + 1, k + 2).mul(s[k + 1]));
    return [cumprod(shiftInOne(x, a), a).mul(concat(s, a))];
  });
  return y;
}

/**
 * The product of all elements, or along `axis` (torch.prod); an empty product is 1. The gradient
 * of each entry is the product of all the others (left and right exclusive cumprods), so it is
 * right with one or more zeros, as PyTorch's.
 */
export function prod(x: Tensor, axis?: number, keepDims = false): Tensor {
  checkTensor(x, 'prod');
  if (axis === undefined) {
    const all = prod(x.reshape([x.size]), 0);
    return all.reshape(keepDims ? x.shape.map(() => 1) : []);
  }
  const a = normalizeAxis(axis, Math.max(x.ndim, 1), 'prod');
  if (x.ndim === 0) return makeResult(x.data.slice(), [], 'prod', [x], (g) => [g]);
  const [outer, n, inner] = layout(x, a);
  const kept = x.shape.map((d, i) => (i === a ? 1 : d));
  const out = allocate(x.dtype, outer * inner).fill(1);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < inner; i++) out[o * inner + i] *= x.data[(o * n + k) * inner + i];
    }
  }
  const shape = keepDims ? kept : x.shape.filter((_, i) => i !== a);
  return makeResult(out, shape, 'prod', [x], (g) => {
    if (n === 0) return [Tensor.fill(x.shape, 0, x.dtype)];
    const left = cumprod(shiftInOne(x, a), a);
    const right = flip(cumprod(shiftInOne(flip(x, a), a), a), a);
    return [g.reshape(kept).mul(left.mul(right))];
  });
}
