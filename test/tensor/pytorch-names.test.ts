// The PyTorch names a porting user reaches for: size(dim?), dim(), numel().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zeros } from '../../src/tensor/creation.js';

test('size() is the shape, size(dim) one axis (negative from the end), numel() the count, dim() the rank', () => {
  const t = zeros([2, 3, 5]);
  assert.deepEqual(t.size(), [2, 3, 5]);
  assert.equal(t.size(0), 2);
  assert.equal(t.size(-1), 5);
  assert.equal(t.size(-3), 2);
  assert.equal(t.numel(), 30);
  assert.equal(t.dim(), 3);
  assert.equal(zeros([]).dim(), 0);
  assert.equal(zeros([]).numel(), 1);
  assert.deepEqual(zeros([]).size(), []);
});

test('size() returns a copy: editing it leaves the shape alone', () => {
  const t = zeros([2, 3]);
  const s = t.size();
  s[0] = 9;
  assert.deepEqual([...t.shape], [2, 3]);
});

test('size(dim) out of range names the valid range', () => {
  const t = zeros([2, 3]);
  assert.throws(() => t.size(2), /size: dim 2 is out of range for a tensor of 2 axes; expected an integer in \[-2, 1\]/);
  assert.throws(() => t.size(-3), /expected an integer in \[-2, 1\]/);
  assert.throws(() => t.size(0.5), /dim 0.5 is out of range/);
});
