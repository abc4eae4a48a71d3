/**
 * Data augmentation for image batches x [N, C, H, W] (survey 000 §3.1.1; course notes 003
 * §5.2): each function returns a `BatchAugment`, `(batch, generator) => batch`, for the
 * DataLoader's `augment` hook, which hands it a generator derived from (seed, epoch, batch):
 *
 * ```ts
 * const loader = new DataLoader(train, {
 *   batchSize: 64, shuffle: true, seed: 0,
 *   augment: composeAugment(randomCrop({ padding: 2 }), horizontalFlip(), cutout({ size: 8 })),
 * });
 * ```
 *
 * Single-example transforms (crop, flip, rotation/translation, cutout) draw their randomness
 * per image. Mixup and CutMix combine pairs of examples and return soft targets y [N, C]
 * (probability rows), which nn's crossEntropy accepts. The deterministic cores
 * (`mixupBatch`, `cutmixBatch`, `eraseBoxes`, `affineTransform`) are exported for tests and
 * custom policies.
 */
import type { Batch, BatchAugment } from '../data/index.js';
import { Tensor, type Generator } from '../tensor/index.js';
import { toProbabilities } from './noise.js';
import { checkCount, checkNonNegative, checkNumber, checkOptions, checkPositive, checkPositiveInt, checkProbability } from './validate.js';

type Arr = Float32Array | Float64Array;

function images(op: string, x: Tensor): [number, number, number, number] {
  if (x.ndim !== 4) throw new RangeError(`${op}: expects images x of shape [N, C, H, W], got [${x.shape}]`);
  return [x.shape[0], x.shape[1], x.shape[2], x.shape[3]];
}

function alloc(x: Tensor, n: number): Arr {
  return new (x.dtype === 'float64' ? Float64Array : Float32Array)(n);
}

/** Applies augmentations left to right with the same generator. */
export function composeAugment(...augments: BatchAugment[]): BatchAugment {
  return (batch, generator) => augments.reduce((b, a) => a(b, generator), batch);
}

/** Applies `augment` to the whole batch with probability p. */
export function randomApply(augment: BatchAugment, p = 0.5): BatchAugment {
  checkProbability('randomApply', 'p', p);
  return (batch, generator) => (generator.random() < p ? augment(batch, generator) : batch);
}

// ---- random crop ---------------------------------------------------------------------------

export interface RandomCropOptions {
  /** Pixels of padding on every side before cropping (default 0). */
  padding?: number;
  /** Output [height, width] (default the input's). */
  size?: readonly [number, number];
  /** Value of the padding (default 0). */
  fill?: number;
}

/** Random crop with padding: pad by `padding`, then cut a window of `size` at a random offset per image. */
export function randomCrop(options: RandomCropOptions = {}): BatchAugment {
  checkOptions('randomCrop', options, ['padding', 'size', 'fill']);
  const pad = checkCount('randomCrop', 'padding', options.padding ?? 0);
  const fill = options.fill ?? 0;
  if (options.size) options.size.forEach((s, i) => checkPositiveInt('randomCrop', `size[${i}]`, s));
  return ({ x, y }, g) => {
    const [n, c, h, w] = images('randomCrop', x);
    const [oh, ow] = options.size ?? [h, w];
    if (oh > h + 2 * pad || ow > w + 2 * pad) throw new RangeError(`randomCrop: size [${oh}, ${ow}] is larger than the padded image [${h + 2 * pad}, ${w + 2 * pad}]`);
    const out = alloc(x, n * c * oh * ow);
    const src = x.data;
    for (let b = 0; b < n; b++) {
      const top = g.randint(0, h + 2 * pad - oh + 1) - pad;
      const left = g.randint(0, w + 2 * pad - ow + 1) - pad;
      for (let ch = 0; ch < c; ch++) {
        const base = (b * c + ch) * h * w;
        const obase = (b * c + ch) * oh * ow;
        for (let i = 0; i < oh; i++) {
          const si = i + top;
          for (let j = 0; j < ow; j++) {
            const sj = j + left;
            out[obase + i * ow + j] = si >= 0 && si < h && sj >= 0 && sj < w ? src[base + si * w + sj] : fill;
          }
        }
      }
    }
    return { x: new Tensor(out, [n, c, oh, ow]), y };
  };
}

// ---- flips ---------------------------------------------------------------------------------

