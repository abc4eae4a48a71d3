/**
 * Slicing, gathering, scattering, joining and padding. All of them reduce to two primitive
 * ops on flat indices, {@link gatherFlat} and {@link scatterAddFlat}, which are each other's
 * adjoint: so every op here has gradients of every order without a rule of its own.
 */
import { kernels } from '../../backend/registry.js';
import { allocate, isFloating, promote, promoteWithScalar } from '../dtype.js';
import { broadcastShapes, normalizeAxis, sameShape, shapeToString, sizeOf, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { asTensor, checkTensor, makeResult } from './result.js';

/**
 * Indices given as plain numbers, an Int32Array, or a tensor: int32 (or uint8), or, as before
 * integer dtypes existed, a float tensor holding integral values (still accepted).
 */
export type IndexLike = readonly number[] | Int32Array | Tensor;

/** out[i] = x.flat[index[i]] (0 where index[i] is -1), shaped as `shape`. */
export function gatherFlat(x: Tensor, index: Int32Array, shape: readonly number[]): Tensor {
  const out = allocate(x.dtype, index.length);
  kernels().take(x.data, index, out);
  return makeResult(out, shape, 'gatherFlat', [x], (g) => [scatterAddFlat(g, index, x.shape)]);
}

/** A zero tensor of `shape` with g[i] added at flat position index[i] (skipped where -1). */
export function scatterAddFlat(g: Tensor, index: Int32Array, shape: readonly number[]): Tensor {
  const out = allocate(g.dtype, sizeOf(shape));
  kernels().scatterAdd(g.data, index, out);
  return makeResult(out, shape, 'scatterAddFlat', [g], (gg) => [gatherFlat(gg, index, g.shape)]);
}

export function toIndexArray(indices: IndexLike, op: string): Int32Array {
  if (indices instanceof Tensor && indices.dtype === 'bool') {
    throw new TypeError(`${op}: indices must be int32 (or integral floats), got a bool tensor; to select with a mask use maskedSelect or where`);
  }
  if (indices instanceof Tensor && indices.dtype === 'int32') return indices.data as Int32Array;
  const values = indices instanceof Tensor ? indices.data : indices;
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v)) throw new TypeError(`${op}: indices must be integers, found ${v} at position ${i}`);
    out[i] = v;
  }
  return out;
}

/** Elements start, start+step, ... (< end) along `axis`; negative start/end count from the end. */
export function slice(x: Tensor, axis: number, start: number, end?: number, step = 1): Tensor {
  checkTensor(x, 'slice');
  const a = normalizeAxis(axis, x.ndim, 'slice');
  const n = x.shape[a];
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`slice: step must be a positive integer, got ${step}`);
  // PyTorch takes Python ints here; a fraction would pick fractional positions.
  if (!Number.isInteger(start)) throw new RangeError(`slice: start must be an integer, got ${start}`);
  if (end !== undefined && !Number.isInteger(end)) throw new RangeError(`slice: end must be an integer, got ${end}`);
  const clampIndex = (i: number): number => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const s = clampIndex(start);
  const e = clampIndex(end ?? n);
  const picks: number[] = [];
  for (let i = s; i < e; i += step) picks.push(i);
  if (picks.length === n) return x;
  return pickAlong(x, a, picks);
}

/** The slice at `index` along `axis`, with that axis removed. */
export function select(x: Tensor, axis: number, index: number): Tensor {
  checkTensor(x, 'select');
  const a = normalizeAxis(axis, x.ndim, 'select');
  const n = x.shape[a];
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new RangeError(`select: index ${index} is out of range for axis ${a} of size ${n} (shape ${shapeToString(x.shape)})`);
  }
  return pickAlong(x, a, [index < 0 ? index + n : index]).squeeze(a);
}

