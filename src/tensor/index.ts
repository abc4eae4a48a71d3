export { Tensor, type NestedArray } from './tensor.js';
export type { DType, FloatDType, Storage } from './dtype.js';
export { type Shape, broadcastShapes, sizeOf } from './shape.js';
export { Generator, manualSeed, defaultGenerator } from './random.js';
export { noGrad, enableGrad, isGradEnabled, setDebug, isDebug, type GradFn } from './autograd.js';
export { detectAnomaly, isAnomalyDetectionEnabled, withAnomalyDetection } from './anomaly.js';
export { grad, valueAndGrad, hvp, type GradOptions, type FunctionalGradOptions } from './functional.js';
export { clearPool, pooledByteCount, poolStatistics } from './pool.js';
export { setPrintOptions, getPrintOptions, formatTensor, type PrintOptions } from './print.js';
export { gradcheck, gradgradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
export * from './creation.js';
export { elu, selu, gelu, softplus, silu, logSigmoid } from './ops/activation.js';
export { leakyRelu, clamp } from './ops/unary.js';
export { softmax, logSoftmax, logSumExp, norm, type VarianceOptions } from './ops/reduce.js';
export { concat, stack, split, chunk, where, gather, scatter, scatterAdd, pad, gatherFlat, scatterAddFlat, type IndexLike, type PadMode, type PadOptions } from './ops/indexing.js';
export { matmul, dot, linear } from './ops/matmul.js';
export { conv2d, convTranspose2d, type Conv2dOptions, type ConvTranspose2dOptions, type Pair } from './ops/conv.js';
export { maxPool2d, avgPool2d, upsampleNearest, type Pool2dOptions, type MaxPool2dOptions, type AvgPool2dOptions, type UpsampleOptions } from './ops/pool.js';

// linear algebra (torch.linalg)
export * as linalg from './linalg/index.js';

// shape, sort and index ops (PyTorch names)
export { flip, roll, repeat, tile, repeatInterleave, unfold } from './ops/arrange.js';
export { tril, triu, diag, trace } from './ops/triangular.js';
export { sort, argsort, topk, median, type ValuesAndIndices } from './ops/sort.js';
export { maskedFill, indexAdd, meshgrid, take, type IndexAddOptions, type MeshgridOptions } from './ops/index-extra.js';
export { outer, kron } from './ops/products.js';
export { einsum } from './ops/einsum.js';
export { cdist } from './ops/distance.js';

// elementwise ops and reductions (PyTorch names)
export { tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh } from './ops/trig.js';
export { atan2, lerp, fmod, remainder, logAddExp, floorDivide } from './ops/elementwise-extra.js';
export { prod, cumsum, cumprod } from './ops/scan.js';
export { any, all, allclose, nansum, type AllcloseOptions } from './ops/logical.js';

// issue 19: spatial ops
export { conv1d, conv3d, type Conv1dOptions, type Conv3dOptions, type Single, type Triple } from './ops/conv-nd.js';
export { maxPool1d, avgPool1d, type Pool1dOptions, type MaxPool1dOptions, type AvgPool1dOptions } from './ops/pool1d.js';
export {
  adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d, type AdaptiveSize, type AdaptiveMaxPoolOptions,
} from './ops/adaptive-pool.js';
export { interpolate, type InterpolateOptions, type InterpolateMode } from './ops/interpolate.js';
// dtypes: int32, uint8 and bool tensors (see dtype.ts for the promotion rules)
export { DTYPES, isFloating, promote } from './dtype.js';
export { logicalAnd, logicalOr, logicalXor, logicalNot, isfinite, maskedSelect } from './ops/masks.js';
