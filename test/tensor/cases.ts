/**
 * The op cases shared by the gradient checks (float64, finite differences) and the backend
 * parity checks (float32 on every backend against float64 on js): every differentiable op with
 * inputs chosen away from its kinks and poles.
 */
import { Tensor } from '../../src/tensor/tensor.js';
import {
  avgPool2d, chunk, concat, conv2d, convTranspose2d, dot, linear, matmul, maxPool2d, pad,
  split, stack, tensor, upsampleNearest, where, type GradcheckOptions,
} from '../../src/tensor/index.js';
import { draw, f64 } from '../helpers/data.js';

export type Fn = (...xs: Tensor[]) => Tensor;
export interface Case {
  name: string;
  f: Fn;
  inputs: Tensor[];
  options?: GradcheckOptions;
}

let seed = 1;
/** Fresh inputs per case: uniform in [low, high), optionally kept away from 0. */
const x = (shape: number[], low = -1, high = 1, awayFromZero = 0): Tensor => draw(shape, seed++, { low, high, awayFromZero });
const pos = (shape: number[], low = 0.3, high = 2): Tensor => x(shape, low, high);
const away = (shape: number[]): Tensor => x(shape, -1.5, 1.5, 0.15);

// ---- first derivatives ----------------------------------------------------------------------

export const elementwise: Case[] = [
  { name: 'neg', f: (a) => a.neg(), inputs: [x([2, 3])] },
  { name: 'abs', f: (a) => a.abs(), inputs: [away([2, 3])] },
  { name: 'exp', f: (a) => a.exp(), inputs: [x([2, 3])] },
  { name: 'expm1', f: (a) => a.expm1(), inputs: [x([2, 3])] },
  { name: 'log', f: (a) => a.log(), inputs: [pos([2, 3])] },
  { name: 'log1p', f: (a) => a.log1p(), inputs: [x([2, 3], -0.7, 2)] },
  { name: 'sqrt', f: (a) => a.sqrt(), inputs: [pos([2, 3])] },
  { name: 'rsqrt', f: (a) => a.rsqrt(), inputs: [pos([2, 3])] },
  { name: 'reciprocal', f: (a) => a.reciprocal(), inputs: [away([2, 3])] },
  { name: 'square', f: (a) => a.square(), inputs: [x([2, 3])] },
  { name: 'sin', f: (a) => a.sin(), inputs: [x([2, 3], -3, 3)] },
  { name: 'cos', f: (a) => a.cos(), inputs: [x([2, 3], -3, 3)] },
  { name: 'tanh', f: (a) => a.tanh(), inputs: [x([2, 3], -2, 2)] },
  { name: 'sigmoid', f: (a) => a.sigmoid(), inputs: [x([2, 3], -4, 4)] },
  { name: 'relu', f: (a) => a.relu(), inputs: [away([2, 3])] },
  { name: 'leakyRelu', f: (a) => a.leakyRelu(0.1), inputs: [away([2, 3])] },
  { name: 'elu', f: (a) => a.elu(0.7), inputs: [away([2, 3])] },
  { name: 'selu', f: (a) => a.selu(), inputs: [away([2, 3])] },
  { name: 'gelu', f: (a) => a.gelu(), inputs: [x([2, 3], -3, 3)] },
  { name: 'gelu tanh', f: (a) => a.gelu('tanh'), inputs: [x([2, 3], -3, 3)] },
  { name: 'softplus', f: (a) => a.softplus(), inputs: [x([2, 3], -3, 3)] },
  { name: 'softplus beta 2.5', f: (a) => a.softplus(2.5), inputs: [x([2, 3], -3, 3)] },
  { name: 'silu', f: (a) => a.silu(), inputs: [x([2, 3], -3, 3)] },
  { name: 'logSigmoid', f: (a) => a.logSigmoid(), inputs: [x([2, 3], -3, 3)] },
  { name: 'erf', f: (a) => a.erf(), inputs: [x([2, 3], -2, 2)] },
  // inputs at least 0.1 away from the bounds (the gradient steps there)
  { name: 'clamp', f: (a) => a.clamp(-0.5, 0.5), inputs: [f64([-0.9, -0.3, 0.1, 0.35, 0.7, -0.62])] },
  { name: 'clamp min only', f: (a) => a.clamp(0.2), inputs: [f64([-0.9, -0.3, 0.1, 0.35, 0.7, -0.62])] },
  { name: 'clamp max only', f: (a) => a.clamp(undefined, 0.2), inputs: [f64([-0.9, -0.3, 0.1, 0.35, 0.7, -0.62])] },
  { name: 'clone', f: (a) => a.clone().mul(a), inputs: [x([2, 3])] },
  // float32 round trip: linear, so finite differences are exact up to float32 rounding of the values
  { name: 'cast', f: (a) => a.float().mul(3).double(), inputs: [x([2, 3])], options: { eps: 1e-2, atol: 1e-4 } },
];

