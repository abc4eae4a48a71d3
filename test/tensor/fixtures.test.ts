/**
 * Forward values and gradients against PyTorch 1.13 in float64, from
 * test/fixtures/tensor/ops.json (written by scripts/fixtures/tensor_fixtures.py). Each case's
 * gradients are those of sum(output * weights) for fixed weights stored with it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Tensor } from '../../src/tensor/tensor.js';
import {
  avgPool2d, conv2d, convTranspose2d, gather, linear, matmul, maxPool2d, pad, scatter, scatterAdd, upsampleNearest,
  type Pair,
} from '../../src/tensor/index.js';
import { testOpCases, type Inputs, type OpCase, type OpParams } from '../helpers/fixture-cases.js';


const fixture = JSON.parse(readFileSync(new URL('../fixtures/tensor/ops.json', import.meta.url), 'utf8')) as { torch: string; cases: OpCase[] };

type P = OpParams;
type In = Inputs;
const axes = (p: P): number[] | undefined => (p.axes === null ? undefined : p.axes);

/** descent's version of each fixture op. */
const ops: Record<string, (i: In, p: P) => Tensor> = {
  gelu: (i, p) => i.x.gelu(p.approximate),
  erf: (i) => i.x.erf(),
  softplus: (i, p) => i.x.softplus(p.beta),
  selu: (i) => i.x.selu(),
  elu: (i, p) => i.x.elu(p.alpha),
  leakyRelu: (i, p) => i.x.leakyRelu(p.negativeSlope),
  silu: (i) => i.x.silu(),
  logSigmoid: (i) => i.x.logSigmoid(),
  sigmoid: (i) => i.x.sigmoid(),
  tanh: (i) => i.x.tanh(),
  expm1: (i) => i.x.expm1(),
  log1p: (i) => i.x.log1p(),
  rsqrt: (i) => i.x.rsqrt(),
  logSumExp: (i, p) => i.x.logSumExp(axes(p), p.keepDims),
  softmax: (i, p) => i.x.softmax(p.axis),
  logSoftmax: (i, p) => i.x.logSoftmax(p.axis),
  var: (i, p) => i.x.var(axes(p), { correction: p.correction, keepDims: p.keepDims }),
  std: (i, p) => i.x.std(axes(p), { correction: p.correction, keepDims: p.keepDims }),
  norm: (i, p) => i.x.norm(p.p, axes(p), p.keepDims),
  mean: (i, p) => i.x.mean(axes(p), p.keepDims),
  max: (i, p) => i.x.max(axes(p), p.keepDims),
  min: (i, p) => i.x.min(axes(p), p.keepDims),
  conv2d: (i, p) => conv2d(i.x, i.w, i.b ?? null, p),
  convTranspose2d: (i, p) => convTranspose2d(i.x, i.w, i.b ?? null, p),
  maxPool2d: (i, { kernelSize, ...p }) => maxPool2d(i.x, kernelSize as Pair, p),
  avgPool2d: (i, { kernelSize, ...p }) => avgPool2d(i.x, kernelSize as Pair, p),
  upsampleNearest: (i, p) => upsampleNearest(i.x, p),
  gather: (i, p) => gather(i.x, p.axis, i.index),
  scatter: (i, p) => scatter(i.x, p.axis, i.index, i.src ?? p.value),
  scatterAdd: (i, p) => scatterAdd(i.x, p.axis, i.index, i.src),
  pad: (i, p) => pad(i.x, p.pads, p.value),
  matmul: (i) => matmul(i.a, i.b),
  linear: (i) => linear(i.x, i.w, i.b),
};

describe(`forward values and gradients match PyTorch ${fixture.torch} (float64)`, () => {
  test('the fixture covers every mapped op', () => {
    const used = new Set(fixture.cases.map((c) => c.op));
    assert.deepEqual([...Object.keys(ops)].filter((op) => !used.has(op)), []);
    assert.ok(fixture.cases.length >= 60);
  });

  testOpCases(fixture.cases, ops);
});
