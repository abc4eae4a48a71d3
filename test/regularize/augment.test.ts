import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataLoader } from '../../src/data/index.js';
import { crossEntropy } from '../../src/nn/index.js';
import { Generator, rand, tensor, Tensor } from '../../src/tensor/index.js';
import {
  affineTransform, composeAugment, cutmix, cutmixBatch, cutout, eraseBoxes, horizontalFlip, mixup, mixupBatch, randomAffine,
  randomCrop, randomRotation, randomTranslation, sampleBeta,
} from '../../src/regularize/index.js';
import { assertClose } from '../helpers/close.js';
import { throwsWith } from './fixtures.js';

/** x[n, c, i, j] = 1000 n + 100 c + 10 i + j (+1 so that no pixel is 0). */
function indexed(n: number, c: number, h: number, w: number): Tensor {
  const d = new Float64Array(n * c * h * w);
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) d[((b * c + ch) * h + i) * w + j] = 1000 * b + 100 * ch + 10 * i + j + 1;
  return new Tensor(d, [n, c, h, w]);
}
const at = (x: Tensor, b: number, c: number, i: number, j: number): number => x.data[((b * x.shape[1] + c) * x.shape[2] + i) * x.shape[3] + j];
const y4 = tensor([0, 1, 2, 3], { dtype: 'float64' });