export const binary: Case[] = [
  { name: 'add', f: (a, b) => a.add(b), inputs: [x([2, 3]), x([2, 3])] },
  { name: 'add broadcast [3,1]+[1,4]', f: (a, b) => a.add(b), inputs: [x([3, 1]), x([1, 4])] },
  { name: 'add broadcast [2,3,4]+[4]', f: (a, b) => a.add(b), inputs: [x([2, 3, 4]), x([4])] },
  { name: 'add scalar tensor', f: (a, b) => a.add(b), inputs: [x([]), x([3])] },
  { name: 'add number', f: (a) => a.add(2.5), inputs: [x([3])] },
  { name: 'sub', f: (a, b) => a.sub(b), inputs: [x([2, 3]), x([2, 3])] },
  { name: 'sub broadcast', f: (a, b) => a.sub(b), inputs: [x([2, 1, 3]), x([4, 1])] },
  { name: 'sub number', f: (a) => a.sub(1.5), inputs: [x([3])] },
  { name: 'mul', f: (a, b) => a.mul(b), inputs: [x([2, 3]), x([2, 3])] },
  { name: 'mul broadcast', f: (a, b) => a.mul(b), inputs: [x([3, 1]), x([2, 1, 4])] },
  { name: 'mul same tensor', f: (a) => a.mul(a), inputs: [x([4])] },
  { name: 'mul number', f: (a) => a.mul(-1.7), inputs: [x([3])] },
  { name: 'div', f: (a, b) => a.div(b), inputs: [x([2, 3]), away([2, 3])] },
  { name: 'div broadcast', f: (a, b) => a.div(b), inputs: [x([2, 3]), away([3])] },
  { name: 'div number', f: (a) => a.div(0.3), inputs: [x([3])] },
  { name: 'pow tensor exponent', f: (a, b) => a.pow(b), inputs: [pos([2, 3]), x([2, 3], -2, 2)] },
  { name: 'pow tensor exponent broadcast', f: (a, b) => a.pow(b), inputs: [pos([2, 3]), x([3, 1, 1], -2, 2)] },
  { name: 'pow 3', f: (a) => a.pow(3), inputs: [x([2, 3])] },
  { name: 'pow 2', f: (a) => a.pow(2), inputs: [x([2, 3])] },
  { name: 'pow 1', f: (a) => a.pow(1), inputs: [x([2, 3])] },
  { name: 'pow 0', f: (a) => a.pow(0).mul(a), inputs: [x([2, 3])] },
  { name: 'pow 0.5', f: (a) => a.pow(0.5), inputs: [pos([2, 3])] },
  { name: 'pow -1.5', f: (a) => a.pow(-1.5), inputs: [pos([2, 3])] },
  { name: 'maximum', f: (a, b) => a.maximum(b), inputs: [f64([0.1, -0.5, 0.9, 0.3]), f64([0.4, -0.9, 0.2, 0.8])] },
  { name: 'maximum broadcast', f: (a, b) => a.maximum(b), inputs: [f64([0.1, -0.5, 0.9, 0.3], [2, 2]), f64([0.4, -0.2], [2, 1])] },
  { name: 'maximum number', f: (a) => a.maximum(0.2), inputs: [f64([0.1, -0.5, 0.9, 0.3])] },
  { name: 'minimum', f: (a, b) => a.minimum(b), inputs: [f64([0.1, -0.5, 0.9, 0.3]), f64([0.4, -0.9, 0.2, 0.8])] },
  { name: 'minimum broadcast', f: (a, b) => a.minimum(b), inputs: [f64([0.1, -0.5, 0.9, 0.3], [2, 2]), f64([0.4, -0.2], [1, 2])] },
  {
    name: 'where broadcast',
    f: (a, b) => where(tensor([[1], [0], [1]]), a, b),
    inputs: [x([3, 4]), x([4])],
  },
  { name: 'where number', f: (a) => where(tensor([1, 0, 0, 1]), a, 0.5).mul(a), inputs: [x([4])] },
  { name: 'where method', f: (a, b) => a.where(a.gt(0), b), inputs: [away([2, 3]), x([2, 3])] },
];

