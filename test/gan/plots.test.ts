/** Sample grids as PNG, gradient fields as SVG, the scoring classifier, the fixed-set tools. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  classifierCachePath, computeField, directionStats, fieldSvg, gradientFieldSvg, imageGridPng, imageGridSvg, loadOrTrainClassifier, saveImageGrid, scoreImages, transportPartners,
} from '../../src/gan/index.js';
import { loadFashionMNISTSubset } from '../../src/data/index.js';
import { Generator, Tensor, tensor, uniform } from '../../src/tensor/index.js';
import { fastBackend } from './helpers.js';

fastBackend();

test('a sample grid is written as a PNG of the expected size', () => {
  const imgs = uniform([6, 1, 28, 28], 0, 1, { generator: new Generator(0) });
  const svg = imageGridSvg(imgs, { columns: 3, padding: 2 });
  assert.match(svg, /^<svg[^>]*width="92" height="62"/);
  const png = imageGridPng(imgs, { columns: 3, scale: 2 });
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), 184); // IHDR width
  assert.equal(png.readUInt32BE(20), 124); // IHDR height
  const path = saveImageGrid(join(mkdtempSync(join(tmpdir(), 'descent-gan-')), 'grid.png'), imgs.mul(2).sub(1), { range: [-1, 1] });
  assert.ok(readFileSync(path).length > 100);
  assert.throws(() => imageGridSvg(uniform([2, 3, 4, 4])), /single-channel/);
});

test('a gradient field: arrows of ∇f on a grid and at the fake samples, over the density', () => {
  // f(x) = x·(1, 0): the gradient points along +x everywhere.
  const critic = (x: Tensor): Tensor => x.matmul(tensor([[1], [0]])).reshape(x.shape[0]);
  const real = tensor([[1, 0], [1, 1]]);
  const fake = tensor([[-1, 0]]);
  const d = computeField({ critic, real, fake, grid: 4, resolution: 10 });
  assert.equal(d.gridGrads.length, 32);
  for (let k = 0; k < 16; k++) assert.deepEqual([d.gridGrads[2 * k], d.gridGrads[2 * k + 1]], [1, 0]);
  assert.deepEqual(d.fakeGrads, [1, 0]);
  assert.equal(d.background.cells.length, 100);
  assert.equal(Math.max(...d.background.cells), 1);
  const svg = fieldSvg(d, { title: 'f = x' });
  assert.equal((svg.match(/<line /g) ?? []).length, 17);
  assert.match(svg, /f = x/);
  // What the marks mean: a legend of dots and arrows, and the background's colour bar.
  for (const label of ['real', 'fake', '∇f direction', '∇f at fakes', 'real-data density']) assert.ok(svg.includes(`>${label}</text>`), label);
  assert.match(gradientFieldSvg({ critic, real, fake, background: 'critic', grid: 3, resolution: 5 }), />critic f − mean f</);
  assert.match(gradientFieldSvg({ critic, real, fake, background: 'critic', grid: 3, resolution: 5 }), /^<svg/);
  // The same critic aims straight at (1, 0) from (-1, 0).
  const s = directionStats(critic, real, fake, [0]);
  assert.ok(Math.abs(s.cosPartner![0] - 1) < 1e-6);
  assert.ok(s.rayMiss[0] < 1e-6 && s.target[0] === 0);
});

test('optimal transport partners of small point sets', () => {
  const real = tensor([[0, 0], [10, 0], [0, 10]]);
  const fake = tensor([[9, 1], [1, 9], [1, 1]]);
  assert.deepEqual(transportPartners(real, fake), [1, 2, 0]);
});

test('the scoring classifier: trained, cached, and scoring real images better than noise', () => {
  const dir = mkdtempSync(join(tmpdir(), 'descent-gan-'));
  const options = { arch: 'mlp' as const, epochs: 1, trainLimit: 1500, seed: 0 };
  const path = classifierCachePath(dir, options);
  const a = loadOrTrainClassifier(path, options);
  assert.ok(a.testAccuracy > 0.55, `accuracy ${a.testAccuracy}`);
  const b = loadOrTrainClassifier(path, options);
  assert.deepEqual(Array.from(b.model.out.weight.data), Array.from(a.model.out.weight.data));
  const real = loadFashionMNISTSubset({ split: 'test' }).x.slice(0, 0, 300);
  const noise = uniform([300, 1, 28, 28], 0, 1, { generator: new Generator(1) });
  const sr = scoreImages(a, real);
  const sn = scoreImages(a, noise);
  assert.ok(sr.fid < sn.fid, `FID real ${sr.fid} vs noise ${sn.fid}`);
  assert.ok(sr.is > sn.is, `IS real ${sr.is} vs noise ${sn.is}`);
  assert.ok(sr.am < sn.am, `AM real ${sr.am} vs noise ${sn.am}`);
});