/** The entries at `indices` along `axis`, in that order (repeats allowed). */
export function indexSelect(x: Tensor, axis: number, indices: IndexLike): Tensor {
  checkTensor(x, 'indexSelect');
  const a = normalizeAxis(axis, x.ndim, 'indexSelect');
  const picks = Array.from(toIndexArray(indices, 'indexSelect'));
  const n = x.shape[a];
  for (const p of picks) {
    if (p < -n || p >= n) throw new RangeError(`indexSelect: index ${p} is out of range for axis ${a} of size ${n}`);
  }
  return pickAlong(x, a, picks.map((p) => (p < 0 ? p + n : p)));
}

function pickAlong(x: Tensor, axis: number, picks: readonly number[]): Tensor {
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const n = x.shape[axis];
  const index = new Int32Array(outer * picks.length * inner);
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const p of picks) {
      const base = (o * n + p) * inner;
      for (let i = 0; i < inner; i++) index[k++] = base + i;
    }
  }
  const shape = [...x.shape];
  shape[axis] = picks.length;
  return gatherFlat(x, index, shape);
}

/**
 * torch.gather: out[c] = x[c with c[axis] replaced by indices[c]], for every coordinate c of
 * `indices` (same rank as x; its other dimensions no larger than x's).
 */
export function gather(x: Tensor, axis: number, indices: IndexLike | Tensor): Tensor {
  checkTensor(x, 'gather');
  const a = normalizeAxis(axis, x.ndim, 'gather');
  const idxShape = indices instanceof Tensor ? indices.shape : [indices.length];
  const flat = flatIndexAlong(x.shape, a, toIndexArray(indices, 'gather'), idxShape, 'gather');
  return gatherFlat(x, flat, idxShape);
}

/** Flat positions in a tensor of `shape` addressed by `indices` along `axis` (torch.gather's rule). */
function flatIndexAlong(shape: readonly number[], axis: number, indices: Int32Array, idxShape: readonly number[], op: string): Int32Array {
  if (idxShape.length !== shape.length) {
    throw new RangeError(`${op}: indices have rank ${idxShape.length} (shape ${shapeToString(idxShape)}) but the tensor has rank ${shape.length}; they must match`);
  }
  idxShape.forEach((d, i) => {
    if (i !== axis && d > shape[i]) {
      throw new RangeError(`${op}: indices of shape ${shapeToString(idxShape)} exceed the tensor's shape ${shapeToString(shape)} at axis ${i}`);
    }
  });
  const strides = stridesOf(shape);
  const idxStrides = stridesOf(idxShape);
  const out = new Int32Array(indices.length);
  const n = shape[axis];
  for (let k = 0; k < indices.length; k++) {
    let rem = k;
    let pos = 0;
    for (let d = 0; d < idxShape.length; d++) {
      const c = Math.floor(rem / idxStrides[d]);
      rem -= c * idxStrides[d];
      if (d === axis) {
        const v = indices[k];
        // torch.gather and torch.scatter refuse negative indices (only indexSelect and select
        // count from the end), so a stray -1 is an error rather than the last element.
        if (v < 0 || v >= n) throw new RangeError(`${op}: index ${v} is out of range for axis ${axis} of size ${n}; expected an integer in [0, ${n - 1}] (negative indices are refused, as in PyTorch)`);
        pos += v * strides[d];
      } else pos += c * strides[d];
    }
    out[k] = pos;
  }
  return out;
}

/**
 * torch.scatter: a copy of x with out[c with c[axis] = indices[c]] = src[c] for every coordinate c
 * of `indices`. Where indices repeat, the last write (in row-major order of `indices`) wins, as
 * in PyTorch's CPU kernel; the overwritten source elements get no gradient.
 */
export function scatter(x: Tensor, axis: number, indices: Tensor, src: Tensor | number): Tensor {
  checkTensor(x, 'scatter');
  checkTensor(indices, 'scatter', 'indices');
  const a = normalizeAxis(axis, x.ndim, 'scatter');
  const flat = flatIndexAlong(x.shape, a, toIndexArray(indices, 'scatter'), indices.shape, 'scatter');
  const keep = allocate(x.dtype, x.numel()).fill(1);
  const lastWriter = new Int32Array(x.numel());
  flat.forEach((p, k) => {
    keep[p] = 0;
    lastWriter[p] = k;
  });
  // Earlier writes to a repeated target become -1, which scatterAddFlat skips.
  flat.forEach((p, k) => {
    if (lastWriter[p] !== k) flat[k] = -1;
  });
  const values = typeof src === 'number' ? Tensor.fill(indices.shape, src, x.dtype) : cropTo(src, indices.shape, 'scatter');
  return x.mul(new Tensor(keep, x.shape)).add(scatterAddFlat(values, flat, x.shape));
}

