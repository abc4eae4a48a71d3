/**
 * 1-D max and average pooling over [N, C, L] (or [C, L]): the 2-D pools over planes of height 1,
 * so their kernels, ceil mode, divisors and derivatives are the same code.
 */
import { shapeToString } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { tupleOf, type Single } from './conv-nd.js';
import { avgPool2d, maxPool2d } from './pool.js';
import { checkTensor } from './result.js';

export interface Pool1dOptions {
  /** Defaults to the kernel size, as in PyTorch. */
  stride?: Single;
  padding?: Single;
  /** Round the output length up instead of down (PyTorch's ceil_mode). */
  ceilMode?: boolean;
}

export interface MaxPool1dOptions extends Pool1dOptions {
  dilation?: Single;
  /** Also return the winners' positions along L (PyTorch's return_indices): maxPool1d then returns [values, indices]. */
  returnIndices?: boolean;
}

export interface AvgPool1dOptions extends Pool1dOptions {
  /** Count padded zeros in each window's divisor (PyTorch's default, true). */
  countIncludePad?: boolean;
}

/** x as [N, C, 1, L], and how to bring a result back to x's rank. */
function asPlanes(x: Tensor, op: string): [Tensor, (t: Tensor) => Tensor] {
  checkTensor(x, op);
  if (x.ndim !== 2 && x.ndim !== 3) throw new RangeError(`${op}: input must be [N, C, L] or [C, L], got shape ${shapeToString(x.shape)}`);
  return [x.unsqueeze(-2), (t) => t.squeeze(-2)];
}

/** PyTorch's max_pool1d: the max over each window, the gradient to its (first) winner. */
export function maxPool1d(x: Tensor, kernelSize: Single, options: MaxPool1dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: Single, options?: MaxPool1dOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(x: Tensor, kernelSize: Single, options?: MaxPool1dOptions): Tensor | [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: Single, options: MaxPool1dOptions = {}): Tensor | [Tensor, Tensor] {
  checkOptions('maxPool1d', options, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']);
  const [planes, back] = asPlanes(x, 'maxPool1d');
  const o = options ?? {};
  const [k] = tupleOf(kernelSize, 1, 'kernelSize', 'maxPool1d', 1);
  const out = maxPool2d(planes, [1, k], {
    stride: [1, tupleOf(o.stride ?? k, 1, 'stride', 'maxPool1d', 1)[0]],
    padding: [0, tupleOf(o.padding ?? 0, 1, 'padding', 'maxPool1d', 0)[0]],
    dilation: [1, tupleOf(o.dilation ?? 1, 1, 'dilation', 'maxPool1d', 1)[0]],
    ceilMode: o.ceilMode, returnIndices: o.returnIndices,
  });
  return Array.isArray(out) ? [back(out[0]), back(out[1])] : back(out);
}

/** PyTorch's avg_pool1d: the mean over each window (ceil mode and countIncludePad included). */
export function avgPool1d(x: Tensor, kernelSize: Single, options: AvgPool1dOptions = {}): Tensor {
  checkOptions('avgPool1d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
  const [planes, back] = asPlanes(x, 'avgPool1d');
  const o = options ?? {};
  const [k] = tupleOf(kernelSize, 1, 'kernelSize', 'avgPool1d', 1);
  return back(avgPool2d(planes, [1, k], {
    stride: [1, tupleOf(o.stride ?? k, 1, 'stride', 'avgPool1d', 1)[0]],
    padding: [0, tupleOf(o.padding ?? 0, 1, 'padding', 'avgPool1d', 0)[0]],
    ceilMode: o.ceilMode, countIncludePad: o.countIncludePad,
  }));
}
