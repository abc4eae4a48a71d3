import type { Storage } from '../storage.js';
import { stridesOf } from '../strides.js';

export function permute(x: Storage, shape: readonly number[], perm: readonly number[], out: Storage): void {
  const rank = shape.length;
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const strides = perm.map((p) => inStrides[p]); // input stride for each output axis
  const n = out.length;
  if (rank === 0 || n === 0) {
    if (n) out[0] = x[0];
    return;
  }
  const last = rank - 1;
  const inner = outShape[last];
  const s = strides[last];
  const counter = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < n; o += inner) {
    for (let j = 0, p = src; j < inner; j++, p += s) out[o + j] = x[p];
    for (let d = last - 1; d >= 0; d--) {
      counter[d]++;
      src += strides[d];
      if (counter[d] < outShape[d]) break;
      src -= strides[d] * outShape[d];
      counter[d] = 0;
    }
  }
}

export function take(x: Storage, index: Int32Array, out: Storage): void {
  for (let i = 0; i < index.length; i++) {
    const j = index[i];
    out[i] = j < 0 ? 0 : x[j];
  }
}

export function scatterAdd(g: Storage, index: Int32Array, out: Storage): void {
  for (let i = 0; i < index.length; i++) {
    const j = index[i];
    if (j >= 0) out[j] += g[i];
  }
}