/** torch.scatter_add: a copy of x with src[c] added at c with c[axis] = indices[c]. */
export function scatterAdd(x: Tensor, axis: number, indices: Tensor, src: Tensor): Tensor {
  checkTensor(x, 'scatterAdd');
  checkTensor(indices, 'scatterAdd', 'indices');
  const a = normalizeAxis(axis, x.ndim, 'scatterAdd');
  const flat = flatIndexAlong(x.shape, a, toIndexArray(indices, 'scatterAdd'), indices.shape, 'scatterAdd');
  return x.add(scatterAddFlat(cropTo(src, indices.shape, 'scatterAdd'), flat, x.shape));
}

/** The leading block of src with `shape` (torch.scatter reads src only where indices exist). */
function cropTo(src: Tensor, shape: readonly number[], op: string): Tensor {
  checkTensor(src, op, 'src');
  if (src.ndim !== shape.length || shape.some((d, i) => d > src.shape[i])) {
    throw new RangeError(`${op}: src of shape ${shapeToString(src.shape)} is smaller than the indices' shape ${shapeToString(shape)}`);
  }
  let out = src;
  shape.forEach((d, i) => {
    if (out.shape[i] !== d) out = slice(out, i, 0, d);
  });
  return out;
}

/** Joins tensors along an existing axis; all other dimensions must agree. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0) throw new RangeError('concat: expected a non-empty array of tensors');
  tensors.forEach((t, i) => checkTensor(t, 'concat', `element ${i}`));
  const first = tensors[0];
  if (first.ndim === 0) throw new RangeError('concat: cannot concatenate 0-d tensors (they have no axis to join along); use stack');
  const a = normalizeAxis(axis, first.ndim, 'concat');
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((d, j) => j !== a && d !== first.shape[j])) {
      throw new RangeError(`concat: tensor ${i} has shape ${shapeToString(t.shape)}, which does not match ${shapeToString(first.shape)} outside axis ${a}`);
    }
  });
  const dtype = tensors.map((t) => t.dtype).reduce(promote);
  const parts = tensors.map((t) => t.to(dtype));
  const shape = [...first.shape];
  shape[a] = parts.reduce((s, t) => s + t.shape[a], 0);
  const outer = sizeOf(first.shape.slice(0, a));
  const inner = sizeOf(first.shape.slice(a + 1));
  const out = allocate(dtype, sizeOf(shape));
  const rowLength = shape[a] * inner;
  let offset = 0;
  for (const t of parts) {
    const block = t.shape[a] * inner;
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * block, (o + 1) * block), o * rowLength + offset);
    offset += block;
  }
  return makeResult(out, shape, 'concat', parts, (g) => {
    let start = 0;
    return parts.map((t) => {
      const piece = slice(g, a, start, start + t.shape[a]);
      start += t.shape[a];
      return piece;
    });
  });
}

/** Joins same-shape tensors along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0) throw new RangeError('stack: expected a non-empty array of tensors');
  const first = checkTensor(tensors[0], 'stack');
  tensors.forEach((t, i) => {
    checkTensor(t, 'stack', `element ${i}`);
    if (!sameShape(t.shape, first.shape)) throw new RangeError(`stack: tensor ${i} has shape ${shapeToString(t.shape)} but tensor 0 has ${shapeToString(first.shape)}; all must match`);
  });
  const a = normalizeAxis(axis, first.ndim + 1, 'stack');
  return concat(tensors.map((t) => t.unsqueeze(a)), a);
}

/** Splits into pieces of `sizes` along axis (or pieces of one size, the last possibly smaller). */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  checkTensor(x, 'split');
  const a = normalizeAxis(axis, x.ndim, 'split');
  const n = x.shape[a];
  let list: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes < 1) throw new RangeError(`split: size must be a positive integer, got ${sizes}`);
    list = [];
    for (let s = 0; s < n; s += sizes) list.push(Math.min(sizes, n - s));
  } else {
    list = [...sizes];
    const total = list.reduce((p, s) => p + s, 0);
    if (total !== n) throw new RangeError(`split: sizes ${JSON.stringify(list)} add up to ${total}, but axis ${a} has size ${n}`);
  }
  let start = 0;
  return list.map((s) => {
    const piece = slice(x, a, start, start + s);
    start += s;
    return piece;
  });
}