export const reductions: Case[] = [
  { name: 'sum all', f: (a) => a.sum(), inputs: [x([2, 3, 4])] },
  { name: 'sum axis 1', f: (a) => a.sum(1), inputs: [x([2, 3, 4])] },
  { name: 'sum axes [0,2] keepDims', f: (a) => a.sum([0, 2], true), inputs: [x([2, 3, 4])] },
  { name: 'mean all', f: (a) => a.mean(), inputs: [x([2, 3, 4])] },
  { name: 'mean axis -1 keepDims', f: (a) => a.mean(-1, true), inputs: [x([2, 3, 4])] },
  { name: 'max all', f: (a) => a.max(), inputs: [x([2, 3, 4])] },
  { name: 'max axis 1', f: (a) => a.max(1), inputs: [x([2, 3, 4])] },
  { name: 'max axes [0,2] keepDims', f: (a) => a.max([0, 2], true), inputs: [x([2, 3, 4])] },
  { name: 'min axis 0', f: (a) => a.min(0), inputs: [x([2, 3, 4])] },
  { name: 'min axes [1,2] keepDims', f: (a) => a.min([1, 2], true), inputs: [x([2, 3, 4])] },
  { name: 'var all', f: (a) => a.var(), inputs: [x([3, 4])] },
  { name: 'var axis 1 population', f: (a) => a.var(1, { correction: 0 }), inputs: [x([3, 4])] },
  { name: 'var axes [0,2] keepDims', f: (a) => a.var([0, 2], { keepDims: true }), inputs: [x([2, 3, 4])] },
  { name: 'std all', f: (a) => a.std(), inputs: [x([3, 4])] },
  { name: 'std axis 0', f: (a) => a.std(0), inputs: [x([3, 4])] },
  { name: 'logSumExp all', f: (a) => a.logSumExp(), inputs: [x([3, 4], -3, 3)] },
  { name: 'logSumExp axis 1', f: (a) => a.logSumExp(1), inputs: [x([2, 3, 4], -3, 3)] },
  { name: 'logSumExp axes [0,2] keepDims', f: (a) => a.logSumExp([0, 2], true), inputs: [x([2, 3, 4], -3, 3)] },
  { name: 'norm 2', f: (a) => a.norm(), inputs: [x([3, 4])] },
  { name: 'norm 2 axis 1 keepDims', f: (a) => a.norm(2, 1, true), inputs: [x([3, 4])] },
  { name: 'norm 1', f: (a) => a.norm(1), inputs: [away([3, 4])] },
  { name: 'norm 1 axis 0', f: (a) => a.norm(1, 0), inputs: [away([3, 4])] },
  { name: 'norm inf', f: (a) => a.norm('inf'), inputs: [away([3, 4])] },
  { name: 'norm inf axis 1', f: (a) => a.norm('inf', 1), inputs: [away([3, 4])] },
  { name: 'softmax last axis', f: (a) => a.softmax(), inputs: [x([2, 3, 4], -2, 2)] },
  { name: 'softmax axis 0', f: (a) => a.softmax(0), inputs: [x([2, 3, 4], -2, 2)] },
  { name: 'softmax axis 1', f: (a) => a.softmax(1), inputs: [x([2, 3, 4], -2, 2)] },
  { name: 'logSoftmax last axis', f: (a) => a.logSoftmax(-1), inputs: [x([2, 3, 4], -2, 2)] },
  { name: 'logSoftmax axis 0', f: (a) => a.logSoftmax(0), inputs: [x([2, 3, 4], -2, 2)] },
  { name: 'logSoftmax axis 1', f: (a) => a.logSoftmax(1), inputs: [x([2, 3, 4], -2, 2)] },
];

