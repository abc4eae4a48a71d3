import type { Storage } from '../storage.js';
import type { BinaryOp, UnaryOp } from '../kernels.js';
import { coalesce } from './broadcast.js';
import { erf } from './special.js';

type Fn1 = (x: number) => number;
type Fn2 = (a: number, b: number) => number;

export const UNARY: Record<UnaryOp, Fn1> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : Number.NaN),
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  reciprocal: (x) => 1 / x,
  square: (x) => x * x,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  // NaN passes through, as in PyTorch; -0 becomes +0.
  relu: (x) => (x > 0 ? x : x <= 0 ? 0 : x),
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: (x) => {
    // round half to even, as PyTorch and NumPy do
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  step: (x) => (x > 0 ? 1 : 0),
  isnan: (x) => (Number.isNaN(x) ? 1 : 0),
};

export const BINARY: Record<BinaryOp, Fn2> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (a >= b || Number.isNaN(a) ? a : b),
  minimum: (a, b) => (a <= b || Number.isNaN(a) ? a : b),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  reluGrad: (g, x) => (x <= 0 ? 0 : g),
};

export function unary(op: UnaryOp, x: Storage, out: Storage): void {
  const n = x.length;
  switch (op) {
    // The hottest maps get their own loops so the JIT inlines them.
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i];
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
      return;
    case 'relu':
      // Without a data-dependent branch (random signs mispredict half the time): for finite v,
      // +(v > 0) * v is v or -0, and + 0 turns -0 into +0; infinities and NaN (kept, as in
      // PyTorch) take the slow path.
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = v - v === 0 ? +(v > 0) * v + 0 : v > 0 || v !== v ? v : 0;
      }
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
      return;
    case 'square':
      for (let i = 0; i < n; i++) out[i] = x[i] * x[i];
      return;
    case 'step':
      for (let i = 0; i < n; i++) out[i] = +(x[i] > 0);
      return;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]);
      return;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]);
      return;
    case 'reciprocal':
      for (let i = 0; i < n; i++) out[i] = 1 / x[i];
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
      }
      return;
    default: {
      const f = UNARY[op];
      for (let i = 0; i < n; i++) out[i] = f(x[i]);
    }
  }
}

export function binaryScalar(op: BinaryOp, x: Storage, s: number, out: Storage): void {
  const n = x.length;
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = x[i] + s;
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = x[i] * s;
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = x[i] - s;
      return;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = x[i] / s;
      return;
    case 'gt':
      for (let i = 0; i < n; i++) out[i] = +(x[i] > s);
      return;
    case 'eq':
      for (let i = 0; i < n; i++) out[i] = +(x[i] === s);
      return;
    default: {
      const f = BINARY[op];
      for (let i = 0; i < n; i++) out[i] = f(x[i], s);
    }
  }
}

export function binary(
  op: BinaryOp,
  a: Storage,
  aStrides: readonly number[],
  b: Storage,
  bStrides: readonly number[],
  out: Storage,
  outShape: readonly number[],
): void {
  const n = out.length;
  if (a.length === n && b.length === n) return sameShape(op, a, b, out);
  if (outShape.length === 0) {
    out[0] = BINARY[op](a[0], b[0]);
    return;
  }
  // Merged axes make the inner loop as long as possible: [N, C, H, W] + [C, 1, 1] runs as [N, C, H*W].
  const { shape, sa, sb } = coalesce(outShape, aStrides, bStrides);
  // Walk the output in order, the last axis in an inner loop, carrying a and b offsets.
  const rank = shape.length;
  const last = rank - 1;
  const inner = shape[last];
  const ia0 = sa[last];
  const ib0 = sb[last];
  const counter = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < n; o += inner) {
    row(op, a, ia, ia0, b, ib, ib0, out, o, inner);
    for (let d = last - 1; d >= 0; d--) {
      counter[d]++;
      ia += sa[d];
      ib += sb[d];
      if (counter[d] < shape[d]) break;
      ia -= sa[d] * shape[d];
      ib -= sb[d] * shape[d];
      counter[d] = 0;
    }
  }
}

/** out[o + j] = op(a[pa + j sa], b[pb + j sb]) for j < len, with the common ops as their own loops. */
function row(op: BinaryOp, a: Storage, pa: number, sa: number, b: Storage, pb: number, sb: number, out: Storage, o: number, len: number): void {
  const end = o + len;
  switch (op) {
    case 'add':
      for (; o < end; o++, pa += sa, pb += sb) out[o] = a[pa] + b[pb];
      return;
    case 'sub':
      for (; o < end; o++, pa += sa, pb += sb) out[o] = a[pa] - b[pb];
      return;
    case 'mul':
      for (; o < end; o++, pa += sa, pb += sb) out[o] = a[pa] * b[pb];
      return;
    case 'div':
      for (; o < end; o++, pa += sa, pb += sb) out[o] = a[pa] / b[pb];
      return;
    default: {
      const f = BINARY[op];
      for (; o < end; o++, pa += sa, pb += sb) out[o] = f(a[pa], b[pb]);
    }
  }
}

function sameShape(op: BinaryOp, a: Storage, b: Storage, out: Storage): void {
  const n = out.length;
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
      return;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
      return;
    default: {
      const f = BINARY[op];
      for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
    }
  }
}
