/**
 * The spatial nn.functional ops (issue 19): conv1d, conv3d, padding modes, 1-D and adaptive
 * pools, interpolate, pixel shuffles, fold / unfold and embedding. Values and gradients against
 * PyTorch (test/fixtures/nn/nn_spatial.json from scripts/fixtures/nn_spatial.py), gradcheck and
 * gradgradcheck on every backend, the modules and the errors.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, type Tensor } from '../../src/tensor/index.js';
import * as nn from '../../src/nn/index.js';
import { checksGradients, matchesPyTorch, type CaseFn, type ExtraCase } from './extra-cases.js';
import { loadFixture } from './fixtures.js';

const F = nn.functional;
const fixture = loadFixture<{ functions: ExtraCase[] }>('nn_spatial.json');

/** A layer whose parameters are the given tensors (so gradients reach them). */
function withParams<M extends nn.Module & { weight: Tensor; bias: Tensor | null }>(m: M, w: Tensor, b?: Tensor): M {
  m.weight = w;
  m.bias = b ?? null;
  return m;
}

const fns: Record<string, CaseFn> = {
  conv1d: ([x, w, b], p) => F.conv1d(x, w, b, p),
  conv3d: ([x, w, b], p) => F.conv3d(x, w, b, p),
  Conv2d: ([x, w, b], p) => withParams(new nn.Conv2d(w.shape[1], w.shape[0], [w.shape[2], w.shape[3]], { ...p, dtype: 'float64' }), w, b).forward(x),
  Conv1d: ([x, w, b], p) => withParams(new nn.Conv1d(w.shape[1], w.shape[0], w.shape[2], { ...p, dtype: 'float64' }), w, b).forward(x),
  maxPool1d: ([x], { kernelSize, ...o }) => F.maxPool1d(x, kernelSize, o),
  maxPool1dIndices: ([x], { kernelSize, ...o }) => F.maxPool1d(x, kernelSize, { ...o, returnIndices: true })[1],
  avgPool1d: ([x], { kernelSize, ...o }) => F.avgPool1d(x, kernelSize, o),
  adaptiveAvgPool1d: ([x], p) => F.adaptiveAvgPool1d(x, p.outputSize),
  adaptiveAvgPool2d: ([x], p) => F.adaptiveAvgPool2d(x, p.outputSize),
  adaptiveMaxPool1d: ([x], p) => F.adaptiveMaxPool1d(x, p.outputSize),
  adaptiveMaxPool2d: ([x], p) => F.adaptiveMaxPool2d(x, p.outputSize),
  adaptiveMaxPool1dIndices: ([x], p) => F.adaptiveMaxPool1d(x, p.outputSize, { returnIndices: true })[1],
  adaptiveMaxPool2dIndices: ([x], p) => F.adaptiveMaxPool2d(x, p.outputSize, { returnIndices: true })[1],
  interpolate: ([x], p) => F.interpolate(x, p),
  pixelShuffle: ([x], p) => F.pixelShuffle(x, p.factor),
  pixelUnshuffle: ([x], p) => F.pixelUnshuffle(x, p.factor),
  unfold: ([x], { kernelSize, ...o }) => F.unfold(x, kernelSize, o),
  fold: ([x], { outputSize, kernelSize, ...o }) => F.fold(x, outputSize, kernelSize, o),
  // max_norm rescales the table in place: each run gets its own copy.
  embedding: ([i, w], p) => F.embedding(i, p.maxNorm ? w.mul(1) : w, p),
};

const cases = fixture.functions;

describe('spatial nn.functional ops match PyTorch (value and gradients, float64)', () => {
  matchesPyTorch(cases, fns);
});

describe('spatial nn.functional ops: gradcheck and gradgradcheck on every backend', () => {
  // Embedding's padding row keeps its value but gets no gradient by design, and maxNorm rescales rows
  // outside the graph (both as PyTorch): finite differences of those are not what the gradient is.
  checksGradients(cases.filter((c) => !c.name.startsWith('embedding_')), fns);
});