/** Flips each image left-right with probability p (default 0.5). */
export function horizontalFlip(options: { p?: number } = {}): BatchAugment {
  checkOptions('horizontalFlip', options, ['p']);
  const p = checkProbability('horizontalFlip', 'p', options.p ?? 0.5);
  return ({ x, y }, g) => {
    const [n, c, h, w] = images('horizontalFlip', x);
    const out = x.data.slice();
    for (let b = 0; b < n; b++) {
      if (!(g.random() < p)) continue;
      for (let ch = 0; ch < c; ch++) {
        const base = (b * c + ch) * h * w;
        for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) out[base + i * w + j] = x.data[base + i * w + (w - 1 - j)];
      }
    }
    return { x: new Tensor(out, x.shape), y };
  };
}

// ---- rotations and translations ------------------------------------------------------------

export type Interpolation = 'bilinear' | 'nearest';

export interface AffineParams {
  /** Rotation in degrees, counter-clockwise as displayed (rows downward). */
  angle: number;
  /** Shift in pixels (right, down). */
  tx: number;
  ty: number;
}

/**
 * Rotates image `b` of x about its center by `angle` and shifts it by (tx, ty) pixels, by
 * inverse mapping: output pixel p samples the input at Rᵀ(p - c - t) + c, with bilinear or
 * nearest interpolation; samples outside the image take `fill`. Writes into `out`.
 */
export function affineTransform(x: Tensor, b: number, params: AffineParams, out: Arr, interpolation: Interpolation = 'bilinear', fill = 0): void {
  const [, c, h, w] = images('affineTransform', x);
  const rad = (params.angle * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const src = x.data;
  const at = (base: number, i: number, j: number): number => (i >= 0 && i < h && j >= 0 && j < w ? src[base + i * w + j] : fill);
  for (let ch = 0; ch < c; ch++) {
    const base = (b * c + ch) * h * w;
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        const u = j - cx - params.tx;
        const v = i - cy - params.ty;
        const xs = cos * u - sin * v + cx;
        const ys = sin * u + cos * v + cy;
        let val: number;
        if (interpolation === 'nearest') {
          val = at(base, Math.round(ys), Math.round(xs));
        } else {
          const x0 = Math.floor(xs);
          const y0 = Math.floor(ys);
          const fx = xs - x0;
          const fy = ys - y0;
          val =
            (1 - fy) * ((1 - fx) * at(base, y0, x0) + fx * at(base, y0, x0 + 1)) +
            fy * ((1 - fx) * at(base, y0 + 1, x0) + fx * at(base, y0 + 1, x0 + 1));
        }
        out[base + i * w + j] = val;
      }
    }
  }
}

export interface RandomAffineOptions {
  /** Rotation angle drawn uniformly in [-degrees, degrees] (default 0). */
  degrees?: number;
  /** Maximal shift as fractions of [width, height], drawn uniformly in ±fraction (default [0, 0]). */
  translate?: readonly [number, number];
  interpolation?: Interpolation;
  fill?: number;
}

/** Small random rotations and translations, per image. */
export function randomAffine(options: RandomAffineOptions = {}): BatchAugment {
  checkOptions('randomAffine', options, ['degrees', 'translate', 'interpolation', 'fill']);
  const deg = checkNonNegative('randomAffine', 'degrees', options.degrees ?? 0);
  const [fx, fy] = options.translate ?? [0, 0];
  checkNumber('randomAffine', 'translate[0]', fx, { min: 0, max: 1 });
  checkNumber('randomAffine', 'translate[1]', fy, { min: 0, max: 1 });
  const interpolation = options.interpolation ?? 'bilinear';
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') throw new RangeError(`randomAffine: interpolation must be 'bilinear' or 'nearest', got ${JSON.stringify(interpolation)}`);
  return ({ x, y }, g) => {
    const [n, , h, w] = images('randomAffine', x);
    const out = alloc(x, x.numel());
    for (let b = 0; b < n; b++) {
      const params = { angle: g.uniform(-deg, deg), tx: g.uniform(-fx * w, fx * w), ty: g.uniform(-fy * h, fy * h) };
      affineTransform(x, b, params, out, interpolation, options.fill ?? 0);
    }
    return { x: new Tensor(out, x.shape), y };
  };
}

/** Random rotation by up to ±degrees. */
export const randomRotation = (degrees: number, options: Omit<RandomAffineOptions, 'degrees' | 'translate'> = {}): BatchAugment =>
  randomAffine({ ...options, degrees: checkNonNegative('randomRotation', 'degrees', degrees) });

