/**
 * Data: everything in {@link ./portable.ts} (datasets, the DataLoader, transforms, IDX/MNIST
 * decoding, synthetic data) plus the Node-only file loaders: MNIST-format files, Fashion-MNIST
 * (found on disk or downloaded) and the subset shipped in the package.
 */
export * from './portable.js';
export { loadMnistFormat } from './mnist-files.js';
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
