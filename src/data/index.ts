/** Data: datasets, the DataLoader, transforms, IDX/MNIST-format files, Fashion-MNIST, synthetic data. */
export { type TensorDataset, type Subset, type SplitOptions, tensorDataset, datasetLength, takeRows, subset, randomSplit, stratifiedSplit, classCounts } from './dataset.js';
export { DataLoader, type DataLoaderOptions } from './loader.js';
export type { Batch, BatchTransform, BatchAugment } from './transforms.js';
export * as transforms from './transforms.js';
export { type SeedLike, toGenerator, deriveSeed } from './seed.js';
export { type IdxType, type IdxData, type IdxArray, type ReadIdxOptions, type WriteIdxOptions, IdxFormatError, readIdx, readIdxHeader, writeIdx, isGzip, maybeGunzip } from './idx.js';
export { type ImageClassificationDataset, type MnistFormatOptions, type NamedBytes, decodeMnistFormat, loadMnistFormat } from './mnist.js';
export {
  type Split,
  type FileChecksum,
  type FetchLike,
  type LocateOptions,
  type DownloadOptions,
  type LoadFashionMNISTOptions,
  type Located,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_FILES,
  FASHION_MNIST_URL,
  FASHION_MNIST_CHECKSUMS,
  FASHION_MNIST_ENV,
  DEBIAN_FASHION_MNIST_DIR,
  DatasetNotFoundError,
  ChecksumError,
  fashionMNISTCacheDir,
  findFashionMNIST,
  verifyChecksum,
  downloadFashionMNIST,
  loadFashionMNIST,
  loadFashionMNISTSync,
} from './fashion-mnist.js';
export { FASHION_MNIST_SUBSET_PER_CLASS, type LoadSubsetOptions, builtinDataDir, loadFashionMNISTSubset, loadBuiltin } from './builtin.js';
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