describe('spatial modules', () => {
  const x = tensor(Array.from({ length: 2 * 4 * 6 }, (_, i) => Math.sin(i)), { shape: [2, 4, 6], dtype: 'float64' });

  it('Conv1d has PyTorch\'s parameter shapes and matches conv1d', () => {
    const m = new nn.Conv1d(4, 6, 3, { groups: 2, padding: 'same', dtype: 'float64' });
    assert.deepEqual(m.weight.shape, [6, 2, 3]);
    assert.deepEqual(m.forward(x).toArray(), F.conv1d(x, m.weight, m.bias, { groups: 2, padding: 'same' }).toArray());
    assert.match(m.toString(), /Conv1d\(4, 6, kernelSize=\[3\], stride=\[1\], padding='same', groups=2, bias=true\)/);
  });

  it('Conv3d, pools, Upsample, shuffles and Fold/Unfold forward to their functions', () => {
    const v = tensor(Array.from({ length: 2 * 4 * 6 * 6 }, (_, i) => Math.cos(i)), { shape: [2, 4, 6, 6], dtype: 'float64' });
    const c3 = new nn.Conv3d(2, 3, [2, 2, 2], { dtype: 'float64' });
    const v5 = v.reshape(2, 2, 2, 6, 6);
    assert.deepEqual(c3.forward(v5).shape, [2, 3, 1, 5, 5]);
    assert.deepEqual(new nn.MaxPool1d(2).forward(x).toArray(), F.maxPool1d(x, 2).toArray());
    assert.deepEqual(new nn.MaxPool1d(2).forwardWithIndices(x)[1].toArray(), F.maxPool1d(x, 2, { returnIndices: true })[1].toArray());
    assert.deepEqual(new nn.AvgPool1d(3).forward(x).toArray(), F.avgPool1d(x, 3).toArray());
    assert.deepEqual(new nn.AdaptiveAvgPool1d(4).forward(x).shape, [2, 4, 4]);
    assert.deepEqual(new nn.AdaptiveMaxPool1d(4).forward(x).shape, [2, 4, 4]);
    assert.deepEqual(new nn.AdaptiveAvgPool2d([2, null]).forward(v).shape, [2, 4, 2, 6]);
    assert.deepEqual(new nn.AdaptiveMaxPool2d(3).forwardWithIndices(v)[1].shape, [2, 4, 3, 3]);
    assert.deepEqual(new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' }).forward(v).shape, [2, 4, 12, 12]);
    assert.deepEqual(new nn.PixelUnshuffle(2).forward(new nn.PixelShuffle(2).forward(v)).toArray(), v.toArray());
    const cols = new nn.Unfold(2, { stride: 2 }).forward(v);
    assert.deepEqual(cols.shape, [2, 16, 9]);
    // Non-overlapping blocks: fold undoes unfold exactly.
    assert.deepEqual(new nn.Fold(6, 2, { stride: 2 }).forward(cols).toArray(), v.toArray());
  });

  it('Embedding uses embedding: the padding row gets no gradient', () => {
    const e = new nn.Embedding(4, 2, { paddingIdx: 1, dtype: 'float64' });
    const idx = tensor([1, 2, 1, 0], { dtype: 'float64' });
    e.forward(idx).sum().backward();
    assert.deepEqual(Array.from(e.weight.grad!.data), [1, 1, 0, 0, 1, 1, 0, 0]);
  });

  it('embedding with maxNorm renormalizes the rows it looks up, in place (as PyTorch)', () => {
    const w = tensor([[3, 4], [0.3, 0.4], [6, 8]], { dtype: 'float64' });
    F.embedding(tensor([0, 1], { dtype: 'float64' }), w, { maxNorm: 1 });
    const rows = w.toArray() as number[][];
    assert.ok(Math.abs(Math.hypot(...rows[0]) - 1) < 1e-6, `row 0 renormed to 1, got ${rows[0]}`);
    assert.deepEqual(rows[1], [0.3, 0.4]);
    assert.deepEqual(rows[2], [6, 8]);
  });
});

describe('spatial ops: errors name what was wrong', () => {
  const x4 = tensor(Array.from({ length: 16 }, (_, i) => i), { shape: [1, 1, 4, 4] });
  it('rejects bad input', () => {
    assert.throws(() => F.conv1d(x4, tensor([1], { shape: [1, 1, 1] })), /conv1d: input must be \[N, C, L\] or \[C, L\]/);
    assert.throws(() => F.conv3d(x4.reshape(1, 1, 1, 4, 4), tensor([1, 1], { shape: [1, 2, 1, 1, 1] })), /conv3d: weight \[1,2,1,1,1\] with groups=1 does not fit/);
    assert.throws(() => F.interpolate(x4, { size: 3, mode: 'linear' }), /mode 'linear' needs 3-D input/);
    assert.throws(() => F.interpolate(x4, { size: 3, alignCorners: true }), /alignCorners can only be set with the interpolating modes/);
    assert.throws(() => F.interpolate(x4, { size: 3, scaleFactor: 2 }), /exactly one of size and scaleFactor/);
    assert.throws(() => F.interpolate(x4, { size: 3, mode: 'cubic' as never }), /unknown mode "cubic"/);
    assert.throws(() => F.adaptiveAvgPool2d(x4, [2, 0]), /outputSize must be a positive integer/);
    assert.throws(() => F.pixelShuffle(x4, 2), /channels \(1\) must be divisible by upscaleFactor² \(4\)/);
    assert.throws(() => F.fold(tensor([1, 2, 3, 4], { shape: [1, 4, 1] }), 3, 2), /the input has 1 blocks, but outputSize 3x3/);
    assert.throws(() => F.embedding(tensor([0, 5]), tensor([1, 2], { shape: [2, 1] })), /embedding: index 5 at flat position 1 is not an integer in \[0, 1\]/);
    assert.throws(() => new nn.Conv2d(1, 1, 3, { paddingMode: 'mirror' as never }), /Conv2d: paddingMode must be one of 'zeros', 'reflect', 'replicate', 'circular'/);
  });
});