export const shapes: Case[] = [
  { name: 'reshape', f: (a) => a.reshape(4, -1).mul(a.reshape(4, 6)), inputs: [x([2, 3, 4])] },
  { name: 'view', f: (a) => a.view([6, 4]), inputs: [x([2, 3, 4])] },
  { name: 'flatten', f: (a) => a.flatten(1), inputs: [x([2, 3, 4])] },
  { name: 'flatten middle', f: (a) => a.flatten(0, 1), inputs: [x([2, 3, 4])] },
  { name: 'squeeze', f: (a) => a.squeeze(), inputs: [x([2, 1, 3, 1])] },
  { name: 'squeeze axis', f: (a) => a.squeeze(-1), inputs: [x([2, 1, 3, 1])] },
  { name: 'unsqueeze', f: (a) => a.unsqueeze(1), inputs: [x([2, 3])] },
  { name: 'permute', f: (a) => a.permute(2, 0, 1), inputs: [x([2, 3, 4])] },
  { name: 'transpose', f: (a) => a.transpose(0, 2), inputs: [x([2, 3, 4])] },
  { name: 'T', f: (a) => a.T, inputs: [x([2, 3, 4])] },
  { name: 'broadcastTo', f: (a) => a.broadcastTo([2, 3, 4]), inputs: [x([3, 1])] },
  { name: 'expand', f: (a) => a.expand([2, 4]), inputs: [x([4])] },
  { name: 'sumTo', f: (a) => a.sumTo([3, 1]), inputs: [x([2, 3, 4])] },
];

export const indexing: Case[] = [
  { name: 'slice', f: (a) => a.slice(1, 1, 3), inputs: [x([2, 4, 3])] },
  { name: 'slice step 2', f: (a) => a.slice(0, 1, undefined, 2), inputs: [x([7, 2])] },
  { name: 'slice negative start step 3', f: (a) => a.slice(-1, -7, -1, 3), inputs: [x([2, 8])] },
  { name: 'narrow', f: (a) => a.narrow(0, 1, 2), inputs: [x([4, 2])] },
  { name: 'select', f: (a) => a.select(1, -1), inputs: [x([2, 3, 2])] },
  { name: 'index', f: (a) => a.index(1), inputs: [x([3, 2])] },
  { name: 'indexSelect repeats', f: (a) => a.indexSelect(1, [2, 0, 2, -1]), inputs: [x([2, 4])] },
  { name: 'gather axis 1', f: (a) => a.gather(1, tensor([[0, 2, 2], [1, 0, 1]])), inputs: [x([2, 3])] },
  { name: 'gather axis 0', f: (a) => a.gather(0, tensor([[2, 0], [1, 1], [0, 2]])), inputs: [x([3, 3])] },
  {
    name: 'scatter (x and src)',
    f: (a, s) => a.scatter(1, tensor([[2, 0], [1, 3]]), s),
    inputs: [x([2, 4]), x([2, 2])],
  },
  { name: 'scatter number', f: (a) => a.scatter(0, tensor([[1, 0, 1]]), -2), inputs: [x([2, 3])] },
  {
    name: 'scatterAdd repeated targets',
    f: (a, s) => a.scatterAdd(1, tensor([[2, 2, 0], [1, 3, 1]]), s),
    inputs: [x([2, 4]), x([2, 3])],
  },
  { name: 'concat axis 1', f: (a, b, c) => concat([a, b, c], 1), inputs: [x([2, 1, 3]), x([2, 2, 3]), x([2, 3, 3])] },
  { name: 'concat axis 0 reuse', f: (a) => concat([a, a.mul(2)], 0), inputs: [x([2, 3])] },
  { name: 'stack axis 1', f: (a, b) => stack([a, b], 1), inputs: [x([2, 3]), x([2, 3])] },
  { name: 'stack last axis', f: (a, b) => stack([a, b], -1), inputs: [x([2, 3]), x([2, 3])] },
  {
    name: 'split sizes',
    f: (a) => { const [p, q, r] = split(a, [1, 3, 1], 1); return p.mul(2).sum().add(q.square().sum()).add(r.exp().sum()); },
    inputs: [x([2, 5])],
  },
  {
    name: 'split equal',
    f: (a) => { const parts = a.split(2, 0); return concat(parts.map((p, i) => p.mul(i + 1)), 0); },
    inputs: [x([5, 2])],
  },
  {
    name: 'chunk',
    f: (a) => { const parts = chunk(a, 3, 1); return parts[0].sum().mul(parts[2].sum()).add(parts[1].square().sum()); },
    inputs: [x([2, 7])],
  },
  { name: 'pad', f: (a) => pad(a, [[1, 0], [2, 1]]), inputs: [x([2, 2, 3])] },
  { name: 'pad value', f: (a) => a.pad([[0, 2]], 3).mul(a.pad([[2, 0]])), inputs: [x([3, 2])] },
];

