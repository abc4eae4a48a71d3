import type { Kernels } from '../kernels.js';
import { col2im, conv2d, conv2dInputGrad, conv2dWeightGrad, im2col } from './conv.js';
import { binary, binaryScalar, unary } from './elementwise.js';
import { gemm } from './gemm.js';
import { permute, scatterAdd, take } from './layout.js';
import { adaptiveMaxPool2d, maxPool2d } from './pool.js';
import { argReduce, reduce, softmax } from './reduce.js';
import { cumsum } from './scan.js';
import { sortOrder } from './sort.js';

/** The plain TypeScript reference backend: always present, the yardstick for the others. */
export const jsKernels: Kernels = {
  name: 'js',
  unary,
  binaryScalar,
  binary,
  reduce,
  argReduce,
  gemm,
  permute,
  take,
  scatterAdd,
  im2col,
  col2im,
  conv2d,
  conv2dInputGrad,
  conv2dWeightGrad,
  maxPool2d,
  softmax,
  cumsum,
  sortOrder,
  adaptiveMaxPool2d,
};