/** Splits into `chunks` nearly equal pieces along axis (as torch.chunk). */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  checkTensor(x, 'chunk');
  if (!Number.isInteger(chunks) || chunks < 1) throw new RangeError(`chunk: chunks must be a positive integer, got ${chunks}`);
  const n = x.shape[normalizeAxis(axis, x.ndim, 'chunk')];
  return split(x, Math.max(1, Math.ceil(n / chunks)), axis);
}

/** How {@link pad} fills: a constant, or PyTorch's 'reflect', 'replicate' and 'circular'. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

export interface PadOptions {
  /** Default 'constant'. */
  mode?: PadMode;
  /** The fill of mode 'constant' (default 0). */
  value?: number;
}

const PAD_MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

/**
 * Where padded coordinate c (in -before .. n + after - 1) reads from along an axis of size n,
 * or -1 for a constant fill. reflect mirrors without repeating the edge (c = -1 reads 1),
 * replicate repeats the edge, circular wraps around: PyTorch's rules.
 */
function sourceCoordinate(c: number, n: number, mode: PadMode): number {
  if (c >= 0 && c < n) return c;
  switch (mode) {
    case 'constant': return -1;
    case 'reflect': return c < 0 ? -c : 2 * (n - 1) - c;
    case 'replicate': return c < 0 ? 0 : n - 1;
    case 'circular': return ((c % n) + n) % n;
  }
}

/** PyTorch's limits: reflect needs pads below the size, circular at most the size, replicate a non-empty axis. */
function checkPadFits(mode: PadMode, before: number, after: number, n: number, axis: number): void {
  const widest = Math.max(before, after);
  if (widest === 0 || mode === 'constant') return;
  const fits = mode === 'reflect' ? widest < n : mode === 'circular' ? widest <= n : n > 0;
  if (!fits) {
    const limit = mode === 'reflect' ? 'less than' : mode === 'circular' ? 'at most' : 'used with a non-empty axis, not';
    throw new RangeError(`pad: mode '${mode}' needs each pad ${limit} the size of its axis (as in PyTorch); axis ${axis} has size ${n} but pads (${before}, ${after})`);
  }
}

/**
 * Pads the trailing axes. `pads` holds [before, after] pairs, first pair for the first of those
 * axes (NumPy order): for an image batch [N, C, H, W], [[1, 1], [2, 2]] pads H by 1 and W by 2.
 * The third argument is the constant fill (default 0), a mode ('reflect', 'replicate',
 * 'circular', as torch.nn.functional.pad), or `{ mode, value }`. Every mode is a gather, so
 * the gradient of a read-from-twice element is the sum of both.
 */