export const linearAlgebra: Case[] = [
  { name: 'matmul 1-D x 1-D', f: (a, b) => matmul(a, b), inputs: [x([4]), x([4])] },
  { name: 'matmul 1-D x 2-D', f: (a, b) => matmul(a, b), inputs: [x([4]), x([4, 3])] },
  { name: 'matmul 2-D x 1-D', f: (a, b) => matmul(a, b), inputs: [x([3, 4]), x([4])] },
  { name: 'matmul 2-D x 2-D', f: (a, b) => a.matmul(b), inputs: [x([3, 4]), x([4, 2])] },
  { name: 'matmul batched x 2-D', f: (a, b) => matmul(a, b), inputs: [x([2, 3, 4]), x([4, 2])] },
  { name: 'matmul 2-D x batched', f: (a, b) => matmul(a, b), inputs: [x([3, 4]), x([2, 4, 2])] },
  { name: 'matmul batched broadcast', f: (a, b) => matmul(a, b), inputs: [x([2, 1, 3, 4]), x([3, 4, 2])] },
  { name: 'matmul 1-D x batched', f: (a, b) => matmul(a, b), inputs: [x([4]), x([2, 4, 3])] },
  { name: 'matmul batched x 1-D', f: (a, b) => matmul(a, b), inputs: [x([2, 3, 4]), x([4])] },
  { name: 'matmul with itself', f: (a) => matmul(a, a), inputs: [x([3, 3])] },
  { name: 'dot', f: (a, b) => dot(a, b), inputs: [x([5]), x([5])] },
  { name: 'linear', f: (a, w, b) => linear(a, w, b), inputs: [x([2, 3, 4]), x([5, 4]), x([5])] },
  { name: 'linear without bias, 1-D input', f: (a, w) => linear(a, w), inputs: [x([4]), x([3, 4])] },
];

export const convolution: Case[] = [
  { name: 'conv2d', f: (a, w, b) => conv2d(a, w, b), inputs: [x([2, 2, 4, 5]), x([3, 2, 2, 3]), x([3])] },
  { name: 'conv2d stride 2 padding 1', f: (a, w) => conv2d(a, w, null, { stride: 2, padding: 1 }), inputs: [x([1, 2, 5, 5]), x([2, 2, 3, 3])] },
  { name: 'conv2d stride (1,2) padding (0,2)', f: (a, w) => conv2d(a, w, null, { stride: [1, 2], padding: [0, 2] }), inputs: [x([1, 1, 4, 5]), x([2, 1, 2, 3])] },
  { name: 'conv2d dilation 2', f: (a, w, b) => conv2d(a, w, b, { dilation: 2, padding: 1 }), inputs: [x([1, 2, 6, 5]), x([2, 2, 2, 2]), x([2])] },
  { name: 'conv2d groups 2', f: (a, w, b) => conv2d(a, w, b, { groups: 2 }), inputs: [x([2, 4, 4, 3]), x([4, 2, 2, 2]), x([4])] },
  { name: 'conv2d depthwise stride 2', f: (a, w) => conv2d(a, w, null, { groups: 3, stride: 2, padding: 1 }), inputs: [x([1, 3, 5, 4]), x([3, 1, 3, 3])] },
  { name: 'conv2d unbatched', f: (a, w) => conv2d(a, w), inputs: [x([2, 4, 4]), x([3, 2, 3, 3])] },
  { name: 'convTranspose2d', f: (a, w, b) => convTranspose2d(a, w, b), inputs: [x([2, 2, 3, 3]), x([2, 3, 2, 2]), x([3])] },
  {
    name: 'convTranspose2d stride 2 padding 1 outputPadding 1',
    f: (a, w) => convTranspose2d(a, w, null, { stride: 2, padding: 1, outputPadding: 1 }),
    inputs: [x([1, 2, 3, 3]), x([2, 2, 3, 3])],
  },
  {
    name: 'convTranspose2d groups 2 stride (2,1)',
    f: (a, w, b) => convTranspose2d(a, w, b, { groups: 2, stride: [2, 1] }),
    inputs: [x([1, 4, 3, 2]), x([4, 1, 2, 3]), x([2])],
  },
  {
    name: 'convTranspose2d dilation 2 outputPadding 1 (not below stride)',
    f: (a, w) => convTranspose2d(a, w, null, { dilation: 2, outputPadding: 1 }),
    inputs: [x([1, 2, 3, 3]), x([2, 1, 2, 2])],
  },
  { name: 'convTranspose2d unbatched', f: (a, w) => convTranspose2d(a, w, null, { stride: 2 }), inputs: [x([2, 2, 3]), x([2, 2, 2, 2])] },
];

