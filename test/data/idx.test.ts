/**
 * The IDX reader and MNIST-format decoding: every element type, the shipped subset, and
 * corrupted copies of it (truncated, wrong magic, count mismatch, bad gzip, swapped files).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  IdxFormatError, builtinDataDir, decodeMnistFormat, readIdx, readIdxHeader, writeIdx, type IdxType,
} from '../../src/data/index.js';

const dir = builtinDataDir();
const trainImagesGz = new Uint8Array(readFileSync(join(dir, 'train-images-idx3-ubyte.gz')));
const trainLabelsGz = new Uint8Array(readFileSync(join(dir, 'train-labels-idx1-ubyte.gz')));
const testLabelsGz = new Uint8Array(readFileSync(join(dir, 't10k-labels-idx1-ubyte.gz')));
const trainImages = new Uint8Array(gunzipSync(trainImagesGz));
const trainLabels = new Uint8Array(gunzipSync(trainLabelsGz));

function refused(fn: () => unknown, file: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof IdxFormatError, `expected an IdxFormatError, got ${String(e)}`);
    assert.equal(e.file, file);
    assert.ok(e.message.startsWith(`${file}: `), `message names the file: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('readIdx', () => {
  test('reads the shipped subset, gzipped and plain alike', () => {
    const gz = readIdx(trainImagesGz, { name: 'train-images' });
    assert.equal(gz.type, 'ubyte');
    assert.deepEqual(gz.shape, [6000, 28, 28]);
    assert.ok(gz.data instanceof Uint8Array);
    const plain = readIdx(trainImages);
    assert.deepEqual(plain.shape, gz.shape);
    assert.ok(Buffer.from(plain.data.buffer, plain.data.byteOffset, plain.data.byteLength).equals(Buffer.from(gz.data.buffer, gz.data.byteOffset, gz.data.byteLength)));
    const labels = readIdx(trainLabelsGz);
    assert.equal(labels.type, 'ubyte');
    assert.deepEqual(labels.shape, [6000]);
  });

  const cases: [IdxType, number[], Function][] = [
    ['ubyte', [0, 1, 128, 255], Uint8Array],
    ['byte', [-128, -1, 0, 127], Int8Array],
    ['short', [-32768, -2, 513, 32767], Int16Array],
    ['int', [-2147483648, -70000, 65537, 2147483647], Int32Array],
    ['float', [-1.5, 0, 3.25, 1e-3], Float32Array],
    ['double', [-Math.PI, 0, 1e300, 2 ** -40], Float64Array],
  ];
  for (const [type, values, ctor] of cases) {
    test(`round-trips ${type} (big-endian on disk), gzipped and plain`, () => {
      const array = { type, shape: [2, 2], data: values };
      for (const gzip of [false, true]) {
        const bytes = writeIdx(array, { gzip });
        const back = readIdx(bytes);
        assert.equal(back.type, type);
        assert.deepEqual(back.shape, [2, 2]);
        assert.ok(back.data instanceof ctor);
        const expected = type === 'float' ? values.map(Math.fround) : values;
        assert.deepEqual(Array.from(back.data), expected);
      }
    });
  }

  test('the header is big-endian with the documented magic', () => {
    const bytes = writeIdx({ type: 'short', shape: [3], data: [1, 2, 0x0102] });
    assert.deepEqual(Array.from(bytes.subarray(0, 8)), [0, 0, 0x0b, 1, 0, 0, 0, 3]);
    assert.deepEqual(Array.from(bytes.subarray(12, 14)), [1, 2]);
    assert.deepEqual(readIdxHeader(bytes), { type: 'short', shape: [3], offset: 8 });
  });
});

describe('corrupt files are refused, naming the file and the problem', () => {
  test('truncated data (plain and gzipped)', () => {
    refused(() => readIdx(trainImages.subarray(0, trainImages.length - 100), { name: 'imgs' }), 'imgs', /truncated: the header declares 6000 x 28 x 28 ubyte elements/);
    const gz = gzipSync(trainImages.subarray(0, 5000));
    refused(() => readIdx(gz, { name: 'imgs.gz' }), 'imgs.gz', /truncated/);
  });

  test('a truncated gzip stream', () => {
    refused(() => readIdx(trainImagesGz.subarray(0, trainImagesGz.length >> 1), { name: 'half.gz' }), 'half.gz', /corrupt gzip data \(unexpected end of file\)/);
  });

  test('bad gzip (flipped bytes in the deflate stream)', () => {
    const bad = trainLabelsGz.slice();
    for (let i = 20; i < 60; i++) bad[i] ^= 0xa5;
    refused(() => readIdx(bad, { name: 'bad.gz' }), 'bad.gz', /corrupt gzip data/);
  });

  test('wrong magic numbers', () => {
    const wrong = trainImages.slice();
    wrong[0] = 0x50; // e.g. a PNG or text file
    refused(() => readIdx(wrong, { name: 'x' }), 'x', /wrong magic number 50 00 08 03/);
    const type = trainImages.slice();
    type[2] = 0x07;
    refused(() => readIdx(type, { name: 'x' }), 'x', /unknown element type code 0x07/);
    refused(() => readIdx(new TextEncoder().encode('hello world, not idx'), { name: 'x' }), 'x', /wrong magic/);
    refused(() => readIdx(new Uint8Array([0, 0]), { name: 'x' }), 'x', /too short/);
  });

  test('a header whose dimensions do not fit', () => {
    const hdr = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1]);
    refused(() => readIdx(hdr, { name: 'h' }), 'h', /truncated header/);
  });

  test('trailing bytes', () => {
    const extra = new Uint8Array(trainLabels.length + 3);
    extra.set(trainLabels);
    refused(() => readIdx(extra, { name: 'l' }), 'l', /3 unexpected trailing bytes/);
  });

  test('image and label counts that do not match', () => {
    refused(
      () => decodeMnistFormat({ bytes: trainImagesGz, name: 'train-images' }, { bytes: testLabelsGz, name: 't10k-labels' }),
      't10k-labels',
      /holds 1000 labels but train-images holds 6000 images/,
    );
  });

  test('swapped images and labels files', () => {
    refused(
      () => decodeMnistFormat({ bytes: trainLabelsGz, name: 'L' }, { bytes: trainImagesGz, name: 'I' }),
      'L',
      /expected an images file .* \(is this the labels file\?\)/,
    );
  });

  test('labels out of range for the classes', () => {
    const labels = trainLabels.slice();
    labels[8 + 17] = 12;
    refused(() => decodeMnistFormat({ bytes: trainImages, name: 'I' }, { bytes: labels, name: 'L' }), 'L', /label 12 at index 17 is out of range: there are 10 classes/);
  });

  test('wrong image size when one is required', () => {
    refused(() => decodeMnistFormat({ bytes: trainImages, name: 'I' }, { bytes: trainLabels, name: 'L' }, { imageSize: [32, 32] }), 'I', /28 x 28, expected 32 x 32/);
  });
});

describe('decodeMnistFormat', () => {
  test('builds float32 [N, 1, H, W] in [0, 1] and float labels', () => {
    const ds = decodeMnistFormat({ bytes: trainImagesGz, name: 'I' }, { bytes: trainLabelsGz, name: 'L' }, { limit: 50 });
    assert.deepEqual(ds.x.shape, [50, 1, 28, 28]);
    assert.equal(ds.x.dtype, 'float32');
    assert.deepEqual(ds.y.shape, [50]);
    for (let i = 0; i < 784 * 50; i++) assert.equal(ds.x.data[i], Math.fround(trainImages[16 + i] / 255));
    for (let i = 0; i < 50; i++) assert.equal(ds.y.data[i], trainLabels[8 + i]);
  });

  test('transpose (EMNIST layout) swaps rows and columns, any image size', () => {
    const img = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    const images = writeIdx({ type: 'ubyte', shape: [2, 3, 4], data: img });
    const labels = writeIdx({ type: 'ubyte', shape: [2], data: [1, 0] });
    const plain = decodeMnistFormat({ bytes: images, name: 'I' }, { bytes: labels, name: 'L' });
    const t = decodeMnistFormat({ bytes: images, name: 'I' }, { bytes: labels, name: 'L' }, { transpose: true });
    assert.deepEqual(plain.x.shape, [2, 1, 3, 4]);
    assert.deepEqual(t.x.shape, [2, 1, 4, 3]);
    for (let n = 0; n < 2; n++) for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) {
      assert.equal(t.x.data[n * 12 + c * 3 + r], plain.x.data[n * 12 + r * 4 + c]);
    }
  });
});