export function pad(x: Tensor, pads: readonly (readonly [number, number])[], fill: number | PadMode | PadOptions = 0): Tensor {
  checkTensor(x, 'pad');
  const { mode, value } = padFill(fill);
  if (!Array.isArray(pads) || pads.some((p) => !Array.isArray(p) || p.length !== 2)) {
    throw new TypeError(`pad: pads must be an array of [before, after] pairs, one per trailing axis, got ${JSON.stringify(pads)}`);
  }
  if (pads.length > x.ndim) throw new RangeError(`pad: ${pads.length} pad pairs given for a tensor of rank ${x.ndim}`);
  const full = [...x.shape.slice(0, x.ndim - pads.length).map((): [number, number] => [0, 0]), ...pads];
  for (const [b, e] of full) {
    if (!Number.isInteger(b) || !Number.isInteger(e) || b < 0 || e < 0) throw new RangeError(`pad: pads must be non-negative integers, got ${JSON.stringify(pads)}`);
  }
  full.forEach(([b, e], d) => checkPadFits(mode, b, e, x.shape[d], d));
  const shape = x.shape.map((d, i) => d + full[i][0] + full[i][1]);
  const inStrides = stridesOf(x.shape);
  const outStrides = stridesOf(shape);
  const index = new Int32Array(sizeOf(shape));
  for (let k = 0; k < index.length; k++) {
    let rem = k;
    let pos = 0;
    for (let d = 0; d < shape.length && pos >= 0; d++) {
      const c = sourceCoordinate(Math.floor(rem / outStrides[d]) - full[d][0], x.shape[d], mode);
      rem %= outStrides[d];
      pos = c < 0 ? -1 : pos + c * inStrides[d];
    }
    index[k] = pos;
  }
  const out = gatherFlat(x, index, shape);
  if (mode !== 'constant' || value === 0) return out;
  const constant = allocate(x.dtype, index.length);
  for (let k = 0; k < index.length; k++) constant[k] = index[k] < 0 ? value : 0;
  return out.add(new Tensor(constant, shape));
}

function padFill(fill: number | PadMode | PadOptions): { mode: PadMode; value: number } {
  if (typeof fill === 'number') return { mode: 'constant', value: fill };
  if (typeof fill === 'string') {
    if (!PAD_MODES.includes(fill)) throw new RangeError(`pad: unknown mode '${fill}'; expected a number (the constant fill) or one of ${PAD_MODES.map((m) => `'${m}'`).join(', ')}`);
    return { mode: fill, value: 0 };
  }
  checkOptions('pad', fill, ['mode', 'value']);
  const mode = fill?.mode ?? 'constant';
  if (!PAD_MODES.includes(mode)) throw new RangeError(`pad: unknown mode ${JSON.stringify(mode)}; expected one of ${PAD_MODES.map((m) => `'${m}'`).join(', ')}`);
  const value = fill?.value ?? 0;
  if (typeof value !== 'number') throw new TypeError(`pad: value must be a number, got ${JSON.stringify(value)}`);
  if (mode !== 'constant' && value !== 0) throw new RangeError(`pad: a fill value only applies to mode 'constant', not '${mode}' (as in PyTorch)`);
  return { mode, value };
}

/**
 * condition ? a : b elementwise, broadcasting all three. The gradient goes to a where the
 * condition holds and to b elsewhere; the unchosen side gets exactly zero.
 */
export function where(condition: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  checkTensor(condition, 'where', 'condition');
  // The condition is a mask (bool, or any dtype with non-zero as true) and does not take part in
  // the dtype, nor does a number (it takes the other side's dtype, unless it is fractional and
  // that side is integral); with two numbers the result has a float condition's dtype, float32
  // otherwise.
  const sides = [a, b].filter((v): v is Tensor => v instanceof Tensor);
  const numbers = [a, b].filter((v): v is number => typeof v === 'number');
  let dtype = sides.length > 0 ? sides.map((v) => v.dtype).reduce(promote) : isFloating(condition.dtype) ? condition.dtype : 'float32';
  for (const n of numbers) dtype = promoteWithScalar(dtype, n);
  const x = asTensor(a, dtype, 'where').to(dtype);
  const y = asTensor(b, dtype, 'where').to(dtype);
  const shape = broadcastShapes(broadcastShapes(condition.shape, x.shape, 'where'), y.shape, 'where');
  const c = condition.detach().broadcastTo(shape).data;
  const xs = x.broadcastTo(shape);
  const ys = y.broadcastTo(shape);
  const out = allocate(dtype, c.length);
  for (let i = 0; i < c.length; i++) out[i] = c[i] !== 0 ? xs.data[i] : ys.data[i];
  const cond = new Tensor(c, shape);
  return makeResult(out, shape, 'where', [xs, ys], (g) => [where(cond, g, 0), where(cond, 0, g)]);
}
