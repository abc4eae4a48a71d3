/**
 * Running and product reductions along one axis: cumsum, cumprod and prod. Their
 * backward rules are tensor ops (cumsum, flips, masks), so second derivatives work, and they
 * stay exact where inputs are 0 (no division by an input that is 0).
 */
import { kernels } from '../../backend/registry.js';
import { allocate } from '../dtype.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { concat, indexSelect, slice } from './indexing.js';
import { checkTensor, makeResult } from './result.js';

/** bool and uint8 are counted in int32 (PyTorch: int64), so sums and products do not clamp or wrap at 255. */
const widenSmallIntegers = (x: Tensor): Tensor => (x.dtype === 'bool' || x.dtype === 'uint8' ? x.to('int32') : x);

/** x's axis `axis` as (outer, n, inner) for row-major loops. */
function layout(x: Tensor, axis: number): [number, number, number] {
  return [sizeOf(x.shape.slice(0, axis)), x.shape[axis], sizeOf(x.shape.slice(axis + 1))];
}

/** Runs `step(previous, value)` along `axis`, starting from the first element of each line. */
function scanRaw(x: Tensor, axis: number, step: (acc: number, v: number) => number): Tensor {
  const [outer, n, inner] = layout(x, axis);
  const out = allocate(x.dtype, x.numel());
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
  const wide = widenSmallIntegers(checkTensor(x, 'cumsum'));
  const a = normalizeAxis(axis, Math.max(wide.ndim, 1), 'cumsum');
  if (wide.ndim === 0) return makeResult(wide.data.slice(), [], 'cumsum', [wide], (g) => [g]);
  const [outer, n, inner] = layout(wide, a);
  const out = allocate(wide.dtype, wide.numel());
  kernels().cumsum(wide.data, outer, n, inner, out);
  return makeResult(out, wide.shape, 'cumsum', [wide], (g) => [reverseCumsum(g, a)]);
}

/** Masks (constant tensors) of each line's positions before, at and after its first 0 along `axis`. */
function aroundFirstZero(x: Tensor, axis: number): { before: Tensor; at: Tensor; after: Tensor } {
  const [outer, n, inner] = layout(x, axis);
  const before = allocate(x.dtype, x.numel());
  const at = allocate(x.dtype, x.numel());
  const after = allocate(x.dtype, x.numel());
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let seen = false;
      for (let k = 0; k < n; k++) {
        const p = (o * n + k) * inner + i;
        if (seen) {
          after[p] = 1;
        } else if (x.data[p] === 0) {
          at[p] = 1;
          seen = true;
        } else {
          before[p] = 1;
        }
      }
    }
  }
  return { before: new Tensor(before, x.shape), at: new Tensor(at, x.shape), after: new Tensor(after, x.shape) };
}

/**
 * The gradient of sum(g · cumprod(x)) along `axis`, grad[k] = Σ_{j≥k} g[j] Π_{i≤j, i≠k} x[i],
 * as tensor ops that are exact where x has zeros (no division by a 0). With z the first 0 of a
 * line: before z it is reverseCumsum(g · y) / x; at z it is reverseCumsum(g · cumprod(x'))
 * with x' = x with x[z] taken as 1; after z it is x[z] (live, so its derivative is right) times
 * the same gradient for x'. That recursion stops at the second zero (`depth`): the part left
 * out carries two zero factors, so values and first derivatives (cumprod's second
 * derivatives) stay exact; third derivatives at two or more zeros in a line are not.
 */
function cumprodGrad(g: Tensor, x: Tensor, axis: number, depth = 0): Tensor {
  const y = cumprod(x, axis);
  if (!x.data.includes(0)) return reverseCumsum(g.mul(y), axis).div(x);
  const { before, at, after } = aroundFirstZero(x, axis);
  const pastZero = x.where(at.eq(0), 1); // x with each line's first 0 taken as 1 (no gradient there)
  const grad = before.mul(reverseCumsum(g.mul(y), axis)).div(x.where(before, 1))
    .add(at.mul(reverseCumsum(g.mul(cumprod(pastZero, axis)), axis)));
  if (depth >= 1) return grad;
  const zero = x.mul(at).sum(axis, true); // the line's first 0, as a live factor
  return grad.add(after.mul(zero).mul(cumprodGrad(g, pastZero, axis, depth + 1)));
}

/**
 * The running product along `axis` (torch.cumprod): out[k] = x[0] · ... · x[k]. The gradient is
 * exact where entries are 0, as PyTorch's (see cumprodGrad), and differentiable again.
 */
export function cumprod(x: Tensor, axis: number): Tensor {
  const wide = widenSmallIntegers(checkTensor(x, 'cumprod'));
  const a = normalizeAxis(axis, Math.max(wide.ndim, 1), 'cumprod');
  if (wide.ndim === 0) return makeResult(wide.data.slice(), [], 'cumprod', [wide], (g) => [g]);
  const data = scanRaw(wide, a, (acc, v) => acc * v).data;
  return makeResult(data, wide.shape, 'cumprod', [wide], (g) => [wide.shape[a] === 0 ? g : cumprodGrad(g, wide, a)]);
}

/**
 * The product of all elements, or along `axis` (torch.prod); an empty product is 1. The gradient
 * of each entry is the product of all the others: y / x without zeros, else the left and right
 * exclusive cumprods (no division), so it is right with one or more zeros, as PyTorch's.
 */
export function prod(x: Tensor, axis?: number, keepDims = false): Tensor {
  const wide = widenSmallIntegers(checkTensor(x, 'prod'));
  if (axis === undefined) {
    const all = prod(wide.reshape([wide.numel()]), 0);
    return all.reshape(keepDims ? wide.shape.map(() => 1) : []);
  }
  const a = normalizeAxis(axis, Math.max(wide.ndim, 1), 'prod');
  if (wide.ndim === 0) return makeResult(wide.data.slice(), [], 'prod', [wide], (g) => [g]);
  const [outer, n, inner] = layout(wide, a);
  const kept = wide.shape.map((d, i) => (i === a ? 1 : d));
  const out = allocate(wide.dtype, outer * inner).fill(1);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < inner; i++) out[o * inner + i] *= wide.data[(o * n + k) * inner + i];
    }
  }
  const shape = keepDims ? kept : wide.shape.filter((_, i) => i !== a);
  let y: Tensor;
  y = makeResult(out, shape, 'prod', [wide], (g) => {
    if (n === 0) return [Tensor.fill(wide.shape, 0, wide.dtype)];
    if (!wide.data.includes(0)) return [g.mul(y).reshape(kept).div(wide)]; // the product of the others, as PyTorch without zeros
    const left = cumprod(shiftInOne(wide, a), a);
    const right = flip(cumprod(shiftInOne(flip(wide, a), a), a), a);
    return [g.reshape(kept).mul(left.mul(right))];
  });
  return y;
}