export const pooling: Case[] = [
  { name: 'maxPool2d 2', f: (a) => maxPool2d(a, 2), inputs: [x([2, 2, 4, 5])] },
  { name: 'maxPool2d 3 stride 2 padding 1', f: (a) => maxPool2d(a, 3, { stride: 2, padding: 1 }), inputs: [x([1, 2, 5, 5])] },
  { name: 'maxPool2d (2,3) dilation 2 stride 1', f: (a) => maxPool2d(a, [2, 3], { stride: 1, dilation: 2 }), inputs: [x([1, 1, 5, 6])] },
  { name: 'maxPool2d unbatched', f: (a) => maxPool2d(a, 2), inputs: [x([2, 4, 4])] },
  { name: 'avgPool2d 2', f: (a) => avgPool2d(a, 2), inputs: [x([2, 2, 4, 5])] },
  { name: 'avgPool2d padding countIncludePad', f: (a) => avgPool2d(a, 3, { stride: 2, padding: 1, countIncludePad: true }), inputs: [x([1, 2, 5, 4])] },
  { name: 'avgPool2d padding excludePad', f: (a) => avgPool2d(a, 3, { stride: 2, padding: 1, countIncludePad: false }), inputs: [x([1, 2, 5, 4])] },
  { name: 'upsampleNearest scale 2', f: (a) => upsampleNearest(a, { scaleFactor: 2 }), inputs: [x([1, 2, 2, 3])] },
  { name: 'upsampleNearest size', f: (a) => upsampleNearest(a, { size: [5, 4] }), inputs: [x([1, 1, 3, 3])] },
];

export const groups: [string, Case[]][] = [
  ['elementwise', elementwise], ['binary', binary], ['reductions', reductions], ['shape', shapes],
  ['indexing', indexing], ['linear algebra', linearAlgebra], ['convolution', convolution], ['pooling', pooling],
];

// ---- second derivatives ---------------------------------------------------------------------

