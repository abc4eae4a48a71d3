/**
 * torch.nn.functional.interpolate over [N, C, L], [N, C, H, W] or [N, C, D, H, W] inputs, with
 * PyTorch's index arithmetic (ATen's UpSample.h): source positions from the output position, the
 * scale (the given scaleFactor's inverse, else in/out; (in-1)/(out-1) with alignCorners), edge
 * clamping, and nearest's float32 arithmetic.
 *
 * The nearest modes gather; linear, bilinear, trilinear, bicubic and area are separable linear
 * maps, one weight matrix per spatial axis (./axis-map.ts), so their derivatives of every order
 * are matmul's.
 */
import { shapeToString, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { adaptiveAvgPool1d, adaptiveAvgPool2d } from './adaptive-pool.js';
import { alongAxis, weightMatrix } from './axis-map.js';
import { gatherFlat } from './indexing.js';
import { checkTensor } from './result.js';

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area';

export interface InterpolateOptions {
  /** The output's spatial size (one number for every axis, or one per axis); give this or scaleFactor. */
  size?: number | readonly number[];
  /** Multiplier of each spatial size (the output size is floor(size x factor)); give this or size. */
  scaleFactor?: number | readonly number[];
  /** Default 'nearest', as in PyTorch. */
  mode?: InterpolateMode;
  /**
   * Linear modes only: map the corner pixels' centres onto each other (source = out index x
   * (in-1)/(out-1)) instead of the corners of the pixel grid. Default false.
   */
  alignCorners?: boolean;
}

const MODES: readonly InterpolateMode[] = ['nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area'];
/** The spatial rank each interpolating mode needs (the others take 1 to 3). */
const RANK_OF: Partial<Record<InterpolateMode, number>> = { linear: 1, bilinear: 2, bicubic: 2, trilinear: 3 };
/** The cubic convolution's parameter, as PyTorch's (and Keys') choice. */
const CUBIC_A = -0.75;

function perAxis(v: number | readonly number[], dims: number, name: string, valid: (x: number) => boolean, expected: string): number[] {
  const t = typeof v === 'number' ? Array<number>(dims).fill(v) : Array.isArray(v) ? [...v] : [];
  if (t.length !== dims || !t.every((x) => typeof x === 'number' && valid(x))) {
    throw new RangeError(`interpolate: ${name} must be ${expected} or ${dims} of them (one per spatial axis), got ${JSON.stringify(v)}`);
  }
  return t;
}

/** Output sizes and the scale factors the kernels see (null: none given, use in/out). */
function outputGeometry(spatial: readonly number[], o: InterpolateOptions): { out: number[]; factors: (number | null)[] } {
  const dims = spatial.length;
  if ((o.size === undefined) === (o.scaleFactor === undefined)) throw new TypeError('interpolate: give exactly one of size and scaleFactor');
  if (o.size !== undefined) {
    return { out: perAxis(o.size, dims, 'size', (x) => Number.isInteger(x) && x >= 1, 'a positive integer'), factors: spatial.map(() => null) };
  }
  const factors = perAxis(o.scaleFactor!, dims, 'scaleFactor', (x) => Number.isFinite(x) && x > 0, 'a positive number');
  const out = spatial.map((n, k) => Math.floor(n * factors[k]));
  if (out.some((s) => s < 1)) throw new RangeError(`interpolate: scaleFactor ${JSON.stringify(o.scaleFactor)} makes an empty output from spatial size ${shapeToString(spatial)}`);
  return { out, factors };
}

/**
 * torch.nn.functional.interpolate: resizes the spatial axes of a batched input [N, C, ...]
 * ('linear' needs [N, C, L], 'bilinear' and 'bicubic' [N, C, H, W], 'trilinear' [N, C, D, H, W]).
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  checkTensor(x, 'interpolate');
  checkOptions('interpolate', options, ['size', 'scaleFactor', 'mode', 'alignCorners']);
  if (options === undefined || options === null) throw new TypeError('interpolate: give an options object with size or scaleFactor');
  const mode = options.mode ?? 'nearest';
  if (!MODES.includes(mode)) throw new RangeError(`interpolate: unknown mode ${JSON.stringify(mode)}; expected one of ${MODES.map((m) => `'${m}'`).join(', ')}`);
  const dims = x.ndim - 2;
  const rank = RANK_OF[mode];
  if (rank !== undefined ? dims !== rank : dims < 1 || dims > 3) {
    const want = rank !== undefined ? `${rank + 2}-D input` : '3-D, 4-D or 5-D input';
    throw new RangeError(`interpolate: mode '${mode}' needs ${want} ([N, C, spatial...]), got shape ${shapeToString(x.shape)}`);
  }
  const align = options.alignCorners;
  if (align !== undefined && typeof align !== 'boolean') throw new TypeError(`interpolate: alignCorners must be a boolean, got ${JSON.stringify(align)}`);
  if (align !== undefined && rank === undefined) throw new RangeError(`interpolate: alignCorners can only be set with the interpolating modes (linear, bilinear, bicubic, trilinear), not '${mode}'`);
  const spatial = x.shape.slice(2);
  const { out, factors } = outputGeometry(spatial, options);
  if (mode === 'nearest' || mode === 'nearest-exact') return nearest(x, out, factors, mode === 'nearest-exact');
  if (mode === 'area') {
    if (dims === 3) throw new RangeError('interpolate: mode \'area\' supports 3-D and 4-D input here (no adaptiveAvgPool3d)');
    return dims === 1 ? adaptiveAvgPool1d(x, out) : adaptiveAvgPool2d(x, out);
  }
  const weights = mode === 'bicubic' ? cubicWeights : linearWeights;
  let y = x;
  spatial.forEach((n, k) => {
    y = alongAxis(y, weightMatrix(x.dtype, out[k], n, (i, add) => weights(i, n, out[k], factors[k], align === true, add)), 2 + k);
  });
  return y;
}

/** ATen's area_pixel_compute_scale. */
function linearScale(size: number, out: number, factor: number | null, align: boolean): number {
  if (align) return out > 1 ? (size - 1) / (out - 1) : 0;
  return factor !== null ? 1 / factor : size / out;
}

/** ATen's area_pixel_compute_source_index: below 0 is clamped for linear, not for cubic. */
function sourcePosition(scale: number, i: number, align: boolean, cubic: boolean): number {
  if (align) return scale * i;
  const src = scale * (i + 0.5) - 0.5;
  return !cubic && src < 0 ? 0 : src;
}

type AddWeight = (at: number, weight: number) => void;

function linearWeights(i: number, size: number, out: number, factor: number | null, align: boolean, add: AddWeight): void {
  const src = sourcePosition(linearScale(size, out, factor, align), i, align, false);
  const i0 = Math.min(Math.floor(src), size - 1);
  const lambda = Math.min(Math.max(src - i0, 0), 1);
  add(i0, 1 - lambda);
  add(i0 + (i0 < size - 1 ? 1 : 0), lambda);
}

/** Keys' cubic convolution weights for the 4 taps around src, the taps clamped to the edge (ATen's bicubic). */
function cubicWeights(i: number, size: number, out: number, factor: number | null, align: boolean, add: AddWeight): void {
  const src = sourcePosition(linearScale(size, out, factor, align), i, align, true);
  const base = Math.floor(src);
  const t = src - base;
  const near = (d: number): number => ((CUBIC_A + 2) * d - (CUBIC_A + 3)) * d * d + 1; // |d| <= 1
  const far = (d: number): number => ((CUBIC_A * d - 5 * CUBIC_A) * d + 8 * CUBIC_A) * d - 4 * CUBIC_A; // 1 < |d| < 2
  const taps = [far(t + 1), near(t), near(1 - t), far(2 - t)];
  taps.forEach((wt, j) => add(Math.max(Math.min(base - 1 + j, size - 1), 0), wt));
}

/**
 * ATen's nearest_idx (float32 arithmetic, as PyTorch's CPU kernel): the same index when the size
 * is kept, half when doubled, else floor(i x scale) (or floor((i + 0.5) x scale) for 'nearest-exact').
 */
function nearestSource(i: number, size: number, out: number, factor: number | null, exact: boolean): number {
  if (!exact && out === size) return i;
  if (!exact && out === 2 * size) return i >> 1;
  const f = Math.fround;
  const scale = factor !== null ? f(1 / factor) : f(size / out);
  return Math.min(Math.floor(f((exact ? f(i + 0.5) : i) * scale)), size - 1);
}

function nearest(x: Tensor, out: readonly number[], factors: readonly (number | null)[], exact: boolean): Tensor {
  const spatial = x.shape.slice(2);
  const sources = spatial.map((n, k) => Array.from({ length: out[k] }, (_, i) => nearestSource(i, n, out[k], factors[k], exact)));
  // The flat source of every output position within one plane, axis by axis.
  let plane = [0];
  spatial.forEach((n, k) => {
    const next: number[] = [];
    for (const p of plane) for (const s of sources[k]) next.push(p * n + s);
    plane = next;
  });
  const planes = x.shape[0] * x.shape[1];
  const inSize = sizeOf(spatial);
  const index = new Int32Array(planes * plane.length);
  for (let p = 0; p < planes; p++) for (let q = 0; q < plane.length; q++) index[p * plane.length + q] = p * inSize + plane[q];
  return gatherFlat(x, index, [x.shape[0], x.shape[1], ...out]);
}