/** Random translation by up to ±fraction of the width and height. */
export const randomTranslation = (fraction: number | readonly [number, number], options: Omit<RandomAffineOptions, 'degrees' | 'translate'> = {}): BatchAugment =>
  randomAffine({ ...options, translate: typeof fraction === 'number' ? [fraction, fraction] : fraction });

// ---- cutout --------------------------------------------------------------------------------

export interface Box {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** Sets box[k] of image k (all channels) to `value`, on a copy of x. */
export function eraseBoxes(x: Tensor, boxes: readonly (Box | null)[], value = 0): Tensor {
  const [n, c, h, w] = images('eraseBoxes', x);
  if (boxes.length !== n) throw new RangeError(`eraseBoxes: ${boxes.length} boxes for ${n} images`);
  const out = x.data.slice();
  boxes.forEach((bx, b) => {
    if (!bx) return;
    for (let ch = 0; ch < c; ch++) {
      const base = (b * c + ch) * h * w;
      for (let i = Math.max(0, bx.top); i < Math.min(h, bx.top + bx.height); i++) {
        for (let j = Math.max(0, bx.left); j < Math.min(w, bx.left + bx.width); j++) out[base + i * w + j] = value;
      }
    }
  });
  return new Tensor(out, x.shape);
}

/** A size×size box centred at a uniformly random pixel, clipped to the image (DeVries & Taylor 2017). */
function centredBox(g: Generator, h: number, w: number, bh: number, bw: number): Box {
  const cy = g.randint(0, h);
  const cx = g.randint(0, w);
  const top = Math.max(0, cy - Math.floor(bh / 2));
  const left = Math.max(0, cx - Math.floor(bw / 2));
  const bottom = Math.min(h, cy - Math.floor(bh / 2) + bh);
  const right = Math.min(w, cx - Math.floor(bw / 2) + bw);
  return { top, left, height: bottom - top, width: right - left };
}

export interface CutoutOptions {
  /** Side of the square hole in pixels. */
  size: number;
  /** Holes per image (default 1). */
  holes?: number;
  /** Probability of applying it to an image (default 1). */
  p?: number;
  /** Value written into the hole (default 0). */
  fill?: number;
}

/** Cutout: zeros a size×size square (clipped at the border) at a random centre in each image. */
export function cutout(options: CutoutOptions): BatchAugment {
  checkOptions('cutout', options, ['size', 'holes', 'p', 'fill']);
  const size = checkPositiveInt('cutout', 'size', options.size);
  const holes = checkPositiveInt('cutout', 'holes', options.holes ?? 1);
  const p = checkProbability('cutout', 'p', options.p ?? 1);
  return ({ x, y }, g) => {
    const [n, , h, w] = images('cutout', x);
    let out = x;
    for (let k = 0; k < holes; k++) {
      const boxes = Array.from({ length: n }, () => (g.random() < p ? centredBox(g, h, w, size, size) : null));
      out = eraseBoxes(out, boxes, options.fill ?? 0);
    }
    return { x: out, y };
  };
}

// ---- mixup and cutmix ----------------------------------------------------------------------

/** A Gamma(shape, 1) sample (Marsaglia & Tsang 2000; shape < 1 by the boost U^(1/shape)). */
export function sampleGamma(shape: number, g: Generator): number {
  checkPositive('sampleGamma', 'shape', shape);
  if (shape < 1) return sampleGamma(shape + 1, g) * Math.pow(Math.max(g.random(), Number.MIN_VALUE), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let z: number;
    let v: number;
    do {
      z = g.normal();
      v = 1 + c * z;
    } while (v <= 0);
    v = v * v * v;
    const u = g.random();
    if (u < 1 - 0.0331 * z ** 4 || Math.log(u) < 0.5 * z * z + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(a, b) sample. */
export function sampleBeta(a: number, b: number, g: Generator): number {
  const x = sampleGamma(a, g);
  const y = sampleGamma(b, g);
  return x + y > 0 ? x / (x + y) : 0.5;
}

function rowsOf(t: Tensor): number {
  return t.numel() / t.shape[0];
}

/** out[i] = λ a[i] + (1 - λ) a[perm[i]] row by row. */
function mixRows(a: Tensor, lambda: number, perm: ArrayLike<number>): Tensor {
  const n = a.shape[0];
  const r = rowsOf(a);
  const out = alloc(a, a.numel());
  for (let i = 0; i < n; i++) {
    const j = perm[i];
    for (let k = 0; k < r; k++) out[i * r + k] = lambda * a.data[i * r + k] + (1 - lambda) * a.data[j * r + k];
  }
  return new Tensor(out, a.shape);
}

function checkPerm(op: string, perm: ArrayLike<number>, n: number): void {
  if (perm.length !== n) throw new RangeError(`${op}: perm has ${perm.length} entries for a batch of ${n}`);
  for (let i = 0; i < n; i++) if (!Number.isInteger(perm[i]) || perm[i] < 0 || perm[i] >= n) throw new RangeError(`${op}: perm[${i}] = ${perm[i]} is not an index below ${n}`);
}

/**
 * Mixup (Zhang et al. 2018) with a given λ and pairing: x' = λx + (1-λ)x[perm],
 * y' = λY + (1-λ)Y[perm] with Y the targets as probability rows.
 */
export function mixupBatch(batch: Batch, lambda: number, perm: ArrayLike<number>, numClasses: number): Batch {
  checkProbability('mixupBatch', 'lambda', lambda);
  checkPerm('mixupBatch', perm, batch.x.shape[0]);
  const y = toProbabilities(batch.y, numClasses, 'mixupBatch');
  return { x: mixRows(batch.x, lambda, perm), y: mixRows(y, lambda, perm) };
}

export interface MixOptions {
  /** Beta(α, α) parameter of λ (default 1: λ uniform). */
  alpha?: number;
  numClasses: number;
}

/** Mixup: pairs each example with a random other one of the batch, λ ~ Beta(α, α) per batch. */
export function mixup(options: MixOptions): BatchAugment {
  checkOptions('mixup', options, ['alpha', 'numClasses']);
  const alpha = checkPositive('mixup', 'alpha', options.alpha ?? 1);
  const k = checkPositiveInt('mixup', 'numClasses', options.numClasses);
  return (batch, g) => mixupBatch(batch, sampleBeta(alpha, alpha, g), g.permutation(batch.x.shape[0]), k);
}

/**
 * CutMix (Yun et al. 2019) with a given box and pairing: the box of every image is replaced
 * by the same box of image perm[i]; the targets mix in proportion to the areas,
 * y' = λY + (1-λ)Y[perm] with λ = 1 - box area / image area. Returns λ too.
 */
export function cutmixBatch(batch: Batch, box: Box, perm: ArrayLike<number>, numClasses: number): Batch & { lambda: number } {
  const [n, c, h, w] = images('cutmixBatch', batch.x);
  checkPerm('cutmixBatch', perm, n);
  const top = Math.max(0, box.top);
  const left = Math.max(0, box.left);
  const bottom = Math.min(h, box.top + box.height);
  const right = Math.min(w, box.left + box.width);
  const area = Math.max(0, bottom - top) * Math.max(0, right - left);
  const lambda = 1 - area / (h * w);
  const src = batch.x.data;
  const out = src.slice();
  for (let b = 0; b < n; b++) {
    const o = perm[b];
    for (let ch = 0; ch < c; ch++) {
      for (let i = top; i < bottom; i++) {
        for (let j = left; j < right; j++) out[((b * c + ch) * h + i) * w + j] = src[((o * c + ch) * h + i) * w + j];
      }
    }
  }
  const y = toProbabilities(batch.y, numClasses, 'cutmixBatch');
  return { x: new Tensor(out, batch.x.shape), y: mixRows(y, lambda, perm), lambda };
}

/** CutMix: λ ~ Beta(α, α), a box of area (1-λ)HW at a random centre (clipped), pasted from a random partner. */
export function cutmix(options: MixOptions): BatchAugment {
  checkOptions('cutmix', options, ['alpha', 'numClasses']);
  const alpha = checkPositive('cutmix', 'alpha', options.alpha ?? 1);
  const k = checkPositiveInt('cutmix', 'numClasses', options.numClasses);
  return (batch, g) => {
    const [n, , h, w] = images('cutmix', batch.x);
    const lam = sampleBeta(alpha, alpha, g);
    const r = Math.sqrt(1 - lam);
    const box = centredBox(g, h, w, Math.floor(h * r), Math.floor(w * r));
    const { x, y } = cutmixBatch(batch, box, g.permutation(n), k);
    return { x, y };
  };
}