export const second: Case[] = [
  { name: 'tanh', f: (a) => a.tanh(), inputs: [x([2, 3], -2, 2)] },
  { name: 'sigmoid', f: (a) => a.sigmoid(), inputs: [x([2, 3], -3, 3)] },
  { name: 'softplus', f: (a) => a.softplus(), inputs: [x([2, 3], -3, 3)] },
  { name: 'softplus beta 2', f: (a) => a.softplus(2), inputs: [x([2, 3], -2, 2)] },
  { name: 'exp', f: (a) => a.exp(), inputs: [x([2, 3])] },
  { name: 'log', f: (a) => a.log(), inputs: [pos([2, 3], 0.5, 2)] },
  { name: 'sqrt', f: (a) => a.sqrt(), inputs: [pos([2, 3], 0.5, 2)] },
  { name: 'div', f: (a, b) => a.div(b), inputs: [x([2, 3]), away([2, 3])] },
  { name: 'div broadcast', f: (a, b) => a.div(b), inputs: [x([2, 3]), x([3], 0.5, 1.5)] },
  { name: 'mul', f: (a, b) => a.mul(b).mul(a), inputs: [x([2, 3]), x([3])] },
  { name: 'pow tensor exponent', f: (a, b) => a.pow(b), inputs: [pos([2, 3], 0.5, 2), x([2, 3])] },
  { name: 'pow 3', f: (a) => a.pow(3), inputs: [x([2, 3])] },
  { name: 'pow -0.5', f: (a) => a.pow(-0.5), inputs: [pos([2, 3], 0.5, 2)] },
  { name: 'gelu', f: (a) => a.gelu(), inputs: [x([2, 3], -2, 2)] },
  { name: 'gelu tanh', f: (a) => a.gelu('tanh'), inputs: [x([2, 3], -2, 2)] },
  { name: 'elu', f: (a) => a.elu(), inputs: [away([2, 3])] },
  { name: 'silu', f: (a) => a.silu(), inputs: [x([2, 3], -2, 2)] },
  { name: 'erf', f: (a) => a.erf(), inputs: [x([2, 3], -2, 2)] },
  { name: 'matmul', f: (a, b) => matmul(a, b), inputs: [x([3, 4]), x([4, 2])] },
  { name: 'matmul batched broadcast', f: (a, b) => matmul(a, b), inputs: [x([2, 1, 2, 3]), x([2, 3, 2])] },
  { name: 'matmul squared', f: (a) => matmul(a, a).tanh(), inputs: [x([3, 3])] },
  { name: 'linear', f: (a, w, b) => linear(a, w, b).tanh(), inputs: [x([2, 3]), x([4, 3]), x([4])] },
  { name: 'conv2d', f: (a, w, b) => conv2d(a, w, b, { padding: 1 }).tanh(), inputs: [x([1, 2, 4, 3]), x([2, 2, 2, 2]), x([2])] },
  { name: 'conv2d stride 2 groups 2', f: (a, w) => conv2d(a, w, null, { stride: 2, groups: 2 }).square(), inputs: [x([1, 2, 5, 5]), x([2, 1, 3, 3])] },
  { name: 'convTranspose2d', f: (a, w) => convTranspose2d(a, w, null, { stride: 2, padding: 1, outputPadding: 1 }).square(), inputs: [x([1, 2, 3, 2]), x([2, 2, 3, 3])] },
  { name: 'convTranspose2d dilation 2 outputPadding 1', f: (a, w) => convTranspose2d(a, w, null, { dilation: 2, outputPadding: 1 }).square(), inputs: [x([1, 1, 3, 3]), x([1, 2, 2, 2])] },
  { name: 'logSumExp', f: (a) => a.logSumExp(1), inputs: [x([2, 4], -2, 2)] },
  { name: 'logSumExp all', f: (a) => a.logSumExp(), inputs: [x([2, 3], -2, 2)] },
  { name: 'norm 2', f: (a) => a.norm(), inputs: [x([2, 3])] },
  { name: 'norm 2 axis 1', f: (a) => a.norm(2, 1), inputs: [x([2, 3])] },
  { name: 'norm 1', f: (a) => a.norm(1).square(), inputs: [away([2, 3])] },
  { name: 'softmax', f: (a) => a.softmax(), inputs: [x([2, 4], -2, 2)] },
  { name: 'softmax axis 0', f: (a) => a.softmax(0), inputs: [x([3, 2], -2, 2)] },
  { name: 'logSoftmax', f: (a) => a.logSoftmax(), inputs: [x([2, 4], -2, 2)] },
  { name: 'var', f: (a) => a.var(1), inputs: [x([2, 4])] },
  { name: 'std', f: (a) => a.std(), inputs: [x([2, 4])] },
  { name: 'max axis 1', f: (a) => a.max(1).square(), inputs: [x([3, 4])] },
  { name: 'maxPool2d', f: (a) => maxPool2d(a, 2).square(), inputs: [x([1, 2, 4, 4])] },
  { name: 'avgPool2d excludePad', f: (a) => avgPool2d(a, 3, { padding: 1, stride: 2, countIncludePad: false }).square(), inputs: [x([1, 1, 5, 4])] },
  { name: 'gather + scatterAdd', f: (a, s) => a.scatterAdd(1, tensor([[0, 0, 2]]), s.gather(1, tensor([[1, 1, 0]]))).square(), inputs: [x([1, 3]), x([1, 3])] },
  { name: 'pad + slice', f: (a) => a.pad([[1, 2]], 0.5).slice(0, 0, undefined, 2).square(), inputs: [x([5])] },
  { name: 'where', f: (a, b) => where(tensor([1, 0, 1]), a.square(), b.exp()).mul(a), inputs: [x([3]), x([3])] },
];