describe('single-image augmentations', () => {
  it('random crop with padding is a shift of the image by at most `padding`, with zeros coming in', () => {
    const x = indexed(4, 2, 6, 6);
    const out = randomCrop({ padding: 2 })({ x, y: y4 }, new Generator(1)).x;
    assert.deepEqual(out.shape, [4, 2, 6, 6]);
    const shifts = new Set<string>();
    for (let b = 0; b < 4; b++) {
      // find the shift from the first non-zero pixel of channel 0
      let found: [number, number] | null = null;
      for (let dy = -2; dy <= 2 && !found; dy++) {
        for (let dx = -2; dx <= 2 && !found; dx++) {
          let ok = true;
          for (let c = 0; c < 2 && ok; c++) for (let i = 0; i < 6 && ok; i++) for (let j = 0; j < 6 && ok; j++) {
            const si = i + dy;
            const sj = j + dx;
            const expect = si >= 0 && si < 6 && sj >= 0 && sj < 6 ? at(x, b, c, si, sj) : 0;
            ok = at(out, b, c, i, j) === expect;
          }
          if (ok) found = [dy, dx];
        }
      }
      assert.ok(found, `image ${b} is not a shifted copy`);
      shifts.add(found.join(','));
    }
    assert.ok(shifts.size > 1, 'different images get different offsets');
    const small = randomCrop({ size: [4, 3] })({ x, y: y4 }, new Generator(2)).x;
    assert.deepEqual(small.shape, [4, 2, 4, 3]);
  });

  it('horizontal flip reverses the columns of about half the images', () => {
    const x = indexed(200, 1, 2, 3);
    const out = horizontalFlip()({ x, y: tensor(new Array(200).fill(0)) }, new Generator(3)).x;
    let flipped = 0;
    for (let b = 0; b < 200; b++) {
      const isFlip = at(out, b, 0, 0, 0) === at(x, b, 0, 0, 2);
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) assert.equal(at(out, b, 0, i, j), at(x, b, 0, i, isFlip ? 2 - j : j));
      if (isFlip) flipped++;
    }
    assert.ok(flipped > 70 && flipped < 130, `${flipped} of 200 flipped`);
    assert.deepEqual(horizontalFlip({ p: 1 })({ x, y: y4 }, new Generator(0)).x.data[0], at(x, 0, 0, 0, 2));
  });

  it('rotation and translation: identity at 0, an exact 90° turn, exact integer shifts, bilinear in between', () => {
    const x = indexed(1, 1, 5, 5);
    for (const interpolation of ['nearest', 'bilinear'] as const) {
      const out = new Float64Array(25);
      affineTransform(x, 0, { angle: 0, tx: 0, ty: 0 }, out, interpolation);
      assertClose(out, x, { atol: 1e-9 });
      affineTransform(x, 0, { angle: 90, tx: 0, ty: 0 }, out, interpolation);
      // counter-clockwise as displayed: output (i, j) shows input (j, 4 - i)
      for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) assertClose(out[i * 5 + j], at(x, 0, 0, j, 4 - i), { atol: 1e-9 });
      affineTransform(x, 0, { angle: 0, tx: 2, ty: -1 }, out, interpolation);
      for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) {
        const si = i + 1;
        const sj = j - 2;
        assertClose(out[i * 5 + j], si < 5 && sj >= 0 ? at(x, 0, 0, si, sj) : 0, { atol: 1e-9 });
      }
    }
    const out = new Float64Array(25);
    affineTransform(x, 0, { angle: 0, tx: 0.5, ty: 0 }, out, 'bilinear');
    assertClose(out[2 * 5 + 2], (at(x, 0, 0, 2, 1) + at(x, 0, 0, 2, 2)) / 2, { atol: 1e-9 });
    const aug = randomAffine({ degrees: 10, translate: [0.1, 0.1] })({ x: indexed(3, 1, 8, 8), y: tensor([0, 1, 2]) }, new Generator(4));
    assert.deepEqual(aug.x.shape, [3, 1, 8, 8]);
    assert.ok(randomRotation(15) && randomTranslation(0.1));
    throwsWith(() => randomAffine({ translate: [1.5, 0] }), 'randomAffine', 'translate[0]', '1.5');
  });

  it('cutout zeros one box per image (all channels), size×size when inside, and nothing else', () => {
    const x = indexed(50, 3, 10, 10);
    const out = cutout({ size: 4 })({ x, y: tensor(new Array(50).fill(0)) }, new Generator(5)).x;
    let full = 0;
    for (let b = 0; b < 50; b++) {
      let top = 99, left = 99, bottom = -1, right = -1, count = 0;
      for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) {
        const zero = at(out, b, 0, i, j) === 0;
        for (let c = 0; c < 3; c++) assert.equal(at(out, b, c, i, j) === 0, zero, 'the same box in every channel');
        if (!zero) { for (let c = 0; c < 3; c++) assert.equal(at(out, b, c, i, j), at(x, b, c, i, j)); continue; }
        count++;
        top = Math.min(top, i); left = Math.min(left, j); bottom = Math.max(bottom, i); right = Math.max(right, j);
      }
      assert.equal(count, (bottom - top + 1) * (right - left + 1), 'the zeros form a rectangle');
      assert.ok(bottom - top + 1 <= 4 && right - left + 1 <= 4);
      if (count === 16) full++;
    }
    assert.ok(full > 10, 'boxes away from the border are 4×4');
    const e = eraseBoxes(indexed(1, 1, 4, 4), [{ top: 1, left: 2, height: 2, width: 5 }]);
    assert.deepEqual(Array.from(e.data).map((v) => (v === 0 ? 0 : 1)), [1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1]);
    throwsWith(() => cutout({ size: 0 }), 'cutout', 'size', '0');
  });
});

