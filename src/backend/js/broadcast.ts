/** Shape helpers shared by the elementwise kernels of every backend. */

/**
 * Merges adjacent axes of a broadcast along which both operands step contiguously (or both stay
 * put), and drops axes of size 1, so loops run as long as possible: [N, C, H, W] + [C, 1, 1]
 * becomes [N, C, H*W]. Returns at least one axis.
 */
export function coalesce(outShape: readonly number[], aStrides: readonly number[], bStrides: readonly number[]): { shape: number[]; sa: number[]; sb: number[] } {
  const shape: number[] = [outShape[0]];
  const sa: number[] = [aStrides[0]];
  const sb: number[] = [bStrides[0]];
  for (let d = 1; d < outShape.length; d++) {
    const size = outShape[d];
    if (size === 1) continue;
    const r = shape.length - 1;
    if (shape[r] === 1) {
      shape[r] = size;
      sa[r] = aStrides[d];
      sb[r] = bStrides[d];
    } else if (sa[r] === aStrides[d] * size && sb[r] === bStrides[d] * size) {
      shape[r] *= size;
      sa[r] = aStrides[d];
      sb[r] = bStrides[d];
    } else {
      shape.push(size);
      sa.push(aStrides[d]);
      sb.push(bStrides[d]);
    }
  }
  return { shape, sa, sb };
}

/**
 * {@link coalesce}d to exactly four axes (leading axes of size 1 added), as kernels.c's binary
 * map takes them: [d0..d3, a0..a3, b0..b3] for its arguments; null when more than four remain.
 */
export function coalesceTo4(outShape: readonly number[], aStrides: readonly number[], bStrides: readonly number[]): number[] | null {
  const { shape, sa, sb } = coalesce(outShape, aStrides, bStrides);
  if (shape.length > 4) return null;
  while (shape.length < 4) {
    shape.unshift(1);
    sa.unshift(0);
    sb.unshift(0);
  }
  return [...shape, ...sa, ...sb];
}
