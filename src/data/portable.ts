/**
 * The data module's names that run anywhere (Node, browsers, bundlers): datasets, the
 * DataLoader, transforms, seeds, IDX and MNIST-format decoding from bytes, synthetic data. The
 * package root exports these; the file loaders are in {@link ./index.ts} (the Node entry).
 */
export { type TensorDataset, type Subset, type SplitOptions, tensorDataset, datasetLength, takeRows, subset, randomSplit, stratifiedSplit, classCounts } from './dataset.js';
export { DataLoader, type DataLoaderOptions } from './loader.js';
export type { Batch, BatchTransform, BatchAugment } from './transforms.js';
export * as transforms from './transforms.js';
export { type SeedLike, toGenerator, deriveSeed } from './seed.js';
export { type IdxType, type IdxData, type IdxArray, type ReadIdxOptions, type WriteIdxOptions, IdxFormatError, readIdx, readIdxHeader, writeIdx, isGzip, maybeGunzip } from './idx.js';
export { type ImageClassificationDataset, type MnistFormatOptions, type NamedBytes, decodeMnistFormat } from './mnist.js';
export {
  type SyntheticOptions,
  type MixtureDataset,
  type GaussianMixtureOptions,
  type RingOptions,
  type GridOptions,
  type NoiseOptions,
  type SpiralOptions,
  type CirclesOptions,
  type ConditionedOptions,
  type Design,
  type LinearRegressionOptions,
  type LogisticRegressionOptions,
  type RegressionDataset,
  type Regression1DOptions,
  type Regression1DDataset,
  gaussianMixture,
  gaussianRing,
  gaussianGrid,
  mixtureModeStats,
  twoMoons,
  spirals,
  concentricCircles,
  conditionedDesign,
  linearRegressionData,
  logisticRegressionData,
  noisyRegression1D,
} from './synthetic.js';