describe('mixup and cutmix', () => {
  it('mixup is the convex combination λ x + (1-λ) x[perm] with the same λ on one-hot targets', () => {
    const x = rand([4, 1, 2, 2], { generator: new Generator(6), dtype: 'float64' });
    const perm = [2, 0, 3, 1];
    const out = mixupBatch({ x, y: y4 }, 0.7, perm, 5);
    for (let b = 0; b < 4; b++) for (let k = 0; k < 4; k++) assertClose(out.x.data[b * 4 + k], 0.7 * x.data[b * 4 + k] + 0.3 * x.data[perm[b] * 4 + k], { rtol: 1e-12 });
    assertClose(out.y.data.slice(0, 5), [0.7, 0, 0.3, 0, 0], { rtol: 1e-12 });
    for (let b = 0; b < 4; b++) assertClose(Array.from(out.y.data.slice(b * 5, b * 5 + 5)).reduce((s, v) => s + v, 0), 1, { rtol: 1e-12 });
    // crossEntropy accepts the soft targets
    const logits = rand([4, 5], { generator: new Generator(7), dtype: 'float64' });
    const ce = crossEntropy(logits, out.y).item();
    const manual = 0.7 * crossEntropy(logits, y4).item() + 0.3 * crossEntropy(logits, tensor(perm.map((p) => y4.data[p]), { dtype: 'float64' })).item();
    assertClose(ce, manual, { rtol: 1e-12 });
    const aug = mixup({ alpha: 0.4, numClasses: 5 })({ x, y: y4 }, new Generator(8));
    assert.deepEqual(aug.y.shape, [4, 5]);
    throwsWith(() => mixup({ alpha: 0, numClasses: 5 }), 'mixup', 'alpha', '> 0');
  });

  it('cutmix pastes the box from the partner and mixes the labels in proportion to the box area', () => {
    const x = indexed(3, 2, 8, 8);
    const perm = [1, 2, 0];
    const box = { top: 2, left: 1, height: 4, width: 3 };
    const out = cutmixBatch({ x, y: tensor([0, 1, 2], { dtype: 'float64' }) }, box, perm, 3);
    assertClose(out.lambda, 1 - 12 / 64, { rtol: 1e-12 });
    for (let b = 0; b < 3; b++) for (let c = 0; c < 2; c++) for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) {
      const inBox = i >= 2 && i < 6 && j >= 1 && j < 4;
      assert.equal(at(out.x, b, c, i, j), at(x, inBox ? perm[b] : b, c, i, j));
    }
    assertClose(out.y.data.slice(0, 3), [out.lambda, 1 - out.lambda, 0], { rtol: 1e-12 });
    // a box over the border is clipped, and λ counts the clipped area
    const clipped = cutmixBatch({ x, y: tensor([0, 1, 2], { dtype: 'float64' }) }, { top: 6, left: 6, height: 4, width: 4 }, perm, 3);
    assertClose(clipped.lambda, 1 - 4 / 64, { rtol: 1e-12 });
    const aug = cutmix({ numClasses: 3 })({ x, y: tensor([0, 1, 2]) }, new Generator(9));
    for (let b = 0; b < 3; b++) assertClose(Array.from(aug.y.data.slice(b * 3, b * 3 + 3)).reduce((s, v) => s + v, 0), 1, { rtol: 1e-6 });
  });

  it('Beta samples have the right mean', () => {
    const g = new Generator(10);
    for (const [a, b] of [[0.4, 0.4], [2, 5], [1, 1]]) {
      let s = 0;
      for (let i = 0; i < 20000; i++) s += sampleBeta(a, b, g);
      assertClose(s / 20000, a / (a + b), { atol: 0.01 });
    }
  });
});

describe('through the DataLoader', () => {
  it('augmentations are applied per batch, reproducibly for the same seed, and not in eval mode', () => {
    const data = { x: rand([20, 1, 6, 6], { generator: new Generator(11) }), y: tensor(Array.from({ length: 20 }, (_, i) => i % 4)) };
    const augment = composeAugment(randomCrop({ padding: 1 }), horizontalFlip(), cutout({ size: 2 }), mixup({ numClasses: 4 }));
    const a = [...new DataLoader(data, { batchSize: 8, shuffle: true, seed: 3, augment })];
    const b = [...new DataLoader(data, { batchSize: 8, shuffle: true, seed: 3, augment })];
    assert.equal(a.length, 3);
    a.forEach((batch, i) => {
      assert.deepEqual(Array.from(batch.x.data), Array.from(b[i].x.data));
      assert.deepEqual(batch.y.shape, [batch.x.shape[0], 4]);
    });
    const plain = [...new DataLoader(data, { batchSize: 8, seed: 3, augment }).eval()];
    assert.deepEqual(Array.from(plain[0].x.data), Array.from(data.x.data.slice(0, 8 * 36)));
  });
});
